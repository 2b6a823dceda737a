"""Taking turns at SQLite's write lock: when the import leaves the lock free, and how long."""

import pytest
from django.db import connection

from articles.write_turns import WriteTurns

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    """A clock that moves only when told to, or when slept on."""

    def __init__(self):
        self.now = 100.0
        self.slept = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def writes(turns: WriteTurns, clock: Clock, *, holding: float, then_free: float) -> None:
    with turns.transaction():
        clock.now += holding
    clock.now += then_free


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite has one write lock")
def test_after_half_a_second_of_writing_the_lock_is_left_free_long_enough():
    clock = Clock()
    turns = WriteTurns(held_seconds=0.5, gap_seconds=0.12, clock=clock, sleep=clock.sleep)
    for _batch in range(4):
        writes(turns, clock, holding=0.15, then_free=0.03)
    assert clock.slept == []  # 0.45 s held so far
    writes(turns, clock, holding=0.15, then_free=0.03)  # 0.6 s held: a turn is due
    writes(turns, clock, holding=0.15, then_free=0.03)
    # The 0.03 s spent preparing the batch counted: only the rest of the gap was slept.
    assert clock.slept == [0.09]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite has one write lock")
def test_a_long_enough_gap_between_batches_needs_no_sleep():
    clock = Clock()
    turns = WriteTurns(held_seconds=0.5, gap_seconds=0.12, clock=clock, sleep=clock.sleep)
    for _batch in range(10):
        writes(turns, clock, holding=0.4, then_free=0.2)  # reading the next files
    assert clock.slept == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite has one write lock")
def test_the_turn_is_counted_from_the_last_long_gap():
    clock = Clock()
    turns = WriteTurns(held_seconds=0.5, gap_seconds=0.12, clock=clock, sleep=clock.sleep)
    writes(turns, clock, holding=0.4, then_free=0.0)
    writes(turns, clock, holding=0.4, then_free=0.2)  # 0.8 s held, then a gap of 0.2 s
    writes(turns, clock, holding=0.4, then_free=0.0)  # held 0.4 s since that gap
    writes(turns, clock, holding=0.15, then_free=0.0)
    assert clock.slept == []
    writes(turns, clock, holding=0.15, then_free=0.0)  # 0.55 s held since the gap
    assert clock.slept == [0.12]


def test_writes_are_committed_each_in_its_own_transaction():
    turns = WriteTurns(held_seconds=0.5, gap_seconds=0.12)
    with turns.transaction():
        assert connection.in_atomic_block
    assert not connection.in_atomic_block
