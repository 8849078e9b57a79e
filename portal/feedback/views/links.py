"""Signed survey links: the rating page, recording a rating, thanks and the optional comment.
No sign-in; a GET never changes anything (mail scanners open links)."""

from __future__ import annotations

from flask import redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_login import current_user

from portal.domain import voc
from portal.extensions import db, limiter
from portal.feedback.forms import RatingForm, SurveyCommentForm
from portal.feedback.views import SURVEY_LIMIT, bp
from portal.i18n import LANGUAGES
from portal.inputs import arg_int
from portal.models import Case, Contact


def _survey_language(invitation) -> str | None:
    """A visitor who has not chosen a language reads the survey in the contact's."""
    if current_user.is_authenticated or session.get("language") in LANGUAGES:
        return None
    contact = db.session.get(Contact, invitation.contact_id)
    language = voc.contact_language(contact) if contact else None
    return language if language in LANGUAGES else None


def _survey_page(invitation, template: str, status: int = 200, **context):
    context.update(
        invitation=invitation,
        case=db.session.get(Case, invitation.case_id) if invitation.case_id else None,
        deadline=voc.change_deadline(invitation),
    )
    language = _survey_language(invitation)
    if language is None:
        return render_template(template, **context), status
    with force_locale(language):
        return render_template(template, **context), status


@bp.errorhandler(voc.SurveyLinkError)
def survey_link_error(error):
    """Tampered (400), expired or locked (410) links get a page that explains, never a 500."""
    return render_template("feedback/link_error.html", reason=error.reason), error.status


def _open_unlocked(token: str):
    invitation = voc.open_link(token)
    if voc.is_locked(invitation):
        answer = voc.answer_of(invitation)
        return invitation, _survey_page(
            invitation, "feedback/link_error.html", 410, reason="locked", answer=answer
        )
    return invitation, None


@bp.get("/feedback/s/<token>")
@limiter.limit(SURVEY_LIMIT)
def survey(token: str):
    """The rating page: the emailed choice (?score=) pre-selected; nothing is stored on GET."""
    invitation, locked = _open_unlocked(token)
    if locked:
        return locked
    answer = voc.answer_of(invitation)
    form = RatingForm(kind=invitation.kind)
    wanted = arg_int("score", low=0)
    form.score.data = (
        wanted if wanted in voc.SCORES[invitation.kind] else answer.score if answer else None
    )
    return _survey_page(invitation, "feedback/survey.html", form=form, answer=answer, token=token)


@bp.post("/feedback/s/<token>")
@limiter.limit(SURVEY_LIMIT)
def rate(token: str):
    """Record the rating (or change it within the window), then offer a comment."""
    invitation, locked = _open_unlocked(token)
    if locked:
        return locked
    form = RatingForm(kind=invitation.kind)
    if not form.validate_on_submit():
        answer = voc.answer_of(invitation)
        return _survey_page(
            invitation, "feedback/survey.html", 400, form=form, answer=answer, token=token
        )
    voc.record_rating(invitation, form.score.data)
    return redirect(url_for("feedback.thanks", token=token, saved="rating"))


@bp.get("/feedback/s/<token>/thanks")
@limiter.limit(SURVEY_LIMIT)
def thanks(token: str):
    """Thank you, with the optional comment (NPS: the main reason) while it may change."""
    invitation = voc.open_link(token)
    answer = voc.answer_of(invitation)
    if answer is None:
        return redirect(url_for("feedback.survey", token=token))
    form = SurveyCommentForm(comment=answer.detail)
    return _survey_page(
        invitation,
        "feedback/thanks.html",
        answer=answer,
        form=form,
        token=token,
        locked=voc.is_locked(invitation),
        saved=request.args.get("saved"),
    )


@bp.post("/feedback/s/<token>/comment")
@limiter.limit(SURVEY_LIMIT)
def survey_comment(token: str):
    """Save the optional comment after the rating."""
    invitation, locked = _open_unlocked(token)
    if locked:
        return locked
    form = SurveyCommentForm()
    answer = voc.answer_of(invitation)
    if answer is None:
        return redirect(url_for("feedback.survey", token=token))
    if not form.validate_on_submit():
        return _survey_page(
            invitation, "feedback/thanks.html", 400, answer=answer, form=form, token=token
        )
    voc.add_survey_comment(invitation, form.comment.data or "")
    return redirect(url_for("feedback.thanks", token=token, saved="comment"))
