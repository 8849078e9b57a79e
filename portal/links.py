"""Where a case's page is for the person reading: staff work a case at /agent/cases/<number>,
customers follow theirs at /my/cases/<number>. Every case list links its rows through the
`case_url(number)` template global, so a row never points into the other area."""

from __future__ import annotations

from flask import Flask, url_for
from flask_login import current_user

from portal import authz


def case_url(number: str) -> str:
    endpoint = "agent.case" if authz.is_staff(current_user) else "customer.case_page"
    return url_for(endpoint, number=number)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["case_url"] = case_url
