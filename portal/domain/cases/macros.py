"""Canned replies with placeholders, per language, managed by supervisors."""

from __future__ import annotations

import re

import sqlalchemy as sa

from portal.extensions import db
from portal.kernel import audit
from portal.models import Case, Macro, User

PLACEHOLDER = re.compile(r"\{(contact_name|case_number|subject|agent_name)\}")


def render(macro: Macro, case: Case, agent: User) -> str:
    """Fill the known placeholders; anything else in braces stays as typed."""
    values = {
        "contact_name": case.requester.name if case.requester else "",
        "case_number": case.number,
        "subject": case.subject,
        "agent_name": agent.name,
    }
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], macro.body)


def insert(draft: str | None, text: str) -> str:
    """The draft with the macro's text after it (a form post knows no cursor), on a line of
    its own; nothing typed is dropped."""
    draft = draft or ""
    if not draft.strip():
        return text
    return draft + ("" if draft.endswith("\n") else "\n") + text


def for_case(case: Case, agent: User) -> list[tuple[Macro, str]]:
    """Each macro in use, with its text filled for this case and agent (the agent's language
    first), for the page to insert without asking the server again."""
    return [(macro, render(macro, case, agent)) for macro in available(agent.language)]


def available(language: str | None = None) -> list[Macro]:
    """Macros in use, those in the given language first."""
    query = sa.select(Macro).where(Macro.is_active)
    order = [Macro.name]
    if language:
        order.insert(0, (Macro.language != language))
    return db.session.scalars(query.order_by(*order)).all()


def save(
    macro: Macro | None, *, name: str, language: str, body: str, is_active: bool, by: User
) -> Macro:
    if macro is None:
        macro = Macro(created_by_id=by.id)
        db.session.add(macro)
    macro.name, macro.language, macro.body, macro.is_active = (
        name.strip(),
        language,
        body,
        is_active,
    )
    db.session.flush()
    audit.record("macro.save", by=by, subject=macro)
    return macro
