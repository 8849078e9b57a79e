"""CSAT and NPS figures: the counts behind them, summed in SQL, for any slice of answers.

Every figure is an aggregate computed in SQL, so the dashboard runs a fixed number of queries
however many answers there are. Definitions:
- CSAT % is the share of ratings that are 4 or 5; the CSAT average is the mean of 1-5.
- NPS is % promoters (9-10) minus % detractors (0-6), a whole number from -100 to 100.
- An answer counts in the period of its first rating (`Feedback.created_at`), in UTC.
The trends, breakdowns and dashboard sum these same columns; the supervisor KPIs and the
account 360 call `scores` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.domain.voc import score_bands
from portal.extensions import db
from portal.models import Feedback, FeedbackKind


@dataclass
class Scores:
    """Counts behind the CSAT and NPS figures of one slice of answers."""

    csat_count: int = 0
    csat_satisfied: int = 0
    csat_sum: int = 0
    nps_count: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def csat_percent(self) -> float | None:
        return round(self.csat_satisfied * 100 / self.csat_count, 1) if self.csat_count else None

    @property
    def csat_average(self) -> float | None:
        return round(self.csat_sum / self.csat_count, 2) if self.csat_count else None

    @property
    def passives(self) -> int:
        return self.nps_count - self.promoters - self.detractors

    @property
    def nps(self) -> int | None:
        if not self.nps_count:
            return None
        return round((self.promoters - self.detractors) * 100 / self.nps_count)


def _scores(row, prefix: str = "") -> Scores:
    return Scores(**{name: int(getattr(row, prefix + name) or 0) for name in _SCORE_FIELDS})


_SCORE_FIELDS = (
    "csat_count",
    "csat_satisfied",
    "csat_sum",
    "nps_count",
    "promoters",
    "detractors",
)


def _score_columns(condition=None, prefix: str = "") -> list:
    """SUMs of the Scores fields over answers matching `condition` (no GROUP BY needed)."""
    condition = sa.true() if condition is None else condition
    csat = sa.and_(condition, Feedback.kind == FeedbackKind.CSAT)
    nps = sa.and_(condition, Feedback.kind == FeedbackKind.NPS)

    def total(when, value=1):
        return sa.func.coalesce(sa.func.sum(sa.case((when, value), else_=0)), 0)

    return [
        total(csat).label(prefix + "csat_count"),
        total(sa.and_(csat, Feedback.score >= 4)).label(prefix + "csat_satisfied"),
        total(csat, Feedback.score).label(prefix + "csat_sum"),
        total(nps).label(prefix + "nps_count"),
        total(sa.and_(nps, Feedback.score >= 9)).label(prefix + "promoters"),
        total(sa.and_(nps, Feedback.score <= 6)).label(prefix + "detractors"),
    ]


def _answers() -> sa.ColumnElement[bool]:
    return sa.and_(Feedback.kind.in_(score_bands.SURVEY_KINDS), Feedback.score.is_not(None))


def scores(
    start: datetime,
    end: datetime,
    *,
    agent_id: int | None = None,
    queue_id: int | None = None,
    account_id: int | None = None,
    tier: int | None = None,
) -> Scores:
    """CSAT and NPS counts for answers first given in [start, end), optionally for one agent,
    queue, tier or account (for the supervisor KPIs and the account 360). One query."""
    query = sa.select(*_score_columns()).where(
        _answers(), Feedback.created_at >= start, Feedback.created_at < end
    )
    query = _only(query, agent_id=agent_id, queue_id=queue_id, account_id=account_id, tier=tier)
    return _scores(db.session.execute(query).one())


def _only(query: sa.Select, **values) -> sa.Select:
    for name, value in values.items():
        if value is not None:
            query = query.where(getattr(Feedback, name) == value)
    return query


def scores_by_agent(
    start: datetime, end: datetime, *, queue_id: int | None = None, tier: int | None = None
) -> dict[int, Scores]:
    """`scores` for each agent with answers in [start, end). One query."""
    query = (
        sa.select(Feedback.agent_id, *_score_columns())
        .where(_answers(), Feedback.created_at >= start, Feedback.created_at < end)
        .where(Feedback.agent_id.is_not(None))
        .group_by(Feedback.agent_id)
    )
    query = _only(query, queue_id=queue_id, tier=tier)
    return {row.agent_id: _scores(row) for row in db.session.execute(query)}
