"""The outbox: delivery after commit, crash recovery, retries with backoff, no double delivery."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time

from portal.infra import outbox
from portal.models import OutboxMessage, OutboxStatus
from portal.models._base import utcnow


@pytest.fixture
def recorder():
    """A handler for kind `test` that records payloads, and can be told to fail."""
    calls = []
    state = {"fail": False}

    def handle(payload):
        if state["fail"]:
            raise ConnectionError("smtp server unreachable")
        calls.append(payload["n"])

    outbox.HANDLERS["test"] = handle
    yield calls, state
    outbox.HANDLERS.pop("test", None)


@pytest.fixture
def batch_recorder():
    """A batch handler for kind `bulk` that records each call's payloads, and can fail."""
    calls = []
    state = {"fail": False}

    def handle(payloads):
        if state["fail"]:
            raise TimeoutError("index locked")
        calls.append([payload["n"] for payload in payloads])

    outbox.BATCH_HANDLERS["bulk"] = handle
    yield calls, state
    outbox.BATCH_HANDLERS.pop("bulk", None)


def status_of(db, message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id).status


def test_message_is_delivered_right_after_the_commit(db, recorder):
    calls, _ = recorder
    message = outbox.enqueue("test", {"n": 1})
    db.session.commit()
    assert calls == []  # nothing is sent before the commit is known to have happened
    outbox.deliver_committed()
    assert calls == [1]
    assert status_of(db, message.id) == OutboxStatus.DELIVERED


def test_rolled_back_messages_are_never_delivered(db, recorder):
    calls, _ = recorder
    outbox.enqueue("test", {"n": 1})
    db.session.flush()
    db.session.rollback()
    outbox.deliver_committed()
    assert calls == []
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_message_survives_a_crash_between_commit_and_delivery(app, db, recorder):
    calls, _ = recorder
    message = outbox.enqueue("test", {"n": 7})
    db.session.commit()
    message_id = message.id
    db.session.info.clear()  # the process died: the in-memory list of what to deliver is gone
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["outbox", "drain"])
    assert result.exit_code == 0, result.output
    assert "Delivered 1 message" in result.output
    assert calls == [7]
    assert status_of(db, message_id) == OutboxStatus.DELIVERED


def test_failing_handler_is_retried_with_backoff_then_parked(app, db, recorder):
    calls, state = recorder
    state["fail"] = True
    message = outbox.enqueue("test", {"n": 3})
    db.session.commit()
    start = utcnow()
    with freeze_time(start) as clock:
        outbox.deliver()
        db.session.expire_all()
        row = db.session.get(OutboxMessage, message.id)
        assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
        assert "smtp server unreachable" in row.last_error
        assert row.not_before == start + timedelta(seconds=30)
        assert outbox.deliver() == (0, 0)  # not due yet
        for _attempt in range(2, app.config["OUTBOX_MAX_ATTEMPTS"] + 1):
            clock.tick(timedelta(hours=1, seconds=1))
            outbox.deliver()
        assert status_of(db, message.id) == OutboxStatus.DEAD
        state["fail"] = False
        clock.tick(timedelta(days=1))
        outbox.deliver()
    assert calls == []  # parked messages stay parked


def test_backoff_doubles_and_is_capped():
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert outbox.backoff(30) == timedelta(hours=1)


def test_unknown_kind_is_retried_not_raised(db):
    message = outbox.enqueue("no-such-kind", {})
    db.session.commit()
    assert outbox.deliver() == (0, 1)
    assert status_of(db, message.id) == OutboxStatus.PENDING


def test_two_drains_never_deliver_one_message_twice(app, db, recorder):
    calls, _ = recorder
    for n in range(40):
        outbox.enqueue("test", {"n": n})
    db.session.commit()
    barrier = threading.Barrier(2)
    errors = []

    def drain():
        with app.app_context():
            try:
                barrier.wait()
                outbox.deliver()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=drain) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(calls) == list(range(40))
    delivered = db.session.scalar(
        db.select(db.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.DELIVERED)
    )
    assert delivered == 40


def test_delivery_failure_never_fails_the_users_request(app, client, db, recorder):
    from portal.models import Role
    from tests import factories

    user = factories.make_user(Role.CUSTOMER)
    db.session.commit()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=9, MAIL_TIMEOUT=1)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    # The request was worked out after the answer; its email could not be sent: kept to retry.
    rows = {row.kind: row for row in db.session.scalars(db.select(OutboxMessage))}
    assert rows["account.password_reset"].status == OutboxStatus.DELIVERED
    row = rows["email.account"]
    assert row.status == OutboxStatus.PENDING and row.attempts == 1 and row.last_error


def test_a_batch_kind_gets_a_whole_pass_in_one_call(db, recorder, batch_recorder):
    calls, _ = recorder
    batches, _ = batch_recorder
    messages = [outbox.enqueue("bulk", {"n": n}) for n in range(1, 4)]
    messages.append(outbox.enqueue("test", {"n": 9}))
    db.session.commit()
    outbox.deliver_committed()
    assert batches == [[1, 2, 3]]  # one call for the three, in order
    assert calls == [9]  # other kinds one message at a time, as before
    assert {status_of(db, m.id) for m in messages} == {OutboxStatus.DELIVERED}


def test_a_failed_batch_is_retried_with_each_message_counting_its_attempts(app, db, batch_recorder):
    batches, state = batch_recorder
    state["fail"] = True
    first = outbox.enqueue("bulk", {"n": 1})
    db.session.commit()
    start = utcnow()
    with freeze_time(start) as clock:
        outbox.deliver()
        clock.tick(timedelta(seconds=31))
        second = outbox.enqueue("bulk", {"n": 2})
        db.session.commit()
        state["fail"] = False
        assert outbox.deliver() == (2, 0)
    assert batches == [[1, 2]]  # the retried message joins the next pass's batch
    db.session.expire_all()
    rows = [db.session.get(OutboxMessage, m.id) for m in (first, second)]
    assert [(row.status, row.attempts) for row in rows] == [
        (OutboxStatus.DELIVERED, 2),
        (OutboxStatus.DELIVERED, 1),
    ]
