"""Case search: the query language, rights, facets, highlights and "did you mean".

The reader's text goes through three steps. `_rewrite` reads it token by token and writes a
safe query string: only allowlisted `field:value` filters survive (others become plain
words), `-word` becomes `NOT word`, case numbers become exact `number:` terms, and Whoosh
syntax we do not offer is removed. `analysis.prepare_query` then joins detached Persian
pieces and adds spacing variants of compounds. Whoosh's parser builds the query, which is
checked (fields, errors) and capped (prefix expansion); anything odd falls back to a search
for the plain words. The reader's restriction (access.py) is AND-ed in last.
"""

from __future__ import annotations

import heapq
import logging
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from itertools import islice
from math import ceil

import jdatetime
import sqlalchemy as sa
from markupsafe import Markup, escape
from whoosh import query
from whoosh.qparser import (
    FieldsPlugin,
    GroupPlugin,
    GtLtPlugin,
    MultifieldParser,
    OperatorsPlugin,
    PhrasePlugin,
    PrefixPlugin,
    RangePlugin,
)
from whoosh.qparser.syntax import AndGroup, OrGroup

from portal.extensions import db
from portal.models import Account, Case, CaseStatus, Channel, Priority, Queue
from portal.numbers import ASCII_DIGITS
from portal.search.access import Reader, reader_for
from portal.search.analysis import (
    analyze,
    index_term,
    is_arabic_script,
    normalize,
    split_words,
    stem,
    strip_article,
)
from portal.search.query_preparation import index_term_exists, prepare_query
from portal.search.schema import (
    FIELD_BOOSTS,
    NONE,
    PUBLIC_TEXT_FIELDS,
    SPELLING_FIELDS,
    date_of_day,
    day_start_microseconds,
)
from portal.search.whoosh_engine import postings, ranking, store
from portal.search.whoosh_engine.analyzer import CaseworkAnalyzer
from portal.search.whoosh_engine.columns import column_values

log = logging.getLogger("casework.search")

MAX_QUERY_CHARS = 300
MAX_TOKENS = 40
MAX_PREFIX_TERMS = 64
MIN_PREFIX_CHARS = 2
MAX_PAGE = 500
SNIPPET_CHARS = 220  # of the text shown when nothing in it matched
SNIPPET_FRAGMENT_CHARS = 300  # at most, from a fragment's first match to its last
SNIPPET_CONTEXT = 60  # characters shown before and after a fragment's matches
SORTS = ("relevance", "newest")
SUGGESTION_CANDIDATES = 3  # corrections tried per word (the first one the reader may see)

_LEX = re.compile(
    r"""
    (?P<neg>-(?=[^\s-]))?
    (?:
        (?P<name>[^\W\d_]\w*):(?P<value>"[^"]*"|[^\s()"]+)
      | "(?P<phrase>[^"]*)"
      | (?P<paren>[()])
      | (?P<word>[^\s()"]+)
      | (?P<stray>")
    )
    """,
    re.VERBOSE,
)
# Characters that mean something to Whoosh's parser but not in our language.
_SYNTAX = re.compile(r"""[:*?؟^~{}\[\]<>=\\'+"]""")
_PROSE_SYNTAX = re.compile(r"""[:*?؟^~{}\[\]<>=\\'+"()-]""")  # and in prose, also ( ) -
_BOOST_OR_FUZZ = re.compile(r"(\^[0-9.]*|~[0-9.]*)$")
_CASE_NUMBER = re.compile(r"^cs-?([0-9]{1,9})$", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^[0-9]{1,9}$")
_DATE = re.compile(r"^(>=|<=|=>|=<|>|<)?([0-9]{4})(?:[-/.]([0-9]{1,2}))?(?:[-/.]([0-9]{1,2}))?$")
_ENUMS = {"status": CaseStatus, "priority": Priority, "channel": Channel}
_OPERATORS = ("AND", "OR", "NOT")
# Filter name as typed -> index field(s): text field, and id field for numeric values.
_TEXT_FILTERS = {"account": ("account", "account_id"), "queue": ("queue", "queue_id")}
_FACETS = {"status": "status", "priority": "priority", "queue": "queue_id", "account": "account_id"}
_STAFF_FACETS = frozenset({"queue"})
_HIGHLIGHTED = frozenset({"body", "internal"})
# Index fields each typed filter may produce (checked after parsing).
_FILTER_FIELDS = {
    "status": {"status"},
    "priority": {"priority"},
    "channel": {"channel"},
    "account": {"account", "account_id"},
    "queue": {"queue", "queue_id"},
    "category": {"category"},
    "tier": {"tier"},
    "assignee": {"assignee_id"},
    "created": {"created"},
    "updated": {"updated"},
    "resolved": {"resolved"},
}


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
    page: int = 1
    per_page: int = 20
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean", as a query text

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))


