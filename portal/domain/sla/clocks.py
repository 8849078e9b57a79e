"""The SLA engine: business-time arithmetic, due times, pauses, clock states and breaches.

Targets are counted in business minutes on the calendar of the case's SLA policy, which is
picked by the account's entitlement and the case's priority. Business time is worked out in
the calendar's local wall time one day at a time, and each day's opening hours are converted
to UTC on their own, so a daylight saving change moves the UTC hours with it.

While a case is `pending` its clocks are paused: on resume the paused business minutes are
added to `sla_paused_minutes` and every still-running due time moves out by as much. A due
time that had already passed when the pause began stays where it was (a pause never undoes a
breach), and a target already met is never moved again.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import (
    Account,
    BusinessCalendar,
    Case,
    CaseStatus,
    Priority,
    SLABreach,
    SLAPolicy,
)
from portal.models._base import utcnow

DEFAULT_ENTITLEMENT = "standard"
Metric = Literal["first_response", "resolution"]
FIRST_RESPONSE: Metric = "first_response"
RESOLUTION: Metric = "resolution"
ClockState = Literal["ok", "warning", "breached", "met", "paused", "none"]
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
# A calendar without a single working day in this many days in a row has no working time.
MAX_IDLE_DAYS = 3 * 366
MIDNIGHT = time(0, 0)


# --- Business time -------------------------------------------------------------------------


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("the SLA engine needs timezone-aware datetimes")
    return moment.astimezone(UTC)


def _working_windows(
    calendar: BusinessCalendar, moment: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """Yield each working day's (opening, closing) in UTC, from the day of `moment` on.

    A closing time of 00:00 means midnight at the end of the day, so 00:00-00:00 on every
    weekday is a round-the-clock calendar.
    """
    if not any(digit in "1234567" for digit in calendar.weekdays):
        raise ValueError(f"calendar {calendar.name!r} has no working weekdays")
    zone = ZoneInfo(calendar.timezone)
    holidays = {holiday.day for holiday in calendar.holidays}
    # Windows end by local midnight, so none before the local day of `moment` can contain it.
    day = moment.astimezone(zone).date()
    idle_days = 0
    while idle_days <= MAX_IDLE_DAYS:
        window = _window(calendar, zone, day, holidays)
        if window is None:
            idle_days += 1
        else:
            idle_days = 0
            yield window
        day += timedelta(days=1)
    raise ValueError(f"calendar {calendar.name!r} has no working time")


def _window(
    calendar: BusinessCalendar, zone: ZoneInfo, day: date, holidays: set[date]
) -> tuple[datetime, datetime] | None:
    """One local day's opening hours in UTC, or None when the clock does not run that day."""
    if str(day.isoweekday()) not in calendar.weekdays or day in holidays:
        return None
    closing_day = day + timedelta(days=1) if calendar.closes_at == MIDNIGHT else day
    # Convert before comparing: aware datetimes sharing a tzinfo compare by wall time.
    opens = datetime.combine(day, calendar.opens_at, tzinfo=zone).astimezone(UTC)
    closes = datetime.combine(closing_day, calendar.closes_at, tzinfo=zone).astimezone(UTC)
    return (opens, closes) if closes > opens else None


def add_business_minutes(calendar: BusinessCalendar, start: datetime, minutes: int) -> datetime:
    """The moment (UTC) at which `minutes` business minutes have run since `start`.

    Time outside opening hours does not count, so a start outside hours counts from the next
    opening; a target that runs out exactly at closing time is due at closing time.
    """
    if minutes < 0:
        raise ValueError("minutes must not be negative")
    cursor = _as_utc(start)
    remaining = timedelta(minutes=minutes)
    if not remaining:
        return cursor
    for opens, closes in _working_windows(calendar, cursor):
        begin = max(opens, cursor)
        if begin >= closes:
            continue
        if remaining <= closes - begin:
            return begin + remaining
        remaining -= closes - begin
    raise AssertionError("unreachable: _working_windows never ends without raising")


def _business_time_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> timedelta:
    start, end = _as_utc(start), _as_utc(end)
    total = timedelta()
    if end <= start:
        return total
    for opens, closes in _working_windows(calendar, start):
        if opens >= end:
            break
        overlap = min(closes, end) - max(opens, start)
        if overlap > timedelta():
            total += overlap
    return total


