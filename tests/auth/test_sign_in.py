"""Sign-in, sign-out, session revocation, throttling and safe redirects."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import ConfigError
from portal.domain.identity import passwords, registration, sessions
from portal.extensions import db as _db
from portal.models import AuditEvent, LoginAttempt, Role, UserSession
from tests import factories


def sign_in(client, email, password=factories.PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


def test_demo_style_login_reaches_home(app, client, db):
    user = factories.make_user(Role.AGENT, name="Amir Agent")
    db.session.commit()
    response = sign_in(client, user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert "Amir Agent" in home.get_data(as_text=True)


def test_wrong_password_shows_error_and_keeps_email(client, db):
    user = factories.make_user(Role.AGENT)
    db.session.commit()
    response = sign_in(client, user.email, "wrong password!")
    page = response.get_data(as_text=True)
    assert "Wrong email or password." in page
    assert f'value="{user.email}"' in page
    assert client.get("/").status_code == 302


def test_stored_hash_is_not_accepted_as_password(client, db):
    user = factories.make_user(Role.AGENT)
    db.session.commit()
    response = sign_in(client, user.email, user.password_hash)
    assert response.status_code in (200, 400)
    assert client.get("/").status_code == 302


def test_password_is_hashed_with_scrypt(app, test_settings):
    """The suite's app hashes cheaply (TESTING); an app configured for real uses scrypt."""
    settings = {
        k: v for k, v in test_settings.items() if k not in ("TESTING", "PASSWORD_HASH_METHOD")
    }
    production = create_app(settings)
    assert not production.testing
    with production.app_context():
        user = registration.register_customer(
            email="new@person.example", name="New Person", password="a long passphrase"
        )
        assert user.password_hash.startswith("scrypt:")
        assert "a long passphrase" not in user.password_hash
        assert passwords.verify_password(user, "a long passphrase")
        _db.session.rollback()
        _db.engine.dispose()


def test_a_cheap_password_hash_is_refused_outside_of_tests(test_settings):
    settings = {**test_settings, "TESTING": False}
    assert settings["PASSWORD_HASH_METHOD"] != "scrypt"
    with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD must be 'scrypt'"):
        create_app(settings)


def test_the_suite_hashes_passwords_cheaply(db):
    user = registration.register_customer(
        email="new@person.example", name="New Person", password="a long passphrase"
    )
    assert user.password_hash.startswith(f"{factories.PASSWORD_HASH_METHOD}$")
    assert passwords.verify_password(user, "a long passphrase")


def test_repeated_failures_throttle_that_address_from_that_client(app, client, db):
    user = factories.make_user(Role.AGENT)
    db.session.commit()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert sign_in(client, user.email, "not the password").status_code == 200
    throttled = sign_in(client, user.email)  # even the right password is refused now
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) > 0
    assert client.get("/").status_code == 302
    other_client = app.test_client()
    ok = other_client.post(
        "/login",
        data={"email": user.email, "password": factories.PASSWORD},
        environ_base={"REMOTE_ADDR": "10.9.8.7"},
    )
    assert ok.status_code == 302, "the real user must still get in from elsewhere"
    assert (
        db.session.scalar(
            db.select(db.func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.outcome == "throttled")
        )
        == 1
    )


def test_success_clears_failed_attempts(client, db):
    user = factories.make_user(Role.AGENT)
    db.session.commit()
    sign_in(client, user.email, "nope nope nope")
    sign_in(client, user.email)
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginAttempt)) == 0


def test_cookie_captured_before_logout_is_refused_after_it(app, client, login_as):
    login_as(Role.AGENT)
    captured = client.get_cookie("casework").value
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("casework", captured)
    response = replay.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_remember_cookie_is_refused_after_logout(app, client, login_as):
    login_as(Role.AGENT, remember=True)
    remember = client.get_cookie("remember_token").value
    client.post("/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/").status_code == 302


def test_remember_cookie_alone_signs_in_while_session_lives(app, client, login_as):
    login_as(Role.AGENT, remember=True)
    remember = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert fresh.get("/").status_code == 200


def test_password_change_ends_other_sessions_but_not_this_one(app, client, login_as, db):
    user = login_as(Role.AGENT)
    other_device = app.test_client()
    login_as(user, test_client=other_device)
    response = client.post(
        "/profile/password",
        data={
            "pw-current_password": factories.PASSWORD,
            "pw-password": "a brand new passphrase",
            "pw-confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302
    assert passwords.verify_password(db.session.get(type(user), user.id), "a brand new passphrase")


def test_password_change_requires_current_password(client, login_as, db):
    user = login_as(Role.AGENT)
    response = client.post(
        "/profile/password",
        data={
            "pw-current_password": "wrong one!",
            "pw-password": "a brand new passphrase",
            "pw-confirm": "a brand new passphrase",
        },
    )
    assert response.status_code == 400
    assert "This is not your current password." in response.get_data(as_text=True)
    db.session.expire_all()
    assert passwords.verify_password(db.session.get(type(user), user.id), factories.PASSWORD)


def test_deactivated_user_is_signed_out_at_next_request(app, client, login_as, db):
    user = login_as(Role.AGENT)
    admin = factories.make_user(Role.ADMIN)
    sessions.deactivate(db.session.get(type(user), user.id), by=admin)
    db.session.commit()
    assert client.get("/").status_code == 302
    assert sign_in(app.test_client(), user.email).status_code == 200  # cannot sign in again


def test_session_is_reissued_at_login(client, login_as):
    client.get("/login")
    before = client.get_cookie("casework").value
    login_as(Role.AGENT)
    after = client.get_cookie("casework").value
    assert before != after


def test_session_token_is_stored_hashed(client, login_as, db):
    login_as(Role.AGENT)
    row = db.session.scalars(db.select(UserSession)).one()
    assert len(row.token_hash) == 64
    assert row.token_hash not in client.get_cookie("casework").value


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/profile", "/profile"),
        ("/profile?tab=password", "/profile?tab=password"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("javascript:alert(1)", "/"),
        ("%2F%2Fevil.example", "/"),
        ("/\t/evil.example", "/"),
    ],
)
def test_next_redirect_stays_on_this_site(client, db, target, expected):
    user = factories.make_user(Role.AGENT)
    db.session.commit()
    response = sign_in(client, user.email, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_post_without_csrf_token_is_refused_and_changes_nothing(client, login_as, db):
    user = login_as(Role.AGENT)
    response = client.post(
        "/profile", data={"name": "Changed Name", "language": "fa", "timezone": "UTC"}, csrf=False
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(type(user), user.id).name == user.name


def test_login_without_csrf_token_is_refused(client, db):
    user = factories.make_user(Role.AGENT)
    db.session.commit()
    response = client.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD}, csrf=False
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_logout_requires_post(client, login_as):
    login_as(Role.AGENT)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200
