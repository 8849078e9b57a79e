"""The demo supervisor opens the dashboard from the menu, in English and then in Persian, where
the page and its day chart run right to left; both are screenshotted."""

from __future__ import annotations

import re

from tests.e2e.conftest import ARTIFACTS

PERSIAN_NUMBER = re.compile(r"^[۰-۹٫.]+%?$")


def day_bars(page) -> list[float]:
    """The x position of each "created" bar of the day chart, first day first."""
    bars = page.locator("#daily-chart rect.text-primary")
    return [bars.nth(n).bounding_box()["x"] for n in range(bars.count())]


def test_supervisor_dashboard_in_english_and_persian(page):
    page.goto("/login")
    page.get_by_label("Email").fill("supervisor@example.com")
    page.get_by_label("Password").fill("casework-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.get_by_role("button", name="Supervisor", exact=True).click()
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.wait_for_url(re.compile(r"/supervisor/dashboard"))
    page.get_by_label("Period").select_option("90")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"period=90"))

    created = int(page.locator("#kpi-created").inner_text())
    assert created > 0  # the demo's cases of the last 90 days
    assert page.locator("#agents-table tbody tr").count() >= 3
    bars = day_bars(page)
    assert len(bars) == 90 and bars[0] < bars[-1]  # left to right
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "dashboard-en.png"), full_page=True)

    page.get_by_role("button", name="فارسی").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", name="داشبورد").is_visible()
    persian_created = page.locator("#kpi-created").inner_text()
    assert PERSIAN_NUMBER.match(persian_created), persian_created
    assert persian_created == str(created).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    bars = day_bars(page)
    assert bars[0] > bars[-1]  # the first day sits on the right
    page.screenshot(path=str(shots / "dashboard-fa.png"), full_page=True)
    for name in ("dashboard-en.png", "dashboard-fa.png"):
        assert (shots / name).stat().st_size > 20_000
