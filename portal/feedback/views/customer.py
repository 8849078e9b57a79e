"""Customers' own feedback under /feedback/mine: list with surveys to rate, new, detail."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import authz
from portal.domain import voc
from portal.extensions import db, limiter
from portal.feedback.forms import CustomerFeedbackForm
from portal.feedback.views import bp, me
from portal.models import Case, FeedbackKind, User


def _customer() -> User:
    user = me()
    authz.require(user.contact_id is not None)
    return user


@bp.get("/feedback/mine")
@authz.customer_required
def mine():
    """My feedback with the answers I got, and surveys waiting for my rating."""
    user = _customer()
    pending = voc.pending_for(user.contact_id)
    return render_template(
        "feedback/mine.html",
        items=voc.customer_items(user),
        pending=[(invitation, voc.make_token(invitation)) for invitation in pending],
    )


@bp.route("/feedback/mine/new", methods=["GET", "POST"])
@authz.customer_required
@limiter.limit("20 per hour", methods=["POST"])
def new_item():
    """Send a complaint, suggestion, compliment or question, about a case or in general."""
    user = _customer()
    form = CustomerFeedbackForm()
    recent = db.session.scalars(
        authz.visible_cases(user).order_by(Case.updated_at.desc(), Case.id.desc()).limit(100)
    ).all()
    form.set_cases(recent)
    if not form.is_submitted() and request.args.get("case"):
        wanted = authz.case_or_404(user, request.args["case"])
        form.case_id.data = wanted.id if wanted in recent else 0
    if form.validate_on_submit():
        case = next((c for c in recent if c.id == form.case_id.data), None)
        created = voc.create_item(
            user.contact,
            kind=FeedbackKind(form.kind.data),
            summary=form.summary.data,
            detail=form.detail.data,
            case=case,
            by=user,
        )
        flash(_("Thank you. We received your feedback."), "success")
        return redirect(url_for("feedback.my_item", item_id=created.id))
    return render_template("feedback/new.html", form=form), 400 if form.errors else 200


@bp.get("/feedback/mine/<int:item_id>")
@authz.customer_required
def my_item(item_id: int):
    """One of my items and its response; internal discussion is never loaded here."""
    user = _customer()
    item = authz.feedback_or_404(user, item_id)
    return render_template(
        "feedback/my_item.html", detail=voc.item_detail(item, with_comments=False)
    )
