"""The index follows the database: hooks, outbox delivery, crash recovery, verify, rebuild."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db as _db
from portal.models import Case, EventKind, OutboxMessage, OutboxStatus, Role, User
from portal.search import KIND, indexing, rebuild, rebuilding, search_cases, sync, verify
from portal.search.documents import reading
from portal.search.whoosh_engine import bulk, store
from portal.search.whoosh_engine.writing import writer as index_writer
from tests import factories


@pytest.fixture
def supervisor(db):
    return factories.make_user(Role.SUPERVISOR)


def search_messages() -> list[int]:
    return [
        message.payload["case_id"]
        for message in _db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.kind == KIND).order_by(OutboxMessage.id)
        )
    ]


def found(user, text) -> list[int]:
    return [hit.case_id for hit in search_cases(user, text).hits]


def test_a_new_case_is_searchable_right_after_the_commit(db, index_now, supervisor):
    case = factories.make_case(subject="Kettle descaling")
    index_now()
    assert found(supervisor, "kettle") == [case.id]


def test_a_change_to_many_cases_is_indexed_in_one_commit(db, index_now, supervisor):
    """A bulk action over twenty cases holds the index's write lock once, not twenty times."""
    cases = [factories.make_case(subject=f"Printer jam {n}") for n in range(20)]
    index_now()
    generation = store.open_index().latest_generation()
    for case in cases:
        case.subject = case.subject.replace("Printer", "Scanner")
    index_now()
    assert store.open_index().latest_generation() == generation + 1
    assert sorted(found(supervisor, "scanner")) == sorted(case.id for case in cases)


def test_one_message_per_case_and_transaction(db):
    case = factories.make_case(subject="Toaster")
    factories.add_event(case, body="first reply")
    factories.add_event(case, EventKind.INTERNAL_NOTE, body="a note")
    case.subject = "Toaster on fire"
    _db.session.flush()
    db.session.commit()
    assert search_messages() == [case.id]


def test_rolled_back_changes_enqueue_nothing(db):
    factories.make_case(subject="Never happened")
    db.session.rollback()
    assert search_messages() == []


def test_replies_notes_and_edits_reindex_the_case(db, index_now, supervisor):
    case = factories.make_case(subject="Blender")
    index_now()
    factories.add_event(case, body="Replace the blade gasket")
    index_now()
    assert found(supervisor, "gasket") == [case.id]
    factories.add_event(case, EventKind.INTERNAL_NOTE, body="Supplier recall list")
    index_now()
    assert found(supervisor, "recall") == [case.id]
    case.subject = "Blender leaking"
    index_now()
    assert found(supervisor, "leaking") == [case.id]
    event = case.events[0]
    event.body = "Replace the motor"
    index_now()
    assert found(supervisor, "gasket") == []


def test_renaming_an_account_or_contact_reindexes_their_cases(db, index_now, supervisor):
    account = factories.make_account(name="Initech")
    contact = factories.make_contact(account, name="Peter Gibbons")
    first, second = factories.make_case(contact), factories.make_case(contact)
    other = factories.make_case(subject="Unrelated")
    index_now()
    account.name = "Initrode"
    index_now()
    assert sorted(found(supervisor, "account:initrode")) == [first.id, second.id]
    contact.name = "Bill Lumbergh"
    contact.email = "bill@initrode.example"
    index_now()
    assert sorted(found(supervisor, "lumbergh")) == [first.id, second.id]
    assert sorted(found(supervisor, "bill@initrode.example")) == [first.id, second.id]
    assert other.id not in found(supervisor, "initrode")


def test_renaming_a_queue_reindexes_its_cases(db, index_now, supervisor):
    queue = factories.make_queue(1, name="Hardware")
    case = factories.make_case(queue=queue)
    index_now()
    queue.name = "Devices"
    index_now()
    assert found(supervisor, "queue:devices") == [case.id]


def test_a_deleted_case_leaves_the_index(db, index_now, supervisor):
    case = factories.make_case(subject="Spam case")
    index_now()
    _db.session.delete(case)
    index_now()
    assert found(supervisor, "spam") == []
    assert verify().ok


