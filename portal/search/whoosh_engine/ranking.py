"""Ranking matches by relevance: BM25F over the posting lists of the query's free-text terms.

Whoosh ranks through a tree of matchers, several Python calls per posting and per node, with
block-quality bookkeeping that costs more than it saves on our queries (a capped prefix is an
OR of up to 64 terms in four fields): four fifths of a prefix search went there. The matches
are already known (matching.py), so each scored term's posting list is read once, block by
block, and its BM25F contribution added to the matched documents it lists. The formula and
its statistics are Whoosh's own (BM25F, B 0.75, K1 1.2; idf and average field length from the
whole index), so the order is the one Whoosh gave, except that prefixes and phrases now rank
by how often their words occur rather than all alike.

Exactly: the order is Whoosh's own BM25F order, over the matched set, of an OR of the words
in the query's free-text clauses (`ranking_query`) outside NOT, a phrase counting as its
words; a date range scores nothing (it has no terms to give), where Whoosh would add 1.0 for
one inside an OR. Equal scores keep index order, and matches no scored word reaches follow in
index order. "Newest" is Whoosh's sort on the `created_at` column, newest first, index order
among equal times. tests/search/test_engine_differential.py checks both.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

from whoosh import query

from portal.search.access import Reader
from portal.search.whoosh_engine import postings
from portal.search.whoosh_engine.columns import column_values, field_lengths
from portal.search.whoosh_engine.matching import Matches

B = 0.75
K1 = 1.2


def scored_leaves(q: query.Query, boost: float = 1.0) -> list[tuple[query.Query, float]]:
    """The leaves of `q` that add to a score, with their boost times their parents' (not
    the leaves under NOT: excluding a word never makes a case more relevant)."""
    if isinstance(q, query.Not):
        return []
    boost *= getattr(q, "boost", 1.0)
    if q.is_leaf():
        return [(q, boost)]
    return [leaf for child in q.children() for leaf in scored_leaves(child, boost)]


def _terms(leaf: query.Query, reader) -> Iterable[tuple[str, bytes]]:
    for fieldname, text in leaf.existing_terms(reader, phrases=True, expand=True):
        yield fieldname, text if isinstance(text, bytes) else text.encode()


def top(
    searcher, q: query.Query, parts: Iterable[tuple[object, int, set[int]]], wanted: int
) -> list[int]:
    """The global doc numbers of the `wanted` best of the matched documents, best first.

    `parts` gives each segment's searcher, its first global doc number and its matches.
    Equal scores keep index order; matches no scored term reaches come last.
    """
    parts = list(parts)
    leaves = scored_leaves(q)
    schema = searcher.schema
    scores: dict[int, float] = {}
    for part, offset, docs in parts:
        if not docs:
            continue
        reader = part.reader()
        lengths: dict[str, tuple[int, ...]] = {}
        for leaf, boost in leaves:
            for fieldname, text in _terms(leaf, reader):
                ids, weights = postings.weighted(reader, fieldname, text)
                if not schema[fieldname].scorable:  # IDs (a case number): the weight alone
                    for docnum, weight in zip(ids, weights, strict=True):
                        if docnum in docs:
                            key = docnum + offset
                            scores[key] = scores.get(key, 0.0) + boost * weight
                    continue
                if fieldname not in lengths:
                    lengths[fieldname] = field_lengths(reader, fieldname)
                field_length = lengths[fieldname]
                idf = searcher.idf(fieldname, text) * boost
                norm = K1 / (searcher.avg_field_length(fieldname) or 1)
                for docnum, weight in zip(ids, weights, strict=True):
                    if docnum in docs:
                        key = docnum + offset
                        scores[key] = scores.get(key, 0.0) + idf * (
                            weight
                            * (K1 + 1)
                            / (weight + K1 * (1 - B) + norm * B * field_length[docnum])
                        )
    best = heapq.nlargest(wanted, scores.items(), key=lambda item: (item[1], -item[0]))
    ranked = [docnum for docnum, _score in best]
    if len(ranked) < wanted:
        unscored = (
            docnum + offset
            for _part, offset, docs in parts
            for docnum in docs
            if docnum + offset not in scores
        )
        ranked.extend(heapq.nsmallest(wanted - len(ranked), unscored))
    return ranked


def _is_filter(q: query.Query, text_fields: frozenset[str]) -> bool:
    """No leaf of `q` searches free text: it narrows the results without ranking them."""
    return isinstance(q, query.Not) or all(leaf.field() not in text_fields for leaf in q.leaves())


def ranking_query(q: query.Query, reader: Reader) -> query.Query | None:
    """The part of `q` that ranks results: its free-text clauses (None: no ranking).

    Filters (`status:open`, dates, case numbers, NOT, rights) add the same score to every
    match, or only a date term's idf, which ranked cases by how many others share their day;
    the matched set already applies them, so only free text is scored.
    """
    text_fields = frozenset(reader.text_fields)
    clauses = q.subqueries if type(q) is query.And else [q]
    ranking = [clause for clause in clauses if not _is_filter(clause, text_fields)]
    if not ranking:
        return None
    return ranking[0] if len(ranking) == 1 else query.And(ranking)


def first_in_order(
    searcher, q: query.Query, reader: Reader, matches: Matches, sort: str, wanted: int
) -> list[int]:
    """Global doc numbers of the first `wanted` matches in the requested order: "newest"
    (creation time, newest first; index order among equal times) or by relevance."""
    matched = matches.segments
    if sort == "newest":
        created = []
        for part in matched:
            values = column_values(part.searcher.reader(), "created_at")
            created.extend((values[doc], -(doc + part.offset)) for doc in part.docs)
        return [-docnum for _value, docnum in heapq.nlargest(wanted, created)]
    ranked_by = ranking_query(q, reader)
    if ranked_by is None:  # nothing to rank by: index order, as Whoosh ranks equal scores
        return heapq.nsmallest(wanted, (doc + part.offset for part in matched for doc in part.docs))
    parts = [(part.searcher, part.offset, part.docs) for part in matched]
    return top(searcher, ranked_by, parts, wanted)
