"""Home: the reader's most recently updated cases and counts by status, through authz."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user

from portal import authz
from portal.domain import analytics, cases
from portal.extensions import db
from portal.models import Role
from portal.models._base import utcnow

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """Role-aware home page; anonymous visitors go to the sign-in page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role == Role.CUSTOMER:
        return redirect(url_for("customer.home"))
    return render_template(
        "home/index.html",
        cases=cases.recent_cases(current_user, limit=20),
        status_counts=cases.status_counts(current_user),
        show_staff_columns=authz.is_staff(current_user),
        goals=analytics.goals_for_user(current_user._get_current_object(), utcnow()),
    )


@bp.get("/healthz")
def healthz():
    """Liveness and readiness: answers 200 only when the database answers."""
    try:
        db.session.execute(db.text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not ready
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
