"""Matching keys for contacts: names, email addresses and phone numbers, folded to compare.

Two contacts are likely the same person when they share an email address (any case), a phone
number (digits only, Persian and Arabic-Indic digits read as ASCII, international prefix and
trunk zero ignored) or a name spelled with Persian/Arabic letter variants (`علي رضايي` and
`علی رضایی`). The same folding serves the account and contact searches (in SQL) and the phone
checks of the contact form and import, so it is apart from the duplicates and the merge.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

import sqlalchemy as sa

from portal.numbers import ASCII_DIGITS

MIN_NAME_KEY = 5
MIN_PHONE_DIGITS = 7
PHONE_KEY_DIGITS = 10

# Arabic letter variants folded to the Persian letter (after NFKD has split off hamza/madda).
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "ە": "ه", "ھ": "ه"})
_PHONE_PATTERN = re.compile(r"^\+?[0-9(][0-9 ().\-/]*$")
_SPACES = re.compile(r"\s+")

# The same letter folding for SQL `LIKE` searches: pairs for nested REPLACE() calls.
SEARCH_FOLD = (
    ("ي", "ی"),
    ("ى", "ی"),
    ("ئ", "ی"),
    ("ك", "ک"),
    ("ة", "ه"),
    ("ۀ", "ه"),
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ٱ", "ا"),
    ("ؤ", "و"),
    ("\u0640", ""),  # tatweel
    ("\u200c", ""),  # ZWNJ
    *((chr(code), "") for code in range(0x064B, 0x0653)),  # harakat
    ("\u0670", ""),  # superscript alef
)


def fold_name(name: str | None) -> str:
    """A name folded for comparison: letter variants, harakat, tatweel, ZWNJ, case, spaces."""
    text = unicodedata.normalize("NFKD", name or "")
    # Mn: harakat, hamza/madda marks split off by NFKD, Latin accents; Cf: ZWNJ, bidi marks.
    text = "".join(
        char for char in text if unicodedata.category(char) not in ("Mn", "Cf") and char != "\u0640"
    )
    text = text.translate(_LETTERS).translate(ASCII_DIGITS).casefold()
    return _SPACES.sub(" ", text).strip()


def name_keys(name: str | None) -> set[str]:
    """The folded name without spaces (`علی‌رضا` = `علی رضا`) and with its words sorted."""
    folded = fold_name(name)
    joined = folded.replace(" ", "")
    if len(joined) < MIN_NAME_KEY:
        return set()
    return {joined, " ".join(sorted(folded.split()))}


def fold_for_search(text: str) -> str:
    """A search term folded exactly as `folded_column` folds the column it is compared to."""
    text = (text or "").strip().lower()
    for variant, replacement in SEARCH_FOLD:
        text = text.replace(variant, replacement)
    return text


def folded_column(column) -> sa.ColumnElement[str]:
    """The column lowercased with Persian/Arabic letter variants folded, in SQL."""
    expression = sa.func.lower(column)
    for variant, replacement in SEARCH_FOLD:
        expression = sa.func.replace(expression, variant, replacement)
    return expression


def email_key(email: str | None) -> str | None:
    text = (email or "").strip().lower()
    return text or None


def normalize_phone(phone: str | None) -> str | None:
    """A phone number as stored: ASCII digits, single spaces; None when empty."""
    text = unicodedata.normalize("NFKC", phone or "").translate(ASCII_DIGITS)
    text = _SPACES.sub(" ", text).strip()
    return text or None


def is_valid_phone(phone: str | None) -> bool:
    """Digits with the usual separators and an optional leading +; at least 7 digits."""
    text = normalize_phone(phone)
    if text is None:
        return True
    digits = sum(char.isdigit() for char in text)
    return bool(_PHONE_PATTERN.match(text)) and MIN_PHONE_DIGITS <= digits <= 20


def phone_key(phone: str | None) -> str | None:
    """The last ten digits, after the 00/+ prefix and trunk zeros: `+98 912 …` = `0912 …`."""
    digits = "".join(char for char in normalize_phone(phone) or "" if char.isdigit())
    digits = digits.lstrip("0")
    if len(digits) < MIN_PHONE_DIGITS:
        return None
    return digits[-PHONE_KEY_DIGITS:]


def contact_keys(name, email, phone) -> Iterator[tuple[str, str]]:
    """(reason, key) pairs under which a contact is grouped."""
    if key := email_key(email):
        yield "email", key
    if key := phone_key(phone):
        yield "phone", key
    for key in name_keys(name):
        yield "name", key
