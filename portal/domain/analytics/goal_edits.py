"""Creating, changing and deleting goals: the rules a goal's values must meet (every broken one
reported at once in `InvalidGoal`), the audit records, and who may own a goal. Separate from
reading and alerting; a change to what a goal measures re-arms its alerts.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.domain.analytics import goal_progress, metrics, periods, scopes
from portal.extensions import db
from portal.i18n import native_digits
from portal.kernel import audit, staff
from portal.kernel.errors import DomainError
from portal.models import Goal, GoalDirection, GoalOwnerKind, Queue, Role, User

DEFAULT_THRESHOLDS = "75,100"
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
# Everything a goal form sets: the measured fields, its name and when it counts as behind.
GOAL_FIELDS = ("name", *MEASURED_FIELDS, "behind_margin")


def owner_choices() -> tuple[list[User], list[Queue]]:
    """Active staff and every queue: who may own a goal."""
    return staff.active_staff(), scopes.queues()


class InvalidGoal(DomainError):
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
        if user is None or user.role not in Role.STAFF or not user.is_active:
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
        thresholds = goal_progress.parse_thresholds(values.get("thresholds", DEFAULT_THRESHOLDS))
        clean["thresholds"] = ",".join(str(t) for t in thresholds)
    except ValueError:
        errors["thresholds"] = _l(
            "List whole percentages from %(min)s to %(max)s, separated by commas.",
            min=native_digits(1),
            max=native_digits(goal_progress.MAX_THRESHOLD),
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
    return {field: clean[field] for field in GOAL_FIELDS}


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
