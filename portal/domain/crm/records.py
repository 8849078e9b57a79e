"""Accounts and contacts: create and edit them, find them, and read their 360 views.

The 360 views (an account's or a contact's whole history) read every case through
`authz.case_filter(reader)`, so a reader never sees a case of a tier above theirs, and run a
fixed number of queries whatever the number of cases and timeline entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from portal import authz
from portal.domain.crm.matching import (
    fold_for_search,
    folded_column,
    is_valid_phone,
    normalize_phone,
)
from portal.extensions import db
from portal.i18n import LANGUAGES, isolate
from portal.kernel import audit
from portal.kernel.errors import DomainError
from portal.models import (
    Account,
    Case,
    CaseEvent,
    CaseStatus,
    Contact,
    ContactRole,
    EventKind,
    SLAPolicy,
    User,
)
from portal.models._base import utcnow

OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING)
TIMELINE_KINDS = (EventKind.PUBLIC_REPLY, EventKind.INTERNAL_NOTE, EventKind.INTERACTION)
TIMELINE_LIMIT = 50
CASES_PER_PAGE = 25
LIST_PER_PAGE = 50
ACCOUNT_CONTACTS_LIMIT = 200
DEFAULT_ENTITLEMENT = "standard"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class CrmError(DomainError):
    """A value the CRM refuses; `field` names the form field it belongs to."""

    status = 400

    def __init__(self, message, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --- values ----------------------------------------------------------------------------------


def clean_email(email: str | None) -> str | None:
    """The address in its normalized form (domain lowercased); CrmError when malformed."""
    text = (email or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise CrmError(
            _l("Not a valid email address: %(reason)s", reason=str(error)), "email"
        ) from None


def clean_domain(domain: str | None) -> str | None:
    """An email domain such as `example.com` (lowercase, no @, no scheme); None when empty."""
    text = (domain or "").strip().lower().lstrip("@")
    if not text:
        return None
    try:
        text = text.encode("idna").decode("ascii")
    except UnicodeError:
        raise CrmError(_l("Not a valid domain, e.g. example.com."), "email_domain") from None
    if not _DOMAIN.match(text):
        raise CrmError(_l("Not a valid domain, e.g. example.com."), "email_domain")
    return text


def clean_language(language: str | None) -> str | None:
    """`fa`, `fa-IR` or `FA` -> `fa`; CrmError for a language the portal does not speak."""
    text = (language or "").strip().lower().replace("_", "-").split("-")[0]
    if not text:
        return None
    if text not in LANGUAGES:
        raise CrmError(
            _l("Unknown language; use one of %(codes)s.", codes=", ".join(LANGUAGES)), "language"
        )
    return text


def entitlements() -> list[str]:
    """Entitlements that have SLA policies, plus the default."""
    found = set(db.session.scalars(sa.select(SLAPolicy.entitlement).distinct()))
    return sorted(found | {DEFAULT_ENTITLEMENT})


def staff_users() -> list[User]:
    """Possible account owners: active agents, supervisors and admins."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_(authz.STAFF_ROLES), User.is_active.is_(True))
            .order_by(User.name)
        )
    )


# --- finding accounts ------------------------------------------------------------------------

AMBIGUOUS = object()


def resolve_accounts(values: set[str]) -> dict[str, Account | object | None]:
    """Each text (an account name or email domain, any case) -> its Account, None when no
    account matches, AMBIGUOUS when several do. One query for all of them."""
    wanted = {value.strip().lower() for value in values if value and value.strip()}
    found: dict[str, set[int]] = {value: set() for value in wanted}
    accounts: dict[int, Account] = {}
    items = sorted(wanted)
    for start in range(0, len(items), 500):
        chunk = items[start : start + 500]
        for account in db.session.scalars(
            sa.select(Account).where(
                sa.or_(
                    sa.func.lower(Account.name).in_(chunk),
                    sa.func.lower(Account.email_domain).in_(chunk),
                )
            )
        ):
            accounts[account.id] = account
            for key in (account.name.lower(), (account.email_domain or "").lower()):
                if key in found:
                    found[key].add(account.id)
    result: dict[str, Account | object | None] = {}
    for value in values:
        ids = found.get((value or "").strip().lower(), set())
        result[value] = (
            None if not ids else accounts[next(iter(ids))] if len(ids) == 1 else AMBIGUOUS
        )
    return result


