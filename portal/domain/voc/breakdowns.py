"""VoC breakdowns: CSAT and NPS per queue, tier, agent, account, category or theme.

Each dimension joins the table its labels come from; apart from the figures and trends
because it is the one place that knows those joins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.domain.voc.score_figures import Scores, _answers, _score_columns, _scores
from portal.extensions import db
from portal.models import (
    Account,
    Case,
    Feedback,
    FeedbackKind,
    FeedbackTheme,
    Queue,
    User,
    feedback_theme_links,
)

DIMENSIONS = ("queue", "tier", "agent", "account", "category", "theme")
# NPS is about the relationship, not a case: these breakdowns count CSAT ratings only.
CASE_DIMENSIONS = frozenset({"queue", "tier", "agent", "category"})
BREAKDOWN_ROWS = 25


@dataclass
class BreakdownRow:
    key: object
    label: str | None
    scores: Scores


def _dimension_query(dimension: str) -> sa.Select:
    if dimension == "queue":
        return sa.select(Feedback.queue_id, Queue.name).outerjoin(
            Queue, Queue.id == Feedback.queue_id
        )
    if dimension == "tier":
        return sa.select(Feedback.tier, Feedback.tier)
    if dimension == "agent":
        return sa.select(Feedback.agent_id, User.name).outerjoin(User, User.id == Feedback.agent_id)
    if dimension == "account":
        return sa.select(Feedback.account_id, Account.name).outerjoin(
            Account, Account.id == Feedback.account_id
        )
    if dimension == "category":
        return sa.select(Case.category, Case.category).outerjoin(Case, Case.id == Feedback.case_id)
    if dimension == "theme":
        return (
            sa.select(FeedbackTheme.id, FeedbackTheme.name)
            .select_from(Feedback)
            .join(feedback_theme_links, feedback_theme_links.c.feedback_id == Feedback.id)
            .join(FeedbackTheme, FeedbackTheme.id == feedback_theme_links.c.theme_id)
        )
    raise ValueError(dimension)


def breakdown(dimension: str, start: datetime, end: datetime) -> list[BreakdownRow]:
    """Scores per queue, tier, agent, account, category or theme in [start, end). One query."""
    base = _dimension_query(dimension)
    if dimension in CASE_DIMENSIONS:
        base = base.where(Feedback.kind == FeedbackKind.CSAT)
    key, label = base.selected_columns[0], base.selected_columns[1]
    columns = _score_columns()
    query = (
        base.add_columns(*columns)
        .where(_answers(), Feedback.created_at >= start, Feedback.created_at < end)
        .group_by(key, label)
        .order_by((columns[0] + columns[3]).desc(), label)
        .limit(BREAKDOWN_ROWS)
    )
    return [
        BreakdownRow(row[0], None if row[1] is None else str(row[1]), _scores(row))
        for row in db.session.execute(query)
    ]
