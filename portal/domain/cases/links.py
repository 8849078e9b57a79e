"""Cases that belong together: links between related cases, and merging a duplicate into
another case (its timeline, files, contacts and followers move; the duplicate is closed with
a pointer to where it went)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal.domain.cases import followers, history, transitions
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import InvalidTransition
from portal.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    CaseStatus,
    ContactRole,
    ContactRoleKind,
    EventKind,
    User,
)
from portal.models._base import utcnow


def link(case: Case, other: Case, *, by: User) -> None:
    """Mark two cases as related (once, whichever way round)."""
    if other.id == case.id:
        raise InvalidTransition("a case cannot be linked to itself")
    pair = sa.or_(
        sa.and_(CaseLink.from_case_id == case.id, CaseLink.to_case_id == other.id),
        sa.and_(CaseLink.from_case_id == other.id, CaseLink.to_case_id == case.id),
    )
    if db.session.scalar(sa.select(CaseLink.id).where(pair)) is None:
        db.session.add(CaseLink(from_case_id=case.id, to_case_id=other.id, kind="related"))
        now = utcnow()
        history.field_change(case, "linked", None, other.number, by=by, now=now)
        history.field_change(other, "linked", None, case.number, by=by, now=now)
        audit.record("case.link", by=by, subject=case, other=other.id)


def linked_cases(case: Case) -> list[Case]:
    ids = sa.union(
        sa.select(CaseLink.to_case_id).where(CaseLink.from_case_id == case.id),
        sa.select(CaseLink.from_case_id).where(CaseLink.to_case_id == case.id),
    )
    return db.session.scalars(sa.select(Case).where(Case.id.in_(ids)).order_by(Case.id)).all()


def merge(duplicate: Case, *, into: Case, by: User, now: datetime | None = None) -> None:
    """Move a duplicate's timeline, files and contacts into another case and close it with a
    pointer to where it went."""
    if duplicate.id == into.id:
        raise InvalidTransition("a case cannot be merged into itself")
    if duplicate.status == CaseStatus.CLOSED and duplicate.merged_into_id:
        raise InvalidTransition("this case was already merged")
    now = now or utcnow()
    db.session.execute(
        sa.update(CaseEvent).where(CaseEvent.case_id == duplicate.id).values(case_id=into.id)
    )
    db.session.execute(
        sa.update(Attachment).where(Attachment.case_id == duplicate.id).values(case_id=into.id)
    )
    known = {(role.contact_id, role.kind) for role in into.contact_roles}
    incoming = [(role.contact_id, role.kind) for role in duplicate.contact_roles]
    if duplicate.requester_id is not None:
        incoming.append((duplicate.requester_id, ContactRoleKind.REQUESTER))
    for contact_id, kind in incoming:
        kind = ContactRoleKind.CC if kind == ContactRoleKind.REQUESTER else kind
        if contact_id != into.requester_id and (contact_id, kind) not in known:
            into.contact_roles.append(ContactRole(contact_id=contact_id, kind=kind))
            known.add((contact_id, kind))
    # Recorded as field changes (staff-only, see authz.event_filter), so each reader gets a
    # sentence in their own language rather than stored English.
    history.field_change(into, "merged_from", None, duplicate.number, by=by, now=now)
    if duplicate.description:
        db.session.add(
            CaseEvent(
                case=into,
                kind=EventKind.PUBLIC_REPLY,
                created_at=duplicate.created_at,
                contact_id=duplicate.requester_id,
                body=duplicate.description,
            )
        )
    db.session.expire(into, ["events", "attachments"])
    followers.move(duplicate, into=into, now=now)
    duplicate.merged_into_id = into.id
    history.field_change(duplicate, "merged_into", None, into.number, by=by, now=now)
    transitions.change_status(duplicate, CaseStatus.CLOSED, by=by, now=now)
    history.touch(into, now)
    audit.record("case.merge", by=by, subject=duplicate, into=into.id)
