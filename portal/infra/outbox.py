"""The outbox: side effects written in the change's transaction and delivered after its commit.

Services call `enqueue()`. Once the request's transaction commits, `deliver_committed()` hands
the new messages to the handler registered for their kind. What a crashed process left behind
is delivered by `flask outbox drain` (and the worker). Each delivery claims its row with a
conditional UPDATE, so two drains never deliver one message twice; a failing handler is retried
with exponential backoff and parked as `dead` after OUTBOX_MAX_ATTEMPTS.

A kind registered with `batch_handler` gets all of a pass's messages of that kind in one call:
the search index writes a bulk change of fifty cases in one commit under its write lock, not
fifty.

A kind registered with `after_response=True` is delivered once the response has been sent
(`call_on_close`), not before it: the account emails, whose work (is there a login with this
address?) must not show in how long the answer takes. A WSGI server need not close a response
whose client hung up early (Werkzeug's skips it), so a timer delivers them a few seconds later if
the close never comes; the claim keeps the two from sending twice. Outside a request (commands,
workers), `deliver_committed()` delivers them at once with the rest.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from portal.extensions import db
from portal.models import OutboxMessage, OutboxStatus
from portal.models._base import utcnow

log = logging.getLogger("casework.outbox")
Handler = Callable[[dict], None]
BatchHandler = Callable[[list[dict]], None]
HANDLERS: dict[str, Handler] = {}
BATCH_HANDLERS: dict[str, BatchHandler] = {}
AFTER_RESPONSE: set[str] = set()  # kinds delivered after the response is sent
# Messages that handlers add while they are delivered are delivered in the same pass, this
# many rounds deep (a password-reset request adds its email).
FOLLOW_UP_ROUNDS = 3
LEASE = timedelta(minutes=5)
BASE_BACKOFF_SECONDS = 30
MAX_BACKOFF = timedelta(hours=1)
# After-response messages whose response was never closed are delivered this long after it.
AFTER_RESPONSE_FALLBACK_SECONDS = 3.0
# The outbox's own bookkeeping in `session.info`: ids flushed in the open transaction, then
# committed and waiting for delivery (after the request, or after the response for the late
# kinds). Only this module reads or writes them; others call `track_flushed`.
_FLUSHED, _FLUSHED_LATE = "outbox_flushed", "outbox_flushed_late"
_COMMITTED, _COMMITTED_LATE = "outbox_committed", "outbox_committed_late"
_NEW_OBJECTS = "outbox_new_objects"


def handler(kind: str, *, after_response: bool = False) -> Callable[[Handler], Handler]:
    """Register the function that delivers messages of one kind; `after_response`: only once
    the response to the request that added them has been sent."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        if after_response:
            AFTER_RESPONSE.add(kind)
        return function

    return register


