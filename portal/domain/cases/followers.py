"""Case followers: the staff who worked a case keep reading it and hear of its later updates.

Working a case (a public reply, an internal note, a logged interaction, being given it,
escalating it) records its worker with `record_work`. The row is what lets them keep reading
the case after it moves above their tier (see `authz.case_filter`); `is_following` only
decides whether they are told of its updates, and they may switch it off and on again. Working
on the case again turns following back on.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import NotAllowed
from portal.models import Case, CaseEvent, CaseFollower, Escalation, Role, User
from portal.models._base import utcnow


def _insert():
    """The dialect's INSERT with ON CONFLICT (SQLite and PostgreSQL both have it)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(CaseFollower)


def record_work(case: Case, user: User | None, *, now: datetime | None = None) -> None:
    """`user` worked the case: they may keep reading it and follow it (again, if they had
    stopped). One statement, safe when two requests record the same person at once."""
    if user is None or user.role not in Role.STAFF:
        return
    if case.id is None:
        db.session.flush()
    statement = _insert().values(
        case_id=case.id, user_id=user.id, is_following=True, created_at=now or utcnow()
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[CaseFollower.case_id, CaseFollower.user_id],
            set_={"is_following": True},
        )
    )


def following_state(case: Case, user: User) -> bool | None:
    """True if `user` follows the case, False if they worked it and unfollowed, None if they
    never worked it (then there is nothing to follow or unfollow)."""
    return db.session.scalar(
        sa.select(CaseFollower.is_following).where(
            CaseFollower.case_id == case.id, CaseFollower.user_id == user.id
        )
    )


def set_following(case: Case, user: User, following: bool) -> None:
    """Follow or unfollow a case one worked; reading it stays allowed either way."""
    result = db.session.execute(
        sa.update(CaseFollower)
        .where(CaseFollower.case_id == case.id, CaseFollower.user_id == user.id)
        .values(is_following=following)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise NotAllowed("only people who worked a case follow it")
    audit.record("case.follow" if following else "case.unfollow", by=user, subject=case)


def followers(case: Case) -> list[User]:
    """Active staff who follow the case (one query)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(CaseFollower, CaseFollower.user_id == User.id)
            .where(
                CaseFollower.case_id == case.id,
                CaseFollower.is_following,
                User.is_active,
                User.role.in_(Role.STAFF),
            )
            .order_by(User.id)
        ).all()
    )


def move(duplicate: Case, *, into: Case, now: datetime | None = None) -> None:
    """A merge: whoever worked the duplicate worked the case it went into (their notes moved
    there), so they may read it and follow it as they followed the duplicate."""
    rows = db.session.execute(
        sa.select(CaseFollower.user_id, CaseFollower.is_following).where(
            CaseFollower.case_id == duplicate.id
        )
    ).all()
    now = now or utcnow()
    for user_id, is_following in rows:
        db.session.execute(
            _insert()
            .values(case_id=into.id, user_id=user_id, is_following=is_following, created_at=now)
            .on_conflict_do_nothing()
        )


def backfill(*, now: datetime | None = None) -> int:
    """Record, from history, everyone who worked each case: authors of staff timeline entries,
    people who asked for an escalation, current assignees. Adds only missing rows; returns
    how many (for the demo data and imports, which write timelines directly)."""
    authors = (
        sa.select(CaseEvent.case_id.label("case_id"), CaseEvent.author_id.label("user_id"))
        .join(User, User.id == CaseEvent.author_id)
        .where(User.role.in_(Role.STAFF))
    )
    requesters = sa.select(Escalation.case_id, Escalation.requested_by_id).where(
        Escalation.requested_by_id.is_not(None)
    )
    assignees = sa.select(Case.id, Case.assignee_id).where(Case.assignee_id.is_not(None))
    worked = sa.union(authors, requesters, assignees).subquery()
    statement = (
        _insert()
        .from_select(
            ["case_id", "user_id", "is_following", "created_at"],
            sa.select(
                worked.c.case_id,
                worked.c.user_id,
                sa.true(),
                sa.literal(now or utcnow(), CaseFollower.created_at.type),
            ).where(worked.c.user_id.is_not(None)),  # SQLite's upsert needs a WHERE here
        )
        .on_conflict_do_nothing()
    )
    return db.session.execute(statement).rowcount
