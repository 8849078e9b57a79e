"""Who sees which cases, and the role gates on views."""

from __future__ import annotations

import pytest
from flask import Blueprint

from portal import authz
from portal.extensions import db as _db
from portal.models import Role
from tests import factories


@pytest.fixture
def world(db):
    """Two customer accounts with two contacts each, queues at tiers 1 and 3."""
    acme, globex = factories.make_account(), factories.make_account()
    acme_admin = factories.make_account_admin(acme)
    acme_plain = factories.make_user(Role.CUSTOMER, account=acme)
    globex_user = factories.make_user(Role.CUSTOMER, account=globex)
    tier1, tier3 = factories.make_queue(1), factories.make_queue(3)
    cases = {
        "acme_admin": factories.make_case(acme_admin.contact, queue=tier1),
        "acme_plain": factories.make_case(acme_plain.contact, queue=tier1),
        "globex": factories.make_case(globex_user.contact, queue=tier1),
        "expert": factories.make_case(globex_user.contact, queue=tier3),
    }
    users = {
        "acme_admin": acme_admin,
        "acme_plain": acme_plain,
        "globex": globex_user,
        "agent": factories.make_user(Role.AGENT, max_tier=1),
        "expert": factories.make_user(Role.AGENT, max_tier=3),
        "supervisor": factories.make_user(Role.SUPERVISOR),
        "admin": factories.make_user(Role.ADMIN),
    }
    db.session.commit()
    return users, cases


@pytest.mark.parametrize(
    "reader, visible",
    [
        ("acme_admin", {"acme_admin", "acme_plain"}),
        ("acme_plain", {"acme_plain"}),
        ("globex", {"globex", "expert"}),
        ("agent", {"acme_admin", "acme_plain", "globex"}),
        ("expert", {"acme_admin", "acme_plain", "globex", "expert"}),
        ("supervisor", {"acme_admin", "acme_plain", "globex", "expert"}),
        ("admin", {"acme_admin", "acme_plain", "globex", "expert"}),
    ],
)
def test_visible_cases_per_reader(world, reader, visible):
    users, cases = world
    ids = set(
        _db.session.scalars(authz.visible_cases(users[reader]).with_only_columns(authz.Case.id))
    )
    assert ids == {cases[name].id for name in visible}


def test_other_customers_case_is_indistinguishable_from_a_missing_one(app, world):
    from werkzeug.exceptions import NotFound

    users, cases = world
    with pytest.raises(NotFound):
        authz.case_or_404(users["acme_plain"], cases["globex"].number)
    with pytest.raises(NotFound):
        authz.case_or_404(users["acme_plain"], "CS-999999")
    assert (
        authz.case_or_404(users["acme_admin"], cases["acme_plain"].number).id
        == cases["acme_plain"].id
    )


def test_case_numbers_parse_with_persian_digits():
    assert authz.Case.id_from_number("CS-۰۰۰۱۲۳") == 123
    assert authz.Case.id_from_number("cs-٤٥") == 45
    assert authz.Case.id_from_number("CS-12a") is None
    assert authz.Case.id_from_number("") is None


def test_deactivated_user_sees_nothing(world, db):
    users, _cases = world
    users["admin"].is_active = False
    assert db.session.scalars(authz.visible_cases(users["admin"])).all() == []


@pytest.mark.parametrize(
    "actor, acts_on",
    [
        ("acme_admin", {"acme_admin", "acme_plain"}),  # speaks for the account
        ("acme_plain", {"acme_plain"}),
        ("globex", {"globex", "expert"}),
        ("agent", set()),  # staff work cases; they never act as the customer
        ("supervisor", set()),
        ("admin", set()),
    ],
)
def test_customer_acts_only_on_cases_they_may_see(world, actor, acts_on):
    users, cases = world
    allowed = {
        name for name, case in cases.items() if authz.can_act_as_customer(users[actor], case)
    }
    assert allowed == acts_on


def test_deactivated_customer_cannot_act_on_their_own_case(world, db):
    users, cases = world
    users["acme_plain"].is_active = False
    assert not authz.can_act_as_customer(users["acme_plain"], cases["acme_plain"])


@pytest.fixture
def gated_app(app):
    """A blueprint with one view per role gate, registered only for this test (which is marked
    `fresh_app`: it gets an application of its own)."""
    gates = Blueprint("gates", __name__)
    gates.add_url_rule("/_gate/staff", "staff", authz.staff_required(lambda: "staff ok"))
    gates.add_url_rule(
        "/_gate/supervisor", "supervisor", authz.supervisor_required(lambda: "supervisor ok")
    )
    gates.add_url_rule("/_gate/admin", "admin", authz.admin_required(lambda: "admin ok"))
    gates.add_url_rule(
        "/_gate/customer", "customer", authz.customer_required(lambda: "customer ok")
    )
    app.register_blueprint(gates)
    return app


@pytest.mark.fresh_app
@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.CUSTOMER, {"customer"}),
        (Role.AGENT, {"staff"}),
        (Role.SUPERVISOR, {"staff", "supervisor"}),
        (Role.ADMIN, {"staff", "supervisor", "admin"}),
    ],
)
def test_role_gates(gated_app, client, login_as, role, allowed):
    login_as(role)
    for gate in ("staff", "supervisor", "admin", "customer"):
        response = client.get(f"/_gate/{gate}")
        assert response.status_code == (200 if gate in allowed else 403), gate
        if gate not in allowed:
            assert f"{gate} ok" not in response.get_data(as_text=True)


@pytest.mark.fresh_app
def test_role_gates_send_anonymous_visitors_to_sign_in(gated_app, client):
    response = client.get("/_gate/staff")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
