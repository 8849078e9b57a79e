"""Reading goals: the current ones, a staff member's, a page of current, upcoming or past ones,
and one goal's history, each measured by `evaluate`, which computes every distinct KPI figure
once. Separate from the arithmetic (`goal_progress`) because this is where the queries are.
Definitions (docs/decisions.md, "Goals"):

- **Actual** is `metrics.value(metric, owner scope, period, now)`: agent -> that agent's cases,
  queue -> the queue's, tier -> the tier's, team -> everyone's; the dashboard's number.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.domain.analytics import goal_progress, metrics
from portal.extensions import db
from portal.kernel import lookups
from portal.kernel.labels import GOAL_OWNER_KIND_LABELS, tier_label
from portal.kernel.pagination import Page, paginate
from portal.models import Goal, GoalOwnerKind, Queue, Role, User
from portal.models.user import queue_members

HISTORY_LIMIT = 24
PAGE_SIZE = 50
# Goals shown on a staff member's home page, soonest ending first (each costs a KPI query).
HOME_GOALS = 10
SHOW_CHOICES = ("current", "upcoming", "past")


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
        return tier_label(goal.owner_tier)
    return GOAL_OWNER_KIND_LABELS[GoalOwnerKind.TEAM]


def evaluate(goals: list[Goal], *, now: datetime) -> list[goal_progress.GoalProgress]:
    """Measure goals. Each distinct (metric, owner, period) figure is computed once, by the KPI
    modules' fixed set of queries; goals not yet started cost none."""
    users, queues = _owner_names(goals)
    figures: dict[tuple, float | None] = {}
    measured = []
    for goal in goals:
        period = goal_progress.goal_period(goal)
        actual = None
        if now >= period.start:
            key = (goal.metric, goal_progress.owner_scope(goal), period.first, period.last)
            if key not in figures:
                figures[key] = metrics.value(goal.metric, key[1], period, now=now)
            actual = figures[key]
        measured.append(
            goal_progress.measure(
                goal,
                actual,
                now=now,
                owner_name=owner_name(goal, users, queues),
                created_by=users.get(goal.created_by_id),
            )
        )
    return measured


def _active(now: datetime) -> sa.ColumnElement[bool]:
    day = goal_progress.today(now)
    return sa.and_(Goal.period_start <= day, Goal.period_end >= day)


def active_goals(now: datetime) -> list[goal_progress.GoalProgress]:
    """Goals whose period contains today, measured at `now` (by period end, then name)."""
    goals = db.session.scalars(
        sa.select(Goal).where(_active(now)).order_by(Goal.period_end, Goal.name, Goal.id)
    ).all()
    return evaluate(list(goals), now=now)


def goals_for_user(user: User, now: datetime) -> list[goal_progress.GoalProgress]:
    """The current goals that count a staff member's work: their own, their queues', the tiers
    of their queues', and the whole team's (the `HOME_GOALS` ending soonest). Customers have
    none."""
    if user.role not in Role.STAFF:
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


def listing(
    *, show: str = "current", page: int = 1, now: datetime
) -> Page[goal_progress.GoalProgress]:
    """Current, upcoming or past goals, a page at a time (past ones newest first)."""
    if show not in SHOW_CHOICES:
        raise ValueError(f"unknown filter {show!r}")
    day = goal_progress.today(now)
    if show == "current":
        condition, order = _active(now), (Goal.period_end, Goal.name, Goal.id)
    elif show == "upcoming":
        condition, order = Goal.period_start > day, (Goal.period_start, Goal.name, Goal.id)
    else:
        condition = Goal.period_end < day
        order = (Goal.period_end.desc(), Goal.name, Goal.id)
    return paginate(
        sa.select(Goal).where(condition).order_by(*order),
        number=page,
        per_page=PAGE_SIZE,
        total=db.session.scalar(sa.select(sa.func.count()).select_from(Goal).where(condition)),
        rows=lambda limited: evaluate(list(db.session.scalars(limited)), now=now),
    )


def history(goal: Goal, *, now: datetime) -> list[goal_progress.GoalProgress]:
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


def progress_of(goal: Goal, *, now: datetime) -> goal_progress.GoalProgress:
    return evaluate([goal], now=now)[0]
