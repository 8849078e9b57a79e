"""A real server on a free port, with demo data, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.mailbox import free_port

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        reason = (
            "Chromium is not installed: run `apt-get install chromium` (Debian's package) "
            "to run the browser tests."
        )
        if os.environ.get("CASEWORK_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def live_smtp():
    """The SMTP server the live portal sends its mail to (aiosmtpd on 127.0.0.1)."""
    from tests.mailbox import LoopbackSMTP

    with LoopbackSMTP() as server:
        yield server


@pytest.fixture(scope="session")
def live_settings(tmp_path_factory, live_smtp) -> dict:
    """The environment of the live server; tests open the same database and mail server."""
    folder = tmp_path_factory.mktemp("live")
    return {
        "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "SECRET_KEY": "e2e-secret",
        "SEARCH_INDEX_DIR": str(folder / "index"),
        "UPLOAD_DIR": str(folder / "uploads"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(live_smtp.port),
        "LOG_FOLDER": str(folder),
        "NOTIFICATION_POLL_SECONDS": "1",  # the badge test need not wait 45 s
    }


@pytest.fixture(scope="session")
def live_app(live_settings):
    """An app object over the live server's database, for arranging data through services."""
    from portal import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": live_settings["DATABASE_URL"],
            "SECRET_KEY": live_settings["SECRET_KEY"],
            "UPLOAD_DIR": live_settings["UPLOAD_DIR"],
            "SEARCH_INDEX_DIR": live_settings["SEARCH_INDEX_DIR"],
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": int(live_settings["MAIL_PORT"]),
        }
    )


@pytest.fixture(scope="session")
def live_server(live_settings):
    """`flask run` on 127.0.0.1 over a fresh SQLite database seeded with the demo data."""
    folder = Path(live_settings["LOG_FOLDER"])
    env = {**os.environ, **live_settings}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "seed-demo", "--cases", "40"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    subprocess.run(
        [*flask, "search", "rebuild"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env["BASE_URL"] = base_url
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [*flask, "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base_url}/healthz", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(
                    f"the server did not start; see {folder / 'server.log'}"
                ) from None
            time.sleep(0.2)
    yield base_url
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture
def page(chromium_path, live_server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield page
        context.close()
        browser.close()
        assert not dialogs, f"a page opened a dialog: {dialogs}"


@pytest.fixture(scope="session", autouse=True)
def _clean_artifacts():
    shutil.rmtree(ARTIFACTS / "screenshots", ignore_errors=True)
