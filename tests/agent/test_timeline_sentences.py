"""Issue 12, item 11: every timeline entry reads as a translated sentence, direction-safe
(names and queues isolated, no arrows), the same on the agent's page, the customer's page
and in emails; customers still see only what authz.event_filter lets them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from portal.domain import cases, escalations
from portal.domain.cases import assignment
from portal.extensions import db
from portal.infra import outbox
from portal.models import CaseStatus, Channel, Direction, Priority, Role, User
from tests import factories
from tests.reading import as_read, page_text

RAW_KEYS = ("status:", "assignee:", "escalation:", "priority:", "→", "←")


@pytest.fixture
def story(app):
    """A tier-1 case that was answered, set to pending, given a higher priority, assigned to
    Sara, had a call logged, and was escalated to the Specialists."""
    front = factories.make_queue(1, name="Front line")
    specialists = factories.make_queue(2, name="Specialists")
    sara = factories.make_user(Role.AGENT, name="Sara", max_tier=1)
    lead = factories.make_user(Role.SUPERVISOR, name="Lena", language="fa")
    sara.queues.append(front)
    lead.queues.append(specialists)
    customer = factories.make_user(Role.CUSTOMER, name="Kim")
    case = factories.make_case(customer.contact, queue=front, status=CaseStatus.OPEN)
    db.session.flush()
    cases.add_reply(case, body="We are on it.", by=sara)
    cases.change_status(case, CaseStatus.PENDING, by=sara)
    cases.update_fields(case, version=case.version, by=sara, priority=Priority.HIGH)
    assignment.assign(case, sara, by=sara, version=case.version)
    cases.log_interaction(
        case,
        by=sara,
        channel=Channel.PHONE,
        direction=Direction.INBOUND,
        occurred_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
        duration_seconds=5 * 60,
        summary="Called about the export.",
    )
    db.session.flush()
    escalations.escalate(case, by=sara, reason="Needs a specialist", version=case.version)
    db.session.commit()
    return {"case": case, "sara": sara, "lead": lead, "customer": customer}


def staff_page(client, login_as, user: User, case, language: str = "en") -> tuple[str, str]:
    db.session.get(User, user.id).language = language
    db.session.commit()
    login_as(user)
    html = client.get(f"/agent/cases/{case.number}").get_data(as_text=True)
    return html, page_text(html)


def test_agent_timeline_says_each_event_in_a_sentence(client, login_as, story):
    # The specialists' supervisor may work the escalated case; read it in English.
    html, text = staff_page(client, login_as, story["lead"], story["case"])
    assert "Status changed from Open to Waiting on customer" in text
    assert "Priority changed from Normal to High" in text
    assert "Assigned to Sara" in text
    assert "Incoming call, 5 minutes" in text
    assert "Escalated from Front line (1) to Specialists (2)" in text
    assert "Needs a specialist" in text  # the reason, under its sentence
    assert not [key for key in RAW_KEYS if key in text]
    # Names and queues are isolated, so they keep their order inside a right-to-left line.
    assert "Assigned to <bdi>Sara</bdi>" in html
    assert "<bdi>Front line (1)</bdi>" in html


def test_persian_timeline_is_persian_with_persian_digits_and_no_arrow(client, login_as, story):
    html, text = staff_page(client, login_as, story["lead"], story["case"], "fa")
    assert "وضعیت از باز به در انتظار مشتری تغییر کرد" in text
    assert "اولویت از عادی به بالا تغییر کرد" in text
    assert "به Sara واگذار شد" in text
    assert "تماس ورودی، ۵ دقیقه" in text
    assert "از Front line (۱) به Specialists (۲) ارجاع شد" in text
    assert "<bdi>Front line (۱)</bdi>" in html
    assert not [key for key in RAW_KEYS if key in text]


def test_customer_sees_status_sentences_only(client, login_as, story):
    login_as(story["customer"])
    text = page_text(client.get(f"/my/cases/{story['case'].number}").get_data(as_text=True))
    assert "Status changed from Open to Waiting on customer" in text
    for staff_only in ("Assigned to", "Escalated", "Priority changed", "Incoming call"):
        assert staff_only not in text


def test_escalation_email_says_the_same_sentence_in_the_readers_language(app, smtp, story):
    outbox.deliver()
    (message,) = [m for m in smtp.wait_for(1) if m["To"] == story["lead"].email]
    text = as_read(message.get_body(("plain",)).get_content())
    assert "از Front line (۱) به Specialists (۲) ارجاع شد" in text
    assert "→" not in text and "←" not in text
    html = message.get_body(("html",)).get_content()
    assert "<bdi>Front line (۱)</bdi>" in html


def test_merges_and_links_read_as_sentences_in_the_readers_language(client, login_as, app):
    queue = factories.make_queue(1)
    agent = factories.make_user(Role.AGENT, max_tier=1)
    agent.queues.append(queue)
    keep = factories.make_case(queue=queue)
    duplicate = factories.make_case(queue=queue)
    other = factories.make_case(queue=queue)
    db.session.flush()
    cases.link(keep, other, by=agent)
    cases.merge(duplicate, into=keep, by=agent)
    _html, text = staff_page(client, login_as, agent, keep, "fa")
    assert f"{duplicate.number} در این پرونده ادغام شد" in text
    assert f"به {other.number} پیوند خورد" in text
    assert "was merged into this case" not in text
    _html, text = staff_page(client, login_as, agent, duplicate)
    assert f"Merged into {keep.number}" in text


def test_escalation_inbox_and_history_use_the_sentence_not_an_arrow(client, login_as, story):
    db.session.get(User, story["lead"].id).language = "fa"
    db.session.commit()
    login_as(story["lead"])
    for path in ("/supervisor/escalations", f"/agent/cases/{story['case'].number}"):
        text = page_text(client.get(path).get_data(as_text=True))
        assert "از Front line (۱) به Specialists (۲) ارجاع شد" in text, path
        assert "→" not in text and "←" not in text, path