def find_account(text: str | None) -> Account | None:
    """The account named `text` or using it as email domain; CrmError when none or several."""
    if not (text or "").strip():
        return None
    account = resolve_accounts({text})[text]
    if account is None:
        raise CrmError(_l("No account has this name or domain."), "account")
    if account is AMBIGUOUS:
        raise CrmError(
            _l("Several accounts have this name; enter the account's email domain instead."),
            "account",
        )
    return account


def account_label(account: Account | None) -> str:
    """What to type in a contact's account field to find this account again."""
    if account is None:
        return ""
    return account.email_domain or account.name


# --- writes ----------------------------------------------------------------------------------


def _changes(record, values: dict) -> dict:
    """Apply `values` to `record`; return {field: [old, new]} for those that changed."""
    changed = {}
    for name, value in values.items():
        old = getattr(record, name)
        if old != value:
            changed[name] = [old, value]
            setattr(record, name, value)
    return changed


def _account_values(
    name: str, email_domain: str | None, is_domain_verified: bool, entitlement: str, owner_id
) -> dict:
    name = (name or "").strip()
    if not name:
        raise CrmError(_l("An account needs a name."), "name")
    return {
        "name": name,
        "email_domain": clean_domain(email_domain),
        "is_domain_verified": bool(is_domain_verified) and bool(email_domain),
        "entitlement": (entitlement or DEFAULT_ENTITLEMENT).strip(),
        "owner_id": owner_id or None,
    }


def create_account(
    *,
    name: str,
    by: User | None,
    email_domain: str | None = None,
    is_domain_verified: bool = False,
    entitlement: str = DEFAULT_ENTITLEMENT,
    owner_id: int | None = None,
) -> Account:
    """A new account; its entitlement picks the SLA policies of its cases."""
    account = Account(
        **_account_values(name, email_domain, is_domain_verified, entitlement, owner_id)
    )
    db.session.add(account)
    db.session.flush()
    audit.record("account.create", by=by, subject=account, name=account.name)
    return account


def update_account(
    account: Account,
    *,
    name: str,
    by: User | None,
    email_domain: str | None = None,
    is_domain_verified: bool = False,
    entitlement: str = DEFAULT_ENTITLEMENT,
    owner_id: int | None = None,
) -> dict:
    """Change an account; the audit row lists each changed field with its old and new value."""
    changed = _changes(
        account, _account_values(name, email_domain, is_domain_verified, entitlement, owner_id)
    )
    if changed:
        db.session.flush()
        audit.record("account.update", by=by, subject=account, changes=_jsonable(changed))
    return changed


def _jsonable(changed: dict) -> dict:
    return {
        name: [None if v is None else v if isinstance(v, bool | int) else str(v) for v in pair]
        for name, pair in changed.items()
    }


def _check_email_free(email: str | None, *, other_than: Contact | None = None) -> None:
    """A person is defined once: no second contact with the same address (any case; merged
    contacts count too, so that undoing a merge cannot bring back a second one)."""
    if email is None:
        return
    query = sa.select(Contact).where(sa.func.lower(Contact.email) == email.lower())
    if other_than is not None:
        query = query.where(Contact.id != other_than.id)
    existing = db.session.scalars(query.limit(1)).first()
    if existing is not None:
        raise CrmError(
            _l("%(name)s already has this email address.", name=isolate(existing.name)), "email"
        )


def _contact_values(name, email, phone, language, account: Account | None) -> dict:
    name = " ".join((name or "").split())
    if not name:
        raise CrmError(_l("A contact needs a name."), "name")
    if not is_valid_phone(phone):
        raise CrmError(
            _l("Not a phone number: use digits, spaces, dashes and an optional leading +."),
            "phone",
        )
    return {
        "name": name,
        "email": clean_email(email),
        "phone": normalize_phone(phone),
        "language": clean_language(language),
        "account_id": account.id if account is not None else None,
    }


def create_contact(
    *,
    name: str,
    by: User | None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    account: Account | None = None,
) -> Contact:
    """A new contact; refused (CrmError) when another contact has the same email address."""
    values = _contact_values(name, email, phone, language, account)
    _check_email_free(values["email"])
    contact = Contact(**values)
    db.session.add(contact)
    db.session.flush()
    audit.record("contact.create", by=by, subject=contact, name=contact.name)
    return contact


