"""The escalation inbox: accept, assign, return with guidance, resolve."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from portal.domain import escalations
from portal.extensions import db
from portal.infra.unit_of_work import attempt
from portal.inputs import arg_int, bad_value
from portal.kernel.errors import InvalidTransition, StaleCase
from portal.kernel.labels import ESCALATION_STATE_BADGES, ESCALATION_STATE_LABELS
from portal.models import Escalation, EscalationState, User
from portal.supervisor.forms import (
    AcceptForm,
    ResolveForm,
    ReturnForm,
)
from portal.supervisor.views import bp, me


@bp.context_processor
def escalation_labels():
    return {
        "state_label": lambda value: ESCALATION_STATE_LABELS[EscalationState(value)],
        "state_badge": lambda value: ESCALATION_STATE_BADGES[EscalationState(value)],
    }


def _inbox(status: int = 200, refused: dict | None = None):
    """The open and accepted escalations, by priority then age (or `?sort=age`), paged;
    `refused` maps an escalation id to the form just refused for it (shown as it was sent)."""
    sort = request.args.get("sort", "priority")
    page = arg_int("page", 1)
    if sort not in escalations.INBOX_SORTS:
        raise bad_value("sort")
    result = escalations.pending(sort=sort, page=page)
    return render_template(
        "supervisor/escalations.html", result=result, sort=sort, refused=refused or {}
    ), status


@bp.get("/escalations")
def escalation_list():
    """The escalation inbox."""
    return _inbox()


def _escalation_or_404(escalation_id: int) -> Escalation:
    escalation = db.session.get(Escalation, escalation_id)
    if escalation is None:
        abort(404)
    return escalation


def _answer(escalation_id: int, form, act, done: str):
    """Validate the form, run one supervisor action; refusals re-show the inbox."""
    escalation = _escalation_or_404(escalation_id)
    if not form.validate_on_submit():
        return _inbox(400, refused={escalation.id: form})
    try:
        with attempt():
            act(escalation)
    except (StaleCase, StaleDataError):
        flash(_("Someone else handled this escalation or changed its case meanwhile."), "danger")
        return _inbox(409)
    except InvalidTransition:
        flash(_("This is not possible for this escalation any more."), "danger")
        return _inbox(400)
    flash(done, "success")
    return redirect(url_for("supervisor.escalation_list"))


@bp.post("/escalations/<int:escalation_id>/accept")
def accept(escalation_id: int):
    """Take the escalated case, or give it to an agent of its queue and tier."""
    form = AcceptForm()

    def act(escalation):
        assign_to = db.session.get(User, form.assign_to.data) if form.assign_to.data else None
        if form.assign_to.data and assign_to is None:
            raise InvalidTransition("no such agent")
        escalations.accept(escalation, by=me(), assign_to=assign_to)

    return _answer(escalation_id, form, act, _("Escalation accepted."))


@bp.post("/escalations/<int:escalation_id>/return")
def return_to_lower_tier(escalation_id: int):
    """Send the case back to the tier it came from, with guidance (a bounce-back)."""
    form = ReturnForm()
    return _answer(
        escalation_id,
        form,
        lambda escalation: escalations.return_to_lower_tier(
            escalation, by=me(), guidance=form.guidance.data
        ),
        _("Escalation returned to the lower tier with your guidance."),
    )


@bp.post("/escalations/<int:escalation_id>/resolve")
def resolve(escalation_id: int):
    """Close the escalation as dealt with; the case itself is not touched."""
    return _answer(
        escalation_id,
        ResolveForm(),
        lambda escalation: escalations.resolve(escalation, by=me()),
        _("Escalation closed. The case itself is unchanged."),
    )
