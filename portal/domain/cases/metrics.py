"""The per-case facts behind the KPIs, worked out from a case's history.

`measure` replays one case's timeline (status changes and public replies) and stores on the
case: business minutes to the first response and to resolution with time spent pending
taken out, the number of public agent replies and the number of reopens. It runs after every
write that can change them (`transitions`, `replies`), and `backfill` runs it over existing
cases. Business minutes are counted in the calendar of the case's SLA policy; a case without
a policy counts every minute.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.domain import sla
from portal.extensions import db
from portal.models import BusinessCalendar, Case, CaseEvent, CaseStatus, EventKind
from portal.models._base import utcnow

PENDING = CaseStatus.PENDING.value
BACKFILL_BATCH = 500


@dataclass(frozen=True)
class Step:
    """One event of a case's history that the facts depend on."""

    at: datetime
    kind: EventKind
    field: str | None
    old: str | None
    new: str | None
    by_agent: bool


def _minutes(calendar: BusinessCalendar | None, start: datetime, end: datetime) -> int:
    if end <= start:
        return 0
    if calendar is None:
        return int((end - start).total_seconds() // 60)
    return sla.business_minutes_between(calendar, start, end)


def _pending_spans(steps: list[Step], until: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches the case spent pending, an open-ended one closed at `until`."""
    spans, since = [], None
    for step in steps:
        if step.field != "status":
            continue
        if step.new == PENDING and since is None:
            since = step.at
        elif step.new != PENDING and since is not None:
            spans.append((since, step.at))
            since = None
    if since is not None:
        spans.append((since, until))
    return spans


def _working_minutes(calendar, spans, start: datetime, end: datetime) -> int:
    """Minutes from `start` to `end` less the pending time between them."""
    paused = sum(
        _minutes(calendar, max(a, start), min(b, end)) for a, b in spans if a < end and b > start
    )
    return max(0, _minutes(calendar, start, end) - paused)


def apply(case: Case, steps: list[Step], calendar: BusinessCalendar | None, now: datetime) -> None:
    """Set the case's KPI facts from its ordered `steps`."""
    spans = _pending_spans(steps, now)
    case.agent_replies = sum(1 for s in steps if s.kind == EventKind.PUBLIC_REPLY and s.by_agent)
    case.reopen_count = sum(
        1
        for s in steps
        if s.field == "status" and s.old in CaseStatus.DONE and s.new not in CaseStatus.DONE
    )
    created = case.created_at
    responded = case.first_responded_at
    case.first_response_minutes = (
        _working_minutes(calendar, spans, created, responded) if responded else None
    )
    done_at = case.resolved_at or case.closed_at
    finished = CaseStatus(case.status).value in CaseStatus.DONE and done_at is not None
    case.resolution_minutes = (
        _working_minutes(calendar, spans, created, done_at) if finished else None
    )


def _steps_query(case_ids):
    return (
        sa.select(
            CaseEvent.case_id,
            CaseEvent.created_at,
            CaseEvent.kind,
            CaseEvent.field,
            CaseEvent.old_value,
            CaseEvent.new_value,
            CaseEvent.contact_id,
            CaseEvent.author_id,
        )
        .where(
            CaseEvent.case_id.in_(case_ids),
            sa.or_(
                CaseEvent.kind == EventKind.PUBLIC_REPLY,
                sa.and_(CaseEvent.kind == EventKind.FIELD_CHANGE, CaseEvent.field == "status"),
            ),
        )
        .order_by(CaseEvent.case_id, CaseEvent.created_at, CaseEvent.id)
    )


def _step(row) -> Step:
    return Step(
        at=row.created_at,
        kind=EventKind(row.kind),
        field=row.field,
        old=row.old_value,
        new=row.new_value,
        by_agent=row.contact_id is None and row.author_id is not None,
    )


def _calendar(case: Case) -> BusinessCalendar | None:
    policy = sla.policy_for(case)
    return policy.calendar if policy else None


def _unflushed_steps(case: Case, now: datetime) -> list[Step]:
    """Steps of `case` added in this transaction but not yet written."""
    return [
        Step(
            at=event.created_at or now,
            kind=EventKind(event.kind),
            field=event.field,
            old=event.old_value,
            new=event.new_value,
            by_agent=event.contact_id is None and (event.author_id or event.author) is not None,
        )
        for event in db.session.new
        if isinstance(event, CaseEvent) and (event.case is case or event.case_id == case.id)
    ]


def measure(case: Case, *, now: datetime | None = None) -> None:
    """Recompute one case's facts from its history, including events not yet flushed.

    No flush here: flushing would write the case twice and bump its version twice.
    """
    now = now or utcnow()
    with db.session.no_autoflush:
        stored = [_step(row) for row in db.session.execute(_steps_query([case.id]))]
        steps = sorted(stored + _unflushed_steps(case, now), key=lambda step: step.at)
        apply(case, steps, _calendar(case), now)


def backfill(*, progress: Callable[[int], None] = lambda done: None) -> int:
    """Measure every case, in batches of `BACKFILL_BATCH`; returns how many were measured."""
    now = datetime.now(UTC)
    total, last_id = 0, 0
    known: dict[tuple, BusinessCalendar | None] = {}

    def calendars(case: Case) -> BusinessCalendar | None:
        """One policy lookup per entitlement and priority, not per case."""
        key = (case.account.entitlement if case.account else None, case.priority)
        if key not in known:
            known[key] = _calendar(case)
        return known[key]

    while True:
        batch = db.session.scalars(
            sa.select(Case)
            .where(Case.id > last_id)
            .order_by(Case.id)
            .limit(BACKFILL_BATCH)
            .options(selectinload(Case.account))
        ).all()
        if not batch:
            return total
        by_case: dict[int, list[Step]] = {case.id: [] for case in batch}
        for row in db.session.execute(_steps_query(list(by_case))):
            by_case[row.case_id].append(_step(row))
        for case in batch:
            apply(case, by_case[case.id], calendars(case), now)
        db.session.commit()
        last_id = batch[-1].id
        total += len(batch)
        progress(len(batch))
