"""Rules for the suite itself: browser tests that wait instead of racing, and a test client that
does not load a page for a form post's CSRF token."""

from __future__ import annotations

import re
from pathlib import Path

from portal.models import Role

E2E = Path(__file__).resolve().parent / "e2e"
# `is_visible()` & co. answer at once (they do not wait); sleeping waits a guessed time.
RACY = re.compile(
    r"\.is_(visible|hidden|checked|enabled|disabled|editable)\(|wait_for_timeout\(|time\.sleep\("
)


def test_browser_tests_never_read_a_state_at_once_or_sleep():
    """They wait with Playwright's `expect(...)`: reading a state at once or sleeping races the
    browser, and fails when the machine is busy."""
    files = sorted(E2E.rglob("*.py"))
    assert len(files) >= 5
    found = [
        f"{path.relative_to(E2E.parent)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RACY.search(line)
    ]
    assert not found, "use expect(...) instead:\n" + "\n".join(found)


def test_the_client_makes_a_csrf_token_once_per_session_without_a_page(
    client, login_as, monkeypatch
):
    made, pages = [], []
    transaction, get = client.session_transaction, client.get
    monkeypatch.setattr(client, "session_transaction", lambda: made.append(1) or transaction())
    monkeypatch.setattr(client, "get", lambda *a, **kw: pages.append(a[0]) or get(*a, **kw))

    for language in ("fa", "en"):  # accepted: the token is the one the app checks
        assert client.post("/language", data={"language": language}).status_code == 302
    assert len(made) == 1
    login_as(Role.AGENT)  # the same session until it signs in, so the same token
    assert len(made) == 1
    # Signing in starts a new session: its token is made once, then kept.
    for language in ("fa", "en"):
        assert client.post("/language", data={"language": language}).status_code == 302
    assert len(made) == 2
    assert client.post("/logout").status_code == 302
    assert client.post("/language", data={"language": "fa"}).status_code == 302
    assert len(made) == 3 and pages == []
    assert (
        client.post("/language", data={"language": "en", "csrf_token": "forged"}).status_code == 400
    )