def batch_handler(kind: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register the function that delivers a list of messages of one kind (their payloads)."""

    def register(function: BatchHandler) -> BatchHandler:
        BATCH_HANDLERS[kind] = function
        return function

    return register


def enqueue(kind: str, payload: dict, *, not_before: datetime | None = None) -> OutboxMessage:
    """Add a message to the current transaction; it is delivered only if that commits."""
    message = OutboxMessage(kind=kind, payload=payload, not_before=not_before or utcnow())
    db.session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at an hour."""
    return min(timedelta(seconds=BASE_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _deliverable(now: datetime):
    return sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.DELIVERING, OutboxMessage.locked_until < now),
    )


def _claim(message_id: int) -> tuple[str, dict, int] | None:
    """Take one message for delivery; None if another process holds or finished it.

    The conditional UPDATE is the first statement of its transaction, so two drains can
    never both win, on SQLite or PostgreSQL.
    """
    now = utcnow()
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _deliverable(now))
        .values(
            status=OutboxStatus.DELIVERING,
            locked_until=now + LEASE,
            attempts=OutboxMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return None
    claimed = db.session.execute(
        sa.select(OutboxMessage.kind, OutboxMessage.payload, OutboxMessage.attempts).where(
            OutboxMessage.id == message_id
        )
    ).one()
    db.session.commit()
    return claimed.kind, dict(claimed.payload or {}), claimed.attempts


def _finish(message_id: int, **values) -> None:
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(locked_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _run(kind: str, payloads: list[dict]) -> None:
    """Hand claimed messages of one kind to their handler, then commit what it wrote."""
    if kind in BATCH_HANDLERS:
        BATCH_HANDLERS[kind](payloads)
    elif kind in HANDLERS:
        for payload in payloads:
            HANDLERS[kind](payload)
    else:
        raise LookupError(f"no outbox handler registered for kind {kind!r}")
    db.session.commit()  # whatever the handler wrote; also ends its reads


def _deliver(kind: str, claimed: list[tuple[int, dict, int]]) -> int:
    """Deliver claimed messages (id, payload, attempts) of one kind together; how many were
    delivered. If the handler fails, each message is retried later or parked on its own count."""
    try:
        _run(kind, [payload for _, payload, _ in claimed])
    except Exception as exc:  # noqa: BLE001 - any handler failure is retried, never raised
        db.session.rollback()
        error = f"{type(exc).__name__}: {exc}"[:2000]
        for message_id, _, attempts in claimed:
            _fail(message_id, kind, attempts, error)
        return 0
    for message_id, _, _ in claimed:
        _finish(message_id, status=OutboxStatus.DELIVERED, delivered_at=utcnow(), last_error=None)
    return len(claimed)


def _fail(message_id: int, kind: str, attempts: int, error: str) -> None:
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        _finish(message_id, status=OutboxStatus.DEAD, last_error=error)
        log.error(
            "outbox message %s (%s) parked after %s attempts: %s", message_id, kind, attempts, error
        )
    else:
        not_before = utcnow() + backoff(attempts)
        _finish(message_id, status=OutboxStatus.PENDING, not_before=not_before, last_error=error)
        log.warning(
            "outbox message %s (%s) failed, attempt %s: %s", message_id, kind, attempts, error
        )


def deliver(ids: Iterable[int] | None = None, *, limit: int = 500) -> tuple[int, int]:
    """Deliver due messages (only `ids`, if given). Returns (delivered, not delivered).

    Messages are claimed one by one and delivered in order, except those of a batch kind,
    which are delivered together once the others are.
    """
    query = sa.select(OutboxMessage.id).where(_deliverable(utcnow())).order_by(OutboxMessage.id)
    if ids is not None:
        ids = list(ids)
        if not ids:
            return 0, 0
        query = query.where(OutboxMessage.id.in_(ids))
    candidates = db.session.scalars(query.limit(limit)).all()
    db.session.rollback()
    delivered = 0
    batches: dict[str, list[tuple[int, dict, int]]] = {}
    for message_id in candidates:
        try:
            claimed = _claim(message_id)
            if claimed is None:
                continue
            kind, payload, attempts = claimed
            if kind in BATCH_HANDLERS:
                batches.setdefault(kind, []).append((message_id, payload, attempts))
            else:
                delivered += _deliver(kind, [(message_id, payload, attempts)])
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            log.exception("outbox message %s could not be updated", message_id)
    for kind, claimed in batches.items():
        try:
            delivered += _deliver(kind, claimed)
        except sa.exc.SQLAlchemyError:
            db.session.rollback()
            log.exception("outbox messages %s could not be updated", [c[0] for c in claimed])
    return delivered, len(candidates) - delivered


def deliver_committed() -> None:
    """Deliver the messages that this session's committed transactions added, and those their
    handlers added in turn. Never raises."""
    for _round in range(FOLLOW_UP_ROUNDS):
        ids = db.session.info.pop(_COMMITTED, []) + db.session.info.pop(_COMMITTED_LATE, [])
        if not ids:
            return
        try:
            deliver(ids)
        except Exception:
            db.session.rollback()
            log.exception("outbox delivery after commit failed; `flask outbox drain` will retry")
            return


class _AfterResponse:
    """Delivers one request's after-response messages once: when the server closes the
    response, or AFTER_RESPONSE_FALLBACK_SECONDS later if it never does."""

    def __init__(self, app: Flask, ids: list[int]):
        self._app, self._ids = app, ids
        self._lock = threading.Lock()
        self._done = False
        self._timer = threading.Timer(AFTER_RESPONSE_FALLBACK_SECONDS, self.deliver)
        self._timer.daemon = True
        self._timer.start()

    def deliver(self) -> None:
        """In an application context of its own: the request's is gone by now."""
        self._timer.cancel()
        with self._lock:
            if self._done:
                return
            self._done = True
        with self._app.app_context():
            db.session.info[_COMMITTED_LATE] = list(self._ids)
            deliver_committed()


def track_flushed(session, message_ids: list[int]) -> None:
    """Deliver these messages, inserted during a flush without ORM objects (search writes its
    rows in one statement), after the session commits, like the ones added as objects."""
    session.info.setdefault(_FLUSHED, []).extend(message_ids)


def _before_flush(session, _context, _instances) -> None:
    session.info[_NEW_OBJECTS] = [o for o in session.new if isinstance(o, OutboxMessage)]


def _after_flush(session, _context) -> None:
    for message in session.info.pop(_NEW_OBJECTS, []):
        key = _FLUSHED_LATE if message.kind in AFTER_RESPONSE else _FLUSHED
        session.info.setdefault(key, []).append(message.id)


def _after_commit(session) -> None:
    for flushed, committed in ((_FLUSHED, _COMMITTED), (_FLUSHED_LATE, _COMMITTED_LATE)):
        ids = session.info.pop(flushed, [])
        if ids:
            session.info.setdefault(committed, []).extend(ids)


def _after_rollback(session) -> None:
    session.info.pop(_FLUSHED, None)
    session.info.pop(_FLUSHED_LATE, None)


def init_app(app: Flask) -> None:
    """Track outbox rows per session and deliver them after each request's commit (the
    after-response kinds once the response is sent)."""
    session_class = db.session.session_factory.class_
    if not getattr(session_class, "_casework_outbox_events", False):
        sa.event.listen(session_class, "before_flush", _before_flush)
        sa.event.listen(session_class, "after_flush", _after_flush)
        sa.event.listen(session_class, "after_commit", _after_commit)
        sa.event.listen(session_class, "after_soft_rollback", lambda s, _t: _after_rollback(s))
        session_class._casework_outbox_events = True

    @app.after_request
    def deliver_after_commit(response):
        late = db.session.info.pop(_COMMITTED_LATE, None)
        deliver_committed()
        if late:
            response.call_on_close(_AfterResponse(app, late).deliver)
        return response
