"""Who may open which customer pages (AC-01): denial looks like a missing page."""

from __future__ import annotations

import pytest

from portal.models import Attachment, Role
from tests import factories


@pytest.fixture
def acme(db, app):
    """Account A with an admin contact and a plain contact; account B with one contact."""
    a, b = factories.make_account(), factories.make_account()
    users = {
        "a_admin": factories.make_account_admin(a),
        "a_plain": factories.make_user(Role.CUSTOMER, account=a),
        "a_plain2": factories.make_user(Role.CUSTOMER, account=a),
        "b": factories.make_user(Role.CUSTOMER, account=b),
        "agent": factories.make_user(Role.AGENT),
    }
    case = factories.make_case(users["a_plain"].contact)
    import os

    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    storage = "ab" * 16
    with open(os.path.join(app.config["UPLOAD_DIR"], storage), "wb") as handle:
        handle.write(b"secret file")
    file = Attachment(
        case_id=case.id,
        storage_name=storage,
        display_name="s.txt",
        content_type="text/plain",
        size_bytes=11,
        sha256="0",
    )
    db.session.add(file)
    db.session.commit()
    return users, case, file


def routes(case, file):
    return [
        ("get", f"/my/cases/{case.number}"),
        ("get", f"/my/cases/{case.number}/attachments/{file.id}"),
        ("post", f"/my/cases/{case.number}/reply"),
        ("post", f"/my/cases/{case.number}/solve"),
        ("post", f"/my/cases/{case.number}/reopen"),
    ]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("a_plain", {200, 302, 400}),
        ("a_admin", {200, 302, 400}),
        ("a_plain2", {404}),
        ("b", {404}),
        ("agent", {403}),
    ],
)
def test_case_routes_by_reader(client, login_as, acme, who, expected):
    users, case, file = acme
    login_as(users[who])
    for method, url in routes(case, file):
        data = {"body": "hello"} if method == "post" else None
        response = getattr(client, method)(url, data=data) if data else getattr(client, method)(url)
        assert response.status_code in expected, (who, url, response.status_code)
        if response.status_code == 404:
            body = response.get_data(as_text=True)
            assert case.subject not in body  # (the number is only echoed from the URL)


def test_anonymous_visitors_are_sent_to_sign_in(client, acme):
    _users, case, file = acme
    for method, url in [
        *routes(case, file),
        ("get", "/my"),
        ("get", "/my/cases"),
        ("get", "/my/cases/new"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_plain_contact_cannot_switch_to_company_scope(client, login_as, acme):
    users, case, _file = acme
    login_as(users["a_plain2"])
    assert client.get("/my/cases?scope=company").status_code == 404
    assert case.subject not in client.get("/my/cases").get_data(as_text=True)


def test_account_admin_sees_colleagues_cases_in_company_scope(client, login_as, acme):
    users, case, _file = acme
    login_as(users["a_admin"])
    assert case.subject not in client.get("/my/cases?scope=mine").get_data(as_text=True)
    assert case.subject in client.get("/my/cases?scope=company").get_data(as_text=True)


def test_other_customer_cannot_post_to_a_case_and_nothing_changes(client, login_as, acme, db):
    from portal.models import CaseEvent

    users, case, _file = acme
    login_as(users["b"])
    client.post(f"/my/cases/{case.number}/reply", data={"body": "injected"})
    client.post(f"/my/cases/{case.number}/solve")
    db.session.refresh(case)
    assert case.status == "new"
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseEvent)) == 0


def test_staff_cannot_use_the_customer_portal(client, login_as, acme):
    users, _case, _file = acme
    login_as(users["agent"])
    assert client.get("/my").status_code == 403
