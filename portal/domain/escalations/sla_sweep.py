"""The SLA sweep: warn, notify a missed first response, escalate a missed resolution.

`sweep()` runs every minute (`flask sla sweep`): per the case's SLA policy it warns the
assignee and supervisors at the warning threshold, tells them of a missed first response, and
escalates a missed resolution (reason "SLA breach", requested by nobody). Each action is keyed
by (case, kind, due time) in `sla_notifications` and inserted with ON CONFLICT DO NOTHING
before it is taken, so a second sweep, or two at once, never act twice; on PostgreSQL the
candidate cases are also locked with FOR UPDATE SKIP LOCKED. Separate because it is a batch
job over all cases, with its own queries and locking; it escalates through `escalate()` as a
person would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.domain import cases, sla
from portal.domain.escalations import escalating
from portal.extensions import db
from portal.kernel import inbox
from portal.models import (
    Case,
    CaseStatus,
    SLABreach,
    SLANotification,
    SLANotificationKind,
    SLAPolicy,
    User,
)

SLA_BREACH_REASON = "SLA breach"
SLA_EMAIL_TEMPLATE = "sla_alert"

# The warning each clock sends.
WARNING_KINDS = {
    sla.FIRST_RESPONSE: SLANotificationKind.FIRST_RESPONSE_WARNING,
    sla.RESOLUTION: SLANotificationKind.RESOLUTION_WARNING,
}
# Warnings first, then breach notices, then escalations: an assignee is told before an
# escalation takes the case away from them.
ACTION_ORDER = {
    SLANotificationKind.FIRST_RESPONSE_WARNING: 0,
    SLANotificationKind.RESOLUTION_WARNING: 0,
    SLANotificationKind.FIRST_RESPONSE_BREACH: 1,
    SLANotificationKind.RESOLUTION_BREACH: 2,
}


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
        (SLABreach.metric == sla.RESOLUTION, SLANotificationKind.RESOLUTION_BREACH.value),
        else_=SLANotificationKind.FIRST_RESPONSE_BREACH.value,
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
            Case.status.in_(CaseStatus.WORKING),
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

    def warned(kind: SLANotificationKind):
        return sa.exists().where(SLANotification.case_id == Case.id, SLANotification.kind == kind)

    ids = db.session.scalars(
        sa.select(Case.id)
        .where(
            Case.sla_warning_at <= now,
            Case.status.in_(CaseStatus.RUNNING),
            Case.sla_paused_at.is_(None),
            sa.or_(
                sa.and_(
                    Case.first_responded_at.is_(None),
                    Case.first_response_due_at > now,
                    ~warned(SLANotificationKind.FIRST_RESPONSE_WARNING),
                ),
                sa.and_(
                    Case.resolution_due_at > now, ~warned(SLANotificationKind.RESOLUTION_WARNING)
                ),
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
    if case.status not in CaseStatus.WORKING:
        return False
    if kind == SLANotificationKind.RESOLUTION_BREACH:
        return case.resolution_due_at == due_at
    return case.first_response_due_at == due_at and case.first_responded_at is None


def _actions(now: datetime) -> list[tuple[Case, SLANotificationKind, datetime]]:
    """What is due: (case, kind, due time), re-checked on the fresh (locked) rows."""
    breaches = _unnotified_breaches()
    warning_ids, warned = _warning_candidates(now)
    cases_by_id = _lock({row[0] for row in breaches} | set(warning_ids))
    actions = []
    for case_id, kind, due_at in breaches:
        case = cases_by_id.get(case_id)
        if case is not None and _still_breached(case, kind, due_at):
            actions.append((case, SLANotificationKind(kind), due_at))
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
        if kind == SLANotificationKind.RESOLUTION_BREACH:
            if case.status in CaseStatus.WORKING:
                escalating.escalate(case, by=None, reason=SLA_BREACH_REASON, now=now)
                outcome.escalations += 1
            continue
        if case.queue_id not in supervisors:
            supervisors[case.queue_id] = cases.queue_supervisors(case.queue)
        inbox.tell_staff(
            [case.assignee, *supervisors[case.queue_id]],
            kind.notification_kind,
            case,
            case.subject,
            actor=None,
            template=SLA_EMAIL_TEMPLATE,
            now=now,
            due_at=due_at,
        )
        if kind == SLANotificationKind.FIRST_RESPONSE_BREACH:
            outcome.breach_notices += 1
        else:
            outcome.warnings += 1
    return outcome
