"""Customer portal: home, case list, new case, case page, reply, solve, reopen, files."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import authz, search
from portal.customer.forms import (
    CATEGORY_LABELS,
    STATUS_FILTERS,
    CaseActionForm,
    NewCaseForm,
    ReplyForm,
)
from portal.domain import cases, voc
from portal.downloads import attachment_response
from portal.extensions import db, limiter, login_manager
from portal.forms import uploads_from
from portal.i18n import isolate
from portal.infra.unit_of_work import attempt
from portal.inputs import arg_int
from portal.kernel.errors import InvalidTransition
from portal.kernel.labels import FACET_LABELS
from portal.models import Priority, Role

bp = Blueprint("customer", __name__, url_prefix="/my")


@bp.before_request
def customers_only():
    """Every page here is for signed-in customers with a contact; staff get 403. A login
    whose address is not confirmed has no contact: it is sent to "check your inbox"."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if authz.is_pending(current_user):
        return redirect(url_for("auth.check_inbox"))
    authz.require(current_user.role == Role.CUSTOMER and current_user.contact_id is not None)
    return None


def _me():
    return current_user._get_current_object()


@bp.get("")
def home():
    """My open cases, cases waiting for my reply, and recently resolved ones."""
    me = _me()
    return render_template(
        "customer/home.html",
        lists=cases.customer_home(me),
        surveys_waiting=len(voc.pending_for(me.contact_id)),
    )


