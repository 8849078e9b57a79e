"""Absolute links for emails and notifications, built from the routes on BASE_URL.

A link that leaves the request (an email, a notification read later, a CLI run from cron) is
built on the configured BASE_URL, never on the request's Host header (which a client chooses),
and from the route itself, so that it cannot drift from the page it points to.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` on BASE_URL (with its path prefix, if it has one)."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def staff_case_url(number: str) -> str:
    """Where staff work a case."""
    return external_url("agent.case", number=number)


def customer_case_url(number: str) -> str:
    """Where a customer follows their case."""
    return external_url("customer.case_page", number=number)


def home_url() -> str:
    return external_url("home.index")


def sign_in_url() -> str:
    return external_url("auth.login")


def survey_url(token: str, score: int | None = None) -> str:
    """The rating page of a signed survey link, with the emailed score pre-selected."""
    if score is None:
        return external_url("feedback.survey", token=token)
    return external_url("feedback.survey", token=token, score=score)


def password_reset_url(token: str) -> str:
    return external_url("auth.reset_password", token=token)


def registration_confirm_url(token: str) -> str:
    return external_url("auth.confirm_registration", token=token)


def invitation_url(token: str) -> str:
    return external_url("auth.accept_invitation", token=token)


def goal_url(goal_id: int) -> str:
    """The goal's page for supervisors."""
    return external_url("supervisor.goal", goal_id=goal_id)


def report_url(**query) -> str:
    """The supervisor's report page, with its filters as the query string (in the order given)."""
    return external_url("supervisor.report", **query)


def feedback_item_url(item_id: int) -> str:
    """Where a customer reads their feedback and the answer to it."""
    return external_url("feedback.my_item", item_id=item_id)
