"""Reading feedback: the filtered, paged item list, a customer's own items and one item's page.

Every read starts from `authz.visible_feedback`, so a list shows only what its reader may see;
it is apart from the write path because it loads rows and never changes one. The contact an item
is about, a choice the staff forms offer, is read here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal import authz, numbers
from portal.domain.voc.items import ITEM_KINDS
from portal.domain.voc.score_bands import low_score_clause
from portal.domain.voc.themes import themes_by_item
from portal.extensions import db
from portal.kernel.pagination import Page, paginate
from portal.models import (
    Account,
    Case,
    Contact,
    Feedback,
    FeedbackComment,
    FeedbackKind,
    FeedbackStatus,
    FeedbackTheme,
    Queue,
    User,
    feedback_theme_links,
)

PER_PAGE = 25


@dataclass
class ItemRow:
    """A feedback row with the names a list shows."""

    item: Feedback
    case_id: int | None
    contact_name: str | None
    account_name: str | None
    owner_name: str | None

    @property
    def case_number(self) -> str | None:
        return f"CS-{self.case_id:06d}" if self.case_id else None


def list_items(
    user: User,
    *,
    kind: str = "",
    status: str = "open",
    owner: str = "",
    theme_id: int | None = None,
    follow_up: bool = False,
    page: int = 1,
) -> Page[ItemRow]:
    """Items the reader may see, filtered and paged, newest first (two queries)."""
    owner_user = aliased(User)
    query = authz.visible_feedback(user)
    if kind:
        query = query.where(Feedback.kind == FeedbackKind(kind))
    elif not follow_up:
        # Survey answers are listed once they are something to follow up.
        query = query.where(sa.or_(Feedback.kind.in_(ITEM_KINDS), Feedback.due_at.is_not(None)))
    if status == "open":
        query = query.where(Feedback.status != FeedbackStatus.CLOSED)
    elif status:
        query = query.where(Feedback.status == FeedbackStatus(status))
    if owner == "me":
        query = query.where(Feedback.owner_id == user.id)
    elif owner == "none":
        query = query.where(Feedback.owner_id.is_(None))
    elif owner:  # a user id; one no row can have matches nothing
        owner_id = numbers.parse_id(owner)
        query = query.where(Feedback.owner_id == owner_id if owner_id else sa.false())
    if theme_id:
        query = query.where(
            Feedback.id.in_(
                sa.select(feedback_theme_links.c.feedback_id).where(
                    feedback_theme_links.c.theme_id == theme_id
                )
            )
        )
    if follow_up:
        query = query.where(low_score_clause())
    return paginate(
        query.add_columns(Contact.name, Account.name, owner_user.name)
        .outerjoin(Contact, Contact.id == Feedback.contact_id)
        .outerjoin(Account, Account.id == Feedback.account_id)
        .outerjoin(owner_user, owner_user.id == Feedback.owner_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc()),
        number=page,
        per_page=PER_PAGE,
        total=db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())),
        rows=lambda limited: [
            ItemRow(item, item.case_id, contact_name, account_name, owner_name)
            for item, contact_name, account_name, owner_name in db.session.execute(limited)
        ],
    )


def customer_items(user: User) -> list[Feedback]:
    """A customer's own feedback and survey answers, newest first."""
    return list(
        db.session.scalars(
            authz.visible_feedback(user)
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(200)
        )
    )


@dataclass
class ItemDetail:
    """One item with what its page shows; `comments` is empty unless asked for (staff)."""

    item: Feedback
    case: Case | None
    contact: Contact | None
    account: Account | None
    agent: User | None
    queue: Queue | None
    owner: User | None
    themes: list[FeedbackTheme]
    comments: list[tuple[FeedbackComment, str | None]]


def item_detail(item: Feedback, *, with_comments: bool) -> ItemDetail:
    """Load the item's related records; internal comments only when `with_comments`."""
    comments = []
    if with_comments:
        comments = db.session.execute(
            sa.select(FeedbackComment, User.name)
            .outerjoin(User, User.id == FeedbackComment.author_id)
            .where(FeedbackComment.feedback_id == item.id)
            .order_by(FeedbackComment.created_at, FeedbackComment.id)
        ).all()
    return ItemDetail(
        item=item,
        case=db.session.get(Case, item.case_id) if item.case_id else None,
        contact=db.session.get(Contact, item.contact_id) if item.contact_id else None,
        account=db.session.get(Account, item.account_id) if item.account_id else None,
        agent=db.session.get(User, item.agent_id) if item.agent_id else None,
        queue=db.session.get(Queue, item.queue_id) if item.queue_id else None,
        owner=db.session.get(User, item.owner_id) if item.owner_id else None,
        themes=themes_by_item([item.id]).get(item.id, []),
        comments=[tuple(row) for row in comments],
    )


def find_contact(email: str) -> Contact | None:
    """The contact with this address (not one merged away), for logging feedback."""
    email = (email or "").strip()
    if not email:
        return None
    return db.session.scalar(
        sa.select(Contact)
        .where(sa.func.lower(Contact.email) == email.lower(), Contact.merged_into_id.is_(None))
        .order_by(Contact.id)
        .limit(1)
    )
