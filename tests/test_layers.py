"""The import contracts of .importlinter hold, and a forbidden import breaks `make lint`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "portal", tree / "portal", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", tree / ".importlinter")
    return tree


def _add_import(module: Path, line: str) -> None:
    module.write_text(f"{line}  # noqa\n" + module.read_text())


def test_a_domain_module_importing_a_blueprint_breaks_the_contracts(tmp_path):
    tree = _copy(tmp_path)
    _add_import(tree / "portal/domain/cases/filing.py", "from portal.agent import forms")
    result = _lint(tree)
    assert result.returncode == 1
    assert "portal.domain is not allowed to import portal.agent" in result.stdout


def test_a_blueprint_reaching_past_a_domain_package_api_breaks_the_contracts(tmp_path):
    tree = _copy(tmp_path)
    _add_import(tree / "portal/customer/views.py", "from portal.domain.voc import surveys")
    result = _lint(tree)
    assert result.returncode == 1
    assert "Only portal.domain.voc itself imports its private modules" in result.stdout
    assert "- portal.customer.views -> portal.domain.voc.surveys (l.1)" in result.stdout
