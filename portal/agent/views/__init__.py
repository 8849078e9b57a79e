"""Agent workspace views, one module per area; all share one blueprint and its staff gate."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from portal import authz
from portal.extensions import login_manager

bp = Blueprint("agent", __name__, url_prefix="/agent")


@bp.before_request
def staff_only():
    """Every page here is for signed-in staff (agents, supervisors, admins); customers get 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    authz.require(authz.is_staff(current_user))
    return None


def me():
    """The signed-in User itself (services take models, not the request-bound proxy)."""
    return current_user._get_current_object()


from portal.agent.views import (  # noqa: E402, F401 - registers the routes
    cases,
    crm,
    escalations,
    search,
    work,
)
