"""Reading a rendered page as a browser would, to find markup that leaked or broke.

`page_problems(html)` lists what a reader would notice: template syntax or the tail of a
broken tag (`">`) in the visible text, entities escaped twice (`&amp;lt;`), attributes that a
stray quote split or that carry a raw `<` or `>`, case rows without a link to their case,
inline styles or scripts (which the CSP refuses), and table scroll areas that the keyboard
cannot reach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# What must never be visible: template syntax, the tail of a tag cut short by a quote, a
# placeholder left unformatted, and entities that were escaped twice.
LEAKS = ('">', '"/>', "'>", "{{", "}}", "{%", "%}", "{#", "#}", "%(", "&lt;", "&gt;", "&amp;")
LEAKS += ("&quot;", "&#34;", "&#39;")
ATTRIBUTE_NAME = re.compile(r"^[a-zA-Z_:][-a-zA-Z0-9_:.]*$")
RAW_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]*))?""")
CASE_NUMBER = re.compile(r"CS-\d{6}")
CASE_LINK = re.compile(r"/(?:agent|my)/cases/(CS-\d{6})(?:#event-\d+)?$")  # or one of its events
HIDDEN_TEXT = ("script", "style", "template")
ROWS = ("tr", "li")


@dataclass
class _Row:
    tag: str
    classes: set[str]
    text: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class PageReader(HTMLParser):
    """Collects the visible text, checks every start tag, and follows table rows and list
    items to see whether the case they name is a link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.problems: list[str] = []
        self.rows: list[_Row] = []
        self.placeholders: list[str] = []
        self._open_rows: list[_Row] = []
        self._hidden = 0
        self._in_tbody = 0

    def handle_starttag(self, tag, attrs):
        self._check_tag(tag, attrs)
        if tag in HIDDEN_TEXT:
            self._hidden += 1
        elif tag == "tbody":
            self._in_tbody += 1
        elif tag in ROWS and (tag == "li" or self._in_tbody):
            classes = set((dict(attrs).get("class") or "").split())
            row = _Row(tag, classes)
            self._open_rows.append(row)
            self.rows.append(row)
        elif tag == "a":
            href = dict(attrs).get("href")
            if href:
                for row in self._open_rows:
                    row.links.append(href)

    def handle_startendtag(self, tag, attrs):
        self._check_tag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in HIDDEN_TEXT:
            self._hidden = max(0, self._hidden - 1)
        elif tag == "tbody":
            self._in_tbody = max(0, self._in_tbody - 1)
        elif tag in ROWS:
            for index in range(len(self._open_rows) - 1, -1, -1):
                if self._open_rows[index].tag == tag:
                    del self._open_rows[index]
                    break

    def handle_data(self, data):
        if self._hidden:
            return
        self.texts.append(data)
        for row in self._open_rows:
            row.text.append(data)

    def _check_tag(self, tag, attrs):
        raw = self.get_starttag_text() or ""
        self._check_policy(tag, attrs, raw)
        self._check_scroll_region(attrs, raw)
        names = [name for name, _value in attrs]
        for name in names:
            if not ATTRIBUTE_NAME.match(name):
                self.problems.append(f"broken attribute {name!r} in {raw[:200]!r}")
        if len(set(names)) != len(names):
            self.problems.append(f"an attribute twice (a quote split it?) in {raw[:200]!r}")
        inner = raw[len(tag) + 1 : -1].rstrip("/")
        for match in RAW_ATTRIBUTE.finditer(inner):
            value = match.group(2) or ""
            if "<" in value or ">" in value:
                self.problems.append(f"unescaped < or > in an attribute: {raw[:200]!r}")
        for name, value in attrs:
            if name == "placeholder":
                self.placeholders.append(value)
            if value and any(entity in value for entity in ("&lt;", "&gt;", "&amp;", "&#34;")):
                self.problems.append(f"attribute {name} escaped twice: {value[:120]!r}")

    def _check_scroll_region(self, attrs, raw):
        """A scrolling table must be reachable by keyboard: a focusable, named region."""
        values = dict(attrs)
        if "table-responsive" not in (values.get("class") or "").split():
            return
        named = values.get("aria-label") or values.get("aria-labelledby")
        if values.get("tabindex") != "0" or values.get("role") != "region" or not named:
            self.problems.append(f"a scroll area the keyboard cannot reach: {raw[:160]!r}")

    def _check_policy(self, tag, attrs, raw):
        """What the Content-Security-Policy (no inline style or script) would refuse."""
        values = dict(attrs)
        if tag == "style" or "style" in values:
            self.problems.append(f"inline style (refused by the CSP): {raw[:200]!r}")
        if tag == "script" and not values.get("src"):
            self.problems.append("an inline <script> (refused by the CSP)")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"inline script in {name} (refused by the CSP): {raw[:200]!r}")


def page_problems(html: str, *, allowed: tuple[str, ...] = (), reader_role: str = "") -> list:
    """What is wrong with a page. `allowed` are texts the test put in on purpose (a subject
    holding `"><b>`) and that must show as typed. `reader_role` "customer" or "staff" also
    checks that every row naming a case links to that case in the reader's own area."""
    reader = PageReader()
    reader.feed(html)
    reader.close()
    problems = list(reader.problems)
    for text in reader.texts:
        for sample in allowed:
            text = text.replace(sample, "")
        for leak in LEAKS:
            if leak in text:
                problems.append(f"{leak!r} in the visible text: {text.strip()[:160]!r}")
    if reader_role:
        problems += _unlinked_rows(reader.rows, reader_role)
    return problems


def _unlinked_rows(rows: list[_Row], reader_role: str) -> list[str]:
    """Every table row or list item that names a case must link to it (breadcrumbs and
    pagination excepted): to /my/cases/ for a customer, /agent/cases/ for staff."""
    area = "/my/cases/" if reader_role == "customer" else "/agent/cases/"
    problems = []
    for row in rows:
        if row.classes & {"breadcrumb-item", "page-item"}:
            continue
        text = "".join(row.text)
        named = CASE_NUMBER.search(text)
        if named is None:
            continue
        targets = {m.group(1) for href in row.links if (m := CASE_LINK.search(href))}
        if named.group(0) not in targets:
            problems.append(f"a row names {named.group(0)} without a link to it: {text[:120]!r}")
        wrong = [href for href in row.links if "/cases/" in href and area not in href]
        if wrong:
            problems.append(f"a row links outside the reader's area: {wrong}")
    return problems


def visible_text(html: str) -> str:
    """The page's text as a reader sees it (entities decoded, scripts left out)."""
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return " ".join(" ".join(reader.texts).split())
