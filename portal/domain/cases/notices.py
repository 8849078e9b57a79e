"""Emails to customers about their cases. Never carries internal notes."""

from __future__ import annotations

from portal.infra import mail
from portal.kernel import links
from portal.models import Case, CaseEvent, Contact, ContactRoleKind, EventKind


def recipients(case: Case) -> list[Contact]:
    """The requester and CC contacts who have an address and have not turned emails off."""
    contacts = [case.requester] if case.requester else []
    contacts += [
        role.contact
        for role in case.contact_roles
        if role.kind == ContactRoleKind.CC and role.contact not in contacts
    ]
    return [
        contact
        for contact in contacts
        if contact.email and (contact.user is None or contact.user.notify_by_email)
    ]


def _language(contact: Contact) -> str | None:
    return (contact.user.language if contact.user else None) or contact.language


def _send(template: str, case: Case, **context) -> None:
    for contact in recipients(case):
        mail.send_template(
            template,
            to=contact.email,
            language=_language(contact),
            case=case,
            name=contact.name,
            link=links.customer_case_url(case.number),
            **context,
        )


def case_received(case: Case) -> None:
    _send("case_received", case)


def agent_replied(case: Case, event: CaseEvent) -> None:
    """The reply's text goes out; internal notes are refused here, whatever the caller does."""
    if event.kind != EventKind.PUBLIC_REPLY:
        raise ValueError("only public replies are emailed to customers")
    _send("case_reply", case, reply=event.body, agent=event.author.name if event.author else "")


def case_resolved(case: Case) -> None:
    _send("case_resolved", case)


def case_reopened(case: Case) -> None:
    _send("case_reopened", case)
