"""CSAT and NPS surveys: signed links, recording and changing ratings, and sending.

A survey is a SurveyInvitation row with a random nonce. Its link carries an itsdangerous token
(HMAC with SECRET_KEY and a salt of its own) naming the survey kind, case, contact and nonce,
so a link can only ever rate its own case. A link works without signing in, expires after
SURVEY_LINK_DAYS (checked both on the signature's age and on the stored `expires_at`), and
its rating may be changed for SURVEY_CHANGE_DAYS after the first one; then it is locked.
Following a link never records anything: the page shows the five (or eleven) choices with the
emailed one pre-selected, and a POST with a CSRF token records it, so mail scanners that open
every link cannot vote.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import contains_eager

from portal.domain.voc import follow_ups, items, recipients, score_bands, user_text
from portal.extensions import db
from portal.infra import mail
from portal.kernel import audit, links
from portal.kernel.errors import DomainError
from portal.models import (
    Account,
    Case,
    CaseStatus,
    Channel,
    Contact,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    SurveyInvitation,
    User,
)
from portal.models._base import utcnow

SALT = "casework.survey-link.v1"
DEFAULTS = {
    "SURVEY_LINK_DAYS": 30,  # a link expires this long after it was sent
    "SURVEY_CHANGE_DAYS": 7,  # a rating may be changed this long after the first one
    "NPS_INTERVAL_DAYS": 90,  # at most one NPS survey per contact in this many days
    "NPS_CASE_DAYS": 90,  # NPS goes to contacts with a case opened in this many days
}
MAX_COMMENT = 2000
SCORES = {FeedbackKind.CSAT: range(1, 6), FeedbackKind.NPS: range(0, 11)}


class SurveyLinkError(DomainError):
    """A survey link that cannot be used; `reason` picks the page shown."""

    reason = "tampered"


class LinkTampered(SurveyLinkError):
    status = 400
    reason = "tampered"


class LinkExpired(SurveyLinkError):
    status = 410
    reason = "expired"


class RatingLocked(SurveyLinkError):
    status = 410
    reason = "locked"


class InvalidScore(SurveyLinkError):
    status = 400
    reason = "score"


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


# --- links -----------------------------------------------------------------------------------


def make_token(invitation: SurveyInvitation) -> str:
    """The signed token naming this invitation's kind, case, contact and nonce."""
    return _serializer().dumps(
        {
            "k": invitation.kind.value,
            "c": invitation.case_id or 0,
            "p": invitation.contact_id,
            "n": invitation.nonce,
        }
    )


def survey_url(invitation: SurveyInvitation, score: int | None = None) -> str:
    """The absolute link for emails (BASE_URL, never the request's Host header)."""
    return links.survey_url(make_token(invitation), score)


def open_link(token: str, *, now: datetime | None = None) -> SurveyInvitation:
    """The invitation a link names, or LinkTampered / LinkExpired. Changes nothing."""
    now = now or utcnow()
    if not token or len(token) > 400:
        raise LinkTampered("malformed survey token")
    try:
        data = _serializer().loads(token, max_age=setting("SURVEY_LINK_DAYS") * 86400)
    except SignatureExpired as exc:
        raise LinkExpired("survey link expired") from exc
    except BadData as exc:
        raise LinkTampered("bad survey signature") from exc
    if not isinstance(data, dict) or not isinstance(data.get("n"), str):
        raise LinkTampered("malformed survey token")
    invitation = db.session.scalar(
        sa.select(SurveyInvitation).where(SurveyInvitation.nonce == data["n"][:32])
    )
    if (
        invitation is None
        or invitation.kind.value != data.get("k")
        or (invitation.case_id or 0) != data.get("c")
        or invitation.contact_id != data.get("p")
    ):
        raise LinkTampered("the survey link does not match its survey")
    if now >= invitation.expires_at:
        raise LinkExpired("survey link expired")
    return invitation


