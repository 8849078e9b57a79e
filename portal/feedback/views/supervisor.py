"""Supervisors and admins: feedback themes, the VoC dashboard and its CSV export."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal import authz
from portal.domain import voc
from portal.extensions import db, limiter
from portal.feedback.forms import ThemeForm
from portal.feedback.views import bp, me
from portal.infra.unit_of_work import attempt
from portal.inputs import arg_int, bad_value
from portal.kernel.labels import CATEGORY_LABELS
from portal.models import FeedbackTheme
from portal.models._base import utcnow

log = logging.getLogger("casework.audit")


def _themes_page(form: ThemeForm, refused: dict | None = None):
    """The themes and the new-theme form; `refused` maps a theme id to its refused edit."""
    page = render_template(
        "feedback/themes.html", form=form, themes=voc.all_themes(), refused=refused or {}
    )
    return page, 400 if form.errors or refused else 200


@bp.route("/feedback/themes", methods=["GET", "POST"])
@authz.supervisor_required
def themes():
    """The list of themes, and a new one."""
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            with attempt():
                voc.create_theme(form.name.data, by=me())
        except voc.ThemeNameTaken:
            form.name.errors = [_("A theme with this name exists already.")]
        else:
            flash(_("Theme added."), "success")
            return redirect(url_for("feedback.themes"))
    return _themes_page(form)


@bp.post("/feedback/themes/<int:theme_id>")
@authz.supervisor_required
def edit_theme(theme_id: int):
    """Rename a theme, or retire it (it stays on the items that have it)."""
    theme = db.session.get(FeedbackTheme, theme_id)
    if theme is None:
        abort(404)
    form = ThemeForm()
    if form.validate_on_submit():
        try:
            with attempt():
                voc.update_theme(theme, name=form.name.data, is_active=form.is_active.data, by=me())
        except voc.ThemeNameTaken:
            form.name.errors = [_("A theme with this name exists already.")]
        else:
            flash(_("Theme saved."), "success")
            return redirect(url_for("feedback.themes"))
    return _themes_page(ThemeForm(formdata=None), refused={theme.id: form})


def _period() -> int:
    days = arg_int("days", 30)
    if days not in voc.PERIODS:
        raise bad_value("days")
    return days


@bp.get("/feedback/voc")
@authz.supervisor_required
def dashboard():
    """CSAT, NPS, response rate, trends, breakdowns, follow-ups and themes."""
    days = _period()
    return render_template(
        "feedback/dashboard.html",
        board=voc.dashboard(now=utcnow(), days=days),
        periods=voc.PERIODS,
        category_labels=CATEGORY_LABELS,
    )


@bp.get("/supervisor/voc")
@authz.supervisor_required
def supervisor_dashboard():
    """The supervisor console's address for the VoC dashboard."""
    return redirect(url_for("feedback.dashboard", days=_period()))


@bp.get("/feedback/voc.csv")
@authz.supervisor_required
@limiter.limit("10 per minute")
def export():
    """The period's feedback as CSV (formula-safe); internal discussion is never in it."""
    days = _period()
    now = utcnow()
    start = now - timedelta(days=days)
    body = voc.dashboard_csv(voc.export_rows(start, now))
    log.info("action='voc.export' actor=%r days=%r", me().id, days)
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="voc-{now:%Y%m%d}-{days}d.csv"',
            "Cache-Control": "no-store",
        },
    )
