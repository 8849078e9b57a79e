"""Serving stored attachments: as downloads, sandboxed, never sniffed into a page."""

from __future__ import annotations

from flask import abort, request, send_file

from portal.domain import cases
from portal.infra import storage
from portal.models import Attachment


def attachment_response(file: Attachment):
    """`Content-Disposition: attachment` unless a re-encoded image is asked for inline."""
    path = storage.path_of(file)
    if not path.is_file():
        abort(404)
    inline = cases.is_inline_image(file) and request.args.get("inline") == "1"
    response = send_file(
        path,
        mimetype=file.content_type,
        as_attachment=not inline,
        download_name=file.display_name,
        max_age=0,
        conditional=True,
    )
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response
