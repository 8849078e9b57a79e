"""One unit of work per request: what a request changed is committed once, after its view
answered with success (2xx or a redirect), and rolled back when it answered with an error.

Views call the domain and never commit or roll back themselves. Two needs remain, each with a
name here instead of a hand-written commit or rollback in a view:
- `attempt()` wraps a domain call whose refusal the view explains on a page (a stale version, a
  closed case, a rejected file): the refusal undoes what the call had changed at once, so the
  page reads the database as it is, and the error goes on to the view.
- `keep_changes()` marks the rare refusal that must still be recorded (a failed sign-in counts
  towards throttling and is audited although the answer is an error).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, g

from portal.extensions import db


class UnitOfWorkFlask(Flask):
    """Flask, with each view's changes committed or rolled back as soon as its answer is known:
    inside the dispatch, so a failing commit reaches the error handlers like any other error."""

    def dispatch_request(self):
        try:
            response = self.make_response(super().dispatch_request())
        except Exception:
            if g.pop("keep_changes", False):
                db.session.commit()
            else:
                db.session.rollback()  # before the error handler reads the database
            raise
        if response.status_code < 400 or g.pop("keep_changes", False):
            db.session.commit()
        else:
            db.session.rollback()
        return response


def keep_changes() -> None:
    """Commit this request's changes although its answer is an error."""
    g.keep_changes = True


@contextmanager
def attempt() -> Iterator[None]:
    """Undo a refused domain call's changes before the view explains the refusal."""
    try:
        yield
    except Exception:
        db.session.rollback()
        raise
