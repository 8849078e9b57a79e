"""Who may open the supervisor console, the notifications page and its unread count, and
follow a case; fixed query counts."""

from __future__ import annotations

import pytest

from portal.domain import escalations
from portal.kernel import inbox
from portal.models import CaseStatus, Notification, NotificationKind, Priority, Role
from tests import factories

SUPERVISOR_PAGES = [("get", "/supervisor/escalations")]
SUPERVISOR_ACTIONS = [
    ("post", "/supervisor/escalations/{id}/accept"),
    ("post", "/supervisor/escalations/{id}/return"),
    ("post", "/supervisor/escalations/{id}/resolve"),
]
NOTIFICATIONS = [
    ("get", "/agent/notifications"),
    ("get", "/agent/notifications/unread.json"),
    ("post", "/agent/notifications/read"),
]
# Following a case: for staff who worked it (a new user of any role never did).
FOLLOWING = [("post", "/agent/cases/{number}/follow"), ("post", "/agent/cases/{number}/unfollow")]


@pytest.fixture
def open_escalation(desk, db):
    case = factories.make_case(queue=desk["front"], status=CaseStatus.OPEN)
    db.session.commit()
    escalation = escalations.escalate(
        case, by=desk["agent"], reason="Access test", version=case.version
    )
    db.session.commit()
    return escalation


def _request(client, method, url, escalation):
    url = url.format(id=escalation.id, number=escalation.case.number)
    return getattr(client, method)(url, data={"guidance": "x"})


@pytest.mark.parametrize(
    "method,url", SUPERVISOR_PAGES + SUPERVISOR_ACTIONS + NOTIFICATIONS + FOLLOWING
)
def test_visitors_are_sent_to_sign_in(client, open_escalation, method, url):
    response = _request(client, method, url, open_escalation)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "role,method,url,status",
    [
        (Role.CUSTOMER, m, u, 403)
        for m, u in SUPERVISOR_PAGES + SUPERVISOR_ACTIONS + NOTIFICATIONS + FOLLOWING
    ]
    + [(Role.AGENT, m, u, 403) for m, u in SUPERVISOR_PAGES + SUPERVISOR_ACTIONS + FOLLOWING]
    + [(role, "get", u, 200) for role in Role.MANAGERS for _, u in SUPERVISOR_PAGES]
    + [(role, "get", u, 200) for role in Role.STAFF for m, u in NOTIFICATIONS if m == "get"]
    + [(role, m, u, 403) for role in Role.MANAGERS for m, u in FOLLOWING],
)
def test_access_by_role(client, login_as, open_escalation, db, role, method, url, status):
    login_as(factories.make_user(role, max_tier=3))
    assert _request(client, method, url, open_escalation).status_code == status
    if status == 403:
        db.session.refresh(open_escalation)
        assert open_escalation.state == "open"


def test_the_agent_who_escalated_follows_and_unfollows(client, login_as, desk, open_escalation, db):
    login_as(desk["agent"])
    for method, url in FOLLOWING:
        assert _request(client, method, url, open_escalation).status_code == 302, url


def test_notifications_page_lists_mine_and_marks_them_read(client, login_as, desk, db):
    mine = factories.make_case(queue=desk["front"], subject="Printer on fire")
    above = factories.make_case(queue=desk["experts"], subject="Expert-only matter")
    inbox.notify([desk["agent"]], NotificationKind.FIRST_RESPONSE_WARNING, mine, mine.subject)
    inbox.notify([desk["agent"]], NotificationKind.FIRST_RESPONSE_WARNING, above, above.subject)
    inbox.notify([desk["lead"]], NotificationKind.ESCALATION, mine, "Someone else's notification")
    db.session.commit()
    login_as(desk["agent"])
    page = client.get("/agent/notifications").get_data(as_text=True)
    assert "First response due soon" in page and "Printer on fire" in page
    assert mine.number in page and "1 unread" in page
    # A case that has moved above the reader's tier drops out; others' notifications never show.
    assert "Expert-only matter" not in page and "Someone else" not in page
    one = db.session.scalar(
        db.select(Notification.id).where(
            Notification.user_id == desk["agent"].id, Notification.case_id == mine.id
        )
    )
    assert client.post("/agent/notifications/read", data={"notification": one}).status_code == 302
    assert inbox.unread_count(desk["agent"]) == 1  # the hidden one is still unread
    assert client.post("/agent/notifications/read").status_code == 302
    assert inbox.unread_count(desk["agent"]) == 0
    page = client.get("/agent/notifications").get_data(as_text=True)
    assert " unread</span>" not in page and "Mark all as read" not in page
    lead_unread = db.session.scalar(
        db.select(db.func.count())
        .select_from(Notification)
        .where(Notification.user_id == desk["lead"].id, Notification.read_at.is_(None))
    )
    assert lead_unread == 1


def test_escalation_inbox_runs_a_fixed_number_of_queries(client, login_as, desk, db, count_queries):
    def escalate_one(queue, priority):
        case = factories.make_case(queue=queue, status=CaseStatus.OPEN, priority=priority)
        db.session.commit()
        escalations.escalate(case, by=desk["agent"], reason="Load", version=case.version)
        db.session.commit()

    escalate_one(desk["front"], Priority.NORMAL)
    login_as(desk["lead"])
    client.get("/supervisor/escalations")
    with count_queries() as few:
        assert client.get("/supervisor/escalations").status_code == 200
    for priority in Priority:
        escalate_one(desk["front"], priority)
    second_front = factories.make_queue(1, name="Front two")
    desk["agent"].queues.append(second_front)
    escalate_one(second_front, Priority.URGENT)
    escalate_one(desk["specialists"], Priority.HIGH)
    with count_queries() as many:
        page = client.get("/supervisor/escalations")
    assert page.status_code == 200 and page.get_data(as_text=True).count("Load") == 7
    assert len(many) == len(few)


def test_pages_render_right_to_left_in_persian(client, login_as, desk, open_escalation, db):
    desk["lead"].language = "fa"
    inbox.notify(
        [desk["lead"]], NotificationKind.ESCALATION, open_escalation.case, "دلیل: پایگاه داده"
    )
    db.session.commit()
    login_as(desk["lead"])
    for url in [
        "/supervisor/escalations",
        "/agent/notifications",
        f"/agent/cases/{open_escalation.case.number}",
    ]:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert 'dir="rtl"' in page and "bootstrap.rtl.min.css" in page, url
    assert "دلیل: پایگاه داده" in client.get("/agent/notifications").get_data(as_text=True)
