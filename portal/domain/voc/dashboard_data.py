"""The VoC dashboard: everything /feedback/voc shows, gathered in a fixed number of queries.

Besides the figures, trends and breakdowns it assembles, it holds what only the dashboard
shows: the low scores awaiting follow-up, the themes of the period against the period before,
and the response rate (answered surveys over surveys sent, by when they were sent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.domain.voc import listings, score_bands
from portal.domain.voc.breakdowns import DIMENSIONS, BreakdownRow, breakdown
from portal.domain.voc.score_figures import Scores, _answers, _score_columns, _scores
from portal.domain.voc.trends import TrendPoint, trend
from portal.extensions import db
from portal.models import (
    Account,
    Contact,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    FeedbackTheme,
    SurveyInvitation,
    User,
    feedback_theme_links,
)

PERIODS = (7, 30, 90, 365)
FOLLOW_UP_ROWS = 20
TOP_THEMES = 10


def awaiting_follow_up(*, now: datetime) -> tuple[list[listings.ItemRow], int, int]:
    """Low scores and detractors not yet closed, soonest due first; with the total and overdue
    counts (two queries)."""
    owner = aliased(User)
    awaiting = sa.and_(
        _answers(), score_bands.low_score_clause(), Feedback.status != FeedbackStatus.CLOSED
    )
    total, overdue = db.session.execute(
        sa.select(
            sa.func.count(Feedback.id),
            sa.func.coalesce(sa.func.sum(sa.case((Feedback.due_at < now, 1), else_=0)), 0),
        ).where(awaiting)
    ).one()
    rows = db.session.execute(
        sa.select(Feedback, Contact.name, Account.name, owner.name)
        .outerjoin(Contact, Contact.id == Feedback.contact_id)
        .outerjoin(Account, Account.id == Feedback.account_id)
        .outerjoin(owner, owner.id == Feedback.owner_id)
        .where(awaiting)
        .order_by(Feedback.due_at.is_(None), Feedback.due_at, Feedback.id)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    items = [
        listings.ItemRow(item, item.case_id, contact, account, name)
        for item, contact, account, name in rows
    ]
    return items, int(total), int(overdue)


@dataclass
class ThemeCount:
    theme_id: int
    name: str
    this_period: int
    last_period: int

    @property
    def change(self) -> int:
        return self.this_period - self.last_period


def top_themes(start: datetime, end: datetime) -> list[ThemeCount]:
    """Themes by how many items (of any kind) carried them in [start, end), against the
    period of the same length before. One query."""
    previous = start - (end - start)
    this = sa.func.coalesce(
        sa.func.sum(sa.case((Feedback.created_at >= start, 1), else_=0)), 0
    ).label("this_period")
    last = sa.func.coalesce(
        sa.func.sum(sa.case((Feedback.created_at < start, 1), else_=0)), 0
    ).label("last_period")
    rows = db.session.execute(
        sa.select(FeedbackTheme.id, FeedbackTheme.name, this, last)
        .select_from(Feedback)
        .join(feedback_theme_links, feedback_theme_links.c.feedback_id == Feedback.id)
        .join(FeedbackTheme, FeedbackTheme.id == feedback_theme_links.c.theme_id)
        .where(Feedback.created_at >= previous, Feedback.created_at < end)
        .group_by(FeedbackTheme.id, FeedbackTheme.name)
        .order_by(this.desc(), last.desc(), FeedbackTheme.name)
        .limit(TOP_THEMES)
    )
    return [
        ThemeCount(row.id, row.name, int(row.this_period), int(row.last_period)) for row in rows
    ]


@dataclass
class ResponseRate:
    sent: int = 0
    answered: int = 0

    @property
    def percent(self) -> float | None:
        return round(self.answered * 100 / self.sent, 1) if self.sent else None


def response_rates(start: datetime, end: datetime) -> dict[FeedbackKind, ResponseRate]:
    """Surveys sent in [start, end) and how many of them were answered, per kind. One query."""
    rows = db.session.execute(
        sa.select(
            SurveyInvitation.kind,
            sa.func.count(SurveyInvitation.id),
            sa.func.count(SurveyInvitation.answered_at),
        )
        .where(SurveyInvitation.sent_at >= start, SurveyInvitation.sent_at < end)
        .group_by(SurveyInvitation.kind)
    )
    rates = {kind: ResponseRate() for kind in score_bands.SURVEY_KINDS}
    for kind, sent, answered in rows:
        rates[FeedbackKind(kind)] = ResponseRate(int(sent), int(answered))
    return rates


@dataclass
class Dashboard:
    days: int
    start: datetime
    end: datetime
    current: Scores
    previous: Scores
    response: dict[FeedbackKind, ResponseRate]
    weekly: list[TrendPoint]
    monthly: list[TrendPoint]
    breakdowns: dict[str, list[BreakdownRow]]
    follow_ups: list[listings.ItemRow]
    follow_up_total: int
    follow_up_overdue: int
    themes: list[ThemeCount] = field(default_factory=list)


def dashboard(*, now: datetime, days: int = 30) -> Dashboard:
    """Everything /feedback/voc shows, for the last `days` against the `days` before:
    a fixed 13 queries."""
    if days not in PERIODS:
        raise ValueError(days)
    start = now - timedelta(days=days)
    previous = start - timedelta(days=days)
    row = db.session.execute(
        sa.select(
            *_score_columns(Feedback.created_at >= start, "this_"),
            *_score_columns(Feedback.created_at < start, "last_"),
        ).where(_answers(), Feedback.created_at >= previous, Feedback.created_at < now)
    ).one()
    follow_ups, total, overdue = awaiting_follow_up(now=now)
    return Dashboard(
        days=days,
        start=start,
        end=now,
        current=_scores(row, "this_"),
        previous=_scores(row, "last_"),
        response=response_rates(start, now),
        weekly=trend("week", now=now),
        monthly=trend("month", now=now),
        breakdowns={dimension: breakdown(dimension, start, now) for dimension in DIMENSIONS},
        follow_ups=follow_ups,
        follow_up_total=total,
        follow_up_overdue=overdue,
        themes=top_themes(start, now),
    )
