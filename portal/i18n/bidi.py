"""Text that keeps its own direction inside a sentence of the other direction (a Latin name in
Persian text, a Persian name in English): isolated with Unicode controls where tags are not
allowed, in <bdi> in HTML."""

from __future__ import annotations

import re

from markupsafe import Markup

# Embeddings, overrides and isolates: stripped from text before it is isolated, so a name
# cannot close our isolate early or turn the rest of the line around.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"


def isolate(value) -> str:
    """Plain text that keeps its own direction inside a sentence of the other direction:
    wrapped in FIRST STRONG ISOLATE ... POP DIRECTIONAL ISOLATE. For places where tags are not
    allowed (<option> text, flash messages, email subjects and plain-text emails); in HTML
    prefer `bdi`."""
    return f"{FIRST_STRONG_ISOLATE}{_BIDI_CONTROLS.sub('', str(value))}{POP_DIRECTIONAL_ISOLATE}"


def bdi(value) -> Markup:
    """`value` escaped inside <bdi>, for names, emails and numbers inside translated HTML."""
    return Markup("<bdi>{}</bdi>").format(value)
