"""The demo agent signs in, switches to Persian and sees a right-to-left home with Jalali dates."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import switch_language

JALALI_DATE = re.compile(
    r"[۰-۹]{1,2} (فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}"
)


def test_agent_signs_in_and_sees_persian_home(page, screenshot):
    page.goto("/login")
    page.get_by_label("Email").fill("agent@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="Welcome, Sam Agent")).to_be_visible()

    page.get_by_role("button", name="فارسی").click()
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fa")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page.locator("table time").first).to_have_text(JALALI_DATE)
    page.wait_for_load_state()  # the menus work once Bootstrap's script has run
    page.locator("#account-menu").click()
    expect(page.get_by_role("button", name="خروج")).to_be_visible()
    # The layout really flips: the brand sits on the right in a right-to-left page.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > 1280 / 2

    assert len(screenshot(page, "home")) > 10_000


def test_language_choice_is_remembered_after_signing_in_again(page):
    page.goto("/login")
    page.get_by_label("Email").fill("specialist@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.get_by_role("button", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    page.wait_for_load_state()  # the menus work once Bootstrap's script has run
    page.locator("#account-menu").click()
    page.get_by_role("button", name="تسجيل الخروج").click()
    expect(page.locator("#account-menu")).to_have_count(0)
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email").fill("specialist@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")


def test_on_a_phone_the_language_is_switched_from_the_collapsed_menu(new_page, screenshot):
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page = new_page("colleague@example.com", language="fa", **phone)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".navbar-toggler")).to_be_visible()
    screenshot(page, "home-phone")
    switch_language(page, "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    screenshot(page, "home-phone")
