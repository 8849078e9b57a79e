"""Lists that fit their screen: on a phone (390 x 844) the queue shows each case's Status,
Priority and Due on screen (rows stack into cards); on a laptop (1366 px) the reports table
is not clipped, and where a table is wider than its window its scroll area can be reached and
scrolled with the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS

pytestmark = pytest.mark.usefixtures("english_afterwards")

PHONE = {"width": 390, "height": 844}
QUEUE_COLUMNS = {"Status": 5, "Priority": 6, "Due": 7}  # after Select, Case, Subject, ...
# The cell's content (a date, a badge) stays inside the cell and the screen.
INSIDE = """cell => cell.scrollWidth <= cell.clientWidth && [...cell.querySelectorAll("*")].every(
    child => child.getBoundingClientRect().left >= 0
        && child.getBoundingClientRect().right <= innerWidth)"""


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_queue_shows_status_priority_and_due_on_a_phone(new_page, language):
    page = new_page("agent@example.com", language=language)
    page.set_viewport_size(PHONE)
    page.goto("/agent/queues")
    page.locator("main .list-group a").first.click()
    rows = page.locator("main table tbody tr")
    expect(rows.first).to_be_visible()
    # Read the layout once it has settled (web fonts in, scripts run), as a person would see it:
    # a measure taken at once raced the font swap on a busy machine.
    page.wait_for_load_state()
    page.evaluate("document.fonts.ready.then(() => true)")
    page.wait_for_function("document.documentElement.scrollWidth <= window.innerWidth")
    assert horizontal_overflow(page) <= 0
    for row in range(min(rows.count(), 3)):
        cells = rows.nth(row).locator("td")
        for name, index in QUEUE_COLUMNS.items():
            cell = cells.nth(index)  # where it is without any sideways scrolling
            box = cell.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (name, box)
            assert cell.evaluate(INSIDE), f"{name} of row {row} spills out of its cell"
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"queue-phone-{language}.png"), full_page=True)


def test_reports_table_fits_a_laptop_and_scrolls_by_keyboard_when_narrower(new_page):
    page = new_page("supervisor@example.com", viewport={"width": 1366, "height": 768})
    page.goto("/supervisor/reports")
    region = page.get_by_role("region", name="Report table (scrolls sideways)")
    expect(region).to_be_visible()
    assert region.evaluate("el => el.scrollWidth - el.clientWidth") <= 0  # nothing clipped
    last_header = page.locator("#report-table thead th").last
    expect(last_header).to_be_in_viewport()
    assert last_header.bounding_box()["x"] + last_header.bounding_box()["width"] <= 1366

    page.locator("#cases-csv").focus()
    page.keyboard.press("Tab")
    expect(region).to_be_focused()  # the next stop after the filters is the table itself

    page.set_viewport_size({"width": 1024, "height": 768})
    assert region.evaluate("el => el.scrollWidth - el.clientWidth") > 0
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle())
    at_the_end = "el => el.scrollLeft + el.clientWidth >= el.scrollWidth - 1"
    for _press in range(60):  # the arrow key moves the table a few dozen pixels at a time
        if region.evaluate(at_the_end):
            break
        page.keyboard.press("ArrowRight")
    expect(last_header).to_be_in_viewport()
