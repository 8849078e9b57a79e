"""Text as a person reads it: without the invisible bidi isolates (U+2066-U+2069) that keep
names, numbers and addresses in their own direction."""

from __future__ import annotations

ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")


def as_read(text: str) -> str:
    return text.translate(ISOLATES)
