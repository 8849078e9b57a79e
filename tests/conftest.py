"""Fixtures: `app` (clean database, temporary folders), `db`, `client`, `login_as`.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set (in a
database of its own beside that one, so parallel runs do not collide). The schema and the
application are built once per run (per pytest-xdist worker); every test starts from empty
tables.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import BadSignature, URLSafeTimedSerializer

from portal import create_app
from portal.extensions import db as _db
from portal.extensions import limiter
from tests import factories

# The hand-worked KPI week (`week` fixture) for the KPI, dashboard, goal and report tests.
pytest_plugins = ["tests.kpi_week"]

# Apps made by tests never read or write a key in the checkout's instance/ folder (parallel
# workers on a fresh clone would race to create it).
os.environ.setdefault("SECRET_KEY", "test-secret-key")

CSRF_FIELD = "csrf_token"  # Flask-WTF's session key and form field
CSRF_PATTERN = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


# The browser tests that visit every main page (the longest): one worker runs them, another the
# rest of tests/e2e.
BROWSER_AUDITS = ("tests/e2e/test_page_audits.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadgroup` with the browser tests (tests/e2e) in two groups of about equal
    length, the page audits and the journeys, so that each of two workers starts one live server
    and one Chromium, and the rest of the suite fills the gaps. (pytest-xdist groups
    `xdist_group` marks by renaming node ids, which pytest 9 ignores; this groups by path.)"""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class BrowserTestsTogether(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(BROWSER_AUDITS):
                return "browser-audits"
            if nodeid.startswith("tests/e2e/"):
                return "browser"
            return super()._split_scope(nodeid)

    return BrowserTestsTogether(config, log)


@contextmanager
def private_database(tmp_path_factory) -> Iterator[str]:
    """SQLite in a temporary folder, or a PostgreSQL database of this run's own, created
    beside TEST_DATABASE_URL's and dropped at the end, so that runs at the same time on one
    server never empty each other's tables."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    name = f"{url.rsplit('/', 1)[1]}_run{os.getpid()}"
    admin = sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        # A throwaway database: commits need not wait for the write-ahead log's fsync.
        connection.exec_driver_sql(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


class CsrfClient(FlaskClient):
    """A test client that sends the page's CSRF token with form posts, as a browser would.

    The token is made once per session and reused, as a browser reuses the token of the page
    it has open: it stays valid until the session's CSRF secret changes (sign-in and sign-out
    start a new session), and then the next post gets a fresh one. It is made as Flask-WTF
    makes a page's token (a secret kept in the session, signed), without rendering a page: a
    page per sign-in was a tenth of the suite's time.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._csrf_token: tuple[str, str] | None = None  # (the session's secret, its token)

    def _csrf_secret(self) -> str | None:
        """The CSRF secret in this client's session cookie, if it has one."""
        app = self.application
        try:
            cookie = self.get_cookie(app.config["SESSION_COOKIE_NAME"])
        except TypeError:  # a client made with use_cookies=False
            return None
        serializer = app.session_interface.get_signing_serializer(app)
        if cookie is None or serializer is None:
            return None
        try:
            return serializer.loads(cookie.value).get(CSRF_FIELD)
        except BadSignature:
            return None

    def csrf_token(self) -> str:
        secret = self._csrf_secret()
        if secret is None or self._csrf_token is None or self._csrf_token[0] != secret:
            try:
                with self.session_transaction() as session:
                    secret = session.setdefault(
                        CSRF_FIELD, hashlib.sha1(os.urandom(64)).hexdigest()
                    )
            except TypeError:  # a client made with use_cookies=False: read a page's token
                page = self.get("/login", follow_redirects=True).get_data(as_text=True)
                match = CSRF_PATTERN.search(page)
                assert match, "no CSRF token on the page"
                return match.group(1) or match.group(2)
            app = self.application
            signer = URLSafeTimedSerializer(
                app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token"
            )
            self._csrf_token = (secret, signer.dumps(secret))
        return self._csrf_token[1]

    def open(self, *args, follow_redirects: bool = False, **kwargs):
        # What the test set up is committed first, as it would be before a real browser
        # came along; then each request gets its own app context (its own `g` and database
        # session), as in production, and the test's session sees the request's changes.
        _db.session.commit()
        _db.session.expire_all()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            response.make_sequence()  # the body, read as a server sends it
        # Then the response is closed, as a server does once it has sent it: the work left for
        # after the answer (`response.call_on_close`: account emails) runs now, outside the
        # request's app context. Redirects are followed one request at a time, each the same.
        response.close()
        seen = set()
        while follow_redirects and response.status_code in {301, 302, 303, 305, 307, 308}:
            hop = (response.location, response.status_code)
            if hop in seen:
                raise RuntimeError(f"redirect loop at {hop}")
            seen.add(hop)
            response = self.resolve_redirect(response)
        return response

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            data = kwargs.setdefault("data", {})
            if isinstance(data, dict) and CSRF_FIELD not in data:
                data[CSRF_FIELD] = self.csrf_token()
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("casework")
    with private_database(tmp_path_factory) as url:
        yield _settings(folder, url)


