"""The one pagination macro (templates/_pagination.html) that every list uses."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import render_template_string

MACRO = '{% from "_pagination.html" import pagination %}'


def render(app, call: str, **context) -> str:
    with app.test_request_context():
        return render_template_string(MACRO + "{{ " + call + " }}", **context)


def shown(html: str) -> list[str]:
    """The page items as a reader meets them: numbers, "…", and the current one in brackets."""
    items = []
    for item in re.findall(r'<li class="page-item[^"]*"[^>]*>.*?</li>', html):
        text = re.sub(r"<[^>]+>", "", item)
        items.append(f"[{text}]" if 'aria-current="page"' in item else text)
    return items


def test_one_page_draws_nothing(app):
    page = SimpleNamespace(number=1, pages=1)
    assert render(app, 'pagination(page, "customer.case_list")', page=page).strip() == ""


@pytest.mark.parametrize(
    "current, expected",
    [
        (1, ["[1]", "2", "3", "…", "11", "12"]),
        (6, ["1", "2", "…", "4", "5", "[6]", "7", "8", "…", "11", "12"]),
        (12, ["1", "2", "…", "10", "11", "[12]"]),
    ],
)
def test_the_first_and_last_two_and_two_around_the_current_page(app, current, expected):
    page = SimpleNamespace(number=current, pages=12)
    html = render(app, 'pagination(page, "customer.case_list")', page=page)
    assert shown(html) == expected
    assert '<nav class="mt-3" aria-label="Pages">' in html


def test_links_keep_the_lists_choices_and_path_arguments(app):
    page = SimpleNamespace(number=1, pages=2)
    html = render(
        app,
        'pagination(page, "agent.queue", query=query, compact=True, queue_id=7)',
        page=page,
        query={"status": "new", "sort": "age", "page": "1", "endpoint": "x", "_scheme": "ftp"},
    )
    assert 'href="/agent/queues/7?status=new&amp;sort=age&amp;page=2"' in html
    assert 'class="pagination pagination-sm flex-wrap"' in html


def test_a_none_choice_is_left_out_an_empty_one_kept(app):
    page = SimpleNamespace(number=1, pages=2)
    html = render(app, 'pagination(page, "feedback.items", kind="", follow_up=None)', page=page)
    assert 'href="/feedback/items?kind=&amp;page=2"' in html
    assert 'class="pagination flex-wrap"' in html
