"""Keeping the index equal to the database: documents, the outbox handler, session hooks,
rebuild, verify and sync.

The database is the source of truth. Any flush that changes a case, a case event, or the name
or e-mail of an account, contact or queue adds an outbox message `search.case` per affected
case to the same transaction (session hooks below, so no service has to remember). After the
commit the outbox hands each delivery pass's messages to `index_messages` (one index commit for
all), the only code that writes the live index; a process that died in between leaves the
message behind for `flask search sync`.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import inspect

from portal.extensions import db
from portal.models import (
    Account,
    Case,
    CaseEvent,
    Contact,
    OutboxMessage,
    OutboxStatus,
    Queue,
)
from portal.models._base import utcnow
from portal.search.schema import NONE, day_number, microseconds
from portal.search.whoosh_engine import bulk, store
from portal.search.whoosh_engine.writing import writer as index_writer
from portal.services import outbox

log = logging.getLogger("casework.search")

KIND = "search.case"
BATCH_SIZE = 500
# How long a delivery waits for another process's index commit before giving up (the outbox
# then retries it). Single commits take tens of milliseconds, so this is only hit under load.
WRITER_TIMEOUT_SECONDS = 10.0
# Delivery times come from other processes' clocks: allow for some skew when a rebuild asks
# which updates were delivered to the old index after it started.
CLOCK_SKEW_MARGIN = timedelta(minutes=1)
# A rebuild of at least PARALLEL_MIN_CASES cases runs in this many processes (one segment
# each); below that, forking costs more than it saves.
REBUILD_PROCESSES = min(2, os.cpu_count() or 1)
PARALLEL_MIN_CASES = 2_000
# A rebuild part keeps a segment's postings in memory (about 16 kB a case) until it writes it.
SEGMENT_MAX_CASES = 50_000

Progress = Callable[[int], None]

# What makes a change to these records matter to the cases that show them.
_WATCHED_NAMES = {Account: ("name", "email_domain"), Contact: ("name", "email"), Queue: ("name",)}
_CASE_COLUMN = {Account: Case.account_id, Contact: Case.requester_id, Queue: Case.queue_id}
_PENDING = "search_pending_case_ids"
_ENQUEUED = "search_enqueued_case_ids"
# Where portal/services/outbox.py's flush hook lists the message ids to deliver after commit.
_OUTBOX_FLUSHED = "outbox_flushed"


# Documents ---------------------------------------------------------------------------------


def _day(moment: datetime | None) -> int | None:
    """The UTC day of `moment` as yyyymmdd (the date fields), or None."""
    return None if moment is None else day_number(moment.astimezone(UTC))


def stamp(updated_at: datetime, newest_event_id: int | None) -> str:
    """The version of a case that a document was built from, compared by `verify`."""
    return f"{updated_at.astimezone(UTC).isoformat()}|{newest_event_id or 0}"


def _value(item) -> str:
    return NONE if item is None else str(getattr(item, "value", item))


def case_documents(case_ids: Iterable[int]) -> dict[int, dict]:
    """Index documents for these cases, from two queries however many cases (no N+1)."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(
            Case.id,
            Case.subject,
            Case.description,
            Case.status,
            Case.priority,
            Case.channel,
            Case.category,
            Case.tier,
            Case.queue_id,
            Case.account_id,
            Case.requester_id,
            Case.assignee_id,
            Case.created_at,
            Case.updated_at,
            Case.resolved_at,
            Account.name.label("account_name"),
            Account.email_domain,
            Contact.name.label("requester_name"),
            Contact.email.label("requester_email"),
            Queue.name.label("queue_name"),
        )
        .outerjoin(Account, Account.id == Case.account_id)
        .outerjoin(Contact, Contact.id == Case.requester_id)
        .outerjoin(Queue, Queue.id == Case.queue_id)
        .where(Case.id.in_(ids))
    ).all()
    events = db.session.execute(
        sa.select(CaseEvent.id, CaseEvent.case_id, CaseEvent.kind, CaseEvent.body)
        .where(CaseEvent.case_id.in_(ids))
        .order_by(CaseEvent.case_id, CaseEvent.created_at, CaseEvent.id)
    ).all()
    public: dict[int, list[str]] = {}
    internal: dict[int, list[str]] = {}
    newest: dict[int, int] = {}
    for event in events:
        newest[event.case_id] = max(newest.get(event.case_id, 0), event.id)
        if not event.body:
            continue
        # CaseEvent.is_public reads only `kind`, so it applies to the row as well: what
        # customers may read is decided in one place.
        target = public if CaseEvent.is_public.fget(event) else internal
        target.setdefault(event.case_id, []).append(event.body)
    documents = {}
    for row in rows:
        people = [row.requester_name, row.requester_email, row.account_name, row.email_domain]
        documents[row.id] = {
            "id": str(row.id),
            "number": Case.number.fget(row),
            "subject": row.subject or "",
            "body": "\n\n".join([row.description or "", *public.get(row.id, [])]),
            "internal": "\n\n".join(internal.get(row.id, [])),
            "people": "\n".join(item for item in people if item),
            "account": row.account_name or "",
            "queue": row.queue_name or "",
            "category": row.category or "",
            "status": _value(row.status),
            "priority": _value(row.priority),
            "channel": _value(row.channel),
            "tier": str(row.tier),
            "queue_id": _value(row.queue_id),
            "account_id": _value(row.account_id),
            "requester_id": _value(row.requester_id),
            "assignee_id": _value(row.assignee_id),
            "created": _day(row.created_at),
            "updated": _day(row.updated_at),
            "resolved": _day(row.resolved_at),
            "created_at": microseconds(row.created_at),
            "stamp": stamp(row.updated_at, newest.get(row.id)).encode(),
        }
    return documents


