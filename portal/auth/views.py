"""Sign-in pages. Thin: validate, call the identity domain, redirect (the request commits)."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal import authz
from portal.auth.forms import (
    AcceptInvitationForm,
    ChangePasswordForm,
    ConfirmAddressForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResendLinkForm,
    ResetPasswordForm,
)
from portal.domain import identity
from portal.extensions import limiter
from portal.i18n import LANGUAGES, isolate
from portal.infra.unit_of_work import keep_changes
from portal.security import client_ip, safe_next

bp = Blueprint("auth", __name__)

# What a login whose address is not confirmed may open; every other page sends it to the
# "check your inbox" page (it has no contact, no account and may file nothing).
PENDING_MAY_OPEN = frozenset(
    {
        "static",
        "home.healthz",
        "auth.check_inbox",
        "auth.resend_link",
        "auth.confirm_registration",
        "auth.accept_invitation",
        "auth.forgot_password",
        "auth.reset_password",
        "auth.set_language",
        "auth.logout",
    }
)


@bp.before_app_request
def pending_logins_wait():
    """A pending registration signed in sees only the "check your inbox" page."""
    if request.endpoint is None or request.endpoint in PENDING_MAY_OPEN:
        return None
    if authz.is_pending(current_user):
        return redirect(url_for("auth.check_inbox"))
    return None


def _me():
    """The signed-in User itself (services take models, not the request-bound proxy)."""
    return current_user._get_current_object()


def _sign_in(user, remember: bool) -> None:
    """Start a fresh server-side session; nothing from before sign-in survives (no fixation)."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    identity.start_session(
        user,
        remember=remember,
        ip_address=client_ip(),
        user_agent=request.headers.get("User-Agent"),
    )
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per 15 minutes", methods=["POST"])
def login():
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = identity.authenticate(
                form.email.data, form.password.data, ip_address=client_ip()
            )
        except identity.TooManyAttempts:
            keep_changes()  # the audit row of the refused attempt
            raise
        if user is None:
            keep_changes()  # the failed attempt counts towards throttling
            form.password.errors.append(_("Wrong email or password."))
            return render_template("auth/login.html", form=form), 200
        _sign_in(user, form.remember.data)
        return redirect(safe_next(form.next.data, url_for("home.index")))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """End this session for real: its cookie and remember cookie are refused afterwards."""
    identity.end_session(current_user.current_session_token, by=_me(), ip_address=client_ip())
    language = session.get("language")
    logout_user()
    session.clear()
    if language:
        session["language"] = language
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def register():
    """Customer self-registration: pending until the emailed link is followed. The answer is
    the same whether or not the address already has a login."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm(language=session.get("language", "en"))
    if form.validate_on_submit():
        identity.register_customer(
            email=form.email.data,
            name=form.name.data,
            password=form.password.data,
            language=form.language.data,
            ip_address=client_ip(),
        )
        return redirect(url_for("auth.check_inbox"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.get("/register/check-inbox")
def check_inbox():
    """ "Check your inbox": after registering, and for a signed-in login that is still pending
    (with its address and a button to send the link again)."""
    if current_user.is_authenticated and not current_user.is_pending:
        return redirect(url_for("home.index"))
    pending = _me() if current_user.is_authenticated else None
    return render_template(
        "auth/check_inbox.html",
        pending=pending,
        form=ResendLinkForm(),
        hours=current_app.config["REGISTRATION_LINK_HOURS"],
    )


@bp.post("/register/resend")
@login_required
@limiter.limit("5 per hour")
def resend_link():
    """Email a pending login a new confirmation link (capped per address and hour)."""
    if not current_user.is_pending:
        return redirect(url_for("home.index"))
    if not ResendLinkForm().validate_on_submit():
        abort(400)
    if identity.resend_registration_link(_me(), ip_address=client_ip()):
        flash(
            _("A new link is on its way to %(email)s.", email=isolate(current_user.email)), "info"
        )
    else:
        flash(
            _(
                "Several links were sent to this address in the last hour. Look in your spam "
                "folder too, or ask again later."
            ),
            "warning",
        )
    return redirect(url_for("auth.check_inbox"))


@bp.route("/register/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def confirm_registration(token: str):
    """Follow the emailed link: confirm the address (with the password chosen at registration,
    unless this browser is signed in as that login) and start using the portal."""
    user = identity.registration_link_user(token)
    if user is None:
        flash(
            _("This confirmation link is invalid, used or expired. Sign in to ask for a new one."),
            "warning",
        )
        return redirect(url_for("auth.login"))
    signed_in = _me() if current_user.is_authenticated and current_user.id == user.id else None
    form = ConfirmAddressForm()
    if form.validate_on_submit():
        try:
            identity.confirm_registration(
                token, password=form.password.data, signed_in=signed_in, ip_address=client_ip()
            )
        except identity.WrongPassword:
            keep_changes()  # the audit row of the failed attempt
            form.password.errors.append(_("This is not the password chosen at registration."))
        else:
            if signed_in is None:
                _sign_in(user, remember=False)
            flash(
                _(
                    "Your address is confirmed. Welcome to Casework, %(name)s.",
                    name=isolate(user.name),
                ),
                "success",
            )
            return redirect(url_for("home.index"))
    return render_template(
        "auth/confirm.html", form=form, email=user.email, needs_password=signed_in is None
    ), (400 if form.errors else 200)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def accept_invitation(token: str):
    """Follow an agent's invitation: choose a password; the login is made for that contact."""
    contact = identity.invitation_contact(token)
    if contact is None:
        flash(
            _(
                "This invitation link is invalid, used or expired. Ask the support team for a "
                "new one, or sign in if you already have an account."
            ),
            "warning",
        )
        return redirect(url_for("auth.login"))
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        user = identity.accept_invitation(
            token,
            password=form.password.data,
            language=session.get("language"),
            ip_address=client_ip(),
        )
        _sign_in(user, remember=False)
        flash(_("Welcome to Casework, %(name)s.", name=isolate(user.name)), "success")
        return redirect(url_for("home.index"))
    return render_template("auth/invitation.html", form=form, contact=contact), (
        400 if form.errors else 200
    )


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # Only queued: who owns the address is looked up after this answer has been sent.
        identity.request_password_reset(form.email.data, ip_address=client_ip())
        flash(
            _(
                "If that address belongs to an account, a reset link is on its way. "
                "It works once, for one hour."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), 400 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
def reset_password(token: str):
    """Choose a new password with an emailed single-use token."""
    if not identity.reset_token_is_valid(token):
        flash(_("This reset link is invalid, used or expired. Ask for a new one."), "warning")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        identity.reset_password(token, form.password.data, ip_address=client_ip())
        flash(_("Your password is changed. Sign in with the new one."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 400 if form.errors else 200


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Name, language, time zone and notification preferences."""
    form = ProfileForm(obj=current_user).adapt_to(current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        identity.update_profile(
            _me(),
            name=form.name.data,
            language=form.language.data,
            timezone=form.timezone.data,
            notify_by_email=form.notify_by_email.data,
        )
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("auth.profile"))
    status = 400 if form.errors else 200
    return render_template("auth/profile.html", form=form, password_form=password_form), status


@bp.post("/profile/password")
@login_required
def change_password():
    """Change the password; asks for the current one, and ends every other session."""
    form = ProfileForm(obj=current_user, formdata=None).adapt_to(current_user)
    password_form = ChangePasswordForm(prefix="pw")
    if password_form.validate_on_submit():
        if identity.verify_password(_me(), password_form.current_password.data):
            identity.set_password(
                _me(),
                password_form.password.data,
                keep_token=current_user.current_session_token,
                ip_address=client_ip(),
            )
            flash(_("Your password is changed. Other devices were signed out."), "success")
            return redirect(url_for("auth.profile"))
        password_form.current_password.errors.append(_("This is not your current password."))
    return render_template("auth/profile.html", form=form, password_form=password_form), 400


@bp.post("/language")
def set_language():
    """Switch the interface language; remembered on the user when signed in."""
    form = LanguageForm()
    if form.validate_on_submit() and form.language.data in LANGUAGES:
        session["language"] = form.language.data
        if current_user.is_authenticated:
            identity.set_language(_me(), form.language.data)
    return redirect(safe_next(form.next.data, url_for("home.index")))
