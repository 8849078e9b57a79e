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
def live_server(tmp_path_factory):
    """`flask run` on 127.0.0.1 over a fresh SQLite database seeded with the demo data."""
    folder = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "SECRET_KEY": "e2e-secret",
        "SEARCH_INDEX_DIR": str(folder / "index"),
        "UPLOAD_DIR": str(folder / "uploads"),
    }
    env.pop("MAIL_SERVER", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(
        [*flask, "seed-demo", "--cases", "40"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(
        [*flask, "run", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    base_url = f"http://127.0.0.1:{port}"
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