# Writing the live index ------------------------------------------------------------------


def _end_read_transaction() -> None:
    # SQLite takes its write lock at BEGIN; never hold it while Whoosh writes.
    db.session.commit()


def index_cases(case_ids: Iterable[int], *, timeout: float | None = None) -> int:
    """Bring these cases up to date in the live index: (re)index or delete each one.

    Raises whoosh's LockError when another writer holds the index longer than `timeout`.
    The database is read *after* the index lock is taken, so when two processes index the
    same case, the one that writes last has read last: an older state never wins.
    """
    ids = sorted(set(case_ids))
    if not ids:
        return 0
    writer = index_writer(
        store.open_index(), timeout=WRITER_TIMEOUT_SECONDS if timeout is None else timeout
    )
    try:
        documents = case_documents(ids)
        _end_read_transaction()
        for case_id in ids:
            document = documents.get(case_id)
            if document is None:
                writer.delete_by_term("id", str(case_id))
            else:
                writer.update_document(**document)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    return len(ids)


def index_messages(payloads: list[dict]) -> None:
    """Outbox batch handler for `search.case`: the cases of a delivery pass in one commit. A
    LockError propagates so the outbox retries them."""
    index_cases([int(payload["case_id"]) for payload in payloads])


# Session hooks: every change that shows in a case's document enqueues that case ---------


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
    self-contained: nothing is left pending behind it. They are handed to the outbox's
    list of rows to deliver after the commit, the list its own flush hook fills.
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
    session.info.setdefault(_OUTBOX_FLUSHED, []).extend(message_ids)


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


# Verify, sync, rebuild -------------------------------------------------------------------


@dataclass
class Drift:
    """Cases missing from the index, indexed from an older version, or no longer in the DB."""

    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    @property
    def case_ids(self) -> list[int]:
        return sorted({*self.missing, *self.stale, *self.extra})


def _database_stamps() -> dict[int, str]:
    rows = db.session.execute(
        sa.select(Case.id, Case.updated_at, sa.func.max(CaseEvent.id))
        .outerjoin(CaseEvent, CaseEvent.case_id == Case.id)
        .group_by(Case.id, Case.updated_at)
    ).all()
    _end_read_transaction()
    return {case_id: stamp(updated_at, newest) for case_id, updated_at, newest in rows}


def _index_stamps() -> dict[int, str]:
    with store.open_index().searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader("id")
        stamps = reader.column_reader("stamp")
        return {int(ids[docnum]): stamps[docnum].decode() for docnum in reader.all_doc_ids()}


