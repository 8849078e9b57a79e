"""My work, queues with filters and bulk actions, availability, phone cases and macros."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal import authz
from portal.agent.forms import AvailabilityForm, BulkForm, MacroForm, PhoneCaseForm
from portal.agent.views import bp, me
from portal.domain import cases, sla
from portal.extensions import db
from portal.i18n import isolate, native_digits
from portal.infra.unit_of_work import attempt
from portal.inputs import bad_value
from portal.kernel.errors import DomainError
from portal.kernel.labels import CHANNEL_LABELS, PRIORITY_LABELS, STATUS_LABELS
from portal.models import Case, Channel, Contact, Direction, Macro, Priority, Queue
from portal.models._base import utcnow


@bp.get("")
def home():
    """Cases assigned to me by next SLA due time, and counts for each of my queues."""
    user = me()
    queues = db.session.scalars(
        authz.visible_queues(user)
        .where(Queue.id.in_([q.id for q in user.queues]))
        .order_by(Queue.tier, Queue.name)
    ).all()
    mine, now = cases.my_work(user), utcnow()
    return render_template(
        "agent/home.html",
        cases=mine,
        clocks={case.id: sla.countdown(case, now=now) for case in mine},
        queues=queues,
        counts=cases.queue_counts(user, [q.id for q in queues]),
        availability_form=AvailabilityForm(),
    )


@bp.get("/queues")
def queues():
    """Every queue this agent may work, with its counts."""
    user = me()
    visible = db.session.scalars(authz.visible_queues(user).order_by(Queue.tier, Queue.name)).all()
    return render_template(
        "agent/queues.html",
        queues=visible,
        counts=cases.queue_counts(user, [q.id for q in visible]),
    )


def _queue_or_404(queue_id: int) -> Queue:
    queue = db.session.scalar(authz.visible_queues(me()).where(Queue.id == queue_id))
    if queue is None:
        abort(404)
    return queue


@bp.get("/queues/<int:queue_id>")
def queue(queue_id: int):
    """A queue's cases: filters, sort (SLA due first), pages, bulk actions."""
    user = me()
    current = _queue_or_404(queue_id)
    try:
        filters = cases.QueueFilters.parse(request.args)
    except cases.BadListRequest as error:
        raise bad_value(str(error)) from None
    same_tier = db.session.scalars(
        authz.visible_queues(user).where(Queue.tier == current.tier).order_by(Queue.name)
    ).all()
    result, now = cases.queue_cases(user, current.id, filters), utcnow()
    return render_template(
        "agent/queue.html",
        queue=current,
        result=result,
        clocks={case.id: sla.countdown(case, now=now) for case in result.items},
        filters=filters,
        members=cases.eligible_assignees(current),
        same_tier=same_tier,
        bulk_form=BulkForm(),
        status_labels=STATUS_LABELS,
        priority_labels=PRIORITY_LABELS,
        channel_labels=CHANNEL_LABELS,
    )


@bp.post("/queues/<int:queue_id>/bulk")
def bulk_action(queue_id: int):
    """Assign, set priority or status, or move several cases of this queue at once."""
    user = me()
    current = _queue_or_404(queue_id)
    form = BulkForm()
    if not form.validate_on_submit() or not form.case_ids.data:
        flash(_("Choose at least one case and an action."), "warning")
        return redirect(url_for("agent.queue", queue_id=current.id))
    selected = db.session.scalars(
        authz.visible_cases(user).where(
            Case.id.in_(form.case_ids.data), Case.queue_id == current.id
        )
    ).all()
    if len(selected) != len(set(form.case_ids.data)):
        abort(404)
    try:
        with attempt():
            changed = cases.apply_bulk(
                selected, action=form.action.data, value=form.value.data, queue=current, by=user
            )
    except DomainError:
        flash(_("That change is not possible for these cases. Nothing was changed."), "danger")
        return redirect(url_for("agent.queue", queue_id=current.id))
    flash(
        ngettext(
            "%(count)s case updated.",
            "%(count)s cases updated.",
            changed,
            count=native_digits(changed),
        ),
        "success",
    )
    return redirect(url_for("agent.queue", queue_id=current.id))


@bp.post("/availability")
def availability():
    """Mark myself away (no automatic assignment) or back."""
    form = AvailabilityForm()
    if form.validate_on_submit():
        cases.set_availability(me(), form.available.data == "1")
    return redirect(url_for("agent.home"))


@bp.route("/contacts/<int:contact_id>/phone-case", methods=["GET", "POST"])
def phone_case(contact_id: int):
    """Open a case for a caller: channel phone, with the call logged on its timeline."""
    contact = db.session.get(Contact, contact_id) or abort(404)
    form = PhoneCaseForm(contact_id=contact.id)
    if form.validate_on_submit() and form.contact_id.data == contact.id:
        now = utcnow()
        case = cases.open_case(
            requester=contact,
            subject=form.subject.data,
            description=form.description.data,
            category=form.category.data,
            priority=Priority(form.priority.data),
            channel=Channel.PHONE,
            by=me(),
            now=now,
        )
        cases.log_interaction(
            case,
            by=me(),
            channel=Channel.PHONE,
            direction=Direction.INBOUND,
            occurred_at=now,
            duration_seconds=(form.duration_minutes.data or 0) * 60 or None,
            summary=form.description.data,
        )
        flash(_("Case %(number)s opened from the call.", number=isolate(case.number)), "success")
        return redirect(url_for("agent.case", number=case.number))
    return render_template(
        "agent/phone_case.html", form=form, contact=contact
    ), 400 if form.errors else 200


@bp.get("/macros")
@authz.supervisor_required
def macro_list():
    """Canned replies, managed by supervisors."""
    return render_template(
        "agent/macros.html",
        macros=db.session.scalars(sa.select(Macro).order_by(Macro.language, Macro.name)).all(),
    )


@bp.route("/macros/new", methods=["GET", "POST"], defaults={"macro_id": None})
@bp.route("/macros/<int:macro_id>", methods=["GET", "POST"])
@authz.supervisor_required
def macro_edit(macro_id: int | None):
    """Create or edit a macro."""
    macro = db.session.get(Macro, macro_id) if macro_id else None
    if macro_id and macro is None:
        abort(404)
    form = MacroForm(obj=macro)
    if form.validate_on_submit():
        cases.save_macro(
            macro,
            name=form.name.data,
            language=form.language.data,
            body=form.body.data,
            is_active=form.is_active.data,
            by=me(),
        )
        flash(_("Macro saved."), "success")
        return redirect(url_for("agent.macro_list"))
    return render_template(
        "agent/macro_form.html", form=form, macro=macro
    ), 400 if form.errors else 200
