"""Escalation between tiers: manual, automatic (the SLA sweep) and the supervisor's answer.

- `escalate()` moves a case to a queue of a higher tier (by default the lowest-id queue of the
  next tier that has one), clears the assignee or gives it to a chosen agent of that queue, and
  tells, in-app and by email, the chosen agent, or with nobody chosen the target queue's
  agents, plus its supervisors; the case's followers hear that it moved. The escalating agent
  becomes a follower, so they keep reading it (authz.case_filter). A case that cannot go higher
  (tier 3, or no queue above it) is *flagged* instead: an Escalation whose `to_tier` equals its
  `from_tier` (see `is_flag`), the case stays where it is and the supervisors are told.
- `sweep()` runs every minute (`flask sla sweep`): per the case's SLA policy it warns the
  assignee and supervisors at the warning threshold, tells them of a missed first response,
  and escalates a missed resolution (reason "SLA breach", requested by nobody). Each action is
  keyed by (case, kind, due time) in `sla_notifications` and inserted with ON CONFLICT DO
  NOTHING before it is taken, so a second sweep, or two at once, never act twice; on
  PostgreSQL the candidate cases are also locked with FOR UPDATE SKIP LOCKED.
- `accept()`, `return_to_lower_tier()` (a bounce-back: state `returned`) and `resolve()` are
  the supervisor's answers. Each claims the escalation with one conditional UPDATE, so two
  supervisors acting at once cannot both succeed (the second gets StaleCase, 409). Each is
  told to the agent who asked and to the case's followers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from portal.domain import cases, sla
from portal.extensions import db
from portal.kernel import audit, inbox, lookups
from portal.kernel.errors import InvalidTransition, NotAllowed, StaleCase
from portal.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Escalation,
    EscalationState,
    EventKind,
    Priority,
    Queue,
    Role,
    SLABreach,
    SLANotification,
    SLAPolicy,
    User,
)
from portal.models._base import utcnow
from portal.models.user import queue_members

SLA_BREACH_REASON = "SLA breach"
EMAIL_TEMPLATE = "escalation"
SLA_EMAIL_TEMPLATE = "sla_alert"
MAX_TIER = 3
WORKING_STATUSES = cases.WORKING_STATUSES
RUNNING_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN)
STAFF_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
HANDLING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
PENDING_STATES = (EscalationState.OPEN, EscalationState.ACCEPTED)
PRIORITY_ORDER = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}

# Kinds of sla_notifications rows (what the sweep did), per clock.
FIRST_RESPONSE_WARNING = "first_response_warning"
RESOLUTION_WARNING = "resolution_warning"
FIRST_RESPONSE_BREACH = "first_response_breach"
RESOLUTION_BREACH = "resolution_breach"
WARNING_KINDS = {sla.FIRST_RESPONSE: FIRST_RESPONSE_WARNING, sla.RESOLUTION: RESOLUTION_WARNING}
INBOX_KINDS = {
    FIRST_RESPONSE_WARNING: inbox.FIRST_RESPONSE_WARNING,
    RESOLUTION_WARNING: inbox.RESOLUTION_WARNING,
    FIRST_RESPONSE_BREACH: inbox.FIRST_RESPONSE_BREACH,
}
# Warnings first, then breach notices, then escalations: an assignee is told before an
# escalation takes the case away from them.
ACTION_ORDER = {
    FIRST_RESPONSE_WARNING: 0,
    RESOLUTION_WARNING: 0,
    FIRST_RESPONSE_BREACH: 1,
    RESOLUTION_BREACH: 2,
}


def is_flag(escalation: Escalation) -> bool:
    """A flag to supervisors: the case could not go higher, so it did not move."""
    return escalation.to_tier <= escalation.from_tier


def display_reason(escalation: Escalation):
    """The reason as readers should see it: the sweep's own reason is translated (lazily, so
    that each page or email shows it in its reader's language)."""
    return inbox.display_text(escalation.reason)


# --- Escalating -------------------------------------------------------------------------------


def _place(queue: Queue | None, tier: int) -> str:
    """How a queue and tier read in the timeline: `Front line (1)`."""
    return f"{queue.name if queue is not None else '-'} ({tier})"[:200]