def _settings(folder, url: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": url,
        "SEARCH_INDEX_DIR": str(folder / "search_index"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "console",
        "BASE_URL": "http://casework.test",
        "PASSWORD_HASH_METHOD": factories.PASSWORD_HASH_METHOD,
    }


@pytest.fixture(scope="session")
def _schema(test_settings):
    """Build the schema once for the whole run."""
    app = create_app(test_settings)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        _db.engine.dispose()
    yield


def _empty_tables() -> None:
    """Delete every row and restart the id sequences, so ids count from 1 in every test on both
    engines. (DELETE, not TRUNCATE: on PostgreSQL a TRUNCATE makes new files for every table,
    some 0.2 s, where deleting the few rows a test made takes milliseconds.)"""
    engine = _db.engine
    with engine.begin() as connection:
        for table in reversed(_db.metadata.sorted_tables):
            connection.execute(table.delete())
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(
                "SELECT setval(oid::regclass, 1, false) FROM pg_class WHERE relkind = 'S'"
            )


@pytest.fixture(scope="session")
def _shared_app(_schema, test_settings) -> Flask:
    """The application the tests share: building one compiles every URL rule, and a shared one
    keeps its compiled templates and SQL statements from test to test."""
    application = create_app(test_settings)
    application.test_client_class = CsrfClient
    return application


@pytest.fixture
def app(request, _shared_app, test_settings, tmp_path):
    """The application over empty tables, with upload and index folders of the test's own.

    Shared by the tests: settings a test changes in `app.config` are put back after it. A test
    that adds routes or blueprints is marked `@pytest.mark.fresh_app` and gets its own.
    """
    folders = {"UPLOAD_DIR": str(tmp_path / "uploads"), "SEARCH_INDEX_DIR": str(tmp_path / "index")}
    if request.node.get_closest_marker("fresh_app"):
        application = create_app({**test_settings, **folders})
        application.test_client_class = CsrfClient
    else:
        application = _shared_app
    settings = dict(application.config)
    application.config.update(folders)
    # Flask-Limiter keeps `enabled` on its one instance, as the last app made set it (tests
    # make rate-limited apps of their own): this app's setting again.
    limiter.enabled = application.config["RATELIMIT_ENABLED"]
    try:
        with application.app_context():
            _empty_tables()
            yield application
            _db.session.remove()
            _db.engine.dispose()
    finally:
        application.config.clear()
        application.config.update(settings)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def login_as(app, client):
    """Sign the client in as a user (or a new user of a role); returns the user."""

    def sign_in(user_or_role, *, remember: bool = False, test_client=None):
        user = (
            user_or_role
            if not isinstance(user_or_role, str)
            else factories.make_user(role=user_or_role)
        )
        _db.session.commit()
        target = test_client or client
        response = target.post(
            "/login",
            data={
                "email": user.email,
                "password": factories.PASSWORD,
                "remember": "y" if remember else "",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return sign_in


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 that the app sends its mail to."""
    from tests.mailbox import LoopbackSMTP

    with LoopbackSMTP() as server:
        app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        yield server


@pytest.fixture
def count_queries(app):
    """Count SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        sa.event.listen(_db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa.event.remove(_db.engine, "before_cursor_execute", record)

    return counting
