"""Goals: SMART targets on a KPI, with computed progress, status and alerts.

Definitions (docs/decisions.md, "Goals"):

- **Time zone.** A goal's period is whole local days `period_start`..`period_end` in the site's
  time zone (`BABEL_DEFAULT_TIMEZONE`), whoever looks at it, so the owner, the supervisor and
  the weekly email see one number. "Today" is also the date in that zone.
- **Actual** is `metrics.value(metric, owner scope, period, now)`: agent -> that agent's cases,
  queue -> the queue's, tier -> the tier's, team -> everyone's; the dashboard's number.
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
- **Alerts** (`sweep()`, run by `flask sla sweep`, for goals whose period contains today):
  each threshold of an at-least goal (default 75% and 100%) alerts once, when progress first
  reaches it (several reached at once make one alert naming the highest). Threshold alerts do
  not apply to at-most goals: their progress is 100% from the start. Falling behind alerts
  once; catching up re-arms it, so falling behind again alerts again. The goal row is locked
  (PostgreSQL `FOR UPDATE SKIP LOCKED`; SQLite runs sweeps one at a time) and the alert is
  recorded in `alerted_thresholds` / `behind_alerted` in the same transaction.
- **Who is told**: the owner side (an agent owner; for a queue, its supervisors, else every
  supervisor; for a tier, supervisors of that tier's queues, else every supervisor; for the
  team, every supervisor) and the goal's creator, in-app and by email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.domain.analytics import metrics, periods, scopes
from portal.domain.cases import queue_supervisors
from portal.extensions import db
from portal.i18n import native_digits
from portal.infra import mail
from portal.kernel import audit, inbox, lookups, numbers
from portal.models import Goal, GoalDirection, GoalOwnerKind, Queue, Role, User
from portal.models.user import queue_members

EMAIL_TEMPLATE = "goal_alert"
DEFAULT_THRESHOLDS = "75,100"
MAX_THRESHOLD = 1000
STAFF_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
MANAGING_ROLES = (Role.SUPERVISOR, Role.ADMIN)
HISTORY_LIMIT = 24
PAGE_SIZE = 50
# Goals shown on a staff member's home page, soonest ending first (each costs a KPI query).
HOME_GOALS = 10

NOT_STARTED = "not_started"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
BEHIND = "behind"
ACHIEVED = "achieved"
MISSED = "missed"
STATUS_LABELS = {
    NOT_STARTED: _l("Not started"),
    ON_TRACK: _l("On track"),
    AT_RISK: _l("At risk"),
    BEHIND: _l("Behind"),
    ACHIEVED: _l("Achieved"),
    MISSED: _l("Missed"),
}
# Badge and bar colours per status (Bootstrap classes).
STATUS_COLORS = {
    NOT_STARTED: "secondary",
    ON_TRACK: "primary",
    AT_RISK: "warning",
    BEHIND: "danger",
    ACHIEVED: "success",
    MISSED: "dark",
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
SHOW_CHOICES = ("current", "upcoming", "past")
# Changing any of these makes a new measurement: its alerts start afresh.
MEASURED_FIELDS = (
    "metric",
    "owner_kind",
    "owner_user_id",
    "owner_queue_id",
    "owner_tier",
    "period_start",
    "period_end",
    "target",
    "direction",
    "thresholds",
)


# --- periods and scopes -----------------------------------------------------------------------


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


# --- the arithmetic ---------------------------------------------------------------------------


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
) -> str:
    """The goal's status key: the first rule of the module docstring that applies."""
    direction = goal.direction
    if now < period.start:
        return NOT_STARTED
    if now >= period.end:
        return ACHIEVED if meets(actual, goal.target, direction) else MISSED
    counting_up = metric.cumulative and direction == GoalDirection.AT_LEAST
    if counting_up and meets(actual, goal.target, direction):
        return ACHIEVED
    if progress is None:
        return AT_RISK
    if progress < expected - goal.behind_margin:
        return BEHIND
    falls_short = projected is not None and not meets(projected, goal.target, direction)
    if progress < expected or falls_short:
        return AT_RISK
    return ON_TRACK


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
    status: str
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
        return self.status == BEHIND

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


