"""Sign-in pages. Thin: validate, call portal.services.accounts, commit once, redirect."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LanguageForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from portal.extensions import db, limiter
from portal.i18n import LANGUAGES, isolate
from portal.security import client_ip, safe_next
from portal.services import accounts

bp = Blueprint("auth", __name__)


def _me():
    """The signed-in User itself (services take models, not the request-bound proxy)."""
    return current_user._get_current_object()


def _sign_in(user, remember: bool) -> None:
    """Start a fresh server-side session; nothing from before sign-in survives (no fixation)."""
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    accounts.start_session(
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
            user = accounts.authenticate(
                form.email.data, form.password.data, ip_address=client_ip()
            )
        except accounts.TooManyAttempts:
            db.session.commit()  # keep the audit row of the refused attempt
            raise
        if user is None:
            db.session.commit()  # keep the failed attempt for throttling
            form.password.errors.append(_("Wrong email or password."))
            return render_template("auth/login.html", form=form), 200
        _sign_in(user, form.remember.data)
        db.session.commit()
        return redirect(safe_next(form.next.data, url_for("home.index")))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    """End this session for real: its cookie and remember cookie are refused afterwards."""
    accounts.end_session(current_user.current_session_token, by=_me(), ip_address=client_ip())
    db.session.commit()
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
    """Customer self-registration."""
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = RegisterForm(language=session.get("language", "en"))
    if form.validate_on_submit():
        try:
            user = accounts.register_customer(
                email=form.email.data,
                name=form.name.data,
                password=form.password.data,
                language=form.language.data,
                ip_address=client_ip(),
            )
        except accounts.EmailTaken:
            form.email.errors.append(
                _("This email is already registered. Sign in or reset your password.")
            )
        else:
            _sign_in(user, remember=False)
            db.session.commit()
            flash(_("Welcome to Casework, %(name)s.", name=isolate(user.name)), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/register.html", form=form), 400 if form.errors else 200


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes", methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether or not the address is known."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data, ip_address=client_ip())
        db.session.commit()
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
    if not accounts.reset_token_is_valid(token):
        flash(_("This reset link is invalid, used or expired. Ask for a new one."), "warning")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        accounts.reset_password(token, form.password.data, ip_address=client_ip())
        db.session.commit()
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
        accounts.update_profile(
            _me(),
            name=form.name.data,
            language=form.language.data,
            timezone=form.timezone.data,
            notify_by_email=form.notify_by_email.data,
        )
        db.session.commit()
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
        if accounts.verify_password(_me(), password_form.current_password.data):
            accounts.set_password(
                _me(),
                password_form.password.data,
                keep_token=current_user.current_session_token,
                ip_address=client_ip(),
            )
            db.session.commit()
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
            accounts.set_language(_me(), form.language.data)
            db.session.commit()
    return redirect(safe_next(form.next.data, url_for("home.index")))
