"""Feedback items (voice of the customer): submit, log, triage, discuss and close the loop.

Customers submit complaints, suggestions, compliments and questions from the portal; agents log
what they heard on calls and in emails. An item moves new -> acknowledged -> in progress ->
closed (a closed item may be taken up again), has an owner and themes, and is closed by a
response that is emailed to the customer and shown in their portal. Staff discussion
(FeedbackComment) never leaves the staff side: not in customer pages, emails or exports.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal import authz
from portal.domain.voc.recipients import contact_language, may_email
from portal.domain.voc.themes import themes_by_item
from portal.domain.voc.user_text import (
    MAX_COMMENT,
    MAX_DETAIL,
    MAX_RESPONSE,
    MAX_SUMMARY,
    clean_text,
)
from portal.extensions import db
from portal.infra import mail
from portal.kernel import audit, links
from portal.kernel.errors import InvalidTransition, NotAllowed
from portal.models import (
    Case,
    Channel,
    Contact,
    Feedback,
    FeedbackComment,
    FeedbackKind,
    FeedbackStatus,
    FeedbackTheme,
    Role,
    Sentiment,
    User,
    feedback_theme_links,
)
from portal.models._base import utcnow

ITEM_KINDS = (
    FeedbackKind.COMPLAINT,
    FeedbackKind.SUGGESTION,
    FeedbackKind.COMPLIMENT,
    FeedbackKind.QUESTION,
)
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
    if owner is not None and not (owner.is_active and owner.role in Role.STAFF):
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
    if not authz.can_edit_feedback(by, item):
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
    if not authz.can_edit_feedback(by, item):
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
        context = {"case": case, "link": links.customer_case_url(case.number)} if case else {}
        mail.send_template(
            "feedback_response",
            to=contact.email,
            language=contact_language(contact),
            name=contact.name,
            item=item,
            response=text,
            feedback_link=links.feedback_item_url(item.id),
            **context,
        )
