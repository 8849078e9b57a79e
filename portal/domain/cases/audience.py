"""Who hears of a change to a case: the staff a customer's reply or status change is told to,
and which status changes are news at all. Apart from the writes so that replies, status
changes and edits tell staff through one rule."""

from __future__ import annotations

from portal.domain.cases import followers, staffing
from portal.kernel import inbox
from portal.models import Case, CaseEvent, CaseStatus, NotificationKind, Role, User


def customer_audience(case: Case) -> list[User]:
    """Who hears what a customer did: the assignee, or when nobody (active) has the case its
    queue's agents (its supervisors if it has no agents), and everyone following the case."""
    if case.assignee is not None and case.assignee.is_active:
        first = [case.assignee]
    else:
        first = staffing.queue_agents(case.queue) or staffing.queue_supervisors(case.queue)
    return first + followers.followers(case)


def _status_kind(old: CaseStatus, new: CaseStatus, by: User | None) -> NotificationKind | None:
    """The notification a status change makes, if any: a customer's reopen or "solved", and
    staff resolving, closing or reopening a case. Other moves (new -> open, open <-> pending)
    are the work itself, not news."""
    reopened = old == CaseStatus.RESOLVED and new == CaseStatus.OPEN
    if by is not None and by.role == Role.CUSTOMER:
        if reopened:
            return NotificationKind.CUSTOMER_REOPENED
        return NotificationKind.CUSTOMER_SOLVED if new == CaseStatus.RESOLVED else None
    if reopened:
        return NotificationKind.CASE_REOPENED
    return {
        CaseStatus.RESOLVED: NotificationKind.CASE_RESOLVED,
        CaseStatus.CLOSED: NotificationKind.CASE_CLOSED,
    }.get(new)


def announce_status(
    case: Case, old: CaseStatus, new: CaseStatus, event: CaseEvent, *, by: User | None, now
) -> None:
    """Tell staff of a status change: a customer's to the assignee (or queue) and followers,
    staff's to the followers. Flushes (the link needs the event's id): not inside an edit."""
    kind = _status_kind(old, new, by)
    if kind is None:
        return
    customer = by is not None and by.role == Role.CUSTOMER
    audience = customer_audience(case) if customer else followers.followers(case)
    inbox.tell_staff(audience, kind, case, actor=by, event=event, now=now)
