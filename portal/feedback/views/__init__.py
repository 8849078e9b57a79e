"""Voice of the customer: survey links (no sign-in), customers' feedback under /feedback/mine,
the staff side under /feedback/items, /feedback/log and /feedback/themes, and the VoC
dashboard with its CSV export (also at /supervisor/voc). One blueprint, one module per area."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from portal.feedback.forms import (
    CSAT_LABELS,
    KIND_LABELS,
    SENTIMENT_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
)
from portal.models import FeedbackKind, FeedbackStatus, Sentiment, User

bp = Blueprint("feedback", __name__)  # rules carry their prefix: /feedback and /supervisor/voc
SURVEY_LIMIT = "30 per minute"


def me() -> User:
    return current_user._get_current_object()


@bp.context_processor
def feedback_labels():
    return {
        "kind_label": lambda value: KIND_LABELS[FeedbackKind(value)],
        "feedback_status_label": lambda value: STATUS_LABELS[FeedbackStatus(value)],
        "feedback_status_badge": lambda value: STATUS_BADGES[FeedbackStatus(value)],
        "sentiment_label": lambda value: SENTIMENT_LABELS[Sentiment(value)] if value else "",
        "csat_labels": CSAT_LABELS,
    }


from portal.feedback.views import customer, items, links, supervisor  # noqa: E402, F401
