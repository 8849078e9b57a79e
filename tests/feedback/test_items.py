"""Feedback items: customers submit and read their own; staff log, triage, discuss internally
and close the loop with a response that is emailed and shown in the portal."""

from __future__ import annotations

import sqlalchemy as sa

from portal.domain import voc
from portal.domain.voc import items
from portal.models import (
    Channel,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    FeedbackTheme,
    Role,
    Sentiment,
)
from tests import factories

CANARY = "CANARY-internal-7f3a9c"


def item_of(db, **filters) -> Feedback:
    db.session.expire_all()
    return db.session.scalars(sa.select(Feedback).filter_by(**filters)).one()


def test_customer_sends_feedback_about_their_case_and_finds_it(client, db, login_as, world):
    login_as(world.customer)
    form = client.get(f"/feedback/mine/new?case={world.case.number}").get_data(as_text=True)
    assert world.case.subject in form
    response = client.post(
        "/feedback/mine/new",
        data={
            "kind": "complaint",
            "case_id": str(world.case.id),
            "summary": "Invoices arrive late",
            "detail": "The March invoice came three weeks late.",
        },
    )
    assert response.status_code == 302
    item = item_of(db, kind=FeedbackKind.COMPLAINT)
    assert (item.contact_id, item.account_id, item.case_id) == (
        world.customer.contact_id,
        world.account.id,
        world.case.id,
    )
    assert (item.agent_id, item.queue_id, item.tier) == (world.agent.id, world.queue.id, 1)
    assert (item.channel, item.status, item.sentiment) == (
        Channel.WEB,
        FeedbackStatus.NEW,
        Sentiment.NEGATIVE,
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invoices arrive late" in page and "We will answer here and by email." in page
    assert "Invoices arrive late" in client.get("/feedback/mine").get_data(as_text=True)


def test_customer_cannot_attach_feedback_to_someone_elses_case(client, db, login_as, world):
    foreign = factories.make_case(world.outsider.contact, subject="Globex secret plans")
    login_as(world.customer)
    assert client.get(f"/feedback/mine/new?case={foreign.number}").status_code == 404
    response = client.post(
        "/feedback/mine/new",
        data={"kind": "question", "case_id": str(foreign.id), "summary": "x", "detail": "y"},
    )
    assert response.status_code == 400
    assert "Globex secret plans" not in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_customers_see_only_their_own_feedback(client, db, login_as, world):
    mine = voc.create_item(
        world.customer.contact,
        kind=FeedbackKind.SUGGESTION,
        summary="Dark mode please",
        detail="d",
        by=world.customer,
    )
    theirs = voc.create_item(
        world.colleague.contact,
        kind=FeedbackKind.COMPLAINT,
        summary="Colleague complaint",
        detail="d",
        by=world.colleague,
    )
    login_as(world.customer)
    assert client.get(f"/feedback/mine/{mine.id}").status_code == 200
    assert client.get(f"/feedback/mine/{theirs.id}").status_code == 404  # even the same account
    listing = client.get("/feedback/mine").get_data(as_text=True)
    assert "Dark mode please" in listing and "Colleague complaint" not in listing


def test_agent_logs_feedback_heard_on_a_call(client, db, login_as, world):
    theme = voc.create_theme("Billing errors", by=world.supervisor)
    login_as(world.agent)
    page = client.get(f"/feedback/log?case={world.case.number}").get_data(as_text=True)
    assert world.case.number in page and "Billing errors" in page
    response = client.post(
        "/feedback/log",
        data={
            "kind": "compliment",
            "channel": "phone",
            "case_number": world.case.number,
            "contact_email": "",
            "summary": "Praised Sam for patience",
            "detail": "Said the call was the best support call this year.",
            "sentiment": "",
            "themes": [str(theme.id)],
        },
    )
    assert response.status_code == 302
    item = item_of(db, kind=FeedbackKind.COMPLIMENT)
    assert item.channel == Channel.PHONE and item.sentiment == Sentiment.POSITIVE
    assert item.contact_id == world.customer.contact_id  # the case's requester
    assert item.themes == "Billing errors"
    assert [t.name for t in voc.themes_by_item([item.id])[item.id]] == ["Billing errors"]


def test_logging_needs_a_known_case_or_contact(client, db, login_as, world):
    login_as(world.agent)
    base = {"kind": "question", "channel": "email", "summary": "s", "detail": "d"}
    for extra, message in (
        ({}, "Give a case number or the contact"),
        ({"case_number": "CS-999999"}, "No case with this number."),
        ({"contact_email": "nobody@nowhere.example"}, "No contact with this email address."),
    ):
        response = client.post("/feedback/log", data={**base, **extra})
        assert response.status_code == 400
        assert message in response.get_data(as_text=True)
    response = client.post(
        "/feedback/log", data={**base, "contact_email": world.outsider.contact.email.upper()}
    )
    assert response.status_code == 302
    assert item_of(db, kind=FeedbackKind.QUESTION).contact_id == world.outsider.contact_id


def test_status_moves_forward_and_a_closed_item_can_be_taken_up_again(db, world):
    item = voc.create_item(
        world.customer.contact, kind=FeedbackKind.COMPLAINT, summary="s", detail="d",
        by=world.customer,
    )  # fmt: skip
    for status in ("acknowledged", "in_progress", "closed", "in_progress"):
        items.change_status(item, FeedbackStatus(status), by=world.supervisor)
        assert item.status == status
    import pytest

    from portal.kernel.errors import InvalidTransition

    with pytest.raises(InvalidTransition):
        items.change_status(item, FeedbackStatus.NEW, by=world.supervisor)


def test_closed_loop_response_is_emailed_and_shown_but_discussion_never(
    client, db, login_as, smtp, world
):
    item = voc.create_item(
        world.customer.contact,
        kind=FeedbackKind.COMPLAINT,
        summary="Invoices arrive late",
        detail="d",
        case=world.case,
        by=world.customer,
    )
    db.session.commit()
    login_as(world.agent)
    assert client.post(f"/feedback/items/{item.id}/comments", data={"body": CANARY}).status_code
    staff_page = client.get(f"/feedback/items/{item.id}").get_data(as_text=True)
    assert CANARY in staff_page
    response = client.post(
        f"/feedback/items/{item.id}/respond",
        data={"response": "We fixed the invoice run; **invoices now go out on the 1st**."},
    )
    assert response.status_code == 302
    item = item_of(db, id=item.id)
    assert item.status == FeedbackStatus.CLOSED and item.owner_id == world.agent.id
    assert item.responded_at is not None

    [mail] = [m for m in smtp.wait_for(1) if "Our response" in m["Subject"]]
    assert mail["To"] == world.customer.contact.email and world.case.number in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    assert "invoices now go out on the 1st" in body
    assert f"/feedback/mine/{item.id}" in body
    assert all(CANARY not in m.as_string() for m in smtp.messages)

    client.post("/logout")
    login_as(world.customer)
    for url in ("/feedback/mine", f"/feedback/mine/{item.id}", f"/my/cases/{world.case.number}"):
        page = client.get(url).get_data(as_text=True)
        assert CANARY not in page, url
    page = client.get(f"/feedback/mine/{item.id}").get_data(as_text=True)
    assert "<strong>invoices now go out on the 1st</strong>" in page
    assert "Our response" in page


def test_only_the_owner_or_a_supervisor_triages_an_owned_item(client, db, login_as, world):
    item = voc.create_item(
        world.customer.contact, kind=FeedbackKind.COMPLAINT, summary="s", detail="d",
        by=world.customer,
    )  # fmt: skip
    item.owner_id = world.agent.id
    theme = voc.create_theme("Slow replies", by=world.supervisor)
    db.session.commit()
    update = {
        "status": "acknowledged",
        "owner_id": str(world.agent.id),
        "sentiment": "negative",
        "themes": [str(theme.id)],
    }
    login_as(world.other_agent)
    # (a fresh dict per post: the test client adds its session's CSRF token to the one given)
    assert client.post(f"/feedback/items/{item.id}/update", data={**update}).status_code == 403
    assert client.post(
        f"/feedback/items/{item.id}/respond", data={"response": "x"}
    ).status_code == (403)
    assert "Triage" not in client.get(f"/feedback/items/{item.id}").get_data(as_text=True)
    # Anyone on the staff may still join the internal discussion.
    assert client.post(f"/feedback/items/{item.id}/comments", data={"body": "hm"}).status_code == (
        302
    )
    client.post("/logout")
    login_as(world.supervisor)
    assert client.post(f"/feedback/items/{item.id}/update", data={**update}).status_code == 302
    item = item_of(db, id=item.id)
    assert item.status == FeedbackStatus.ACKNOWLEDGED and item.themes == "Slow replies"
    bad = {**update, "status": "new"}  # acknowledged -> new is not a move
    assert client.post(f"/feedback/items/{item.id}/update", data=bad).status_code == 400


def test_agents_do_not_see_feedback_about_cases_above_their_tier(client, db, login_as, world):
    expert_queue = factories.make_queue(3)
    hidden_case = factories.make_case(world.customer.contact, queue=expert_queue)
    hidden = voc.create_item(
        world.customer.contact, kind=FeedbackKind.COMPLAINT, summary="Tier three matter",
        detail="d", case=hidden_case, by=world.customer,
    )  # fmt: skip
    login_as(world.agent)
    assert client.get(f"/feedback/items/{hidden.id}").status_code == 404
    assert "Tier three matter" not in client.get("/feedback/items").get_data(as_text=True)
    client.post("/logout")
    login_as(world.supervisor)
    assert "Tier three matter" in client.get("/feedback/items").get_data(as_text=True)


def test_supervisors_manage_themes(client, db, login_as, world):
    login_as(world.supervisor)
    assert client.post("/feedback/themes", data={"name": "Slow replies"}).status_code == 302
    duplicate = client.post("/feedback/themes", data={"name": "slow REPLIES"})
    assert duplicate.status_code == 400
    assert "exists already" in duplicate.get_data(as_text=True)
    theme = db.session.scalars(sa.select(FeedbackTheme)).one()
    item = voc.create_item(
        world.customer.contact, kind=FeedbackKind.COMPLAINT, summary="s", detail="d",
        by=world.supervisor, themes=[theme],
    )  # fmt: skip
    db.session.commit()
    response = client.post(f"/feedback/themes/{theme.id}", data={"name": "Slow answers"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FeedbackTheme, theme.id).is_active is False  # box left unticked
    assert item_of(db, id=item.id).themes == "Slow answers"
    client.post("/logout")
    login_as(world.agent)
    assert client.get("/feedback/themes").status_code == 403
    assert client.post("/feedback/themes", data={"name": "Mine"}).status_code == 403


def test_list_filters_and_rejects_unknown_values(client, db, login_as, world):
    voc.create_item(
        world.customer.contact, kind=FeedbackKind.SUGGESTION, summary="Add dark mode",
        detail="d", by=world.customer,
    )  # fmt: skip
    voc.create_item(
        world.customer.contact, kind=FeedbackKind.COMPLAINT, summary="Too slow",
        detail="d", by=world.customer,
    )  # fmt: skip
    login_as(world.supervisor)
    page = client.get("/feedback/items?kind=suggestion").get_data(as_text=True)
    assert "Add dark mode" in page and "Too slow" not in page
    huge = "9" * 19  # beyond any id PostgreSQL stores: not found, never an error
    bad_filters = ("kind=drop", "status=x", "owner=%27", "page=0", f"owner={huge}", f"theme={huge}")
    for bad in bad_filters:
        assert client.get(f"/feedback/items?{bad}").status_code == 400
    assert client.get(f"/feedback/items/{huge}").status_code == 404
    assert client.post(f"/feedback/themes/{huge}", data={"name": "x"}).status_code == 404
    assert client.get(f"/feedback/log?contact={huge}").status_code == 400  # a prefill: 400 too


def test_customer_text_is_cleaned_and_bounded(db, world):
    item = voc.create_item(
        world.customer.contact,
        kind=FeedbackKind.QUESTION,
        summary="a\u202eb\x00c" + "s" * 500,
        detail="line\r\nnext\u2066x\u2069 \u200cok",
        by=world.customer,
    )
    assert item.summary.startswith("abc") and len(item.summary) == voc.MAX_SUMMARY
    assert item.detail == "line\nnextx \u200cok"  # the Persian zero-width non-joiner stays


def test_customers_cannot_write_as_someone_else(db, world):
    import pytest

    from portal.kernel.errors import NotAllowed

    with pytest.raises(NotAllowed):
        voc.create_item(
            world.colleague.contact, kind=FeedbackKind.COMPLAINT, summary="s", detail="d",
            by=world.customer,
        )  # fmt: skip
    with pytest.raises(NotAllowed):
        items.assign(
            voc.create_item(
                world.customer.contact, kind=FeedbackKind.COMPLAINT, summary="s", detail="d",
                by=world.customer,
            ),
            factories.make_user(Role.CUSTOMER),
            by=world.supervisor,
        )  # fmt: skip
