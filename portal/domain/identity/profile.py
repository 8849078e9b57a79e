"""What a signed-in user sets about themselves: name, language, time zone and whether they
are emailed their notifications; their contact's name and language follow."""

from __future__ import annotations

from portal.models import User


def update_profile(
    user: User, *, name: str, language: str | None, timezone: str, notify_by_email: bool
) -> None:
    user.name = name.strip()
    user.language = language
    user.timezone = timezone
    user.notify_by_email = notify_by_email
    if user.contact is not None:
        user.contact.name = user.name
        user.contact.language = language


def set_language(user: User | None, language: str) -> None:
    """Remember a signed-in user's language choice."""
    if user is not None:
        user.language = language
