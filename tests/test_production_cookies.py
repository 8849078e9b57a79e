"""In production both cookies that sign a person in carry the `__Host-` prefix: the browser
keeps them only when Secure, for this host alone (no Domain) and for the whole site (Path=/),
so a sibling subdomain or a plain-http page cannot plant or overwrite them (issue 13, item 10)."""

from __future__ import annotations

import pytest

from portal import create_app
from portal.config import load_settings
from portal.models import Role
from tests import factories
from tests.conftest import CsrfClient


def test_development_keeps_the_plain_cookie_names(monkeypatch, tmp_path):
    monkeypatch.delenv("CASEWORK_ENV", raising=False)
    settings = load_settings(str(tmp_path))
    assert settings["SESSION_COOKIE_NAME"] == "casework"
    assert settings["REMEMBER_COOKIE_NAME"] == "remember_token"


@pytest.fixture
def production(app, test_settings, monkeypatch):
    """A production application (secure, prefixed cookies) over the clean tables."""
    monkeypatch.setenv("CASEWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    made = create_app(test_settings)
    made.test_client_class = CsrfClient
    assert made.config["CASEWORK_ENV"] == "production"
    return made


def set_cookie_headers(response) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_production_remember_cookie_is_host_prefixed_and_signs_in(production, db):
    email = factories.make_user(Role.AGENT).email
    db.session.commit()  # SQLite: the test's session must not hold the write lock
    client = production.test_client()
    with production.app_context():
        response = client.post(
            "/login", data={"email": email, "password": factories.PASSWORD, "remember": "y"}
        )
        assert response.status_code == 302
        cookies = set_cookie_headers(response)
        assert set(cookies) == {"__Host-casework", "__Host-remember_token"}
        for header in cookies.values():
            attributes = [part.strip().lower() for part in header.split(";")[1:]]
            assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes
            assert not any(part.startswith("domain=") for part in attributes)

        # The remember cookie alone brings the person back, as in development.
        remembered = client.get_cookie("__Host-remember_token").value
        returning = production.test_client()
        returning.set_cookie("__Host-remember_token", remembered)
        assert returning.get("/agent").status_code == 200