def change_deadline(invitation: SurveyInvitation) -> datetime | None:
    """Until when the rating may still be changed (None before the first rating)."""
    if invitation.answered_at is None:
        return None
    changeable = invitation.answered_at + timedelta(days=setting("SURVEY_CHANGE_DAYS"))
    return min(changeable, invitation.expires_at)


def is_locked(invitation: SurveyInvitation, *, now: datetime | None = None) -> bool:
    deadline = change_deadline(invitation)
    return deadline is not None and (now or utcnow()) >= deadline


def _lock(invitation: SurveyInvitation) -> None:
    """Answers to one survey take turns: two first ratings at once must not make two rows.
    A row lock on PostgreSQL; SQLite already runs one writing transaction at a time."""
    db.session.refresh(invitation, with_for_update=True)


def answer_of(invitation: SurveyInvitation) -> Feedback | None:
    return db.session.get(Feedback, invitation.feedback_id) if invitation.feedback_id else None


# --- answering -------------------------------------------------------------------------------


def record_rating(
    invitation: SurveyInvitation, score: int, *, now: datetime | None = None
) -> Feedback:
    """Store the rating (or change it within the window). A low one becomes a follow-up item
    for a supervisor of the case's queue or the account owner."""
    now = now or utcnow()
    if score not in SCORES[invitation.kind]:
        raise InvalidScore(f"{score} is not a {invitation.kind} score")
    _lock(invitation)
    if is_locked(invitation, now=now):
        raise RatingLocked("the rating can no longer be changed")
    case = db.session.get(Case, invitation.case_id) if invitation.case_id else None
    contact = db.session.get(Contact, invitation.contact_id)
    account_id = invitation.account_id or (case.account_id if case else None)
    account = db.session.get(Account, account_id) if account_id else None
    answer = answer_of(invitation)
    if answer is None:
        answer = Feedback(
            kind=invitation.kind,
            channel=Channel.WEB,
            score=score,
            sentiment=score_bands.sentiment_for_score(invitation.kind, score),
            # Nothing to do about a good or middling answer; a low one is reopened below.
            status=FeedbackStatus.CLOSED,
            contact_id=contact.id if contact else None,
            account_id=account_id,
            created_at=now,
            updated_at=now,
            **items.case_links(case),
        )
        db.session.add(answer)
        db.session.flush()
        invitation.feedback_id = answer.id
        invitation.answered_at = now
        audit.record("survey.rated", subject=answer, kind=invitation.kind.value, score=score)
    elif answer.score != score:
        audit.record(
            "survey.rating_changed",
            subject=answer,
            kind=invitation.kind.value,
            old=answer.score,
            new=score,
        )
        answer.score = score
        answer.sentiment = score_bands.sentiment_for_score(invitation.kind, score)
        answer.updated_at = now
    # Followed up once; a later change of mind does not take the item away from its owner.
    if score_bands.is_low_score(invitation.kind, score) and answer.due_at is None:
        follow_ups.assign_follow_up(answer, case=case, account=account, now=now)
    return answer


def add_comment(
    invitation: SurveyInvitation, text: str, *, now: datetime | None = None
) -> Feedback:
    """The optional comment (NPS: the main reason) after rating; editable while the rating is."""
    _lock(invitation)
    answer = answer_of(invitation)
    if answer is None:
        raise InvalidScore("rate first, then comment")
    if is_locked(invitation, now=now):
        raise RatingLocked("the rating can no longer be changed")
    answer.detail = user_text.clean_text(text, MAX_COMMENT)
    answer.summary = user_text.one_line(answer.detail)
    answer.updated_at = now or utcnow()
    audit.record("survey.comment", subject=answer, length=len(answer.detail))
    return answer


# --- sending ---------------------------------------------------------------------------------


