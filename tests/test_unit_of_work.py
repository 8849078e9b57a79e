"""One unit of work per request: a view's changes are committed when it succeeds and rolled back
when it answers with an error; views never commit or roll back themselves."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import abort

from portal.infra.unit_of_work import attempt, keep_changes
from portal.kernel.errors import InvalidTransition
from portal.models import Account

PORTAL = Path(__file__).resolve().parent.parent / "portal"


def _saved(db, name: str) -> bool:
    """Whether an account of this name is in the database (read in a new transaction)."""
    db.session.remove()
    return db.session.scalar(sa.select(sa.func.count()).where(Account.name == name)) == 1


def _add(db, name: str) -> None:
    db.session.add(Account(name=name, email_domain=f"{name}.example"))
    db.session.flush()


@pytest.mark.fresh_app
def test_a_view_that_succeeds_or_redirects_keeps_its_changes(app, client, db):
    @app.post("/_saves")
    def saves():
        _add(db, "saved")
        return "ok"

    @app.post("/_redirects")
    def redirects():
        _add(db, "redirected")
        return "", 302, {"Location": "/"}

    assert client.post("/_saves").status_code == 200
    assert client.post("/_redirects").status_code == 302
    assert _saved(db, "saved") and _saved(db, "redirected")


@pytest.mark.fresh_app
def test_a_view_that_answers_an_error_loses_its_half_done_changes(app, client, db):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/_refuses")
    def refuses():
        _add(db, "refused")
        return "no", 400

    @app.post("/_aborts")
    def aborts():
        _add(db, "aborted")
        abort(403)

    @app.post("/_crashes")
    def crashes():
        _add(db, "crashed")
        raise RuntimeError("boom")

    assert client.post("/_refuses").status_code == 400
    assert client.post("/_aborts").status_code == 403
    assert client.post("/_crashes").status_code == 500
    assert not _saved(db, "refused") and not _saved(db, "aborted") and not _saved(db, "crashed")


@pytest.mark.fresh_app
def test_a_refusal_that_must_be_recorded_is_kept(app, client, db):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.post("/_counts")
    def counts():
        _add(db, "attempt")
        keep_changes()
        return "wrong password", 401

    @app.post("/_throttled")
    def throttled():
        _add(db, "throttled")
        keep_changes()
        raise InvalidTransition("too many")

    assert client.post("/_counts").status_code == 401
    assert client.post("/_throttled").status_code == 400
    assert _saved(db, "attempt") and _saved(db, "throttled")


@pytest.mark.fresh_app
def test_attempt_undoes_a_refused_call_before_the_view_explains_it(app, client, db):
    @app.post("/_explains")
    def explains():
        _add(db, "before")  # the view's own change, made before the refused call
        try:
            with attempt():
                _add(db, "half-done")
                raise InvalidTransition("closed")
        except InvalidTransition:
            seen = db.session.scalar(sa.select(sa.func.count()).select_from(Account))
            return f"refused, {seen} accounts", 302, {"Location": "/"}
        return "accepted"

    response = client.post("/_explains")
    assert response.get_data(as_text=True) == "refused, 0 accounts"
    assert not _saved(db, "half-done") and not _saved(db, "before")


def test_no_view_commits_or_rolls_back_by_itself():
    """Views are the modules of the blueprints (their `views.py` or `views/` package)."""
    offenders = []
    for path in sorted(PORTAL.rglob("*.py")):
        relative = path.relative_to(PORTAL)
        if "views" not in relative.parts and relative.stem != "views":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in ("commit", "rollback"):
                offenders.append(f"{relative}:{node.lineno} {node.attr}()")
    assert offenders == []