def _email_context(
    escalation: Escalation, queue: Queue | None, by: User | None = None, **overrides
) -> dict:
    """What the escalation email says: the tier and queue, reason, hand-off note, who asked
    (the timeline's sentence for the step comes with its event, see inbox.tell_staff)."""
    return {
        "reason": display_reason(escalation),
        "handoff_note": escalation.handoff_note,
        "to_tier": escalation.to_tier,
        "queue_name": queue.name if queue is not None else "",
        "requested_by": by.name if by is not None else None,
        **overrides,
    }


def _escalation_event(
    case: Case, by: User | None, now: datetime, old: str, new: str, body=""
) -> CaseEvent:
    """The timeline entry of an escalation step; its emails say it in the same sentence
    (labels.event_sentence) as the timeline."""
    event = CaseEvent(
        case=case,
        kind=EventKind.ESCALATION,
        field="escalation",
        old_value=old[:200],
        new_value=new[:200],
        body=body,
        author=by,
        created_at=now,
    )
    db.session.add(event)
    return event


def _assignee_event(case: Case, to: User | None, by: User | None, now: datetime) -> None:
    db.session.add(
        CaseEvent(
            case=case,
            kind=EventKind.FIELD_CHANGE,
            field="assignee",
            old_value=case.assignee.name if case.assignee else None,
            new_value=to.name if to else None,
            author=by,
            created_at=now,
        )
    )


def _give_to(case: Case, to: User | None, *, by: User | None, now: datetime) -> None:
    """Set the assignee with its history row; a new case given to someone becomes open.
    (Inside a one-UPDATE edit: the caller records the new assignee's work afterwards.)"""
    if case.assignee == to:
        return
    _assignee_event(case, to, by, now)
    case.assignee = to
    if to is not None:
        to.last_assigned_at = now
        if case.status == CaseStatus.NEW:
            cases.change_status(case, CaseStatus.OPEN, by=by, now=now)


def next_queue(case: Case) -> Queue | None:
    """The default target: the lowest-id queue of the nearest higher tier that has a queue."""
    return db.session.scalar(
        sa.select(Queue).where(Queue.tier > case.tier).order_by(Queue.tier, Queue.id).limit(1)
    )


def higher_queues(case: Case) -> list[Queue]:
    """Queues an agent may choose to escalate this case to (tier above the case's)."""
    return list(
        db.session.scalars(
            sa.select(Queue).where(Queue.tier > case.tier).order_by(Queue.tier, Queue.name)
        ).all()
    )


