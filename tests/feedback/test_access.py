"""Who may open which feedback page (AC-01, AC-02): the policy table below is the spec."""

from __future__ import annotations

import re

import pytest

from portal.domain import voc
from portal.domain.voc import surveys
from portal.models import FeedbackKind
from tests.feedback.conftest import resolve_and_survey

# Endpoints a visitor may use without signing in: the signed survey links.
PUBLIC_ENDPOINTS = {
    "feedback.survey",
    "feedback.rate",
    "feedback.thanks",
    "feedback.survey_comment",
}
OK = {200, 302, 400}  # allowed: shown, done, or refused for its (deliberately empty) input


@pytest.fixture
def setup(db, world):
    item = voc.create_item(
        world.customer.contact,
        kind=FeedbackKind.COMPLAINT,
        summary="Private complaint summary",
        detail="d",
        by=world.customer,
    )
    theme = voc.create_theme("Billing errors", by=world.supervisor)
    db.session.commit()
    return world, item, theme


def routes(item, theme):
    """(method, url, audience): audience names the row of the policy table that applies."""
    return [
        ("get", "/feedback/mine", "customer"),
        ("get", "/feedback/mine/new", "customer"),
        ("post", "/feedback/mine/new", "customer"),
        ("get", f"/feedback/mine/{item.id}", "owner"),
        ("get", "/feedback/items", "staff"),
        ("get", f"/feedback/items/{item.id}", "staff"),
        ("post", f"/feedback/items/{item.id}/update", "staff"),
        ("post", f"/feedback/items/{item.id}/comments", "staff"),
        ("post", f"/feedback/items/{item.id}/respond", "staff"),
        ("get", "/feedback/log", "staff"),
        ("post", "/feedback/log", "staff"),
        ("get", "/feedback/themes", "supervisor"),
        ("post", "/feedback/themes", "supervisor"),
        ("post", f"/feedback/themes/{theme.id}", "supervisor"),
        ("get", "/feedback/voc", "supervisor"),
        ("get", "/feedback/voc.csv", "supervisor"),
        ("get", "/supervisor/voc", "supervisor"),
    ]


# role -> audience -> allowed statuses
POLICY = {
    "customer": {"customer": OK, "owner": {200}, "staff": {403}, "supervisor": {403}},
    "colleague": {"customer": OK, "owner": {404}, "staff": {403}, "supervisor": {403}},
    "outsider": {"customer": OK, "owner": {404}, "staff": {403}, "supervisor": {403}},
    "agent": {"customer": {403}, "owner": {403}, "staff": OK, "supervisor": {403}},
    "supervisor": {"customer": {403}, "owner": {403}, "staff": OK, "supervisor": OK},
    "admin": {"customer": {403}, "owner": {403}, "staff": OK, "supervisor": OK},
}


@pytest.mark.parametrize("role", sorted(POLICY))
def test_feedback_routes_by_role(client, login_as, setup, role):
    world, item, theme = setup
    login_as(getattr(world, role))
    for method, url, audience in routes(item, theme):
        response = client.get(url) if method == "get" else client.post(url, data={})
        assert response.status_code in POLICY[role][audience], (role, method, url)
        if response.status_code in (403, 404):
            assert "Private complaint summary" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, setup):
    _world, item, theme = setup
    for method, url, _audience in routes(item, theme):
        response = client.get(url) if method == "get" else client.post(url, data={})
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


def test_every_feedback_route_but_the_survey_links_needs_a_sign_in(app, client, setup):
    """AC-02 for this blueprint: a new route must be gated or join PUBLIC_ENDPOINTS."""
    world, _item, _theme = setup
    invitation = resolve_and_survey(world.case, world.agent)
    token = surveys.make_token(invitation)
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("feedback."):
            continue
        url = re.sub(r"<int:[^>]+>", "1", rule.rule).replace("<token>", token)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
            if rule.endpoint in PUBLIC_ENDPOINTS:
                assert response.status_code in (200, 302, 400), (method, rule.rule)
                assert "/login" not in response.headers.get("Location", "")
            else:
                assert response.status_code == 302, (method, rule.rule)
                assert "/login" in response.headers["Location"]


def test_survey_link_works_without_signing_in(client, setup):
    world, _item, _theme = setup
    invitation = resolve_and_survey(world.case, world.agent)
    assert client.get(f"/feedback/s/{surveys.make_token(invitation)}").status_code == 200


def test_supervisor_address_shows_the_dashboard(client, login_as, setup):
    world, _item, _theme = setup
    login_as(world.supervisor)
    response = client.get("/supervisor/voc?days=90")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/feedback/voc?days=90")
    assert client.get("/feedback/voc?days=13").status_code == 400
