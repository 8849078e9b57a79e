"""Who feedback heard outside the portal (a call, an email, a chat) is about: a case the person
logging it may see, a contact found by email address, or both. What is not found is reported
per field, so the form can say which one."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from portal import authz
from portal.domain.voc import listings
from portal.extensions import db
from portal.models import Case, Contact, User


@dataclass
class Subject:
    case: Case | None = None
    contact: Contact | None = None
    errors: dict[str, str] = field(default_factory=dict)  # form field name -> message


def feedback_subject(reader: User, *, case_number: str, email: str) -> Subject:
    subject = Subject()
    case_number, email = case_number.strip(), email.strip()
    if case_number:
        case_id = Case.id_from_number(case_number) or 0
        subject.case = db.session.scalar(authz.visible_cases(reader).where(Case.id == case_id))
        if subject.case is None:
            subject.errors["case_number"] = _l("No case with this number.")
    if email:
        subject.contact = listings.find_contact(email)
        if subject.contact is None:
            subject.errors["contact_email"] = _l("No contact with this email address.")
    elif subject.case is None and "case_number" not in subject.errors:
        subject.errors["contact_email"] = _l("Give a case number or the contact's email.")
    return subject