def verify() -> Drift:
    """Compare the live index with the database (without changing either)."""
    indexed = _index_stamps()
    current = _database_stamps()
    return Drift(
        missing=sorted(current.keys() - indexed.keys()),
        stale=sorted(i for i in current.keys() & indexed.keys() if current[i] != indexed[i]),
        extra=sorted(indexed.keys() - current.keys()),
    )


def _chunks(items: list[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def repair(case_ids: Iterable[int], progress: Progress | None = None) -> int:
    """Re-index (or remove) these cases in batches; returns how many were handled."""
    done = 0
    for chunk in _chunks(sorted(set(case_ids))):
        done += index_cases(chunk)
        if progress:
            progress(len(chunk))
    return done


def deliver_pending() -> tuple[int, int]:
    """Deliver the `search.case` messages still waiting; returns (delivered, not delivered)."""
    waiting = db.session.scalars(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.kind == KIND,
            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.DELIVERING]),
        )
        .order_by(OutboxMessage.id)
    ).all()
    _end_read_transaction()
    delivered = failed = 0
    for chunk in _chunks(list(waiting)):
        ok, not_ok = outbox.deliver(chunk, limit=len(chunk))
        delivered, failed = delivered + ok, failed + not_ok
    return delivered, failed


@dataclass
class SyncReport:
    delivered: int
    failed: int
    drift: Drift


def sync(progress: Progress | None = None) -> SyncReport:
    """Deliver waiting messages (e.g. after a crash), then fix whatever `verify` still finds."""
    delivered, failed = deliver_pending()
    drift = verify()
    repair(drift.case_ids, progress)
    return SyncReport(delivered, failed, drift)


def count_cases() -> int:
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    _end_read_transaction()
    return total


def _document_batches(
    batch_size: int, first_id: int = 1, last_id: int | None = None
) -> Iterator[list[dict]]:
    """Cases first_id..last_id (all by default), in id order, a batch at a time; each batch
    in its own short transaction."""
    last_seen = first_id - 1
    while True:
        select = sa.select(Case.id).where(Case.id > last_seen)
        if last_id is not None:
            select = select.where(Case.id <= last_id)
        ids = db.session.scalars(select.order_by(Case.id).limit(batch_size)).all()
        if not ids:
            _end_read_transaction()
            return
        documents = case_documents(ids)
        _end_read_transaction()
        yield [documents[case_id] for case_id in ids if case_id in documents]
        last_seen = ids[-1]