def business_minutes_between(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """Whole business minutes from `start` to `end` (rounded down); 0 if `end` is not later."""
    return int(_business_time_between(calendar, start, end).total_seconds() // 60)


# --- Policies and due times ------------------------------------------------------------------


def _entitlement(case: Case):
    """The case's entitlement: a value when the account is at hand, else a scalar subquery."""
    loaded = sa.inspect(case).dict
    if "account" in loaded:
        account = loaded["account"]
        return (account.entitlement if account is not None else None) or DEFAULT_ENTITLEMENT
    if case.account_id is None:
        return DEFAULT_ENTITLEMENT
    return sa.func.coalesce(
        sa.select(Account.entitlement).where(Account.id == case.account_id).scalar_subquery(),
        DEFAULT_ENTITLEMENT,
    )


def policy_for(case: Case) -> SLAPolicy | None:
    """The policy for the case's entitlement ("standard" without an account) and priority.

    One query, which also loads the policy's calendar and its holidays.
    """
    query = (
        sa.select(SLAPolicy)
        .where(
            SLAPolicy.entitlement == _entitlement(case),
            SLAPolicy.priority == (case.priority or Priority.NORMAL),
        )
        .options(joinedload(SLAPolicy.calendar).joinedload(BusinessCalendar.holidays))
    )
    return db.session.scalars(query).unique().first()


def _due_at(policy: SLAPolicy, case: Case, target_minutes: int) -> datetime:
    """Due time of a target counted from creation, with the pauses so far left out."""
    return add_business_minutes(
        policy.calendar, case.created_at, target_minutes + (case.sla_paused_minutes or 0)
    )


def start_clock(case: Case, *, now: datetime | None = None) -> SLAPolicy | None:
    """Set both due times from the case's policy, counted from `created_at`; returns the policy.

    A case not yet flushed gets `created_at = now` (or the current time) so that the clock and
    the record agree on when it started. Without a policy both due times are None.
    """
    if case.created_at is None:
        case.created_at = _as_utc(now) if now else utcnow()
    policy = policy_for(case)
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
        case.created_at = _as_utc(now)
    policy = policy_for(case)
    if case.first_responded_at is None:
        case.first_response_due_at = (
            _due_at(policy, case, policy.first_response_minutes) if policy else None
        )
    if _resolved_at(case) is None:
        case.resolution_due_at = (
            _due_at(policy, case, policy.resolution_minutes) if policy else None
        )
    refresh_warning(case, policy)
    return policy


def refresh_warning(case: Case, policy: SLAPolicy | None = None) -> None:
    """Keep `sla_warning_at` current: when the earliest running clock reaches its warning
    share (policy.warning_percent of its target). Lists filter by SLA state with it in SQL."""
    policy = policy or policy_for(case)
    moments = []
    if policy is not None:
        share = policy.warning_percent / 100
        if case.first_responded_at is None and case.first_response_due_at is not None:
            moments.append(_due_at(policy, case, math.ceil(policy.first_response_minutes * share)))
        if _resolved_at(case) is None and case.resolution_due_at is not None:
            moments.append(_due_at(policy, case, math.ceil(policy.resolution_minutes * share)))
    case.sla_warning_at = min(moments) if moments else None


# --- Pauses ----------------------------------------------------------------------------------


def pause(case: Case, *, now: datetime) -> None:
    """Stop the clocks (the case went to pending); pausing a paused case changes nothing."""
    if case.sla_paused_at is None:
        case.sla_paused_at = _as_utc(now)


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
    policy = policy_for(case)
    if policy is None:
        return 0
    calendar = policy.calendar
    minutes = business_minutes_between(calendar, paused_at, now)
    if not minutes:
        return 0
    case.sla_paused_minutes = (case.sla_paused_minutes or 0) + minutes
    first_due = case.first_response_due_at
    responded = case.first_responded_at
    if first_due and first_due > paused_at and (responded is None or responded > paused_at):
        case.first_response_due_at = add_business_minutes(calendar, first_due, minutes)
    if case.resolution_due_at and case.resolution_due_at > paused_at:
        case.resolution_due_at = add_business_minutes(calendar, case.resolution_due_at, minutes)
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
    case.first_responded_at = _as_utc(at)
    refresh_warning(case)
    return True


# --- Clock state -----------------------------------------------------------------------------


def _resolved_at(case: Case) -> datetime | None:
    """When the case was resolved, if it is resolved or closed now (a reopen undoes it)."""
    if case.status not in DONE_STATUSES:
        return None
    return case.resolved_at or case.closed_at


def _clock(case: Case, which: Metric) -> tuple[datetime | None, datetime | None]:
    """(due time, moment the target was met) of one of the case's two clocks."""
    if which == FIRST_RESPONSE:
        return case.first_response_due_at, case.first_responded_at
    if which == RESOLUTION:
        return case.resolution_due_at, _resolved_at(case)
    raise ValueError(f"unknown SLA clock {which!r}")


def _target_minutes(policy: SLAPolicy, which: Metric) -> int:
    return policy.first_response_minutes if which == FIRST_RESPONSE else policy.resolution_minutes


def clock_state(
    case: Case,
    *,
    now: datetime,
    which: Metric = RESOLUTION,
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
    now = _as_utc(now)
    if case.sla_paused_at is not None or case.status is CaseStatus.PENDING:
        return "breached" if due < (case.sla_paused_at or now) else "paused"
    if now > due:
        return "breached"
    policy = policy or policy_for(case)
    target = _target_minutes(policy, which) if policy else 0
    if target <= 0:
        return "ok"
    remaining = _business_time_between(policy.calendar, now, due).total_seconds()
    elapsed = target * 60 - remaining
    return "warning" if elapsed * 100 >= policy.warning_percent * target * 60 else "ok"


def remaining_minutes(
    case: Case,
    *,
    now: datetime,
    which: Metric = RESOLUTION,
    policy: SLAPolicy | None = None,
) -> int | None:
    """Business minutes left on one clock, negative when overdue; None if no due or met.

    A paused clock stands still at the moment of the pause. Without a policy, wall-clock
    minutes are counted.
    """
    due, met_at = _clock(case, which)
    if due is None or met_at is not None:
        return None
    moment = case.sla_paused_at or _as_utc(now)
    policy = policy or policy_for(case)
    if policy is None:
        return int((due - moment).total_seconds() // 60)
    if moment <= due:
        return business_minutes_between(policy.calendar, moment, due)
    return -business_minutes_between(policy.calendar, due, moment)


@dataclass(frozen=True)
class Countdown:
    """The clock that matters now, for lists: first response until it is met, then
    resolution. `minutes` are wall-clock minutes to the due time (what a person counts on
    the wall clock; the due time itself is in business time), negative when overdue; a
    paused clock stands still at its pause."""

    metric: Metric
    due_at: datetime
    minutes: int
    state: Literal["ok", "warning", "overdue", "paused"]


def countdown(case: Case, *, now: datetime) -> Countdown | None:
    """The case's running (or paused) clock, from its columns alone: no query, so a list
    can show one per row. None for resolved and closed cases and cases without targets."""
    if case.status in DONE_STATUSES:
        return None
    if case.first_responded_at is None and case.first_response_due_at is not None:
        metric, due = FIRST_RESPONSE, case.first_response_due_at
    elif case.resolution_due_at is not None:
        metric, due = RESOLUTION, case.resolution_due_at
    else:
        return None
    now = _as_utc(now)
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


# --- Breaches --------------------------------------------------------------------------------


def _with_policy_calendar(query: sa.Select) -> sa.Select:
    """Join each case to its policy's calendar id (None without a policy)."""
    return query.outerjoin(Account, Account.id == Case.account_id).outerjoin(
        SLAPolicy,
        sa.and_(
            SLAPolicy.entitlement == sa.func.coalesce(Account.entitlement, DEFAULT_ENTITLEMENT),
            SLAPolicy.priority == Case.priority,
        ),
    )


def _not_recorded(metric: Metric, due):
    return ~sa.exists().where(
        SLABreach.case_id == Case.id, SLABreach.metric == metric, SLABreach.due_at == due
    )


def _running_at(due):
    """The clock was still running at the due time: not paused now, or paused only after it."""
    return sa.or_(Case.sla_paused_at.is_(None), due < Case.sla_paused_at)


def _missed_first_responses(now: datetime) -> list[tuple[int, datetime, datetime, int | None]]:
    """(case id, due time, end of the lateness, calendar id) of unrecorded first-response misses."""
    due = Case.first_response_due_at
    query = _with_policy_calendar(
        sa.select(Case.id, due, Case.first_responded_at, Case.sla_paused_at, SLAPolicy.calendar_id)
    ).where(
        due.is_not(None),
        due < now,
        _running_at(due),
        sa.or_(
            sa.and_(Case.first_responded_at.is_(None), Case.status.not_in(DONE_STATUSES)),
            Case.first_responded_at > due,
        ),
        _not_recorded(FIRST_RESPONSE, due),
    )
    return [
        (case_id, due_at, responded_at or paused_at or now, calendar_id)
        for case_id, due_at, responded_at, paused_at, calendar_id in db.session.execute(query)
    ]


def _missed_resolutions(now: datetime) -> list[tuple[int, datetime, datetime, int | None]]:
    """(case id, due time, end of the lateness, calendar id) of unrecorded resolution misses."""
    due = Case.resolution_due_at
    done = Case.status.in_(DONE_STATUSES)
    query = _with_policy_calendar(
        sa.select(
            Case.id,
            due,
            Case.status,
            Case.resolved_at,
            Case.closed_at,
            Case.sla_paused_at,
            SLAPolicy.calendar_id,
        )
    ).where(
        due.is_not(None),
        due < now,
        _running_at(due),
        sa.or_(~done, sa.func.coalesce(Case.resolved_at, Case.closed_at) > due),
        _not_recorded(RESOLUTION, due),
    )
    return [
        (
            case_id,
            due_at,
            (resolved_at or closed_at if status in DONE_STATUSES else None) or paused_at or now,
            calendar_id,
        )
        for case_id, due_at, status, resolved_at, closed_at, paused_at, calendar_id in (
            db.session.execute(query)
        )
    ]


def _calendars(ids: set[int]) -> dict[int, BusinessCalendar]:
    if not ids:
        return {}
    query = (
        sa.select(BusinessCalendar)
        .where(BusinessCalendar.id.in_(ids))
        .options(joinedload(BusinessCalendar.holidays))
    )
    return {calendar.id: calendar for calendar in db.session.scalars(query).unique()}


def _insert_new_breaches(rows: list[dict]) -> list[SLABreach]:
    """Insert the rows, skipping any that a concurrent sweep recorded in the meantime."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        breaches = [SLABreach(**row) for row in rows]
        db.session.add_all(breaches)
        db.session.flush()
        return breaches
    statement = insert(SLABreach).on_conflict_do_nothing().returning(SLABreach)
    return list(db.session.scalars(statement, rows))


def record_breaches(*, now: datetime) -> list[SLABreach]:
    """Record every missed target not yet recorded, as SLABreach rows; returns the new rows.

    A target is missed when its due time has passed while the clock was running and:
    - first response: the case has no first response and is not resolved or closed, or the
      first response came after the due time (recorded late, overdue = its lateness);
    - resolution: the case is not resolved or closed, or it was resolved after the due time.
    A case paused before its due time is not breached while it stays pending.

    `breached_at` is `now` (when the sweep saw it; `due_at` says when it was missed), and
    `overdue_minutes` counts business minutes on the policy's calendar (wall-clock minutes
    without a policy) from the due time to the reply, resolution, pause or `now`. One row per
    (case, metric, due_at): calling again adds nothing, while a retargeted due time (priority
    change) can be missed anew. A fixed number of statements, however many cases.
    """
    now = _as_utc(now)
    missed = [
        *((FIRST_RESPONSE, *row) for row in _missed_first_responses(now)),
        *((RESOLUTION, *row) for row in _missed_resolutions(now)),
    ]
    if not missed:
        return []
    calendars = _calendars({row[4] for row in missed if row[4] is not None})
    rows = []
    for metric, case_id, due_at, late_until, calendar_id in missed:
        if calendar_id in calendars:
            overdue = business_minutes_between(calendars[calendar_id], due_at, late_until)
        else:
            overdue = max(0, int((late_until - due_at).total_seconds() // 60))
        rows.append(
            {
                "case_id": case_id,
                "metric": metric,
                "due_at": due_at,
                "breached_at": now,
                "overdue_minutes": overdue,
            }
        )
    return _insert_new_breaches(rows)