def higher_tier_agents(case: Case) -> list[User]:
    """Staff who may work some queue above the case's tier and are members of it."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(queue_members, queue_members.c.user_id == User.id)
            .join(Queue, Queue.id == queue_members.c.queue_id)
            .where(
                Queue.tier > case.tier,
                User.max_tier >= Queue.tier,
                User.is_active,
                User.role.in_(STAFF_ROLES),
            )
            .distinct()
            .order_by(User.name, User.id)
        ).all()
    )


def escalate(
    case: Case,
    *,
    by: User | None,
    reason: str,
    handoff_note: str = "",
    to_queue: Queue | None = None,
    to_agent: User | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Escalation:
    """Move the case up a tier with a reason and hand-off note, or flag it if it is at the top.

    `by` None is the SLA sweep (no version check: it holds the fresh, locked row); people must
    send the case version they saw. `to_queue` must be of a higher tier than the case;
    `to_agent` must be an active member of the target queue who may work its tier.
    """
    if by is not None:
        cases.check_version(case, version)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidTransition("an escalation needs a reason")
    if len(reason) > 200:
        raise InvalidTransition("the reason is limited to 200 characters")
    if case.status not in WORKING_STATUSES:
        raise InvalidTransition(f"a {case.status} case cannot be escalated")
    handoff_note = (handoff_note or "").strip()
    now = now or utcnow()
    if to_queue is not None and to_queue.tier <= case.tier:
        raise InvalidTransition("choose a queue of a higher tier")
    target = to_queue or (next_queue(case) if case.tier < MAX_TIER else None)
    if target is None:
        if to_agent is not None:
            raise InvalidTransition("a flagged case stays with its assignee")
        return _flag(case, by=by, reason=reason, handoff_note=handoff_note, now=now)
    if to_agent is not None and to_agent not in cases.eligible_assignees(target):
        raise InvalidTransition("the agent must be a member of the target queue and work its tier")
    with db.session.no_autoflush:  # one UPDATE of the case, so one version step
        escalation = Escalation(
            case=case,
            from_tier=case.tier,
            to_tier=target.tier,
            from_queue_id=case.queue_id,
            to_queue_id=target.id,
            reason=reason,
            handoff_note=handoff_note,
            requested_by_id=by.id if by is not None else None,
            state=EscalationState.OPEN,
            created_at=now,
        )
        db.session.add(escalation)
        event = _escalation_event(
            case,
            by,
            now,
            _place(case.queue, case.tier),
            _place(target, target.tier),
            body=reason,
        )
        from_tier = case.tier
        case.queue = target
        case.tier = target.tier
        _give_to(case, to_agent, by=by, now=now)
        case.updated_at = now
    db.session.flush()
    audit.record(
        "case.escalate",
        by=by,
        subject=case,
        escalation=escalation.id,
        from_tier=from_tier,
        to_tier=target.tier,
        queue=target.id,
    )
    cases.record_work(case, by, now=now)
    cases.record_work(case, to_agent, now=now)
    news = _News(case, reason, event, by, now, _email_context(escalation, target, by))
    # A chosen agent hears that the case is theirs; with nobody chosen, the target queue's
    # agents (who may work its tier) hear of it with its supervisors.
    told = news.tell([to_agent], inbox.ESCALATION_ASSIGNED)
    queue = cases.queue_supervisors(target)
    if to_agent is None:
        queue += cases.queue_agents(target)
    told += news.tell(queue, inbox.ESCALATION, already=told)
    news.tell(cases.followers_of(case), inbox.FOLLOWED_ESCALATED, already=told)
    return escalation


@dataclass
class _News:
    """One escalation step as staff are told of it: in-app and by the escalation email, linked
    to its timeline entry (see inbox.tell_staff)."""

    case: Case
    text: str
    event: CaseEvent
    by: User | None
    now: datetime
    context: dict

    def tell(self, users: list[User | None], kind: str, *, already=()) -> list[User]:
        """Tell `users` (never the actor, nor those `already` told); returns who was told."""
        return inbox.tell_staff(
            users,
            kind,
            self.case,
            self.text,
            actor=self.by,
            event=self.event,
            template=EMAIL_TEMPLATE,
            already=already,
            now=self.now,
            **self.context,
        )


def _flag(
    case: Case, *, by: User | None, reason: str, handoff_note: str, now: datetime
) -> Escalation:
    """The case cannot go higher: record a flag for the supervisors; the case stays put."""
    with db.session.no_autoflush:
        escalation = Escalation(
            case=case,
            from_tier=case.tier,
            to_tier=case.tier,
            from_queue_id=case.queue_id,
            to_queue_id=case.queue_id,
            reason=reason,
            handoff_note=handoff_note,
            requested_by_id=by.id if by is not None else None,
            state=EscalationState.OPEN,
            created_at=now,
        )
        db.session.add(escalation)
        event = _escalation_event(
            case, by, now, _place(case.queue, case.tier), "flagged", body=reason
        )
        case.updated_at = now
    db.session.flush()
    audit.record("case.escalation_flag", by=by, subject=case, escalation=escalation.id)
    cases.record_work(case, by, now=now)
    news = _News(case, reason, event, by, now, _email_context(escalation, case.queue, by))
    told = news.tell(cases.queue_supervisors(case.queue), inbox.ESCALATION_FLAG)
    news.tell(cases.followers_of(case), inbox.FOLLOWED_ESCALATED, already=told)
    return escalation


# --- The supervisor's answer ------------------------------------------------------------------


def _require_handler(by: User) -> None:
    if by is None or by.role not in HANDLING_ROLES or not by.is_active:
        raise NotAllowed("only supervisors and admins handle escalations")


def _settle(
    escalation: Escalation,
    state: EscalationState,
    *,
    by: User,
    now: datetime,
    allowed: tuple[EscalationState, ...] = PENDING_STATES,
) -> EscalationState:
    """Move the escalation to `state` with one conditional UPDATE; returns the state it left.

    Of two supervisors answering at once exactly one wins; the other gets StaleCase (409).
    """
    before = escalation.state
    result = db.session.execute(
        sa.update(Escalation)
        .where(Escalation.id == escalation.id, Escalation.state.in_(allowed))
        .values(state=state, handled_by_id=by.id, handled_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.expire(escalation)
        raise StaleCase(f"escalation {escalation.id} was handled meanwhile")
    db.session.expire(escalation, ["state", "handled_by_id", "handled_at"])
    return before


def accept(
    escalation: Escalation, *, by: User, assign_to: User | None = None, now: datetime | None = None
) -> None:
    """Take the escalated case (the supervisor becomes its assignee) or give it to an agent
    of its queue who may work its tier."""
    _require_handler(by)
    case = escalation.case
    if assign_to is not None and assign_to not in cases.eligible_assignees(case.queue):
        raise InvalidTransition("the agent must be a member of the case's queue and work its tier")
    now = now or utcnow()
    before = _settle(
        escalation, EscalationState.ACCEPTED, by=by, now=now, allowed=(EscalationState.OPEN,)
    )
    assignee = assign_to or by
    with db.session.no_autoflush:
        event = _escalation_event(case, by, now, before.value, EscalationState.ACCEPTED.value)
        _give_to(case, assignee, by=by, now=now)
        case.updated_at = now
    audit.record("escalation.accept", by=by, subject=escalation, case=case.id, assignee=assignee.id)
    cases.record_work(case, assignee, now=now)
    news = _News(case, escalation.reason, event, by, now, _email_context(escalation, case.queue))
    told = news.tell([assignee], inbox.ESCALATION_ASSIGNED)
    news.tell(cases.followers_of(case), inbox.ESCALATION_ACCEPTED, already=told)


def _tier_queue(queue_id: int | None, tier: int) -> Queue | None:
    """The queue a case came from, or (if it was deleted) the tier's lowest-id queue."""
    queue = db.session.get(Queue, queue_id) if queue_id is not None else None
    if queue is not None and queue.tier == tier:
        return queue
    return db.session.scalar(sa.select(Queue).where(Queue.tier == tier).order_by(Queue.id).limit(1))


