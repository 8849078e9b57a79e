"""Account and contact lists, searched with Persian/Arabic letter variants folded, a page at a time.

The lists read no cases, which is why they are apart from the 360 views.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.domain.crm.matching import fold_for_search, folded_column, normalize_phone
from portal.extensions import db
from portal.kernel.pagination import Page, paginate
from portal.models import Account, Contact

LIST_PER_PAGE = 50


def list_accounts(search: str = "", *, page: int = 1) -> Page[tuple[Account, int]]:
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
    return paginate(
        query.order_by(Account.name, Account.id),
        number=page,
        per_page=LIST_PER_PAGE,
        rows=lambda limited: [tuple(row) for row in db.session.execute(limited)],
        past_end=True,
    )


def list_contacts(
    search: str = "", *, page: int = 1, include_merged: bool = False
) -> Page[Contact]:
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
    return paginate(
        query.order_by(Contact.name, Contact.id),
        number=page,
        per_page=LIST_PER_PAGE,
        past_end=True,
    )
