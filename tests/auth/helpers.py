"""Registration, confirmation and invitation steps shared by the identity tests."""

from __future__ import annotations

import re

from tests.mailbox import LoopbackSMTP

PASSWORD = "a long passphrase"
CONFIRM_LINK = re.compile(r"http://casework\.test(/register/confirm/[A-Za-z0-9_\-]+)")
INVITATION_LINK = re.compile(r"http://casework\.test(/invitation/[A-Za-z0-9_\-]+)")
RESET_LINK = re.compile(r"http://casework\.test(/password/reset/[A-Za-z0-9_\-]+)")
CSRF_VALUE = re.compile(
    r'(name="csrf_token"[^>]*value=")[^"]+|(value=")[^"]+("[^>]*name="csrf_token")'
)


def register(client, *, headers=None, **overrides):
    data = {
        "name": "Nadia Customer",
        "email": "nadia@acme.example",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "language": "en",
        **overrides,
    }
    return client.post("/register", data=data, headers=headers)


def mail_to(smtp: LoopbackSMTP, address: str, count: int = 1) -> list:
    """The messages to `address` once there are `count` of them (or the wait has passed)."""
    return smtp.wait_for_mail_to(address, count, timeout=5)


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def link_in(message, pattern=CONFIRM_LINK) -> str:
    """The path of the link a message carries (on BASE_URL, http://casework.test)."""
    match = pattern.search(plain(message))
    assert match, plain(message)
    return match.group(1)


def confirm(client, path: str, password: str | None = PASSWORD):
    """Follow a confirmation link and confirm (with the password, unless None)."""
    data = {"password": password} if password is not None else {}
    return client.post(path, data=data)


def without_csrf_tokens(page: str) -> str:
    """A page with its CSRF tokens blanked (they differ from session to session)."""
    return CSRF_VALUE.sub(lambda m: (m.group(1) or m.group(2)) + (m.group(3) or ""), page)