# Rewriting the reader's text ---------------------------------------------------------------


def _to_ascii_digits(text: str) -> str:
    return text.translate(ASCII_DIGITS)


def _clean_word(word: str) -> list[str]:
    """A plain word with parser syntax removed; may split (`10:30`) or vanish (`***`)."""
    word = _BOOST_OR_FUZZ.sub("", word)  # Lucene habits (`word^2`, `word~1`) we do not offer
    prefix = word.endswith("*")
    parts = _SYNTAX.sub(" ", word).split()
    if prefix and parts and len(normalize(parts[-1])) >= MIN_PREFIX_CHARS:
        parts[-1] += "*"
    cleaned = []
    for part in parts:
        if part.upper() in _OPERATORS or part.upper() in ("ANDNOT", "ANDMAYBE", "REQUIRE"):
            part = part.lower()  # an operator only when typed as AND / OR / NOT on its own
        cleaned.append(part)
    return cleaned


def _word_fragment(word: str) -> list[str]:
    """Case numbers become exact terms; other words are cleaned."""
    digits = _to_ascii_digits(word)
    match = _CASE_NUMBER.match(digits)
    if match:
        return [f"number:{_case_number(int(match.group(1)))}"]
    if _BARE_NUMBER.match(digits):
        # `1234` may be a case number or a number in the text (an error code, an invoice).
        return [f"(number:{_case_number(int(digits))} OR {digits})"]
    return _clean_word(word)


def _case_number(case_id: int) -> str:
    return Case.number.fget(_Id(case_id))


@dataclass(frozen=True)
class _Id:
    id: int


