"""Matching: the set of cases a query matches, per segment, without scoring.

Set operations on whole posting lists (postings.py reads them a block at a time) give the
total, the facets and the rights check for every match, where Whoosh's collector scored each
match and asked four facet columns about it. Phrases intersect their words' documents first
and read positions only for those. The reader's restriction (access.py) is intersected last,
from a per-segment cache. Deleted documents are taken out once per segment.

The matched set equals what Whoosh's own searcher matches for the same query and restriction
(tests/search/test_engine_differential.py compares them), where Whoosh is right: its NOT
(InverseMatcher) goes wrong in segments with deleted documents, and is never used here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from whoosh import query

from portal.search.access import Reader, Restriction
from portal.search.schema import date_of_day, day_start_microseconds
from portal.search.whoosh_engine import postings
from portal.search.whoosh_engine.columns import column_values


class _Scope:
    """One segment being matched: its searcher, reader and (when NOT needs them) all its
    live documents."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()

    @cached_property
    def deleted(self) -> frozenset[int]:
        return frozenset(getattr(self.reader, "deleted_docs_set", None) or ())

    @cached_property
    def everything(self) -> set[int]:
        return set(range(self.reader.doc_count_all())).difference(self.deleted)


def matching_docs(q: query.Query, segment: _Scope) -> set[int]:
    """The documents of one segment that match `q`.

    Set operations on posting lists, without scoring: this gives the total, the facets and
    the rights check for all matches, where Whoosh's collector scored every match and asked
    four facet columns about it. Queries this does not know (phrases) use Whoosh's matcher.
    """
    kind = type(q)
    if q is query.NullQuery or kind is query.NullQuery.__class__:
        return set()
    if kind is query.Every and q.fieldname in (None, "", "*"):
        return set(segment.everything)
    if kind is query.Term:
        return set(postings.doc_ids(segment.reader, q.fieldname, q.text))
    if isinstance(q, query.MultiTerm):  # prefixes and term ranges: the terms they cover
        reader = segment.reader
        found = set()
        for fieldname, term in q.expanded_terms(reader):
            found.update(postings.doc_ids(reader, fieldname, term))
        return found
    if kind is query.Phrase and q.slop == 1:
        return phrase_docs(q, segment.reader)
    if kind is query.And:
        wanted = [child for child in q.subqueries if not isinstance(child, query.Not)]
        unwanted = [child.query for child in q.subqueries if isinstance(child, query.Not)]
        days = [child for child in wanted if _is_creation_range(child)]
        found = None
        for child in [child for child in wanted if child not in days] + days:
            if child in days and found is not None and len(found) <= _FEW_TO_CHECK:
                found = _created_within(child, found, segment)
                continue
            docs = matching_docs(child, segment)
            found = docs if found is None else found & docs
            if not found:
                return set()
        found = set(segment.everything) if found is None else found
        for child in unwanted:
            found -= matching_docs(child, segment)
        return found
    if kind is query.Or and not q.minmatch:
        found: set[int] = set()
        for child in q.subqueries:
            found |= matching_docs(child, segment)
        return found
    if kind is query.Not:
        return segment.everything - matching_docs(q.query, segment)
    if kind is query.AndNot:
        return matching_docs(q.a, segment) - matching_docs(q.b, segment)
    if isinstance(q, query.WrappingQuery):  # ConstantScoreQuery and the like
        return matching_docs(q.child, segment)
    simpler = q.simplify(segment.reader)  # numeric ranges: term ranges per trie level
    if simpler is not q and simpler != q:
        return matching_docs(simpler, segment)
    return set(q.matcher(segment.searcher).all_ids())


# Below this many matches, `created:` ranges are checked against each match's creation time
# (a cached column) instead of reading the postings of every day in the range.
_FEW_TO_CHECK = 5_000


def _is_creation_range(q: query.Query) -> bool:
    return isinstance(q, query.NumericRange) and q.fieldname == "created"


