"""Text as a person reads it: a page's visible words (and the attributes a browser shows:
titles, labels, placeholders), without tags or the invisible bidi isolates (U+2066-U+2069)
that keep names, numbers and addresses in their own direction."""

from __future__ import annotations

from html.parser import HTMLParser

ISOLATES = str.maketrans("", "", "\u2066\u2067\u2068\u2069")
SHOWN_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
BLOCKS = {"br", "div", "p", "li", "td", "th", "tr", "option", "h1", "h2", "h3", "h4", "h5", "h6"}


def as_read(text: str) -> str:
    return text.translate(ISOLATES)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in BLOCKS:
            self.parts.append(" ")
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for name, value in attrs:
            if name in SHOWN_ATTRIBUTES and value:
                self.parts.append(f" {value} ")

    def handle_endtag(self, tag) -> None:
        if tag in BLOCKS:
            self.parts.append(" ")
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data) -> None:
        if not self._hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The words on a page in reading order, whitespace collapsed."""
    reader = _Reader()
    reader.feed(html)
    return " ".join(as_read("".join(reader.parts)).split())
