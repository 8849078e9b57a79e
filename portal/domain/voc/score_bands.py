"""What one survey answer means: its sentiment, and whether it is low enough to follow up.

The bands (CSAT 4-5 / NPS 9-10 positive, CSAT 1-2 / NPS 0-6 low) are read here, in Python and
as SQL, by the surveys that record answers, the item list and the dashboard, so that they
never disagree about which answers are low.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.models import Feedback, FeedbackKind, Sentiment

SURVEY_KINDS = (FeedbackKind.CSAT, FeedbackKind.NPS)


def sentiment_for_score(kind: FeedbackKind, score: int) -> Sentiment:
    """CSAT 4-5 / NPS 9-10 positive, CSAT 3 / NPS 7-8 neutral, lower negative."""
    positive, neutral = (4, 3) if kind == FeedbackKind.CSAT else (9, 7)
    if score >= positive:
        return Sentiment.POSITIVE
    return Sentiment.NEUTRAL if score >= neutral else Sentiment.NEGATIVE


def is_low_score(kind: FeedbackKind, score: int | None) -> bool:
    """A CSAT of 1-2 or an NPS detractor (0-6): someone should follow up."""
    if score is None or kind not in SURVEY_KINDS:
        return False
    return score <= (2 if kind == FeedbackKind.CSAT else 6)


def low_score_clause() -> sa.ColumnElement[bool]:
    """`is_low_score` as SQL."""
    return sa.or_(
        sa.and_(Feedback.kind == FeedbackKind.CSAT, Feedback.score <= 2),
        sa.and_(Feedback.kind == FeedbackKind.NPS, Feedback.score <= 6),
    )
