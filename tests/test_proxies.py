"""TRUSTED_PROXIES: behind a reverse proxy the rate limits and the sign-in throttling count the
real client's address, and without one a forged X-Forwarded-For changes nothing (RL-02)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.config import ConfigError, load_settings
from portal.models import LoginAttempt, Role
from tests import factories
from tests.conftest import CsrfClient

CLIENT = "203.0.113.7"
OTHER_CLIENT = "198.51.100.2"


@pytest.fixture
def make_app(app, test_settings):
    """An application of the test's own (ProxyFix wraps it at creation) over the clean tables."""

    def make(**settings):
        made = create_app({**test_settings, **settings})
        made.test_client_class = CsrfClient
        return made

    return make


def an_agents_email(db) -> str:
    """A new agent's address; the test's own session then holds no transaction (on SQLite every
    transaction takes the write lock, which the other application's requests wait for)."""
    email = factories.make_user(Role.AGENT).email
    db.session.commit()
    return email


def forgot(client, *, forwarded_for: str | None = None) -> int:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(
        "/password/forgot", data={"email": "someone@nowhere.example"}, headers=headers
    ).status_code


def sign_in(client, email: str, password: str, *, forwarded_for: str) -> int:
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
    ).status_code


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_reset_the_limit(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=0)
    client = limited.test_client()
    with limited.app_context():
        statuses = [forgot(client, forwarded_for=f"10.0.0.{n}") for n in range(1, 8)]
    assert statuses == [302] * 5 + [429, 429]


def test_behind_one_proxy_each_client_has_its_own_limit(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1)
    client = limited.test_client()
    with limited.app_context():
        statuses = [forgot(client, forwarded_for=CLIENT) for _ in range(5)]
        # A value the client made up comes first; the proxy appends the address it saw.
        forged = forgot(client, forwarded_for=f"10.9.9.9, {CLIENT}")
        other = forgot(client, forwarded_for=OTHER_CLIENT)
    assert statuses == [302] * 5
    assert forged == 429
    assert other == 302


def test_behind_one_proxy_bad_passwords_lock_out_only_the_guessers_address(make_app, db):
    behind_proxy = make_app(TRUSTED_PROXIES=1)
    email = an_agents_email(db)
    guesser, owner = behind_proxy.test_client(), behind_proxy.test_client()
    with behind_proxy.app_context():
        failures = [sign_in(guesser, email, "wrong", forwarded_for=CLIENT) for _ in range(5)]
        refused = sign_in(guesser, email, factories.PASSWORD, forwarded_for=CLIENT)
        signed_in = sign_in(owner, email, factories.PASSWORD, forwarded_for=OTHER_CLIENT)
    assert failures == [200] * 5
    assert refused == 429
    assert signed_in == 302
    recorded = db.session.scalars(sa.select(LoginAttempt.ip_address)).all()
    assert recorded == [CLIENT] * 5


def test_without_trusted_proxies_a_forged_forwarded_for_does_not_escape_the_lockout(make_app, db):
    direct = make_app(TRUSTED_PROXIES=0)
    email = an_agents_email(db)
    client = direct.test_client()
    with direct.app_context():
        for n in range(5):
            assert sign_in(client, email, "wrong", forwarded_for=f"10.0.0.{n}") == 200
        assert sign_in(client, email, factories.PASSWORD, forwarded_for=OTHER_CLIENT) == 429
    assert set(db.session.scalars(sa.select(LoginAttempt.ip_address))) == {"127.0.0.1"}


def test_a_forwarded_value_that_is_no_address_counts_as_unknown(make_app, db):
    """A proxy count set too high lets the client's own header through: the throttling then
    keeps "unknown", never the text (which could be longer than the column)."""
    behind_proxy = make_app(TRUSTED_PROXIES=1)
    email = an_agents_email(db)
    client = behind_proxy.test_client()
    with behind_proxy.app_context():
        assert sign_in(client, email, "wrong", forwarded_for="x" * 300) == 200
    assert db.session.scalars(sa.select(LoginAttempt.ip_address)).all() == ["unknown"]


def test_trusted_proxies_is_read_from_the_environment(monkeypatch, tmp_path):
    assert load_settings(str(tmp_path))["TRUSTED_PROXIES"] == 0
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert load_settings(str(tmp_path))["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("TRUSTED_PROXIES", "one")
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must be a whole number"):
        load_settings(str(tmp_path))


def test_a_negative_proxy_count_refuses_to_start(test_settings):
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES must be 0 or a number of proxies"):
        create_app({**test_settings, "TRUSTED_PROXIES": -1})
