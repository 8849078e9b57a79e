"""Rebuilding the index: every case into a new generation, swapped in atomically.

Searches and deliveries keep using the live index meanwhile; 2,000 cases or more are indexed
by forked processes, each writing segments of its own with the engine's bulk writer.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Case, OutboxMessage, OutboxStatus
from portal.models._base import utcnow
from portal.search.documents import case_documents, reading
from portal.search.indexing import BATCH_SIZE, Progress, chunks, count_cases, repair, verify
from portal.search.session_hooks import KIND
from portal.search.whoosh_engine import bulk, store
from portal.search.whoosh_engine.writing import writer as index_writer

log = logging.getLogger("casework.search")

# Delivery times come from other processes' clocks: allow for some skew when a rebuild asks
# which updates were delivered to the old index after it started.
CLOCK_SKEW_MARGIN = timedelta(minutes=1)
# A rebuild of at least PARALLEL_MIN_CASES cases runs in this many processes (one segment
# each); below that, forking costs more than it saves.
REBUILD_PROCESSES = min(2, os.cpu_count() or 1)
PARALLEL_MIN_CASES = 2_000
# A rebuild part keeps a segment's postings in memory (about 16 kB a case) until it writes it.
SEGMENT_MAX_CASES = 50_000


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
        with reading() as session:
            ids = session.scalars(select.order_by(Case.id).limit(batch_size)).all()
            documents = case_documents(session, ids)
        if not ids:
            return
        yield [documents[case_id] for case_id in ids if case_id in documents]
        last_seen = ids[-1]


def _id_ranges(parts: int) -> list[tuple[int, int]]:
    """Split the cases into `parts` id ranges of about as many cases each."""
    with reading() as session:
        ids = session.scalars(sa.select(Case.id).order_by(Case.id)).all()
    size = -(-len(ids) // parts)
    return [(chunk[0], chunk[-1]) for chunk in chunks(list(ids), size)]


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
    with reading() as session:
        payloads = session.scalars(
            sa.select(OutboxMessage.payload).where(
                OutboxMessage.kind == KIND,
                sa.or_(
                    OutboxMessage.delivered_at >= moment,
                    OutboxMessage.status == OutboxStatus.DELIVERING,
                ),
            )
        ).all()
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
