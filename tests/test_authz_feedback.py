"""Who reads and changes feedback (portal/authz.py): each reader against the policy."""

from __future__ import annotations

import pytest

from portal import authz
from portal.extensions import db as _db
from portal.models import Feedback, FeedbackKind, Role
from tests import factories

READERS = ("acme", "globex", "agent", "expert", "supervisor", "admin", "retired", "anonymous")


@pytest.fixture
def world(db):
    """Feedback of two customers: one without a case, one about a tier 1 and one about a tier
    3 case; an unowned item and one owned by the agent."""
    acme = factories.make_user(Role.CUSTOMER)
    globex = factories.make_user(Role.CUSTOMER)
    agent = factories.make_user(Role.AGENT, max_tier=1)
    users = {
        "acme": acme,
        "globex": globex,
        "agent": agent,
        "expert": factories.make_user(Role.AGENT, max_tier=3),
        "supervisor": factories.make_user(Role.SUPERVISOR),
        "admin": factories.make_user(Role.ADMIN),
        "retired": factories.make_user(Role.SUPERVISOR, is_active=False),
    }
    low = factories.make_case(globex.contact, queue=factories.make_queue(1))
    high = factories.make_case(globex.contact, queue=factories.make_queue(3))
    items = {
        "no_case": Feedback(kind=FeedbackKind.COMPLAINT, contact_id=acme.contact_id),
        "tier1": Feedback(
            kind=FeedbackKind.COMPLAINT, contact_id=globex.contact_id, case_id=low.id
        ),
        "tier3": Feedback(
            kind=FeedbackKind.COMPLAINT,
            contact_id=globex.contact_id,
            case_id=high.id,
            owner_id=agent.id,
        ),
    }
    _db.session.add_all(items.values())
    db.session.commit()
    return users, items


def reader(users, name):
    if name == "anonymous":
        from flask_login import AnonymousUserMixin

        return AnonymousUserMixin()
    return users[name]


@pytest.mark.parametrize(
    "name, visible",
    [
        ("acme", {"no_case"}),
        ("globex", {"tier1", "tier3"}),
        ("agent", {"no_case", "tier1"}),
        ("expert", {"no_case", "tier1", "tier3"}),
        ("supervisor", {"no_case", "tier1", "tier3"}),
        ("admin", {"no_case", "tier1", "tier3"}),
        ("retired", set()),
        ("anonymous", set()),
    ],
)
def test_visible_feedback_per_reader(app, world, name, visible):
    users, items = world
    query = authz.visible_feedback(reader(users, name)).with_only_columns(Feedback.id)
    assert set(_db.session.scalars(query)) == {items[key].id for key in visible}


@pytest.mark.parametrize(
    "name, editable",
    [
        ("acme", set()),
        ("globex", set()),
        ("agent", {"no_case", "tier1", "tier3"}),  # unowned items, and the one they own
        ("expert", {"no_case", "tier1"}),  # not the agent's item
        ("supervisor", {"no_case", "tier1", "tier3"}),
        ("admin", {"no_case", "tier1", "tier3"}),
        ("anonymous", set()),
    ],
)
def test_can_edit_feedback_per_role(app, world, name, editable):
    users, items = world
    user = reader(users, name)
    assert {key for key, item in items.items() if authz.can_edit_feedback(user, item)} == editable


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("acme", False),
        ("agent", False),
        ("expert", False),
        ("supervisor", True),
        ("admin", True),
        ("retired", False),
        ("anonymous", False),
    ],
)
def test_can_manage_feedback_themes_per_role(app, world, name, allowed):
    users, _ = world
    assert authz.can_manage_feedback_themes(reader(users, name)) is allowed


def test_another_customers_item_is_indistinguishable_from_a_missing_one(app, world):
    from werkzeug.exceptions import NotFound

    users, items = world
    assert authz.feedback_or_404(users["acme"], items["no_case"].id) is items["no_case"]
    for item_id in (items["tier1"].id, 999_999):
        with pytest.raises(NotFound):
            authz.feedback_or_404(users["acme"], item_id)
