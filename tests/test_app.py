"""Settings, database pragmas, error pages, headers, and routes that must not be open."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.config import ConfigError, load_settings
from portal.extensions import db as _db
from portal.models import Case, Role
from tests import factories

# Routes a visitor may open without signing in. A new route must be added here or be gated.
PUBLIC_ENDPOINTS = {
    "auth.login",
    "auth.register",
    # "check your inbox" after registering, and the emailed links (the token is the credential)
    "auth.check_inbox",
    "auth.confirm_registration",
    "auth.accept_invitation",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.set_language",
    "home.index",
    "home.healthz",
    "static",
    # signed survey links work without signing in (the token is the credential)
    "feedback.survey",
    "feedback.rate",
    "feedback.thanks",
    "feedback.survey_comment",
}


def sample_url(rule: str) -> str:
    """A concrete URL for a route rule: 1 for int parts, CS-000001 for case numbers, x else."""
    import re

    rule = re.sub(r"<int:[^>]+>", "1", rule)
    rule = rule.replace("<number>", "CS-000001")
    return re.sub(r"<[^>]+>", "x", rule)


def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_settings(str(tmp_path))


def test_development_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("CASEWORK_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_settings(str(tmp_path))["SECRET_KEY"]
    second = load_settings(str(tmp_path))["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_cookies_are_secure_and_host_prefixed(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    settings = load_settings(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] and settings["REMEMBER_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert settings["DEBUG"] is False


def test_bad_number_setting_says_what_to_fix(monkeypatch, tmp_path):
    monkeypatch.setenv("MAIL_PORT", "twenty-five")
    with pytest.raises(ConfigError, match="MAIL_PORT must be a whole number"):
        load_settings(str(tmp_path))


def test_sqlite_connections_are_configured_for_safety(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    with app.app_context(), _db.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 5000
        assert pragma("synchronous") == 2  # FULL: a commit waits for the disk
    with app.app_context():
        _db.engine.dispose()


def test_the_suites_databases_skip_the_fsync_at_commit(db):
    """Test databases are thrown away, so their commits do not wait for the disk."""
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 0  # OFF
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        else:
            assert connection.exec_driver_sql("SHOW synchronous_commit").scalar() == "off"


def test_foreign_keys_are_enforced(db):
    db.session.add(Case(subject="orphan", queue_id=987654, tier=1))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_unknown_page_is_a_localized_404_without_internals(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "fa"})
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert 'dir="rtl"' in page and "یافت نشد" in page


def test_api_clients_get_json_errors(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["status"] == 404


@pytest.mark.fresh_app
def test_unexpected_error_is_a_500_page_without_traceback(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/_boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    response = client.get("/_boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Traceback" not in page and "secret internals" not in page
    assert "Nothing was saved" in page


def test_oversized_request_is_refused_with_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "a@b.example", "password": "x" * 5000})
    assert response.status_code == 413


def test_security_headers_on_an_authenticated_page(client, login_as):
    login_as(Role.AGENT)
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Cookie" in response.headers["Vary"]


def test_style_sheets_and_scripts_are_fetched_once_per_version(client, login_as, count_queries):
    """Pages link static files under a hash of their content, kept for a year; a signed-in
    page is never stored, but the files it links are, and serving them reads no database."""
    login_as(Role.AGENT)
    page = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert any(".css?v=" in link for link in links) and any(".js?v=" in link for link in links)
    for link in links:
        with count_queries() as queries:
            response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200, link
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert queries == [], link
    path = links[0].split("?")[0]
    for stale in (path, f"{path}?v=000000000000"):  # no version, or a file that has changed
        assert client.get(stale).headers["Cache-Control"] == "no-cache"


def test_session_cookie_attributes(client, login_as):
    login_as(Role.AGENT)
    cookie = client.get_cookie("casework")
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/"
    assert cookie.origin_only  # no Domain attribute: the cookie never goes to subdomains


def test_every_route_is_gated_or_deliberately_public(app, client):
    """AC-02: anonymous visitors are sent to sign in everywhere but the allowlist."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = sample_url(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(
                url,
                method=method,
                data={"csrf_token": client.csrf_token()} if method == "POST" else None,
            )
            assert response.status_code in (302, 401), (method, rule.rule, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"]


def test_every_post_route_refuses_a_missing_or_foreign_csrf_token(app, client, login_as, db):
    """CS-01: no token, or another session's token, is refused with 400 and changes nothing."""
    login_as(Role.ADMIN)
    foreign = app.test_client().csrf_token()
    before = db.session.scalar(
        sa.select(sa.func.count()).select_from(db.metadata.tables["audit_events"])
    )
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        url = sample_url(rule.rule)
        for token in (None, foreign):
            data = {} if token is None else {"csrf_token": token}
            response = client.post(url, data=data, csrf=False)
            assert response.status_code == 400, (rule.rule, token is None)
    after = db.session.scalar(
        sa.select(sa.func.count()).select_from(db.metadata.tables["audit_events"])
    )
    assert after == before
    assert client.get("/").status_code == 200  # still signed in: logout was refused too


def test_healthz_reports_database_state(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_idle_session_expires(client, login_as, app):
    from datetime import timedelta

    from freezegun import freeze_time

    from portal.models._base import utcnow

    login_as(Role.AGENT)
    with freeze_time(utcnow() + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)):
        assert client.get("/").status_code == 302


def test_home_page_query_count_does_not_grow_with_data(client, login_as, count_queries, db):
    login_as(Role.SUPERVISOR)
    for _ in range(3):
        factories.make_case()
    with count_queries() as few:
        client.get("/")
    for _ in range(30):
        factories.make_case()
    with count_queries() as many:
        page = client.get("/").get_data(as_text=True)
    assert page.count('class="case-number"') == 20
    assert len(many) == len(few)
    assert len(many) <= 8


def test_profile_refuses_a_time_zone_not_in_the_picker(client, login_as):
    login_as(Role.CUSTOMER)
    response = client.post(
        "/profile", data={"name": "Nima", "language": "en", "timezone": "Mars/Olympus"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Nima"' in page and "Choose a time zone from the list." in page


def test_profile_update_changes_name_language_and_zone(client, login_as, db):
    user = login_as(Role.CUSTOMER)
    response = client.post(
        "/profile",
        data={
            "name": "Nima Rahimi",
            "language": "fa",
            "timezone": "Asia/Tehran",
            "notify_by_email": "",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(type(user), user.id)
    assert (saved.name, saved.language, saved.timezone, saved.notify_by_email) == (
        "Nima Rahimi",
        "fa",
        "Asia/Tehran",
        False,
    )
    assert saved.contact.name == "Nima Rahimi"


def test_create_app_accepts_overrides(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "k"}
    )
    assert app.config["SECRET_KEY"] == "k"


def test_password_reset_requests_are_rate_limited(app, test_settings):
    """RL-03: flooding the reset form gets 429 after the documented 5 per 15 minutes."""
    from tests.conftest import CsrfClient

    limited = create_app({**test_settings, "RATELIMIT_ENABLED": True})
    limited.test_client_class = CsrfClient
    client = limited.test_client()
    with limited.app_context():
        statuses = [
            client.post("/password/forgot", data={"email": f"x{n}@nowhere.example"}).status_code
            for n in range(7)
        ]
    assert statuses[:5] == [302] * 5
    assert statuses[5:] == [429, 429]
