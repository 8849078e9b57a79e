"""Who may find what: the search side of `authz.case_filter`.

Search never decides rights on its own. `reader_for(user)` turns the predicates of
portal/authz.py into a restriction that the engine AND-s into every query
(whoosh_engine/matching.py), so results, totals, facets and suggestions all come from the
same restricted set; tests compare it with `authz.visible_cases` for every role.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal import authz
from portal.models import Role
from portal.search.schema import PUBLIC_TEXT_FIELDS, STAFF_TEXT_FIELDS

# Field filters a reader may type (`status:open`), by who may use them.
PUBLIC_FILTERS = frozenset(
    {"status", "priority", "channel", "account", "category", "created", "updated", "resolved"}
)
STAFF_FILTERS = PUBLIC_FILTERS | {"queue", "tier", "assignee"}

# A case may be found when any of these (index field, value) pairs is one of its terms.
Restriction = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Reader:
    """What one user's searches may touch."""

    user_id: int
    restriction: Restriction | None  # None: every case
    text_fields: tuple[str, ...]  # free-text fields; `internal` only for staff
    filters: frozenset[str]  # field filters this reader may use
    is_staff: bool


def _restriction(user) -> Restriction | None:
    """authz.case_filter as index terms (None: no restriction). Callers checked access.
    One query for an agent: the ids of worked cases above their tier."""
    if authz.sees_all_queues(user):
        return None
    if authz.is_staff(user):
        # Its tiers, and the cases above them it worked (the same rule as case_filter).
        tiers = [("tier", str(tier)) for tier in range(1, user.max_tier + 1)]
        worked = authz.worked_case_ids_above_tier(user)
        return (*tiers, *[("id", str(case_id)) for case_id in worked])
    own = ("requester_id", str(user.contact_id))
    if authz.sees_account_cases(user):
        return (own, ("account_id", str(user.contact.account_id)))
    return (own,)


def reader_for(user) -> Reader | None:
    """The search rights of `user`; None when they may see no case at all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    staff = authz.is_staff(user)
    if not staff and (user.role != Role.CUSTOMER or user.contact_id is None):
        return None
    internal = authz.can_see_internal_notes(user)
    return Reader(
        user_id=user.id,
        restriction=_restriction(user),
        text_fields=STAFF_TEXT_FIELDS if internal else PUBLIC_TEXT_FIELDS,
        filters=STAFF_FILTERS if staff else PUBLIC_FILTERS,
        is_staff=staff,
    )
