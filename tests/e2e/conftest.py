"""The portal served on a port of its own, with demo data, driven by Debian's Chromium through
Playwright; helpers to sign in, switch language and take screenshots for the browser tests."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
DEMO_PASSWORD = "casework-demo"
VIEWPORT = {"width": 1280, "height": 900}
NAVBAR_EXPANDS_AT = 992  # px: Bootstrap's `navbar-expand-lg`; narrower, the menu is collapsed
SERVER_START_SECONDS = 180  # migrating, seeding and indexing, on a loaded machine

# Pages, menus and redirects take their time on a busy machine: every expect() waits this long.
expect.set_options(timeout=15_000)


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
    """The portal over a fresh SQLite database seeded with the demo data (tests/e2e/serve.py),
    on a port the OS gave that process; its log is server.log in the live folder."""
    folder = Path(live_settings["LOG_FOLDER"])
    with open(folder / "server.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.serve"],
            cwd=ROOT,
            env={**os.environ, **live_settings},
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            ready, _, _ = select.select([server.stdout], [], [], SERVER_START_SECONDS)
            port = server.stdout.readline().strip() if ready else ""
            if not port.isdigit():
                raise RuntimeError(f"the server did not start; see {folder / 'server.log'}")
            base_url = f"http://127.0.0.1:{port}"
            urllib.request.urlopen(f"{base_url}/healthz", timeout=30).close()
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One Chromium for the whole run; every test gets fresh contexts (cookies, storage) of it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def signed_in_states() -> dict[str, dict]:
    """Each demo user's cookies after one sign-in through the form, for later pages to reuse (a
    new browser context that starts with them skips the form, as a returning visitor would)."""
    return {}


@pytest.fixture
def new_page(browser, live_server, signed_in_states):
    """`new_page(user=None, *, language=None, **context_options)`: a page in a fresh browser
    context (cookies of its own) on the live server, signed in as `user` (a demo address) on
    the home page, and switched to `language` when given. The first page of a user signs in
    through the form; later ones start from its cookies (and sign in again if that session has
    ended). A test fails if any of its pages opened a dialog."""
    contexts = []
    dialogs = []

    def make(user: str | None = None, *, language: str | None = None, **options):
        state = signed_in_states.get(user) if user else None
        context = browser.new_context(
            **{"base_url": live_server, "viewport": VIEWPORT, "storage_state": state, **options}
        )
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        if user:
            if state:
                page.goto("/")
                page.wait_for_load_state()
            if not state or page.locator("#account-menu").count() == 0:
                context.clear_cookies()
                sign_in(page, user)
                signed_in_states[user] = context.storage_state()
        if language:
            switch_language(page, language)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not dialogs, f"a page opened a dialog: {dialogs}"


@pytest.fixture
def page(new_page):
    """A page in a fresh browser context, signed out."""
    return new_page()


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the form (in whatever language the page is) and wait until signed in."""
    page.goto("/login")
    form = page.locator("main form[method='post']")
    form.locator("input[name='email']").fill(email)
    form.locator("input[name='password']").fill(password)
    form.locator("button[type='submit']").click()
    expect(page.locator("#account-menu")).to_be_attached()  # hidden in a phone's closed menu
    page.wait_for_load_state()  # the page's scripts (menus) are ready


REGISTRATION_PASSWORD = "a long enough passphrase"
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:\d+(/register/confirm/[A-Za-z0-9_\-]+)")


def register(page, email: str, name: str) -> None:
    """Register through the form; the answer is "check your inbox" whoever owns the address."""
    page.goto("/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(REGISTRATION_PASSWORD)
    page.get_by_label("Repeat the password").fill(REGISTRATION_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/register/check-inbox$"))


def confirmation_link(live_smtp, email: str) -> str:
    """The path of the link the live server emailed to confirm a registration of `email`."""
    messages = live_smtp.wait_for_mail_to(email, subject="Confirm your email address")
    assert messages, f"no confirmation email to {email}"
    match = CONFIRM_LINK.search(messages[-1].get_body(("plain",)).get_content())
    assert match, "no confirmation link in the email"
    return match.group(1)


def register_and_confirm(page, live_smtp, email: str, name: str) -> None:
    """Register, then follow the emailed link with the password: signed in, on /my."""
    register(page, email, name)
    page.goto(confirmation_link(live_smtp, email))
    page.get_by_label("The password you chose").fill(REGISTRATION_PASSWORD)
    page.get_by_role("button", name="Confirm my address").click()
    expect(page).to_have_url(re.compile(r"/my$"))


def switch_language(page, code: str) -> None:
    """Press the top bar's language button (opening the collapsed menu on narrow screens) and
    wait for the page in that language."""
    button = page.locator(f"form.nav-lang button[value='{code}']")
    if page.viewport_size and page.viewport_size["width"] < NAVBAR_EXPANDS_AT:
        page.wait_for_load_state()  # Bootstrap opens the menu once its script has run
        page.locator(".navbar-toggler").click()
        # Open, not opening: a click during the animation can miss the button.
        expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
    button.click()
    expect(page.locator("html")).to_have_attribute("lang", code)
    page.wait_for_load_state()


@pytest.fixture
def english_afterwards(live_app):
    """A test that switches a demo user's language (remembered on the user) puts English back
    afterwards, for the tests that expect the demo logins in English."""
    yield
    from portal import demo
    from portal.extensions import db
    from portal.models import User

    with live_app.app_context():
        emails = [entry[0] for entry in demo.STAFF + demo.CUSTOMERS]
        db.session.execute(db.update(User).where(User.email.in_(emails)).values(language="en"))
        db.session.commit()


@pytest.fixture
def screenshot(request):
    """`screenshot(page, step, lang=None)` saves test-artifacts/<test>/<step>-<lang>.png, `lang`
    being the page's own unless given, and returns the PNG's bytes. A test's first screenshot
    clears what an earlier run left in its folder."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    first = True

    def shoot(page, step: str, lang: str | None = None, *, full_page: bool = True) -> bytes:
        nonlocal first
        folder.mkdir(parents=True, exist_ok=True)
        if first:
            for old in folder.glob("*.png"):
                old.unlink(missing_ok=True)
            first = False
        lang = lang or page.locator("html").get_attribute("lang") or "none"
        png = page.screenshot(full_page=full_page)
        path = folder / f"{step}-{lang}.png"
        partial = folder / f".{path.name}.{os.getpid()}"
        partial.write_bytes(png)
        partial.replace(path)  # whole files only, even with another run writing the same one
        return png

    return shoot
