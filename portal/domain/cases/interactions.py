"""Interactions logged on a case: a phone call, email, chat or social message that happened
outside the portal, recorded on the timeline by the agent who had it."""

from __future__ import annotations

from datetime import datetime

from portal.domain.cases import followers, history
from portal.extensions import db
from portal.kernel import audit
from portal.models import Case, CaseEvent, Channel, Direction, EventKind, User
from portal.models._base import utcnow


def log_interaction(
    case: Case,
    *,
    by: User,
    channel: Channel,
    direction: Direction,
    occurred_at: datetime,
    duration_seconds: int | None,
    summary: str,
) -> CaseEvent:
    """Record a phone call, email, chat or social message that happened outside the portal."""
    event = CaseEvent(
        case=case,
        kind=EventKind.INTERACTION,
        author=by,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at,
        duration_seconds=duration_seconds,
        body=summary.strip(),
        contact_id=case.requester_id,
    )
    db.session.add(event)
    history.touch(case, utcnow())
    followers.record_work(case, by)
    audit.record("case.interaction", by=by, subject=case, channel=channel.value)
    return event