def _period(year: int, month: int | None, day: int | None) -> tuple[date, date]:
    """First and last day of a year, month or day; years before 1700 are Jalali (`1403`)."""
    if year < 1700:
        start = jdatetime.date(year, month or 1, day or 1)
        if day:
            following = start + timedelta(days=1)
        elif month:
            following = jdatetime.date(year + month // 12, month % 12 + 1, 1)
        else:
            following = jdatetime.date(year + 1, 1, 1)
        return start.togregorian(), following.togregorian() - timedelta(days=1)
    start = date(year, month or 1, day or 1)
    if day:
        following = start + timedelta(days=1)
    elif month:
        following = date(year + month // 12, month % 12 + 1, 1)
    else:
        following = date(year + 1, 1, 1)
    return start, following - timedelta(days=1)


def _date_fragment(fieldname: str, value: str) -> str | None:
    """`created:>2026-01-01`, `created:2026-03`, `created:<=1403/01/15` as day ranges."""
    match = _DATE.match(_to_ascii_digits(value))
    if not match:
        return None
    relation, year, month, day = match.groups()
    try:
        start, end = _period(int(year), month and int(month), day and int(day))
    except ValueError:
        return None
    after = f"{fieldname}:>={{}}"
    before = f"{fieldname}:<={{}}"
    day_format = "%Y%m%d"
    if relation == ">":
        return after.format((end + timedelta(days=1)).strftime(day_format))
    if relation in (">=", "=>"):
        return after.format(start.strftime(day_format))
    if relation == "<":
        return before.format((start - timedelta(days=1)).strftime(day_format))
    if relation in ("<=", "=<"):
        return before.format(end.strftime(day_format))
    return f"({after.format(start.strftime(day_format))} {before.format(end.strftime(day_format))})"


def _either(fragments: list[str]) -> str:
    return fragments[0] if len(fragments) == 1 else "(" + " OR ".join(fragments) + ")"


def _filter_fragment(name: str, value: str, reader: Reader) -> str | None:
    """The query text for one allowlisted `name:value`, or None if the value makes no sense."""
    quoted = value.startswith('"')
    raw = value.strip('"').strip()
    if not raw:
        return None
    if name in _ENUMS:
        allowed = {member.value for member in _ENUMS[name]}
        values = [item for item in raw.lower().split(",") if item in allowed]
        return _either([f"{name}:{item}" for item in values]) if values else None
    if name == "tier":
        tiers = [t for t in _to_ascii_digits(raw).split(",") if t in ("1", "2", "3")]
        return _either([f"tier:{tier}" for tier in tiers]) if tiers else None
    if name == "assignee":
        raw = _to_ascii_digits(raw.lower())
        if raw == "me":
            return f"assignee_id:{reader.user_id}"
        if raw in (NONE, "nobody"):
            return f"assignee_id:{NONE}"
        return f"assignee_id:{raw}" if raw.isdigit() else None
    if name in ("created", "updated", "resolved"):
        return _date_fragment(name, raw)
    text_field, id_field = _TEXT_FILTERS.get(name, (name, None))
    if id_field and _to_ascii_digits(raw).isdigit():
        return f"{id_field}:{_to_ascii_digits(raw)}"
    words = [part for word in raw.split() for part in _clean_word(word)]
    if not words:
        return None
    if quoted or len(words) > 1:
        return f'{text_field}:"{" ".join(w.rstrip("*") for w in words)}"'
    return f"{text_field}:{words[0]}"


def _tidy_operators(tokens: list[str]) -> list[str]:
    """Drop operators with nothing to join and balance parentheses, so the parser never
    has to guess."""
    tidy: list[str] = []
    depth = 0
    for token in tokens:
        if token == ")":
            if depth == 0:
                continue
            while tidy and tidy[-1] in _OPERATORS:
                tidy.pop()
            if tidy and tidy[-1] == "(":
                tidy.pop()
                depth -= 1
                continue
            depth -= 1
        elif token in ("AND", "OR"):
            if not tidy or tidy[-1] in (*_OPERATORS, "("):
                continue
        elif token == "NOT" and tidy and tidy[-1] == "NOT":
            tidy.pop()  # NOT NOT x is x
            continue
        elif token == "(":
            depth += 1
        tidy.append(token)
    while tidy and tidy[-1] in (*_OPERATORS, "("):
        if tidy.pop() == "(":
            depth -= 1
    return tidy + [")"] * depth


def rewrite(text: str, reader: Reader) -> str:
    """The reader's text as a query string that only uses what we offer them."""
    tokens: list[str] = []
    for match in _LEX.finditer(text[:MAX_QUERY_CHARS]):
        if len(tokens) >= MAX_TOKENS:
            break
        fragments: list[str]
        if match["name"]:
            name = match["name"].lower()
            fragment = (
                _filter_fragment(name, match["value"], reader) if name in reader.filters else None
            )
            if fragment is not None:
                fragments = [fragment]
            else:  # not a filter we offer (or a bad value): the words themselves
                words = [match["name"], *match["value"].strip('"').split()]
                fragments = [part for word in words for part in _word_fragment(word)]
        elif match["phrase"] is not None:
            words = _SYNTAX.sub(" ", match["phrase"]).split()
            fragments = ['"' + " ".join(words) + '"'] if words else []
        elif match["paren"]:
            fragments = [match["paren"]]
        elif match["word"]:
            word = match["word"]
            fragments = [word] if word in _OPERATORS else _word_fragment(word.lstrip("-"))
        else:
            fragments = []
        if match["neg"] and fragments and fragments[0] not in ("(", ")"):
            fragments = ["NOT", *(fragments if len(fragments) == 1 else ["(", *fragments, ")"])]
        tokens.extend(fragments)
    return " ".join(_tidy_operators(tokens))


# Building the query ------------------------------------------------------------------------


def _parser(schema, reader: Reader, group=AndGroup) -> MultifieldParser:
    return MultifieldParser(
        list(reader.text_fields),
        schema,
        fieldboosts=FIELD_BOOSTS,
        group=group,
        plugins=[
            FieldsPlugin(),
            PrefixPlugin(),
            PhrasePlugin(),
            GroupPlugin(),
            OperatorsPlugin(AndNot=None, AndMaybe=None, Require=None),
            RangePlugin(),
            GtLtPlugin(),
        ],
    )


def _allowed_fields(reader: Reader) -> set[str]:
    allowed = {*reader.text_fields, "number"}
    for name in reader.filters:
        allowed |= _FILTER_FIELDS[name]
    return allowed


def _is_safe(q: query.Query, reader: Reader) -> bool:
    """Every leaf searches a field this reader may search, and nothing failed to parse."""
    allowed = _allowed_fields(reader)
    for leaf in q.leaves():
        if getattr(leaf, "error", None) is not None:
            return False
        fieldname = leaf.field()
        if fieldname is not None and fieldname not in allowed:
            return False
    return True


def _prefix_stem(text: str) -> str:
    """What to expand for `word*`: the part of the word that its stem keeps (`سازمان*` finds
    `سازم`, the stem of `سازمان`, `سازمانها`, ...)."""
    stemmed = stem(text)
    length = 0
    for a, b in zip(text, stemmed, strict=False):
        if a != b:
            break
        length += 1
    return text[:length] if length >= MIN_PREFIX_CHARS else text


def prefix_stems(text: str) -> list[str]:
    """The prefixes to expand for `text*`: its stem part, and the same without an Arabic
    article, which the index strips from words (`الطاب*` must find `طابع`, indexed for
    `الطابعة`); the typed form stays for words that keep it. A word the stemmer maps to
    another (a broken plural: `فواتیر*`) also expands its singular's stem (`فاتور`)."""
    stems = []
    for word in dict.fromkeys([text, strip_article(text, MIN_PREFIX_CHARS)]):
        stemmed = stem(word)
        if is_arabic_script(word) and not word.startswith(stemmed):
            stems += [word, stemmed]  # not a suffix stripped: a word of lexicon's tables
        else:
            stems.append(_prefix_stem(word))
    return list(dict.fromkeys(stems))


def _cap_prefixes(q: query.Query, searcher) -> query.Query:
    """Replace each `prefix*` by the terms it expands to, at most MAX_PREFIX_TERMS per prefix.

    Expanded once here (matching, ranking and highlighting would each walk the term table
    again), and as terms, so that they rank by how often they occur.
    """
    reader = searcher.reader()
    schema = searcher.schema

    def terms(fieldname: str, prefix: str, boost: float) -> list[query.Query]:
        found = islice(reader.expand_prefix(fieldname, prefix), MAX_PREFIX_TERMS)
        return [query.Term(fieldname, term.decode(), boost=boost) for term in found]

    def cap(node):
        if not isinstance(node, query.Prefix):
            return node
        prefixes = [node.text]
        if isinstance(schema[node.fieldname].analyzer, CaseworkAnalyzer):
            prefixes = prefix_stems(node.text)
        expanded = [
            term for prefix in prefixes for term in terms(node.fieldname, prefix, node.boost)
        ]
        return query.Or(list(dict.fromkeys(expanded)))

    return q.accept(cap)


def _plain_words(text: str, reader: Reader) -> query.Query:
    """The fallback: every analysed word in any text field this reader may search."""
    terms = list(dict.fromkeys(analyze(text[:MAX_QUERY_CHARS])))[:MAX_TOKENS]
    if not terms:
        return query.NullQuery
    return query.And(
        [
            query.Or(
                [
                    query.Term(name, term, boost=FIELD_BOOSTS.get(name, 1.0))
                    for name in reader.text_fields
                ]
            )
            for term in terms
        ]
    )


def build_query(text: str, reader: Reader, searcher) -> query.Query:
    """The reader's text as a Whoosh query, without the reader's restriction (see `_match`).

    Never raises."""
    if not text.strip():
        return query.Every()
    try:
        prepared = prepare_query(
            rewrite(text, reader), index_term_exists(searcher.reader(), PUBLIC_TEXT_FIELDS)
        )
        parsed = _parser(searcher.schema, reader).parse(prepared)
        if parsed is query.NullQuery:
            return parsed
        if _is_safe(parsed, reader):
            return _cap_prefixes(parsed, searcher)
        log.info("search query %r failed its checks; searching the plain words", prepared)
    except Exception:
        log.exception("search query %r could not be parsed; searching the plain words", text)
    return _plain_words(text, reader)


# Matching ----------------------------------------------------------------------------------


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


def _docs(q: query.Query, segment: _Scope) -> set[int]:
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
        return _phrase_docs(q, segment.reader)
    if kind is query.And:
        wanted = [child for child in q.subqueries if not isinstance(child, query.Not)]
        unwanted = [child.query for child in q.subqueries if isinstance(child, query.Not)]
        days = [child for child in wanted if _is_creation_range(child)]
        found = None
        for child in [child for child in wanted if child not in days] + days:
            if child in days and found is not None and len(found) <= _FEW_TO_CHECK:
                found = _created_within(child, found, segment)
                continue
            docs = _docs(child, segment)
            found = docs if found is None else found & docs
            if not found:
                return set()
        found = set(segment.everything) if found is None else found
        for child in unwanted:
            found -= _docs(child, segment)
        return found
    if kind is query.Or and not q.minmatch:
        found: set[int] = set()
        for child in q.subqueries:
            found |= _docs(child, segment)
        return found
    if kind is query.Not:
        return segment.everything - _docs(q.query, segment)
    if kind is query.AndNot:
        return _docs(q.a, segment) - _docs(q.b, segment)
    if isinstance(q, query.WrappingQuery):  # ConstantScoreQuery and the like
        return _docs(q.child, segment)
    simpler = q.simplify(segment.reader)  # numeric ranges: term ranges per trie level
    if simpler is not q and simpler != q:
        return _docs(simpler, segment)
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


def _phrase_docs(q: query.Phrase, reader) -> set[int]:
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


def _allowed(restriction: query.Query, segment: _Scope) -> frozenset[int]:
    """The documents of a segment that a restriction lets through, kept per segment state.

    An agent's restriction (tiers up to theirs) covers most cases: its posting lists were
    the largest read by every one of their searches. A segment only changes by deleting
    documents, so its id and deletion count say when a kept set is stale.
    """
    if not hasattr(segment.reader, "segment"):
        return frozenset(_docs(restriction, segment))
    deleted = len(getattr(segment.reader, "deleted_docs_set", ()))
    key = (segment.reader.segment().segment_id(), deleted, repr(restriction))
    docs = _allowed_cache.get(key)
    if docs is None:
        if len(_allowed_cache) >= _ALLOWED_CACHE_SIZE:
            _allowed_cache.clear()
        docs = _allowed_cache[key] = frozenset(_docs(restriction, segment))
    return docs


@dataclass
class _Segment:
    """The matches in one segment: local doc numbers and the segment's first global one."""

    searcher: object
    offset: int
    docs: set[int]


def _match(searcher, q: query.Query, reader: Reader) -> list[_Segment]:
    """What `q` matches among the cases `reader` may see, segment by segment."""
    parts = searcher.subsearchers or [(searcher, 0)]
    matched = []
    for part, offset in parts:
        segment = _Scope(part)
        docs = _docs(q, segment)
        if docs and segment.deleted:  # postings.py lists them
            docs -= segment.deleted
        if docs and reader.restriction is not None:
            docs &= _allowed(reader.restriction, segment)
        matched.append(_Segment(part, offset, docs))
    return matched


def _total(matched: list[_Segment]) -> int:
    return sum(len(part.docs) for part in matched)


def _is_filter(q: query.Query, text_fields: frozenset[str]) -> bool:
    """No leaf of `q` searches free text: it narrows the results without ranking them."""
    return isinstance(q, query.Not) or all(leaf.field() not in text_fields for leaf in q.leaves())


def _ranking_query(q: query.Query, reader: Reader) -> query.Query | None:
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


def _page(
    searcher, q: query.Query, reader: Reader, matched: list[_Segment], sort: str, wanted: int
) -> list[int]:
    """Global doc numbers of the first `wanted` matches in the requested order."""
    if sort == "newest":
        created = []
        for part in matched:
            values = column_values(part.searcher.reader(), "created_at")
            created.extend((values[doc], -(doc + part.offset)) for doc in part.docs)
        return [-docnum for _value, docnum in heapq.nlargest(wanted, created)]
    ranking_query = _ranking_query(q, reader)
    if ranking_query is None:  # nothing to rank by: index order, as Whoosh ranks equal scores
        return heapq.nsmallest(wanted, (doc + part.offset for part in matched for doc in part.docs))
    parts = [(part.searcher, part.offset, part.docs) for part in matched]
    return ranking.top(searcher, ranking_query, parts, wanted)


# Results -----------------------------------------------------------------------------------


def _highlight_words(q: query.Query, reader_) -> dict[str, frozenset[str]]:
    """The indexed terms each text field matched, outside NOT (prefixes expanded)."""
    words: dict[str, set[str]] = {}

    def visit(node: query.Query) -> None:
        if isinstance(node, query.Not):
            return
        if node.is_leaf():
            if node.field() not in _HIGHLIGHTED:
                return
            for fieldname, term in node.existing_terms(reader_, phrases=True, expand=True):
                if fieldname in _HIGHLIGHTED:
                    text = term.decode() if isinstance(term, bytes) else term
                    words.setdefault(fieldname, set()).add(text)
            return
        for child in node.children():
            visit(child)

    visit(q)
    return {fieldname: frozenset(found) for fieldname, found in words.items()}


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


def _snippet(stored: dict, words: dict[str, frozenset[str]], reader: Reader) -> tuple[Markup, bool]:
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


def _facets(matched: list[_Segment], reader: Reader) -> dict[str, list[FacetValue]]:
    """Counts per value of each facet over all matches, from cached per-segment columns."""
    facets = {}
    for name, fieldname in _FACETS.items():
        if name in _STAFF_FACETS and not reader.is_staff:
            continue
        counts: Counter[str] = Counter()
        for part in matched:
            values = column_values(part.searcher.reader(), fieldname)
            counts.update(map(values.__getitem__, part.docs))
        for missing in (None, "", NONE):
            counts.pop(missing, None)
        labels = _facet_labels(name, list(counts)) if name in ("queue", "account") else {}
        facets[name] = [
            FacetValue(value, labels.get(value, value), count)
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
    return facets


def _visible_word(searcher, reader: Reader, fieldname: str, term: str) -> str | None:
    """A word of a case this reader may see that is indexed as `term`, as it is written
    there (normalized, unstemmed): `invoices` rather than the stem `invoic`."""
    for part in _match(searcher, query.Term(fieldname, term), reader):
        if part.docs:
            stored = part.searcher.stored_fields(min(part.docs))
            for _start, _end, word in split_words(stored.get(fieldname) or ""):
                if index_term(word) == term:
                    return word
    return None


def _correction(searcher, reader: Reader, term: str) -> str | None:
    """The closest indexed term to a misspelt `term` that this reader may see, as a word.

    Nearest first: Whoosh's corrector ranks only by frequency within the distance it is
    given, so a frequent term two edits away would beat a rarer one a single edit away.
    """
    for distance in (1, 2):
        for fieldname in SPELLING_FIELDS:
            corrector = searcher.corrector(fieldname)
            candidates = corrector.suggest(
                term, limit=SUGGESTION_CANDIDATES, maxdist=distance, prefix=1
            )
            for candidate in candidates:
                word = _visible_word(searcher, reader, fieldname, candidate)
                if word:
                    return word
    return None


def _suggest(text: str, reader: Reader, searcher) -> str | None:
    """A spelling correction that finds something this reader may see, else None.

    Unknown words are corrected against the indexed (stemmed) terms of the subject and body,
    then shown as a case writes them. No separate spelling field is indexed: it held a fifth
    of all terms, cost a second analysis of every text, and lost its words whenever a merge
    dropped the document Whoosh had filed them under.
    """
    reader_ = searcher.reader()
    changed = False
    words = []
    for word in text[:MAX_QUERY_CHARS].split()[:MAX_TOKENS]:
        folded = normalize(word)
        term = index_term(folded) if folded.isalpha() else None
        known = term is None or any((name, term) in reader_ for name in PUBLIC_TEXT_FIELDS)
        if not known and len(folded) >= 3:
            corrected = _correction(searcher, reader, term)
            if corrected:
                word, changed = corrected, True
        words.append(word)
    if not changed:
        return None
    suggestion = " ".join(words)
    q = build_query(suggestion, reader, searcher)
    found = q is not query.NullQuery and _total(_match(searcher, q, reader))
    return suggestion if found else None


def _hits(searcher, q: query.Query, reader: Reader, docnums: list[int]) -> list[Hit]:
    """The hits of these documents, with snippets highlighting what `q` matched."""
    words = _highlight_words(q, searcher.reader())
    hits = []
    for docnum in docnums:
        stored = searcher.stored_fields(docnum)
        snippet, internal = _snippet(stored, words, reader)
        hits.append(
            Hit(
                case_id=int(stored["id"]),
                number=stored["number"],
                subject=stored["subject"],
                status=stored["status"],
                snippet=snippet,
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
    result = Result(text=text, page=page, per_page=per_page)
    reader = reader_for(user)
    if reader is None:
        return result
    if sort not in SORTS:
        sort = "relevance"
    with store.open_index().searcher() as searcher:
        q = build_query(text, reader, searcher)
        if q is not query.NullQuery:
            matched = _match(searcher, q, reader)
            result.total = _total(matched)
            result.page = min(page, max(1, ceil(result.total / per_page)))
            result.facets = _facets(matched, reader)
        if result.total:
            offset = (result.page - 1) * per_page
            docnums = _page(searcher, q, reader, matched, sort, offset + per_page)[offset:]
            result.hits = _hits(searcher, q, reader, docnums)
        if result.total == 0 and text.strip():
            result.suggestion = _suggest(text, reader, searcher)
    return result


def _any_word_query(text: str, reader: Reader, searcher) -> query.Query:
    """`text` as prose: any of its words, in any spelling the index holds (NullQuery if none).

    Nothing in it is syntax (a customer's `status:` or `OR` are words); the words go through
    the same preparation as a search (detached pieces joined, compound spellings added), so a
    Persian or Arabic text finds what the same words find in the search box.
    """
    words = [
        word.lower() if word.upper() in _OPERATORS else word
        for word in _PROSE_SYNTAX.sub(" ", text[:MAX_QUERY_CHARS]).split()
    ]
    if not words:
        return query.NullQuery
    prepared = prepare_query(
        " ".join(words[:MAX_TOKENS]), index_term_exists(searcher.reader(), PUBLIC_TEXT_FIELDS)
    )
    try:
        parsed = _parser(searcher.schema, reader, group=OrGroup).parse(prepared)
    except Exception:
        log.exception("similar-cases text %r could not be parsed", text)
        parsed = query.NullQuery
    if parsed is query.NullQuery or _is_safe(parsed, reader):
        return parsed
    terms = list(dict.fromkeys(analyze(" ".join(words))))[:MAX_TOKENS]
    if not terms:
        return query.NullQuery
    return query.Or(
        [
            query.Term(name, term, boost=FIELD_BOOSTS.get(name, 1.0))
            for term in terms
            for name in reader.text_fields
        ]
    )


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
    with store.open_index().searcher() as searcher:
        words = _any_word_query(text or "", reader, searcher)
        if words is query.NullQuery:
            return []
        in_status = query.Or([query.Term("status", status) for status in statuses])
        q = query.And([words, in_status])
        matched = _match(searcher, q, reader)
        if not _total(matched):
            return []
        return _hits(searcher, q, reader, _page(searcher, q, reader, matched, "relevance", limit))
