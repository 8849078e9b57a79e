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

import logging
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from math import ceil

import jdatetime
import sqlalchemy as sa
from markupsafe import Markup, escape
from whoosh import highlight, query, sorting
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
from whoosh.qparser.syntax import AndGroup

from portal.extensions import db
from portal.models import Account, Case, CaseStatus, Channel, Priority, Queue
from portal.search import store
from portal.search.access import Reader, reader_for
from portal.search.analysis import (
    CaseworkAnalyzer,
    analyze,
    index_term,
    index_term_exists,
    normalize,
    prepare_query,
    stem,
)
from portal.search.schema import FIELD_BOOSTS, NONE, PUBLIC_TEXT_FIELDS, SPELLING_FIELDS

log = logging.getLogger("casework.search")

MAX_QUERY_CHARS = 300
MAX_TOKENS = 40
MAX_PREFIX_TERMS = 64
MIN_PREFIX_CHARS = 2
MAX_PAGE = 500
SNIPPET_CHARS = 220
SORTS = ("relevance", "newest")

_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
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
    return text.translate(_DIGITS)


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


def _parser(schema, reader: Reader) -> MultifieldParser:
    return MultifieldParser(
        list(reader.text_fields),
        schema,
        fieldboosts=FIELD_BOOSTS,
        group=AndGroup,
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


def _cap_prefixes(q: query.Query, searcher) -> query.Query:
    """Expand `prefix*` to at most MAX_PREFIX_TERMS terms."""
    reader = searcher.reader()
    schema = searcher.schema

    def cap(node):
        if not isinstance(node, query.Prefix):
            return node
        prefix = node.text
        if isinstance(schema[node.fieldname].analyzer, CaseworkAnalyzer):
            prefix = _prefix_stem(prefix)
        terms = list(islice(reader.expand_prefix(node.fieldname, prefix), MAX_PREFIX_TERMS + 1))
        if len(terms) <= MAX_PREFIX_TERMS:
            return query.Prefix(node.fieldname, prefix, boost=node.boost)
        return query.Or(
            [query.Term(node.fieldname, term.decode(), boost=node.boost) for term in terms[:-1]]
        )

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
    """The reader's text as a Whoosh query, unrestricted (see `_restricted`). Never raises."""
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


def _restricted(q: query.Query, reader: Reader) -> query.Query:
    if reader.restriction is None:
        return q
    # Constant score: rights narrow the results but do not change their order.
    return query.And([q, query.ConstantScoreQuery(reader.restriction)])


# Results -----------------------------------------------------------------------------------


class _MarkFormatter(highlight.Formatter):
    """Escaped text with matches in <mark>."""

    between = " … "

    def _text(self, text):
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{escape(highlight.get_text(text, token, replace))}</mark>"


def _snippet(hit, reader: Reader) -> tuple[Markup, bool]:
    fragments = hit.highlights("body", top=2)
    if fragments:
        return Markup(fragments), False
    if reader.is_staff and "internal" in reader.text_fields:
        fragments = hit.highlights("internal", top=2)
        if fragments:
            return Markup(fragments), True
    body = " ".join((hit.get("body") or "").split())
    short = body[:SNIPPET_CHARS] + ("…" if len(body) > SNIPPET_CHARS else "")
    return Markup(escape(short)), False


def _facet_labels(name: str, values: list[str]) -> dict[str, str]:
    ids = [int(value) for value in values if value.isdigit()]
    if not ids:
        return {}
    model = {"queue": Queue, "account": Account}[name]
    rows = db.session.execute(sa.select(model.id, model.name).where(model.id.in_(ids))).all()
    return {str(row.id): row.name for row in rows}


def _facets(results, reader: Reader) -> dict[str, list[FacetValue]]:
    facets = {}
    for name, fieldname in _FACETS.items():
        if name in _STAFF_FACETS and not reader.is_staff:
            continue
        counts = {
            str(value): count
            for value, count in results.groups(fieldname).items()
            if value not in (None, "", NONE)
        }
        labels = _facet_labels(name, list(counts)) if name in ("queue", "account") else {}
        facets[name] = [
            FacetValue(value, labels.get(value, value), count)
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
    return facets


def _count(searcher, q: query.Query) -> int:
    return len(searcher.search(q, limit=1))


def _suggest(text: str, reader: Reader, searcher) -> str | None:
    """A spelling correction that finds something this reader may see, else None."""
    reader_ = searcher.reader()
    changed = False
    words = []
    for word in text[:MAX_QUERY_CHARS].split()[:MAX_TOKENS]:
        folded = normalize(word)
        term = index_term(folded) if folded.isalpha() else None
        known = term is None or any((name, term) in reader_ for name in PUBLIC_TEXT_FIELDS)
        if not known and len(folded) >= 3:
            for name in SPELLING_FIELDS:
                found = searcher.corrector(name).suggest(folded, limit=1, maxdist=2, prefix=1)
                if found:
                    word, changed = found[0], True
                    break
        words.append(word)
    if not changed:
        return None
    suggestion = " ".join(words)
    found = _count(searcher, _restricted(build_query(suggestion, reader, searcher), reader))
    return suggestion if found else None


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
    sortedby = sorting.FieldFacet("created", reverse=True) if sort == "newest" else None
    groupedby = sorting.Facets()
    for name, fieldname in _FACETS.items():
        if name not in _STAFF_FACETS or reader.is_staff:
            groupedby.add_field(fieldname, maptype=sorting.Count)
    with store.open_index().searcher() as searcher:
        q = build_query(text, reader, searcher)
        if q is not query.NullQuery:
            results_page = searcher.search_page(
                _restricted(q, reader),
                page,
                pagelen=per_page,
                sortedby=sortedby,
                groupedby=groupedby,
                terms=True,
            )
            results = results_page.results
            results.fragmenter = highlight.ContextFragmenter(maxchars=300, surround=60)
            results.formatter = _MarkFormatter()
            result.total = results_page.total
            result.page = max(1, results_page.pagenum)
            result.facets = _facets(results, reader)
            for hit in results_page:
                snippet, internal = _snippet(hit, reader)
                result.hits.append(
                    Hit(
                        case_id=int(hit["id"]),
                        number=hit["number"],
                        subject=hit["subject"],
                        status=hit["status"],
                        snippet=snippet,
                        snippet_is_internal=internal,
                    )
                )
        if result.total == 0 and text.strip():
            result.suggestion = _suggest(text, reader, searcher)
    return result
