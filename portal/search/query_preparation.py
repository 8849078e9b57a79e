"""Getting the reader's query text ready for the parser, which analyses each word alone.

Detached Persian pieces are joined onto their word as `analysis.split_words` joins them in
a text, and, given a way to ask the index whether a text makes one term it holds, the other
spacings of compound words are added (`نرم افزار` also finds `نرم‌افزار` and `نرمافزار`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from portal.search.analysis import (
    JOIN_PREFIXES,
    JOIN_SUFFIXES,
    STOP_WORDS,
    analyze,
    compound_length,
    takes_suffix,
)
from portal.search.normalization import ZWNJ, is_arabic_script, normalize, normalize_word

_QUERY_TOKEN = re.compile(r'[^\s()"]*"[^"]*"|[()]|[^\s()"]+')  # field:"a phrase" is one
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_MAX_SPLITS = 2
_AND = "و"

TermExists = Callable[[str], bool]


def _is_plain_word(token: str) -> bool:
    return (
        token not in _OPERATORS
        and token not in ("(", ")")
        and not token.startswith('"')
        and ":" not in token
        and not token.endswith("*")
    )


def _join_detached(words: list[str]) -> list[str]:
    """Join `می`/`نمی` to the next word, plural/comparative suffixes to the previous one and
    the spaced parts of a listed compound (`گفت و گو`) to one another, as `split_words` does."""
    normalized = [normalize_word(word) for word in words]
    joined: list[str] = []
    index = 0
    while index < len(words):
        length = compound_length(normalized, index) or 1
        word = ZWNJ.join(words[index : index + length])
        index += length
        if (
            normalize_word(word) in JOIN_PREFIXES
            and index < len(words)
            and is_arabic_script(normalized[index])
        ):
            word = word + ZWNJ + words[index]
            index += 1
        while index < len(words) and takes_suffix(normalize_word(word), normalized[index]):
            word = word + ZWNJ + words[index]
            index += 1
        joined.append(word)
    return joined


def single_term(text: str) -> str | None:
    """The one term `text` makes, or None if it makes none or several."""
    terms = analyze(text)
    return terms[0] if len(terms) == 1 else None


def _splits(word: str, term_exists: TermExists) -> list[str]:
    """Spaced spellings of a compound (`نرمافزار` -> `نرم افزار`, `حملونقل` -> `حمل و نقل`)
    whose parts are indexed.

    A `و` between two parts is left out of the phrase: as a stop word it takes no position,
    so `"حمل نقل"` matches `حمل و نقل`.
    """
    folded = normalize(word)
    if not is_arabic_script(folded) or len(folded) < 4 or single_term(word) is None:
        return []
    points = []
    if ZWNJ in word:
        # The writer told us where the parts are.
        left = normalize(word[: word.index(ZWNJ)])
        points.append(len(left))
    points.extend(i for i in range(2, len(folded) - 1) if i not in points)
    found = []
    for point in points:
        pairs = [(folded[:point], folded[point:])]
        if folded[point] == _AND and len(folded) - point > 2:
            pairs.append((folded[:point], folded[point + 1 :]))
        for left, right in pairs:
            if left in JOIN_PREFIXES or right in JOIN_SUFFIXES:
                continue
            if left in STOP_WORDS or right in STOP_WORDS:
                continue
            if term_exists(left) and term_exists(right):
                found.append(f'"{left} {right}"')
                if len(found) == _MAX_SPLITS:
                    return found
    return found


def _joined_spelling(words: list[str], index: int, term_exists: TermExists) -> int:
    """How many words from `index` on make a compound the index holds joined: 2 for
    `نرم افزار` (as `نرمافزار`), 3 for `حمل و نقل` (as `حملونقل`); 0 for none."""
    word = words[index]
    if index + 1 >= len(words) or single_term(word) is None:
        return 0
    following = words[index + 1]
    if single_term(following) is not None and term_exists(word + following):
        return 2
    if (
        normalize(following) == _AND
        and index + 2 < len(words)
        and single_term(words[index + 2]) is not None
        and term_exists(word + following + words[index + 2])
    ):
        return 3
    return 0


def _prepare_run(words: list[str], term_exists: TermExists | None) -> list[str]:
    words = _join_detached(words)
    if term_exists is None:
        return words
    prepared = []
    index = 0
    while index < len(words):
        word = words[index]
        length = _joined_spelling(words, index, term_exists)
        if length:
            # `نرم افزار` typed with a space, but the index also holds `نرم‌افزار`.
            parts = [part for part in words[index : index + length] if normalize(part) != _AND]
            prepared.append(f"(({' '.join(parts)}) OR {''.join(words[index : index + length])})")
            index += length
            continue
        alternatives = _splits(word, term_exists)
        prepared.append(f"({word} OR {' OR '.join(alternatives)})" if alternatives else word)
        index += 1
    return prepared


def _prepare_phrase(phrase: str, term_exists: TermExists | None) -> str:
    """A phrase, or it OR-ed with its other compound spellings (`"نصب نرم افزار"` also
    matches `نصب نرم‌افزار`, and the other way round)."""
    words = phrase.strip('"').split()
    if term_exists is None or not words:
        return phrase
    joined: list[str] = []
    index = 0
    while index < len(words):
        pair = words[index] + words[index + 1] if index + 1 < len(words) else None
        if pair and term_exists(pair) and single_term(pair) is not None:
            joined.append(pair)
            index += 2
        else:
            joined.append(words[index])
            index += 1
    split = []
    for word in words:
        alternatives = _splits(word, term_exists)
        split.append(alternatives[0].strip('"') if alternatives else word)
    variants = dict.fromkeys(" ".join(variant) for variant in (words, joined, split))
    if len(variants) == 1:
        return phrase
    return "(" + " OR ".join(f'"{variant}"' for variant in variants) + ")"


def prepare_query(text: str, term_exists: TermExists | None = None) -> str:
    """Get a query string ready for Whoosh's parser, which analyses each word on its own.

    Joins detached Persian prefixes and suffixes onto their word, and, given `term_exists`
    (does this text make one term that is in the index?), adds the other spacings of compound
    words: `نرم افزار` also finds `نرم‌افزار` and `نرمافزار`, and the other way round.
    Operators, parentheses, phrases, `field:value` and `prefix*` pass through untouched.
    """
    output: list[str] = []
    run: list[str] = []
    for token in _QUERY_TOKEN.findall(text):
        if _is_plain_word(token):
            run.append(token)
            continue
        output.extend(_prepare_run(run, term_exists))
        run = []
        output.append(_prepare_phrase(token, term_exists) if token.startswith('"') else token)
    output.extend(_prepare_run(run, term_exists))
    return " ".join(output)
