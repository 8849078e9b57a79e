"""Rules for the suite itself: browser tests that wait instead of racing, and a test client that
does not load a page before every form post."""

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


def test_the_client_reads_a_csrf_token_once_per_session(client, login_as, monkeypatch):
    pages = []
    get = client.get
    monkeypatch.setattr(client, "get", lambda *a, **kw: pages.append(a[0]) or get(*a, **kw))

    for language in ("fa", "en"):
        assert client.post("/language", data={"language": language}).status_code == 302
    assert pages == ["/login"]
    login_as(Role.AGENT)  # the same session until it signs in, so the same token
    assert pages == ["/login"]
    # Signing in starts a new session: its token is read once, then kept.
    for language in ("fa", "en"):
        assert client.post("/language", data={"language": language}).status_code == 302
    assert pages == ["/login", "/login"]
    assert client.post("/logout").status_code == 302
    assert client.post("/language", data={"language": "fa"}).status_code == 302
    assert pages == ["/login", "/login", "/login"]
