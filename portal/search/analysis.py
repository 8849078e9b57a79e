"""Text analysis for Persian, Arabic and English: one analyzer at index time and query time.

What it does, in order (see ../shared/SEARCH-NOTES.md for the measurements behind it):
1. split into words, keeping ZWNJ, harakat and tatweel *inside* a word, so that `سازمان‌ها`
   and `مُدیریت` stay one word;
2. normalize each word on its own (NFKC, drop ZWNJ/ZWJ, direction marks, tatweel and
   harakat, fold Arabic letter variants to Persian ones, map Persian and Arabic-Indic digits
   to ASCII, lowercase), so start/end offsets keep pointing into the original text;
3. join a detached `می`/`نمی` onto the next word and `ها/های/تر/ترین/ای` onto the previous one
   (`ها/های` also onto a Latin word: `API ها`), and the spaced parts of the compounds listed in
   `lexicon.COMPOUNDS` (`گفت و گو`, `به روز رسانی`) into one word;
4. drop a small English/Persian/Arabic stoplist;
5. stem lightly: Porter2 (Snowball English) for Latin words, after dropping the `s` of an
   acronym's plural (`APIs`, `vpns`); for Arabic script, a conservative suffix and `ال`
   stripper, with the tables of `lexicon` for what suffixes cannot reach (Arabic broken
   plurals, other spellings of a compound, `خدمت`/`خدمة`, `مسئله`/`مسأله`), the `ه` that
   becomes `گ` before `-ان`/`-ی` (`نمایندگان`, `نمایندگی` -> `نماینده`) and the few words
   that keep their `ه`.

Steps 1-2 are normalization.py, step 5 stemming.py; the joins, stop words and terms are here.
Query texts get the same joins, and compound spellings, in query_preparation.py.

Whoosh calls all this through `CaseworkAnalyzer` (whoosh_engine/analyzer.py), which it pickles
into the index as `portal.search.analysis.CaseworkAnalyzer` (see `__getattr__` below); any
change to what the analysis produces needs a new `SCHEMA_VERSION` (a full rebuild).
"""

from __future__ import annotations

from portal.search.normalization import WORD_PATTERN, ZWNJ, is_arabic_script, memoized, normalize
from portal.search.normalization import normalize_word as _normalize_word
from portal.search.stemming import SPACED_COMPOUNDS, stem, strip_article

# The analysis as other modules use it: the steps of this module, and the helpers of
# normalization.py and stemming.py they need with them.
__all__ = [
    "JOIN_PREFIXES",
    "JOIN_SUFFIXES",
    "LATIN_JOIN_SUFFIXES",
    "STOP_WORDS",
    "WORD_PATTERN",
    "ZWNJ",
    "analyze",
    "compound_length",
    "index_term",
    "is_arabic_script",
    "normalize",
    "split_words",
    "stem",
    "strip_article",
    "takes_suffix",
    "term_positions",
]

# Detached pieces that belong to a neighbouring Persian word (normalized spellings).
JOIN_PREFIXES = frozenset({"می", "نمی"})
JOIN_SUFFIXES = frozenset({"ها", "های", "هایی", "تر", "ترین", "ای"})
LATIN_JOIN_SUFFIXES = frozenset({"ها", "های", "هایی"})  # `API ها`, `VPN‌های`
_JOINABLE = JOIN_PREFIXES | JOIN_SUFFIXES

_ENGLISH_STOPS = (
    "a an and are as at be but by for from if in into is it its of on or that the their then "
    "there these they this to was were will with"
)  # not `no`/`not`, which change what a customer means
_PERSIAN_STOPS = "و در به از که این ان را با است برای تا یا هم شد شده بود"  # normalized: آن -> ان
_ARABIC_STOPS = "فی من علی الی عن هذا هذه التی الذی مع او ثم قد"  # normalized: إلى -> الی
STOP_WORDS = frozenset(f"{_ENGLISH_STOPS} {_PERSIAN_STOPS} {_ARABIC_STOPS}".split())

_COMPOUND_FIRSTS = frozenset(pieces[0] for pieces in SPACED_COMPOUNDS)
_COMPOUND_SECONDS = frozenset(pieces[1] for pieces in SPACED_COMPOUNDS)
_COMPOUND_PIECES = max(len(pieces) for pieces in SPACED_COMPOUNDS)
# Endings a compound's last spaced piece may carry (`گفت و گوی`, `به روز رسانی‌ها`).
_PIECE_ENDINGS = ("هایی", "های", "ها", "ی")


