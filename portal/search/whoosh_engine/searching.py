"""One search of the live index for one reader: everything query.py asks of the engine.

The rest of portal/search never sees a Whoosh object but the opaque query this hands out:
`build_query` / `similar_query` give one (None when there is nothing to search), `match`
the matches, and the other methods what pages show of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager

from whoosh import query

from portal.search.access import Reader
from portal.search.whoosh_engine import matching, parsing, ranking, store, suggestions
from portal.search.whoosh_engine.columns import column_values
from portal.search.whoosh_engine.matching import Matches


@contextmanager
def open_search(reader: Reader) -> Iterator[CaseSearch]:
    """A search of the live index as it is now (later commits are not seen by it)."""
    with store.open_index().searcher() as searcher:
        yield CaseSearch(searcher, reader)


class CaseSearch:
    def __init__(self, searcher, reader: Reader):
        self._searcher = searcher
        self._reader = reader

    def build_query(self, text: str) -> query.Query | None:
        """The reader's text as a query (None: nothing to search). Never raises."""
        return _none_if_null(parsing.build_query(text, self._reader, self._searcher))

    def similar_query(self, text: str, statuses: Collection[str]) -> query.Query | None:
        """Cases in one of `statuses` sharing any word of the prose `text` (None: no words)."""
        words = parsing.any_word_query(text, self._reader, self._searcher)
        if words is query.NullQuery:
            return None
        in_status = query.Or([query.Term("status", status) for status in statuses])
        return query.And([words, in_status])

    def match(self, q: query.Query) -> Matches:
        """What `q` matches among the cases the reader may see."""
        return matching.match(self._searcher, q, self._reader)

    def count_values(self, matches: Matches, fieldname: str) -> Counter:
        """How many matches hold each value of a column field (from cached columns)."""
        counts: Counter = Counter()
        for part in matches.segments:
            values = column_values(part.searcher.reader(), fieldname)
            counts.update(map(values.__getitem__, part.docs))
        return counts

    def first_in_order(self, q: query.Query, matches: Matches, sort: str, wanted: int) -> list[int]:
        """The doc numbers of the first `wanted` matches, "newest" first or by relevance."""
        return ranking.first_in_order(self._searcher, q, self._reader, matches, sort, wanted)

    def stored_fields(self, docnum: int) -> dict:
        return self._searcher.stored_fields(docnum)

    def highlight_words(self, q: query.Query, fieldnames: frozenset[str]) -> dict:
        """The indexed terms each of `fieldnames` matched, for highlighting."""
        return _highlight_words(q, self._searcher.reader(), fieldnames)

    def suggest(self, text: str) -> str | None:
        """A spelling correction of `text` that finds something the reader may see."""
        return suggestions.suggest(text, self._reader, self._searcher)


def _none_if_null(q: query.Query) -> query.Query | None:
    return None if q is query.NullQuery else q


def _highlight_words(
    q: query.Query, reader_, fieldnames: frozenset[str]
) -> dict[str, frozenset[str]]:
    """The indexed terms each of `fieldnames` matched, outside NOT (prefixes expanded)."""
    words: dict[str, set[str]] = {}

    def visit(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if node.is_leaf():
            if node.field() not in fieldnames:
                return
            for fieldname, term in node.existing_terms(reader_, phrases=True, expand=True):
                if fieldname in fieldnames:
                    text = term.decode() if isinstance(term, bytes) else term
                    words.setdefault(fieldname, set()).add(text)
            return
        for child in node.children():
            visit(child)

    visit(q)
    return {fieldname: frozenset(found) for fieldname, found in words.items()}