def test_crash_between_commit_and_indexing_is_repaired_by_search_sync(app, db, supervisor):
    case = factories.make_case(subject="Crash-proof espresso machine")
    db.session.commit()
    case_id, supervisor_id = case.id, supervisor.id
    db.session.info.clear()  # the process died: the list of what to deliver is gone
    db.session.remove()
    supervisor = _db.session.get(User, supervisor_id)
    assert found(supervisor, "espresso") == []
    assert verify().missing == [case_id]

    result = app.test_cli_runner().invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "Delivered 1 waiting index update" in result.output
    assert found(supervisor, "espresso") == [case_id]
    result = app.test_cli_runner().invoke(args=["search", "verify"])
    assert result.exit_code == 0, result.output
    assert "matches the database" in result.output


def test_a_locked_index_is_retried_later_by_the_outbox(app, db, index_now, supervisor):
    case = factories.make_case(subject="Locked kettle")
    index_now()
    blocker = store.open_index().writer()  # another process is writing
    try:
        indexing.WRITER_TIMEOUT_SECONDS, saved = 0.1, indexing.WRITER_TIMEOUT_SECONDS
        case.subject = "Unlocked kettle"
        index_now()  # must not raise: the user's request succeeds
    finally:
        indexing.WRITER_TIMEOUT_SECONDS = saved
        blocker.cancel()
    message = _db.session.scalars(
        sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())
    ).first()
    assert message.status == OutboxStatus.PENDING and "LockError" in message.last_error
    assert found(supervisor, "unlocked") == []
    assert sync().drift.stale == [case.id]
    assert found(supervisor, "unlocked") == [case.id]


def test_verify_finds_missing_stale_and_extra_cases(app, db, index_now):
    missing, stale, gone, fine = (factories.make_case() for _ in range(4))
    index_now()
    writer = store.open_index().writer()
    writer.delete_by_term("id", str(missing.id))
    writer.commit()
    # Changes made around the ORM (bulk SQL) bypass the hooks, as a careless script would.
    _db.session.execute(
        sa.update(Case)
        .where(Case.id == stale.id)
        .values(updated_at=datetime(2030, 1, 1, tzinfo=UTC))
    )
    _db.session.execute(sa.delete(Case).where(Case.id == gone.id))
    _db.session.commit()

    drift = verify()
    assert (drift.missing, drift.stale, drift.extra) == ([missing.id], [stale.id], [gone.id])
    result = app.test_cli_runner().invoke(args=["search", "verify"])
    assert result.exit_code == 1
    assert "1 case(s) missing from the index" in result.output
    assert "1 case(s) stale in the index" in result.output

    report = sync()
    assert report.drift.case_ids == sorted([missing.id, stale.id, gone.id])
    assert verify().ok
    assert fine.id not in report.drift.case_ids


def test_rebuild_swaps_in_a_new_index_atomically(app, db, index_now, supervisor):
    cases = [factories.make_case(subject=f"Widget model {n}") for n in range(7)]
    index_now()
    old_path = store.live_path()
    old_searcher = store.open_index().searcher()
    seen_during_rebuild = []

    def progress(_count):
        # Searches keep working from the old index while the new one is written...
        seen_during_rebuild.append(len(found(supervisor, "widget")))
        # ...and a change committed meanwhile (to a case already copied) is not lost.
        if len(seen_during_rebuild) == 1:
            cases[0].subject = "Gadget model 0"
            index_now()

    result = rebuild(progress=progress, batch_size=2)
    assert result == 7
    assert seen_during_rebuild[0] == 7 and len(seen_during_rebuild) == 4
    assert store.live_path() != old_path
    assert old_searcher.doc_count() == 7  # a searcher opened before the swap still reads
    old_searcher.close()
    assert found(supervisor, "gadget") == [cases[0].id]
    assert len(found(supervisor, "widget")) == 6
    assert verify().ok


def test_rebuild_keeps_only_the_live_and_previous_generation(app, db, index_now):
    factories.make_case()
    index_now()
    first = store.live_path()
    rebuild()
    second = store.live_path()
    rebuild()
    folders = sorted(path.name for path in store.index_root().glob("gen-*"))
    assert first.name not in folders
    assert sorted([second.name, store.live_path().name]) == folders