def return_to_lower_tier(
    escalation: Escalation, *, by: User, guidance: str, now: datetime | None = None
) -> None:
    """De-escalate: send the case back to the queue it came from with the supervisor's
    guidance (a bounce-back). The agent who escalated gets it back if they still work there."""
    _require_handler(by)
    guidance = (guidance or "").strip()
    if not guidance:
        raise InvalidTransition("returning an escalation needs guidance")
    if is_flag(escalation):
        raise InvalidTransition("a flag has no lower tier to return to")
    case = escalation.case
    if case.queue_id != escalation.to_queue_id or case.tier != escalation.to_tier:
        raise InvalidTransition("the case has moved since it was escalated")
    back = _tier_queue(escalation.from_queue_id, escalation.from_tier)
    if back is None:
        raise InvalidTransition("there is no queue at the lower tier")
    now = now or utcnow()
    _settle(escalation, EscalationState.RETURNED, by=by, now=now)
    requester = (
        db.session.get(User, escalation.requested_by_id) if escalation.requested_by_id else None
    )
    assignee = requester if requester in cases.eligible_assignees(back) else None
    with db.session.no_autoflush:
        event = _escalation_event(
            case, by, now, _place(case.queue, case.tier), _place(back, back.tier), body=guidance
        )
        case.queue = back
        case.tier = back.tier
        _give_to(case, assignee, by=by, now=now)
        case.updated_at = now
    audit.record("escalation.return", by=by, subject=escalation, case=case.id, queue=back.id)
    cases.record_work(case, assignee, now=now)
    context = _email_context(escalation, back, guidance=guidance, to_tier=back.tier)
    # The agent who escalated it, and whoever follows it; if it comes back to nobody, the
    # lower queue's agents (else its supervisors), who will have to pick it up.
    people = [requester] if requester is not None else []
    if assignee is None:
        people += cases.queue_agents(back) or cases.queue_supervisors(back)
    _News(case, guidance, event, by, now, context).tell(
        people + cases.followers_of(case), inbox.ESCALATION_RETURNED
    )