def _created_within(q: query.NumericRange, docs: set[int], segment: _Scope) -> set[int]:
    """The documents of `docs` created within the range of days `q` (UTC days, as indexed)."""
    created = column_values(segment.reader, "created_at")
    low = high = None
    if q.start is not None:
        first = date_of_day(q.start) + timedelta(days=1 if q.startexcl else 0)
        low = day_start_microseconds(first)
    if q.end is not None:
        following = date_of_day(q.end) + timedelta(days=0 if q.endexcl else 1)
        high = day_start_microseconds(following)
    return {
        docnum
        for docnum in docs
        if (low is None or created[docnum] >= low) and (high is None or created[docnum] < high)
    }


def phrase_docs(q: query.Phrase, reader) -> set[int]:
    """Documents holding the phrase's words at consecutive positions.

    The words' posting lists are intersected first; positions are read only for the
    documents that hold every word. (Whoosh's span matcher walked every posting.)
    """
    words = list(q.words)
    if not words:
        return set()
    candidates = None
    for word in words:
        docs = set(postings.doc_ids(reader, q.fieldname, word))
        candidates = docs if candidates is None else candidates & docs
        if not candidates:
            return set()
    if len(words) == 1:
        return candidates
    starts = postings.positions(reader, q.fieldname, words[0], candidates)
    for offset, word in enumerate(words[1:], start=1):
        found = postings.positions(reader, q.fieldname, word, set(starts))
        following = {}
        for docnum, first in starts.items():
            after = found.get(docnum)
            if after:
                kept = [start for start in first if start + offset in after]
                if kept:
                    following[docnum] = kept
        starts = following
        if not starts:
            break
    return set(starts)


_ALLOWED_CACHE_SIZE = 512
_allowed_cache: dict[tuple, frozenset[int]] = {}


def restriction_query(restriction: Restriction) -> query.Query:
    """A reader's restriction (access.py: any of these field values) as a Whoosh query."""
    terms = [query.Term(fieldname, value) for fieldname, value in restriction]
    return terms[0] if len(terms) == 1 else query.Or(terms)


def _allowed(restriction: Restriction, segment: _Scope) -> frozenset[int]:
    """The documents of a segment that a restriction lets through, kept per segment state.

    An agent's restriction (tiers up to theirs) covers most cases: its posting lists were
    the largest read by every one of their searches. A segment only changes by deleting
    documents, so its id and deletion count say when a kept set is stale.
    """
    if not hasattr(segment.reader, "segment"):
        return frozenset(matching_docs(restriction_query(restriction), segment))
    deleted = len(getattr(segment.reader, "deleted_docs_set", ()))
    key = (segment.reader.segment().segment_id(), deleted, restriction)
    docs = _allowed_cache.get(key)
    if docs is None:
        if len(_allowed_cache) >= _ALLOWED_CACHE_SIZE:
            _allowed_cache.clear()
        docs = _allowed_cache[key] = frozenset(
            matching_docs(restriction_query(restriction), segment)
        )
    return docs


@dataclass
class Segment:
    """The matches in one segment: local doc numbers and the segment's first global one."""

    searcher: object
    offset: int
    docs: set[int]


@dataclass
class Matches:
    """What a query matched among the cases a reader may see, segment by segment."""

    segments: list[Segment]

    @property
    def total(self) -> int:
        return sum(len(part.docs) for part in self.segments)


def match(searcher, q: query.Query, reader: Reader) -> Matches:
    """What `q` matches among the cases `reader` may see, segment by segment."""
    parts = searcher.subsearchers or [(searcher, 0)]
    matched = []
    for part, offset in parts:
        segment = _Scope(part)
        docs = matching_docs(q, segment)
        if docs and segment.deleted:  # postings.py lists them
            docs -= segment.deleted
        if docs and reader.restriction is not None:
            docs &= _allowed(reader.restriction, segment)
        matched.append(Segment(part, offset, docs))
    return Matches(matched)
