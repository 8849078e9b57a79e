"""The whole journey of one case, in a real browser, with who was told at each step.

A customer files in Persian with a file -> the front-line agent takes it, replies, writes an
internal note and escalates it -> a specialist takes it from the notification and replies ->
the supervisor closes the escalation -> the customer replies -> the specialist resolves it ->
the customer rates it from the survey email. Every step is photographed in English and in
Persian (test-artifacts/<test>/<step>-<lang>.png), and each step asserts exactly who was
notified in-app and who was emailed, so a signal that reaches nobody fails here.
"""

from __future__ import annotations

import re
from datetime import datetime
from email.utils import parseaddr

from PIL import Image
from playwright.sync_api import expect

from portal.extensions import db
from portal.models import Case, Feedback, Notification, User
from portal.models._base import utcnow
from tests.e2e.conftest import switch_language

CUSTOMER = "customer@example.com"
AGENT = "agent@example.com"
SPECIALIST = "specialist@example.com"
EXPERT = "expert@example.com"  # also an agent of the Specialists queue
SUPERVISOR = "supervisor@example.com"
SUBJECT = "چاپگر شبکه فاکتورها را چاپ نمی‌کند"
NOTE_CANARY = "internal-canary-7f3a"


class Signals:
    """What the live portal told people since the last look: in-app rows and emails."""

    def __init__(self, live_app, live_smtp):
        self.app = live_app
        self.smtp = live_smtp
        self.since: datetime = utcnow()
        self.mail_seen = len(live_smtp.messages)

    def notified(self, number: str) -> set[tuple[str, str]]:
        """(email, kind) of the in-app notifications about the case since the last look."""
        with self.app.app_context():
            case_id = Case.id_from_number(number)
            rows = db.session.execute(
                db.select(User.email, Notification.kind)
                .join(User, User.id == Notification.user_id)
                .where(Notification.case_id == case_id, Notification.created_at >= self.since)
            ).all()
            db.session.remove()
        return {(email, kind) for email, kind in rows}

    def mailed(self) -> list:
        """The emails sent since the last look."""
        return list(self.smtp.messages[self.mail_seen :])

    def step(self, number: str, *, notified: set, mailed: set, wait_for_mail: int = 0):
        """Assert the in-app notifications and email recipients of one step, then move on."""
        if wait_for_mail:
            self.smtp.wait_for(self.mail_seen + wait_for_mail)
        got_notified = self.notified(number)
        messages = self.mailed()
        got_mailed = {parseaddr(message["To"])[1] for message in messages}
        assert got_notified == notified
        assert got_mailed == mailed
        for message in messages:
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    assert NOTE_CANARY not in part.get_content()
        self.since = utcnow()
        self.mail_seen += len(messages)
        return messages


def both_languages(page, screenshot, step: str) -> None:
    """Photograph the page as it is, then in the other language, and switch back."""
    here = page.locator("html").get_attribute("lang")
    other = "en" if here == "fa" else "fa"
    screenshot(page, step)
    switch_language(page, other)
    screenshot(page, step)
    switch_language(page, here)


