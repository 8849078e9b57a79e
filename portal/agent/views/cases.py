"""The case workspace: timeline, reply or note, fields, claim and assign, interactions,
links and merges, following. Field edits are version-checked: a stale edit gets 409 and loses
nothing. Someone who may read a case but not work it (a follower above their tier) gets the
page without its forms."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal import authz
from portal.agent.forms import (
    AssignForm,
    CaseNumberForm,
    FieldsForm,
    InsertMacroForm,
    InteractionForm,
    MergeForm,
    ReplyForm,
)
from portal.agent.forms_escalation import EscalateForm
from portal.agent.views import bp, me
from portal.domain import cases, escalations
from portal.downloads import attachment_response
from portal.extensions import db
from portal.forms import uploads_from
from portal.i18n import isolate
from portal.infra.unit_of_work import attempt
from portal.kernel.errors import InvalidTransition, NotAllowed, StaleCase
from portal.kernel.labels import queue_option
from portal.models import CaseStatus, Channel, Direction, Macro, Priority, Queue, User
from portal.models._base import utcnow

# The session key that tells the next case page its reply box's draft was sent (the page's
# script then forgets the draft the browser kept).
DRAFT_SENT = "draft_sent"


def _workable_case(number: str):
    """Load through the reader's filter (higher tiers look missing), then require work rights."""
    case = authz.case_or_404(me(), number)
    authz.require(authz.can_work_case(me(), case))
    return case


def _queue_choices():
    return [
        SelectChoice(q.id, queue_option(q.name, q.tier))
        for q in db.session.scalars(authz.visible_queues(me()).order_by(Queue.tier, Queue.name))
    ]


def _assignee_choices(case) -> list[SelectChoice]:
    return [SelectChoice(0, _("Unassigned"))] + [
        SelectChoice(u.id, u.name) for u in cases.eligible_assignees(case.queue)
    ]


def _workspace(
    case,
    *,
    status=200,
    reply_form=None,
    fields_form=None,
    assign_form=None,
    interaction_form=None,
    link_form=None,
    merge_form=None,
    escalate_form=None,
    conflict=False,
):
    """The case page; a form that was just refused comes in by name and is shown as it was
    sent, with its errors (the others start empty)."""
    user = me()
    reply_form = reply_form or ReplyForm()
    if fields_form is None:
        fields_form = FieldsForm(
            formdata=None,
            status=case.status.value,
            priority=case.priority.value,
            category=case.category or "general",
            queue=case.queue_id,
            version=case.version,
        )
    fields_form.queue.choices = _queue_choices()
    assign_form = assign_form or AssignForm(
        formdata=None, assignee=case.assignee_id or 0, version=case.version
    )
    assign_form.assignee.choices = _assignee_choices(case)
    page = cases.workspace(case, user, now=utcnow())
    escalation = escalations.escalation_card(case, user)
    escalate_form = escalate_form or EscalateForm(formdata=None, version=case.version)
    escalate_form.set_choices(escalation.higher_queues, escalation.higher_agents)
    return (
        render_template(
            "agent/case.html",
            case=case,
            can_work=page.can_work,
            following=page.following,
            events=page.events,
            files=page.files,
            linked=page.linked,
            reply_form=reply_form,
            fields_form=fields_form,
            assign_form=assign_form,
            interaction_form=interaction_form or InteractionForm(formdata=None),
            link_form=link_form or CaseNumberForm(formdata=None),
            merge_form=merge_form or MergeForm(formdata=None, version=case.version),
            macros=page.macros,
            draft_sent=session.pop(DRAFT_SENT, None) == case.number,
            clocks=page.clocks,
            countdown_now=page.countdown,
            escalation=escalation,
            escalate_form=escalate_form,
            conflict=conflict,
        ),
        status,
    )


@bp.get("/cases/<number>")
def case(number: str):
    """The whole case: to work it, or (a follower above their tier) to read it."""
    return _workspace(authz.case_or_404(me(), number))


@bp.post("/cases/<number>/follow")
def follow(number: str):
    """Hear of the case's updates again (for someone who worked it)."""
    return _set_following(number, True)


@bp.post("/cases/<number>/unfollow")
def unfollow(number: str):
    """Stop hearing of the case's updates; reading it stays allowed."""
    return _set_following(number, False)


def _set_following(number: str, following: bool):
    current = authz.case_or_404(me(), number)
    try:
        cases.set_following(current, me(), following)
    except NotAllowed:
        abort(403)
    if following:
        flash(_("You follow this case again."), "success")
    else:
        flash(_("You no longer follow this case. You can still open it."), "success")
    return redirect(url_for("agent.case", number=current.number))


@bp.post("/cases/<number>/reply")
def reply(number: str):
    """A public reply (emailed to the customer) or an internal note, with files."""
    current = _workable_case(number)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            with attempt():
                cases.add_reply(
                    current,
                    body=form.body.data,
                    uploads=uploads_from(form.files),
                    internal=form.internal.data,
                    by=me(),
                )
        except cases.AttachmentRejected as rejected:
            form.files.errors = [f"{rejected.name}: {rejected.message}"]
        except InvalidTransition:
            flash(_("Closed cases take no replies."), "warning")
        else:
            flash(_("Internal note added.") if form.internal.data else _("Reply sent."), "success")
            session[DRAFT_SENT] = current.number
            return redirect(url_for("agent.case", number=current.number))
    return _workspace(current, status=400, reply_form=form)


