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

Whoosh calls all this through `CaseworkAnalyzer` (whoosh_engine/analyzer.py), which it pickles
into the index as `portal.search.analysis.CaseworkAnalyzer` (see `__getattr__` below); any
change to what the analysis produces needs a new `SCHEMA_VERSION` (a full rebuild).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import wraps

from portal.search import lexicon
from portal.search.whoosh_engine.stemmer import porter_stem  # Porter2: Snowball English

ZWNJ = "\u200c"

# Characters that may sit inside a word but carry no meaning for search: joiners, direction
# marks, tatweel, harakat (fathatan..sukun, superscript alef, hamza/madda above and below)
# and Quranic annotation marks.
_INVISIBLE = (
    "\u200c\u200d"  # ZWNJ, ZWJ
    "\u200e\u200f\u061c"  # LRM, RLM, ALM
    "\u202a-\u202e\u2066-\u2069"  # embeddings, overrides and isolates
    "\u0640"  # tatweel
    "\u064b-\u065f\u0670"  # harakat, hamza above/below, superscript alef
    "\u06d6-\u06ed"  # Quranic marks
)
WORD_PATTERN = re.compile(rf"(?:[^\W_]|[{_INVISIBLE}])+")
_DROPPED = [
    *"\u200c\u200d\u200e\u200f\u061c\u0640\u0670\u0621",  # ... and the standalone hamza
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
    *map(chr, range(0x064B, 0x0660)),
    *map(chr, range(0x06D6, 0x06EE)),
]

_FOLD = str.maketrans(
    {
        **dict.fromkeys(_DROPPED),
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",
        "ھ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        **{chr(0x06F0 + n): str(n) for n in range(10)},  # Persian digits
        **{chr(0x0660 + n): str(n) for n in range(10)},  # Arabic-Indic digits
    }
)

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

# Letters only Persian uses: a word holding one is not Arabic, so `ال` is not an article.
_PERSIAN_ONLY = frozenset("پچژگ")
_ARTICLES_LONG = ("وال", "بال", "کال", "فال")  # conjunction/preposition + article
_ARTICLES = ("ال", "لل")
# Longest first. Plural, comparative, Arabic sound plurals and dual, nisba and taa marbuta.
_SUFFIXES = (
    "هایشان",
    "هایتان",
    "هایمان",
    "هایش",
    "هایت",
    "هایم",
    "هایی",
    "ترین",
    "های",
    "ها",
    "تر",
    "ات",
    "ان",
    "ون",
    "ین",
    "یه",
    "ه",
    "ی",
)
_MIN_STEM = 3
# Letters before a `گ` that stands for a word's final `ه` (نماینده -> نمایندگان, خسته ->
# خستگی, همسایه -> همسایگان). Not ن, ر, ا, و: رنگی, بزرگی, بلاگ‌ها, کاتالوگ‌ها are their own.
_GAF_FROM_HEH_AFTER = frozenset("دتزیچشمل")
_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")  # APIs, VPNs, SLAs, PCs, IDs
_VOWELS = frozenset("aeiouy")
_LATIN_WITH_SUFFIX = re.compile(r"([a-z0-9]*[a-z][a-z0-9]*)(ها|های|هایی)")


def is_arabic_script(word: str) -> bool:
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


def _is_latin_word(word: str) -> bool:
    return bool(word) and word.isascii() and word[-1].isalpha()


def normalize(text: str) -> str:
    """Fold one word (or any text) to its searchable spelling; see the module docstring."""
    if text.isascii():
        if _ACRONYM_PLURAL.fullmatch(text):
            return text[:-1].lower()  # an acronym's plural: Porter keeps `vpns`, `slas`
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    return text.translate(_FOLD).lower()


_CACHE_SIZE = 200_000
_MISSING = object()


