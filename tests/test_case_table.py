"""The shared case table (templates/_case_table.html): each list keeps its columns, in its
order, and the classes that stack the rows into cards on a phone."""

from __future__ import annotations

import re

from portal.models import Role
from tests import factories


def _labels(row: str) -> list[str]:
    return re.findall(r'<td[^>]*data-label="([^"]*)"', row)


def _first_row(html: str) -> str:
    return re.search(r"<tbody>\s*<tr>(.*?)</tr>", html, re.S).group(1)


def _queue(db):
    queue = factories.make_queue(1, name="Front")
    agent = factories.make_user(Role.AGENT, max_tier=1)
    agent.queues.append(queue)
    db.session.commit()
    return queue, agent


def test_queue_columns_stay_in_order_and_stack_on_a_phone(client, login_as, db):
    """tests/e2e/test_small_screens.py finds Status, Priority and Due by their place."""
    queue, agent = _queue(db)
    case = factories.make_case(queue=queue)
    db.session.commit()
    login_as(agent)
    html = client.get(f"/agent/queues/{queue.id}").get_data(as_text=True)
    assert re.search(r'<table class="table table-sm table-hover [^"]*table-stack"', html)
    row = _first_row(html)
    assert _labels(row) == [
        "Select",
        "Case",
        "Subject",
        "Requester",
        "Assignee",
        "Status",
        "Priority",
        "Due",
    ]
    assert f'name="case_ids" value="{case.id}"' in row
    assert f'<a class="case-number" href="/agent/cases/{case.number}">' in row


def test_an_empty_queue_says_so(client, login_as, db):
    queue, agent = _queue(db)
    login_as(agent)
    html = client.get(f"/agent/queues/{queue.id}").get_data(as_text=True)
    assert "No cases match." in html and "<table" not in html


def test_home_and_my_work_columns(client, login_as, db):
    queue, agent = _queue(db)
    factories.make_case(queue=queue, assignee=agent)
    db.session.commit()
    login_as(agent)
    home = client.get("/").get_data(as_text=True)
    assert _labels(_first_row(home)) == [
        "Case",
        "Subject",
        "Requester",
        "Queue",
        "Assignee",
        "Status",
        "Priority",
        "Updated",
    ]
    work = client.get("/agent").get_data(as_text=True)
    columns = ["Case", "Subject", "Requester", "Status", "Priority", "Due"]
    assert _labels(_first_row(work)) == columns
