"""Feedback items (voice of the customer): submit, log, triage, discuss and close the loop.

Customers submit complaints, suggestions, compliments and questions from the portal; agents log
what they heard on calls and in emails. An item moves new -> acknowledged -> in progress ->
closed (a closed item may be taken up again), has an owner and themes, and is closed by a
response that is emailed to the customer and shown in their portal. Staff discussion
(FeedbackComment) never leaves the staff side: not in customer pages, emails or exports.

A low survey answer (CSAT 1-2, NPS 0-6) is itself the follow-up item: `assign_follow_up` gives
it an owner and a due time, so every answer is counted once in the figures.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from portal import authz
from portal.domain import sla
from portal.extensions import db
from portal.infra import mail
from portal.kernel import audit, numbers
from portal.kernel.errors import DomainError, InvalidTransition, NotAllowed
from portal.models import (
    Account,
    Case,
    Channel,
    Contact,
    Feedback,
    FeedbackComment,
    FeedbackKind,
    FeedbackStatus,
    FeedbackTheme,
    Queue,
    Role,
    Sentiment,
    User,
    feedback_theme_links,
)
from portal.models._base import utcnow
from portal.models.user import queue_members

ITEM_KINDS = (
    FeedbackKind.COMPLAINT,
    FeedbackKind.SUGGESTION,
    FeedbackKind.COMPLIMENT,
    FeedbackKind.QUESTION,
)
SURVEY_KINDS = (FeedbackKind.CSAT, FeedbackKind.NPS)
# Forward through the workflow, skipping steps if need be; a closed item may be taken up again.
TRANSITIONS = {
    FeedbackStatus.NEW: {
        FeedbackStatus.ACKNOWLEDGED,
        FeedbackStatus.IN_PROGRESS,
        FeedbackStatus.CLOSED,
    },
    FeedbackStatus.ACKNOWLEDGED: {FeedbackStatus.IN_PROGRESS, FeedbackStatus.CLOSED},
    FeedbackStatus.IN_PROGRESS: {FeedbackStatus.CLOSED},
    FeedbackStatus.CLOSED: {FeedbackStatus.IN_PROGRESS},
}
KIND_SENTIMENT = {
    FeedbackKind.COMPLAINT: Sentiment.NEGATIVE,
    FeedbackKind.COMPLIMENT: Sentiment.POSITIVE,
    FeedbackKind.SUGGESTION: Sentiment.NEUTRAL,
    FeedbackKind.QUESTION: Sentiment.NEUTRAL,
}
MAX_SUMMARY = 200
MAX_DETAIL = 5000
MAX_COMMENT = 5000
MAX_RESPONSE = 10000
MAX_THEME_NAME = 60
FOLLOW_UP_BUSINESS_DAYS = 2
PER_PAGE = 25
# Control characters (but newline and tab), bidi embeddings, overrides and isolates, the BOM and
# lone surrogates. Zero-width (non-)joiners and directional marks stay: Persian needs them.
_UNSAFE_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


class ThemeNameTaken(DomainError):
    """Another theme already has this name (compared without case)."""

    status = 400


# --- text and scores -------------------------------------------------------------------------


def clean_text(text: str | None, limit: int) -> str:
    """User text made safe to store and show: NFC, no control or bidi-override characters,
    Unix newlines, trimmed and cut to `limit` characters. Rendering still escapes it."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE_TEXT.sub("", text).strip()[:limit]


def one_line(text: str, limit: int = MAX_SUMMARY) -> str:
    """The first line of a text, for a summary."""
    return clean_text(text, MAX_DETAIL).split("\n", 1)[0][:limit]


def sentiment_for_score(kind: FeedbackKind, score: int) -> Sentiment:
    """CSAT 4-5 / NPS 9-10 positive, CSAT 3 / NPS 7-8 neutral, lower negative."""
    positive, neutral = (4, 3) if kind == FeedbackKind.CSAT else (9, 7)
    if score >= positive:
        return Sentiment.POSITIVE
    return Sentiment.NEUTRAL if score >= neutral else Sentiment.NEGATIVE


