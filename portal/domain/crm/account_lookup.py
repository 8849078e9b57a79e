"""Finding accounts by what people type: an account's name or its email domain, in any case.

The account field of the contact form and every row of a contact import resolve through here:
`resolve_accounts` answers a whole import in one query, and `account_label` gives the text that
finds an account again.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from portal.domain.crm.field_values import CrmError
from portal.extensions import db
from portal.models import Account

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
