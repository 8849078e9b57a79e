"""Goal alerts: the sweep that tells a goal's people when it crosses a threshold or falls
behind, each crossing once, in-app and by email. Separate because it writes (the alert marks on
the locked goal row) and sends, where the rest of goals only measures. Definitions
(docs/decisions.md, "Goals"):

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

from datetime import datetime

import sqlalchemy as sa

from portal.domain.analytics import goal_lists, goal_progress
from portal.extensions import db
from portal.kernel import inbox, links, staff
from portal.kernel.labels import GOAL_DIRECTION_LABELS
from portal.models import Goal, GoalDirection, GoalOwnerKind, NotificationKind, Queue, Role, User

EMAIL_TEMPLATE = "goal_alert"


def recipients(goal: Goal) -> list[User]:
    """The owner side and the goal's creator: distinct, active (see the module docstring)."""
    kind = GoalOwnerKind(goal.owner_kind)
    if kind is GoalOwnerKind.AGENT:
        owners = [db.session.get(User, goal.owner_user_id)] if goal.owner_user_id else []
    elif kind is GoalOwnerKind.QUEUE:
        owners = staff.supervisors_of(Queue.id == goal.owner_queue_id)
    elif kind is GoalOwnerKind.TIER:
        owners = staff.supervisors_of(Queue.tier == goal.owner_tier)
    else:
        owners = staff.supervisors_of()
    creator = db.session.get(User, goal.created_by_id) if goal.created_by_id else None
    people: list[User] = []
    for user in [*owners, creator]:
        if user is not None and user.is_active and user not in people:
            people.append(user)
    return people


def goal_link(goal: Goal, user: User) -> str:
    """Supervisors get the goal page; agents their home page, where their goals are."""
    return links.goal_url(goal.id) if user.role in Role.MANAGERS else links.home_url()


def _tell(
    progress: goal_progress.GoalProgress, kind: str, *, now: datetime, threshold: int | None = None
):
    goal = progress.goal
    people = recipients(goal)
    detail = f"{goal.name} ({progress.progress_percent:g}%)"
    inbox.tell(
        people,
        kind,
        None,
        detail,
        template=EMAIL_TEMPLATE,
        link=lambda user: goal_link(goal, user),
        now=now,
        goal_name=goal.name,
        metric_label=progress.metric.label,
        unit=progress.metric.unit,
        owner_name=progress.owner_name,
        actual=progress.actual,
        target=goal.target,
        direction_label=GOAL_DIRECTION_LABELS[GoalDirection(goal.direction)],
        progress=progress.progress_percent,
        expected=progress.expected_percent,
        forecast=progress.forecast,
        status_label=progress.status_label,
        threshold=threshold,
        period_start=goal.period_start,
        period_end=goal.period_end,
    )


def _alerted(goal: Goal) -> set[int]:
    return {int(t) for t in (goal.alerted_thresholds or "").split(",") if t.strip().isdigit()}


def _newly_reached(goal: Goal, progress: goal_progress.GoalProgress) -> list[int]:
    if goal.direction != GoalDirection.AT_LEAST or progress.progress_percent is None:
        return []
    done = _alerted(goal)
    return [
        t
        for t in goal_progress.parse_thresholds(goal.thresholds)
        if t not in done and progress.progress_percent >= t
    ]


def _needs_attention(progress: goal_progress.GoalProgress) -> bool:
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
    candidates = [p for p in goal_lists.active_goals(now) if _needs_attention(p)]
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
            _tell(progress, NotificationKind.GOAL_THRESHOLD, now=now, threshold=max(reached))
            sent += 1
        if progress.is_behind and not goal.behind_alerted:
            goal.behind_alerted = True
            _tell(progress, NotificationKind.GOAL_BEHIND, now=now)
            sent += 1
        elif not progress.is_behind and goal.behind_alerted:
            goal.behind_alerted = False  # caught up: falling behind again alerts again
    db.session.flush()
    return sent
