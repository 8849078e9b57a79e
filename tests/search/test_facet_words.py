"""Issue 12, item 12: search facets use the words of the rest of the UI, and every count on a
page is a plural-aware sentence ("1 result", "2 cases"); no count before any search."""

from __future__ import annotations

import re

from portal.extensions import db
from portal.infra import outbox
from portal.models import CaseStatus, Priority, Role, User
from tests import factories
from tests.reading import page_text


def facet_text(html: str) -> str:
    aside = re.search(r"<aside.*?</aside>", html, re.S)
    return page_text(aside.group(0)) if aside else ""


def results_line(html: str) -> str:
    found = re.search(r'<div class="col-lg-9">\s*(<p[^>]*>.*?</p>)?', html, re.S)
    return page_text(found.group(1) or "") if found else ""


def searching_agent(language: str = "en") -> User:
    agent = factories.make_user(Role.AGENT, max_tier=1, language=language)
    factories.make_case(subject="Printer jams", status=CaseStatus.OPEN)
    factories.make_case(
        subject="Printer offline", status=CaseStatus.PENDING, priority=Priority.HIGH
    )
    db.session.commit()
    outbox.deliver()
    return agent


def test_facets_show_status_and_priority_words_not_keys(client, login_as, app):
    login_as(searching_agent())
    facets = facet_text(client.get("/agent/search?q=printer").get_data(as_text=True))
    assert "Open (1)" in facets and "Waiting on customer (1)" in facets
    assert "Normal (1)" in facets and "High (1)" in facets
    assert not re.search(r"\b(open|pending|normal|high)\b", facets)


def test_persian_facets_and_counts(client, login_as, app):
    login_as(searching_agent("fa"))
    html = client.get("/agent/search?q=printer").get_data(as_text=True)
    facets = facet_text(html)
    assert "باز (۱)" in facets and "در انتظار مشتری (۱)" in facets and "بالا (۱)" in facets
    assert results_line(html) == "۲ نتیجه"


def test_one_result_is_singular_and_no_count_before_a_search(client, login_as, app):
    login_as(searching_agent())
    assert results_line(client.get("/agent/search?q=jams").get_data(as_text=True)) == "1 result"
    before = client.get("/agent/search").get_data(as_text=True)
    assert results_line(before) == ""
    assert "results" not in page_text(before) and "0 result" not in page_text(before)


def test_list_counts_follow_the_languages_plural_rules(client, login_as, app):
    queue = factories.make_queue(1)
    agent = factories.make_user(Role.AGENT, max_tier=1)
    agent.queues.append(queue)
    factories.make_case(queue=queue, status=CaseStatus.OPEN)
    db.session.commit()
    login_as(agent)
    assert "1 case " in page_text(client.get(f"/agent/queues/{queue.id}").get_data(as_text=True))
    factories.make_case(queue=queue, status=CaseStatus.OPEN)
    db.session.get(User, agent.id).language = "ar"
    db.session.commit()
    # Arabic has a dual: two cases are "تذكرتان", not "2 تذكرة".
    assert "تذكرتان" in page_text(client.get(f"/agent/queues/{queue.id}").get_data(as_text=True))