def resolve(escalation: Escalation, *, by: User, now: datetime | None = None) -> None:
    """Close the escalation as dealt with; the case itself stays as it is."""
    _require_handler(by)
    now = now or utcnow()
    before = _settle(escalation, EscalationState.RESOLVED, by=by, now=now)
    case = escalation.case
    event = _escalation_event(case, by, now, before.value, EscalationState.RESOLVED.value)
    audit.record("escalation.resolve", by=by, subject=escalation, case=escalation.case_id)
    requester = (
        db.session.get(User, escalation.requested_by_id) if escalation.requested_by_id else None
    )
    news = _News(case, escalation.reason, event, by, now, _email_context(escalation, case.queue))
    news.tell([requester, *cases.followers_of(case)], inbox.ESCALATION_RESOLVED)


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Entry:
    """An escalation with the people and queues it names, ready for a page."""

    escalation: Escalation
    requested_by: User | None
    handled_by: User | None
    from_queue: Queue | None
    to_queue: Queue | None
    guidance: str = ""
    assignable: list[User] = field(default_factory=list)
    # Who the inbox's "Assign the case to" picks first: the case's assignee when they may
    # work its queue and tier, else nobody (the handling supervisor takes it).
    default_assignee_id: int | None = None

    @property
    def is_flag(self) -> bool:
        return is_flag(self.escalation)

    @property
    def reason(self):
        return display_reason(self.escalation)


def _entries(escalations: list[Escalation]) -> list[Entry]:
    """Wrap escalations with their users and queues: two queries, however many there are."""
    users = lookups.by_id(
        User, [e.requested_by_id for e in escalations] + [e.handled_by_id for e in escalations]
    )
    queues = lookups.by_id(
        Queue, [e.from_queue_id for e in escalations] + [e.to_queue_id for e in escalations]
    )
    return [
        Entry(
            escalation=e,
            requested_by=users.get(e.requested_by_id),
            handled_by=users.get(e.handled_by_id),
            from_queue=queues.get(e.from_queue_id),
            to_queue=queues.get(e.to_queue_id),
        )
        for e in escalations
    ]


def history(case: Case) -> list[Entry]:
    """Every escalation of the case, newest first, with the guidance of those returned.

    The guidance is the body of the escalation event written when it was returned (same
    case, same moment as `handled_at`).
    """
    escalations = db.session.scalars(
        sa.select(Escalation)
        .where(Escalation.case_id == case.id)
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
    ).all()
    entries = _entries(list(escalations))
    returned = [e for e in escalations if e.state == EscalationState.RETURNED and e.handled_at]
    if returned:
        events = db.session.execute(
            sa.select(CaseEvent.created_at, CaseEvent.body).where(
                CaseEvent.case_id == case.id,
                CaseEvent.kind == EventKind.ESCALATION,
                CaseEvent.created_at.in_([e.handled_at for e in returned]),
            )
        ).all()
        guidance = {created_at: body for created_at, body in events}
        for entry in entries:
            if entry.escalation.state == EscalationState.RETURNED:
                entry.guidance = guidance.get(entry.escalation.handled_at, "")
    return entries


def assignable_by_queue(queue_ids: set[int]) -> dict[int, list[User]]:
    """For each queue, the members who may be given its cases (one query for all queues)."""
    if not queue_ids:
        return {}
    rows = db.session.execute(
        sa.select(queue_members.c.queue_id, User)
        .join(User, User.id == queue_members.c.user_id)
        .join(Queue, Queue.id == queue_members.c.queue_id)
        .where(
            queue_members.c.queue_id.in_(queue_ids),
            User.is_active,
            User.role.in_(STAFF_ROLES),
            User.max_tier >= Queue.tier,
        )
        .order_by(User.name, User.id)
    ).all()
    members: dict[int, list[User]] = {}
    for queue_id, user in rows:
        members.setdefault(queue_id, []).append(user)
    return members


INBOX_SORTS = ("priority", "age")


@dataclass
class InboxPage:
    entries: list[Entry]
    total: int
    page: int
    pages: int


