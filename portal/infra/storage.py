"""Attachment files on disk: stored under random names outside static/, never orphaned.

Files are written to a temporary name, fsynced and renamed into place before the database
commit; if the transaction rolls back, the files it wrote are removed again.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.extensions import db
from portal.models import Attachment

log = logging.getLogger("casework.attachments")


class StorageFull(OSError):
    """The disk is full: the error page answers 507 and nothing of the request is kept."""


def upload_dir() -> Path:
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def write(data: bytes) -> str:
    """Store these bytes under a new random name (returned); removed again on rollback."""
    storage_name = secrets.token_hex(16)
    path = upload_dir() / storage_name
    _write_file(path, data)
    db.session.info.setdefault("written_files", []).append(str(path))
    return storage_name


def _write_file(path: Path, data: bytes) -> None:
    """Write to a temporary name, fsync, then rename: a crash never leaves half a file."""
    temporary = path.with_name(path.name + ".part")
    try:
        with open(temporary, "xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull("no space left for attachments") from exc
        raise


def path_of(attachment: Attachment) -> Path:
    return upload_dir() / attachment.storage_name


def _forget_written(session) -> None:
    session.info.pop("written_files", None)


def _remove_written(session, _previous_transaction=None) -> None:
    for path in session.info.pop("written_files", []):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError:
            log.exception("could not remove orphan attachment file %s", path)


def init_app(app) -> None:
    """Files written in a transaction that rolls back are deleted (no orphan files)."""
    session_class = db.session.session_factory.class_
    if not getattr(session_class, "_casework_attachment_events", False):
        sa.event.listen(session_class, "after_commit", _forget_written)
        sa.event.listen(session_class, "after_soft_rollback", _remove_written)
        session_class._casework_attachment_events = True