def test_one_case_from_filing_to_rating(new_page, live_app, live_smtp, screenshot, tmp_path):
    signals = Signals(live_app, live_smtp)
    picture = tmp_path / "printer.png"
    Image.new("RGB", (60, 30), (200, 40, 40)).save(picture, format="PNG")

    # 1. The customer files in Persian with a file; only she hears of it (by email).
    customer = new_page(CUSTOMER, language="fa")
    customer.goto("/my/cases/new")
    customer.locator("#subject").fill(SUBJECT)
    customer.locator("#description").fill("از دیروز هیچ فاکتوری چاپ نمی‌شود.\nلطفاً راهنمایی کنید.")
    customer.locator("#category").select_option("technical")
    customer.locator("#files").set_input_files(str(picture))
    customer.locator("main form button[type='submit']").click()
    expect(customer).to_have_url(re.compile(r"/my/cases/CS-\d{6}$"))
    number = customer.url.rsplit("/", 1)[1]
    expect(customer.get_by_role("link", name="printer.png").first).to_be_visible()
    both_languages(customer, screenshot, "01-customer-filed")
    signals.step(number, notified=set(), mailed={CUSTOMER}, wait_for_mail=1)

    # 2. The agent finds it in the queue and takes it: nobody else needs to know.
    agent = new_page(AGENT, language="en")
    agent.goto(f"/agent/cases/{number}")
    agent.get_by_role("button", name="Take it").click()
    expect(agent.locator(".alert").first).to_be_visible()
    both_languages(agent, screenshot, "02-agent-took-it")
    signals.step(number, notified=set(), mailed=set())

    # 3. The agent replies: the customer is emailed the reply.
    agent.locator("#reply-form textarea[name='body']").fill("Please restart the print spooler.")
    agent.locator("#reply-form button[type='submit']", has_text="Send").click()
    expect(agent.get_by_text("Please restart the print spooler.").first).to_be_visible()
    both_languages(agent, screenshot, "03-agent-replied")
    mails = signals.step(number, notified=set(), mailed={CUSTOMER}, wait_for_mail=1)
    assert f"[{number}]" in mails[0]["Subject"]

    # 4. An internal note: nobody is told, and it never reaches the customer.
    agent.locator("#reply-form textarea[name='body']").fill(f"Spooler logs attached. {NOTE_CANARY}")
    agent.locator("#reply-form input[name='internal']").check()
    agent.locator("#reply-form button[type='submit']", has_text="Send").click()
    expect(agent.get_by_text(NOTE_CANARY).first).to_be_visible()
    both_languages(agent, screenshot, "04-agent-noted")
    signals.step(number, notified=set(), mailed=set())

    # 5. Escalated to the specialists with nobody chosen: the tier's agents and the supervisor
    #    hear of it; the agent keeps the case in sight.
    agent.locator("#escalate-reason, [name='reason']").first.fill("Needs a driver expert")
    agent.locator("#escalation button[type='submit']").click()
    expect(agent).to_have_url(re.compile(rf"/agent/cases/{number}"))
    expect(agent.locator("h1")).to_have_text(SUBJECT)
    both_languages(agent, screenshot, "05-agent-escalated")
    signals.step(
        number,
        notified={(SPECIALIST, "escalation"), (EXPERT, "escalation"), (SUPERVISOR, "escalation")},
        mailed={SPECIALIST, EXPERT, SUPERVISOR},
        wait_for_mail=3,
    )

    # 6. The specialist follows the notification to the exact event, takes the case, replies.
    specialist = new_page(SPECIALIST, language="en")
    specialist.goto("/agent/notifications")
    specialist.locator(f"a[href*='/agent/cases/{number}#event-']").first.click()
    expect(specialist).to_have_url(re.compile(rf"/agent/cases/{number}#event-\d+$"))
    specialist.get_by_role("button", name="Take it").click()
    expect(specialist.locator(".alert").first).to_be_visible()
    reply_box = specialist.locator("#reply-form textarea[name='body']")
    reply_box.fill("Install driver 4.2, then try again.")
    specialist.locator("#reply-form button[type='submit']", has_text="Send").click()
    expect(specialist.get_by_text("Install driver 4.2").first).to_be_visible()
    both_languages(specialist, screenshot, "06-specialist-replied")
    signals.step(number, notified=set(), mailed={CUSTOMER}, wait_for_mail=1)

    # 7. The supervisor closes the escalation: who asked and who works the case are told.
    supervisor = new_page(SUPERVISOR, language="en")
    supervisor.goto("/supervisor/escalations")
    row = supervisor.locator(".card", has_text=number).first
    row.get_by_role("button", name="Close escalation").click()
    expect(supervisor.locator(".alert").first).to_be_visible()
    both_languages(supervisor, screenshot, "07-supervisor-closed-escalation")
    signals.step(
        number,
        notified={(AGENT, "escalation_resolved"), (SPECIALIST, "escalation_resolved")},
        mailed={AGENT, SPECIALIST},
        wait_for_mail=2,
    )

    # 8. The customer replies (in Persian): the assignee and the followers hear of it.
    customer.goto(f"/my/cases/{number}")
    customer.locator("textarea[name='body']").fill("درایور را نصب کردم ولی باز هم چاپ نمی‌شود.")
    customer.locator("main form button[type='submit']").first.click()
    expect(customer.get_by_text("باز هم چاپ نمی‌شود").first).to_be_visible()
    both_languages(customer, screenshot, "08-customer-replied")
    signals.step(
        number,
        notified={(SPECIALIST, "customer_replied"), (AGENT, "customer_replied")},
        mailed={SPECIALIST, AGENT},
        wait_for_mail=2,
    )

    # 9. The specialist resolves the case: the customer gets the news and a survey.
    specialist.goto(f"/agent/cases/{number}")
    specialist.locator("select[name='status']").select_option("resolved")
    specialist.get_by_role("button", name="Save").click()
    expect(specialist.locator(".badge", has_text="Resolved").first).to_be_visible()
    both_languages(specialist, screenshot, "09-specialist-resolved")
    mails = signals.step(
        number,
        notified={(AGENT, "case_resolved")},
        mailed={CUSTOMER, AGENT},
        wait_for_mail=3,
    )
    to_customer = [m for m in mails if parseaddr(m["To"])[1] == CUSTOMER]
    bodies = "\n".join(m.get_body(("plain",)).get_content() for m in to_customer)
    survey = re.search(r"https?://\S+/feedback/s/\S+", bodies).group(0)

    # 10. The customer rates the resolution from the email's link, without signing in again.
    customer.goto(survey)
    customer.locator("label[for$='-5'], label[for='score-4']").first.click()
    customer.locator("#survey-form button[type='submit']").click()
    expect(customer.locator("main")).to_contain_text("۵")
    both_languages(customer, screenshot, "10-customer-rated")
    with live_app.app_context():
        case_id = Case.id_from_number(number)
        scores = db.session.scalars(
            db.select(Feedback.score).where(
                Feedback.case_id == case_id, Feedback.score.is_not(None)
            )
        ).all()
        db.session.remove()
    assert scores == [5]
    signals.step(number, notified=set(), mailed=set())