def _memoized(function: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """`function` of one word, remembered in a plain dict that is emptied when it is full.

    Not functools.lru_cache: its entries are linked objects that Python's garbage collector
    walks in every full collection, which once the cache was full (after a rebuild) took
    about 120 ms, in the middle of some search. A dict holding only strings and None is not
    tracked by the collector at all.
    """
    cache: dict[str, str | None] = {}

    @wraps(function)
    def memoized(word: str) -> str | None:
        result = cache.get(word, _MISSING)
        if result is _MISSING:
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            result = cache[word] = function(word)
        return result

    return memoized


_normalize_word = _memoized(normalize)


def strip_article(word: str, min_rest: int) -> str:
    """`word` without a leading Arabic article (`ال`, `لل`, or `وال`/`بال`/... with one more
    letter left), if at least `min_rest` letters remain and the word is not Persian."""
    if _PERSIAN_ONLY.intersection(word):
        return word
    for article in _ARTICLES_LONG:
        if word.startswith(article) and len(word) - len(article) >= min_rest + 1:
            return word[len(article) :]
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= min_rest:
            return word[len(article) :]
    return word


def _folded_table(table: dict[str, str]) -> dict[str, str]:
    return {normalize(key): normalize(value) for key, value in table.items()}


def _compound_spellings() -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    """From lexicon.COMPOUNDS: each joined spelling -> the compound's one spelling, and each
    spaced spelling (its pieces) -> the same."""
    joined: dict[str, str] = {}
    spaced: dict[tuple[str, ...], str] = {}
    for compound, others in lexicon.COMPOUNDS.items():
        one = normalize(compound)
        for spelling in (compound, *others):
            parts = [normalize(part) for part in spelling.split(ZWNJ)]
            joined["".join(parts)] = one
            for gaps in range(1, 2 ** (len(parts) - 1)):  # a space or nothing between parts
                pieces = [parts[0]]
                for index, part in enumerate(parts[1:]):
                    if gaps >> index & 1:
                        pieces.append(part)
                    else:
                        pieces[-1] += part
                spaced[tuple(pieces)] = one
    return joined, spaced


_BROKEN_PLURALS = _folded_table(lexicon.BROKEN_PLURALS)
_SPELLINGS = _folded_table({**lexicon.PERSIAN_TEH, **lexicon.HAMZA_SPELLINGS})
_COMPOUND_OF, _SPACED_COMPOUNDS = _compound_spellings()
_COMPOUND_FIRSTS = frozenset(pieces[0] for pieces in _SPACED_COMPOUNDS)
_COMPOUND_SECONDS = frozenset(pieces[1] for pieces in _SPACED_COMPOUNDS)
_COMPOUND_PIECES = max(len(pieces) for pieces in _SPACED_COMPOUNDS)
_KEEP_FINAL_HEH = frozenset(normalize(word) for word in lexicon.KEEP_FINAL_HEH)
_KEEP_GAF = frozenset(normalize(word) for word in lexicon.KEEP_GAF)
# Endings a compound's last spaced piece may carry (`گفت و گوی`, `به روز رسانی‌ها`).
_PIECE_ENDINGS = ("هایی", "های", "ها", "ی")


# Arabic pronouns after a ة, which turns into ت before them (خدمتكم, شبكتنا: your service,
# our network). Not ـتي/ـته/ـتها, which end Persian words too (دستی, رفته, شرکتها).
_TEH_PRONOUNS = ("تکما", "تهما", "تنا", "تکم", "تهم")
# Letters an Arabic word may carry in front (and, with, for, so, like): وفواتیر, لعملاء.
_PREFIX_LETTERS = frozenset("وبلفک")


def _singular(word: str) -> str:
    """The word the tables of `lexicon` give for `word` (itself if none)."""
    found = _BROKEN_PLURALS.get(word) or _COMPOUND_OF.get(word) or _SPELLINGS.get(word)
    if found:
        return found
    if word[:1] in _PREFIX_LETTERS and len(word) > 3:
        return _BROKEN_PLURALS.get(word[1:], word)
    return word


def _without_pronoun(word: str) -> str:
    """`word` with an Arabic pronoun after a ة taken off, the ة put back (خدمتکم -> خدمه)."""
    for pronoun in _TEH_PRONOUNS:
        if word.endswith(pronoun) and len(word) - len(pronoun) >= _MIN_STEM:
            return word[: -len(pronoun)] + "ه"
    return word


def stem_arabic_script(word: str) -> str:
    """Strip an article and then suffixes until none applies, keeping at least 3 letters.

    Stripping to a fixed point makes `stem(word + suffix) == stem(word)` for stacked forms
    (`برنامه‌ها` -> `برنامه` -> `برنام`, like `برنامه` itself). Before and after each
    suffix, the tables of `lexicon` may give the word's singular (`فواتیرها` -> `فواتیر` ->
    `فاتوره` -> `فاتور`), and a `گ` left by `-ان`/`-ی` goes back to the `ه` the singular had
    (`نمایندگان` -> `نمایندگ` -> `نمایند`, the stem of `نماینده`).
    """
    word = _singular(_without_pronoun(strip_article(word, _MIN_STEM)))
    for _round in range(4):
        for suffix in _SUFFIXES:
            if not word.endswith(suffix) or len(word) - len(suffix) < _MIN_STEM:
                continue
            if suffix == "ه" and word in _KEEP_FINAL_HEH:
                continue
            word = _singular(word[: -len(suffix)])
            if (
                word[-1] == "گ"
                and word[-2] in _GAF_FROM_HEH_AFTER
                and len(word) > _MIN_STEM
                and word not in _KEEP_GAF
            ):
                word = word[:-1]
            break
        else:
            break
    return word


def stem(word: str) -> str:
    """Light stemming of one normalized word: Porter2 for Latin, suffix stripping for Arabic."""
    if is_arabic_script(word):
        return stem_arabic_script(word)
    if word.isascii():
        if not word.isalpha():
            return word
        if len(word) > 3 and word[-1] == "s" and _VOWELS.isdisjoint(word[:-1]):
            return word[:-1]  # a lower-case acronym's plural: `vpns`, `csvs`, `pdfs`
        return porter_stem(word)
    latin = _LATIN_WITH_SUFFIX.fullmatch(word)  # `api‌ها`: a Persian plural of a Latin word
    return stem(latin.group(1)) if latin else word


@_memoized
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
                (*pieces[:-1], last[: len(last) - len(ending)]) in _SPACED_COMPOUNDS
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
    time (stop words dropped and not counted), without Whoosh's token objects (bulk.py)."""
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


# Query preparation ------------------------------------------------------------------------

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
    normalized = [_normalize_word(word) for word in words]
    joined: list[str] = []
    index = 0
    while index < len(words):
        length = compound_length(normalized, index) or 1
        word = ZWNJ.join(words[index : index + length])
        index += length
        if (
            _normalize_word(word) in JOIN_PREFIXES
            and index < len(words)
            and is_arabic_script(normalized[index])
        ):
            word = word + ZWNJ + words[index]
            index += 1
        while index < len(words) and takes_suffix(_normalize_word(word), normalized[index]):
            word = word + ZWNJ + words[index]
            index += 1
        joined.append(word)
    return joined


def _single_term(text: str) -> str | None:
    terms = analyze(text)
    return terms[0] if len(terms) == 1 else None


def _splits(word: str, term_exists: TermExists) -> list[str]:
    """Spaced spellings of a compound (`نرمافزار` -> `نرم افزار`, `حملونقل` -> `حمل و نقل`)
    whose parts are indexed.

    A `و` between two parts is left out of the phrase: as a stop word it takes no position,
    so `"حمل نقل"` matches `حمل و نقل`.
    """
    folded = normalize(word)
    if not is_arabic_script(folded) or len(folded) < 4 or _single_term(word) is None:
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
    if index + 1 >= len(words) or _single_term(word) is None:
        return 0
    following = words[index + 1]
    if _single_term(following) is not None and term_exists(word + following):
        return 2
    if (
        normalize(following) == _AND
        and index + 2 < len(words)
        and _single_term(words[index + 2]) is not None
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
        if pair and term_exists(pair) and _single_term(pair) is not None:
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


def index_term_exists(reader, fieldnames) -> TermExists:
    """A `term_exists` for prepare_query that looks the analysed text up in a Whoosh reader."""

    def exists(text: str) -> bool:
        term = _single_term(text)
        return term is not None and any((name, term) in reader for name in fieldnames)

    return exists