# --- reading ----------------------------------------------------------------------------------


def _owner_names(goals: list[Goal]) -> tuple[dict[int, User], dict[int, Queue]]:
    """Users (owners and creators) and queues the goals name: two queries, however many."""
    users = lookups.by_id(User, [g.owner_user_id for g in goals] + [g.created_by_id for g in goals])
    queues = lookups.by_id(Queue, [g.owner_queue_id for g in goals])
    return users, queues


def owner_name(goal: Goal, users: dict[int, User], queues: dict[int, Queue]):
    """Who owns the goal, as shown (tier and team names translate when rendered)."""
    kind = GoalOwnerKind(goal.owner_kind)
    if kind is GoalOwnerKind.AGENT:
        user = users.get(goal.owner_user_id)
        return user.name if user else ""
    if kind is GoalOwnerKind.QUEUE:
        queue = queues.get(goal.owner_queue_id)
        return queue.name if queue else ""
    if kind is GoalOwnerKind.TIER:
        return _l("Tier %(tier)s", tier=goal.owner_tier)
    return OWNER_KIND_LABELS[GoalOwnerKind.TEAM]


def evaluate(goals: list[Goal], *, now: datetime) -> list[GoalProgress]:
    """Measure goals. Each distinct (metric, owner, period) figure is computed once, by the KPI
    modules' fixed set of queries; goals not yet started cost none."""
    users, queues = _owner_names(goals)
    figures: dict[tuple, float | None] = {}
    measured = []
    for goal in goals:
        period = goal_period(goal)
        actual = None
        if now >= period.start:
            key = (goal.metric, owner_scope(goal), period.first, period.last)
            if key not in figures:
                figures[key] = metrics.value(goal.metric, key[1], period, now=now)
            actual = figures[key]
        measured.append(
            measure(
                goal,
                actual,
                now=now,
                owner_name=owner_name(goal, users, queues),
                created_by=users.get(goal.created_by_id),
            )
        )
    return measured


def _active(now: datetime) -> sa.ColumnElement[bool]:
    day = today(now)
    return sa.and_(Goal.period_start <= day, Goal.period_end >= day)


def active_goals(now: datetime) -> list[GoalProgress]:
    """Goals whose period contains today, measured at `now` (by period end, then name)."""
    goals = db.session.scalars(
        sa.select(Goal).where(_active(now)).order_by(Goal.period_end, Goal.name, Goal.id)
    ).all()
    return evaluate(list(goals), now=now)


def goals_for_user(user: User, now: datetime) -> list[GoalProgress]:
    """The current goals that count a staff member's work: their own, their queues', the tiers
    of their queues', and the whole team's (the `HOME_GOALS` ending soonest). Customers have
    none."""
    if user.role not in STAFF_ROLES:
        return []
    memberships = db.session.execute(
        sa.select(Queue.id, Queue.tier)
        .join(queue_members, queue_members.c.queue_id == Queue.id)
        .where(queue_members.c.user_id == user.id)
    ).all()
    queue_ids = [queue_id for queue_id, _ in memberships]
    tiers = sorted({tier for _, tier in memberships})
    mine = sa.or_(
        sa.and_(Goal.owner_kind == GoalOwnerKind.AGENT, Goal.owner_user_id == user.id),
        sa.and_(Goal.owner_kind == GoalOwnerKind.QUEUE, Goal.owner_queue_id.in_(queue_ids)),
        sa.and_(Goal.owner_kind == GoalOwnerKind.TIER, Goal.owner_tier.in_(tiers)),
        Goal.owner_kind == GoalOwnerKind.TEAM,
    )
    goals = db.session.scalars(
        sa.select(Goal)
        .where(_active(now), mine)
        .order_by(Goal.period_end, Goal.name, Goal.id)
        .limit(HOME_GOALS)
    ).all()
    return evaluate(list(goals), now=now)


@dataclass
class GoalPage:
    goals: list[GoalProgress]
    show: str
    total: int
    page: int
    pages: int


