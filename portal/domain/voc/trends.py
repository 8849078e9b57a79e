"""VoC trends: CSAT and NPS per ISO week (from Monday) or calendar month, empty ones included.

Apart from the plain figures because bucketing answers by week or month (in UTC) needs SQL
that differs between PostgreSQL and SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from portal.domain.voc.score_figures import Scores, _answers, _score_columns, _scores
from portal.extensions import db
from portal.models import Feedback

TREND_POINTS = 12


@dataclass
class TrendPoint:
    starts: datetime
    scores: Scores


def _bucket(granularity: str):
    """The UTC start of an answer's week or month as 'YYYY-MM-DD', in the engine's dialect.
    Constants are literal SQL (not parameters) so GROUP BY matches the selected expression."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        unit = sa.literal_column(f"'{granularity}'")
        utc = sa.func.timezone(sa.literal_column("'UTC'"), Feedback.created_at)
        return sa.func.to_char(sa.func.date_trunc(unit, utc), sa.literal_column("'YYYY-MM-DD'"))
    if granularity == "week":
        return sa.func.date(
            Feedback.created_at, sa.literal_column("'weekday 0'"), sa.literal_column("'-6 days'")
        )
    return sa.func.strftime(sa.literal_column("'%Y-%m-01'"), Feedback.created_at)


def _bucket_starts(granularity: str, now: datetime, count: int) -> list[date]:
    today = now.astimezone(UTC).date()
    if granularity == "week":
        monday = today - timedelta(days=today.weekday())
        return [monday - timedelta(weeks=count - 1 - n) for n in range(count)]
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def trend(
    granularity: str,
    *,
    now: datetime,
    count: int = TREND_POINTS,
    account_id: int | None = None,
) -> list[TrendPoint]:
    """Scores per week or month for the last `count` of them (empty ones included). One query."""
    if granularity not in ("week", "month"):
        raise ValueError(granularity)
    starts = _bucket_starts(granularity, now, count)
    first = datetime.combine(starts[0], datetime.min.time(), tzinfo=UTC)
    bucket = _bucket(granularity)
    query = (
        sa.select(bucket.label("bucket"), *_score_columns())
        .where(_answers(), Feedback.created_at >= first, Feedback.created_at < now)
        .group_by(bucket)
    )
    if account_id is not None:
        query = query.where(Feedback.account_id == account_id)
    found = {str(row.bucket)[:10]: _scores(row) for row in db.session.execute(query)}
    return [
        TrendPoint(
            datetime.combine(day, datetime.min.time(), tzinfo=UTC),
            found.get(day.isoformat(), Scores()),
        )
        for day in starts
    ]
