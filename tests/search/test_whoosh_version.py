"""The app refuses to start with a Whoosh other than the one requirements.txt pins."""

from __future__ import annotations

import pytest
from flask import Flask

from portal import create_app, search
from portal.search.whoosh_engine import version_check
from portal.search.whoosh_engine.version_check import (
    WhooshVersionError,
    check_whoosh_version,
    required_version,
)


def test_the_installed_whoosh_is_the_pinned_one():
    assert required_version() == "2.7.5"
    assert version_check.installed_version() == required_version()
    check_whoosh_version()


def test_another_version_is_refused_with_what_to_do(monkeypatch):
    monkeypatch.setattr(version_check, "installed_version", lambda: "2.7.6")
    with pytest.raises(WhooshVersionError) as refused:
        check_whoosh_version()
    assert str(refused.value) == (
        "Whoosh-Reloaded 2.7.6 is installed, but Casework's search requires "
        "Whoosh-Reloaded==2.7.5 (pinned in requirements.txt): portal/search/whoosh_engine "
        "reads Whoosh internals that other releases may change. Install the pinned version: "
        "pip install -r requirements.txt"
    )


def test_a_missing_whoosh_is_refused(monkeypatch):
    monkeypatch.setattr(version_check, "installed_version", lambda: None)
    with pytest.raises(
        WhooshVersionError,
        match=r"^Whoosh-Reloaded is not installed, but .*"
        r"requires Whoosh-Reloaded==2\.7\.5 .*pip install -r requirements\.txt$",
    ):
        check_whoosh_version()


def test_the_app_start_runs_the_check(monkeypatch, test_settings):
    monkeypatch.setattr(version_check, "installed_version", lambda: "2.8.0")
    with pytest.raises(WhooshVersionError, match=r"^Whoosh-Reloaded 2\.8\.0 is installed"):
        create_app(test_settings)
    # `create_app` gets there through `search.init_app`, which checks before it registers.
    with pytest.raises(WhooshVersionError, match=r"^Whoosh-Reloaded 2\.8\.0 is installed"):
        search.init_app(Flask(__name__))


@pytest.mark.parametrize(
    "line",
    [
        "Whoosh-Reloaded==2.7.5",
        "whoosh_reloaded == 2.7.5  # search engine",
        "WHOOSH.RELOADED==2.7.5; python_version >= '3.11'",
    ],
)
def test_the_pin_is_read_however_it_is_written(tmp_path, line):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(f"# pinned\nFlask==3.1.3\n{line}\n")
    assert required_version(requirements) == "2.7.5"


def test_requirements_without_a_pin_are_refused(tmp_path):
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("Flask==3.1.3\nWhoosh-Reloaded>=2.7\n")
    with pytest.raises(WhooshVersionError, match="pins no Whoosh-Reloaded version"):
        check_whoosh_version(requirements)
    with pytest.raises(WhooshVersionError, match="Cannot read the pinned"):
        check_whoosh_version(tmp_path / "missing.txt")