def update_contact(
    contact: Contact,
    *,
    name: str,
    by: User | None,
    email: str | None = None,
    phone: str | None = None,
    language: str | None = None,
    account: Account | None = None,
) -> dict:
    """Change a contact (not one merged away: edit the survivor instead)."""
    if contact.merged_into_id is not None:
        raise CrmError(_l("This contact was merged into another; edit that one instead."))
    values = _contact_values(name, email, phone, language, account)
    if (values["email"] or "").lower() != (contact.email or "").lower():
        _check_email_free(values["email"], other_than=contact)
    changed = _changes(contact, values)
    if changed:
        db.session.flush()
        audit.record("contact.update", by=by, subject=contact, changes=_jsonable(changed))
    return changed


# --- lists -----------------------------------------------------------------------------------


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _page(query: sa.Select, page: int, per_page: int, *, total: int | None = None) -> Page:
    page = max(1, page)
    if total is None:
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    items = [row[0] if len(row) == 1 else tuple(row) for row in rows]
    return Page(items=items, total=total, page=page, per_page=per_page)


def list_accounts(search: str = "", *, page: int = 1) -> Page:
    """Accounts whose name (Persian/Arabic letter variants folded) or domain contains `search`,
    with their number of active contacts."""
    contacts = (
        sa.select(sa.func.count(Contact.id))
        .where(Contact.account_id == Account.id, Contact.merged_into_id.is_(None))
        .correlate(Account)
        .scalar_subquery()
    )
    query = sa.select(Account, contacts.label("contact_count"))
    term = fold_for_search(search)
    if term:
        query = query.where(
            sa.or_(
                folded_column(Account.name).contains(term, autoescape=True),
                sa.func.lower(Account.email_domain).contains(term, autoescape=True),
            )
        )
    return _page(query.order_by(Account.name, Account.id), page, LIST_PER_PAGE)


def list_contacts(search: str = "", *, page: int = 1, include_merged: bool = False) -> Page:
    """Contacts whose name, email or phone contains `search`, with their account."""
    query = sa.select(Contact).options(joinedload(Contact.account))
    if not include_merged:
        query = query.where(Contact.merged_into_id.is_(None))
    term = fold_for_search(search)
    if term:
        phone = normalize_phone(search) or ""
        query = query.where(
            sa.or_(
                folded_column(Contact.name).contains(term, autoescape=True),
                sa.func.lower(Contact.email).contains(term, autoescape=True),
                Contact.phone.contains(phone, autoescape=True),
            )
        )
    return _page(query.order_by(Contact.name, Contact.id), page, LIST_PER_PAGE)


# --- 360 views -------------------------------------------------------------------------------


@dataclass
class CaseCounts:
    total: int = 0
    open: int = 0
    this_year: int = 0
    resolved: int = 0
    average_resolution: timedelta | None = None


@dataclass
class TimelineEntry:
    """One line of the interaction timeline: a case opened, or an event on a case."""

    at: datetime
    case: Case
    event: CaseEvent | None = None

    @property
    def kind(self) -> str:
        return "opened" if self.event is None else self.event.kind.value


@dataclass
class Overview:
    """What a 360 view shows about the cases in its scope, as the reader may see them."""

    counts: CaseCounts
    cases: Page
    timeline: list[TimelineEntry] = field(default_factory=list)


