"""Fixtures for the voice-of-the-customer tests: a small world of accounts, queues and staff."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from portal.domain import cases
from portal.domain.voc import surveys
from portal.extensions import db as _db
from portal.infra import outbox
from portal.models import Account, Case, CaseStatus, Queue, Role, User
from tests import factories

LINK = re.compile(r"https?://\S+/feedback/s/[A-Za-z0-9._\-]+(?:\?score=\d+)?")


@pytest.fixture
def app(app):
    """The feedback blueprint on the test app (nothing to do once create_app registers it)."""
    if "feedback" not in app.blueprints:
        from portal import feedback

        app.register_blueprint(feedback.bp)
    return app


@dataclass
class World:
    account: Account
    other_account: Account
    queue: Queue
    supervisor: User
    agent: User
    other_agent: User
    admin: User
    customer: User
    colleague: User
    outsider: User
    case: Case


@pytest.fixture
def world(app, db) -> World:
    """Account A (customer, colleague), account B (outsider); queue 1 with a supervisor and an
    agent; an open case of the customer assigned to the agent."""
    account, other_account = factories.make_account(), factories.make_account()
    queue = factories.make_queue(1)
    supervisor = factories.make_user(Role.SUPERVISOR)
    agent = factories.make_user(Role.AGENT)
    other_agent = factories.make_user(Role.AGENT)
    supervisor.queues.append(queue)
    agent.queues.append(queue)
    customer = factories.make_user(Role.CUSTOMER, account=account)
    colleague = factories.make_user(Role.CUSTOMER, account=account)
    outsider = factories.make_user(Role.CUSTOMER, account=other_account)
    case = factories.make_case(customer.contact, queue=queue, assignee=agent, category="billing")
    _db.session.commit()
    return World(
        account,
        other_account,
        queue,
        supervisor,
        agent,
        other_agent,
        factories.make_user(Role.ADMIN),
        customer,
        colleague,
        outsider,
        case,
    )


def resolve_and_survey(case: Case, by: User, **kwargs):
    """Resolve the case as the agent workspace does, then send the survey and deliver it.

    `surveys.send_csat` is idempotent, so this stays right once change_status calls it."""
    cases.change_status(case, CaseStatus.RESOLVED, by=by, **kwargs)
    invitation = surveys.send_csat(case, **kwargs)
    _db.session.commit()
    outbox.deliver_committed()
    return invitation


def links_in(message) -> list[str]:
    return LINK.findall(message.get_body(("plain",)).get_content())


def path_of(url: str) -> str:
    """The path and query of an emailed link, to open with the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