def _is_latin_word(word: str) -> bool:
    return bool(word) and word.isascii() and word[-1].isalpha()


@memoized
def index_term(word: str) -> str | None:
    """The indexed term of a normalized word, or None for a stop word."""
    if word in STOP_WORDS:
        return None
    return stem(word)


def takes_suffix(word: str, suffix: str) -> bool:
    """May the detached `suffix` (normalized) join the normalized `word` before it?"""
    if is_arabic_script(word):
        return suffix in JOIN_SUFFIXES
    return suffix in LATIN_JOIN_SUFFIXES and _is_latin_word(word)


def compound_length(words: list[str], index: int) -> int:
    """How many of the normalized `words` from `index` on are the spaced parts of one
    compound of lexicon.COMPOUNDS (`گفت و گو`: 3); 0 if they are not."""
    if words[index] not in _COMPOUND_FIRSTS:
        return 0
    for length in range(min(_COMPOUND_PIECES, len(words) - index), 1, -1):
        pieces = words[index : index + length]
        last = pieces[-1]
        for ending in ("", *_PIECE_ENDINGS):
            if last.endswith(ending) and (
                (*pieces[:-1], last[: len(last) - len(ending)]) in SPACED_COMPOUNDS
            ):
                return length
    return 0


def split_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalized word) for each word of `text`, with detached pieces joined.

    A joined word spans from the first piece's start to the last piece's end, so a highlight
    covers `سازمان ها` as a whole.
    """
    normalize_word = _normalize_word
    pieces = [
        (match.start(), match.end(), normalize_word(match.group()))
        for match in WORD_PATTERN.finditer(text)
    ]
    present = {piece[2] for piece in pieces}
    compounds = not _COMPOUND_FIRSTS.isdisjoint(present) and not _COMPOUND_SECONDS.isdisjoint(
        present
    )
    if not compounds and _JOINABLE.isdisjoint(present):
        return [piece for piece in pieces if piece[2]]  # the common case: nothing to join
    pieces = [piece for piece in pieces if piece[2]]
    normalized = [piece[2] for piece in pieces]
    words = []
    index, count = 0, len(pieces)
    while index < count:
        start, end, word = pieces[index]
        index += 1
        if compounds and word in _COMPOUND_FIRSTS:
            length = compound_length(normalized, index - 1)
            if length and all(
                text[pieces[at][1] : pieces[at + 1][0]].isspace()
                for at in range(index - 1, index + length - 2)
            ):
                word = "".join(normalized[index - 1 : index + length - 1])
                end = pieces[index + length - 2][1]
                index += length - 1
        if word in JOIN_PREFIXES and index < count:
            next_start, next_end, next_word = pieces[index]
            if is_arabic_script(next_word) and text[end:next_start].isspace():
                word, end = word + next_word, next_end
                index += 1
        while index < count:
            next_start, next_end, next_word = pieces[index]
            if (
                next_word not in JOIN_SUFFIXES
                or not takes_suffix(word, next_word)
                or not text[end:next_start].isspace()
            ):
                break
            word, end = word + next_word, next_end
            index += 1
        words.append((start, end, word))
    return words


def term_positions(text: str) -> dict[str, list[int]]:
    """Each indexed term of `text` with its positions, as the analyzer gives them at index
    time (stop words dropped and not counted), without Whoosh's token objects (for the
    rebuild's bulk writer)."""
    found: dict[str, list[int]] = {}
    position = 0
    for _start, _end, word in split_words(text):
        term = index_term(word)
        if term is None:
            continue
        listed = found.get(term)
        if listed is None:
            found[term] = [position]
        else:
            listed.append(position)
        position += 1
    return found


def analyze(text: str) -> list[str]:
    """The terms the analyzer makes of `text`, in order (handy in tests and query preparation)."""
    return [
        term for _start, _end, word in split_words(text) if (term := index_term(word)) is not None
    ]


def __getattr__(name: str):
    # Whoosh pickles the analyzer by its dotted name into every index's schema, and indexes
    # were written when it lived here: whoosh_engine/analyzer.py still pickles it as
    # `portal.search.analysis.CaseworkAnalyzer`, which this resolves.
    if name == "CaseworkAnalyzer":
        from portal.search.whoosh_engine.analyzer import CaseworkAnalyzer

        return CaseworkAnalyzer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
