"""Session hooks: every change that shows in a case's document enqueues that case.

Any flush that changes a case, a case event, or the name or e-mail of an account, contact or
queue adds an outbox message `search.case` (KIND) per affected case to the same transaction,
so no service has to remember to; indexing.index_messages delivers them after the commit.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import inspect

from portal.extensions import db
from portal.infra import outbox
from portal.models import Account, Case, CaseEvent, Contact, OutboxMessage, Queue

KIND = "search.case"

# What makes a change to these records matter to the cases that show them.
_WATCHED_NAMES = {Account: ("name", "email_domain"), Contact: ("name", "email"), Queue: ("name",)}
_CASE_COLUMN = {Account: Case.account_id, Contact: Case.requester_id, Queue: Case.queue_id}
_PENDING = "search_pending_case_ids"
_ENQUEUED = "search_enqueued_case_ids"


def _changed(obj, names: Iterable[str]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _before_flush(session, _context, _instances) -> None:
    """Find cases that show a renamed or deleted account, contact or queue (one query).

    This runs before the flush, while a deleted record's cases still point at it.
    """
    changed: dict[type, set[int]] = {}
    for obj in session.dirty:
        names = _WATCHED_NAMES.get(type(obj))
        if names and obj.id is not None and _changed(obj, names):
            changed.setdefault(type(obj), set()).add(obj.id)
    for obj in session.deleted:
        if type(obj) in _WATCHED_NAMES and obj.id is not None:
            changed.setdefault(type(obj), set()).add(obj.id)
    if not changed:
        return
    condition = sa.or_(*(_CASE_COLUMN[kind].in_(ids) for kind, ids in changed.items()))
    with session.no_autoflush:
        case_ids = session.scalars(sa.select(Case.id).where(condition)).all()
    session.info.setdefault(_PENDING, set()).update(case_ids)


def _after_flush(session, _context) -> None:
    """Write one outbox message per case this flush changed, once per transaction.

    Runs once the flush's SQL is sent (new rows have their ids) but before its bookkeeping
    is reset (session.new/dirty/deleted and attribute history still describe it).
    """
    pending = session.info.pop(_PENDING, set())
    for obj in session.new:
        if isinstance(obj, Case):
            pending.add(obj.id)
        elif isinstance(obj, CaseEvent):
            pending.add(obj.case_id)
    for obj in session.dirty:
        if isinstance(obj, Case) and session.is_modified(obj):
            pending.add(obj.id)
        elif isinstance(obj, CaseEvent) and session.is_modified(obj):
            history = inspect(obj).attrs.case_id.history
            pending.update([obj.case_id, *history.deleted])  # an event moved between cases
    for obj in session.deleted:
        if isinstance(obj, Case):
            pending.add(obj.id)
        elif isinstance(obj, CaseEvent):
            pending.add(obj.case_id)
    enqueued = session.info.setdefault(_ENQUEUED, set())
    case_ids = sorted(pending - enqueued - {None})
    if case_ids:
        enqueued.update(case_ids)
        _enqueue_in_flush(session, case_ids)


def _enqueue_in_flush(session, case_ids: list[int]) -> None:
    """Insert the messages with this flush's own connection (one statement, however many).

    Rows written here, rather than ORM objects added for the next flush, keep a flush
    self-contained: nothing is left pending behind it. The outbox is told of them, to deliver
    them after the commit like the messages it saw flushed as objects.
    """
    table = OutboxMessage.__table__
    message_ids = (
        session.connection()
        .execute(
            sa.insert(table).returning(table.c.id),
            [{"kind": KIND, "payload": {"case_id": case_id}} for case_id in case_ids],
        )
        .scalars()
        .all()
    )
    outbox.track_flushed(session, message_ids)


def _forget(session, *_args) -> None:
    session.info.pop(_ENQUEUED, None)
    session.info.pop(_PENDING, None)


def install_session_hooks() -> None:
    """Listen on the Flask-SQLAlchemy session class, once per process."""
    session_class = db.session.session_factory.class_
    if getattr(session_class, "_casework_search_events", False):
        return
    sa.event.listen(session_class, "before_flush", _before_flush)
    sa.event.listen(session_class, "after_flush", _after_flush)
    sa.event.listen(session_class, "after_commit", _forget)
    sa.event.listen(session_class, "after_soft_rollback", _forget)
    session_class._casework_search_events = True
