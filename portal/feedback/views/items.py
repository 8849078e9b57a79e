"""The staff side: feedback list, an item with its internal discussion, triage, the
closed-loop response, and logging feedback heard on calls or in emails."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import authz
from portal.domain import voc
from portal.extensions import db, limiter
from portal.feedback.forms import CommentForm, ItemUpdateForm, LogFeedbackForm, ResponseForm
from portal.feedback.views import bp, me
from portal.inputs import arg_int, bad_value
from portal.kernel import staff
from portal.models import (
    Channel,
    Contact,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    FeedbackTheme,
    Sentiment,
    User,
)

ITEM_FILTERS = {
    "kind": {"", *(kind.value for kind in FeedbackKind)},
    "status": {"open", "all", *(status.value for status in FeedbackStatus)},
}


@bp.get("/feedback/items")
@authz.staff_required
def items():
    """Feedback items and low scores to follow up, filtered and paged."""
    args = {
        "kind": request.args.get("kind", ""),
        "status": request.args.get("status", "open"),
        "owner": request.args.get("owner", ""),
        "theme_id": arg_int("theme", 0),
        "follow_up": request.args.get("follow_up") == "1",
    }
    for name, allowed in ITEM_FILTERS.items():
        if args[name] not in allowed:
            raise bad_value(name)
    if args["owner"] not in ("", "me", "none"):
        args["owner"] = str(arg_int("owner"))
    page = arg_int("page", 1, high=100_000)
    result = voc.list_items(
        me(), **{**args, "status": "" if args["status"] == "all" else args["status"]}, page=page
    )
    return render_template(
        "feedback/items.html",
        result=result,
        filters=args,
        themes=voc.all_themes(),
        staff=staff.active_staff(),
    )


def _item_page(item: Feedback, *, update_form=None, comment_form=None, response_form=None):
    detail = voc.item_detail(item, with_comments=True)
    if update_form is None:
        update_form = ItemUpdateForm(
            status=item.status.value,
            owner_id=item.owner_id or 0,
            sentiment=(item.sentiment or Sentiment.NEUTRAL).value,
            themes=[theme.id for theme in detail.themes],
        )
    _item_choices(update_form, detail.themes)
    return render_template(
        "feedback/item.html",
        detail=detail,
        can_edit=authz.can_edit_feedback(me(), item),
        update_form=update_form,
        comment_form=comment_form or CommentForm(),
        response_form=response_form or ResponseForm(response=item.response),
    )


def _item_choices(form: ItemUpdateForm, current_themes) -> None:
    themes = {theme.id: theme for theme in [*voc.active_themes(), *current_themes]}
    form.set_choices(staff.active_staff(), sorted(themes.values(), key=lambda t: t.name))


@bp.get("/feedback/items/<int:item_id>")
@authz.staff_required
def item(item_id: int):
    """An item with its links, themes, owner, internal discussion and the response."""
    return _item_page(authz.feedback_or_404(me(), item_id))


@bp.post("/feedback/items/<int:item_id>/update")
@authz.staff_required
def update_item(item_id: int):
    """Change status, owner, sentiment and themes."""
    feedback = authz.feedback_or_404(me(), item_id)
    authz.require(authz.can_edit_feedback(me(), feedback))
    form = ItemUpdateForm()
    _item_choices(form, voc.themes_by_item([feedback.id]).get(feedback.id, []))
    if not form.validate_on_submit():
        return _item_page(feedback, update_form=form), 400
    themes = db.session.scalars(
        db.select(FeedbackTheme).where(FeedbackTheme.id.in_(form.themes.data or []))
    ).all()
    owner = db.session.get(User, form.owner_id.data) if form.owner_id.data else None
    voc.update_item(
        feedback,
        by=me(),
        status=FeedbackStatus(form.status.data),
        owner=owner,
        themes=list(themes),
        sentiment=Sentiment(form.sentiment.data),
    )
    flash(_("Feedback updated."), "success")
    return redirect(url_for("feedback.item", item_id=feedback.id))


@bp.post("/feedback/items/<int:item_id>/comments")
@authz.staff_required
def comment(item_id: int):
    """Add to the internal discussion."""
    feedback = authz.feedback_or_404(me(), item_id)
    form = CommentForm()
    if not form.validate_on_submit():
        return _item_page(feedback, comment_form=form), 400
    voc.add_item_comment(feedback, form.body.data, by=me())
    return redirect(url_for("feedback.item", item_id=feedback.id) + "#discussion")


@bp.post("/feedback/items/<int:item_id>/respond")
@authz.staff_required
@limiter.limit("30 per hour")
def respond(item_id: int):
    """Close the loop: email the response to the customer and close the item."""
    feedback = authz.feedback_or_404(me(), item_id)
    authz.require(authz.can_edit_feedback(me(), feedback))
    form = ResponseForm()
    if not form.validate_on_submit():
        return _item_page(feedback, response_form=form), 400
    voc.respond(feedback, form.response.data, by=me())
    flash(_("Response sent to the customer; the item is closed."), "success")
    return redirect(url_for("feedback.item", item_id=feedback.id))


@bp.route("/feedback/log", methods=["GET", "POST"])
@authz.staff_required
def log_item():
    """Log feedback heard on a call, in an email or a chat (?case= or ?contact= prefills)."""
    form = LogFeedbackForm()
    form.themes.choices = [(theme.id, theme.name) for theme in voc.active_themes()]
    if not form.is_submitted():
        form.case_number.data = request.args.get("case", "")[:20]
        contact_id = arg_int("contact")
        contact = db.session.get(Contact, contact_id) if contact_id else None
        form.contact_email.data = contact.email if contact and contact.email else ""
    if form.validate_on_submit():
        subject = voc.feedback_subject(
            me(), case_number=form.case_number.data or "", email=form.contact_email.data or ""
        )
        for name, message in subject.errors.items():
            form[name].errors = [message]
        if not subject.errors:
            feedback = voc.create_item(
                subject.contact,
                kind=FeedbackKind(form.kind.data),
                summary=form.summary.data,
                detail=form.detail.data,
                case=subject.case,
                channel=Channel(form.channel.data),
                sentiment=Sentiment(form.sentiment.data) if form.sentiment.data else None,
                themes=voc.themes_with_ids(form.themes.data or []),
                by=me(),
            )
            flash(_("Feedback logged."), "success")
            return redirect(url_for("feedback.item", item_id=feedback.id))
    status = 400 if form.is_submitted() else 200
    return render_template("feedback/log.html", form=form), status
