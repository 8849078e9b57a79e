"""Static files a browser keeps: every `url_for('static', ...)` carries a hash of the file's
content (`?v=`), and a request for the current version is answered with a year's caching, so
a page load fetches the style sheets and scripts once per version instead of asking again on
every page. Anything else under /static (the fonts the style sheet names, an old version) is
revalidated each time (`no-cache`), so a changed file is never served stale.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from stat import S_ISREG

from flask import Flask, request
from werkzeug.security import safe_join

VERSION_ARG = "v"
A_YEAR = 365 * 24 * 3600


def _version(folder: Path, filename: str, known: dict) -> str | None:
    """The first 12 hex digits of the file's SHA-256, remembered per size and mtime; None for
    a name that is no file of the static folder (`..`, an absolute path, a NUL byte, a folder
    or a device): the name may come from a request's URL."""
    inside = safe_join(str(folder), filename)
    if inside is None:
        return None
    path = Path(inside)
    try:
        stat = path.stat()
    except (OSError, ValueError):  # ValueError: a NUL byte in the name
        return None
    if not S_ISREG(stat.st_mode):
        return None
    key = (filename, stat.st_size, stat.st_mtime_ns)
    if key not in known:
        known[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return known[key]


def init_app(app: Flask) -> None:
    folder = Path(app.static_folder)
    known: dict[tuple, str] = {}

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "filename" in values:
            version = _version(folder, values["filename"], known)
            if version:
                values.setdefault(VERSION_ARG, version)

    @app.after_request
    def cache_static(response):
        if request.endpoint != "static" or response.status_code not in (200, 304):
            return response
        if request.method not in ("GET", "HEAD"):  # OPTIONS: Flask's answer, no file served
            return response
        filename = (request.view_args or {}).get("filename", "")
        current = _version(folder, filename, known)
        if current and request.args.get(VERSION_ARG) == current:
            response.headers["Cache-Control"] = f"public, max-age={A_YEAR}, immutable"
        else:
            response.headers["Cache-Control"] = "no-cache"
        return response
