"""Manual escalation, the tier-3 flag, the tier gate and the supervisor's answers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.domain import escalations
from portal.domain.escalations import sla_sweep
from portal.kernel.errors import InvalidTransition, NotAllowed, StaleCase
from portal.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Escalation,
    EscalationState,
    EventKind,
    Notification,
    NotificationKind,
    Priority,
    Role,
    User,
)
from portal.models._base import utcnow
from tests import factories
from tests.reading import as_read

REASON = "Needs database access"
NOTE = "Customer sees error 0x80 on every export; logs attached to the first reply."


def notified(db, kind=None) -> set[tuple[str, str]]:
    """(user name, kind) of every notification."""
    query = db.select(Notification)
    if kind:
        query = query.where(Notification.kind == kind)
    rows = db.session.scalars(query).all()
    return {(db.session.get(User, row.user_id).name, row.kind) for row in rows}


def escalation_of(db, case) -> Escalation:
    return db.session.scalars(db.select(Escalation).where(Escalation.case_id == case.id)).one()


def escalate_form(case, **overrides) -> dict:
    return {
        "to_queue": "0",
        "to_agent": "0",
        "reason": REASON,
        "handoff_note": NOTE,
        "version": str(case.version),
        **overrides,
    }


@pytest.fixture
def worked_case(desk, db):
    """An open tier-1 case that the tier-1 agent is working."""
    case = factories.make_case(
        queue=desk["front"], status=CaseStatus.OPEN, assignee=desk["agent"], subject="Export fails"
    )
    db.session.commit()
    return case


def test_agent_escalates_to_the_next_tier_and_its_supervisor_and_agents_are_told(
    client, login_as, desk, worked_case, db, smtp
):
    login_as(desk["agent"])
    page = as_read(client.get(f"/agent/cases/{worked_case.number}").get_data(as_text=True))
    assert "Escalate" in page and "Specialists (2)" in page and "Never escalated." in page
    response = client.post(
        f"/agent/cases/{worked_case.number}/escalate", data=escalate_form(worked_case)
    )
    # The case is now above the agent's tier, and still theirs to read: they escalated it.
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agent/cases/{worked_case.number}")
    db.session.refresh(worked_case)
    assert (worked_case.queue_id, worked_case.tier) == (desk["specialists"].id, 2)
    assert worked_case.assignee_id is None
    escalation = escalation_of(db, worked_case)
    assert (escalation.from_tier, escalation.to_tier, escalation.state) == (
        1,
        2,
        EscalationState.OPEN,
    )
    assert escalation.from_queue_id == desk["front"].id
    assert escalation.to_queue_id == desk["specialists"].id
    assert escalation.requested_by_id == desk["agent"].id
    assert (escalation.reason, escalation.handoff_note) == (REASON, NOTE)
    event = db.session.scalars(
        db.select(CaseEvent).where(
            CaseEvent.case_id == worked_case.id, CaseEvent.kind == EventKind.ESCALATION
        )
    ).one()
    assert event.body == REASON and event.author_id == desk["agent"].id
    # Nobody was chosen: the Specialists queue's own supervisor and its agents who work tier 2
    # are told (not the escalating agent, not the customer).
    assert notified(db) == {
        ("Lena Lead", NotificationKind.ESCALATION),
        ("Sami Specialist", NotificationKind.ESCALATION),
    }
    messages = smtp.wait_for(2)
    assert sorted(message["To"] for message in messages) == sorted(
        [desk["lead"].email, desk["specialist"].email]
    )
    for message in messages:
        body = message.get_body(("plain",)).get_content()
        assert worked_case.number in message["Subject"]
        assert REASON in body and NOTE in body
        assert f"http://casework.test/agent/cases/{worked_case.number}#event-{event.id}" in body
        assert "/my/cases" not in message.as_string()


def test_escalating_agent_keeps_reading_the_case_but_cannot_work_it(
    client, login_as, desk, worked_case, db
):
    escalations.escalate(worked_case, by=desk["agent"], reason=REASON, version=worked_case.version)
    db.session.commit()
    login_as(desk["agent"])
    response = client.get(f"/agent/cases/{worked_case.number}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Export fails" in page
    # Read, not work: no forms that would only be refused.
    assert "above your tier" in page
    for action in ("reply", "fields", "assign", "claim", "escalate", "interactions", "merge"):
        assert f"/agent/cases/{worked_case.number}/{action}" not in page, action
    assert (
        client.post(
            f"/agent/cases/{worked_case.number}/escalate", data=escalate_form(worked_case)
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/agent/cases/{worked_case.number}/reply", data={"body": "Still here"}
        ).status_code
        == 403
    )


def test_other_tier_one_agents_lose_sight_of_an_escalated_case(
    client, login_as, desk, worked_case, db
):
    colleague = factories.make_user(Role.AGENT, max_tier=1)
    colleague.queues.append(desk["front"])
    escalations.escalate(worked_case, by=desk["agent"], reason=REASON, version=worked_case.version)
    db.session.commit()
    login_as(colleague)
    response = client.get(f"/agent/cases/{worked_case.number}")
    assert response.status_code == 404
    assert "Export fails" not in response.get_data(as_text=True)


def test_escalating_to_nobody_tells_the_target_queues_agents_of_its_tier(
    client, login_as, desk, worked_case, db, smtp
):
    """With "nobody yet" chosen, every member who works the target queue as an agent at its
    tier hears of it in-app, and by email if they have email on, in their language."""
    quiet = factories.make_user(
        Role.AGENT, max_tier=2, name="Qadir Quiet", language="ar", notify_by_email=False
    )
    junior = factories.make_user(Role.AGENT, max_tier=1, name="Jun Junior")
    arabic = factories.make_user(Role.AGENT, max_tier=3, name="Amal Arabic", language="ar")
    for member in (quiet, junior, arabic):
        member.queues.append(desk["specialists"])
    db.session.commit()
    login_as(desk["agent"])
    client.post(f"/agent/cases/{worked_case.number}/escalate", data=escalate_form(worked_case))
    event = db.session.scalars(
        db.select(CaseEvent).where(CaseEvent.kind == EventKind.ESCALATION)
    ).one()
    # Not the tier-1 member (cannot work tier 2), not the agent who escalated it.
    assert notified(db, NotificationKind.ESCALATION) == {
        ("Lena Lead", NotificationKind.ESCALATION),
        ("Sami Specialist", NotificationKind.ESCALATION),
        ("Qadir Quiet", NotificationKind.ESCALATION),
        ("Amal Arabic", NotificationKind.ESCALATION),
    }
    assert set(db.session.scalars(db.select(Notification.event_id))) == {event.id}
    messages = {m["To"]: m for m in smtp.wait_for(3)}
    assert set(messages) == {desk["lead"].email, desk["specialist"].email, arabic.email}
    arabic_text = messages[arabic.email].get_body(("plain",)).get_content()
    assert "مرحب" in arabic_text and "Amal Arabic" in arabic_text  # greeted in Arabic
    assert 'dir="rtl"' in messages[arabic.email].get_body(("html",)).get_content()


def test_escalation_to_a_chosen_queue_and_agent(desk, worked_case, db):
    escalations.escalate(
        worked_case,
        by=desk["agent"],
        reason=REASON,
        to_queue=desk["experts"],
        to_agent=desk["expert"],
        version=worked_case.version,
    )
    db.session.commit()
    assert (worked_case.tier, worked_case.queue_id) == (3, desk["experts"].id)
    assert worked_case.assignee_id == desk["expert"].id
    # Experts has no supervisor of its own, so every active supervisor is told.
    assert notified(db) == {
        ("Lena Lead", NotificationKind.ESCALATION),
        ("Bo Boss", NotificationKind.ESCALATION),
        ("Elif Expert", NotificationKind.ESCALATION_ASSIGNED),
    }


@pytest.mark.parametrize(
    "target",
    [
        {"to_queue": "front"},  # not a higher tier
        {"to_agent": "specialist"},  # not a member of the Experts queue (the default target)
    ],
)
def test_escalation_refuses_a_lower_queue_or_an_agent_who_cannot_work_there(
    desk, worked_case, db, target
):
    kwargs = {key: desk[value] for key, value in target.items()}
    if "to_agent" in kwargs:
        kwargs["to_queue"] = desk["experts"]
    with pytest.raises(InvalidTransition):
        escalations.escalate(
            worked_case, by=desk["agent"], reason=REASON, version=worked_case.version, **kwargs
        )
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Escalation)) == 0


def test_reason_is_required_and_the_typed_note_is_kept(client, login_as, desk, worked_case, db):
    login_as(desk["agent"])
    response = client.post(
        f"/agent/cases/{worked_case.number}/escalate",
        data=escalate_form(worked_case, reason="  "),
    )
    assert response.status_code == 400
    assert NOTE in response.get_data(as_text=True)
    with pytest.raises(InvalidTransition):
        escalations.escalate(worked_case, by=desk["agent"], reason="", version=worked_case.version)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Escalation)) == 0


def test_stale_escalation_gets_409_and_changes_nothing(client, login_as, desk, worked_case, db):
    seen = worked_case.version
    worked_case.priority = Priority.HIGH  # someone else's edit in the meantime
    db.session.commit()
    login_as(desk["agent"])
    response = client.post(
        f"/agent/cases/{worked_case.number}/escalate",
        data=escalate_form(worked_case, version=str(seen)),
    )
    assert response.status_code == 409
    assert NOTE in response.get_data(as_text=True)
    db.session.refresh(worked_case)
    assert worked_case.tier == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Escalation)) == 0


def test_tier_three_cannot_go_higher_and_is_flagged_to_supervisors(
    client, login_as, desk, db, smtp
):
    case = factories.make_case(
        queue=desk["experts"], status=CaseStatus.OPEN, assignee=desk["expert"]
    )
    db.session.commit()
    login_as(desk["expert"])
    page = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert "Flag to supervisors" in page
    response = client.post(
        f"/agent/cases/{case.number}/escalate", data=escalate_form(case), follow_redirects=True
    )
    assert response.status_code == 200
    assert "flagged to supervisors" in response.get_data(as_text=True)
    db.session.refresh(case)
    assert (case.tier, case.queue_id, case.assignee_id) == (
        3,
        desk["experts"].id,
        desk["expert"].id,
    )
    flag = escalation_of(db, case)
    assert (flag.from_tier, flag.to_tier, flag.state) == (3, 3, EscalationState.OPEN)
    assert escalations.is_flag(flag)
    assert notified(db) == {
        ("Lena Lead", NotificationKind.ESCALATION_FLAG),
        ("Bo Boss", NotificationKind.ESCALATION_FLAG),
    }
    assert sorted(m["To"] for m in smtp.wait_for(2)) == sorted(
        [desk["lead"].email, desk["boss"].email]
    )
    with pytest.raises(InvalidTransition):
        escalations.return_to_lower_tier(flag, by=desk["lead"], guidance="Nowhere to go")


def test_closed_cases_are_not_escalated(desk, db):
    case = factories.make_case(queue=desk["front"], status=CaseStatus.CLOSED)
    db.session.commit()
    with pytest.raises(InvalidTransition):
        escalations.escalate(case, by=desk["agent"], reason=REASON, version=case.version)


# --- The supervisor's answers -----------------------------------------------------------------


@pytest.fixture
def escalated(desk, worked_case, db):
    escalation = escalations.escalate(
        worked_case, by=desk["agent"], reason=REASON, handoff_note=NOTE, version=worked_case.version
    )
    db.session.commit()
    db.session.execute(db.delete(Notification))
    db.session.commit()
    return escalation


def test_supervisor_takes_the_escalation(client, login_as, desk, escalated, db):
    login_as(desk["lead"])
    response = client.post(f"/supervisor/escalations/{escalated.id}/accept", data={"assign_to": 0})
    assert response.status_code == 302
    db.session.expire_all()
    assert escalated.state == EscalationState.ACCEPTED
    assert escalated.handled_by_id == desk["lead"].id and escalated.handled_at is not None
    assert escalated.case.assignee_id == desk["lead"].id
    # A second answer to the same escalation is refused, not applied twice.
    again = client.post(f"/supervisor/escalations/{escalated.id}/accept", data={"assign_to": 0})
    assert again.status_code == 409


def test_supervisor_assigns_an_agent_of_the_tier(client, login_as, desk, escalated, db):
    login_as(desk["lead"])
    wrong = client.post(
        f"/supervisor/escalations/{escalated.id}/accept", data={"assign_to": desk["agent"].id}
    )
    assert wrong.status_code == 400  # a tier-1 agent cannot work a tier-2 case
    response = client.post(
        f"/supervisor/escalations/{escalated.id}/accept",
        data={"assign_to": desk["specialist"].id},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert escalated.case.assignee_id == desk["specialist"].id
    assert escalated.case.status == CaseStatus.OPEN
    # The new assignee, and the agent who escalated it (a follower): how it ended.
    assert notified(db) == {
        ("Sami Specialist", NotificationKind.ESCALATION_ASSIGNED),
        ("Tara Tier1", NotificationKind.ESCALATION_ACCEPTED),
    }


def test_return_with_guidance_is_a_bounce_back(client, login_as, desk, escalated, db, app):
    login_as(desk["lead"])
    missing = client.post(f"/supervisor/escalations/{escalated.id}/return", data={"guidance": ""})
    assert missing.status_code == 400
    guidance = "Reset the export cache first; see KB-12."
    response = client.post(
        f"/supervisor/escalations/{escalated.id}/return", data={"guidance": guidance}
    )
    assert response.status_code == 302
    db.session.expire_all()
    case = escalated.case
    assert escalated.state == EscalationState.RETURNED
    assert (case.tier, case.queue_id) == (1, desk["front"].id)
    assert case.assignee_id == desk["agent"].id  # back to the agent who escalated it
    assert notified(db) == {("Tara Tier1", NotificationKind.ESCALATION_RETURNED)}
    other = app.test_client()
    login_as(desk["agent"], test_client=other)
    page = other.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    assert guidance in page and "Returned" in page and NOTE in page
    notes = other.get("/agent/notifications").get_data(as_text=True)
    assert "Escalation returned with guidance" in notes and guidance in notes


def test_resolve_leaves_the_case_where_it_is(client, login_as, desk, escalated, db):
    login_as(desk["boss"])
    assert client.post(f"/supervisor/escalations/{escalated.id}/resolve").status_code == 302
    db.session.expire_all()
    assert escalated.state == EscalationState.RESOLVED
    assert escalated.handled_by_id == desk["boss"].id
    assert (escalated.case.tier, escalated.case.queue_id) == (2, desk["specialists"].id)
    assert client.get("/supervisor/escalations").get_data(as_text=True).count(REASON) == 0


def test_only_supervisors_answer_escalations(desk, escalated):
    with pytest.raises(NotAllowed):
        escalations.accept(escalated, by=desk["expert"])


def test_two_answers_at_once_only_one_wins(desk, escalated, db):
    escalations.resolve(escalated, by=desk["boss"])
    with pytest.raises(StaleCase):
        escalations.accept(escalated, by=desk["lead"])


def test_returning_after_the_case_moved_on_is_refused(desk, escalated, db):
    case = escalated.case
    escalations.escalate(
        case, by=desk["specialist"], reason="Needs an expert", version=case.version
    )
    db.session.commit()
    with pytest.raises(InvalidTransition):
        escalations.return_to_lower_tier(escalated, by=desk["lead"], guidance="Too late")


# --- The inbox --------------------------------------------------------------------------------


def test_inbox_lists_open_escalations_by_priority_then_age(client, login_as, desk, db):
    now = utcnow()
    older = factories.make_case(queue=desk["front"], subject="Older normal one")
    newer = factories.make_case(
        queue=desk["front"], subject="Newer urgent one", priority=Priority.URGENT
    )
    db.session.commit()
    escalations.escalate(
        older,
        by=desk["agent"],
        reason="Old reason",
        handoff_note="old note",
        version=older.version,
        now=now - timedelta(hours=3),
    )
    escalations.escalate(newer, by=desk["agent"], reason="New reason", version=newer.version)
    db.session.commit()
    login_as(desk["lead"])
    by_priority = client.get("/supervisor/escalations").get_data(as_text=True)
    assert by_priority.index("Newer urgent one") < by_priority.index("Older normal one")
    assert "Old reason" in by_priority and "old note" in by_priority
    by_age = client.get("/supervisor/escalations?sort=age").get_data(as_text=True)
    assert by_age.index("Older normal one") < by_age.index("Newer urgent one")
    assert client.get("/supervisor/escalations?sort=oops").status_code == 400


def test_escalations_by_the_sweep_show_its_reason_and_no_requester(client, login_as, desk, db):
    case = factories.make_case(queue=desk["front"], status=CaseStatus.OPEN)
    db.session.commit()
    escalations.escalate(case, by=None, reason=sla_sweep.SLA_BREACH_REASON)
    db.session.commit()
    login_as(desk["lead"])
    page = client.get("/supervisor/escalations").get_data(as_text=True)
    assert "SLA breach" in page and "SLA sweep" in page


def test_case_model_keeps_one_version_step_per_escalation(desk, worked_case, db):
    before = worked_case.version
    escalations.escalate(worked_case, by=desk["agent"], reason=REASON, version=before)
    db.session.commit()
    assert db.session.get(Case, worked_case.id).version == before + 1


# --- The inbox's words and its assignee default (issue 12, item 18) ----------------------------


def _inbox_card(page: str, case) -> str:
    """The inbox card of one case: from its number to the next card."""
    start = page.index(f">{case.number}</a>")
    end = page.find("<article", start)
    return page[start : end if end != -1 else len(page)]


def _selected_assignee(card: str) -> str:
    select = card[card.index('name="assign_to"') :]
    select = select[: select.index("</select>")]
    selected = [option for option in select.split("<option")[1:] if " selected" in option]
    assert len(selected) == 1, selected
    return selected[0].split(">", 1)[1].split("</option")[0].strip()


def test_inbox_words_name_the_escalation_not_the_case(client, login_as, desk, worked_case, db):
    escalations.escalate(worked_case, by=desk["agent"], reason=REASON, version=worked_case.version)
    db.session.commit()
    login_as(desk["lead"])
    card = _inbox_card(client.get("/supervisor/escalations").get_data(as_text=True), worked_case)
    assert "Escalation open" in card and ">Open<" not in card
    assert "Close escalation" in card and "The case stays as it is." in card
    assert ">Resolve<" not in card
    assert "Assign the case to" in card and "Give it to" not in card
    assert "Accept escalation" in card and "Return to tier 1" in card
    escalation = escalation_of(db, worked_case)
    response = client.post(f"/supervisor/escalations/{escalation.id}/resolve", data={})
    assert response.status_code == 302
    after = client.get("/supervisor/escalations").get_data(as_text=True)
    assert "Escalation closed. The case itself is unchanged." in after
    db.session.refresh(worked_case)
    assert worked_case.status == CaseStatus.OPEN


def test_inbox_offers_the_case_to_its_eligible_assignee_first(
    client, login_as, desk, worked_case, db
):
    escalations.escalate(
        worked_case,
        by=desk["agent"],
        reason=REASON,
        to_agent=desk["specialist"],
        version=worked_case.version,
    )
    db.session.commit()
    login_as(desk["lead"])
    card = _inbox_card(client.get("/supervisor/escalations").get_data(as_text=True), worked_case)
    assert _selected_assignee(card) == "Sami Specialist (current assignee)"
    # Accepting as offered keeps the specialist on the case.
    escalation = escalation_of(db, worked_case)
    client.post(
        f"/supervisor/escalations/{escalation.id}/accept",
        data={"assign_to": str(desk["specialist"].id)},
    )
    db.session.refresh(worked_case)
    assert worked_case.assignee_id == desk["specialist"].id


def test_inbox_offers_the_supervisor_when_nobody_eligible_owns_the_case(
    client, login_as, desk, worked_case, db
):
    unassigned = factories.make_case(queue=desk["front"], subject="Nobody has it")
    db.session.commit()
    escalations.escalate(unassigned, by=desk["agent"], reason=REASON, version=unassigned.version)
    escalations.escalate(worked_case, by=desk["agent"], reason=REASON, version=worked_case.version)
    # The tier-1 agent still holds the case (say a supervisor moved it back by hand): they
    # may not work tier 2, so the supervisor is offered instead of them.
    worked_case.assignee = desk["agent"]
    db.session.commit()
    login_as(desk["lead"])
    page = client.get("/supervisor/escalations").get_data(as_text=True)
    assert _selected_assignee(_inbox_card(page, unassigned)) == "Me"
    assert _selected_assignee(_inbox_card(page, worked_case)) == "Me"
