"""The supervisor's answers to an escalation: accept it, return it to the lower tier, or
resolve it.

`accept()`, `return_to_lower_tier()` (a bounce-back: state `returned`) and `resolve()` are the
supervisor's answers. Each claims the escalation with one conditional UPDATE, so two
supervisors acting at once cannot both succeed (the second gets StaleCase, 409). Each is told
to the agent who asked and to the case's followers.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.domain import cases
from portal.domain.escalations import steps
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import InvalidTransition, NotAllowed, StaleCase
from portal.models import Escalation, EscalationState, NotificationKind, Queue, Role, User
from portal.models._base import utcnow

# Escalations still waiting for a supervisor's answer.


def _require_handler(by: User) -> None:
    if by is None or by.role not in Role.MANAGERS or not by.is_active:
        raise NotAllowed("only supervisors and admins handle escalations")


def _settle(
    escalation: Escalation,
    state: EscalationState,
    *,
    by: User,
    now: datetime,
    allowed: tuple[EscalationState, ...] = EscalationState.PENDING,
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
        event = steps.escalation_event(case, by, now, before.value, EscalationState.ACCEPTED.value)
        steps.give_to(case, assignee, by=by, now=now)
        case.updated_at = now
    audit.record("escalation.accept", by=by, subject=escalation, case=case.id, assignee=assignee.id)
    cases.record_work(case, assignee, now=now)
    news = steps.News(
        case, escalation.reason, event, by, now, steps.email_context(escalation, case.queue)
    )
    told = news.tell([assignee], NotificationKind.ESCALATION_ASSIGNED)
    news.tell(cases.followers_of(case), NotificationKind.ESCALATION_ACCEPTED, already=told)


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
    if steps.is_flag(escalation):
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
        event = steps.escalation_event(
            case,
            by,
            now,
            steps.place(case.queue, case.tier),
            steps.place(back, back.tier),
            body=guidance,
        )
        case.queue = back
        case.tier = back.tier
        steps.give_to(case, assignee, by=by, now=now)
        case.updated_at = now
    audit.record("escalation.return", by=by, subject=escalation, case=case.id, queue=back.id)
    cases.record_work(case, assignee, now=now)
    context = steps.email_context(escalation, back, guidance=guidance, to_tier=back.tier)
    # The agent who escalated it, and whoever follows it; if it comes back to nobody, the
    # lower queue's agents (else its supervisors), who will have to pick it up.
    people = [requester] if requester is not None else []
    if assignee is None:
        people += cases.queue_agents(back) or cases.queue_supervisors(back)
    steps.News(case, guidance, event, by, now, context).tell(
        people + cases.followers_of(case), NotificationKind.ESCALATION_RETURNED
    )


def resolve(escalation: Escalation, *, by: User, now: datetime | None = None) -> None:
    """Close the escalation as dealt with; the case itself stays as it is."""
    _require_handler(by)
    now = now or utcnow()
    before = _settle(escalation, EscalationState.RESOLVED, by=by, now=now)
    case = escalation.case
    event = steps.escalation_event(case, by, now, before.value, EscalationState.RESOLVED.value)
    audit.record("escalation.resolve", by=by, subject=escalation, case=escalation.case_id)
    requester = (
        db.session.get(User, escalation.requested_by_id) if escalation.requested_by_id else None
    )
    news = steps.News(
        case, escalation.reason, event, by, now, steps.email_context(escalation, case.queue)
    )
    news.tell([requester, *cases.followers_of(case)], NotificationKind.ESCALATION_RESOLVED)
