"""Taking turns at SQLite's one write lock, so that an editor's save never waits long.

On SQLite a long writer (the import) holds the only write lock for each of its
transactions. Another writer waiting for it is woken by SQLite's busy handler, which
polls every 100 ms once it has waited a while: if the import took the lock straight
back after each commit, an editor saving meanwhile could miss every gap and starve.

``WriteTurns`` makes sure that after each ``held_seconds`` of holding the lock the
import leaves it free for at least ``gap_seconds`` before it writes again. The time
between two transactions counts towards that gap: the import reads and prepares its
next files while the lock is free, and sleeps only for what is left.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections, router, transaction

from .models import Article


class WriteTurns:
    def __init__(
        self,
        *,
        held_seconds: float,
        gap_seconds: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.held_seconds = held_seconds
        self.gap_seconds = gap_seconds
        self._clock = clock
        self._sleep = sleep
        self._held = 0.0  # how long the lock was held since the last long enough gap
        self._released_at = clock()
        using = router.db_for_write(Article)
        self._takes_turns = connections[using].vendor == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``transaction.atomic()``, after a long enough gap when one is due."""
        if not self._takes_turns:
            with transaction.atomic():
                yield
            return
        self._wait_for_turn()
        started = self._clock()
        try:
            with transaction.atomic():
                yield
        finally:
            self._released_at = self._clock()
            self._held += self._released_at - started

    def _wait_for_turn(self) -> None:
        free_for = self._clock() - self._released_at
        if free_for >= self.gap_seconds:
            self._held = 0.0
        elif self._held >= self.held_seconds:
            self._sleep(self.gap_seconds - free_for)
            self._held = 0.0
