"""The supervisor console under /supervisor, one module per area: escalations, dashboard,
goals, reports. Every page is for supervisors and admins; agents and customers get 403."""

from __future__ import annotations

from flask import Blueprint
from flask_login import current_user

from portal import authz
from portal.extensions import login_manager
from portal.models import User

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")


@bp.before_request
def supervisors_only():
    """Signed-in supervisors and admins only: visitors sign in, everyone else gets 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    authz.require(current_user.is_active and authz.can_use_supervisor_tools(current_user))
    return None


def me() -> User:
    """The signed-in User itself (services take models, not the request-bound proxy)."""
    return current_user._get_current_object()


from portal.supervisor.views import (  # noqa: E402, F401 - registers the routes
    dashboard,
    escalations,
    goals,
    reports,
)
