"""Who works here now: the one query for active staff, shared by the pickers (owners, agents)
and by whoever decides which supervisors hear of something."""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Queue, Role, User
from portal.models.user import queue_members


def active_staff(
    roles: Collection[Role] = Role.STAFF, *, in_queues: sa.ColumnElement[bool] | None = None
) -> list[User]:
    """Active users holding one of `roles`, by name. With `in_queues`, a condition on `Queue`
    (`Queue.id == 4`, `Queue.tier == 2`), only members of a queue that meets it."""
    query = sa.select(User).where(User.role.in_(roles), User.is_active)
    if in_queues is not None:
        query = (
            query.join(queue_members, queue_members.c.user_id == User.id)
            .join(Queue, Queue.id == queue_members.c.queue_id)
            .where(in_queues)
            .distinct()
        )
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def supervisors_of(in_queues: sa.ColumnElement[bool] | None = None) -> list[User]:
    """Active supervisors who are members of a queue meeting `in_queues`; if there are none,
    every active supervisor, so that someone always hears."""
    supervisors = (Role.SUPERVISOR,)
    if in_queues is not None:
        members = active_staff(supervisors, in_queues=in_queues)
        if members:
            return members
    return active_staff(supervisors)
