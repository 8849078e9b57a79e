"""The demo agent signs in, switches to Persian and sees a right-to-left home with Jalali dates."""

from __future__ import annotations

import re

from tests.e2e.conftest import ARTIFACTS

JALALI_DATE = re.compile(
    r"[۰-۹]{1,2} (فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) [۰-۹]{4}"
)


def test_agent_signs_in_and_sees_persian_home(page):
    page.goto("/login")
    page.get_by_label("Email").fill("agent@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", name="Welcome, Sam Agent").is_visible()

    page.get_by_role("button", name="فارسی").click()
    page.wait_for_load_state()
    html = page.locator("html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang") == "fa"
    first_date = page.locator("table time").first.inner_text()
    assert JALALI_DATE.search(first_date), first_date
    page.locator("#account-menu").click()
    assert page.get_by_role("button", name="خروج").is_visible()
    # The layout really flips: the brand sits on the right in a right-to-left page.
    brand = page.locator(".navbar-brand").bounding_box()
    assert brand["x"] > 1280 / 2

    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "home-fa-agent.png"), full_page=True)
    assert (shots / "home-fa-agent.png").stat().st_size > 10_000


def test_language_choice_is_remembered_after_signing_in_again(page):
    page.goto("/login")
    page.get_by_label("Email").fill("specialist@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="العربية").click()
    page.wait_for_load_state()
    page.locator("#account-menu").click()
    page.get_by_role("button", name="تسجيل الخروج").click()
    page.context.clear_cookies()
    page.goto("/login")
    page.get_by_label("Email").fill("specialist@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
