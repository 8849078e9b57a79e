"""A new customer registers, files a case with a file, gets an agent's reply by email,
marks the case solved and reopens it; then hostile input is shown inert everywhere."""

from __future__ import annotations

import re

from PIL import Image
from playwright.sync_api import expect

from portal.domain import cases
from portal.extensions import db
from portal.infra import outbox
from portal.models import Case, User
from tests.e2e.conftest import register_and_confirm

XSS = '"><img src=x onerror=alert(1)><svg onload=alert(2)>'


def png_file(tmp_path, name="screenshot.png"):
    path = tmp_path / name
    Image.new("RGB", (40, 20), (20, 120, 200)).save(path, format="PNG")
    return path


def agent_replies(live_app, subject, body):
    """An agent's reply, written through the same service the agent workspace uses."""
    with live_app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.subject == subject))
        agent = db.session.scalar(db.select(User).where(User.email == "agent@example.com"))
        cases.add_reply(case, body=body, by=agent)
        db.session.commit()
        outbox.deliver_committed()
        return case.number


def test_customer_files_follows_solves_and_reopens_a_case(
    page, live_app, live_smtp, tmp_path, screenshot
):
    register_and_confirm(page, live_smtp, "nadia@journey.example", "Nadia Journey")

    page.get_by_role("link", name="File a new case").first.click()
    page.get_by_label("Subject").fill("Invoice PDF will not open")
    page.get_by_label("Describe the problem").fill(
        "When I open the March invoice, the viewer says it is damaged."
    )
    page.get_by_label("Attachments").set_input_files(str(png_file(tmp_path)))
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/my/cases/CS-\d{6}$"))
    expect(page.get_by_text("We received your case")).to_be_visible()
    expect(page.get_by_role("link", name="screenshot.png").first).to_be_visible()

    page.goto("/my/cases")
    expect(page.get_by_role("link", name="Invoice PDF will not open")).to_be_visible()

    number = agent_replies(
        live_app, "Invoice PDF will not open", "Please try the new **download link**."
    )
    page.goto(f"/my/cases/{number}")
    expect(page.get_by_text("Please try the new")).to_be_visible()
    expect(page.locator("strong", has_text="download link")).to_be_visible()

    reply_mail = live_smtp.wait_for_mail_to("nadia@journey.example", subject="New reply")
    assert reply_mail and f"[{number}]" in reply_mail[0]["Subject"]
    assert "Please try the new" in reply_mail[0].get_body(("plain",)).get_content()

    page.get_by_role("button", name="My problem is solved").click()
    expect(page.get_by_text("The case is marked as solved.")).to_be_visible()
    expect(page.locator(".badge", has_text=re.compile(r"^Resolved$")).first).to_be_visible()
    page.get_by_role("button", name="Reopen this case").click()
    expect(page.get_by_text("The case is open again.")).to_be_visible()
    expect(page.locator(".badge", has_text=re.compile(r"^Open$")).first).to_be_visible()
    screenshot(page, "customer-case")


def test_hostile_input_stays_inert_for_customers_and_agents(page, live_app, live_smtp, tmp_path):
    register_and_confirm(page, live_smtp, "mallory@journey.example", XSS[:40] + " Mallory")
    page.goto("/my/cases/new")
    page.get_by_label("Subject").fill(XSS)
    page.get_by_label("Describe the problem").fill(f"{XSS} [click me](javascript:alert(3))")
    page.get_by_label("Attachments").set_input_files(
        str(png_file(tmp_path, name=f"x{XSS[:20]}.png"))
    )
    page.get_by_role("button", name="Send").click()
    expect(page).to_have_url(re.compile(r"/my/cases/CS-\d{6}$"))
    case_url = page.url
    page.get_by_label("Your reply").fill(XSS)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".alert", has_text="Your reply was added.")).to_be_visible()
    for url in (case_url, "/my", "/my/cases", "/profile"):
        page.goto(url)
        assert page.evaluate("document.querySelectorAll('[onerror],[onload]').length") == 0
        assert page.evaluate("document.querySelectorAll('a[href^=\"javascript:\"]').length") == 0
    page.locator("#account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#account-menu")).to_have_count(0)
    page.goto("/login")
    page.get_by_label("Email").fill("agent@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text(XSS).first).to_be_visible()  # shown as text; a dialog fails the test
    assert page.evaluate("document.querySelectorAll('[onerror],[onload]').length") == 0
