"""NPS: who is asked (a recent case, not within 90 days of the last survey), the command, and
the survey page with its follow-up for detractors."""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from portal.domain.voc import surveys
from portal.feedback.cli import voc_cli
from portal.infra import outbox
from portal.models import (
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    Role,
    Sentiment,
    SurveyInvitation,
)
from portal.models._base import utcnow
from tests import factories


def nps_sent_before(contact, days_ago: int) -> SurveyInvitation:
    sent = utcnow() - timedelta(days=days_ago)
    invitation = SurveyInvitation(
        kind=FeedbackKind.NPS,
        nonce=secrets.token_hex(16),
        contact_id=contact.id,
        account_id=contact.account_id,
        sent_at=sent,
        expires_at=sent + timedelta(days=30),
    )
    factories.db.session.add(invitation)
    factories.db.session.flush()
    return invitation


def contact_with_case(account, *, days_ago: int = 1, **overrides):
    contact = factories.make_contact(account, **overrides)
    factories.make_case(contact, created_at=utcnow() - timedelta(days=days_ago))
    return contact


def test_nps_goes_to_recent_customers_at_most_every_90_days(db, world):
    account = world.account
    due_again = contact_with_case(account)
    nps_sent_before(due_again, days_ago=91)
    asked_lately = contact_with_case(account)
    nps_sent_before(asked_lately, days_ago=89)
    contact_with_case(account, days_ago=91)  # no case in the last 90 days
    contact_with_case(account, email=None)
    contact_with_case(account, merged_into_id=world.customer.contact_id)
    quiet = factories.make_user(Role.CUSTOMER, account=account, notify_by_email=False)
    factories.make_case(quiet.contact)
    gone = factories.make_user(Role.CUSTOMER, account=account, is_active=False)
    factories.make_case(gone.contact)
    factories.make_contact(account)  # never had a case

    sent = surveys.send_nps()
    db.session.commit()
    assert {invitation.contact_id for invitation in sent} == {
        world.customer.contact_id,
        due_again.id,
    }
    assert all(i.kind == FeedbackKind.NPS and i.case_id is None for i in sent)
    assert surveys.send_nps() == []  # a second run sends nothing
    # A day later the contact last asked 89 days ago is due; nobody else is.
    later = surveys.send_nps(now=utcnow() + timedelta(days=1, minutes=1))
    assert [invitation.contact_id for invitation in later] == [asked_lately.id]


def test_nps_interval_and_case_window_are_configurable(app, db, world):
    app.config.update(NPS_INTERVAL_DAYS=10, NPS_CASE_DAYS=400)
    old_case = contact_with_case(world.account, days_ago=300)
    nps_sent_before(old_case, days_ago=11)
    assert {c.id for c in surveys.nps_candidates(now=utcnow())} == {
        world.customer.contact_id,
        old_case.id,
    }
    assert len(surveys.nps_candidates(now=utcnow(), limit=1)) == 1


def test_send_nps_command_emails_each_due_contact_once(app, db, smtp, world):
    runner = app.test_cli_runner()
    dry = runner.invoke(voc_cli, ["send-nps", "--dry-run"])
    assert dry.exit_code == 0 and "1 contact(s) are due" in dry.output
    assert db.session.scalar(sa.select(sa.func.count(SurveyInvitation.id))) == 0

    result = runner.invoke(voc_cli, ["send-nps"])
    assert result.exit_code == 0, result.output
    assert "Sent the NPS survey to 1 contact(s)." in result.output
    [mail] = [m for m in smtp.wait_for(1) if "recommend" in m["Subject"]]
    assert mail["To"] == world.customer.contact.email
    text = mail.get_body(("plain",)).get_content()
    assert "How likely are you to recommend us to a friend or colleague?" in text
    assert text.count("/feedback/s/") == 11

    again = runner.invoke(voc_cli, ["send-nps"])
    assert "Sent the NPS survey to 0 contact(s)." in again.output


def test_detractor_answer_becomes_a_follow_up_for_the_account_owner(client, db, world):
    world.account.owner = world.other_agent
    [invitation] = surveys.send_nps()
    db.session.commit()
    outbox.deliver_committed()
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    page = client.get(f"{url}?score=3").get_data(as_text=True)
    assert "How likely are you to recommend us" in page
    assert page.count('name="score"') == 11

    before = utcnow()
    assert client.post(url, data={"score": "3"}).status_code == 302
    assert client.post(f"{url}/comment", data={"comment": "Too slow to answer"}).status_code == 302
    [answer] = db.session.scalars(sa.select(Feedback)).all()
    assert (answer.kind, answer.score, answer.sentiment) == (
        FeedbackKind.NPS,
        3,
        Sentiment.NEGATIVE,
    )
    assert answer.case_id is None and answer.account_id == world.account.id
    assert answer.status == FeedbackStatus.NEW
    assert answer.owner_id == world.other_agent.id
    # No case, so no SLA calendar: two calendar days.
    assert timedelta(days=2) <= answer.due_at - before < timedelta(days=2, minutes=1)
    assert answer.detail == "Too slow to answer"


def test_promoter_needs_no_follow_up(client, db, world):
    [invitation] = surveys.send_nps()
    db.session.commit()
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    assert client.post(url, data={"score": "10"}).status_code == 302
    assert client.post(url, data={"score": "11"}).status_code == 400
    [answer] = db.session.scalars(sa.select(Feedback)).all()
    assert (answer.score, answer.status, answer.owner_id, answer.due_at) == (
        10,
        FeedbackStatus.CLOSED,
        None,
        None,
    )
