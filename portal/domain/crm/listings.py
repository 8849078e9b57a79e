"""Account and contact lists, searched with Persian/Arabic letter variants folded, a page at a time.

`Page` and `_page` also page the cases of the 360 views; the lists themselves read no cases,
which is why they are apart from those views.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.domain.crm.matching import fold_for_search, folded_column, normalize_phone
from portal.extensions import db
from portal.models import Account, Contact

LIST_PER_PAGE = 50


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
