"""Writing to a contact about their feedback: whether they may be emailed, and in which language.

Both the response to an item and the survey emails ask these two questions before sending,
so they live apart from either.
"""

from __future__ import annotations

from portal.models import Contact


def contact_language(contact: Contact) -> str | None:
    """The language to write to a contact in: their login's choice, else the contact's."""
    return (contact.user.language if contact.user else None) or contact.language


def may_email(contact: Contact | None) -> bool:
    """A contact with an address whose login (if any) is active and has not turned email off."""
    if contact is None or not contact.email:
        return False
    user = contact.user
    return user is None or (user.is_active and user.notify_by_email)
