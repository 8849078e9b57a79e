"""Signals that reach somebody (issue 12, items 1, 3, 4 and 5): a customer's reply or reopen
reaches the assignee or the queue, people who worked a case keep it and follow it, new cases
go to agents only, and the notification badge and list follow along."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal import authz
from portal.domain import cases, escalations
from portal.domain.cases import assignment, staffing
from portal.kernel import inbox
from portal.models import (
    Case,
    CaseEvent,
    CaseStatus,
    EventKind,
    Notification,
    NotificationKind,
    Role,
    User,
    UserSession,
)
from portal.models._base import utcnow
from tests import factories
from tests.reading import as_read

REPLY = "The printer still shows error 0x80 after the update."


@pytest.fixture
def team(db):
    """Front line (tier 1): Ana (reads Persian) and Ben; Specialists (tier 2): Sid. Sue
    supervises both queues (a member so that escalations reach her, not as an agent). Cleo is
    a customer."""
    front = factories.make_queue(1, name="Front line")
    specialists = factories.make_queue(2, name="Specialists")
    sue = factories.make_user(Role.SUPERVISOR, name="Sue Supervisor")
    ana = factories.make_user(Role.AGENT, max_tier=1, name="Ana Agent", language="fa")
    ben = factories.make_user(Role.AGENT, max_tier=1, name="Ben Agent")
    sid = factories.make_user(Role.AGENT, max_tier=2, name="Sid Specialist")
    ana.queues.append(front)
    ben.queues.append(front)
    sid.queues.append(specialists)
    sue.queues.extend([front, specialists])
    cleo = factories.make_user(Role.CUSTOMER, name="Cleo Customer")
    db.session.commit()
    return {
        "front": front,
        "specialists": specialists,
        "sue": sue,
        "ana": ana,
        "ben": ben,
        "sid": sid,
        "cleo": cleo,
    }


def make_case(team, **overrides) -> Case:
    return factories.make_case(
        team["cleo"].contact,
        queue=team["front"],
        status=CaseStatus.OPEN,
        subject="Printer error",
        **overrides,
    )


def followers(db) -> set[tuple[int, int, bool]]:
    """(case id, user id, is following) of every case_followers row (a table this issue adds,
    read as a table so that the file runs, and fails, on a database without it)."""
    table = db.metadata.tables.get("case_followers")
    if table is None:
        return set()
    columns = (table.c.case_id, table.c.user_id, table.c.is_following)
    return {tuple(row) for row in db.session.execute(db.select(*columns)).all()}


def notified(db) -> set[tuple[str, str]]:
    """(user name, kind) of every notification."""
    rows = db.session.execute(
        db.select(User.name, Notification.kind).join(User, User.id == Notification.user_id)
    ).all()
    return {tuple(row) for row in rows}


def last_event(db, case, kind=None) -> CaseEvent:
    query = db.select(CaseEvent).where(CaseEvent.case_id == case.id)
    if kind is not None:
        query = query.where(CaseEvent.kind == kind)
    return db.session.scalars(query.order_by(CaseEvent.id.desc()).limit(1)).one()


# --- 1. A customer's reply or reopen reaches staff ------------------------------------------


def test_customer_reply_tells_the_assignee_in_app_and_by_email_in_their_language(
    client, login_as, team, db, smtp
):
    case = make_case(team, assignee=team["ana"])
    db.session.commit()
    login_as(team["cleo"])
    response = client.post(f"/my/cases/{case.number}/reply", data={"body": REPLY})
    assert response.status_code == 302
    reply = last_event(db, case, EventKind.PUBLIC_REPLY)
    # Only the assignee: not her queue colleague, not the supervisor, not the customer.
    assert notified(db) == {("Ana Agent", NotificationKind.CUSTOMER_REPLIED)}
    note = db.session.scalars(db.select(Notification)).one()
    assert (note.case_id, note.event_id) == (case.id, reply.id)
    assert REPLY in note.text
    [message] = smtp.wait_for(1)
    assert message["To"] == team["ana"].email
    assert case.number in message["Subject"]
    text = as_read(message.get_body(("plain",)).get_content())
    html = message.get_body(("html",)).get_content()
    assert "سلام Ana Agent" in text and REPLY in text  # Persian, her language
    assert f"http://casework.test/agent/cases/{case.number}#event-{reply.id}" in text
    assert 'dir="rtl"' in html and "/my/cases" not in html


def test_customer_reply_to_an_unassigned_case_tells_the_queues_agents(
    client, login_as, team, db, smtp
):
    case = make_case(team)
    db.session.commit()
    login_as(team["cleo"])
    client.post(f"/my/cases/{case.number}/reply", data={"body": REPLY})
    # Its queue's agents; the supervisor is a member only to hear of escalations.
    assert notified(db) == {
        ("Ana Agent", NotificationKind.CUSTOMER_REPLIED),
        ("Ben Agent", NotificationKind.CUSTOMER_REPLIED),
    }
    assert sorted(m["To"] for m in smtp.wait_for(2)) == sorted(
        [team["ana"].email, team["ben"].email]
    )


def test_customer_reopen_tells_the_assignee_who_may_turn_email_off(
    client, login_as, team, db, smtp
):
    team["ben"].notify_by_email = False
    case = make_case(team, assignee=team["ben"])
    db.session.commit()
    cases.change_status(case, CaseStatus.RESOLVED, by=team["ben"])
    db.session.commit()
    db.session.execute(db.delete(Notification))
    db.session.commit()
    login_as(team["cleo"])
    assert client.post(f"/my/cases/{case.number}/reopen").status_code == 302
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN
    assert notified(db) == {("Ben Agent", NotificationKind.CUSTOMER_REOPENED)}
    note = db.session.scalars(db.select(Notification)).one()
    assert note.event_id == last_event(db, case, EventKind.FIELD_CHANGE).id
    # In-app only: Ben turned emails off (the customer still gets hers).
    recipients = {m["To"] for m in smtp.wait_for(5, timeout=1)}
    assert team["cleo"].email in recipients and team["ben"].email not in recipients


def test_customer_marking_solved_and_replying_to_a_resolved_case_reach_the_assignee(
    client, login_as, team, db
):
    case = make_case(team, assignee=team["ana"])
    db.session.commit()
    login_as(team["cleo"])
    client.post(f"/my/cases/{case.number}/solve")
    assert notified(db) == {("Ana Agent", NotificationKind.CUSTOMER_SOLVED)}
    db.session.execute(db.delete(Notification))
    db.session.commit()
    client.post(f"/my/cases/{case.number}/reply", data={"body": "Actually, it is back."})
    db.session.refresh(case)
    assert case.status == CaseStatus.OPEN
    # One notification for one act: the reply (which reopened the case).
    assert notified(db) == {("Ana Agent", NotificationKind.CUSTOMER_REPLIED)}


def test_staff_switch_notification_emails_off_on_their_profile(client, login_as, team, db):
    login_as(team["ben"])
    page = client.get("/profile").get_data(as_text=True)
    assert "customer replies" in page  # the staff wording of the email setting
    assert 'name="notify_by_email"' in page and "checked" in page
    response = client.post(
        "/profile", data={"name": "Ben Agent", "language": "en", "timezone": "UTC"}
    )
    assert response.status_code == 302
    db.session.refresh(team["ben"])
    assert team["ben"].notify_by_email is False


# --- 3. Who worked a case keeps it, and follows it ---------------------------------------------


def test_escalating_agent_keeps_the_case_and_hears_how_it_goes(client, login_as, team, db):
    case = make_case(team, assignee=team["ana"])
    db.session.commit()
    escalations.escalate(case, by=team["ana"], reason="Needs a specialist", version=case.version)
    db.session.commit()
    assert case.tier == 2
    # Ana reads it (pages and lists) although it is above her tier; Ben never worked it.
    visible = set(db.session.scalars(authz.visible_cases(team["ana"]).with_only_columns(Case.id)))
    assert case.id in visible
    assert case.id not in set(
        db.session.scalars(authz.visible_cases(team["ben"]).with_only_columns(Case.id))
    )
    assert authz.can_view_case(team["ana"], case) and not authz.can_work_case(team["ana"], case)
    db.session.execute(db.delete(Notification))
    db.session.commit()
    # Later updates reach her as a follower: the customer's reply, the case resolved.
    cases.add_reply(case, body=REPLY, by=team["cleo"])
    cases.change_status(case, CaseStatus.RESOLVED, by=team["sid"])
    db.session.commit()
    assert notified(db) == {
        ("Sid Specialist", NotificationKind.CUSTOMER_REPLIED),  # the queue's agent: nobody has it
        ("Ana Agent", NotificationKind.CUSTOMER_REPLIED),
        ("Ana Agent", NotificationKind.CASE_RESOLVED),
    }
    login_as(team["ana"])
    page = client.get("/agent/notifications").get_data(as_text=True)
    # The headlines in her language (Persian), the customer's words as written.
    assert "مشتری پاسخ داد" in page and "پرونده حل شد" in page and REPLY in page


def test_unfollow_stops_the_updates_but_not_the_reading(client, login_as, team, db):
    case = make_case(team, assignee=team["ana"])
    db.session.commit()
    escalations.escalate(case, by=team["ana"], reason="Needs a specialist", version=case.version)
    db.session.commit()
    login_as(team["ana"])
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert f'action="/agent/cases/{case.number}/unfollow"' in page
    assert client.post(f"/agent/cases/{case.number}/unfollow", csrf=False).status_code == 400
    assert client.post(f"/agent/cases/{case.number}/unfollow").status_code == 302
    db.session.execute(db.delete(Notification))
    db.session.commit()
    cases.add_reply(case, body=REPLY, by=team["cleo"])
    db.session.commit()
    assert ("Ana Agent", NotificationKind.CUSTOMER_REPLIED) not in notified(db)
    page = client.get(f"/agent/cases/{case.number}")
    assert page.status_code == 200
    assert f'action="/agent/cases/{case.number}/follow"' in page.get_data(as_text=True)
    assert client.post(f"/agent/cases/{case.number}/follow").status_code == 302
    cases.change_status(case, CaseStatus.RESOLVED, by=team["sid"])
    db.session.commit()
    assert ("Ana Agent", NotificationKind.CASE_RESOLVED) in notified(db)


def test_only_people_who_worked_a_case_follow_it(client, login_as, team, db):
    case = make_case(team)
    above = factories.make_case(queue=team["specialists"])
    db.session.commit()
    login_as(team["ben"])
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert "/unfollow" not in page and "/follow" not in page
    assert client.post(f"/agent/cases/{case.number}/follow").status_code == 403
    assert client.post(f"/agent/cases/{above.number}/follow").status_code == 404
    assert followers(db) == set()


def test_replying_noting_and_being_assigned_make_followers(team, db):
    case = make_case(team)
    db.session.commit()
    cases.add_reply(case, body="On it", by=team["ana"])
    cases.add_reply(case, body="Checked the logs", by=team["ben"], internal=True)
    assignment.assign(case, team["sue"], by=team["ana"], version=case.version)
    cases.add_reply(case, body=REPLY, by=team["cleo"])  # customers never follow
    db.session.commit()
    assert followers(db) == {
        (case.id, team["ana"].id, True),
        (case.id, team["ben"].id, True),
        (case.id, team["sue"].id, True),
    }
    # Sue was given the case by Ana: she is told, linked to the assignment.
    note = db.session.scalars(
        db.select(Notification).where(Notification.kind == NotificationKind.CASE_ASSIGNED)
    ).one()
    assert note.user_id == team["sue"].id
    assert db.session.get(CaseEvent, note.event_id).field == "assignee"


def test_the_actor_is_never_told_of_their_own_act(team, db):
    case = make_case(team, assignee=team["ana"])
    db.session.commit()
    cases.add_reply(case, body="On it", by=team["ana"])
    cases.add_reply(case, body="Second opinion", by=team["ben"], internal=True)
    cases.change_status(case, CaseStatus.RESOLVED, by=team["ana"])
    db.session.commit()
    # Ben follows (he wrote a note) and hears that Ana resolved it; Ana hears nothing.
    assert notified(db) == {("Ben Agent", NotificationKind.CASE_RESOLVED)}


# --- 4. Auto-assignment picks agents only ------------------------------------------------------


def test_new_web_case_is_auto_assigned_to_an_agent_not_the_supervisor(team, db):
    team["front"].auto_assign = True
    db.session.commit()
    # Sue is a member of Front line and was never given a case: she would come first.
    case = cases.open_case(
        requester=team["cleo"].contact,
        subject="Invoice missing",
        description="?",
        by=team["cleo"],
    )
    db.session.commit()
    assert case.queue_id == team["front"].id
    assert case.assignee in (team["ana"], team["ben"])
    assert [user.name for user in staffing.queue_agents(team["front"])] == [
        "Ana Agent",
        "Ben Agent",
    ]
    # The assignee is told (in-app; the link goes to the case) and follows the case.
    assert notified(db) == {(case.assignee.name, NotificationKind.CASE_ASSIGNED)}
    assert (case.id, case.assignee_id, True) in followers(db)


def test_a_supervisor_who_joined_the_queue_as_an_agent_takes_cases(team, db):
    team["front"].auto_assign = True
    team["ana"].is_available = False
    team["ben"].is_available = False
    factories.join_queue(team["sue"], team["front"], as_agent=True)
    db.session.commit()
    case = cases.open_case(
        requester=team["cleo"].contact, subject="Invoice", description="?", by=team["cleo"]
    )
    assert case.assignee == team["sue"]


# --- 5. The badge and the list --------------------------------------------------------------


def test_unread_count_as_json_in_one_count_query(client, login_as, team, db, count_queries):
    case = make_case(team)
    inbox.notify([team["ana"]], NotificationKind.CASE_CLOSED, case)
    inbox.notify([team["ana"]], NotificationKind.CUSTOMER_REPLIED, case, "hi")
    inbox.notify([team["ben"]], NotificationKind.CUSTOMER_REPLIED, case, "not Ana's")
    db.session.commit()
    login_as(team["ana"])
    with count_queries() as statements:
        response = client.get("/agent/notifications/unread.json")
    assert response.status_code == 200 and response.is_json
    assert response.get_json() == {"unread": 2}
    assert response.headers["Cache-Control"] == "no-store"
    assert sum("count(" in statement.lower() for statement in statements) == 1
    client.post("/agent/notifications/read")
    assert client.get("/agent/notifications/unread.json").get_json() == {"unread": 0}


def test_polling_does_not_keep_an_idle_session_alive(client, login_as, team, db):
    login_as(team["ana"])
    long_ago = utcnow() - timedelta(minutes=30)
    db.session.execute(db.update(UserSession).values(last_seen_at=long_ago))
    db.session.commit()
    assert client.get("/agent/notifications/unread.json").status_code == 200
    assert db.session.scalar(db.select(UserSession.last_seen_at)) == long_ago
    client.get("/agent")  # a page the person opened does count
    assert db.session.scalar(db.select(UserSession.last_seen_at)) > long_ago


def test_badge_polls_from_a_static_script_and_shows_persian_digits(client, login_as, team, db):
    case = make_case(team)
    inbox.notify([team["ana"]], NotificationKind.CUSTOMER_REPLIED, case, "سلام")
    db.session.commit()
    login_as(team["ana"])  # Ana reads Persian
    page = client.get("/agent").get_data(as_text=True)
    assert 'data-unread-url="/agent/notifications/unread.json"' in page
    assert 'data-digits="۰۱۲۳۴۵۶۷۸۹"' in page
    assert re.search(r"data-unread-badge[^>]*>۱</span>", page)
    assert re.search(r'src="/static/js/notifications\.js\?v=\w+"', page)
    assert "<script>" not in page  # no inline script (CSP script-src 'self')


def test_notification_links_to_the_exact_event_on_the_case_page(client, login_as, team, db):
    case = make_case(team, assignee=team["ana"])
    db.session.commit()
    factories.add_event(case, body="An earlier reply", author=team["ana"])
    reply = cases.add_reply(case, body=REPLY, by=team["cleo"])
    db.session.commit()
    login_as(team["ana"])
    listing = client.get("/agent/notifications").get_data(as_text=True)
    assert f'href="/agent/cases/{case.number}#event-{reply.id}"' in listing
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert f'id="event-{reply.id}"' in page
    # Every timeline entry carries its anchor.
    for event in db.session.scalars(db.select(CaseEvent).where(CaseEvent.case_id == case.id)):
        assert f'id="event-{event.id}"' in page