def test_rebuild_cli_reports_progress(app, db):
    for _ in range(3):
        factories.make_case()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["search", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Done: 3 case(s) indexed" in result.output
    assert verify().ok


def test_index_folder_is_named_by_schema_version(app):
    from portal.search.schema import SCHEMA_VERSION

    path = store.live_path()
    assert path.parent.name == f"v{SCHEMA_VERSION}"
    assert str(path).startswith(app.config["SEARCH_INDEX_DIR"])


def test_documents_for_many_cases_take_two_queries(db, count_queries):
    cases = [factories.make_case() for _ in range(30)]
    for case in cases:
        factories.add_event(case)
    db.session.commit()
    ids = [case.id for case in cases]
    with count_queries() as statements, reading() as session:
        documents = indexing.case_documents(session, ids)
    assert len(documents) == 30
    assert len([sql for sql in statements if sql.lstrip().startswith("SELECT")]) == 2


def test_rebuild_in_parallel_processes_writes_one_segment_each(
    app, db, index_now, supervisor, monkeypatch
):
    monkeypatch.setattr(rebuilding, "REBUILD_PROCESSES", 2)
    monkeypatch.setattr(rebuilding, "PARALLEL_MIN_CASES", 1)
    cases = [factories.make_case(subject=f"Sprocket {n}") for n in range(9)]
    factories.add_event(cases[0], body="Grease the flange")
    factories.add_event(cases[8], EventKind.INTERNAL_NOTE, body="Flange supplier is late")
    db.session.commit()
    counted = []
    assert rebuild(progress=counted.append, batch_size=2) == 9
    assert sum(counted) == 9
    assert len(list(store.open_index()._segments())) == 2
    assert verify().ok
    assert sorted(found(supervisor, "sprocket")) == sorted(case.id for case in cases)
    assert sorted(found(supervisor, "flange")) == [cases[0].id, cases[8].id]
    # Later deliveries and merges work on the parts as on any segment.
    cases[4].subject = "Cog 4"
    index_now()
    merger = index_writer(store.open_index())
    merger.commit(optimize=True)
    assert len(list(store.open_index()._segments())) == 1
    assert found(supervisor, "cog") == [cases[4].id]
    assert len(found(supervisor, "sprocket")) == 8
    assert verify().ok


@pytest.mark.parametrize("processes", [1, 2])
def test_rebuild_caps_the_cases_per_segment(app, db, supervisor, monkeypatch, processes):
    monkeypatch.setattr(rebuilding, "REBUILD_PROCESSES", processes)
    monkeypatch.setattr(rebuilding, "PARALLEL_MIN_CASES", 1)
    monkeypatch.setattr(rebuilding, "SEGMENT_MAX_CASES", 2)
    cases = [factories.make_case(subject=f"Gearbox {n}") for n in range(7)]
    db.session.commit()
    assert rebuild(batch_size=2) == 7
    segments = list(store.open_index()._segments())
    # One process: 2+2+2+1 cases; two processes (4 and 3 cases): 2+2 and 2+1.
    assert sorted(segment.doc_count_all() for segment in segments) == [1, 2, 2, 2]
    assert sorted(found(supervisor, "gearbox")) == sorted(case.id for case in cases)
    assert verify().ok


def test_a_failing_rebuild_process_fails_the_rebuild_and_keeps_the_index(
    app, db, index_now, supervisor, monkeypatch
):
    monkeypatch.setattr(rebuilding, "REBUILD_PROCESSES", 2)
    monkeypatch.setattr(rebuilding, "PARALLEL_MIN_CASES", 1)
    case = factories.make_case(subject="Flywheel")
    factories.make_case(subject="Camshaft")
    index_now()
    live = store.live_path()

    def broken(*_args, **_kwargs):
        raise ValueError("disk on fire")

    monkeypatch.setattr(bulk, "part_writer", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        rebuild()
    assert store.live_path() == live
    assert sorted(path.name for path in store.index_root().glob("gen-*")) == [live.name]
    assert found(supervisor, "flywheel") == [case.id]


def test_search_leaves_the_callers_transaction_alone(app, db, index_now, supervisor):
    """Indexing, verifying and rebuilding read committed rows in a session of their own: the
    caller's uncommitted work is neither committed nor lost, and waits for its own commit."""
    indexed = factories.make_case(subject="committed gearbox")
    index_now()
    pending = factories.make_case(subject="uncommitted gearbox")
    db.session.flush()
    assert indexing.index_cases([indexed.id, pending.id]) == 2
    assert verify().missing == [] and rebuild() == 1
    assert pending in db.session and db.session().in_transaction()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1
