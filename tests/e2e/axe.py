"""axe-core in the browser tests: find the script `npm ci` installed, run it on a page, and
report the violations that matter (impact critical or serious) by rule, target and page.

The app's CSP (`script-src 'self'`) refuses a `<script>` tag added to the page, but not a
context's init script: `prepare` loads axe that way, so the audited pages keep their CSP.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
HINT = (
    "axe-core is not installed: run `npm ci` in the repository root (it installs the version "
    "pinned in package-lock.json into node_modules/; `.ci/run` does it)."
)
BLOCKING = ("critical", "serious")
# Only the violations are collected: the passes and incomplete lists cost most of the run.
RUN = "axe.run(document, {resultTypes: ['violations']})"


def axe_script() -> Path:
    """The installed axe.min.js; without it fail when browser tests are required, else skip."""
    if not AXE_SCRIPT.exists():
        if os.environ.get("CASEWORK_REQUIRE_BROWSER"):
            pytest.fail(HINT)
        pytest.skip(HINT)
    return AXE_SCRIPT


def audit(page, url: str) -> list[dict]:
    """Open the page and return axe's critical and serious violations on it (the page's
    context must have been through `prepare`)."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    violations = page.evaluate(RUN)["violations"]
    return [
        {**violation, "page": url} for violation in violations if violation["impact"] in BLOCKING
    ]


def prepare(context) -> None:
    """Load axe into every page the context opens, before the page's own scripts."""
    context.add_init_script(path=str(axe_script()))


def report(violations: list[dict]) -> str:
    """One block per violation: impact, rule id, page, then each failing element's target."""
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']} on {violation['page']}: {violation['help']}"
        )
        for node in violation["nodes"][:10]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}  {summary[:200]}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more")
    return "\n".join(lines)
