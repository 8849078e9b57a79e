"""The merge preview: every row a merge would move, and what blocks or warns against it.

The preview shows who made each login, when, and how its address was proven. It is apart from
the merge because it only reads: the agent's page shows it, and the merge runs it again once
the two contacts are locked, so that what moves is what was shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.i18n import isolate
from portal.models import Case, CaseEvent, Contact, ContactRole, Feedback, User

# Survivor fields filled from the duplicate when the survivor has none.
FILLABLE = ("email", "phone", "language", "account_id")


@dataclass
class MergePreview:
    """What a merge of `duplicate` into `survivor` would move, and whether it may happen."""

    survivor: Contact
    duplicate: Contact
    case_ids: list[int] = field(default_factory=list)
    role_ids: list[int] = field(default_factory=list)
    dropped_roles: list[ContactRole] = field(default_factory=list)
    event_ids: list[int] = field(default_factory=list)
    feedback_ids: list[int] = field(default_factory=list)
    login: User | None = None
    survivor_login: User | None = None
    filled: dict[str, object] = field(default_factory=dict)
    blockers: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    @property
    def can_merge(self) -> bool:
        return not self.blockers

    @property
    def case_numbers(self) -> list[str]:
        return [f"CS-{case_id:06d}" for case_id in self.case_ids]


def _ids(query) -> list[int]:
    return list(db.session.scalars(query))


def preview_merge(survivor: Contact, duplicate: Contact) -> MergePreview:
    """Every row that would move, the roles the survivor already holds, and the blockers."""
    preview = MergePreview(survivor=survivor, duplicate=duplicate)
    if survivor.id == duplicate.id:
        preview.blockers.append(_l("A contact cannot be merged with itself."))
    if duplicate.merged_into_id is not None:
        preview.blockers.append(_l("The duplicate was already merged into another contact."))
    if survivor.merged_into_id is not None:
        preview.blockers.append(
            _l("The survivor was itself merged into another contact; merge into that one.")
        )
    logins = {
        user.contact_id: user
        for user in db.session.scalars(
            sa.select(User)
            .options(joinedload(User.created_by))
            .where(User.contact_id.in_([survivor.id, duplicate.id]))
        )
    }
    preview.login = logins.get(duplicate.id)
    preview.survivor_login = logins.get(survivor.id)
    if preview.login is not None and preview.survivor_login is not None:
        preview.blockers.append(
            _l(
                "Both contacts sign in with their own login (%(first)s and %(second)s). A contact "
                "has at most one login, and merging would take one person's access away or give "
                "it the other's cases. Deactivate one of the logins first, or keep both contacts.",
                first=isolate(preview.survivor_login.email),
                second=isolate(preview.login.email),
            )
        )
    if preview.login is not None and preview.login.email_verified_at is None:
        preview.blockers.append(
            _l(
                "The duplicate's login %(email)s has not confirmed its email address. A login "
                "whose address is not confirmed is never moved onto another contact: it could "
                "belong to anyone who typed that address.",
                email=isolate(preview.login.email),
            )
        )
    if preview.survivor_login is not None and preview.survivor_login.email_verified_at is None:
        preview.blockers.append(
            _l(
                "The survivor's login %(email)s has not confirmed its email address, so it could "
                "belong to anyone who typed that address: the duplicate's cases are never moved "
                "where it would see them.",
                email=isolate(preview.survivor_login.email),
            )
        )
    if preview.blockers:
        return preview
    if (
        survivor.account_id is not None
        and duplicate.account_id is not None
        and survivor.account_id != duplicate.account_id
    ):
        preview.warnings.append(
            _l(
                "The two contacts belong to different accounts. The survivor keeps its account; "
                "the moved cases keep theirs."
            )
        )
    preview.case_ids = _ids(
        sa.select(Case.id).where(Case.requester_id == duplicate.id).order_by(Case.id)
    )
    held = {
        (role.account_id, role.case_id, role.kind)
        for role in db.session.scalars(
            sa.select(ContactRole).where(ContactRole.contact_id == survivor.id)
        )
    }
    for role in db.session.scalars(
        sa.select(ContactRole)
        .where(ContactRole.contact_id == duplicate.id)
        .order_by(ContactRole.id)
    ):
        if (role.account_id, role.case_id, role.kind) in held:
            preview.dropped_roles.append(role)
        else:
            preview.role_ids.append(role.id)
    preview.event_ids = _ids(
        sa.select(CaseEvent.id).where(CaseEvent.contact_id == duplicate.id).order_by(CaseEvent.id)
    )
    preview.feedback_ids = _ids(
        sa.select(Feedback.id).where(Feedback.contact_id == duplicate.id).order_by(Feedback.id)
    )
    preview.filled = {
        name: getattr(duplicate, name)
        for name in FILLABLE
        if getattr(survivor, name) in (None, "") and getattr(duplicate, name) not in (None, "")
    }
    return preview
