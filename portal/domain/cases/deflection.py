"""Deflection: while a customer types a new case, suggest resolved cases that may already
answer it, and count the suggestions that helped."""

from __future__ import annotations

from portal import search
from portal.kernel import audit
from portal.models import Case, CaseStatus, User

MAX_SUGGESTIONS = 5
KINDS = ("click", "solved")


def suggest(user: User, text: str) -> list[search.Hit]:
    """Up to five resolved or closed cases the customer may see that share words with `text`.

    Any shared word is enough, in any spelling the search understands, ranked by relevance.
    Rights and the statuses are both part of the search, so a customer whose open cases
    share the words still gets the resolved ones, and only their own (or their company's).
    """
    if not text.strip():
        return []
    return search.similar_cases(user, text, statuses=CaseStatus.DONE, limit=MAX_SUGGESTIONS)


def record(user: User, *, kind: str, case: Case) -> None:
    """Count a suggestion that was opened (`click`) or answered the question (`solved`)."""
    if kind not in KINDS:
        raise ValueError(kind)
    audit.record("case.deflection", by=user, subject=case, kind=kind)
