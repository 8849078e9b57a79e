"""Which SLA policy applies to a case: the one for the account's entitlement and the case's
priority.

Separate because the clocks, the countdowns and the sweep all start from this lookup, and it
is the only part of the engine that knows about accounts and entitlements.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Account, BusinessCalendar, Case, Priority, SLAPolicy

DEFAULT_ENTITLEMENT = "standard"


def _entitlement(case: Case):
    """The case's entitlement: a value when the account is at hand, else a scalar subquery."""
    loaded = sa.inspect(case).dict
    if "account" in loaded:
        account = loaded["account"]
        return (account.entitlement if account is not None else None) or DEFAULT_ENTITLEMENT
    if case.account_id is None:
        return DEFAULT_ENTITLEMENT
    return sa.func.coalesce(
        sa.select(Account.entitlement).where(Account.id == case.account_id).scalar_subquery(),
        DEFAULT_ENTITLEMENT,
    )


def policy_for(case: Case) -> SLAPolicy | None:
    """The policy for the case's entitlement ("standard" without an account) and priority.

    One query, which also loads the policy's calendar and its holidays.
    """
    query = (
        sa.select(SLAPolicy)
        .where(
            SLAPolicy.entitlement == _entitlement(case),
            SLAPolicy.priority == (case.priority or Priority.NORMAL),
        )
        .options(joinedload(SLAPolicy.calendar).joinedload(BusinessCalendar.holidays))
    )
    return db.session.scalars(query).unique().first()
