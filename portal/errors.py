"""Localized error pages (HTML, or JSON for API and JSON clients); never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db
from portal.infra.storage import StorageFull
from portal.inputs import BadParameter, UnstorableText
from portal.kernel.errors import DomainError, TooManyAttempts

log = logging.getLogger("casework.errors")

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Check the form and try again."),
    ),
    403: (_l("Not allowed"), _l("You do not have permission to do this.")),
    404: (_l("Not found"), _l("There is nothing here, or you may not see it.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (
        _l("Changed meanwhile"),
        _l("Someone else changed this in the meantime. Reload and try again."),
    ),
    413: (_l("Too large"), _l("What you sent is larger than we accept.")),
    429: (_l("Too many requests"), _l("Too many attempts. Wait a little and try again.")),
    500: (
        _l("Something went wrong"),
        _l("We could not finish this. Nothing was saved; please try again."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("The service is busy or down for a moment. Please try again."),
    ),
}


def wants_json() -> bool:
    """API paths, `.json` addresses, `?format=json` and clients that ask for JSON."""
    return (
        request.path.startswith("/api/")
        or request.path.endswith(".json")
        or request.args.get("format") == "json"
        or request.accept_mimetypes.best == "application/json"
    )


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500 if status >= 500 else 400])
    if wants_json():
        return jsonify(
            error={"status": status, "title": str(title), "message": detail or str(message)}
        ), status
    return render_template(
        "errors/error.html", status=status, title=title, message=detail or message
    ), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, str(_l("The form expired or was sent from another page. Reload it and try again."))
        )

    @app.errorhandler(TooManyAttempts)
    def throttled(error):
        response, status = render_error(429)
        response = app.make_response((response, status))
        response.headers["Retry-After"] = str(error.retry_after)
        return response

    @app.errorhandler(StaleDataError)
    def lost_race(error):
        """Two edits of one record raced past the version check; the later one is refused."""
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(UnstorableText)
    def unstorable_text(error):
        db.session.rollback()
        return render_error(
            400,
            str(
                _l(
                    "What you sent contains a control character (such as NUL) that cannot be "
                    "stored. Remove it and try again."
                )
            ),
        )

    @app.errorhandler(DomainError)
    def domain_error(error):
        db.session.rollback()
        return render_error(error.status)

    @app.errorhandler(StorageFull)
    def storage_full(error):
        log.error("attachment storage is full: %s", error)
        db.session.rollback()
        return render_error(507)

    @app.errorhandler(HTTPException)
    def http_error(error):
        # A BadParameter carries a message for the reader; other errors get the page's own.
        detail = error.description if isinstance(error, BadParameter) else None
        response = render_error(error.code or 500, detail)
        if error.code == 429:
            response = app.make_response(response)
            response.headers.update(error.get_headers())
            response.headers["Content-Type"] = (
                "application/json" if wants_json() else "text/html; charset=utf-8"
            )
        return response

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
