"""The unread badge in the top bar follows new notifications without a reload, in Persian
digits for a Persian reader, from a static script (no CSP violation)."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from werkzeug.security import generate_password_hash

from portal import authz
from portal.extensions import db
from portal.kernel import inbox
from portal.models import Case, NotificationKind, Queue, Role, User

EMAIL = "badge.agent@example.com"
PASSWORD = "casework-demo"


def persian_agent(live_app) -> None:
    """A tier-1 agent of the demo's Front line who reads Persian, with nothing unread."""
    with live_app.app_context():
        if db.session.scalar(db.select(User).where(User.email == EMAIL)) is None:
            user = User(
                email=EMAIL,
                name="Parisa Badge",
                role=Role.AGENT,
                max_tier=1,
                language="fa",
                password_hash=generate_password_hash(PASSWORD),
            )
            user.queues.append(db.session.scalar(db.select(Queue).where(Queue.tier == 1)))
            db.session.add(user)
            db.session.commit()


def notify(live_app, count: int) -> int:
    """Add `count` notifications about a tier-1 case; returns the agent's unread count."""
    with live_app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == EMAIL))
        case = db.session.scalar(db.select(Case).where(Case.tier == 1).limit(1))
        for _ in range(count):
            inbox.notify([user], NotificationKind.CUSTOMER_REPLIED, case, "Is there any news?")
        db.session.commit()
        return inbox.unread_count(user, visible=authz.case_filter(user))


def test_unread_badge_updates_without_a_reload(page, live_app):
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused to" in message.text else None,
    )
    persian_agent(live_app)
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto("/agent")
    badge = page.locator("[data-unread-badge]")
    expect(badge).to_be_hidden()
    page.evaluate("window.__sameDocument = true")

    unread = notify(live_app, 3)
    persian = str(unread).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    expect(badge).to_have_text(persian, timeout=15_000)
    expect(badge).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    unread = notify(live_app, 1)
    expect(badge).to_have_text(
        str(unread).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")), timeout=15_000
    )
    assert page.evaluate("window.__sameDocument") is True
    assert not refused, refused
