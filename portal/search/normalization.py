"""Normalization: each word folded to the one spelling the index and queries use.

Steps 1 and 2 of analysis.py: words are found with ZWNJ, harakat and tatweel kept *inside*
them (`WORD_PATTERN`), then each word is folded on its own (NFKC; ZWNJ/ZWJ, direction marks,
tatweel and harakat dropped; Arabic letter variants folded to Persian ones; Persian and
Arabic-Indic digits to ASCII; lowercase), so start/end offsets keep pointing into the text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import wraps

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

_ACRONYM_PLURAL = re.compile(r"[A-Z][A-Z0-9]+s")  # APIs, VPNs, SLAs, PCs, IDs


def is_arabic_script(word: str) -> bool:
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


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


def memoized(function: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """`function` of one word, remembered in a plain dict that is emptied when it is full.

    Not functools.lru_cache: its entries are linked objects that Python's garbage collector
    walks in every full collection, which once the cache was full (after a rebuild) took
    about 120 ms, in the middle of some search. A dict holding only strings and None is not
    tracked by the collector at all.
    """
    cache: dict[str, str | None] = {}

    @wraps(function)
    def remembered(word: str) -> str | None:
        result = cache.get(word, _MISSING)
        if result is _MISSING:
            if len(cache) >= _CACHE_SIZE:
                cache.clear()
            result = cache[word] = function(word)
        return result

    return remembered


normalize_word = memoized(normalize)
