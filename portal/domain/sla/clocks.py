"""The case's two clocks (first response and resolution): starting them, retargeting them on a
priority change, pausing and resuming them, and marking a target met.

Targets are counted in business minutes on the calendar of the case's SLA policy. While a case
is `pending` its clocks are paused: on resume the paused business minutes are added to
`sla_paused_minutes` and every still-running due time moves out by as much. A due time that
had already passed when the pause began stays where it was (a pause never undoes a breach),
and a target already met is never moved again. These are the writes to a case's SLA columns;
reading them (states, countdowns) and recording breaches live in their own modules.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

from portal.domain.sla import calendars, policies
from portal.models import Case, CaseStatus, SLAPolicy
from portal.models._base import utcnow

Metric = Literal["first_response", "resolution"]
FIRST_RESPONSE: Metric = "first_response"
RESOLUTION: Metric = "resolution"


def resolved_at(case: Case) -> datetime | None:
    """When the case was resolved, if it is resolved or closed now (a reopen undoes it)."""
    if case.status not in CaseStatus.DONE:
        return None
    return case.resolved_at or case.closed_at


def _due_at(policy: SLAPolicy, case: Case, target_minutes: int) -> datetime:
    """Due time of a target counted from creation, with the pauses so far left out."""
    return calendars.add_business_minutes(
        policy.calendar, case.created_at, target_minutes + (case.sla_paused_minutes or 0)
    )


def start_clock(case: Case, *, now: datetime | None = None) -> SLAPolicy | None:
    """Set both due times from the case's policy, counted from `created_at`; returns the policy.

    A case not yet flushed gets `created_at = now` (or the current time) so that the clock and
    the record agree on when it started. Without a policy both due times are None.
    """
    if case.created_at is None:
        case.created_at = calendars.as_utc(now) if now else utcnow()
    policy = policies.policy_for(case)
    if policy is None:
        case.first_response_due_at = case.resolution_due_at = None
        return None
    case.first_response_due_at = _due_at(policy, case, policy.first_response_minutes)
    case.resolution_due_at = _due_at(policy, case, policy.resolution_minutes)
    refresh_warning(case, policy)
    return policy


def on_priority_change(case: Case, *, now: datetime) -> SLAPolicy | None:
    """Retarget the case as if it had had its new priority from the start, pauses excluded.

    A target already met keeps its due time, so a reply or resolution that was on time (or
    late) stays so. A pause in progress is added when the case resumes, as usual.
    """
    if case.created_at is None:
        case.created_at = calendars.as_utc(now)
    policy = policies.policy_for(case)
    if case.first_responded_at is None:
        case.first_response_due_at = (
            _due_at(policy, case, policy.first_response_minutes) if policy else None
        )
    if resolved_at(case) is None:
        case.resolution_due_at = (
            _due_at(policy, case, policy.resolution_minutes) if policy else None
        )
    refresh_warning(case, policy)
    return policy


def refresh_warning(case: Case, policy: SLAPolicy | None = None) -> None:
    """Keep `sla_warning_at` current: when the earliest running clock reaches its warning
    share (policy.warning_percent of its target). Lists filter by SLA state with it in SQL."""
    policy = policy or policies.policy_for(case)
    moments = []
    if policy is not None:
        share = policy.warning_percent / 100
        if case.first_responded_at is None and case.first_response_due_at is not None:
            moments.append(_due_at(policy, case, math.ceil(policy.first_response_minutes * share)))
        if resolved_at(case) is None and case.resolution_due_at is not None:
            moments.append(_due_at(policy, case, math.ceil(policy.resolution_minutes * share)))
    case.sla_warning_at = min(moments) if moments else None


def pause(case: Case, *, now: datetime) -> None:
    """Stop the clocks (the case went to pending); pausing a paused case changes nothing."""
    if case.sla_paused_at is None:
        case.sla_paused_at = calendars.as_utc(now)


def resume(case: Case, *, now: datetime) -> int:
    """Restart the clocks and return the business minutes the pause lasted.

    Those minutes are added to `sla_paused_minutes`, and each due time that was still ahead
    when the pause began moves out by as many business minutes. Without a pause, or without a
    policy (no calendar to count in), the case is only marked as running again and 0 returned.
    """
    paused_at = case.sla_paused_at
    if paused_at is None:
        return 0
    case.sla_paused_at = None
    policy = policies.policy_for(case)
    if policy is None:
        return 0
    calendar = policy.calendar
    minutes = calendars.business_minutes_between(calendar, paused_at, now)
    if not minutes:
        return 0
    case.sla_paused_minutes = (case.sla_paused_minutes or 0) + minutes
    first_due = case.first_response_due_at
    responded = case.first_responded_at
    if first_due and first_due > paused_at and (responded is None or responded > paused_at):
        case.first_response_due_at = calendars.add_business_minutes(calendar, first_due, minutes)
    if case.resolution_due_at and case.resolution_due_at > paused_at:
        case.resolution_due_at = calendars.add_business_minutes(
            calendar, case.resolution_due_at, minutes
        )
    refresh_warning(case, policy)
    return minutes


def on_status_change(
    case: Case,
    old_status: CaseStatus | str | None,
    new_status: CaseStatus | str,
    *,
    now: datetime,
) -> None:
    """Pause the clocks when a case enters `pending` and resume them when it leaves."""
    old = CaseStatus(old_status) if old_status else None
    new = CaseStatus(new_status)
    if new is CaseStatus.PENDING and old is not CaseStatus.PENDING:
        pause(case, now=now)
    elif old is CaseStatus.PENDING and new is not CaseStatus.PENDING:
        resume(case, now=now)


def record_first_response(case: Case, *, at: datetime) -> bool:
    """Mark the first public agent reply; True if this was it, False if one came before."""
    if case.first_responded_at is not None:
        return False
    case.first_responded_at = calendars.as_utc(at)
    refresh_warning(case)
    return True
