"""The timeline rows every write to a case leaves: a field change (old and new value, who,
when) and the case's last-updated time. Shared by status changes, edits, links and merges, so
each records its history the same way."""

from __future__ import annotations

from datetime import datetime

from portal.extensions import db
from portal.models import Case, CaseEvent, EventKind, User


def touch(case: Case, now: datetime) -> None:
    case.updated_at = now


def field_change(case: Case, field: str, old, new, *, by: User | None, now: datetime) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=EventKind.FIELD_CHANGE,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
        author=by,
        created_at=now,
    )
    db.session.add(event)
    return event
