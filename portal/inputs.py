"""What a request may carry, checked once for every route: ids in URLs within the database's
range, numbers in query strings read by one helper, and no character the database cannot store.

- `<int:...>` in any route is the `IdConverter`: 1 to 2^31 - 1, in Western, Persian or
  Arabic-Indic digits. Anything else does not match the route: 404, without a query.
- `arg_int(name, default)` reads a number from the query string; a value that is not a whole
  number in range is a 400 whose message names the parameter and the range (a JSON error for
  JSON clients, see `portal.errors`).
- A NUL or a lone surrogate in the path is a 404 and in the query string a 400, before any view
  runs; in a form field it is that field's error (`portal.forms.Form`); and
  `refuse_unstorable_text` stops one reaching the database by any other road (a 400, nothing
  written).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa
from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import IntegerConverter, ValidationError

from portal import numbers
from portal.kernel.errors import DomainError

# NUL (PostgreSQL text cannot hold it; SQLite would store it) and lone surrogates (not UTF-8:
# the driver cannot send them). Werkzeug turns invalid UTF-8 in a request into U+FFFD, so
# surrogates only come from code; they are refused all the same.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


class BadParameter(BadRequest):
    """A 400 whose `description` is a message for the reader (the error page shows it)."""

    def __init__(self, message):
        super().__init__(description=str(message))


class UnstorableText(DomainError):
    """Text with a character the database cannot store reached a query (a 400)."""

    status = 400


def arg_int(
    name: str, default: int | None = None, *, low: int = 1, high: int = numbers.DB_INT_MAX
) -> int | None:
    """The query-string parameter `name` as a whole number from `low` to `high` (any of the
    accepted digits); `default` when absent or empty; BadParameter (400) otherwise."""
    text = request.args.get(name, "")
    if not text.strip():
        return default
    try:
        return numbers.parse_int(text, low=low, high=high)
    except numbers.BadNumber:
        raise bad_number(name, low, high) from None


def bad_number(name: str, low: int, high: int) -> BadParameter:
    from portal.i18n import native_digits

    return BadParameter(
        _l(
            "“%(name)s” in the address must be a whole number from %(low)s to %(high)s.",
            name=name,
            low=native_digits(low),
            high=native_digits(high),
        )
    )


def bad_value(name: str) -> BadParameter:
    """A query-string parameter whose value is not one the page offers."""
    return BadParameter(
        _l("“%(name)s” in the address has a value this page cannot use.", name=name)
    )


class IdConverter(IntegerConverter):
    """`<int:...>`: a row id, 1 to 2^31 - 1, in Western, Persian or Arabic-Indic digits. Out of
    range or other digits (², fullwidth) do not match, so the answer is a 404 and no query runs.
    URLs are built with Western digits."""

    regex = f"[{numbers.DIGIT_CLASS}]+"

    def __init__(self, map, fixed_digits=0, min=1, max=numbers.DB_INT_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        try:
            return numbers.parse_int(value, low=self.min, high=self.max)
        except numbers.BadNumber:
            raise ValidationError() from None


def _texts(pairs: Iterable[tuple[str, str]]) -> Iterable[str]:
    for key, value in pairs:
        yield key
        yield value


def refuse_unstorable_address() -> None:
    """Before any view: a NUL or a lone surrogate in the path is a 404 (no page has such an
    address), in the query string a 400."""
    if has_unstorable(request.path):
        raise NotFound()
    if any(has_unstorable(text) for text in _texts(request.args.items(multi=True))):
        raise BadParameter(
            _l(
                "The address contains a control character (such as NUL) that cannot be used. "
                "Check the link and try again."
            )
        )


def _unstorable_parameter(parameters) -> bool:
    if isinstance(parameters, str):
        return has_unstorable(parameters)
    if isinstance(parameters, dict):
        return any(_unstorable_parameter(value) for value in parameters.values())
    if isinstance(parameters, list | tuple):
        return any(_unstorable_parameter(value) for value in parameters)
    return False


def refuse_unstorable_text(_conn, _cursor, _statement, parameters, _context, _executemany):
    """The last line: no statement is sent with text the database cannot store (a form or a
    service that forgot to check). PostgreSQL would fail the request with a 500 and SQLite
    would store the NUL; either engine now refuses it the same way, with a 400."""
    if parameters and _unstorable_parameter(parameters):
        raise UnstorableText("text with a NUL or a lone surrogate")


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: their `<int:...>` rules use the IdConverter."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_unstorable_address)
    from portal.extensions import db

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", refuse_unstorable_text)