@bp.post("/cases/<number>/macro")
def insert_macro(number: str):
    """Without JavaScript: show the page again with the macro after what the agent typed."""
    current = _workable_case(number)
    reply_form = ReplyForm()
    form = InsertMacroForm()
    macro = db.session.get(Macro, form.macro.data) if form.validate_on_submit() else None
    if macro is None or not macro.is_active:
        flash(_("Choose a macro in use."), "warning")
        return _workspace(current, status=400, reply_form=reply_form)
    reply_form.body.data = cases.insert_macro(
        reply_form.body.data, cases.render_macro(macro, current, me())
    )
    if any(upload.filename for upload in request.files.getlist(reply_form.files.name)):
        flash(_("The macro was added to your text. Choose your files again."), "info")
    return _workspace(current, reply_form=reply_form)


@bp.post("/cases/<number>/fields")
def update_fields(number: str):
    """Status, priority, category and queue, on the version the agent saw."""
    current = _workable_case(number)
    form = FieldsForm()
    form.queue.choices = _queue_choices()
    if not form.validate_on_submit():
        return _workspace(current, status=400, fields_form=form)
    queue = db.session.scalar(authz.visible_queues(me()).where(Queue.id == form.queue.data))
    try:
        with attempt():
            cases.update_fields(
                current,
                version=form.version.data,
                by=me(),
                status=CaseStatus(form.status.data),
                priority=Priority(form.priority.data),
                category=form.category.data,
                queue=queue,
            )
    except StaleCase:
        db.session.refresh(current)
        flash(
            _(
                "Someone else changed this case meanwhile. Your changes are below; "
                "check the current state and save again."
            ),
            "danger",
        )
        form.version.data = current.version
        return _workspace(current, status=409, fields_form=form, conflict=True)
    except InvalidTransition:
        form.status.errors = [_("This status change is not allowed.")]
        return _workspace(current, status=400, fields_form=form)
    flash(_("Case updated."), "success")
    return redirect(url_for("agent.case", number=current.number))


@bp.post("/cases/<number>/claim")
def claim(number: str):
    """Take an unassigned case; only one of several agents claiming at once wins."""
    current = _workable_case(number)
    try:
        with attempt():
            cases.claim(current, by=me())
    except StaleCase:
        flash(_("Someone else took this case first."), "warning")
        return _workspace(current, status=409)
    flash(_("The case is yours."), "success")
    return redirect(url_for("agent.case", number=current.number))


@bp.post("/cases/<number>/assign")
def assign(number: str):
    """Assign the case to a member of its queue, or unassign it."""
    current = _workable_case(number)
    form = AssignForm()
    form.assignee.choices = _assignee_choices(current)
    if not form.validate_on_submit():
        return _workspace(current, status=400, assign_form=form)
    target = db.session.get(User, form.assignee.data) if form.assignee.data else None
    try:
        with attempt():
            cases.assign(current, target, by=me(), version=form.version.data)
    except StaleCase:
        flash(
            _("Someone else changed this case meanwhile. Check the current state and try again."),
            "danger",
        )
        return _workspace(current, status=409, conflict=True)
    flash(_("Assignment saved."), "success")
    return redirect(url_for("agent.case", number=current.number))


@bp.post("/cases/<number>/interactions")
def log_interaction(number: str):
    """Log a phone call, email, chat or social message about this case."""
    current = _workable_case(number)
    form = InteractionForm()
    if not form.validate_on_submit():
        return _workspace(current, status=400, interaction_form=form)
    # A pytz zone in replace() would give its local mean time offset (+03:26 for Tehran).
    occurred = form.occurred_at.data.replace(tzinfo=ZoneInfo(str(get_timezone()))).astimezone(UTC)
    cases.log_interaction(
        current,
        by=me(),
        channel=Channel(form.channel.data),
        direction=Direction(form.direction.data),
        occurred_at=occurred,
        duration_seconds=(form.duration_minutes.data or 0) * 60 or None,
        summary=form.summary.data,
    )
    flash(_("Interaction logged."), "success")
    return redirect(url_for("agent.case", number=current.number))


@bp.post("/cases/<number>/link")
def link(number: str):
    """Link a related case the agent may also see."""
    current = _workable_case(number)
    form = CaseNumberForm()
    if not form.validate_on_submit():
        return _workspace(current, status=400, link_form=form)
    other = authz.case_or_404(me(), form.other.data)
    try:
        with attempt():
            cases.link(current, other, by=me())
            flash(_("Cases linked."), "success")
    except InvalidTransition:
        flash(_("A case cannot be linked to itself."), "warning")
    return redirect(url_for("agent.case", number=current.number))


@bp.post("/cases/<number>/merge")
def merge(number: str):
    """Merge this duplicate into another case: its timeline, files and contacts move there."""
    current = _workable_case(number)
    form = MergeForm()
    if not form.validate_on_submit():
        return _workspace(current, status=400, merge_form=form)
    target = authz.case_or_404(me(), form.into.data)
    authz.require(authz.can_work_case(me(), target))
    try:
        with attempt():
            cases.check_version(current, form.version.data)
            cases.merge(current, into=target, by=me())
    except StaleCase:
        flash(_("Someone else changed this case meanwhile. Check it and try again."), "danger")
        return _workspace(current, status=409, conflict=True)
    except InvalidTransition:
        flash(_("These cases cannot be merged."), "warning")
        return redirect(url_for("agent.case", number=current.number))
    flash(
        _(
            "%(duplicate)s merged into %(number)s.",
            duplicate=isolate(current.number),
            number=isolate(target.number),
        ),
        "success",
    )
    return redirect(url_for("agent.case", number=target.number))


@bp.get("/cases/<number>/attachments/<int:attachment_id>")
def attachment(number: str, attachment_id: int):
    """Download a file of a case the agent may read."""
    current = authz.case_or_404(me(), number)
    return attachment_response(authz.attachment_or_404(me(), current, attachment_id))
