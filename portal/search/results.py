"""What a search gives back: hits with highlighted snippets, facets with labels, totals.

No index here: the engine hands over stored fields, the words each field matched and value
counts (whoosh_engine/searching.py), and this turns them into what pages show.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from markupsafe import Markup, escape

from portal.extensions import db
from portal.kernel.pagination import page_count
from portal.models import Account, Queue
from portal.search.access import Reader
from portal.search.analysis import index_term, split_words
from portal.search.schema import NONE

SNIPPET_CHARS = 220  # of the text shown when nothing in it matched
SNIPPET_FRAGMENT_CHARS = 300  # at most, from a fragment's first match to its last
SNIPPET_CONTEXT = 60  # characters shown before and after a fragment's matches
# Facet name -> the index field counted; staff-only facets; fields snippets come from.
FACETS = {"status": "status", "priority": "priority", "queue": "queue_id", "account": "account_id"}
_STAFF_FACETS = frozenset({"queue"})
HIGHLIGHTED_FIELDS = frozenset({"body", "internal"})


@dataclass(frozen=True)
class Hit:
    case_id: int
    number: str
    subject: str
    status: str
    snippet: Markup  # escaped text; only <mark> added
    snippet_is_internal: bool = False  # the match was in an internal note (staff only)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Result:
    text: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    number: int = 1  # the page shown, as in kernel.pagination.Page
    per_page: int = 20
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean", as a query text

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)


def _matched_spans(text: str, words: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) in `text` of the words indexed as one of `words`; neighbouring matches
    (a phrase, `سازمان ها`) are one span."""
    spans: list[tuple[int, int]] = []
    joined = False
    for start, end, word in split_words(text):
        term = index_term(word)
        if term is not None and term in words:
            spans[-1:] = [(spans[-1][0], end)] if joined else [*spans[-1:], (start, end)]
            joined = True
        else:
            joined = False
    return spans


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """start..end with up to SNIPPET_CONTEXT characters each side, not cutting a word."""
    left = max(0, start - SNIPPET_CONTEXT)
    if left and not text[left - 1].isspace():
        space = text.find(" ", left, start)
        left = start if space < 0 else space + 1
    right = min(len(text), end + SNIPPET_CONTEXT)
    if right < len(text) and not text[right].isspace():
        space = text.rfind(" ", end, right)
        right = end if space < 0 else space
    return left, right


def _highlight(text: str, words: frozenset[str] | None) -> str:
    """Up to two fragments of `text` around its matches, escaped, matches in <mark>.

    Matches closer than SNIPPET_FRAGMENT_CHARS share a fragment; the two fragments with most
    matches are shown in text order. Built from the analyzer's word splitting (memoized),
    it does the job of Whoosh's highlighter at a fraction of the cost per hit.
    """
    if not text or not words:
        return ""
    spans = _matched_spans(text, words)
    fragments: list[list] = []  # [start, end, [spans]]
    for span in spans:
        if fragments and span[1] - fragments[-1][0] <= SNIPPET_FRAGMENT_CHARS:
            fragments[-1][1] = span[1]
            fragments[-1][2].append(span)
        else:
            fragments.append([span[0], span[1], [span]])
    best = heapq.nlargest(2, fragments, key=lambda fragment: (len(fragment[2]), -fragment[0]))
    shown = []
    for start, end, marked in sorted(best, key=lambda fragment: fragment[0]):
        left, right = _widen(text, start, end)
        pieces, at = [], left
        for span_start, span_end in marked:
            pieces.append(escape(text[at:span_start]))
            pieces.append(Markup("<mark>%s</mark>") % text[span_start:span_end])
            at = span_end
        pieces.append(escape(text[at:right]))
        shown.append("".join(pieces).strip())
    return " … ".join(shown)


def snippet(stored: dict, words: dict[str, frozenset[str]], reader: Reader) -> tuple[Markup, bool]:
    """The snippet of a hit: the body around its matches, else (staff) the internal notes
    around theirs, else the start of the body; and whether it comes from internal notes."""
    fragments = _highlight(stored.get("body") or "", words.get("body"))
    if fragments:
        return Markup(fragments), False
    if reader.is_staff and "internal" in reader.text_fields:
        fragments = _highlight(stored.get("internal") or "", words.get("internal"))
        if fragments:
            return Markup(fragments), True
    body = " ".join((stored.get("body") or "").split())
    short = body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else "")
    return Markup(escape(short)), False


def _facet_labels(name: str, values: list[str]) -> dict[str, str]:
    ids = [int(value) for value in values if value.isdigit()]
    if not ids:
        return {}
    model = {"queue": Queue, "account": Account}[name]
    rows = db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids))).all()
    return {str(row.id): row.name for row in rows}


def facets(reader: Reader, count_values: Callable[[str], Counter]) -> dict[str, list[FacetValue]]:
    """Each facet this reader gets, with the count of each value over all matches
    (`count_values(index field)`, from the engine), most frequent first, ids labelled."""
    found = {}
    for name, fieldname in FACETS.items():
        if name in _STAFF_FACETS and not reader.is_staff:
            continue
        counts = count_values(fieldname)
        for missing in (None, "", NONE):
            counts.pop(missing, None)
        labels = _facet_labels(name, list(counts)) if name in ("queue", "account") else {}
        found[name] = [
            FacetValue(value, labels.get(value, value), count)
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
    return found
