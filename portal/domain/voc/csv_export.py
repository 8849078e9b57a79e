"""The VoC CSV export: every feedback row of a period, written so spreadsheets open it safely.

Apart from the figures because it reads rows, not aggregates, and guards each cell against
CSV injection; internal discussion is never part of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.models import Account, Case, Contact, Feedback, Queue, User

EXPORT_LIMIT = 50_000
# Cells a spreadsheet would read as a formula (OWASP "CSV injection"), NUL included.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")

EXPORT_HEADER = (
    "id",
    "created_at",
    "kind",
    "score",
    "sentiment",
    "status",
    "channel",
    "case",
    "category",
    "account",
    "contact",
    "agent",
    "queue",
    "tier",
    "themes",
    "summary",
    "detail",
    "owner",
    "due_at",
    "response",
    "responded_at",
)


def export_rows(start: datetime, end: datetime) -> Iterator[tuple]:
    """Feedback (items and survey answers) created in [start, end), one query. Internal
    discussion is never part of it."""
    agent, owner = aliased(User), aliased(User)
    query = (
        sa.select(
            Feedback,
            Case.category,
            Account.name,
            Contact.name,
            agent.name,
            Queue.name,
            owner.name,
        )
        .outerjoin(Case, Case.id == Feedback.case_id)
        .outerjoin(Account, Account.id == Feedback.account_id)
        .outerjoin(Contact, Contact.id == Feedback.contact_id)
        .outerjoin(agent, agent.id == Feedback.agent_id)
        .outerjoin(Queue, Queue.id == Feedback.queue_id)
        .outerjoin(owner, owner.id == Feedback.owner_id)
        .where(Feedback.created_at >= start, Feedback.created_at < end)
        .order_by(Feedback.created_at, Feedback.id)
        .limit(EXPORT_LIMIT)
    )
    for item, category, account, contact, agent_name, queue, owner_name in db.session.execute(
        query
    ):
        yield (
            item.id,
            item.created_at.isoformat(),
            item.kind.value,
            item.score,
            item.sentiment.value if item.sentiment else "",
            item.status.value,
            item.channel.value,
            f"CS-{item.case_id:06d}" if item.case_id else "",
            category,
            account,
            contact,
            agent_name,
            queue,
            item.tier,
            item.themes,
            item.summary,
            item.detail,
            owner_name,
            item.due_at.isoformat() if item.due_at else "",
            item.response,
            item.responded_at.isoformat() if item.responded_at else "",
        )


def csv_safe(value) -> str:
    """A cell that no spreadsheet runs as a formula: text starting with = + - @ TAB CR or NUL
    gets a leading apostrophe (IN-06). Numbers are written as they are."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(rows: Iterable[Iterable], header: Iterable[str] = EXPORT_HEADER) -> str:
    """RFC 4180 CSV (quoted as needed, CRLF) with a BOM so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return "\ufeff" + buffer.getvalue()
