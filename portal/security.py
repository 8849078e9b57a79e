"""Who is signed in (server-side sessions through Flask-Login) and the security headers."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.extensions import db, login_manager
from portal.services import accounts

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


# Requests a page makes by itself (the unread badge's poll): not activity, so an unattended
# open tab still reaches the idle timeout.
PASSIVE_ENDPOINTS = frozenset({"agent.unread_notifications"})


@login_manager.user_loader
def load_user(token: str):
    """Flask-Login stores the session token, so a revoked session's cookie loads nobody."""
    user = accounts.load_session(token, touch=request.endpoint not in PASSIVE_ENDPOINTS)
    if db.session.dirty:
        db.session.commit()  # last_seen_at moved on; kept so idle sessions can expire
    return user


def client_ip() -> str:
    return request.remote_addr or "unknown"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint == "static":
            return response  # the same for everyone; `assets` sets its caching
        if current_user.is_authenticated or session.get("_user_id"):
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Cookie")
        return response


def safe_next(target: str | None, default: str) -> str:
    """A same-origin relative path from a `next=` value, or `default` (no open redirects)."""
    from urllib.parse import urlsplit

    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(char) < 32 or char == "\\" for char in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
