"""Case search: `search_cases` for the search page, `similar_cases` for deflection.

The reader's rights come from access.py, the query language from language.py and
query_preparation.py; the engine (whoosh_engine/searching.py) parses, matches, ranks and
counts; results.py turns what it finds into hits, snippets and facets.
"""

from __future__ import annotations

from collections.abc import Collection

from portal.kernel.pagination import page_count
from portal.search.access import Reader, reader_for
from portal.search.results import (
    HIGHLIGHTED_FIELDS,
    FacetValue,
    Hit,
    Result,
    facets,
    snippet,
)
from portal.search.whoosh_engine.searching import CaseSearch, open_search

MAX_PAGE = 500
SORTS = ("relevance", "newest")

__all__ = ["FacetValue", "Hit", "Result", "search_cases", "similar_cases"]


def _hits(search: CaseSearch, q, reader: Reader, docnums: list[int]) -> list[Hit]:
    """The hits of these documents, with snippets highlighting what `q` matched."""
    words = search.highlight_words(q, HIGHLIGHTED_FIELDS)
    hits = []
    for docnum in docnums:
        stored = search.stored_fields(docnum)
        shown, internal = snippet(stored, words, reader)
        hits.append(
            Hit(
                case_id=int(stored["id"]),
                number=stored["number"],
                subject=stored["subject"],
                status=stored["status"],
                snippet=shown,
                snippet_is_internal=internal,
            )
        )
    return hits


def search_cases(
    user, text: str, *, page: int = 1, per_page: int = 20, sort: str = "relevance"
) -> Result:
    """Search the cases `user` may see. Never raises on what the user typed.

    Free text is AND-ed; OR, NOT / -word, "phrases", prefix*, and the filters status:,
    priority:, channel:, account:, category:, created:/updated:/resolved: (>, >=, <, <=,
    Jalali years before 1700), and for staff queue:, tier:, assignee:me|none. Totals and
    facets count only what the reader may see; customers never match internal notes.
    """
    text = text or ""
    page = min(max(1, int(page)), MAX_PAGE)
    per_page = min(max(1, int(per_page)), 100)
    result = Result(text=text, number=page, per_page=per_page)
    reader = reader_for(user)
    if reader is None:
        return result
    if sort not in SORTS:
        sort = "relevance"
    with open_search(reader) as search:
        q = search.build_query(text)
        if q is not None:
            matches = search.match(q)
            result.total = matches.total
            result.number = min(page, page_count(result.total, per_page))
            result.facets = facets(reader, lambda field: search.count_values(matches, field))
        if result.total:
            offset = (result.number - 1) * per_page
            docnums = search.first_in_order(q, matches, sort, offset + per_page)[offset:]
            result.hits = _hits(search, q, reader, docnums)
        if result.total == 0 and text.strip():
            result.suggestion = search.suggest(text)
    return result


def similar_cases(user, text: str, *, statuses: Collection[str], limit: int) -> list[Hit]:
    """Up to `limit` cases `user` may see, in one of `statuses`, sharing words with `text`,
    the most similar first (BM25F over the shared words).

    For suggestions while a customer types (deflection). The statuses are part of the match,
    like the reader's rights: however many other cases share the words, the page is filled
    with cases in those statuses.
    """
    reader = reader_for(user)
    if reader is None or not statuses or limit < 1:
        return []
    with open_search(reader) as search:
        q = search.similar_query(text or "", statuses)
        if q is None:
            return []
        matches = search.match(q)
        if not matches.total:
            return []
        return _hits(search, q, reader, search.first_in_order(q, matches, "relevance", limit))