def is_low_score(kind: FeedbackKind, score: int | None) -> bool:
    """A CSAT of 1-2 or an NPS detractor (0-6): someone should follow up."""
    if score is None or kind not in SURVEY_KINDS:
        return False
    return score <= (2 if kind == FeedbackKind.CSAT else 6)


def low_score_clause() -> sa.ColumnElement[bool]:
    """`is_low_score` as SQL."""
    return sa.or_(
        sa.and_(Feedback.kind == FeedbackKind.CSAT, Feedback.score <= 2),
        sa.and_(Feedback.kind == FeedbackKind.NPS, Feedback.score <= 6),
    )


def contact_language(contact: Contact) -> str | None:
    """The language to write to a contact in: their login's choice, else the contact's."""
    return (contact.user.language if contact.user else None) or contact.language


def may_email(contact: Contact | None) -> bool:
    """A contact with an address whose login (if any) is active and has not turned email off."""
    if contact is None or not contact.email:
        return False
    user = contact.user
    return user is None or (user.is_active and user.notify_by_email)


# --- who may see and do what (kept beside the model it guards; see also portal/authz.py) ------


def feedback_filter(user: User) -> sa.ColumnElement[bool]:
    """Items a reader may see: customers their own; supervisors and admins all; agents those
    without a case or about a case they may see (tiers up to theirs)."""
    if not user.is_authenticated or not user.is_active:
        return sa.false()
    if user.role == Role.CUSTOMER:
        if user.contact_id is None:
            return sa.false()
        return Feedback.contact_id == user.contact_id
    if authz.sees_all_queues(user):
        return sa.true()
    if user.role == Role.AGENT:
        return sa.or_(
            Feedback.case_id.is_(None),
            Feedback.case_id.in_(sa.select(Case.id).where(authz.case_filter(user))),
        )
    return sa.false()


def visible_items(user: User) -> sa.Select:
    """Every feedback list, page and export starts here."""
    return sa.select(Feedback).where(feedback_filter(user))


def can_edit_item(user: User, item: Feedback) -> bool:
    """Status, owner, themes and the response: the owner, supervisors and admins; any staff
    member while nobody owns the item."""
    if not authz.is_staff(user):
        return False
    return authz.sees_all_queues(user) or item.owner_id in (None, user.id)


