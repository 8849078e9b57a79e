"""The browser tests wait with Playwright's `expect(...)`, never by reading a state at once or by
sleeping: both race the browser and fail when the machine is busy."""

from __future__ import annotations

import re
from pathlib import Path

E2E = Path(__file__).resolve().parent / "e2e"
# `is_visible()` & co. answer at once (they do not wait); sleeping waits a guessed time.
RACY = re.compile(
    r"\.is_(visible|hidden|checked|enabled|disabled|editable)\(|wait_for_timeout\(|time\.sleep\("
)


def test_browser_tests_never_read_a_state_at_once_or_sleep():
    files = sorted(E2E.rglob("*.py"))
    assert len(files) >= 5
    found = [
        f"{path.relative_to(E2E.parent)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RACY.search(line)
    ]
    assert not found, "use expect(...) instead:\n" + "\n".join(found)
