"""Every enumeration shown to a reader has a word for each value (portal/kernel/labels.py)."""

from __future__ import annotations

import pytest

from portal.kernel import labels
from portal.models import (
    CaseStatus,
    Channel,
    Direction,
    EscalationState,
    FeedbackKind,
    FeedbackStatus,
    GoalDirection,
    GoalOwnerKind,
    GoalStatus,
    Priority,
    Role,
    Sentiment,
)


@pytest.mark.parametrize(
    "words, enum",
    [
        (labels.ROLE_LABELS, Role),
        (labels.STATUS_LABELS, CaseStatus),
        (labels.STATUS_BADGES, CaseStatus),
        (labels.PRIORITY_LABELS, Priority),
        (labels.CHANNEL_LABELS, Channel),
        (labels.DIRECTION_LABELS, Direction),
        (labels.ESCALATION_STATE_LABELS, EscalationState),
        (labels.ESCALATION_STATE_BADGES, EscalationState),
        (labels.FEEDBACK_KIND_LABELS, FeedbackKind),
        (labels.FEEDBACK_STATUS_LABELS, FeedbackStatus),
        (labels.FEEDBACK_STATUS_BADGES, FeedbackStatus),
        (labels.SENTIMENT_LABELS, Sentiment),
        (labels.GOAL_STATUS_LABELS, GoalStatus),
        (labels.GOAL_STATUS_COLORS, GoalStatus),
        (labels.GOAL_DIRECTION_LABELS, GoalDirection),
        (labels.GOAL_OWNER_KIND_LABELS, GoalOwnerKind),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_every_value_has_a_label(words, enum):
    assert set(words) == set(enum)


def test_tier_label_in_persian_digits(app):
    with app.test_request_context(headers={"Accept-Language": "fa"}):
        assert "۲" in str(labels.tier_label(labels.native_digits(2)))
