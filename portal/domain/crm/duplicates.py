"""Likely duplicate contacts: pairs of active contacts that share a matching key.

Detection reads every active contact once and groups them by the keys of `matching`; it only
reads, and lists pairs for a person to review, so it is apart from the merge.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.domain.crm.matching import contact_keys
from portal.extensions import db
from portal.models import Contact, User

# Reasons a pair is listed, strongest first.
REASONS = ("email", "phone", "name")
# A key shared by more contacts than this (a switchboard number, "Info") pairs only this many.
MAX_GROUP = 50
ID_CHUNK = 500


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