def pending(*, sort: str = "priority", page: int = 1, per_page: int = 50) -> InboxPage:
    """Open and accepted escalations for the supervisor inbox: by priority (urgent first) then
    age (oldest first), or by age alone. A fixed number of queries, however many there are."""
    if sort not in INBOX_SORTS:
        raise ValueError(f"unknown sort {sort!r}")
    priority_rank = sa.case(
        {p.value: rank for p, rank in PRIORITY_ORDER.items()}, value=Case.priority, else_=4
    )
    age = (Escalation.created_at.asc(), Escalation.id.asc())
    order = age if sort == "age" else (priority_rank.asc(), *age)
    condition = Escalation.state.in_(PENDING_STATES)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Escalation).where(condition))
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    escalations = db.session.scalars(
        sa.select(Escalation)
        .join(Case, Case.id == Escalation.case_id)
        .where(condition)
        .options(
            contains_eager(Escalation.case).joinedload(Case.queue),
            contains_eager(Escalation.case).joinedload(Case.assignee),
        )
        .order_by(*order)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    entries = _entries(list(escalations))
    members = assignable_by_queue({e.case.queue_id for e in escalations if e.case.queue_id})
    for entry in entries:
        case = entry.escalation.case
        entry.assignable = members.get(case.queue_id, [])
        if case.assignee is not None and case.assignee in entry.assignable:
            entry.default_assignee_id = case.assignee_id
    return InboxPage(entries=entries, total=total, page=page, pages=pages)


# --- The SLA sweep ----------------------------------------------------------------------------


@dataclass
class SweepOutcome:
    """What one sweep did: breaches recorded, warnings and breach notices sent, escalations."""

    breaches: int = 0
    warnings: int = 0
    breach_notices: int = 0
    escalations: int = 0


def _unnotified_breaches() -> list[tuple[int, str, datetime]]:
    """(case id, kind, due time) of recorded breaches on working cases not yet acted on.

    Only a breach of the case's current due time counts (a retargeted clock is judged anew),
    and a first response that came late needs no notice any more.
    """
    kind = sa.case(
        (SLABreach.metric == sla.RESOLUTION, RESOLUTION_BREACH), else_=FIRST_RESPONSE_BREACH
    )
    done = sa.exists().where(
        SLANotification.case_id == SLABreach.case_id,
        SLANotification.kind == kind,
        SLANotification.due_at == SLABreach.due_at,
    )
    query = (
        sa.select(SLABreach.case_id, kind, SLABreach.due_at)
        .join(Case, Case.id == SLABreach.case_id)
        .where(
            Case.status.in_(WORKING_STATUSES),
            sa.or_(
                sa.and_(
                    SLABreach.metric == sla.RESOLUTION,
                    Case.resolution_due_at == SLABreach.due_at,
                ),
                sa.and_(
                    SLABreach.metric == sla.FIRST_RESPONSE,
                    Case.first_response_due_at == SLABreach.due_at,
                    Case.first_responded_at.is_(None),
                ),
            ),
            ~done,
        )
        .order_by(SLABreach.case_id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def _warning_candidates(now: datetime) -> tuple[list[int], set[tuple[int, str]]]:
    """Running cases past their warning moment with a clock not yet warned about, and the
    (case id, kind) warnings already sent for them. Once per clock: a due time moved by a
    pause or priority change does not warn again."""

    def warned(kind: str):
        return sa.exists().where(SLANotification.case_id == Case.id, SLANotification.kind == kind)

    ids = db.session.scalars(
        sa.select(Case.id)
        .where(
            Case.sla_warning_at <= now,
            Case.status.in_(RUNNING_STATUSES),
            Case.sla_paused_at.is_(None),
            sa.or_(
                sa.and_(
                    Case.first_responded_at.is_(None),
                    Case.first_response_due_at > now,
                    ~warned(FIRST_RESPONSE_WARNING),
                ),
                sa.and_(Case.resolution_due_at > now, ~warned(RESOLUTION_WARNING)),
            ),
        )
        .order_by(Case.id)
    ).all()
    if not ids:
        return [], set()
    sent = db.session.execute(
        sa.select(SLANotification.case_id, SLANotification.kind).where(
            SLANotification.case_id.in_(ids), SLANotification.kind.in_(WARNING_KINDS.values())
        )
    ).all()
    return list(ids), {tuple(row) for row in sent}


def _lock(case_ids: set[int]) -> dict[int, Case]:
    """Load the candidate cases fresh; on PostgreSQL lock them first, skipping any another
    sweep holds (that sweep acts on them). SQLite needs no row lock: its transactions begin
    IMMEDIATE, so sweeps there run one after the other."""
    if not case_ids:
        return {}
    ids = sorted(case_ids)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(
            sa.select(Case.id)
            .where(Case.id.in_(ids))
            .order_by(Case.id)
            .with_for_update(skip_locked=True)
        ).all()
        if not ids:
            return {}
    loaded = db.session.scalars(
        sa.select(Case)
        .where(Case.id.in_(ids))
        .options(selectinload(Case.account), selectinload(Case.queue), selectinload(Case.assignee))
        .execution_options(populate_existing=True)
    ).all()
    return {case.id: case for case in loaded}


def _claim(actions: list[tuple[Case, str, datetime]], now: datetime) -> set[tuple[int, str]]:
    """Insert the actions' sla_notifications rows, skipping any that exist; returns the
    (case id, kind) pairs this sweep inserted, which are the ones it may act on."""
    if not actions:
        return set()
    rows = [
        {"case_id": case.id, "kind": kind, "due_at": due_at, "created_at": now}
        for case, kind, due_at in actions
    ]
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # no portable insert-or-skip: a duplicate fails this sweep's transaction instead
        db.session.add_all(SLANotification(**row) for row in rows)
        db.session.flush()
        return {(row["case_id"], row["kind"]) for row in rows}
    statement = (
        insert(SLANotification)
        .on_conflict_do_nothing()
        .returning(SLANotification.case_id, SLANotification.kind)
    )
    return {tuple(row) for row in db.session.execute(statement, rows)}


class _Policies:
    """SLA policies by (entitlement, priority), each looked up once per sweep."""

    def __init__(self):
        self._known: dict[tuple[str, str], SLAPolicy | None] = {}

    def of(self, case: Case) -> SLAPolicy | None:
        entitlement = (case.account.entitlement if case.account else None) or (
            sla.DEFAULT_ENTITLEMENT
        )
        key = (entitlement, str(case.priority))
        if key not in self._known:
            self._known[key] = sla.policy_for(case)
        return self._known[key]


def _still_breached(case: Case, kind: str, due_at: datetime) -> bool:
    """The breach still stands on the fresh row: same due time, case being worked, and (for a
    first response) still no reply."""
    if case.status not in WORKING_STATUSES:
        return False
    if kind == RESOLUTION_BREACH:
        return case.resolution_due_at == due_at
    return case.first_response_due_at == due_at and case.first_responded_at is None


def _actions(now: datetime) -> list[tuple[Case, str, datetime]]:
    """What is due: (case, kind, due time), re-checked on the fresh (locked) rows."""
    breaches = _unnotified_breaches()
    warning_ids, warned = _warning_candidates(now)
    cases_by_id = _lock({row[0] for row in breaches} | set(warning_ids))
    actions = []
    for case_id, kind, due_at in breaches:
        case = cases_by_id.get(case_id)
        if case is not None and _still_breached(case, kind, due_at):
            actions.append((case, kind, due_at))
    policies = _Policies()
    for case_id in warning_ids:
        case = cases_by_id.get(case_id)
        if case is None:
            continue
        for which, kind in WARNING_KINDS.items():
            due_at = (
                case.first_response_due_at
                if which == sla.FIRST_RESPONSE
                else (case.resolution_due_at)
            )
            if due_at is None or (case_id, kind) in warned:
                continue
            state = sla.clock_state(case, now=now, which=which, policy=policies.of(case))
            if state == "warning":
                actions.append((case, kind, due_at))
    actions.sort(key=lambda action: (ACTION_ORDER[action[1]], action[0].id))
    return actions


def sweep(*, now: datetime) -> SweepOutcome:
    """Record new SLA breaches, then warn, notify and escalate, each at most once.

    Per the case's policy: at the warning threshold of a running clock the assignee and the
    queue's supervisors are told; on a missed first response they are told again; on a missed
    resolution the case is escalated to the next tier (reason "SLA breach", requested by
    nobody), or flagged at the top tier. The caller commits.
    """
    now = now.astimezone(UTC)
    outcome = SweepOutcome(breaches=len(sla.record_breaches(now=now)))
    actions = _actions(now)
    claimed = _claim(actions, now)
    supervisors: dict[int | None, list[User]] = {}
    for case, kind, due_at in actions:
        if (case.id, kind) not in claimed:
            continue  # another sweep got there first
        if kind == RESOLUTION_BREACH:
            if case.status in WORKING_STATUSES:
                escalate(case, by=None, reason=SLA_BREACH_REASON, now=now)
                outcome.escalations += 1
            continue
        if case.queue_id not in supervisors:
            supervisors[case.queue_id] = cases.queue_supervisors(case.queue)
        inbox.tell_staff(
            [case.assignee, *supervisors[case.queue_id]],
            INBOX_KINDS[kind],
            case,
            case.subject,
            actor=None,
            template=SLA_EMAIL_TEMPLATE,
            now=now,
            due_at=due_at,
        )
        if kind == FIRST_RESPONSE_BREACH:
            outcome.breach_notices += 1
        else:
            outcome.warnings += 1
    return outcome