@bp.get("/cases")
def case_list():
    """My cases (or my company's, for account admins), filtered, sorted and paged."""
    scope = request.args.get("scope", "mine")
    if scope == "company" and not authz.sees_account_cases(_me()):
        abort(404)
    try:
        result = cases.customer_cases(
            _me(),
            scope=scope,
            status=request.args.get("status", "all"),
            sort=request.args.get("sort", "updated"),
            page=arg_int("page", 1),
        )
    except cases.BadListRequest:
        abort(400)
    return render_template(
        "customer/cases.html",
        result=result,
        scope=scope,
        status=request.args.get("status", "all"),
        sort=request.args.get("sort", "updated"),
        status_filters=STATUS_FILTERS,
        company=authz.sees_account_cases(_me()),
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def new_case():
    """File a case, with colleagues in copy and attachments."""
    me = _me()
    contact = me.contact
    form = NewCaseForm()
    form.set_choices(cases.priorities_for(contact), cases.colleagues(contact))
    follow_up_of = None
    follow_up = form.follow_up.data or request.args.get("follow_up")
    if follow_up:
        follow_up_of = authz.case_or_404(me, follow_up)
        form.follow_up.data = follow_up_of.number
    if form.validate_on_submit():
        earlier = cases.find_submitted(form.submission_key.data)
        if earlier is not None and earlier.requester_id == contact.id:
            return redirect(url_for("customer.case_page", number=earlier.number))
        try:
            with attempt():
                case = cases.open_case(
                    requester=contact,
                    subject=form.subject.data,
                    description=form.description.data,
                    category=form.category.data,
                    product=form.product.data,
                    priority=Priority(form.priority.data),
                    cc_contact_ids=form.cc.data or [],
                    uploads=uploads_from(form.files),
                    submission_key=form.submission_key.data,
                    follow_up_of=follow_up_of,
                    by=me,
                )
        except cases.AttachmentRejected as rejected:
            form.files.errors = [f"{rejected.name}: {rejected.message}"]
        else:
            flash(_("We received your case %(number)s.", number=isolate(case.number)), "success")
            return redirect(url_for("customer.case_page", number=case.number))
    status = 400 if form.errors else 200
    return render_template("customer/new_case.html", form=form, follow_up_of=follow_up_of), status


def _case_page(case, reply_form, status=200):
    me = _me()
    return (
        render_template(
            "customer/case.html",
            case=case,
            events=cases.timeline(me, case),
            files=db.session.scalars(authz.visible_attachments(me, case)).all(),
            reply_form=reply_form,
            action_form=CaseActionForm(),
            can_reopen=cases.can_reopen(case),
            reopen_deadline=cases.reopen_deadline(case),
            category_labels=CATEGORY_LABELS,
        ),
        status,
    )


@bp.get("/cases/<number>")
def case_page(number: str):
    """The public timeline of one case, with reply, solve and reopen."""
    return _case_page(authz.case_or_404(_me(), number), ReplyForm())


@bp.post("/cases/<number>/reply")
@limiter.limit("60 per hour")
def reply(number: str):
    """Reply with text and files; a reply to a resolved case reopens it."""
    me = _me()
    case = authz.case_or_404(me, number)
    authz.require(authz.can_act_as_customer(me, case))
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            with attempt():
                cases.add_reply(case, body=form.body.data, uploads=uploads_from(form.files), by=me)
        except cases.AttachmentRejected as rejected:
            form.files.errors = [f"{rejected.name}: {rejected.message}"]
        else:
            flash(_("Your reply was added."), "success")
            return redirect(url_for("customer.case_page", number=case.number))
    return _case_page(case, form, status=400)


@bp.post("/cases/<number>/solve")
def solve(number: str):
    """The customer marks the case solved."""
    me = _me()
    case = authz.case_or_404(me, number)
    authz.require(authz.can_act_as_customer(me, case))
    if CaseActionForm().validate_on_submit():
        try:
            cases.solve(case, by=me)
        except InvalidTransition:
            flash(_("This case is already solved or closed."), "warning")
        else:
            flash(_("Thank you. The case is marked as solved."), "success")
    return redirect(url_for("customer.case_page", number=case.number))


@bp.post("/cases/<number>/reopen")
def reopen(number: str):
    """Reopen a resolved case within the reopen window."""
    me = _me()
    case = authz.case_or_404(me, number)
    authz.require(authz.can_act_as_customer(me, case))
    if CaseActionForm().validate_on_submit():
        try:
            cases.reopen(case, by=me)
        except InvalidTransition:
            flash(
                _("This case can no longer be reopened. Open a follow-up case instead."), "warning"
            )
            return redirect(url_for("customer.new_case", follow_up=case.number))
        flash(_("The case is open again. We will be in touch."), "success")
    return redirect(url_for("customer.case_page", number=case.number))


@bp.get("/cases/<number>/attachments/<int:attachment_id>")
def attachment(number: str, attachment_id: int):
    """Download a file of a visible case: never rendered as a page, never sniffed."""
    me = _me()
    case = authz.case_or_404(me, number)
    file = authz.attachment_or_404(me, case, attachment_id)
    return attachment_response(file)


@bp.get("/search")
def search_page():
    """Search my cases (or my company's): public text only."""
    text = request.args.get("q", "")[:500]
    page = arg_int("page", 1)
    result = search.search_cases(_me(), text, page=page) if text.strip() else search.Result(text="")
    return render_template(
        "search/customer.html",
        result=result,
        facet_names=FACET_LABELS,
    )


@bp.get("/cases/suggest")
@limiter.limit("60 per minute")
def suggest():
    """Resolved cases like the one being typed, as JSON for the new-case form."""
    hits = cases.suggest_solved_cases(_me(), request.args.get("q", "")[:200])
    return jsonify(
        suggestions=[
            {
                "number": hit.number,
                "subject": hit.subject,
                "url": url_for("customer.case_page", number=hit.number),
            }
            for hit in hits
        ]
    )


@bp.post("/cases/deflections")
def deflect():
    """Count a suggestion that was opened or that answered the question."""
    me = _me()
    case = authz.case_or_404(me, request.form.get("number", ""))
    kind = request.form.get("kind", "")
    if kind not in cases.DEFLECTION_KINDS:
        return jsonify(error={"status": 400, "message": "kind must be click or solved"}), 400
    cases.record_deflection(me, kind=kind, case=case)
    return jsonify(recorded=kind)
