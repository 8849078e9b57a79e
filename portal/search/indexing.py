"""Keeping the index equal to the database: live updates, verify, repair and sync.

The database is the source of truth. Session hooks (session_hooks.py) add an outbox message
`search.case` per changed case to the transaction that changes it. After the commit the outbox
hands each delivery pass's messages to `index_messages` (one index commit for all), the only
code that writes the live index; a process that died in between leaves the message behind for
`flask search sync`. Rebuilding the whole index is rebuilding.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.infra import outbox
from portal.models import Case, CaseEvent, OutboxMessage, OutboxStatus
from portal.search.documents import case_documents, reading, stamp
from portal.search.session_hooks import KIND, install_session_hooks
from portal.search.whoosh_engine import store
from portal.search.whoosh_engine.writing import writer as index_writer

BATCH_SIZE = 500
# How long a delivery waits for another process's index commit before giving up (the outbox
# then retries it). Single commits take tens of milliseconds, so this is only hit under load.
WRITER_TIMEOUT_SECONDS = 10.0

Progress = Callable[[int], None]


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
        with reading() as session:
            documents = case_documents(session, ids)
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
    with reading() as session:
        rows = session.execute(
            sa.select(Case.id, Case.updated_at, sa.func.max(CaseEvent.id))
            .outerjoin(CaseEvent, CaseEvent.case_id == Case.id)
            .group_by(Case.id, Case.updated_at)
        ).all()
    return {case_id: stamp(updated_at, newest) for case_id, updated_at, newest in rows}


def verify() -> Drift:
    """Compare the live index with the database (without changing either)."""
    indexed = store.indexed_stamps()
    current = _database_stamps()
    return Drift(
        missing=sorted(current.keys() - indexed.keys()),
        stale=sorted(i for i in current.keys() & indexed.keys() if current[i] != indexed[i]),
        extra=sorted(indexed.keys() - current.keys()),
    )


def chunks(items: list[int], size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """`items` in lists of `size` (the last may be shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def repair(case_ids: Iterable[int], progress: Progress | None = None) -> int:
    """Re-index (or remove) these cases in batches; returns how many were handled."""
    done = 0
    for chunk in chunks(sorted(set(case_ids))):
        done += index_cases(chunk)
        if progress:
            progress(len(chunk))
    return done


def deliver_pending() -> tuple[int, int]:
    """Deliver the `search.case` messages still waiting; returns (delivered, not delivered)."""
    with reading() as session:
        waiting = session.scalars(
            sa.select(OutboxMessage.id)
            .where(
                OutboxMessage.kind == KIND,
                OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.DELIVERING]),
            )
            .order_by(OutboxMessage.id)
        ).all()
    delivered = failed = 0
    for chunk in chunks(list(waiting)):
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
    with reading() as session:
        return session.scalar(sa.select(sa.func.count()).select_from(Case))


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
    "repair",
    "sync",
    "verify",
]
