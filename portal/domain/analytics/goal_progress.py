"""Goals: SMART targets on a KPI, with computed progress, status and alerts.

This module measures one goal: its period and owner scope, the arithmetic of progress, expected
progress and forecast, the status rules, and the words the goal is shown with (status, direction
and owner labels). It runs no query of its own, so listing, editing and alerting all share it.
Definitions (docs/decisions.md, "Goals"):

- **Time zone.** A goal's period is whole local days `period_start`..`period_end` in the site's
  time zone (`BABEL_DEFAULT_TIMEZONE`), whoever looks at it, so the owner, the supervisor and
  the weekly email see one number. "Today" is also the date in that zone.
- **Progress %**: at least: actual / target (may pass 100; a target of 0 is 100%). At most:
  100% while actual <= target, then target / actual (falls as the actual overshoots; 0% for
  a target of 0 once anything counts). No actual (a rate with nothing to divide) is no
  progress (None).
- **Expected % by now**: for a cumulative metric (a count) aimed at least, the share of the
  period elapsed; otherwise 100% all along (a rate or time, or a ceiling, should be on target
  every day).
- **Forecast** at period end: cumulative metrics extrapolate, actual / elapsed share (None at
  the very start); rates and times forecast their current actual.
- **Status**, first rule that applies: not started (before the period); after the period,
  achieved when the actual meets the target, else missed (no actual is missed); during it,
  achieved for a cumulative at-least goal already at its target; at risk with no actual yet;
  behind when progress is more than `behind_margin` points below expected; at risk when
  progress is below expected or the forecast misses the target; else on track.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l

from portal import numbers
from portal.domain.analytics import metrics, periods, scopes
from portal.models import Goal, GoalDirection, GoalOwnerKind, GoalStatus, User

MAX_THRESHOLD = 1000

STATUS_LABELS = {
    GoalStatus.NOT_STARTED: _l("Not started"),
    GoalStatus.ON_TRACK: _l("On track"),
    GoalStatus.AT_RISK: _l("At risk"),
    GoalStatus.BEHIND: _l("Behind"),
    GoalStatus.ACHIEVED: _l("Achieved"),
    GoalStatus.MISSED: _l("Missed"),
}
# Badge and bar colours per status (Bootstrap classes).
STATUS_COLORS = {
    GoalStatus.NOT_STARTED: "secondary",
    GoalStatus.ON_TRACK: "primary",
    GoalStatus.AT_RISK: "warning",
    GoalStatus.BEHIND: "danger",
    GoalStatus.ACHIEVED: "success",
    GoalStatus.MISSED: "dark",
}
DIRECTION_LABELS = {
    GoalDirection.AT_LEAST: _l("At least"),
    GoalDirection.AT_MOST: _l("At most"),
}
OWNER_KIND_LABELS = {
    GoalOwnerKind.AGENT: _l("Agent"),
    GoalOwnerKind.QUEUE: _l("Queue"),
    GoalOwnerKind.TIER: _l("Tier"),
    GoalOwnerKind.TEAM: _l("Whole team"),
}


def site_timezone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def today(now: datetime) -> date:
    """The date at `now` in the site's time zone (the zone goals are measured in)."""
    return now.astimezone(site_timezone()).date()


def goal_period(goal: Goal) -> periods.Period:
    return periods.Period(goal.period_start, goal.period_end, site_timezone())


def owner_scope(goal: Goal) -> scopes.Scope:
    """The KPI scope a goal's owner stands for (a team goal covers everyone)."""
    kind = GoalOwnerKind(goal.owner_kind)
    if kind is GoalOwnerKind.AGENT:
        return scopes.Scope("agent", goal.owner_user_id)
    if kind is GoalOwnerKind.QUEUE:
        return scopes.Scope("queue", goal.owner_queue_id)
    if kind is GoalOwnerKind.TIER:
        return scopes.Scope("tier", goal.owner_tier)
    return scopes.Scope()