def _id_ranges(parts: int) -> list[tuple[int, int]]:
    """Split the cases into `parts` id ranges of about as many cases each."""
    ids = db.session.scalars(sa.select(Case.id).order_by(Case.id)).all()
    _end_read_transaction()
    size = -(-len(ids) // parts)
    return [(chunk[0], chunk[-1]) for chunk in _chunks(list(ids), size)]


def _write_segments(
    path: Path, batch_size: int, report: Callable[[str, object], None], *id_range: int
) -> None:
    """Index the cases of an id range (all by default) into new segments of the index at
    `path`, not yet committed; report ("progress", n) as it goes and ("segment", segment)
    for each segment written.

    A segment holds at most SEGMENT_MAX_CASES cases (or one batch): its postings stay in
    memory until it is written (bulk.py).
    """
    writer, in_segment = bulk.part_writer(path), 0
    for documents in _document_batches(batch_size, *id_range):
        if in_segment and in_segment + len(documents) > SEGMENT_MAX_CASES:
            report("segment", writer.finish_part())
            writer, in_segment = bulk.part_writer(path), 0
        for document in documents:
            writer.add_document(**document)
        in_segment += len(documents)
        report("progress", len(documents))
    if in_segment:
        report("segment", writer.finish_part())


def _write_part(path: str, id_range: tuple[int, int], batch_size: int, messages) -> None:
    """In a forked process: `_write_segments` for one id range, reporting through
    `messages`, and ending with ("done", None) or ("error", text)."""
    try:
        db.engine.dispose(close=False)  # the parent's connections stay the parent's
        _write_segments(Path(path), batch_size, lambda *message: messages.put(message), *id_range)
        messages.put(("done", None))
    except BaseException as error:
        messages.put(("error", f"{type(error).__name__}: {error}"))
        raise


def _write_here(writer, path: Path, progress: Progress | None, batch_size: int) -> int:
    """Index all cases in this process (small indexes, one CPU); `writer` commits them."""
    segments: list = []
    added = 0

    def report(kind: str, value) -> None:
        nonlocal added
        if kind == "segment":
            segments.append(value)
            return
        added += value
        if progress:
            progress(value)

    _write_segments(path, batch_size, report)
    writer.commit_parts(segments)
    return added


def _write_parts(writer, path: Path, progress: Progress | None, batch_size: int) -> int:
    """Index all cases with one forked process per id range; `writer` commits the parts.

    Whoosh's writer is pure Python, so a rebuild is CPU-bound in one process: each part
    process reads its cases from the database and writes a segment of its own.
    """
    ranges = _id_ranges(REBUILD_PROCESSES)
    context = multiprocessing.get_context("fork")
    messages = context.Queue()
    workers = [
        context.Process(target=_write_part, args=(str(path), id_range, batch_size, messages))
        for id_range in ranges
    ]
    for worker in workers:
        worker.start()
    segments: list = []
    errors: list[str] = []
    added = finished = 0
    try:
        while finished + len(errors) < len(workers):
            ended = all(worker.exitcode is not None for worker in workers)
            try:
                kind, value = messages.get(timeout=1.0)
            except queue.Empty:
                if ended:  # ended before this wait, and nothing came: one died unheard
                    errors.append("a rebuild process ended without reporting")
                continue
            if kind == "progress":
                added += value
                if progress:
                    progress(value)
            elif kind == "segment":
                segments.append(value)
            elif kind == "done":
                finished += 1
            else:
                errors.append(value)
    except BaseException:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
        raise
    finally:
        for worker in workers:
            worker.join()
    if errors:
        raise RuntimeError("search rebuild failed: " + "; ".join(errors))
    writer.commit_parts(segments)
    return added


def _delivered_since(moment: datetime) -> set[int]:
    """Cases whose index updates went to the old index while a rebuild ran.

    Updates still waiting are not needed: they will be delivered to the new index.
    """
    payloads = db.session.scalars(
        sa.select(OutboxMessage.payload).where(
            OutboxMessage.kind == KIND,
            sa.or_(
                OutboxMessage.delivered_at >= moment,
                OutboxMessage.status == OutboxStatus.DELIVERING,
            ),
        )
    ).all()
    _end_read_transaction()
    return {int(payload["case_id"]) for payload in payloads if payload and "case_id" in payload}


def rebuild(progress: Progress | None = None, *, batch_size: int = BATCH_SIZE) -> int:
    """Build a fresh index from the database in a new folder, then swap it in atomically.

    Searches and deliveries keep using the old index while this runs. After the swap, the
    cases whose updates were delivered to the old index meanwhile, and anything `verify`
    finds, are indexed again, so no change made during the rebuild is lost. Updates still
    waiting in the outbox go to the new index. Returns the number of cases indexed.
    """
    started = utcnow()
    path, ix = store.new_generation()
    writer = index_writer(ix)  # holds the new index's lock; the segments come from bulk.py
    try:
        if REBUILD_PROCESSES > 1 and count_cases() >= PARALLEL_MIN_CASES:
            added = _write_parts(writer, path, progress, batch_size)
        else:
            added = _write_here(writer, path, progress, batch_size)
    except BaseException:
        writer.cancel()
        shutil.rmtree(path, ignore_errors=True)
        raise
    previous = store.publish(path)
    log.info("search index rebuilt with %s cases in %s", added, path.name)
    late = _delivered_since(started - CLOCK_SKEW_MARGIN)
    repair(late | set(verify().case_ids))
    store.discard_generations(keep={path, previous} - {None})
    return added


__all__ = [
    "KIND",
    "Drift",
    "SyncReport",
    "case_documents",
    "count_cases",
    "deliver_pending",
    "index_cases",
    "index_messages",
    "install_session_hooks",
    "rebuild",
    "repair",
    "sync",
    "verify",
]
