"""The index document of a case, read from the database: what search finds a case by.

`case_documents` reads any number of cases in two queries. Search reads what it indexes in a
session of its own (`reading`), never the caller's: it leaves the caller's transaction alone, and
it reads only what is committed, without SQLite's write lock, and is done before Whoosh writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.infra.database import read_only_engine
from portal.models import Account, Case, CaseEvent, Contact, Queue
from portal.search.schema import NONE, day_number, microseconds


def _day(moment: datetime | None) -> int | None:
    """The UTC day of `moment` as yyyymmdd (the date fields), or None."""
    return None if moment is None else day_number(moment.astimezone(UTC))


def stamp(updated_at: datetime, newest_event_id: int | None) -> str:
    """The version of a case that a document was built from, compared by `verify`."""
    return f"{updated_at.astimezone(UTC).isoformat()}|{newest_event_id or 0}"


def _value(item) -> str:
    return NONE if item is None else str(getattr(item, "value", item))


@contextmanager
def reading() -> Iterator[Session]:
    """A short session of search's own that reads committed rows, closed on leaving."""
    with Session(read_only_engine()) as session:
        yield session


def case_documents(session: Session, case_ids: Iterable[int]) -> dict[int, dict]:
    """Index documents for these cases, from two queries however many cases (no N+1)."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = session.execute(
        sa.select(
            Case.id,
            Case.subject,
            Case.description,
            Case.status,
            Case.priority,
            Case.channel,
            Case.category,
            Case.tier,
            Case.queue_id,
            Case.account_id,
            Case.requester_id,
            Case.assignee_id,
            Case.created_at,
            Case.updated_at,
            Case.resolved_at,
            Account.name.label("account_name"),
            Account.email_domain,
            Contact.name.label("requester_name"),
            Contact.email.label("requester_email"),
            Queue.name.label("queue_name"),
        )
        .outerjoin(Account, Account.id == Case.account_id)
        .outerjoin(Contact, Contact.id == Case.requester_id)
        .outerjoin(Queue, Queue.id == Case.queue_id)
        .where(Case.id.in_(ids))
    ).all()
    events = session.execute(
        sa.select(CaseEvent.id, CaseEvent.case_id, CaseEvent.kind, CaseEvent.body)
        .where(CaseEvent.case_id.in_(ids))
        .order_by(CaseEvent.case_id, CaseEvent.created_at, CaseEvent.id)
    ).all()
    public: dict[int, list[str]] = {}
    internal: dict[int, list[str]] = {}
    newest: dict[int, int] = {}
    for event in events:
        newest[event.case_id] = max(newest.get(event.case_id, 0), event.id)
        if not event.body:
            continue
        # CaseEvent.is_public reads only `kind`, so it applies to the row as well: what
        # customers may read is decided in one place.
        target = public if CaseEvent.is_public.fget(event) else internal
        target.setdefault(event.case_id, []).append(event.body)
    documents = {}
    for row in rows:
        people = [row.requester_name, row.requester_email, row.account_name, row.email_domain]
        documents[row.id] = {
            "id": str(row.id),
            "number": Case.number.fget(row),
            "subject": row.subject or "",
            "body": "\n\n".join([row.description or "", *public.get(row.id, [])]),
            "internal": "\n\n".join(internal.get(row.id, [])),
            "people": "\n".join(item for item in people if item),
            "account": row.account_name or "",
            "queue": row.queue_name or "",
            "category": row.category or "",
            "status": _value(row.status),
            "priority": _value(row.priority),
            "channel": _value(row.channel),
            "tier": str(row.tier),
            "queue_id": _value(row.queue_id),
            "account_id": _value(row.account_id),
            "requester_id": _value(row.requester_id),
            "assignee_id": _value(row.assignee_id),
            "created": _day(row.created_at),
            "updated": _day(row.updated_at),
            "resolved": _day(row.resolved_at),
            "created_at": microseconds(row.created_at),
            "stamp": stamp(row.updated_at, newest.get(row.id)).encode(),
        }
    return documents