def parse_thresholds(text: str | None) -> list[int]:
    """ "75, 100" -> [75, 100], also with the Arabic comma and Persian or Arabic-Indic digits;
    raises ValueError (numbers.BadNumber) on anything else."""
    values = set()
    for part in (text or "").replace(" ", "").replace("،", ",").split(","):
        if not part:
            continue
        values.add(numbers.parse_int(part, low=1, high=MAX_THRESHOLD))
    return sorted(values)


def progress_percent(actual: float | None, target: float, direction: str) -> float | None:
    """How far the actual has come towards the target (see the module docstring)."""
    if actual is None:
        return None
    if direction == GoalDirection.AT_MOST:
        if actual <= target:
            return 100.0
        return round(target * 100 / actual, 1)
    if target <= 0:
        return 100.0
    return round(actual * 100 / target, 1)


def expected_percent(metric: metrics.Metric, direction: str, elapsed_share: float) -> float:
    """Progress the goal should show by now: time-proportional only for counts aimed at least."""
    if metric.cumulative and direction == GoalDirection.AT_LEAST:
        return round(elapsed_share * 100, 1)
    return 100.0


def forecast(metric: metrics.Metric, actual: float | None, elapsed_share: float) -> float | None:
    """The figure expected at the end of the period, if things go on as they have."""
    if actual is None or not metric.cumulative:
        return actual
    if elapsed_share <= 0:
        return None
    return round(actual / elapsed_share, 1)


def meets(value: float | None, target: float, direction: str) -> bool:
    if value is None:
        return False
    return value <= target if direction == GoalDirection.AT_MOST else value >= target


def status(
    goal: Goal,
    metric: metrics.Metric,
    *,
    actual: float | None,
    progress: float | None,
    expected: float,
    projected: float | None,
    period: periods.Period,
    now: datetime,
) -> GoalStatus:
    """The goal's status key: the first rule of the module docstring that applies."""
    direction = goal.direction
    if now < period.start:
        return GoalStatus.NOT_STARTED
    if now >= period.end:
        return GoalStatus.ACHIEVED if meets(actual, goal.target, direction) else GoalStatus.MISSED
    counting_up = metric.cumulative and direction == GoalDirection.AT_LEAST
    if counting_up and meets(actual, goal.target, direction):
        return GoalStatus.ACHIEVED
    if progress is None:
        return GoalStatus.AT_RISK
    if progress < expected - goal.behind_margin:
        return GoalStatus.BEHIND
    falls_short = projected is not None and not meets(projected, goal.target, direction)
    if progress < expected or falls_short:
        return GoalStatus.AT_RISK
    return GoalStatus.ON_TRACK


@dataclass(frozen=True)
class GoalProgress:
    """A goal measured at `now`: its actual, progress, expectation, forecast and status."""

    goal: Goal
    metric: metrics.Metric
    period: periods.Period
    actual: float | None
    progress_percent: float | None
    expected_percent: float
    forecast: float | None
    status: GoalStatus
    owner_name: object = ""
    created_by: User | None = None

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def status_color(self) -> str:
        return STATUS_COLORS[self.status]

    @property
    def is_behind(self) -> bool:
        return self.status == GoalStatus.BEHIND

    @property
    def bar_percent(self) -> float:
        """Progress as drawn: 0 to 100."""
        return min(100.0, max(0.0, self.progress_percent or 0.0))


def measure(goal: Goal, actual: float | None, *, now: datetime, **names) -> GoalProgress:
    """Progress, expectation, forecast and status of a goal whose actual is known."""
    metric = metrics.METRICS[goal.metric]
    period = goal_period(goal)
    share = period.elapsed_share(now)
    progress = progress_percent(actual, goal.target, goal.direction)
    expected = expected_percent(metric, goal.direction, share)
    projected = forecast(metric, actual, share)
    return GoalProgress(
        goal=goal,
        metric=metric,
        period=period,
        actual=actual,
        progress_percent=progress,
        expected_percent=expected,
        forecast=projected,
        status=status(
            goal,
            metric,
            actual=actual,
            progress=progress,
            expected=expected,
            projected=projected,
            period=period,
            now=now,
        ),
        **names,
    )
