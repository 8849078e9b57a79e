"""The timeline entry that the customer's and the agent's case pages share
(templates/_timeline_event.html): staff-only entries and files only in a staff view."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import render_template_string

from portal.domain import cases
from portal.domain.cases import Upload
from portal.models import Channel, Direction, Role
from portal.models._base import utcnow
from tests import factories

TIMELINE = (
    '{% from "_timeline_event.html" import timeline_event %}'
    "{% for e in events %}{{ timeline_event(e, case, staff_view=staff) }}{% endfor %}"
)


def render(app, events, case, staff_view: bool) -> str:
    with app.test_request_context():
        return render_template_string(TIMELINE, events=events, case=case, staff=staff_view)


def _case_with_staff_entries(db):
    customer = factories.make_user(Role.CUSTOMER)
    agent = factories.make_user(Role.AGENT)
    case = factories.make_case(customer.contact)
    db.session.flush()
    note = cases.add_reply(
        case,
        body="CANARY note",
        uploads=[Upload(name="canary-note.txt", data=b"x")],
        internal=True,
        by=agent,
    )
    call = cases.log_interaction(
        case,
        by=agent,
        channel=Channel.PHONE,
        direction=Direction.INBOUND,
        occurred_at=utcnow() - timedelta(hours=1),
        duration_seconds=60,
        summary="CANARY call",
    )
    reply = cases.add_reply(
        case, body="Public words", uploads=[Upload(name="shared.txt", data=b"y")], by=agent
    )
    db.session.commit()
    return customer, agent, case, [note, call, reply]


def test_a_customer_view_draws_no_staff_entry_even_when_given_one(app, db):
    _customer, _agent, case, events = _case_with_staff_entries(db)
    note, call, reply = events
    customer_view = render(app, events, case, staff_view=False)
    assert "CANARY" not in customer_view and "canary-note.txt" not in customer_view
    assert re.findall(r'id="event-(\d+)"', customer_view) == [str(reply.id)]
    assert f'href="/my/cases/{case.number}/attachments/' in customer_view
    staff_view = render(app, events, case, staff_view=True)
    assert "CANARY note" in staff_view and "CANARY call" in staff_view
    assert "canary-note.txt" in staff_view
    assert re.findall(r'id="event-(\d+)"', staff_view) == [str(e.id) for e in (note, call, reply)]
    assert f'href="/my/cases/{case.number}' not in staff_view


def test_an_internal_file_on_a_public_reply_is_not_offered_to_the_customer(app, db):
    _customer, _agent, case, events = _case_with_staff_entries(db)
    reply = events[-1]
    reply.attachments[0].is_internal = True
    db.session.commit()
    assert "shared.txt" not in render(app, [reply], case, staff_view=False)
    assert "shared.txt" in render(app, [reply], case, staff_view=True)


def test_the_customer_sees_which_replies_are_the_support_teams(client, login_as, db):
    customer, _agent, case, events = _case_with_staff_entries(db)
    theirs = events[-1]
    own = cases.add_reply(case, body="My own words", uploads=[], by=customer)
    db.session.commit()
    login_as(customer)
    html = client.get(f"/my/cases/{case.number}").get_data(as_text=True)
    entries = re.findall(r'<li class="([^"]*)" id="event-(\d+)"', html)
    classes = {int(number): names.split() for names, number in entries}
    assert set(classes) == {theirs.id, own.id} and "CANARY" not in html
    assert "border-primary" in classes[theirs.id] and "border-primary" not in classes[own.id]
    assert html.count('<span class="badge text-bg-primary">Support team</span>') == 1
