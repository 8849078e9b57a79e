"""Accounts and contacts (the shared CRM): lists, 360 views, create and edit, CSV import,
duplicate detection and merge with undo (supervisors and admins)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import authz
from portal.agent.forms_crm import AccountForm, ConfirmForm, ContactForm, ImportForm, MergeForm
from portal.agent.views import bp, me
from portal.domain import crm, identity
from portal.domain.crm import CrmError, MergeRefused
from portal.extensions import db
from portal.i18n import isolate
from portal.infra.unit_of_work import attempt
from portal.inputs import arg_int
from portal.kernel import staff
from portal.models import Account, Contact, ContactMerge
from portal.security import client_ip

MAX_SEARCH = 100


def _page_arg() -> int:
    return arg_int("page", 1, high=100_000)


def _search_arg() -> str:
    return request.args.get("q", "").strip()[:MAX_SEARCH]


def _account_or_404(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        abort(404)
    return account


def _contact_or_404(contact_id: int | None) -> Contact:
    contact = db.session.get(Contact, contact_id) if contact_id else None
    if contact is None:
        abort(404)
    return contact


def _field_error(form, error: CrmError) -> None:
    """Show a service's refusal next to the field it concerns (or above the form)."""
    target = getattr(form, error.field, None) if error.field else None
    if target is None:
        flash(str(error.message), "danger")
        return
    target.errors = [*target.errors, error.message]


# --- accounts --------------------------------------------------------------------------------


@bp.get("/accounts")
def account_list():
    """Accounts, searched by name (Persian/Arabic spellings folded) or email domain."""
    search = _search_arg()
    result = crm.list_accounts(search, page=_page_arg())
    return render_template("agent/crm/accounts.html", result=result, search=search)


def _account_form(account: Account | None) -> AccountForm:
    form = AccountForm(obj=account) if account is not None else AccountForm()
    choices = crm.entitlements()
    if account is not None and account.entitlement not in choices:
        choices.append(account.entitlement)
    form.set_choices(choices, staff.active_staff())
    if not form.is_submitted():
        form.owner_id.data = account.owner_id or 0 if account is not None else 0
        form.entitlement.data = account.entitlement if account else crm.DEFAULT_ENTITLEMENT
    return form


def _account_values(form: AccountForm) -> dict:
    return {
        "name": form.name.data,
        "email_domain": form.email_domain.data,
        "is_domain_verified": form.is_domain_verified.data,
        "entitlement": form.entitlement.data,
        "owner_id": form.owner_id.data or None,
    }


@bp.route("/accounts/new", methods=["GET", "POST"])
def account_new():
    """Create an account."""
    form = _account_form(None)
    if form.validate_on_submit():
        try:
            with attempt():
                account = crm.create_account(by=me(), **_account_values(form))
        except CrmError as error:
            _field_error(form, error)
        else:
            flash(_("Account %(name)s created.", name=isolate(account.name)), "success")
            return redirect(url_for("agent.account_page", account_id=account.id))
    status = 400 if form.is_submitted() else 200
    return render_template("agent/crm/account_form.html", form=form, account=None), status


@bp.get("/accounts/<int:account_id>")
def account_page(account_id: int):
    """The account 360: details, SLA, contacts and roles, every case, one timeline, counts."""
    account = _account_or_404(account_id)
    view = crm.account_360(account, reader=me(), page=_page_arg())
    return render_template("agent/crm/account.html", view=view)


@bp.route("/accounts/<int:account_id>/edit", methods=["GET", "POST"])
def account_edit(account_id: int):
    """Change an account's name, domain, entitlement or owner."""
    account = _account_or_404(account_id)
    form = _account_form(account)
    if form.validate_on_submit():
        try:
            with attempt():
                crm.update_account(account, by=me(), **_account_values(form))
        except CrmError as error:
            _field_error(form, error)
        else:
            flash(_("Account saved."), "success")
            return redirect(url_for("agent.account_page", account_id=account.id))
    status = 400 if form.is_submitted() else 200
    return render_template("agent/crm/account_form.html", form=form, account=account), status


# --- contacts --------------------------------------------------------------------------------


@bp.get("/contacts")
def contact_list():
    """Contacts, searched by name, email or phone."""
    search = _search_arg()
    result = crm.list_contacts(search, page=_page_arg())
    return render_template("agent/crm/contacts.html", result=result, search=search)


def _contact_values(form: ContactForm) -> dict:
    """The form's values, with the account typed by name or domain resolved (CrmError)."""
    return {
        "name": form.name.data,
        "email": form.email.data,
        "phone": form.phone.data,
        "language": form.language.data,
        "account": crm.find_account(form.account.data),
    }


@bp.route("/contacts/new", methods=["GET", "POST"])
def contact_new():
    """Create a contact, under an account typed by name or domain (or ?account=<id>)."""
    form = ContactForm()
    if not form.is_submitted():
        preset = arg_int("account")
        if preset is not None:
            form.account.data = crm.account_label(_account_or_404(preset))
    if form.validate_on_submit():
        try:
            with attempt():
                contact = crm.create_contact(by=me(), **_contact_values(form))
        except CrmError as error:
            _field_error(form, error)
        else:
            flash(_("Contact %(name)s created.", name=isolate(contact.name)), "success")
            return redirect(url_for("agent.contact_page", contact_id=contact.id))
    status = 400 if form.is_submitted() else 200
    return render_template("agent/crm/contact_form.html", form=form, contact=None), status


