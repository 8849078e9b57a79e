"""Counts per local day: created and resolved cases for each day of a period, grouped in SQL by
UTC quarter hour (`quarter_hour`) and placed in local days here. Separate from the dashboard that
shows them because the report buckets count by the same quarter hours.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from portal.domain.analytics import counting, periods, scopes
from portal.extensions import db
from portal.models import Case

# Daily series are grouped in SQL by quarter hour (UTC), then into local days here, so any
# time zone offset (Tehran's +03:30 included) lands on the right day.
SLICE_SECONDS = 900


def quarter_hour(column) -> sa.ColumnElement[int]:
    """The quarter hour (seconds since 1970 // 900) of a UTC timestamp, in the engine's SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        seconds = sa.extract("epoch", column)
        return sa.cast(sa.func.floor(seconds / SLICE_SECONDS), sa.BigInteger)
    seconds = sa.cast(sa.func.strftime(sa.literal_column("'%s'"), column), sa.Integer)
    return seconds // SLICE_SECONDS


def _per_day(column, condition, scope: scopes.Scope, when: periods.Period) -> dict[date, int]:
    bucket = quarter_hour(column).label("slice")
    query = sa.select(bucket, sa.func.count()).where(condition, *scope.on_cases()).group_by(bucket)
    days = when.days
    # Every zone's offset is a whole number of quarter hours, so local midnights fall on
    # slice boundaries and a slice belongs to the last day that starts at or before it.
    starts = [
        int(datetime.combine(day, time(0), when.tz).timestamp()) // SLICE_SECONDS for day in days
    ]
    counts: dict[date, int] = {}
    for slice_number, count in db.session.execute(query):
        index = bisect_right(starts, int(slice_number)) - 1
        if index >= 0:
            day = days[index]
            counts[day] = counts.get(day, 0) + int(count)
    return counts


@dataclass(frozen=True)
class Day:
    day: date
    created: int
    resolved: int


def daily(scope: scopes.Scope, when: periods.Period) -> list[Day]:
    """Created and resolved per local day of the period (empty days included). Two queries."""
    created = _per_day(Case.created_at, counting.in_period(Case.created_at, when), scope, when)
    done_at = sa.func.coalesce(Case.resolved_at, Case.closed_at)
    resolved = _per_day(done_at, counting.resolved_in(when), scope, when)
    return [Day(day, created.get(day, 0), resolved.get(day, 0)) for day in when.days]
