"""Survey links show the visitor's rating and comment without a sign-in: no browser or shared
cache may keep those pages (issue 13, item 10)."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from portal.domain.voc import surveys
from portal.models._base import utcnow
from tests.feedback.conftest import resolve_and_survey
from tests.reading import page_text


def assert_not_stored(response) -> None:
    assert response.headers.get("Cache-Control") == "no-store", (
        response.status_code,
        response.headers,
    )


def test_every_survey_page_a_visitor_opens_says_no_store(client, world):
    url = f"/feedback/s/{surveys.make_token(resolve_and_survey(world.case, world.agent))}"

    page = client.get(f"{url}?score=4")
    assert page.status_code == 200
    assert_not_stored(page)

    rated = client.post(url, data={"score": "4"})
    assert rated.status_code == 302
    assert_not_stored(rated)

    thanks = client.get(f"{url}/thanks")
    assert thanks.status_code == 200
    assert_not_stored(thanks)

    commented = client.post(f"{url}/comment", data={"comment": "Quick and kind."})
    assert commented.status_code == 302
    thanks = client.get(commented.headers["Location"])
    assert "Quick and kind." in thanks.get_data(as_text=True)
    assert_not_stored(thanks)

    refused = client.post(url, data={"score": "9"})  # not a CSAT score: the form again, 400
    assert refused.status_code == 400
    assert_not_stored(refused)


def test_a_locked_or_tampered_link_page_says_no_store(client, world):
    invitation = resolve_and_survey(world.case, world.agent)
    url = f"/feedback/s/{surveys.make_token(invitation)}"
    assert client.post(url, data={"score": "2"}).status_code == 302

    tampered = client.get(url[:-3] + "xyz")
    assert tampered.status_code == 400
    assert_not_stored(tampered)

    with freeze_time(utcnow() + timedelta(days=8)):
        locked = client.get(url)  # shows the rating given, which can no longer change
    assert locked.status_code == 410
    assert f"You rated {world.case.number}" in page_text(locked.get_data(as_text=True))
    assert_not_stored(locked)


def test_the_sign_in_page_keeps_its_caching(client):
    """Only the survey pages change: an anonymous sign-in page sets no Cache-Control here."""
    assert "Cache-Control" not in client.get("/login").headers