def listing(*, show: str = "current", page: int = 1, now: datetime) -> GoalPage:
    """Current, upcoming or past goals, a page at a time (past ones newest first)."""
    if show not in SHOW_CHOICES:
        raise ValueError(f"unknown filter {show!r}")
    day = today(now)
    if show == "current":
        condition, order = _active(now), (Goal.period_end, Goal.name, Goal.id)
    elif show == "upcoming":
        condition, order = Goal.period_start > day, (Goal.period_start, Goal.name, Goal.id)
    else:
        condition = Goal.period_end < day
        order = (Goal.period_end.desc(), Goal.name, Goal.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Goal).where(condition))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    goals = db.session.scalars(
        sa.select(Goal)
        .where(condition)
        .order_by(*order)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return GoalPage(evaluate(list(goals), now=now), show, total, page, pages)


def history(goal: Goal, *, now: datetime) -> list[GoalProgress]:
    """The goal and the earlier goals on the same metric and owner, newest period first."""
    same_owner = [
        Goal.metric == goal.metric,
        Goal.owner_kind == goal.owner_kind,
        Goal.owner_user_id.is_not_distinct_from(goal.owner_user_id),
        Goal.owner_queue_id.is_not_distinct_from(goal.owner_queue_id),
        Goal.owner_tier.is_not_distinct_from(goal.owner_tier),
    ]
    earlier = db.session.scalars(
        sa.select(Goal)
        .where(*same_owner, Goal.period_start <= goal.period_start, Goal.id != goal.id)
        .order_by(Goal.period_start.desc(), Goal.id.desc())
        .limit(HISTORY_LIMIT)
    ).all()
    return evaluate([goal, *earlier], now=now)


def progress_of(goal: Goal, *, now: datetime) -> GoalProgress:
    return evaluate([goal], now=now)[0]


# --- choices for forms ------------------------------------------------------------------------


def owner_choices() -> tuple[list[User], list[Queue]]:
    """Active staff and every queue: who may own a goal."""
    return scopes.staff(), scopes.queues()


# --- writing ----------------------------------------------------------------------------------


class InvalidGoal(ValueError):
    """Goal values that break a rule; `errors` maps field names to messages."""

    def __init__(self, errors: dict[str, object]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _checked(values: dict) -> dict:
    """The values to store, normalised; raises InvalidGoal listing every broken rule."""
    errors: dict[str, object] = {}
    clean = dict(values)
    clean["name"] = " ".join((values.get("name") or "").split())
    if not clean["name"] or len(clean["name"]) > 120:
        errors["name"] = _l("Give the goal a name of at most 120 characters.")
    metric = metrics.METRICS.get(values.get("metric") or "")
    if metric is None:
        errors["metric"] = _l("Choose one of the listed metrics.")
    try:
        kind = GoalOwnerKind(values.get("owner_kind"))
    except ValueError:
        errors["owner_kind"] = _l("Choose who owns the goal.")
        kind = None
    clean.update(owner_user_id=None, owner_queue_id=None, owner_tier=None)
    if kind is GoalOwnerKind.AGENT:
        user = db.session.get(User, values.get("owner_user_id") or 0)
        if user is None or user.role not in STAFF_ROLES or not user.is_active:
            errors["owner_user_id"] = _l("Choose an active staff member.")
        else:
            clean["owner_user_id"] = user.id
    elif kind is GoalOwnerKind.QUEUE:
        queue = db.session.get(Queue, values.get("owner_queue_id") or 0)
        if queue is None:
            errors["owner_queue_id"] = _l("Choose an existing queue.")
        else:
            clean["owner_queue_id"] = queue.id
    elif kind is GoalOwnerKind.TIER:
        if values.get("owner_tier") not in scopes.TIERS:
            errors["owner_tier"] = _l("Choose tier 1, 2 or 3.")
        else:
            clean["owner_tier"] = values["owner_tier"]
    start, end = values.get("period_start"), values.get("period_end")
    if not isinstance(start, date) or not isinstance(end, date):
        errors["period_start"] = _l("Give the first and the last day of the period.")
    elif end < start:
        errors["period_end"] = _l("The period cannot end before it starts.")
    elif (end - start).days + 1 > periods.MAX_PERIOD_DAYS:
        errors["period_end"] = lazy_ngettext(
            "A period is at most %(count)s day.",
            "A period is at most %(count)s days.",
            periods.MAX_PERIOD_DAYS,
            count=native_digits(periods.MAX_PERIOD_DAYS),
        )
    target = values.get("target")
    if target is None or not isinstance(target, int | float) or target != target:
        errors["target"] = _l("Give a target.")
    elif target < 0:
        errors["target"] = _l("The target cannot be negative.")
    elif metric is not None and metric.unit == "percent" and target > 100:
        errors["target"] = _l("A percentage target is at most %(max)s.", max=native_digits(100))
    else:
        clean["target"] = float(target)
    try:
        clean["direction"] = GoalDirection(values.get("direction"))
    except ValueError:
        errors["direction"] = _l("Choose at least or at most.")
    try:
        thresholds = parse_thresholds(values.get("thresholds", DEFAULT_THRESHOLDS))
        clean["thresholds"] = ",".join(str(t) for t in thresholds)
    except ValueError:
        errors["thresholds"] = _l(
            "List whole percentages from %(min)s to %(max)s, separated by commas.",
            min=native_digits(1),
            max=native_digits(MAX_THRESHOLD),
        )
    margin = values.get("behind_margin", 10)
    if not isinstance(margin, int) or not 0 <= margin <= 100:
        errors["behind_margin"] = _l(
            "Give a margin from %(min)s to %(max)s points.",
            min=native_digits(0),
            max=native_digits(100),
        )
    if errors:
        raise InvalidGoal(errors)
    return {field: clean[field] for field in ("name", *MEASURED_FIELDS, "behind_margin")}


def create_goal(*, by: User, **values) -> Goal:
    """Add a goal (see `_checked` for the rules); the caller commits."""
    goal = Goal(**_checked(values), created_by_id=by.id, alerted_thresholds="")
    db.session.add(goal)
    db.session.flush()
    audit.record("goal.create", by=by, subject=goal, metric=goal.metric, target=goal.target)
    return goal


def update_goal(goal: Goal, *, by: User, **values) -> Goal:
    """Change a goal; a change to what is measured re-arms its alerts."""
    clean = _checked(values)
    changed = [field for field in MEASURED_FIELDS if getattr(goal, field) != clean[field]]
    for field, value in clean.items():
        setattr(goal, field, value)
    if changed:
        goal.alerted_thresholds = ""
        goal.behind_alerted = False
    db.session.flush()
    audit.record("goal.update", by=by, subject=goal, changed=",".join(changed))
    return goal


def delete_goal(goal: Goal, *, by: User) -> None:
    audit.record("goal.delete", by=by, subject=goal, name=goal.name)
    db.session.delete(goal)
    db.session.flush()


# --- alerts -----------------------------------------------------------------------------------


def _supervisors() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(User.role == Role.SUPERVISOR, User.is_active).order_by(User.id)
        ).all()
    )


