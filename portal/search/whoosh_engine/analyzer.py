"""The analysis of analysis.py as the Whoosh analyzer of every text field.

It lives in the engine because it subclasses Whoosh's Analyzer and makes its Token objects;
the words and terms themselves come from portal/search/analysis.py, which needs no Whoosh
(the rebuild's bulk writer and `analyze` call it directly).
"""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.analysis import Analyzer, Token

from portal.search.analysis import STOP_WORDS, index_term, normalize, split_words


class CaseworkAnalyzer(Analyzer):
    """The one analyzer of every text field; Whoosh calls it at index and query time."""

    is_morph = True  # it stems; `no_morph=True` gives the unstemmed (normalized) words

    def has_morph(self) -> bool:
        return True

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        no_morph=False,
        nomorph=False,
        **kwargs,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        if not tokenize:
            # Prefix and range texts: the whole text, folded but not stemmed.
            text = normalize(value)
            if text:
                token.text, token.stopped = text, False
                if keeporiginal:
                    token.original = value
                if positions:
                    token.pos = start_pos
                if chars:
                    token.startchar, token.endchar = start_char, start_char + len(value)
                yield token
            return
        stemming = not (no_morph or nomorph)
        position = start_pos
        for start, end, word in split_words(value):
            term = index_term(word) if stemming else (None if word in STOP_WORDS else word)
            if term is None:
                if removestops:
                    continue
                token.text, token.stopped = word, True
            else:
                token.text, token.stopped = term, False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                # Stop words take no position, so a phrase still matches across one.
                token.pos = position
                if term is not None:
                    position += 1
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


# Whoosh pickles the analyzer, by its dotted name, into every index's schema. Indexes written
# before the engine had a package of its own name `portal.search.analysis.CaseworkAnalyzer`,
# which still resolves to this class; pickling under that name keeps the index files alike
# whichever release wrote them (a rollback or a rolling deploy reads them too).
PICKLED_AS = "portal.search.analysis"
CaseworkAnalyzer.__module__ = PICKLED_AS