def _invite(
    kind: FeedbackKind, contact: Contact, *, case: Case | None, now: datetime
) -> SurveyInvitation:
    invitation = SurveyInvitation(
        kind=kind,
        nonce=secrets.token_hex(16),
        case_id=case.id if case else None,
        contact_id=contact.id,
        account_id=contact.account_id or (case.account_id if case else None),
        sent_at=now,
        expires_at=now + timedelta(days=setting("SURVEY_LINK_DAYS")),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation


def send_csat(case: Case, *, now: datetime | None = None) -> SurveyInvitation | None:
    """Ask the requester of a just-resolved case to rate it: one survey per case and requester
    (resolving again after a reopen sends nothing new). The email goes out after the commit;
    a requester who turned email off still finds the survey in the portal."""
    now = now or utcnow()
    contact = case.requester
    if case.status != CaseStatus.RESOLVED or contact is None or case.merged_into_id:
        return None
    existing = db.session.scalar(
        sa.select(SurveyInvitation).where(
            SurveyInvitation.case_id == case.id,
            SurveyInvitation.contact_id == contact.id,
            SurveyInvitation.kind == FeedbackKind.CSAT,
        )
    )
    if existing is not None:
        return existing
    invitation = _invite(FeedbackKind.CSAT, contact, case=case, now=now)
    if recipients.may_email(contact):
        mail.send_template(
            "csat_request",
            to=contact.email,
            language=recipients.contact_language(contact),
            name=contact.name,
            case=case,
            link=links.customer_case_url(case.number),
            rating_links=[(score, survey_url(invitation, score)) for score in range(1, 6)],
        )
        invitation.is_emailed = True
    return invitation


def nps_candidates(*, now: datetime, limit: int | None = None) -> list[Contact]:
    """Contacts due an NPS survey, in one query: an address and email allowed, a case opened in
    the last NPS_CASE_DAYS, and no NPS survey in the last NPS_INTERVAL_DAYS."""
    recent_case = (
        sa.select(Case.id)
        .where(
            Case.requester_id == Contact.id,
            Case.created_at >= now - timedelta(days=setting("NPS_CASE_DAYS")),
        )
        .exists()
    )
    surveyed = (
        sa.select(SurveyInvitation.id)
        .where(
            SurveyInvitation.contact_id == Contact.id,
            SurveyInvitation.kind == FeedbackKind.NPS,
            SurveyInvitation.sent_at > now - timedelta(days=setting("NPS_INTERVAL_DAYS")),
        )
        .exists()
    )
    query = (
        sa.select(Contact)
        .outerjoin(User, User.contact_id == Contact.id)
        .where(
            Contact.email.is_not(None),
            Contact.email != "",
            Contact.merged_into_id.is_(None),
            sa.or_(User.id.is_(None), sa.and_(User.is_active, User.notify_by_email)),
            recent_case,
            ~surveyed,
        )
        .options(contains_eager(Contact.user))
        .order_by(Contact.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def send_nps(*, now: datetime | None = None, limit: int | None = None) -> list[SurveyInvitation]:
    """Send the NPS survey to every contact due one (at most `limit`); the caller commits."""
    now = now or utcnow()
    invitations = []
    for contact in nps_candidates(now=now, limit=limit):
        invitation = _invite(FeedbackKind.NPS, contact, case=None, now=now)
        mail.send_template(
            "nps_request",
            to=contact.email,
            language=recipients.contact_language(contact),
            name=contact.name,
            rating_links=[(score, survey_url(invitation, score)) for score in range(0, 11)],
        )
        invitation.is_emailed = True
        invitations.append(invitation)
    return invitations


def pending_for(contact_id: int, *, now: datetime | None = None) -> list[SurveyInvitation]:
    """A customer's unanswered, unexpired surveys, for the prompt in the portal."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(SurveyInvitation)
            .where(
                SurveyInvitation.contact_id == contact_id,
                SurveyInvitation.answered_at.is_(None),
                SurveyInvitation.expires_at > now,
            )
            .order_by(SurveyInvitation.sent_at.desc())
            .limit(20)
        )
    )
