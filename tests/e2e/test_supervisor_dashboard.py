"""The demo supervisor opens the dashboard from the menu, in English and then in Persian, where
the page and its day chart run right to left; both are screenshotted."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def day_bars(page) -> list[float]:
    """The x position of each "created" bar of the day chart, first day first."""
    bars = page.locator("#daily-chart rect.text-primary")
    return [bars.nth(n).bounding_box()["x"] for n in range(bars.count())]


def test_supervisor_dashboard_in_english_and_persian(page, screenshot):
    page.goto("/login")
    page.get_by_label("Email").fill("supervisor@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.wait_for_load_state()  # the menus work once Bootstrap's script has run

    page.get_by_role("button", name="Supervisor", exact=True).click()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    expect(page).to_have_url(re.compile(r"/supervisor/dashboard"))
    page.get_by_label("Period").select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=90"))

    expect(page.locator("#kpi-created")).to_have_text(re.compile(r"^\d+$"))
    created = int(page.locator("#kpi-created").inner_text())
    assert created > 0  # the demo's cases of the last 90 days
    expect(page.locator("#agents-table tbody tr").nth(2)).to_be_attached()  # at least 3 agents
    bars = day_bars(page)
    assert len(bars) == 90 and bars[0] < bars[-1]  # left to right
    english = screenshot(page, "dashboard")

    page.get_by_role("button", name="فارسی").click()
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="داشبورد")).to_be_visible()
    persian_created = str(created).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    expect(page.locator("#kpi-created")).to_have_text(persian_created)  # Persian digits
    bars = day_bars(page)
    assert bars[0] > bars[-1]  # the first day sits on the right
    persian = screenshot(page, "dashboard")
    assert len(english) > 20_000 and len(persian) > 20_000
