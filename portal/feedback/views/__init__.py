"""Voice of the customer: survey links (no sign-in), customers' feedback under /feedback/mine,
the staff side under /feedback/items, /feedback/log and /feedback/themes, and the VoC
dashboard with its CSV export (also at /supervisor/voc). One blueprint, one module per area."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from portal.models import User

bp = Blueprint("feedback", __name__)  # rules carry their prefix: /feedback and /supervisor/voc
SURVEY_LIMIT = "30 per minute"


def me() -> User:
    return current_user._get_current_object()


from portal.feedback.views import customer, items, links, supervisor  # noqa: E402, F401
