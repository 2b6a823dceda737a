"""Which years, months or days hold published stories, for the date archives' links.

Truncating every story's time to its month or year in the newsroom's time zone (what
``QuerySet.datetimes()`` does) reads every story of the period, and on SQLite calls
Python once a story: a fifth of a second at 10,000 stories. Reading instead, for each
candidate period, the first story at or after its start reads one or two entries of
the list index per period, in a single query, however many stories there are.
"""

from datetime import UTC, date, datetime, time

from django.db import connections
from django.db.models import Subquery
from django.utils import timezone

# Stands for a period's start while its probe is compiled: no story is this old.
MARKER = datetime(1, 1, 2, tzinfo=UTC)


def start_of(day: date) -> datetime:
    """The first moment of ``day`` in the current time zone, as story addresses count days."""
    return timezone.make_aware(datetime.combine(day, time.min))


def periods_with_stories(stories, starts: list[date], end: date) -> list[date]:
    """Those of ``starts`` whose period holds one of ``stories``, in one query.

    ``starts`` are consecutive, in order; each period runs to the next start, the last
    one to ``end``. For each period the query reads the first story at or after its
    start, from the list index in time order, and the period holds a story when that
    one comes before the period's end.

    The ORM would compile that subquery afresh for each of a month's 31 days (some
    milliseconds each); it is compiled once here, and asked once a period with that
    period's times as parameters.
    """
    if not starts:
        return []
    connection = connections[stories.db]
    adapt = connection.ops.adapt_datetimefield_value
    edges = [adapt(start_of(day)) for day in [*starts, end]]
    first = stories.order_by("published_at").values("published_at")
    sql, params = first.filter(published_at__gte=MARKER)[:1].query.sql_with_params()
    marker_at = list(params).index(adapt(MARKER))
    probes, values = [], []
    for n in range(len(starts)):
        probes.append(f"(({sql}) < %s)")
        values += [*params[:marker_at], edges[n], *params[marker_at + 1 :], edges[n + 1]]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(probes)}", values)
        found = cursor.fetchone()
    return [day for day, holds in zip(starts, found, strict=True) if holds]


def years_with_stories(stories) -> list[date]:
    """The first day of each year holding one of ``stories``, newest first.

    One query finds the oldest and newest story; a second, only when years lie between
    them, asks which of those hold stories.
    """
    times = stories.order_by().values("published_at")
    row = next(
        iter(
            stories.order_by().values(
                oldest=Subquery(times.order_by("published_at")[:1]),
                newest=Subquery(times.order_by("-published_at")[:1]),
            )[:1]
        ),
        None,
    )
    if row is None:
        return []
    first, last = (timezone.localtime(row[key]).year for key in ("oldest", "newest"))
    middle = [date(year, 1, 1) for year in range(first + 1, last)]
    years = [date(first, 1, 1), *periods_with_stories(stories, middle, date(last, 1, 1))]
    if last != first:
        years.append(date(last, 1, 1))
    return years[::-1]