def _tier_supervisors(tier: int | None) -> list[User]:
    """Active supervisors in some queue of the tier; if none, every active supervisor."""
    members = db.session.scalars(
        sa.select(User)
        .join(queue_members, queue_members.c.user_id == User.id)
        .join(Queue, Queue.id == queue_members.c.queue_id)
        .where(Queue.tier == tier, User.role == Role.SUPERVISOR, User.is_active)
        .distinct()
        .order_by(User.id)
    ).all()
    return list(members) or _supervisors()


def recipients(goal: Goal) -> list[User]:
    """The owner side and the goal's creator: distinct, active (see the module docstring)."""
    kind = GoalOwnerKind(goal.owner_kind)
    if kind is GoalOwnerKind.AGENT:
        owners = [db.session.get(User, goal.owner_user_id)] if goal.owner_user_id else []
    elif kind is GoalOwnerKind.QUEUE:
        owners = queue_supervisors(db.session.get(Queue, goal.owner_queue_id))
    elif kind is GoalOwnerKind.TIER:
        owners = _tier_supervisors(goal.owner_tier)
    else:
        owners = _supervisors()
    creator = db.session.get(User, goal.created_by_id) if goal.created_by_id else None
    people: list[User] = []
    for user in [*owners, creator]:
        if user is not None and user.is_active and user not in people:
            people.append(user)
    return people