def can_manage_themes(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in (Role.SUPERVISOR, Role.ADMIN)


def can_view_dashboard(user: User) -> bool:
    return can_manage_themes(user)


# --- creating items --------------------------------------------------------------------------


def create_item(
    contact: Contact | None,
    *,
    kind: FeedbackKind,
    summary: str,
    detail: str,
    by: User,
    case: Case | None = None,
    channel: Channel = Channel.WEB,
    sentiment: Sentiment | None = None,
    themes: list[FeedbackTheme] = (),
    now: datetime | None = None,
) -> Feedback:
    """A complaint, suggestion, compliment or question: submitted by a customer from the
    portal (about themselves, channel web, no themes) or logged by staff from any channel."""
    kind = FeedbackKind(kind)
    if kind not in ITEM_KINDS:
        raise InvalidTransition(f"{kind} is a survey answer, not a feedback item")
    if by.role == Role.CUSTOMER:
        if contact is None or by.contact_id != contact.id:
            raise NotAllowed("customers give feedback about themselves only")
        channel, themes = Channel.WEB, ()
    elif not authz.is_staff(by):
        raise NotAllowed("only customers and staff give feedback")
    if contact is None and case is not None:
        contact = case.requester
    now = now or utcnow()
    item = Feedback(
        kind=kind,
        channel=Channel(channel),
        summary=clean_text(summary, MAX_SUMMARY),
        detail=clean_text(detail, MAX_DETAIL),
        sentiment=sentiment or KIND_SENTIMENT[kind],
        status=FeedbackStatus.NEW,
        contact_id=contact.id if contact else None,
        account_id=(contact.account_id if contact else None) or (case.account_id if case else None),
        created_at=now,
        updated_at=now,
        **case_links(case),
    )
    db.session.add(item)
    db.session.flush()
    if themes:
        _replace_themes(item, themes)
    audit.record("feedback.create", by=by, subject=item, kind=kind.value, channel=channel.value)
    return item


def case_links(case: Case | None) -> dict:
    """The case, agent, queue and tier a feedback row is attributed to."""
    if case is None:
        return {"case_id": None, "agent_id": None, "queue_id": None, "tier": None}
    return {
        "case_id": case.id,
        "agent_id": case.assignee_id,
        "queue_id": case.queue_id,
        "tier": case.tier,
    }


# --- triage ----------------------------------------------------------------------------------


def change_status(
    item: Feedback, new_status: FeedbackStatus, *, by: User, now: datetime | None = None
) -> None:
    """Move an item along new -> acknowledged -> in progress -> closed."""
    new_status = FeedbackStatus(new_status)
    old_status = item.status
    if new_status == old_status:
        return
    if new_status not in TRANSITIONS[old_status]:
        raise InvalidTransition(f"{old_status} -> {new_status}")
    item.status = new_status
    item.updated_at = now or utcnow()
    audit.record("feedback.status", by=by, subject=item, old=old_status.value, new=new_status.value)


def assign(item: Feedback, owner: User | None, *, by: User) -> None:
    """Give the item to an active staff member (or to nobody)."""
    if owner is not None and not (owner.is_active and owner.role in authz.STAFF_ROLES):
        raise NotAllowed("feedback is owned by active staff only")
    new_id = owner.id if owner else None
    if new_id == item.owner_id:
        return
    audit.record("feedback.owner", by=by, subject=item, old=item.owner_id, new=new_id)
    item.owner_id = new_id
    item.updated_at = utcnow()


def set_themes(item: Feedback, themes: list[FeedbackTheme], *, by: User) -> None:
    """Replace the item's themes."""
    before = sorted(theme.name for theme in themes_by_item([item.id]).get(item.id, []))
    after = sorted(theme.name for theme in themes)
    if before == after:
        return
    _replace_themes(item, themes)
    item.updated_at = utcnow()
    audit.record("feedback.themes", by=by, subject=item, old=before, new=after)


def _replace_themes(item: Feedback, themes: list[FeedbackTheme]) -> None:
    db.session.execute(
        sa.delete(feedback_theme_links).where(feedback_theme_links.c.feedback_id == item.id)
    )
    unique = {theme.id: theme for theme in themes}
    if unique:
        db.session.execute(
            sa.insert(feedback_theme_links),
            [{"feedback_id": item.id, "theme_id": theme_id} for theme_id in unique],
        )
    # A copy of the names for exports and search; the link table is the truth.
    item.themes = ", ".join(sorted(theme.name for theme in unique.values()))[:400]


def update_item(
    item: Feedback,
    *,
    by: User,
    status: FeedbackStatus,
    owner: User | None,
    themes: list[FeedbackTheme],
    sentiment: Sentiment | None,
) -> None:
    """Apply the staff form: status, owner, themes and sentiment, each recorded if changed."""
    if not can_edit_item(by, item):
        raise NotAllowed("only the owner or a supervisor changes this item")
    assign(item, owner, by=by)
    set_themes(item, themes, by=by)
    if sentiment is not None and sentiment != item.sentiment:
        audit.record(
            "feedback.sentiment",
            by=by,
            subject=item,
            old=item.sentiment.value if item.sentiment else None,
            new=sentiment.value,
        )
        item.sentiment = sentiment
    change_status(item, status, by=by)


def add_comment(item: Feedback, body: str, *, by: User) -> FeedbackComment:
    """Internal discussion: staff only, never shown to the customer."""
    if not authz.is_staff(by):
        raise NotAllowed("only staff discuss feedback")
    comment = FeedbackComment(
        feedback_id=item.id, author_id=by.id, body=clean_text(body, MAX_COMMENT)
    )
    db.session.add(comment)
    item.updated_at = utcnow()
    return comment


def respond(item: Feedback, text: str, *, by: User, now: datetime | None = None) -> None:
    """Close the loop: the response is stored, shown in the customer's portal and emailed to
    them; the item is closed and, if nobody owned it, owned by the responder."""
    if not can_edit_item(by, item):
        raise NotAllowed("only the owner or a supervisor answers this item")
    text = clean_text(text, MAX_RESPONSE)
    if not text:
        raise InvalidTransition("an empty response")
    now = now or utcnow()
    item.response = text
    item.responded_at = now
    item.updated_at = now
    if item.owner_id is None:
        item.owner_id = by.id
    if item.status != FeedbackStatus.CLOSED:
        change_status(item, FeedbackStatus.CLOSED, by=by, now=now)
    audit.record("feedback.respond", by=by, subject=item)
    contact = db.session.get(Contact, item.contact_id) if item.contact_id else None
    if may_email(contact):
        case = db.session.get(Case, item.case_id) if item.case_id else None
        base = current_app.config["BASE_URL"]
        context = {"case": case, "link": f"{base}/my/cases/{case.number}"} if case else {}
        mail.send_template(
            "feedback_response",
            to=contact.email,
            language=contact_language(contact),
            name=contact.name,
            item=item,
            response=text,
            feedback_link=f"{base}/feedback/mine/{item.id}",
            **context,
        )


# --- automatic follow-up of low scores --------------------------------------------------------


def follow_up_owner(case: Case | None, account: Account | None) -> User | None:
    """A supervisor of the case's queue (the one with the fewest open follow-ups), else the
    account owner if they are active staff, else nobody (the dashboard lists it unowned)."""
    if case is not None and case.queue_id is not None:
        open_items = (
            sa.select(sa.func.count(Feedback.id))
            .where(Feedback.owner_id == User.id, Feedback.status != FeedbackStatus.CLOSED)
            .scalar_subquery()
        )
        supervisor = db.session.scalar(
            sa.select(User)
            .join(queue_members, queue_members.c.user_id == User.id)
            .where(
                queue_members.c.queue_id == case.queue_id,
                User.role == Role.SUPERVISOR,
                User.is_active.is_(True),
            )
            .order_by(open_items, User.id)
            .limit(1)
        )
        if supervisor is not None:
            return supervisor
    owner = db.session.get(User, account.owner_id) if account and account.owner_id else None
    if owner is not None and owner.is_active and owner.role in authz.STAFF_ROLES:
        return owner
    return None


def follow_up_due(case: Case | None, now: datetime) -> datetime:
    """Two business days on the case's SLA calendar; two calendar days without one."""
    policy = sla.policy_for(case) if case is not None else None
    if policy is not None:
        calendar = policy.calendar
        opens = calendar.opens_at.hour * 60 + calendar.opens_at.minute
        closes = calendar.closes_at.hour * 60 + calendar.closes_at.minute or 24 * 60
        if closes > opens:
            minutes = FOLLOW_UP_BUSINESS_DAYS * (closes - opens)
            return sla.add_business_minutes(calendar, now, minutes)
    return now + timedelta(days=FOLLOW_UP_BUSINESS_DAYS)


def assign_follow_up(
    item: Feedback, *, case: Case | None, account: Account | None, now: datetime
) -> None:
    """Turn a low survey answer into an item to follow up: owner, due time, status new."""
    owner = follow_up_owner(case, account)
    item.owner_id = owner.id if owner else None
    item.due_at = follow_up_due(case, now)
    item.status = FeedbackStatus.NEW
    item.updated_at = now
    audit.record(
        "feedback.follow_up",
        subject=item,
        owner=item.owner_id,
        due_at=item.due_at.isoformat(),
        score=item.score,
    )


# --- themes ----------------------------------------------------------------------------------


def all_themes() -> list[FeedbackTheme]:
    return list(db.session.scalars(sa.select(FeedbackTheme).order_by(FeedbackTheme.name)))


def active_themes() -> list[FeedbackTheme]:
    return [theme for theme in all_themes() if theme.is_active]


def _check_name(name: str, theme: FeedbackTheme | None) -> str:
    name = " ".join(clean_text(name, MAX_THEME_NAME).split())
    if not name:
        raise ThemeNameTaken("a theme needs a name")
    clash = db.session.scalar(
        sa.select(FeedbackTheme.id).where(
            sa.func.lower(FeedbackTheme.name) == name.lower(),
            FeedbackTheme.id != (theme.id if theme else -1),
        )
    )
    if clash is not None:
        raise ThemeNameTaken(name)
    return name


def create_theme(name: str, *, by: User) -> FeedbackTheme:
    if not can_manage_themes(by):
        raise NotAllowed("themes are managed by supervisors")
    theme = FeedbackTheme(name=_check_name(name, None))
    db.session.add(theme)
    db.session.flush()
    audit.record("feedback_theme.create", by=by, subject=theme, name=theme.name)
    return theme


def update_theme(theme: FeedbackTheme, *, name: str, is_active: bool, by: User) -> None:
    """Rename or retire a theme; the copy of names on its items follows a rename."""
    if not can_manage_themes(by):
        raise NotAllowed("themes are managed by supervisors")
    name = _check_name(name, theme)
    old_name = theme.name
    theme.name, theme.is_active = name, is_active
    if old_name != name:
        db.session.flush()
        linked = db.session.scalars(
            sa.select(Feedback)
            .join(feedback_theme_links, feedback_theme_links.c.feedback_id == Feedback.id)
            .where(feedback_theme_links.c.theme_id == theme.id)
        ).all()
        names = themes_by_item([item.id for item in linked])
        for item in linked:
            item.themes = ", ".join(sorted(t.name for t in names.get(item.id, [])))[:400]
    audit.record(
        "feedback_theme.update", by=by, subject=theme, old=old_name, new=name, active=is_active
    )


def themes_by_item(item_ids: list[int]) -> dict[int, list[FeedbackTheme]]:
    """Each item's themes, in one query."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        sa.select(feedback_theme_links.c.feedback_id, FeedbackTheme)
        .join(FeedbackTheme, FeedbackTheme.id == feedback_theme_links.c.theme_id)
        .where(feedback_theme_links.c.feedback_id.in_(item_ids))
        .order_by(FeedbackTheme.name)
    )
    result: dict[int, list[FeedbackTheme]] = {}
    for item_id, theme in rows:
        result.setdefault(item_id, []).append(theme)
    return result


# --- reading ---------------------------------------------------------------------------------


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


@dataclass
class ItemPage:
    rows: list[ItemRow]
    total: int
    page: int
    pages: int


def list_items(
    user: User,
    *,
    kind: str = "",
    status: str = "open",
    owner: str = "",
    theme_id: int | None = None,
    follow_up: bool = False,
    page: int = 1,
) -> ItemPage:
    """Items the reader may see, filtered and paged, newest first (two queries)."""
    owner_user = aliased(User)
    query = visible_items(user)
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
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.add_columns(Contact.name, Account.name, owner_user.name)
        .outerjoin(Contact, Contact.id == Feedback.contact_id)
        .outerjoin(Account, Account.id == Feedback.account_id)
        .outerjoin(owner_user, owner_user.id == Feedback.owner_id)
        .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return ItemPage(
        rows=[
            ItemRow(item, item.case_id, contact_name, account_name, owner_name)
            for item, contact_name, account_name, owner_name in rows
        ],
        total=total,
        page=page,
        pages=pages,
    )


def customer_items(user: User) -> list[Feedback]:
    """A customer's own feedback and survey answers, newest first."""
    return list(
        db.session.scalars(
            visible_items(user).order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(200)
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


def staff_users() -> list[User]:
    """Possible owners: active agents, supervisors and admins."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_(authz.STAFF_ROLES), User.is_active.is_(True))
            .order_by(User.name)
        )
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
