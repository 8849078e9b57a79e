"""Password reset through a real SMTP conversation with a loopback server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import request_finished
from flask.testing import FlaskClient
from freezegun import freeze_time

from portal.domain.identity import logins, passwords
from portal.infra import outbox
from portal.models import PasswordResetToken, Role
from tests import factories

LINK = re.compile(r"http://casework\.test(/password/reset/[A-Za-z0-9_\-]+)")


def ask_reset(client, email):
    return client.post("/password/forgot", data={"email": email})


def test_reset_link_arrives_by_smtp_and_works_once(client, db, smtp):
    user = factories.make_user(Role.CUSTOMER, name="Reza Customer")
    db.session.commit()
    ask_reset(client, user.email)
    message = smtp.wait_for(1)[0]
    assert message["To"] == user.email
    assert message["Subject"] == "Reset your Casework password"
    body = message.get_body(("plain",)).get_content()
    assert "Reza Customer" in body
    path = LINK.search(body).group(1)
    response = client.post(
        path, data={"password": "a fresh passphrase", "confirm": "a fresh passphrase"}
    )
    assert response.status_code == 302
    assert passwords.verify_password(db.session.get(type(user), user.id), "a fresh passphrase")
    again = client.post(
        path, data={"password": "another passphrase", "confirm": "another passphrase"}
    )
    assert again.status_code == 302 and "/password/forgot" in again.headers["Location"]
    db.session.expire_all()
    assert passwords.verify_password(db.session.get(type(user), user.id), "a fresh passphrase")


def test_the_link_still_leaves_when_the_server_never_closes_the_answer(
    app, client, db, smtp, monkeypatch
):
    """A browser that hangs up early can keep a server (Werkzeug's) from closing the response,
    the moment account emails normally leave: they leave a little later instead."""
    monkeypatch.setattr(outbox, "AFTER_RESPONSE_FALLBACK_SECONDS", 0.2)
    user = factories.make_user(Role.CUSTOMER)
    data = {"email": user.email, "csrf_token": client.csrf_token()}
    db.session.commit()  # and reads nothing more: the request writes next
    with app.app_context():
        # FlaskClient's own open: the answer is read but never closed.
        response = FlaskClient.open(client, "/password/forgot", method="POST", data=data)
    assert response.status_code == 302
    assert [m["To"] for m in smtp.wait_for(1)] == [user.email]
    response.close()  # the server closing it at last sends nothing more
    assert len(smtp.wait_for(2, timeout=0.5)) == 1


def test_known_and_unknown_addresses_get_the_same_answer(client, db, smtp):
    user = factories.make_user(Role.CUSTOMER)
    db.session.commit()
    known = ask_reset(client, user.email)
    unknown = ask_reset(client, "nobody@nowhere.example")
    assert (known.status_code, known.headers["Location"], known.get_data()) == (
        unknown.status_code,
        unknown.headers["Location"],
        unknown.get_data(),
    )
    assert len(smtp.wait_for(1)) == 1
    assert client.get("/login").get_data(as_text=True).count("a reset link is on its way") >= 1


def test_forgot_password_does_the_same_work_before_answering_whatever_the_address(
    app, client, db, smtp
):
    """Item 2: the request is only queued (one outbox row); who owns the address is looked up,
    and the email sent, once the answer has gone. So the SQL run before the answer is the same
    statement for statement, and so is the answer; only the owner of a login gets mail."""
    user = factories.make_user(Role.CUSTOMER)
    db.session.commit()
    client.csrf_token()
    ask_reset(client, "warm-up@nowhere.example")  # first-request work is not the address's

    def before_the_answer(address):
        statements, at_answer = [], []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        def answered(_sender, **_extra):
            at_answer.append(len(statements))

        sa.event.listen(db.engine, "before_cursor_execute", record)
        request_finished.connect(answered, app)
        try:
            response = ask_reset(client, address)
        finally:
            request_finished.disconnect(answered, app)
            sa.event.remove(db.engine, "before_cursor_execute", record)
        return response, statements[: at_answer[0]]

    known, known_sql = before_the_answer(user.email)
    unknown, unknown_sql = before_the_answer("nobody@nowhere.example")
    assert known_sql == unknown_sql and any("INSERT INTO outbox" in s for s in known_sql)
    assert not any("FROM users" in s or "password_reset_tokens" in s for s in known_sql)
    assert (known.status_code, known.headers["Location"], known.get_data()) == (
        unknown.status_code,
        unknown.headers["Location"],
        unknown.get_data(),
    )
    assert [m["To"] for m in smtp.wait_for(1)] == [user.email]
    assert db.session.scalar(db.select(db.func.count()).select_from(PasswordResetToken)) == 1


def test_reset_mail_to_one_address_is_capped_per_hour(app, client, db, smtp):
    user = factories.make_user(Role.CUSTOMER)
    db.session.commit()
    for _ in range(app.config["ACCOUNT_MAILS_PER_HOUR"] + 2):
        assert ask_reset(client, user.email).status_code == 302
    assert (
        len(smtp.wait_for(app.config["ACCOUNT_MAILS_PER_HOUR"] + 1, timeout=1))
        == (app.config["ACCOUNT_MAILS_PER_HOUR"])
    )


def test_token_is_stored_hashed_and_carries_enough_entropy(client, db, smtp):
    user = factories.make_user(Role.CUSTOMER)
    db.session.commit()
    ask_reset(client, user.email)
    token = (
        LINK.search(smtp.wait_for(1)[0].get_body(("plain",)).get_content())
        .group(1)
        .rsplit("/", 1)[1]
    )
    row = db.session.scalars(db.select(PasswordResetToken)).one()
    assert len(token) >= 43  # 32 random bytes, base64
    assert row.token_hash == logins.hash_token(token) and row.token_hash != token


def test_expired_token_is_refused(client, db, smtp):
    user = factories.make_user(Role.CUSTOMER)
    db.session.commit()
    ask_reset(client, user.email)
    path = LINK.search(smtp.wait_for(1)[0].get_body(("plain",)).get_content()).group(1)
    expires_at = db.session.scalars(db.select(PasswordResetToken)).one().expires_at
    with freeze_time(expires_at + timedelta(seconds=1)):
        response = client.post(
            path, data={"password": "a fresh passphrase", "confirm": "a fresh passphrase"}
        )
    assert "/password/forgot" in response.headers["Location"]
    db.session.expire_all()
    assert passwords.verify_password(db.session.get(type(user), user.id), factories.PASSWORD)


@pytest.mark.parametrize("token", ["", " ", "%00", "x" * 43])
def test_empty_or_made_up_tokens_are_refused(client, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code in (302, 404)


def test_reset_ends_every_session(app, client, login_as, db, smtp):
    user = login_as(Role.CUSTOMER)
    other = app.test_client()
    ask_reset(other, user.email)
    path = LINK.search(smtp.wait_for(1)[0].get_body(("plain",)).get_content()).group(1)
    other.post(path, data={"password": "a fresh passphrase", "confirm": "a fresh passphrase"})
    assert client.get("/").status_code == 302


def test_reset_email_is_in_the_users_language_and_right_to_left(client, db, smtp):
    user = factories.make_user(Role.CUSTOMER, language="fa")
    db.session.commit()
    ask_reset(client, user.email)
    message = smtp.wait_for(1)[0]
    html = message.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert message["Subject"] != "Reset your Casework password"