def goal_link(goal: Goal, user: User) -> str:
    """Supervisors get the goal page; agents their home page, where their goals are."""
    base = current_app.config["BASE_URL"]
    return f"{base}/supervisor/goals/{goal.id}" if user.role in MANAGING_ROLES else f"{base}/"


def _tell(progress: GoalProgress, kind: str, *, now: datetime, threshold: int | None = None):
    goal = progress.goal
    people = recipients(goal)
    detail = f"{goal.name} ({progress.progress_percent:g}%)"
    inbox.notify(people, kind, None, detail, now=now)
    for user in people:
        if user.notify_by_email and user.email:
            mail.send_template(
                EMAIL_TEMPLATE,
                to=user.email,
                language=user.language,
                name=user.name,
                headline=inbox.KIND_LABELS[kind],
                goal_name=goal.name,
                metric_label=progress.metric.label,
                unit=progress.metric.unit,
                owner_name=progress.owner_name,
                actual=progress.actual,
                target=goal.target,
                direction_label=DIRECTION_LABELS[GoalDirection(goal.direction)],
                progress=progress.progress_percent,
                expected=progress.expected_percent,
                forecast=progress.forecast,
                status_label=progress.status_label,
                threshold=threshold,
                period_start=goal.period_start,
                period_end=goal.period_end,
                link=goal_link(goal, user),
            )


def _alerted(goal: Goal) -> set[int]:
    return {int(t) for t in (goal.alerted_thresholds or "").split(",") if t.strip().isdigit()}


def _newly_reached(goal: Goal, progress: GoalProgress) -> list[int]:
    if goal.direction != GoalDirection.AT_LEAST or progress.progress_percent is None:
        return []
    done = _alerted(goal)
    return [
        t
        for t in parse_thresholds(goal.thresholds)
        if t not in done and progress.progress_percent >= t
    ]


def _needs_attention(progress: GoalProgress) -> bool:
    """Something to send or to re-arm (checked again on the locked row)."""
    goal = progress.goal
    return bool(_newly_reached(goal, progress)) or progress.is_behind != goal.behind_alerted


def _lock(goal_ids: set[int]) -> dict[int, Goal]:
    """Reload the goals fresh; on PostgreSQL lock them, skipping any another sweep holds."""
    ids = sorted(goal_ids)
    query = sa.select(Goal).where(Goal.id.in_(ids)).order_by(Goal.id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    goals = db.session.scalars(query.execution_options(populate_existing=True)).all()
    return {goal.id: goal for goal in goals}


def sweep(*, now: datetime) -> int:
    """Send the goal alerts due at `now`, each once; returns how many (one per crossing, not
    per recipient). The caller commits."""
    candidates = [p for p in active_goals(now) if _needs_attention(p)]
    if not candidates:
        return 0
    locked = _lock({p.goal.id for p in candidates})
    sent = 0
    for progress in candidates:
        goal = locked.get(progress.goal.id)
        if goal is None:
            continue  # another sweep holds it and acts on it
        reached = _newly_reached(goal, progress)
        if reached:
            done = sorted(_alerted(goal) | set(reached))
            goal.alerted_thresholds = ",".join(str(t) for t in done)
            _tell(progress, inbox.GOAL_THRESHOLD, now=now, threshold=max(reached))
            sent += 1
        if progress.is_behind and not goal.behind_alerted:
            goal.behind_alerted = True
            _tell(progress, inbox.GOAL_BEHIND, now=now)
            sent += 1
        elif not progress.is_behind and goal.behind_alerted:
            goal.behind_alerted = False  # caught up: falling behind again alerts again
    db.session.flush()
    return sent
