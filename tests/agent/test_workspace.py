"""The agent workspace: queues, the case page, locking, claims, bulk actions, macros, merges."""

from __future__ import annotations

import html
import threading
from datetime import timedelta

import pytest

from portal.domain import cases
from portal.domain.cases import assignment
from portal.kernel.errors import StaleCase
from portal.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseLink,
    CaseStatus,
    Channel,
    ContactRoleKind,
    EventKind,
    Macro,
    Priority,
    Role,
    RoutingRule,
)
from portal.models._base import utcnow
from tests import factories

CANARY = "CANARY-note-91c2"


@pytest.fixture
def desk(db):
    """Tier-1 and tier-3 queues, a tier-1 agent in the first, an expert in both."""
    front, experts = factories.make_queue(1, name="Front"), factories.make_queue(3, name="Experts")
    agent = factories.make_user(Role.AGENT, max_tier=1, name="Tara Tier1")
    expert = factories.make_user(Role.AGENT, max_tier=3, name="Elif Expert")
    agent.queues.append(front)
    expert.queues.extend([front, experts])
    db.session.commit()
    return {"front": front, "experts": experts, "agent": agent, "expert": expert}


def test_customers_get_403_and_visitors_sign_in(client, login_as, desk):
    case = factories.make_case(queue=desk["front"])
    urls = [
        "/agent",
        "/agent/queues",
        f"/agent/queues/{desk['front'].id}",
        f"/agent/cases/{case.number}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as(Role.CUSTOMER)
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(f"/agent/cases/{case.number}/claim").status_code == 403


def test_agent_cannot_see_or_act_above_their_tier(client, login_as, desk, db):
    high = factories.make_case(queue=desk["experts"], subject="Expert-only problem")
    login_as(desk["agent"])
    assert client.get(f"/agent/queues/{desk['experts'].id}").status_code == 404
    for method, url in [
        ("get", f"/agent/cases/{high.number}"),
        ("post", f"/agent/cases/{high.number}/claim"),
        ("post", f"/agent/cases/{high.number}/reply"),
        ("post", f"/agent/cases/{high.number}/fields"),
    ]:
        response = getattr(client, method)(
            url, **({"data": {"body": "x"}} if method == "post" else {})
        )
        assert response.status_code == 404, url
        assert "Expert-only problem" not in response.get_data(as_text=True)
    db.session.refresh(high)
    assert high.assignee_id is None


def test_my_work_lists_my_cases_next_due_first(client, login_as, desk):
    now = utcnow()
    later = factories.make_case(
        queue=desk["front"],
        subject="Later one",
        assignee=desk["agent"],
        status=CaseStatus.OPEN,
        resolution_due_at=now + timedelta(days=2),
    )
    sooner = factories.make_case(
        queue=desk["front"],
        subject="Sooner one",
        assignee=desk["agent"],
        status=CaseStatus.OPEN,
        resolution_due_at=now + timedelta(hours=2),
    )
    factories.make_case(queue=desk["front"], subject="Someone else's", assignee=desk["expert"])
    login_as(desk["agent"])
    page = client.get("/agent").get_data(as_text=True)
    assert page.index(sooner.subject) < page.index(later.subject)
    assert "Someone else" not in page


def test_queue_filters_and_sorts(client, login_as, desk):
    now = utcnow()
    breached = factories.make_case(
        queue=desk["front"],
        subject="Late one",
        status=CaseStatus.OPEN,
        resolution_due_at=now - timedelta(hours=1),
    )
    factories.make_case(
        queue=desk["front"],
        subject="Fine one",
        status=CaseStatus.OPEN,
        resolution_due_at=now + timedelta(days=3),
        priority=Priority.URGENT,
        assignee=desk["agent"],
    )
    login_as(desk["agent"])
    url = f"/agent/queues/{desk['front'].id}"
    only_late = client.get(f"{url}?sla=breached").get_data(as_text=True)
    assert breached.subject in only_late and "Fine one" not in only_late
    unassigned = client.get(f"{url}?assignee=none").get_data(as_text=True)
    assert "Late one" in unassigned and "Fine one" not in unassigned
    mine = client.get(f"{url}?assignee=me&priority=urgent").get_data(as_text=True)
    assert "Fine one" in mine and "Late one" not in mine
    by_priority = client.get(f"{url}?sort=priority").get_data(as_text=True)
    assert by_priority.index("Fine one") < by_priority.index("Late one")


@pytest.mark.parametrize(
    "query", ["sort=drop%20table", "status=weird", "sla=maybe", "page=-1", "assignee=x'"]
)
def test_malformed_queue_filters_are_a_400(client, login_as, desk, query):
    login_as(desk["agent"])
    assert client.get(f"/agent/queues/{desk['front'].id}?{query}").status_code == 400


def test_workspace_shows_notes_distinctly_and_reply_emails_the_customer(
    client, login_as, desk, db, smtp
):
    case = factories.make_case(queue=desk["front"])
    factories.add_event(case, EventKind.INTERNAL_NOTE, body=CANARY, author=desk["expert"])
    login_as(desk["agent"])
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert CANARY in page and "Internal note" in page
    client.post(
        f"/agent/cases/{case.number}/reply", data={"body": "Fixed on our side.", "internal": ""}
    )
    client.post(f"/agent/cases/{case.number}/reply", data={"body": "note only", "internal": "y"})
    messages = smtp.wait_for(1)
    assert (
        len(messages) == 1
        and "Fixed on our side." in messages[0].get_body(("plain",)).get_content()
    )
    assert CANARY not in messages[0].as_string() and "note only" not in messages[0].as_string()
    db.session.refresh(case)
    assert case.first_responded_at is not None


def test_stale_edit_gets_409_and_keeps_the_first_change(app, client, login_as, desk, db):
    case = factories.make_case(queue=desk["front"], status=CaseStatus.OPEN)
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login_as(desk["agent"], test_client=first)
    login_as(desk["expert"], test_client=second)
    seen_version = case.version
    form = {
        "status": "open",
        "category": "general",
        "queue": str(desk["front"].id),
        "version": str(seen_version),
    }
    assert (
        first.post(
            f"/agent/cases/{case.number}/fields", data={**form, "priority": "high"}
        ).status_code
        == 302
    )
    stale = second.post(
        f"/agent/cases/{case.number}/fields", data={**form, "priority": "low", "status": "pending"}
    )
    assert stale.status_code == 409
    assert "changed while you were editing" in stale.get_data(as_text=True)
    assert '<option selected value="low">' in stale.get_data(
        as_text=True
    )  # the agent's choice is kept
    db.session.refresh(case)
    assert (case.priority, case.status) == (Priority.HIGH, CaseStatus.OPEN)
    assert case.version == seen_version + 1  # one edit, one version


def test_reply_text_is_kept_when_a_file_is_refused(client, login_as, desk):
    import io

    case = factories.make_case(queue=desk["front"])
    login_as(desk["agent"])
    response = client.post(
        f"/agent/cases/{case.number}/reply",
        data={"body": "My long careful answer", "files": [(io.BytesIO(b"<script>"), "x.html")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "My long careful answer" in response.get_data(
        as_text=True
    )


def test_ten_agents_claim_at_once_and_exactly_one_wins(app, desk, db):
    case = factories.make_case(queue=desk["front"])
    agents = [factories.make_user(Role.AGENT, max_tier=1) for _ in range(10)]
    db.session.commit()
    agent_ids, case_id = [agent.id for agent in agents], case.id
    db.session.commit()  # the test itself holds no transaction while the agents race
    barrier = threading.Barrier(10)
    outcomes = []

    def claim(agent_id):
        with app.app_context():
            from portal.extensions import db as database
            from portal.models import User

            agent = database.session.get(User, agent_id)
            target = database.session.get(Case, case_id)
            database.session.rollback()  # hold no transaction while waiting for the others
            barrier.wait()
            try:
                assignment.claim(target, by=agent)
                database.session.commit()
                outcomes.append("won")
            except StaleCase:
                database.session.rollback()
                outcomes.append("lost")

    threads = [threading.Thread(target=claim, args=(agent_id,)) for agent_id in agent_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["lost"] * 9 + ["won"]
    db.session.expire_all()
    claimed = db.session.get(Case, case_id)
    assert claimed.assignee_id in set(agent_ids) and claimed.status == CaseStatus.OPEN


def test_claim_through_the_page_and_a_second_claim_gets_409(app, client, login_as, desk, db):
    case = factories.make_case(queue=desk["front"])
    login_as(desk["agent"])
    assert client.post(f"/agent/cases/{case.number}/claim").status_code == 302
    other = app.test_client()
    login_as(desk["expert"], test_client=other)
    assert other.post(f"/agent/cases/{case.number}/claim").status_code == 409
    db.session.refresh(case)
    assert case.assignee_id == desk["agent"].id


def test_bulk_actions_on_a_queue(client, login_as, desk, db):
    selected = [factories.make_case(queue=desk["front"]) for _ in range(3)]
    other_front = factories.make_queue(1, name="Front two")
    login_as(desk["expert"])
    url = f"/agent/queues/{desk['front'].id}/bulk"
    ids = [str(case.id) for case in selected]
    assert (
        client.post(url, data={"case_ids": ids, "action": "priority", "value": "high"}).status_code
        == 302
    )
    assert (
        client.post(
            url, data={"case_ids": ids[:2], "action": "assign", "value": str(desk["agent"].id)}
        ).status_code
        == 302
    )
    assert (
        client.post(
            url, data={"case_ids": ids[:1], "action": "queue", "value": str(other_front.id)}
        ).status_code
        == 302
    )
    refused = client.post(
        url, data={"case_ids": ids[1:], "action": "queue", "value": str(desk["experts"].id)}
    )
    assert refused.status_code == 302
    db.session.expire_all()
    rows = [db.session.get(Case, case.id) for case in selected]
    assert [r.priority for r in rows] == [Priority.HIGH] * 3
    assert [r.assignee_id for r in rows] == [desk["agent"].id, desk["agent"].id, None]
    assert [r.queue_id for r in rows] == [other_front.id, desk["front"].id, desk["front"].id]


def test_bulk_refuses_cases_the_agent_may_not_touch(client, login_as, desk, db):
    high = factories.make_case(queue=desk["experts"])
    login_as(desk["agent"])
    response = client.post(
        f"/agent/queues/{desk['front'].id}/bulk",
        data={"case_ids": [str(high.id)], "action": "priority", "value": "low"},
    )
    assert response.status_code == 404
    db.session.refresh(high)
    assert high.priority == Priority.NORMAL


def test_log_a_phone_call_and_open_a_case_from_one(client, login_as, desk, db):
    contact = factories.make_contact(factories.make_account())
    desk["front"].is_default = True
    login_as(desk["agent"])
    response = client.post(
        f"/agent/contacts/{contact.id}/phone-case",
        data={
            "contact_id": str(contact.id),
            "subject": "Cannot print",
            "description": "Caller says spooler hangs",
            "category": "technical",
            "priority": "high",
            "duration_minutes": "7",
        },
    )
    assert response.status_code == 302
    case = db.session.scalars(db.select(Case)).one()
    assert case.channel == Channel.PHONE and case.requester_id == contact.id
    call = db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.kind == EventKind.INTERACTION)
    ).one()
    assert call.duration_seconds == 420 and call.channel == Channel.PHONE
    logged = client.post(
        f"/agent/cases/{case.number}/interactions",
        data={
            "channel": "email",
            "direction": "outbound",
            "occurred_at": "2026-11-20T10:30",
            "duration_minutes": "",
            "summary": "Sent the driver link",
        },
    )
    assert logged.status_code == 302
    assert "Sent the driver link" in client.get(f"/agent/cases/{case.number}").get_data(
        as_text=True
    )


def test_macros_are_for_supervisors_and_fill_placeholders(client, login_as, desk, db, app):
    case = factories.make_case(queue=desk["front"])
    login_as(desk["agent"])
    assert client.get("/agent/macros").status_code == 403
    assert (
        client.post(
            "/agent/macros/new", data={"name": "x", "language": "en", "body": "x"}
        ).status_code
        == 403
    )
    supervisor_client = app.test_client()
    login_as(Role.SUPERVISOR, test_client=supervisor_client)
    supervisor_client.post(
        "/agent/macros/new",
        data={
            "name": "Greeting",
            "language": "en",
            "is_active": "y",
            "body": "Hello {contact_name}, about {case_number}: {agent_name} here.",
        },
    )
    macro = db.session.scalars(db.select(Macro)).one()
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    # The page carries the filled text for the browser to insert at the cursor.
    assert f'data-text="Hello {case.requester.name}, about {case.number}: Tara Tier1 here."' in (
        page
    )
    assert f'<option value="{macro.id}"' in page


# --- Inserting a macro without JavaScript keeps the draft (issue 12, item 8) ------------------


@pytest.fixture
def greeting(db, desk):
    macro = Macro(name="Greeting", language="en", body="Hello {contact_name}, {agent_name} here.")
    db.session.add(macro)
    db.session.commit()
    return macro


def test_macro_fallback_shows_the_draft_with_the_macro_after_it(client, login_as, desk, greeting):
    case = factories.make_case(queue=desk["front"])
    login_as(desk["agent"])
    draft = "I checked the export <logs> & found this:\nline two"
    response = client.post(
        f"/agent/cases/{case.number}/macro",
        data={"macro": str(greeting.id), "body": draft, "internal": "y"},
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    expected = f"{draft}\nHello {case.requester.name}, Tara Tier1 here."
    box = page[page.index('name="body"') :]
    typed = html.unescape(box[box.index(">") + 1 : box.index("</textarea>")])
    assert typed.replace("\r\n", "\n").strip("\n") == expected
    # The note box stays a note.
    internal = page[page.index('name="internal"') - 200 : page.index('name="internal"') + 200]
    assert "checked" in internal
    # Nothing was sent.
    assert not db_events(case)


def db_events(case):
    from portal.extensions import db

    return db.session.scalars(
        db.select(CaseEvent).where(
            CaseEvent.case_id == case.id,
            CaseEvent.kind.in_((EventKind.PUBLIC_REPLY, EventKind.INTERNAL_NOTE)),
        )
    ).all()


def test_macro_fallback_without_a_macro_in_use_keeps_the_draft(
    client, login_as, desk, greeting, db
):
    case = factories.make_case(queue=desk["front"])
    greeting.is_active = False
    db.session.commit()
    login_as(desk["agent"])
    for macro in (str(greeting.id), "", "99999999999", "x"):
        response = client.post(
            f"/agent/cases/{case.number}/macro", data={"macro": macro, "body": "My own words"}
        )
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "My own words</textarea>" in page and "Choose a macro in use." in page


def test_macro_fallback_is_for_those_who_may_work_the_case(client, login_as, desk, greeting):
    case = factories.make_case(queue=desk["experts"])
    url = f"/agent/cases/{case.number}/macro"

    def data():
        return {"macro": str(greeting.id), "body": "x"}

    response = client.post(url, data=data())
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as(Role.CUSTOMER)
    assert client.post(url, data=data()).status_code == 403
    tier_one = client.application.test_client()
    login_as(desk["agent"], test_client=tier_one)
    assert tier_one.post(url, data=data()).status_code == 404


def test_a_sent_reply_tells_the_next_page_to_forget_the_draft(client, login_as, desk):
    case = factories.make_case(queue=desk["front"], status=CaseStatus.OPEN)
    login_as(desk["agent"])
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert f'data-draft="{desk["agent"].id}/{case.number}/reply"' in page
    assert "data-draft-sent" not in page
    client.post(f"/agent/cases/{case.number}/reply", data={"body": "Thanks, fixed."})
    assert "data-draft-sent" in client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    # Only once: a later reload keeps whatever is typed next.
    assert "data-draft-sent" not in client.get(f"/agent/cases/{case.number}").get_data(as_text=True)


def test_merge_moves_timeline_files_and_contacts(client, login_as, desk, db):
    account = factories.make_account()
    keep = factories.make_case(factories.make_contact(account), queue=desk["front"])
    dup_requester = factories.make_contact(account)
    duplicate = factories.make_case(
        dup_requester, queue=desk["front"], subject="Same problem again"
    )
    event = factories.add_event(duplicate, body="more details")
    db.session.add(
        Attachment(
            case_id=duplicate.id,
            event=event,
            storage_name="cd" * 16,
            display_name="log.txt",
            content_type="text/plain",
            size_bytes=1,
            sha256="0",
        )
    )
    login_as(desk["agent"])
    response = client.post(
        f"/agent/cases/{duplicate.number}/merge",
        data={"into": keep.number, "version": str(duplicate.version)},
    )
    assert response.headers["Location"] == f"/agent/cases/{keep.number}"
    db.session.expire_all()
    merged = db.session.get(Case, duplicate.id)
    assert merged.status == CaseStatus.CLOSED and merged.merged_into_id == keep.id
    target = db.session.get(Case, keep.id)
    assert "more details" in [e.body for e in target.events]
    assert [a.display_name for a in target.attachments] == ["log.txt"]
    assert (dup_requester.id, ContactRoleKind.CC) in {
        (r.contact_id, r.kind) for r in target.contact_roles
    }


def test_link_related_cases(client, login_as, desk, db):
    a, b = factories.make_case(queue=desk["front"]), factories.make_case(queue=desk["front"])
    login_as(desk["agent"])
    client.post(f"/agent/cases/{a.number}/link", data={"other": b.number})
    client.post(f"/agent/cases/{b.number}/link", data={"other": a.number})
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseLink)) == 1
    assert b.number in client.get(f"/agent/cases/{a.number}").get_data(as_text=True)


def test_routing_rules_and_round_robin_auto_assignment(db):
    billing = factories.make_queue(1, name="Billing desk", auto_assign=True)
    factories.make_queue(1, name="Default desk", is_default=True)
    db.session.add(
        RoutingRule(category="billing", queue=billing, position=1, priority=Priority.HIGH)
    )
    ann, bob, away, full = (
        factories.make_user(Role.AGENT, name=n) for n in ("Ann", "Bob", "Away", "Full")
    )
    away.is_available = False
    full.max_open_cases = 0
    billing.members.extend([ann, bob, away, full])
    requester = factories.make_contact(factories.make_account())
    made = [
        cases.open_case(
            requester=requester,
            subject=f"Invoice {n}",
            description="?",
            category="billing",
            by=None,
        )
        for n in range(4)
    ]
    other = cases.open_case(
        requester=requester, subject="Login", description="?", category="account", by=None
    )
    assert {case.queue.name for case in made} == {
        "Billing desk"
    } and other.queue.name == "Default desk"
    assert [case.priority for case in made] == [Priority.HIGH] * 4
    assert [case.assignee.name for case in made] == ["Ann", "Bob", "Ann", "Bob"]
    assert other.assignee is None


def test_queue_page_and_workspace_run_a_fixed_number_of_queries(
    client, login_as, desk, db, count_queries
):
    def build(n):
        made = None
        for _ in range(n):
            made = factories.make_case(
                queue=desk["front"], assignee=desk["agent"], status=CaseStatus.OPEN
            )
            for _ in range(n):
                factories.add_event(made, body="r", author=desk["agent"])
                factories.add_event(made, EventKind.INTERNAL_NOTE, body="n", author=desk["expert"])
        return made

    login_as(desk["agent"])
    small = build(2)
    db.session.commit()
    url = f"/agent/queues/{desk['front'].id}"
    with count_queries() as few_queue:
        client.get(url)
    with count_queries() as few_case:
        client.get(f"/agent/cases/{small.number}")
    with count_queries() as few_home:
        client.get("/agent")
    big = build(15)
    db.session.commit()
    with count_queries() as many_queue:
        client.get(url)
    with count_queries() as many_case:
        client.get(f"/agent/cases/{big.number}")
    with count_queries() as many_home:
        client.get("/agent")
    assert len(many_queue) == len(few_queue)
    assert len(many_case) == len(few_case)
    assert len(many_home) == len(few_home)
