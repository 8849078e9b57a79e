"""Issue 12, items 11 and 15 in a real browser: in Persian an escalation reads right to left
("from Front line (۱) to Specialists (۲)", the first queue on the right) while each queue name
stays left to right inside it, and the queue's due cell is a labelled countdown."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

# The x of the first and last character of an element's text, as laid out.
CHARACTER_EDGES = """element => {
  const text = element.firstChild;
  const range = document.createRange();
  const box = index => { range.setStart(text, index); range.setEnd(text, index + 1);
                         return range.getBoundingClientRect(); };
  return [box(0).x, box(text.length - 1).x];
}"""


def escalated_demo_case(live_app) -> str:
    """A tier-1 demo case escalated to the Specialists by the demo agent; its number."""
    from portal.domain import escalations
    from portal.extensions import db
    from portal.models import Case, CaseStatus, Queue, User

    with live_app.app_context():
        front = db.session.scalar(sa.select(Queue).where(Queue.name == "Front line"))
        case = db.session.scalar(
            sa.select(Case)
            .where(Case.queue_id == front.id, Case.status == CaseStatus.OPEN)
            .order_by(Case.id)
            .limit(1)
        )
        agent = db.session.scalar(sa.select(User).where(User.email == "agent@example.com"))
        escalations.escalate(case, by=agent, reason="Needs a specialist", version=case.version)
        db.session.commit()
        return case.number


def sign_in_in_persian(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.get_by_role("button", name="فارسی").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_persian_escalation_sentence_reads_right_to_left(page, live_app):
    number = escalated_demo_case(live_app)
    sign_in_in_persian(page, "supervisor@example.com")
    page.goto(f"/agent/cases/{number}")
    # The timeline's entry (the escalation history beside it says the same sentence).
    line = page.locator("li", has_text="ارجاع شد").filter(has_text="Specialists (۲)").first
    expect(line).to_be_visible()
    expect(line).not_to_contain_text("→")
    origin, target = line.locator("bdi").nth(0), line.locator("bdi").nth(1)
    expect(origin).to_have_text("Front line (۱)")
    expect(target).to_have_text("Specialists (۲)")
    # The sentence runs right to left: the queue it came from is to the right of the one it
    # went to; and each queue's name runs left to right inside it ("F" left of ")").
    assert origin.bounding_box()["x"] > target.bounding_box()["x"]
    first, last = origin.evaluate(CHARACTER_EDGES)
    assert first < last
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "case-timeline-fa.png"), full_page=True)


def test_persian_queue_shows_a_labelled_countdown(page):
    sign_in_in_persian(page, "specialist@example.com")
    page.goto("/agent/queues")
    page.get_by_role("link", name=re.compile("Front line")).first.click()
    countdown = page.locator("time.sla-countdown").first
    expect(countdown).to_have_text(re.compile(r"^(اولین پاسخ|حل پرونده): .*[۰-۹]"))
    expect(countdown).to_have_attribute("title", re.compile(r"^موعد (اولین پاسخ|حل پرونده): "))
