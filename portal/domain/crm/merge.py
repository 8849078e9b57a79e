"""Duplicate contacts: matching keys, detection, and a merge that can be previewed and undone.

Two contacts are likely the same person when they share an email address (any case), a phone
number (digits only, Persian and Arabic-Indic digits read as ASCII, international prefix and
trunk zero ignored) or a name spelled with Persian/Arabic letter variants (`علي رضايي` and
`علی رضایی`). Detection reads every active contact once and groups them by these keys; a merge
moves the duplicate's cases, roles, timeline entries, feedback and login to the survivor,
keeps the duplicate row (flagged `merged_into_id`) and records exactly which rows moved, so
`undo_merge` can move those rows back. A login is moved only when its address was verified;
the preview shows who made each login, when, and how its address was proven.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.i18n import isolate
from portal.kernel import audit
from portal.kernel.errors import DomainError
from portal.kernel.numbers import ASCII_DIGITS
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

# Reasons a pair is listed, strongest first.
REASONS = ("email", "phone", "name")
# A key shared by more contacts than this (a switchboard number, "Info") pairs only this many.
MAX_GROUP = 50
MIN_NAME_KEY = 5
MIN_PHONE_DIGITS = 7
PHONE_KEY_DIGITS = 10
ID_CHUNK = 500
# Survivor fields filled from the duplicate when the survivor has none.
FILLABLE = ("email", "phone", "language", "account_id")
SNAPSHOT_FIELDS = ("name", "email", "phone", "language", "account_id")

# Arabic letter variants folded to the Persian letter (after NFKD has split off hamza/madda).
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ە": "ه", "ھ": "ه"})
_PHONE_PATTERN = re.compile(r"^\+?[0-9(][0-9 ().\-/]*$")
_SPACES = re.compile(r"\s+")

# The same letter folding for SQL `LIKE` searches: pairs for nested REPLACE() calls.
SEARCH_FOLD = (
    ("ي", "ی"),
    ("ى", "ی"),
    ("ئ", "ی"),
    ("ك", "ک"),
    ("ة", "ه"),
    ("ۀ", "ه"),
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ؤ", "و"),
    ("\u0640", ""),  # tatweel
    ("\u200c", ""),  # ZWNJ
    *((chr(code), "") for code in range(0x064B, 0x0653)),  # harakat
    ("\u0670", ""),  # superscript alef
)


class MergeRefused(DomainError):
    """The two contacts cannot be merged (or the merge cannot be undone); `reason` says why."""

    status = 409

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


# --- matching keys ---------------------------------------------------------------------------


def fold_name(name: str | None) -> str:
    """A name folded for comparison: letter variants, harakat, tatweel, ZWNJ, case, spaces."""
    text = unicodedata.normalize("NFKD", name or "")
    # Mn: harakat, hamza/madda marks split off by NFKD, Latin accents; Cf: ZWNJ, bidi marks.
    text = "".join(
        char for char in text if unicodedata.category(char) not in ("Mn", "Cf") and char != "\u0640"
    )
    text = text.translate(_LETTERS).translate(ASCII_DIGITS).casefold()
    return _SPACES.sub(" ", text).strip()


def name_keys(name: str | None) -> set[str]:
    """The folded name without spaces (`علی‌رضا` = `علی رضا`) and with its words sorted."""
    folded = fold_name(name)
    joined = folded.replace(" ", "")
    if len(joined) < MIN_NAME_KEY:
        return set()
    return {joined, " ".join(sorted(folded.split()))}


def fold_for_search(text: str) -> str:
    """A search term folded exactly as `folded_column` folds the column it is compared to."""
    text = (text or "").strip().lower()
    for variant, replacement in SEARCH_FOLD:
        text = text.replace(variant, replacement)
    return text


def folded_column(column) -> sa.ColumnElement[str]:
    """The column lowercased with Persian/Arabic letter variants folded, in SQL."""
    expression = sa.func.lower(column)
    for variant, replacement in SEARCH_FOLD:
        expression = sa.func.replace(expression, variant, replacement)
    return expression


def email_key(email: str | None) -> str | None:
    text = (email or "").strip().lower()
    return text or None


def normalize_phone(phone: str | None) -> str | None:
    """A phone number as stored: ASCII digits, single spaces; None when empty."""
    text = unicodedata.normalize("NFKC", phone or "").translate(ASCII_DIGITS)
    text = _SPACES.sub(" ", text).strip()
    return text or None


def is_valid_phone(phone: str | None) -> bool:
    """Digits with the usual separators and an optional leading +; at least 7 digits."""
    text = normalize_phone(phone)
    if text is None:
        return True
    digits = sum(char.isdigit() for char in text)
    return bool(_PHONE_PATTERN.match(text)) and MIN_PHONE_DIGITS <= digits <= 20


def phone_key(phone: str | None) -> str | None:
    """The last ten digits, after the 00/+ prefix and trunk zeros: `+98 912 …` = `0912 …`."""
    digits = "".join(char for char in normalize_phone(phone) or "" if char.isdigit())
    digits = digits.lstrip("0")
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    return digits[-PHONE_KEY_DIGITS:]


def contact_keys(name, email, phone) -> Iterator[tuple[str, str]]:
    """(reason, key) pairs under which a contact is grouped."""
    if key := email_key(email):
        yield "email", key
    if key := phone_key(phone):
        yield "phone", key
    for key in name_keys(name):
        yield "name", key


# --- detection -------------------------------------------------------------------------------


@dataclass
class DuplicatePair:
    """Two active contacts that look like one person; `first` is the older one."""

    first: Contact
    second: Contact
    reasons: list[str]
    both_have_logins: bool = False


@dataclass
class DuplicateReport:
    pairs: list[DuplicatePair]
    total: int


def _chunks(ids: Iterable[int], size: int = ID_CHUNK) -> Iterator[list[int]]:
    ids = list(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def likely_duplicates(*, limit: int = 200) -> DuplicateReport:
    """Pairs of active contacts sharing an email, a phone or a folded name, strongest first.

    One pass over all active contacts groups them by key; within a group every contact is
    paired with the oldest one (merging them in turn empties the group), so the work grows
    with the number of contacts, not its square.
    """
    rows = db.session.execute(
        sa.select(Contact.id, Contact.name, Contact.email, Contact.phone).where(
            Contact.merged_into_id.is_(None)
        )
    ).all()
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in rows:
        for reason, key in contact_keys(row.name, row.email, row.phone):
            groups[(reason, key)].append(row.id)
    pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    for (reason, _key), ids in groups.items():
        if len(ids) < 2:
            continue
        ids = sorted(set(ids))
        for other in ids[1:MAX_GROUP]:
            pairs[(ids[0], other)].add(reason)
    ranked = sorted(
        pairs.items(),
        key=lambda item: (-len(item[1]), min(REASONS.index(r) for r in item[1]), item[0]),
    )
    chosen = ranked[:limit]
    wanted = {contact_id for pair, _reasons in chosen for contact_id in pair}
    contacts: dict[int, Contact] = {}
    with_logins: set[int] = set()
    for chunk in _chunks(sorted(wanted)):
        contacts.update(
            (contact.id, contact)
            for contact in db.session.scalars(
                sa.select(Contact).options(joinedload(Contact.account)).where(Contact.id.in_(chunk))
            )
        )
        with_logins.update(
            db.session.scalars(sa.select(User.contact_id).where(User.contact_id.in_(chunk)))
        )
    return DuplicateReport(
        pairs=[
            DuplicatePair(
                first=contacts[first],
                second=contacts[second],
                reasons=[reason for reason in REASONS if reason in reasons],
                both_have_logins=first in with_logins and second in with_logins,
            )
            for (first, second), reasons in chosen
        ],
        total=len(pairs),
    )


# --- preview ---------------------------------------------------------------------------------


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


# --- merge and undo --------------------------------------------------------------------------


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
