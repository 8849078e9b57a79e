"""Reading a case's clocks: a clock's state, the business minutes left on it, and the
countdown that lists show.

Separate from `clocks` because nothing here writes to the case: these are the questions pages
and the sweep ask of the due times that `clocks` keeps.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from portal.domain.sla import calendars, clocks, policies
from portal.models import Case, CaseStatus, SLAPolicy

ClockState = Literal["ok", "warning", "breached", "met", "paused", "none"]


def _clock(case: Case, which: clocks.Metric) -> tuple[datetime | None, datetime | None]:
    """(due time, moment the target was met) of one of the case's two clocks."""
    if which == clocks.FIRST_RESPONSE:
        return case.first_response_due_at, case.first_responded_at
    if which == clocks.RESOLUTION:
        return case.resolution_due_at, clocks.resolved_at(case)
    raise ValueError(f"unknown SLA clock {which!r}")


def _target_minutes(policy: SLAPolicy, which: clocks.Metric) -> int:
    return (
        policy.first_response_minutes
        if which == clocks.FIRST_RESPONSE
        else policy.resolution_minutes
    )


def clock_state(
    case: Case,
    *,
    now: datetime,
    which: clocks.Metric = clocks.RESOLUTION,
    policy: SLAPolicy | None = None,
) -> ClockState:
    """One clock's state: "none", "met", "breached", "paused", "warning" or "ok".

    "warning" once `warning_percent` of the target has run (pauses excluded). A paused clock
    whose due time had passed before the pause is "breached". Pass `policy` to save the
    lookup when showing many cases.
    """
    due, met_at = _clock(case, which)
    if due is None:
        return "none"
    if met_at is not None:
        return "met" if met_at <= due else "breached"
    now = calendars.as_utc(now)
    if case.sla_paused_at is not None or case.status is CaseStatus.PENDING:
        return "breached" if due < (case.sla_paused_at or now) else "paused"
    if now > due:
        return "breached"
    policy = policy or policies.policy_for(case)
    target = _target_minutes(policy, which) if policy else 0
    if target <= 0:
        return "ok"
    remaining = calendars.business_time_between(policy.calendar, now, due).total_seconds()
    elapsed = target * 60 - remaining
    return "warning" if elapsed * 100 >= policy.warning_percent * target * 60 else "ok"


def remaining_minutes(
    case: Case,
    *,
    now: datetime,
    which: clocks.Metric = clocks.RESOLUTION,
    policy: SLAPolicy | None = None,
) -> int | None:
    """Business minutes left on one clock, negative when overdue; None if no due or met.

    A paused clock stands still at the moment of the pause. Without a policy, wall-clock
    minutes are counted.
    """
    due, met_at = _clock(case, which)
    if due is None or met_at is not None:
        return None
    moment = case.sla_paused_at or calendars.as_utc(now)
    policy = policy or policies.policy_for(case)
    if policy is None:
        return int((due - moment).total_seconds() // 60)
    if moment <= due:
        return calendars.business_minutes_between(policy.calendar, moment, due)
    return -calendars.business_minutes_between(policy.calendar, due, moment)


@dataclass(frozen=True)
class Countdown:
    """The clock that matters now, for lists: first response until it is met, then
    resolution. `minutes` are wall-clock minutes to the due time (what a person counts on
    the wall clock; the due time itself is in business time), negative when overdue; a
    paused clock stands still at its pause."""

    metric: clocks.Metric
    due_at: datetime
    minutes: int
    state: Literal["ok", "warning", "overdue", "paused"]


def countdown(case: Case, *, now: datetime) -> Countdown | None:
    """The case's running (or paused) clock, from its columns alone: no query, so a list
    can show one per row. None for resolved and closed cases and cases without targets."""
    if case.status in CaseStatus.DONE:
        return None
    if case.first_responded_at is None and case.first_response_due_at is not None:
        metric, due = clocks.FIRST_RESPONSE, case.first_response_due_at
    elif case.resolution_due_at is not None:
        metric, due = clocks.RESOLUTION, case.resolution_due_at
    else:
        return None
    now = calendars.as_utc(now)
    paused = case.sla_paused_at is not None or case.status == CaseStatus.PENDING
    seconds = (due - (case.sla_paused_at or now if paused else now)).total_seconds()
    # Round towards "more urgent": 30 s left is "1 min", 30 s late is "1 min" late too.
    minutes = math.ceil(seconds / 60) if seconds >= 0 else -max(1, math.floor(-seconds / 60))
    if paused:
        state = "paused"
    elif minutes < 0:
        state = "overdue"
    elif case.sla_warning_at is not None and case.sla_warning_at <= now:
        state = "warning"
    else:
        state = "ok"
    return Countdown(metric, due, minutes, state)
