"""Who is signed in (server-side sessions through Flask-Login) and the security headers."""

from __future__ import annotations

import ipaddress

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.config import ConfigError
from portal.domain import identity
from portal.extensions import db, login_manager

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
    user = identity.load_session(token, touch=request.endpoint not in PASSIVE_ENDPOINTS)
    if db.session.dirty:
        db.session.commit()  # last_seen_at moved on; kept so idle sessions can expire
    return user


# Pages that show what an anonymous visitor entered (a survey link's rating and comment): no
# shared or browser cache may keep them, as signed-in pages are not kept.
NO_STORE_ENDPOINTS = frozenset(
    {"feedback.survey", "feedback.rate", "feedback.thanks", "feedback.survey_comment"}
)


def client_ip() -> str:
    """The client's address as the rate limits and sign-in throttling count it: the connecting
    address, or the one the trusted proxies (TRUSTED_PROXIES) saw. Anything that is not an IP
    address (a proxy that forwards a forged header) counts as "unknown"."""
    try:
        address = ipaddress.ip_address((request.remote_addr or "").split("%", 1)[0])
    except ValueError:
        return "unknown"
    return str(address)


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, read the client's address and scheme from the
    X-Forwarded-For and X-Forwarded-Proto entries that those proxies added (the last ones), and
    ignore whatever the client sent before them. X-Forwarded-Host is never trusted: links in
    emails come from BASE_URL, not from the request."""
    hops = app.config["TRUSTED_PROXIES"]
    if not isinstance(hops, int) or hops < 0:
        raise ConfigError(f"TRUSTED_PROXIES must be 0 or a number of proxies, got {hops!r}")
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def init_app(app: Flask) -> None:
    trust_proxies(app)
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
        elif request.endpoint in NO_STORE_ENDPOINTS:
            response.headers["Cache-Control"] = "no-store"
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