@bp.get("/contacts/<int:contact_id>")
def contact_page(contact_id: int):
    """The contact 360: details, login, roles, every case, one timeline, counts, merges."""
    contact = _contact_or_404(contact_id)
    view = crm.contact_360(contact, reader=me(), page=_page_arg())
    return render_template(
        "agent/crm/contact.html",
        view=view,
        merges=crm.merges_of(contact),
        can_merge=authz.can_merge_contacts(me()),
        undo_form=ConfirmForm(),
        phone_case="agent.phone_case" in current_app.view_functions,
        can_invite=authz.can_invite_contact(me()) and identity.invitation_problem(contact) is None,
        invitation=identity.open_invitation(contact),
    )


@bp.post("/contacts/<int:contact_id>/invite")
def contact_invite(contact_id: int):
    """Email the contact a single-use link to choose a password for the portal."""
    contact = _contact_or_404(contact_id)
    authz.require(authz.can_invite_contact(me()))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        with attempt():
            identity.invite_contact(contact, by=me(), ip_address=client_ip())
    except identity.InvitationRefused as refused:
        flash(str(refused.reason), "danger")
    else:
        flash(
            _("An invitation to the portal was sent to %(email)s.", email=isolate(contact.email)),
            "success",
        )
    return redirect(url_for("agent.contact_page", contact_id=contact.id))


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def contact_edit(contact_id: int):
    """Change a contact; a contact merged away is edited through its survivor."""
    contact = _contact_or_404(contact_id)
    if contact.merged_into_id is not None:
        flash(_("This contact was merged into another; edit that one instead."), "warning")
        return redirect(url_for("agent.contact_page", contact_id=contact.merged_into_id))
    form = ContactForm(obj=contact)
    if not form.is_submitted():
        form.account.data = crm.account_label(contact.account)
        form.language.data = contact.language or ""
    if form.validate_on_submit():
        try:
            with attempt():
                crm.update_contact(contact, by=me(), **_contact_values(form))
        except CrmError as error:
            _field_error(form, error)
        else:
            flash(_("Contact saved."), "success")
            return redirect(url_for("agent.contact_page", contact_id=contact.id))
    status = 400 if form.is_submitted() else 200
    return render_template("agent/crm/contact_form.html", form=form, contact=contact), status


@bp.route("/contacts/import", methods=["GET", "POST"], endpoint="contact_import")
def contact_import_page():
    """Upload a CSV of contacts: good rows are created, rejected rows reported with reasons."""
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        report = crm.import_contacts(form.file.data.read(), by=me(), dry_run=form.dry_run.data)
        if report.error is not None:
            status = 400
    elif form.is_submitted():
        status = 400
    return render_template("agent/crm/import.html", form=form, report=report), status


# --- duplicates and merges -------------------------------------------------------------------


@bp.get("/contacts/duplicates")
def contact_duplicates():
    """Likely duplicate pairs (same email, phone or folded name), strongest first."""
    return render_template(
        "agent/crm/duplicates.html",
        report=crm.likely_duplicates(),
        can_merge=authz.can_merge_contacts(me()),
    )


@bp.route("/contacts/merge", methods=["GET", "POST"], endpoint="contact_merge")
def contact_merge_page():
    """Preview (GET ?survivor=&duplicate=) and perform (POST) a merge of two contacts."""
    user = me()
    authz.require(authz.can_merge_contacts(user))
    form = MergeForm()
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        survivor = _contact_or_404(form.survivor.data)
        duplicate = _contact_or_404(form.duplicate.data)
        try:
            with attempt():
                crm.merge_contacts(survivor, duplicate, by=user)
        except MergeRefused as refused:
            flash(str(refused.reason), "danger")
            status = 409
        else:
            flash(_("The contacts were merged. You can undo this from the merges list."), "success")
            return redirect(url_for("agent.contact_page", contact_id=survivor.id))
    else:
        survivor_id, duplicate_id = arg_int("survivor"), arg_int("duplicate")
        if survivor_id is None or duplicate_id is None:
            abort(400)
        survivor = _contact_or_404(survivor_id)
        duplicate = _contact_or_404(duplicate_id)
    preview = crm.preview_merge(survivor, duplicate)
    form.survivor.data, form.duplicate.data = survivor.id, duplicate.id
    if not preview.can_merge and status == 200:
        status = 409
    return render_template("agent/crm/merge.html", preview=preview, form=form), status


@bp.post("/contacts/merges/<int:merge_id>/undo")
def contact_merge_undo(merge_id: int):
    """Undo a merge: the moved rows go back and the duplicate is restored."""
    user = me()
    authz.require(authz.can_merge_contacts(user))
    merge = db.session.get(ContactMerge, merge_id)
    if merge is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    survivor_id, duplicate_id = merge.survivor_id, merge.duplicate_id
    try:
        with attempt():
            crm.undo_merge(merge, by=user)
    except MergeRefused as refused:
        flash(str(refused.reason), "danger")
        return redirect(url_for("agent.contact_page", contact_id=survivor_id))
    flash(_("The merge was undone."), "success")
    return redirect(url_for("agent.contact_page", contact_id=duplicate_id))
