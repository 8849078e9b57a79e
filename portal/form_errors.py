"""The error summary of a refused form.

The `field` macro (templates/_form.html) notes every invalid field it draws; the base layout
renders the page's content first, then lists those fields at the top of the page, each a link
to its field, in an alert that takes the focus. So every form gets the summary, however far
down the page it sits, and a view only has to render the form it was sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g


@dataclass(frozen=True)
class InvalidField:
    target: str  # the id of the control to focus
    label: object  # text or a translation (escaped when shown)
    errors: tuple


def note_invalid(target: str, label: str, errors) -> str:
    """Remember an invalid field for the summary; prints nothing."""
    if errors:
        noted = g.setdefault("invalid_fields", [])
        noted.append(InvalidField(target, label, tuple(errors)))
    return ""


def invalid_fields() -> list[InvalidField]:
    """The fields noted while this page's content was drawn (and forget them)."""
    return g.pop("invalid_fields", [])


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(note_invalid=note_invalid, invalid_fields=invalid_fields)
