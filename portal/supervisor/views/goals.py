"""Goals: the list (current, upcoming, past), create, edit, delete, and a goal with its history."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal.domain import analytics
from portal.extensions import db
from portal.i18n import native_digits
from portal.infra.unit_of_work import attempt
from portal.inputs import arg_int, bad_value
from portal.models import Goal
from portal.models._base import utcnow
from portal.supervisor.forms import DeleteGoalForm, GoalForm
from portal.supervisor.views import bp, me


def _goal_or_404(goal_id: int) -> Goal:
    goal = db.session.get(Goal, goal_id)
    if goal is None:
        abort(404)
    return goal


def _with_choices(form: GoalForm) -> GoalForm:
    """Fill the metric and owner choices (active staff, every queue)."""
    staff, queues = analytics.owner_choices()
    nothing = SelectChoice("", "—")
    form.metric.choices = [
        SelectChoice(key, metric.label) for key, metric in analytics.METRICS.items()
    ]
    form.owner_user_id.choices = [nothing] + [SelectChoice(u.id, u.name) for u in staff]
    form.owner_queue_id.choices = [nothing] + [SelectChoice(q.id, q.name) for q in queues]
    form.owner_tier.choices = [nothing] + [
        SelectChoice(str(t), native_digits(t)) for t in analytics.TIERS
    ]
    return form


def _save(form: GoalForm, save, template: str, **context):
    """Validate, run the service; rule errors are shown next to their fields."""
    if form.validate_on_submit():
        try:
            with attempt():
                goal = save(form.values())
        except analytics.InvalidGoal as error:
            for field, message in error.errors.items():
                form[field].errors = [*form[field].errors, message]
        else:
            flash(_("Goal saved."), "success")
            return redirect(url_for("supervisor.goal", goal_id=goal.id))
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, **context), status


@bp.get("/goals")
def goal_list():
    """Goals with their actual, progress, forecast and status: current, upcoming or past."""
    show = request.args.get("show", "current")
    page = arg_int("page", 1)
    if show not in analytics.SHOW_CHOICES:
        raise bad_value("show")
    result = analytics.goal_listing(show=show, page=page, now=utcnow())
    return render_template("supervisor/goals.html", result=result, show=show)


@bp.route("/goals/new", methods=["GET", "POST"])
def new_goal():
    """Create a goal."""
    form = _with_choices(GoalForm())
    return _save(
        form,
        lambda values: analytics.create_goal(by=me(), **values),
        "supervisor/goal_form.html",
        goal=None,
    )


@bp.get("/goals/<int:goal_id>")
def goal(goal_id: int):
    """A goal's figures and the same metric and owner in earlier periods."""
    rows = analytics.goal_history(_goal_or_404(goal_id), now=utcnow())
    return render_template(
        "supervisor/goal.html", progress=rows[0], history=rows, delete_form=DeleteGoalForm()
    )


@bp.route("/goals/<int:goal_id>/edit", methods=["GET", "POST"])
def edit_goal(goal_id: int):
    """Change a goal (a change to what is measured re-arms its alerts)."""
    target = _goal_or_404(goal_id)
    form = _with_choices(GoalForm(obj=target if request.method == "GET" else None))
    return _save(
        form,
        lambda values: analytics.update_goal(target, by=me(), **values),
        "supervisor/goal_form.html",
        goal=target,
    )


@bp.post("/goals/<int:goal_id>/delete")
def delete_goal(goal_id: int):
    """Delete a goal."""
    target = _goal_or_404(goal_id)
    if not DeleteGoalForm().validate_on_submit():
        abort(400)
    analytics.delete_goal(target, by=me())
    flash(_("Goal deleted."), "success")
    return redirect(url_for("supervisor.goal_list"))
