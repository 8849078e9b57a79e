"""Who works in a queue: the members who may be given its cases, its agents (who take and hear
of its unassigned cases) and the supervisors who hear of it when it has no agents. Read-only;
apart from `assignment` so that the status and reply writes can find a queue's people without
importing the assignment writes (which change status themselves)."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.kernel import staff
from portal.models import Queue, Role, User
from portal.models.user import queue_members

# A membership that takes the queue's cases: every agent's, and a supervisor's or admin's only
# when they joined the queue as an agent (they are members anyway so that escalations reach
# them).
AGENT_MEMBERSHIP = sa.or_(User.role == Role.AGENT, queue_members.c.as_agent.is_(True))


def eligible_assignees(queue: Queue | None) -> list[User]:
    """Members of the queue who may work its tier (active agents, supervisors)."""
    if queue is None:
        return []
    return db.session.scalars(
        sa.select(User)
        .join(queue_members, queue_members.c.user_id == User.id)
        .where(
            queue_members.c.queue_id == queue.id,
            User.is_active,
            User.role.in_(Role.STAFF),
            User.max_tier >= queue.tier,
        )
        .order_by(User.name)
    ).all()


def queue_agents(queue: Queue | None) -> list[User]:
    """The queue's agents: active members who joined it as agents and may work its tier.
    They are the ones who take its new cases and hear of its unassigned cases."""
    if queue is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .join(queue_members, queue_members.c.user_id == User.id)
            .where(
                queue_members.c.queue_id == queue.id,
                AGENT_MEMBERSHIP,
                User.is_active,
                User.role.in_(Role.STAFF),
                User.max_tier >= queue.tier,
            )
            .order_by(User.name, User.id)
        ).all()
    )


def queue_supervisors(queue: Queue | None) -> list[User]:
    """Active supervisors who are members of the queue; if it has none, every active supervisor."""
    return staff.supervisors_of(Queue.id == queue.id if queue is not None else None)
