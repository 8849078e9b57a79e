"""Absolute links in emails and notifications: built on BASE_URL from the routes."""

from __future__ import annotations

from portal.kernel import links
from portal.models import Role
from tests import factories
from tests.auth.test_password_reset import LINK


def test_a_base_url_with_a_path_prefix_puts_every_link_under_it(app):
    app.config["BASE_URL"] = "https://help.example.com/support"
    assert links.staff_case_url("C-7") == "https://help.example.com/support/agent/cases/C-7"
    assert links.customer_case_url("C-7") == "https://help.example.com/support/my/cases/C-7"
    assert links.home_url() == "https://help.example.com/support/"
    assert links.sign_in_url() == "https://help.example.com/support/login"
    assert links.survey_url("tok", 4) == "https://help.example.com/support/feedback/s/tok?score=4"
    assert links.report_url(period="custom", group="day") == (
        "https://help.example.com/support/supervisor/reports?period=custom&group=day"
    )


def test_the_default_base_url_gives_the_links_emails_always_carried(app):
    base = app.config["BASE_URL"]
    assert links.password_reset_url("a-b_c") == f"{base}/password/reset/a-b_c"
    assert links.registration_confirm_url("t") == f"{base}/register/confirm/t"
    assert links.invitation_url("t") == f"{base}/invitation/t"
    assert links.goal_url(3) == f"{base}/supervisor/goals/3"
    assert links.feedback_item_url(5) == f"{base}/feedback/mine/5"
    assert links.survey_url("tok") == f"{base}/feedback/s/tok"


def test_the_request_host_never_leaks_into_an_emailed_link(app, client, db, smtp):
    app.config["WTF_CSRF_ENABLED"] = False  # the session cookie is not sent to another host
    user = factories.make_user(Role.CUSTOMER)
    db.session.commit()
    response = client.post(
        "/password/forgot",
        data={"email": user.email},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
        csrf=False,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    body = smtp.wait_for(1)[0].get_body(("plain",)).get_content()
    assert "evil.example" not in body
    assert LINK.search(body)
