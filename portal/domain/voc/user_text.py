"""Text people type into feedback items and themes: how long it may be, and how it is cleaned.

Summaries, details, staff comments, responses, theme names and survey comments are all made
safe here before they are stored, so every page, email and export shows the same text; it is
apart from the items because surveys and themes clean their text the same way.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SUMMARY = 200
MAX_DETAIL = 5000
MAX_COMMENT = 5000
MAX_RESPONSE = 10000
MAX_THEME_NAME = 60
# Control characters (but newline and tab), bidi embeddings, overrides and isolates, the BOM and
# lone surrogates. Zero-width (non-)joiners and directional marks stay: Persian needs them.
_UNSAFE_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)


def clean_text(text: str | None, limit: int) -> str:
    """User text made safe to store and show: NFC, no control or bidi-override characters,
    Unix newlines, trimmed and cut to `limit` characters. Rendering still escapes it."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE_TEXT.sub("", text).strip()[:limit]


def one_line(text: str, limit: int = MAX_SUMMARY) -> str:
    """The first line of a text, for a summary."""
    return clean_text(text, MAX_DETAIL).split("\n", 1)[0][:limit]
