"""Merging a duplicate contact into its survivor, and undoing the merge.

A merge moves the duplicate's cases, roles, timeline entries, feedback and login to the
survivor, keeps the duplicate row (flagged `merged_into_id`) and records exactly which rows
moved, so `undo_merge` can move those rows back. A login is moved only when its address was
verified.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.domain.crm.duplicates import _chunks
from portal.domain.crm.merge_preview import _ids, preview_merge
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import DomainError
from portal.models import (
    Account,
    Case,
    CaseEvent,
    Contact,
    ContactMerge,
    ContactRole,
    ContactRoleKind,
    Feedback,
    User,
)
from portal.models._base import utcnow

SNAPSHOT_FIELDS = ("name", "email", "phone", "language", "account_id")


class MergeRefused(DomainError):
    """The two contacts cannot be merged (or the merge cannot be undone); `reason` says why."""

    status = 409

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def _lock_contacts(*contact_ids: int) -> dict[int, int | None]:
    """Lock the two contact rows in id order (no deadlock between crossed merges) and return
    their current `merged_into_id`, read after the lock."""
    rows = db.session.execute(
        sa.select(Contact.id, Contact.merged_into_id)
        .where(Contact.id.in_(contact_ids))
        .order_by(Contact.id)
        .with_for_update()
    ).all()
    return {row.id: row.merged_into_id for row in rows}


def _move(model, column, ids: list[int], *, source: int, target: int, **extra) -> int:
    """Point `column` of the rows `ids` from `source` to `target`; rows moved elsewhere since
    are left alone. Returns how many moved."""
    moved = 0
    for chunk in _chunks(ids):
        result = db.session.execute(
            sa.update(model)
            .where(model.id.in_(chunk), column == source)
            .values({column.key: target, **extra})
            .execution_options(synchronize_session=False)
        )
        moved += result.rowcount
    return moved


def _snapshot(contact: Contact) -> dict:
    return {name: getattr(contact, name) for name in SNAPSHOT_FIELDS}


def merge_contacts(
    survivor: Contact, duplicate: Contact, *, by: User | None, now: datetime | None = None
) -> ContactMerge:
    """Merge `duplicate` into `survivor`: cases, roles, timeline entries, feedback and the
    login move; the survivor's empty fields are filled; the duplicate stays, flagged.

    Refused (MergeRefused) when a preview blocker holds, also when another merge got there
    first.
    """
    now = now or utcnow()
    db.session.flush()
    state = _lock_contacts(survivor.id, duplicate.id)
    if state.get(survivor.id) is not None or state.get(duplicate.id) is not None:
        raise MergeRefused(_l("One of the contacts was merged meanwhile. Reload and try again."))
    preview = preview_merge(survivor, duplicate)
    if not preview.can_merge:
        raise MergeRefused(preview.blockers[0])
    merge = ContactMerge(
        survivor_id=survivor.id,
        duplicate_id=duplicate.id,
        duplicate_snapshot=_snapshot(duplicate),
        merged_by_id=by.id if by is not None else None,
        merged_at=now,
    )
    for name, value in preview.filled.items():
        setattr(survivor, name, value)
    if preview.login is not None:
        preview.login.contact_id = survivor.id
    duplicate.merged_into_id = survivor.id
    db.session.flush()
    # The version moves too: an edit made on the case before the merge is refused, not lost.
    _move(
        Case,
        Case.requester_id,
        preview.case_ids,
        source=duplicate.id,
        target=survivor.id,
        version=Case.version + 1,
    )
    for model, column, ids in (
        (ContactRole, ContactRole.contact_id, preview.role_ids),
        (CaseEvent, CaseEvent.contact_id, preview.event_ids),
        (Feedback, Feedback.contact_id, preview.feedback_ids),
    ):
        _move(model, column, ids, source=duplicate.id, target=survivor.id)
    dropped = [
        {"account_id": role.account_id, "case_id": role.case_id, "kind": role.kind.value}
        for role in preview.dropped_roles
    ]
    for chunk in _chunks([role.id for role in preview.dropped_roles]):
        db.session.execute(
            sa.delete(ContactRole)
            .where(ContactRole.id.in_(chunk))
            .execution_options(synchronize_session=False)
        )
    merge.moved = {
        "cases": preview.case_ids,
        "contact_roles": preview.role_ids,
        "case_events": preview.event_ids,
        "feedback": preview.feedback_ids,
        "user_id": preview.login.id if preview.login is not None else None,
        "dropped_roles": dropped,
        "filled": dict(preview.filled),
    }
    db.session.add(merge)
    db.session.flush()
    audit.record(
        "contact.merge",
        by=by,
        subject=survivor,
        merge_id=merge.id,
        duplicate_id=duplicate.id,
        cases=len(preview.case_ids),
        contact_roles=len(preview.role_ids),
        case_events=len(preview.event_ids),
        feedback=len(preview.feedback_ids),
        user_id=merge.moved["user_id"],
        login_verified_via=(
            preview.login.email_verified_via.value
            if preview.login is not None and preview.login.email_verified_via
            else None
        ),
    )
    db.session.expire_all()  # the bulk moves bypassed the identity map
    return merge


def undo_merge(merge: ContactMerge, *, by: User | None, now: datetime | None = None) -> dict:
    """Move back exactly the rows the merge moved (those still on the survivor), restore the
    duplicate's fields, roles and login, and clear the survivor fields the merge filled.

    Returns how many rows of each kind moved back.
    """
    now = now or utcnow()
    if merge.undone_at is not None:
        raise MergeRefused(_l("This merge was already undone."))
    survivor_id, duplicate_id = merge.survivor_id, merge.duplicate_id
    db.session.flush()
    state = _lock_contacts(survivor_id, duplicate_id)
    if state.get(duplicate_id) != survivor_id:
        raise MergeRefused(_l("The duplicate is no longer merged into this contact."))
    if state.get(survivor_id) is not None:
        raise MergeRefused(
            _l("The survivor was merged into another contact since. Undo that merge first.")
        )
    moved = merge.moved or {}
    counts = {
        "cases": _move(
            Case,
            Case.requester_id,
            moved.get("cases", []),
            source=survivor_id,
            target=duplicate_id,
            version=Case.version + 1,
        )
    }
    for name, model, column in (
        ("contact_roles", ContactRole, ContactRole.contact_id),
        ("case_events", CaseEvent, CaseEvent.contact_id),
        ("feedback", Feedback, Feedback.contact_id),
    ):
        counts[name] = _move(
            model, column, moved.get(name, []), source=survivor_id, target=duplicate_id
        )
    _restore_dropped_roles(duplicate_id, moved.get("dropped_roles", []))
    survivor = db.session.get(Contact, survivor_id)
    duplicate = db.session.get(Contact, duplicate_id)
    user_id = moved.get("user_id")
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is not None and user.contact_id == survivor_id:
            user.contact_id = duplicate_id
    for name, value in (moved.get("filled") or {}).items():
        if getattr(survivor, name) == value:
            setattr(survivor, name, None)
    snapshot = dict(merge.duplicate_snapshot or {})
    if (
        snapshot.get("account_id") is not None
        and db.session.get(Account, snapshot["account_id"]) is None
    ):
        snapshot["account_id"] = None
    for name in SNAPSHOT_FIELDS:
        if name in snapshot:
            setattr(duplicate, name, snapshot[name])
    duplicate.merged_into_id = None
    merge.undone_at = now
    merge.undone_by_id = by.id if by is not None else None
    db.session.flush()
    audit.record(
        "contact.merge_undo",
        by=by,
        subject=duplicate,
        merge_id=merge.id,
        survivor_id=survivor_id,
        **counts,
    )
    db.session.expire_all()
    return counts


def _restore_dropped_roles(contact_id: int, dropped: list[dict]) -> None:
    """Give the duplicate back the roles the merge removed as redundant (their account or
    case still existing)."""
    if not dropped:
        return
    account_ids = {role["account_id"] for role in dropped if role["account_id"] is not None}
    case_ids = {role["case_id"] for role in dropped if role["case_id"] is not None}
    existing_accounts = set(_ids(sa.select(Account.id).where(Account.id.in_(account_ids))))
    existing_cases = set(_ids(sa.select(Case.id).where(Case.id.in_(case_ids))))
    for role in dropped:
        if role["account_id"] is not None and role["account_id"] not in existing_accounts:
            continue
        if role["case_id"] is not None and role["case_id"] not in existing_cases:
            continue
        db.session.add(
            ContactRole(
                contact_id=contact_id,
                account_id=role["account_id"],
                case_id=role["case_id"],
                kind=ContactRoleKind(role["kind"]),
            )
        )
    db.session.flush()


def merges_of(contact: Contact) -> list[ContactMerge]:
    """Merges into this contact and the one that merged it away, newest first."""
    return list(
        db.session.scalars(
            sa.select(ContactMerge)
            .options(
                joinedload(ContactMerge.survivor),
                joinedload(ContactMerge.duplicate),
                joinedload(ContactMerge.merged_by),
            )
            .where(
                sa.or_(
                    ContactMerge.survivor_id == contact.id,
                    ContactMerge.duplicate_id == contact.id,
                )
            )
            .order_by(ContactMerge.merged_at.desc(), ContactMerge.id.desc())
            .limit(50)
        )
    )
