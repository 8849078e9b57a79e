"""Spelling corrections ("did you mean") that find something the reader may see.

Corrections come from Whoosh's corrector over the indexed (stemmed) terms of the subject and
body, nearest edit distance first, and are shown as a case the reader may see writes them.
"""

from __future__ import annotations

from whoosh import query

from portal.search.access import Reader
from portal.search.analysis import index_term, normalize, split_words
from portal.search.language import MAX_QUERY_CHARS, MAX_TOKENS
from portal.search.schema import PUBLIC_TEXT_FIELDS, SPELLING_FIELDS
from portal.search.whoosh_engine.matching import match
from portal.search.whoosh_engine.parsing import build_query

SUGGESTION_CANDIDATES = 3  # corrections tried per word (the first one the reader may see)


def _visible_word(searcher, reader: Reader, fieldname: str, term: str) -> str | None:
    """A word of a case this reader may see that is indexed as `term`, as it is written
    there (normalized, unstemmed): `invoices` rather than the stem `invoic`."""
    for part in match(searcher, query.Term(fieldname, term), reader).segments:
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


def suggest(text: str, reader: Reader, searcher) -> str | None:
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
    found = q is not query.NullQuery and match(searcher, q, reader).total
    return suggestion if found else None
