"""Identity: users, passwords, sessions, registration, invitations and address proof."""

from portal.domain.identity.password_reset import (
    request_password_reset,
    reset_password,
    reset_token_is_valid,
)
from portal.domain.identity.passwords import (
    MAX_PASSWORD_LENGTH,
    hash_password,
    password_problem,
    set_password,
    verify_password,
)
from portal.domain.identity.profile import set_language, update_profile
from portal.domain.identity.registration import (
    InvitationRefused,
    WrongPassword,
    accept_invitation,
    confirm_registration,
    invitation_contact,
    invitation_problem,
    invite_contact,
    open_invitation,
    register_customer,
    registration_link_user,
    resend_registration_link,
)
from portal.domain.identity.sessions import authenticate, end_session, load_session, start_session
from portal.kernel.errors import TooManyAttempts

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "InvitationRefused",
    "TooManyAttempts",
    "WrongPassword",
    "accept_invitation",
    "authenticate",
    "confirm_registration",
    "end_session",
    "hash_password",
    "invitation_contact",
    "invitation_problem",
    "invite_contact",
    "load_session",
    "open_invitation",
    "password_problem",
    "register_customer",
    "registration_link_user",
    "request_password_reset",
    "resend_registration_link",
    "reset_password",
    "reset_token_is_valid",
    "set_language",
    "set_password",
    "start_session",
    "update_profile",
    "verify_password",
]
