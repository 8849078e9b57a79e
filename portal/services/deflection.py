"""Deflection: while a customer types a new case, suggest resolved cases that may already
answer it, and count the suggestions that helped."""

from __future__ import annotations

import re

from portal import search
from portal.models import Case, CaseStatus, User
from portal.services import audit

MAX_SUGGESTIONS = 5
MAX_WORDS = 8
DONE = (CaseStatus.RESOLVED.value, CaseStatus.CLOSED.value)
KINDS = ("click", "solved")


def suggest(user: User, text: str) -> list[search.Hit]:
    """Up to five resolved cases the customer may see that share words with `text`.

    Any shared word is enough (OR), ranked by relevance; the search package applies the
    reader's rights, so only the customer's own (or their company's) cases can appear.
    """
    words = [w for w in re.split(r"\s+", text.strip()) if len(w) > 1][:MAX_WORDS]
    if not words:
        return []
    query = " OR ".join(word.replace('"', "").replace(":", " ") for word in words)
    result = search.search_cases(user, query, per_page=20)
    return [hit for hit in result.hits if hit.status in DONE][:MAX_SUGGESTIONS]


def record(user: User, *, kind: str, case: Case) -> None:
    """Count a suggestion that was opened (`click`) or answered the question (`solved`)."""
    if kind not in KINDS:
        raise ValueError(kind)
    audit.record("case.deflection", by=user, subject=case, kind=kind)