def _seconds(start, end) -> sa.ColumnElement[float]:
    """Seconds from `start` to `end`, on PostgreSQL and SQLite."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.extract("epoch", end - start)
    return (sa.func.julianday(end) - sa.func.julianday(start)) * 86400.0


def _counts(scope: sa.ColumnElement[bool], reader: User, now: datetime) -> CaseCounts:
    """Open cases, cases this (UTC) year and the average time to resolution, in one query."""
    year_start = datetime(now.year, 1, 1, tzinfo=UTC)
    row = db.session.execute(
        sa.select(
            sa.func.count(Case.id),
            sa.func.coalesce(sa.func.sum(sa.case((Case.status.in_(OPEN_STATUSES), 1), else_=0)), 0),
            sa.func.coalesce(sa.func.sum(sa.case((Case.created_at >= year_start, 1), else_=0)), 0),
            sa.func.count(Case.resolved_at),
            sa.func.avg(_seconds(Case.created_at, Case.resolved_at)),
        ).where(scope, authz.case_filter(reader))
    ).one()
    total, open_count, this_year, resolved, average = row
    return CaseCounts(
        total=total,
        open=int(open_count),
        this_year=int(this_year),
        resolved=resolved,
        average_resolution=None if average is None else timedelta(seconds=round(float(average))),
    )


def _overview(
    scope: sa.ColumnElement[bool], reader: User, *, page: int, now: datetime | None
) -> Overview:
    """Counts, one page of cases (newest activity first) and the merged timeline: five
    queries, whatever the data size."""
    now = now or utcnow()
    counts = _counts(scope, reader, now)
    visible = authz.visible_cases(reader).where(scope)
    cases = _page(
        visible.options(
            joinedload(Case.requester), joinedload(Case.assignee), joinedload(Case.queue)
        ).order_by(Case.updated_at.desc(), Case.id.desc()),
        page,
        CASES_PER_PAGE,
        total=counts.total,
    )
    events = db.session.scalars(
        sa.select(CaseEvent)
        .join(CaseEvent.case)
        .options(
            contains_eager(CaseEvent.case).joinedload(Case.requester),
            joinedload(CaseEvent.author),
        )
        .where(
            scope,
            authz.case_filter(reader),
            authz.event_filter(reader),
            CaseEvent.kind.in_(TIMELINE_KINDS),
        )
        .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    opened = db.session.scalars(
        visible.options(joinedload(Case.requester))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(TIMELINE_LIMIT)
    ).all()
    entries = [
        TimelineEntry(at=event.occurred_at or event.created_at, case=event.case, event=event)
        for event in events
    ]
    entries += [TimelineEntry(at=case.created_at, case=case) for case in opened]
    entries.sort(key=lambda entry: (entry.at, entry.event is not None), reverse=True)
    return Overview(counts=counts, cases=cases, timeline=entries[:TIMELINE_LIMIT])


@dataclass
class AccountView:
    account: Account
    overview: Overview
    contacts: list[Contact]
    contact_total: int
    roles: dict[int, list[ContactRole]]
    logins: set[int]
    policies: list[SLAPolicy]


def account_360(
    account: Account, *, reader: User, page: int = 1, now: datetime | None = None
) -> AccountView:
    """An account's details, SLA policies, contacts with roles, cases and timeline."""
    contact_query = sa.select(Contact).where(
        Contact.account_id == account.id, Contact.merged_into_id.is_(None)
    )
    contact_total = db.session.scalar(
        sa.select(sa.func.count()).select_from(contact_query.subquery())
    )
    contacts = list(
        db.session.scalars(
            contact_query.order_by(Contact.name, Contact.id).limit(ACCOUNT_CONTACTS_LIMIT)
        )
    )
    ids = [contact.id for contact in contacts]
    roles: dict[int, list[ContactRole]] = {}
    for role in db.session.scalars(
        sa.select(ContactRole)
        .where(ContactRole.account_id == account.id, ContactRole.contact_id.in_(ids))
        .order_by(ContactRole.id)
    ):
        roles.setdefault(role.contact_id, []).append(role)
    logins = set(db.session.scalars(sa.select(User.contact_id).where(User.contact_id.in_(ids))))
    policies = list(
        db.session.scalars(
            sa.select(SLAPolicy)
            .options(joinedload(SLAPolicy.calendar))
            .where(SLAPolicy.entitlement == account.entitlement)
            .order_by(SLAPolicy.first_response_minutes, SLAPolicy.id)
        )
    )
    return AccountView(
        account=account,
        overview=_overview(Case.account_id == account.id, reader, page=page, now=now),
        contacts=contacts,
        contact_total=contact_total,
        roles=roles,
        logins=logins,
        policies=policies,
    )


@dataclass
class ContactView:
    contact: Contact
    overview: Overview
    login: User | None
    account_roles: list[ContactRole]
    merged_into: Contact | None


def contact_scope(contact: Contact) -> sa.ColumnElement[bool]:
    """Cases the contact requested or holds a role on (copied, technical, billing, ...)."""
    return sa.or_(
        Case.requester_id == contact.id,
        Case.id.in_(
            sa.select(ContactRole.case_id).where(
                ContactRole.contact_id == contact.id, ContactRole.case_id.is_not(None)
            )
        ),
    )


def contact_360(
    contact: Contact, *, reader: User, page: int = 1, now: datetime | None = None
) -> ContactView:
    """A contact's details, login, account roles, cases and timeline."""
    login = db.session.scalars(sa.select(User).where(User.contact_id == contact.id)).first()
    account_roles = list(
        db.session.scalars(
            sa.select(ContactRole)
            .where(ContactRole.contact_id == contact.id, ContactRole.account_id.is_not(None))
            .order_by(ContactRole.id)
        )
    )
    merged_into = (
        db.session.get(Contact, contact.merged_into_id) if contact.merged_into_id else None
    )
    return ContactView(
        contact=contact,
        overview=_overview(contact_scope(contact), reader, page=page, now=now),
        login=login,
        account_roles=account_roles,
        merged_into=merged_into,
    )
