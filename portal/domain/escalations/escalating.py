"""Escalating a case: moving it up a tier, or flagging it when it cannot go higher.

`escalate()` moves a case to a queue of a higher tier (by default the lowest-id queue of the
next tier that has one), clears the assignee or gives it to a chosen agent of that queue, and
tells, in-app and by email, the chosen agent, or with nobody chosen the target queue's agents,
plus its supervisors; the case's followers hear that it moved. The escalating agent becomes a
follower, so they keep reading it (authz.case_filter). A case that cannot go higher (tier 3,
or no queue above it) is *flagged* instead: an Escalation whose `to_tier` equals its
`from_tier` (see `steps.is_flag`), the case stays where it is and the supervisors are told.
Both people and the SLA sweep escalate through here.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.domain import cases
from portal.domain.escalations import steps
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import InvalidTransition
from portal.models import (
    Case,
    CaseStatus,
    Escalation,
    EscalationState,
    NotificationKind,
    Queue,
    Role,
    User,
)
from portal.models._base import utcnow
from portal.models.user import queue_members

MAX_TIER = 3


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
                User.role.in_(Role.STAFF),
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
    if case.status not in CaseStatus.WORKING:
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
        escalation = _open_escalation(case, target.tier, target.id, by, reason, handoff_note, now)
        event = steps.escalation_event(
            case,
            by,
            now,
            steps.place(case.queue, case.tier),
            steps.place(target, target.tier),
            body=reason,
        )
        from_tier = case.tier
        case.queue = target
        case.tier = target.tier
        steps.give_to(case, to_agent, by=by, now=now)
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
    news = steps.News(case, reason, event, by, now, steps.email_context(escalation, target, by))
    # A chosen agent hears that the case is theirs; with nobody chosen, the target queue's
    # agents (who may work its tier) hear of it with its supervisors.
    told = news.tell([to_agent], NotificationKind.ESCALATION_ASSIGNED)
    queue = cases.queue_supervisors(target)
    if to_agent is None:
        queue += cases.queue_agents(target)
    told += news.tell(queue, NotificationKind.ESCALATION, already=told)
    news.tell(cases.followers_of(case), NotificationKind.FOLLOWED_ESCALATED, already=told)
    return escalation


def _open_escalation(
    case: Case,
    to_tier: int,
    to_queue_id: int | None,
    by: User | None,
    reason: str,
    handoff_note: str,
    now: datetime,
) -> Escalation:
    """The open escalation row from where the case is (to where it is, for a flag)."""
    escalation = Escalation(
        case=case,
        from_tier=case.tier,
        to_tier=to_tier,
        from_queue_id=case.queue_id,
        to_queue_id=to_queue_id,
        reason=reason,
        handoff_note=handoff_note,
        requested_by_id=by.id if by is not None else None,
        state=EscalationState.OPEN,
        created_at=now,
    )
    db.session.add(escalation)
    return escalation


def _flag(
    case: Case, *, by: User | None, reason: str, handoff_note: str, now: datetime
) -> Escalation:
    """The case cannot go higher: record a flag for the supervisors; the case stays put."""
    with db.session.no_autoflush:
        escalation = _open_escalation(case, case.tier, case.queue_id, by, reason, handoff_note, now)
        event = steps.escalation_event(
            case, by, now, steps.place(case.queue, case.tier), "flagged", body=reason
        )
        case.updated_at = now
    db.session.flush()
    audit.record("case.escalation_flag", by=by, subject=case, escalation=escalation.id)
    cases.record_work(case, by, now=now)
    news = steps.News(case, reason, event, by, now, steps.email_context(escalation, case.queue, by))
    told = news.tell(cases.queue_supervisors(case.queue), NotificationKind.ESCALATION_FLAG)
    news.tell(cases.followers_of(case), NotificationKind.FOLLOWED_ESCALATED, already=told)
    return escalation
