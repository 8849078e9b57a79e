"""Safe rendering of user text: Markdown to sanitized HTML, and display-safe file names."""

from __future__ import annotations

import re
import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Bidi overrides and isolates, zero-width characters and other invisible format characters.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]')
MAX_NAME_LENGTH = 120


def render_markdown(text: str) -> Markup:
    """Markdown (or plain text) to HTML with only harmless tags; links get rel=noopener nofollow."""
    html = _markdown.render(text or "")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow noreferrer",
    )
    return Markup(cleaned)


def display_file_name(name: str | None) -> str:
    """A file name safe to show and to send in headers: no path, no control, bidi or
    zero-width characters (which disguise `exe.txt` as `txt.exe`), bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _INVISIBLE.sub("", name)
    name = _UNSAFE_NAME_CHARS.sub("_", name).strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:10] if dot else ""
        name = (stem if dot else name)[: MAX_NAME_LENGTH - len(extension) - 1] + (
            f".{extension}" if extension else ""
        )
    return name or "file"
