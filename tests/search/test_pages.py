"""Search pages for agents and customers, and deflection while a customer types a new case."""

from __future__ import annotations

from portal.infra import outbox
from portal.models import AuditEvent, CaseStatus, EventKind, Role
from tests import factories

CANARY = "zanzibarcanary"


def indexed(db):
    """Deliver the search outbox as the end of a request would."""
    db.session.commit()
    outbox.deliver()


def test_agent_search_finds_highlights_and_shows_notes(client, login_as, db):
    agent = factories.make_user(Role.AGENT, max_tier=1)
    case = factories.make_case(
        subject="Printer driver crashes on نرم‌افزار update", description="The spooler hangs."
    )
    factories.add_event(case, EventKind.INTERNAL_NOTE, body=f"checked {CANARY} logs", author=agent)
    indexed(db)
    login_as(agent)
    assert case.number in client.get("/agent/search?q=printer").get_data(as_text=True)
    assert "<mark>spooler</mark>" in client.get("/agent/search?q=spooler").get_data(as_text=True)
    assert case.number in client.get(f"/agent/search?q={CANARY}").get_data(as_text=True)
    assert case.number in client.get("/agent/search?q=نرم افزار").get_data(as_text=True)


def test_customer_search_sees_only_own_public_text(client, login_as, db):
    me = factories.make_user(Role.CUSTOMER)
    other = factories.make_user(Role.CUSTOMER)
    mine = factories.make_case(me.contact, subject="Invoice totals wrong")
    factories.add_event(mine, EventKind.INTERNAL_NOTE, body=f"{CANARY} secret")
    theirs = factories.make_case(other.contact, subject=f"Invoice {CANARY} for them")
    indexed(db)
    login_as(me)
    page = client.get("/my/search?q=invoice").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page
    leaked = client.get(f"/my/search?q={CANARY}").get_data(as_text=True)
    assert mine.number not in leaked and theirs.number not in leaked
    assert "Nothing found." in leaked and "<mark>" not in leaked


def test_bad_search_syntax_is_not_an_error(client, login_as, db):
    login_as(Role.AGENT)
    for text in ['"unbalanced', "((((", "status:", "secret:x", "*", "a" * 600]:
        assert client.get("/agent/search", query_string={"q": text}).status_code == 200


def test_suggestions_offer_my_resolved_cases_only(client, login_as, db):
    me = factories.make_user(Role.CUSTOMER)
    stranger = factories.make_user(Role.CUSTOMER)
    solved = factories.make_case(
        me.contact, subject="VPN disconnects every hour", status=CaseStatus.RESOLVED
    )
    factories.make_case(me.contact, subject="VPN still open", status=CaseStatus.OPEN)
    factories.make_case(
        stranger.contact, subject="VPN disconnects for them", status=CaseStatus.RESOLVED
    )
    indexed(db)
    login_as(me)
    data = client.get("/my/cases/suggest?q=vpn disconnects").get_json()
    assert [s["number"] for s in data["suggestions"]] == [solved.number]


def test_deflections_are_counted_and_need_a_csrf_token(client, login_as, db):
    me = factories.make_user(Role.CUSTOMER)
    case = factories.make_case(me.contact, status=CaseStatus.RESOLVED)
    login_as(me)
    refused = client.post(
        "/my/cases/deflections", data={"kind": "solved", "number": case.number}, csrf=False
    )
    assert refused.status_code == 400
    token = client.csrf_token()
    ok = client.post(
        "/my/cases/deflections",
        data={"kind": "solved", "number": case.number},
        headers={"X-CSRFToken": token},
        csrf=False,
    )
    assert ok.get_json() == {"recorded": "solved"}
    row = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.action == "case.deflection")
    ).one()
    assert row.details == {"kind": "solved"} and row.subject_id == case.id


def test_deflection_on_another_customers_case_is_a_404(client, login_as, db):
    stranger = factories.make_user(Role.CUSTOMER)
    case = factories.make_case(stranger.contact, status=CaseStatus.RESOLVED)
    login_as(Role.CUSTOMER)
    assert (
        client.post(
            "/my/cases/deflections", data={"kind": "click", "number": case.number}
        ).status_code
        == 404
    )
