"""The sort key that puts names in the order a reader expects whatever their script; apart from
the time zone picker that uses it today so that any list sorted by name can use it too."""

from __future__ import annotations

import unicodedata

# Alphabetical order for names in Latin, Persian or Arabic script: accents do not count (Å
# after A), and the Persian letters come after the Arabic letter they extend (پ after ب, گ
# after ک) instead of after every Arabic letter, where their code points put them.
_PERSIAN_ORDER = str.maketrans(
    {"پ": "ب\uffff", "چ": "ج\uffff", "ژ": "ز\uffff", "ک": "ك", "گ": "ك\uffff", "ی": "ي", "ى": "ي"}
)


def sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_PERSIAN_ORDER)
