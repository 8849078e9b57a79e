"""Escalating a case from its workspace, the case's escalation history (the partial
`agent/_escalate.html`, fed by the `escalation_panel(case)` template global), and the signed-in
staff member's notifications at /agent/notifications (and their unread count as JSON)."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from portal import authz
from portal.agent.forms_escalation import EscalateForm, MarkReadForm
from portal.agent.views import bp, me
from portal.agent.views.cases import _workable_case, _workspace
from portal.domain import escalations
from portal.extensions import db
from portal.i18n import isolate, native_digits
from portal.infra.unit_of_work import attempt
from portal.kernel import inbox
from portal.kernel.errors import InvalidTransition, StaleCase
from portal.kernel.labels import ESCALATION_STATE_BADGES, ESCALATION_STATE_LABELS
from portal.models import Case, EscalationState, Queue, User


def unread_notification_count() -> int:
    """For a badge in the navigation: the signed-in staff member's unread notifications."""
    user = me()
    if not authz.is_staff(user):
        return 0
    return inbox.unread_count(user, visible=authz.case_filter(user))


@bp.record_once
def _install_template_globals(state) -> None:
    state.app.jinja_env.globals.update(
        escalation_state_label=lambda value: ESCALATION_STATE_LABELS[EscalationState(value)],
        escalation_state_badge=lambda value: ESCALATION_STATE_BADGES[EscalationState(value)],
        notification_label=inbox.label,
        notification_text=inbox.display_text,
        unread_notification_count=unread_notification_count,
    )


def _refused(case: Case, form: EscalateForm, status: int, **options):
    """The case page again with the escalate form as it was sent (and its errors)."""
    return _workspace(case, status=status, escalate_form=form, **options)


@bp.post("/cases/<number>/escalate")
def escalate(number: str):
    """Move the case up a tier (or flag it to supervisors at the top), with a reason and a
    hand-off note, on the version the agent saw."""
    current = _workable_case(number)
    form = EscalateForm()
    queues = escalations.higher_queues(current)
    form.set_choices(queues, escalations.higher_tier_agents(current) if queues else [])
    if not form.validate_on_submit():
        return _refused(current, form, 400)
    to_queue = db.session.get(Queue, form.to_queue.data) if form.to_queue.data else None
    to_agent = db.session.get(User, form.to_agent.data) if form.to_agent.data else None
    try:
        with attempt():
            escalation = escalations.escalate(
                current,
                by=me(),
                reason=form.reason.data,
                handoff_note=form.handoff_note.data,
                to_queue=to_queue,
                to_agent=to_agent,
                version=form.version.data,
            )
    except (StaleCase, StaleDataError):
        db.session.refresh(current)
        flash(
            _("Someone else changed this case meanwhile. Check it, then escalate again."),
            "danger",
        )
        form.version.data = current.version
        return _refused(current, form, 409, conflict=True)
    except InvalidTransition:
        flash(
            _(
                "This escalation is not possible: choose a queue of a higher tier and, if you "
                "name an agent, one who works in that queue."
            ),
            "danger",
        )
        return _refused(current, form, 400)
    if escalations.is_flag(escalation):
        flash(
            _("Case %(number)s flagged to supervisors.", number=isolate(current.number)), "success"
        )
    else:
        flash(
            _(
                "Case %(number)s escalated to tier %(tier)s.",
                number=isolate(current.number),
                tier=native_digits(escalation.to_tier),
            ),
            "success",
        )
    # Above the agent's tier now, the case stays readable to them: they escalated it.
    return redirect(url_for("agent.case", number=current.number))


@bp.get("/notifications")
def notifications():
    """The signed-in staff member's notifications, newest first."""
    user = me()
    visible = authz.case_filter(user)
    return render_template(
        "agent/notifications.html",
        notifications=inbox.recent(user, visible=visible),
        unread=inbox.unread_count(user, visible=visible),
        form=MarkReadForm(formdata=None),
    )


@bp.get("/notifications/unread.json")
def unread_notifications():
    """The unread count for the badge in the top bar, polled by static/js/notifications.js
    (one COUNT query; the poll does not keep an idle session alive, see security.py)."""
    return jsonify(unread=unread_notification_count())


@bp.post("/notifications/read")
def mark_notifications_read():
    """Mark one notification, or all of them, as read."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    inbox.mark_read(me(), [form.notification.data] if form.notification.data else None)
    return redirect(url_for("agent.notifications"))
