"""Building the Whoosh query: our parser settings, the checks, prefix capping, fallbacks.

The text comes already rewritten by language.py and prepared by query_preparation.py; Whoosh's
parser builds the query, which is checked (each field one the reader may search, no parse
errors) and capped (each `prefix*` expanded to at most MAX_PREFIX_TERMS terms); anything odd
falls back to a search for the plain words. The reader's restriction is AND-ed in when matching.
"""

from __future__ import annotations

import logging
from itertools import islice

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

from portal.search.access import Reader
from portal.search.analysis import analyze
from portal.search.language import (
    MAX_PREFIX_TERMS,
    MAX_QUERY_CHARS,
    MAX_TOKENS,
    allowed_fields,
    prefix_stems,
    prose_words,
    rewrite,
)
from portal.search.query_preparation import TermExists, prepare_query, single_term
from portal.search.schema import FIELD_BOOSTS, PUBLIC_TEXT_FIELDS
from portal.search.whoosh_engine.analyzer import CaseworkAnalyzer

log = logging.getLogger("casework.search")


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


def _is_safe(q: query.Query, reader: Reader) -> bool:
    """Every leaf searches a field this reader may search, and nothing failed to parse."""
    allowed = allowed_fields(reader)
    for leaf in q.leaves():
        if getattr(leaf, "error", None) is not None:
            return False
        fieldname = leaf.field()
        if fieldname is not None and fieldname not in allowed:
            return False
    return True


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
    """The reader's text as a Whoosh query, without the reader's restriction (see
    matching.match).

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


def any_word_query(text: str, reader: Reader, searcher) -> query.Query:
    """`text` as prose: any of its words, in any spelling the index holds (NullQuery if none).

    Nothing in it is syntax (a customer's `status:` or `OR` are words); the words go through
    the same preparation as a search (detached pieces joined, compound spellings added), so a
    Persian or Arabic text finds what the same words find in the search box.
    """
    words = prose_words(text)
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


def index_term_exists(reader, fieldnames) -> TermExists:
    """A `term_exists` for prepare_query that looks the analysed text up in a Whoosh reader."""

    def exists(text: str) -> bool:
        term = single_term(text)
        return term is not None and any((name, term) in reader for name in fieldnames)

    return exists
