"""Issue 13: registering the address of a contact an agent made (under Acme's verified
domain) files nothing until the emailed link is followed; then the login gets that very
contact, and the merge screen shows where the login came from."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from portal.domain import crm
from portal.extensions import db
from portal.models import Account, Contact, User
from tests.e2e.conftest import REGISTRATION_PASSWORD, confirmation_link, register, sign_in

EMAIL = "parisa.pending@example.com"  # example.com: Acme's verified domain in the demo data


def test_a_registration_gets_the_existing_contact_only_through_the_emailed_link(
    new_page, live_app, live_smtp, screenshot
):
    with live_app.app_context():
        acme = db.session.scalar(sa.select(Account).where(Account.email_domain == "example.com"))
        known = crm.create_contact(by=None, name="Parisa Pending", email=EMAIL, account=acme)
        other = crm.create_contact(by=None, name="Parisa P.", account=acme)
        db.session.commit()
        known_id, other_id = known.id, other.id

    page = new_page()
    register(page, EMAIL, "Parisa Pending")
    sign_in(page, EMAIL, REGISTRATION_PASSWORD)
    expect(page).to_have_url(re.compile(r"/register/check-inbox$"))
    page.goto("/my/cases/new")  # filing a case before the address is proven: refused
    expect(page).to_have_url(re.compile(r"/register/check-inbox$"))
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()
    expect(page.get_by_role("link", name="New case")).to_have_count(0)
    screenshot(page, "pending")

    page.goto(confirmation_link(live_smtp, EMAIL))
    page.get_by_role("button", name="Confirm my address").click()  # signed in: no password
    expect(page).to_have_url(re.compile(r"/my$"))
    expect(page.get_by_text("Your address is confirmed")).to_be_visible()
    with live_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        assert user.contact_id == known_id and not user.is_pending
        same_address = sa.func.lower(Contact.email) == EMAIL
        assert db.session.scalar(sa.select(sa.func.count()).where(same_address)) == 1

    supervisor = new_page("supervisor@example.com", language="en")  # earlier tests may switch it
    supervisor.goto(f"/agent/contacts/merge?survivor={other_id}&duplicate={known_id}")
    moving = supervisor.locator(".card", has_text="Merge away (duplicate)")
    expect(moving.locator("[data-login-made]")).to_contain_text("Self-registered")
    expect(moving.locator("[data-address-proof]")).to_contain_text(
        "Confirmed through the registration link"
    )
    screenshot(supervisor, "merge-provenance")
