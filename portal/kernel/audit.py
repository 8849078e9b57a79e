"""Append audit rows; the caller's transaction commits them with the change they describe."""

from __future__ import annotations

import logging

from portal.extensions import db
from portal.models import AuditEvent, User

log = logging.getLogger("casework.audit")


def record(
    action: str,
    *,
    by: User | None = None,
    subject=None,
    ip_address: str | None = None,
    outcome: str = "ok",
    **details,
) -> AuditEvent:
    """Add one audit row and log it as one line (values repr-escaped: no log injection)."""
    event = AuditEvent(
        action=action,
        actor_id=by.id if by is not None else None,
        subject_type=subject.__tablename__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        ip_address=ip_address,
        outcome=outcome,
        details=details,
    )
    db.session.add(event)
    log.info(
        "action=%r outcome=%r actor=%r ip=%r details=%r",
        action,
        outcome,
        by.id if by is not None else None,
        ip_address,
        details,
    )
    return event
