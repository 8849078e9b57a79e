"""A case's status: the allowed moves, the one function that makes them (SLA clocks,
timestamps, history, emails and the survey follow), and the customer's solve and reopen with
its window. Replies, edits, assignment and merges change status through here."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from portal.domain import sla, voc
from portal.domain.cases import audience, history, metrics, notices
from portal.kernel import audit
from portal.kernel.errors import InvalidTransition
from portal.models import Case, CaseEvent, CaseStatus, User
from portal.models._base import utcnow

# Allowed status moves (DESIGN.md): new -> open <-> pending -> resolved -> closed; a resolved
# case may be reopened; closed is final.
TRANSITIONS = {
    CaseStatus.NEW: {CaseStatus.OPEN, CaseStatus.PENDING, CaseStatus.RESOLVED, CaseStatus.CLOSED},
    CaseStatus.OPEN: {CaseStatus.PENDING, CaseStatus.RESOLVED, CaseStatus.CLOSED},
    CaseStatus.PENDING: {CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED},
    CaseStatus.RESOLVED: {CaseStatus.OPEN, CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}


def change_status(
    case: Case,
    new_status: CaseStatus,
    *,
    by: User | None,
    now: datetime | None = None,
    announce: bool = True,
) -> CaseEvent | None:
    """Move a case to another status, keeping SLA clocks, timestamps and history right;
    returns the timeline entry (None if the status did not change).

    Staff are told unless `announce` is off: a caller inside a one-UPDATE edit (or one that
    tells of the change in its own words, like a customer's reply) announces it itself.
    """
    now = now or utcnow()
    old_status = case.status
    if new_status == old_status:
        return None
    if new_status not in TRANSITIONS[old_status]:
        raise InvalidTransition(f"{old_status} -> {new_status}")
    case.status = new_status
    sla.on_status_change(case, old_status, new_status, now=now)
    if new_status == CaseStatus.RESOLVED:
        case.resolved_at = now
    elif new_status == CaseStatus.CLOSED:
        case.closed_at = now
    elif old_status == CaseStatus.RESOLVED:
        case.resolved_at = None
    event = history.field_change(case, "status", old_status.value, new_status.value, by=by, now=now)
    metrics.measure(case, now=now)
    history.touch(case, now)
    if new_status == CaseStatus.RESOLVED:
        notices.case_resolved(case)
        voc.send_csat(case, now=now)
    elif old_status == CaseStatus.RESOLVED and new_status == CaseStatus.OPEN:
        notices.case_reopened(case)
    audit.record("case.status", by=by, subject=case, old=old_status.value, new=new_status.value)
    if announce:
        audience.announce_status(case, old_status, new_status, event, by=by, now=now)
    return event


def reopen_deadline(case: Case) -> datetime | None:
    if case.status != CaseStatus.RESOLVED or case.resolved_at is None:
        return None
    return case.resolved_at + timedelta(days=current_app.config["REOPEN_WINDOW_DAYS"])


def can_reopen(case: Case, *, now: datetime | None = None) -> bool:
    """A resolved case may be reopened within the window; later, a follow-up case is offered."""
    deadline = reopen_deadline(case)
    return deadline is not None and (now or utcnow()) <= deadline


def solve(case: Case, *, by: User, now: datetime | None = None) -> None:
    """The customer says the case is solved."""
    if case.status not in CaseStatus.WORKING:
        raise InvalidTransition(f"cannot solve a {case.status} case")
    change_status(case, CaseStatus.RESOLVED, by=by, now=now)


def reopen(case: Case, *, by: User, now: datetime | None = None) -> None:
    if not can_reopen(case, now=now):
        raise InvalidTransition("the reopen window has passed")
    change_status(case, CaseStatus.OPEN, by=by, now=now)
