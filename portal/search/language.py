"""The query language: what a reader may type, rewritten into a query string we offer.

`rewrite` reads the reader's text token by token and writes a safe query string: only
allowlisted `field:value` filters survive (others become plain words), `-word` becomes
`NOT word`, case numbers become exact `number:` terms, and parser syntax we do not offer is
removed. query_preparation.py then joins detached Persian pieces and adds spacing variants of
compounds, and the engine parses the string (whoosh_engine/parsing.py), checking each field
against `allowed_fields` and capping `prefix*` (`prefix_stems`, MAX_PREFIX_TERMS).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import jdatetime

from portal.models import Case, CaseStatus, Channel, Priority
from portal.numbers import ASCII_DIGITS
from portal.search.access import Reader
from portal.search.analysis import is_arabic_script, normalize, stem, strip_article
from portal.search.schema import NONE

MAX_QUERY_CHARS = 300
MAX_TOKENS = 40
MAX_PREFIX_TERMS = 64
MIN_PREFIX_CHARS = 2

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
# Index fields each typed filter may produce (checked after parsing).
FILTER_FIELDS = {
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


def allowed_fields(reader: Reader) -> set[str]:
    """The index fields this reader's queries may search: free text, case numbers, and the
    fields of the filters they may use."""
    allowed = {*reader.text_fields, "number"}
    for name in reader.filters:
        allowed |= FILTER_FIELDS[name]
    return allowed


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


def prose_words(text: str) -> list[str]:
    """The words of `text` read as prose, not as a query: nothing in it is syntax (a
    customer's `status:` or `OR` are words)."""
    return [
        word.lower() if word.upper() in _OPERATORS else word
        for word in _PROSE_SYNTAX.sub(" ", text[:MAX_QUERY_CHARS]).split()
    ]
