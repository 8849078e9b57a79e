"""Who finds what: search shows exactly the cases authz lets a reader see, and no more."""

from __future__ import annotations

import pytest

from portal import authz
from portal.extensions import db as _db
from portal.models import Case, EventKind, Role
from portal.search import search_cases
from tests import factories

OTHER_CUSTOMER_CANARY = "zebracanary"
INTERNAL_CANARY = "wombatcanary"


@pytest.fixture
def world(db, index_now):
    """Two accounts, customers with and without account-wide rights, staff of every kind.

    Every case mentions "router"; the canaries sit in another customer's case and in an
    internal note, and must never reach a customer.
    """
    acme, globex = factories.make_account(name="Acme"), factories.make_account(name="Globex")
    acme_admin = factories.make_account_admin(acme)
    acme_plain = factories.make_user(Role.CUSTOMER, account=acme)
    globex_user = factories.make_user(Role.CUSTOMER, account=globex)
    tier1, tier3 = factories.make_queue(1), factories.make_queue(3)
    cases = {
        "acme_admin": factories.make_case(
            acme_admin.contact, queue=tier1, subject="Router reboots every night"
        ),
        "acme_plain": factories.make_case(
            acme_plain.contact, queue=tier1, subject="روتر (router) قطع می شود"
        ),
        "globex": factories.make_case(
            globex_user.contact,
            queue=tier1,
            subject="Router firmware",
            description=f"Secret project {OTHER_CUSTOMER_CANARY} needs the router.",
        ),
        "expert": factories.make_case(
            globex_user.contact, queue=tier3, subject="Router BGP routing loop"
        ),
    }
    factories.add_event(
        cases["acme_admin"], EventKind.INTERNAL_NOTE, f"Customer is difficult, {INTERNAL_CANARY}"
    )
    factories.add_event(cases["acme_admin"], EventKind.PUBLIC_REPLY, "Please update the router.")
    users = {
        "acme_admin": acme_admin,
        "acme_plain": acme_plain,
        "globex": globex_user,
        "agent": factories.make_user(Role.AGENT, max_tier=1),
        "specialist": factories.make_user(Role.AGENT, max_tier=2),
        "expert": factories.make_user(Role.AGENT, max_tier=3),
        "supervisor": factories.make_user(Role.SUPERVISOR),
        "admin": factories.make_user(Role.ADMIN),
    }
    index_now()
    return users, cases


READERS = ["acme_admin", "acme_plain", "globex", "agent", "specialist", "expert", "supervisor"]


@pytest.mark.parametrize("reader", [*READERS, "admin"])
def test_search_shows_exactly_what_authz_shows(world, reader):
    users, _cases = world
    visible = set(
        _db.session.scalars(authz.visible_cases(users[reader]).with_only_columns(Case.id))
    )
    for text in ("", "router", "status:new"):
        result = search_cases(users[reader], text, per_page=100)
        assert {hit.case_id for hit in result.hits} == visible, text
        assert result.total == len(visible)
        assert sum(f.count for f in result.facets["status"]) == len(visible)


@pytest.mark.parametrize("reader", ["acme_admin", "acme_plain"])
def test_other_customers_canary_never_reaches_a_customer(world, reader):
    users, _cases = world
    for text in (OTHER_CUSTOMER_CANARY, f"router {OTHER_CUSTOMER_CANARY}", "zebracanar"):
        result = search_cases(users[reader], text)
        assert result.total == 0 and result.hits == []
        assert all(not values for values in result.facets.values())
        assert result.suggestion is None  # not even as a "did you mean"


@pytest.mark.parametrize("reader", ["acme_admin", "acme_plain", "globex"])
def test_internal_notes_never_match_for_customers(world, reader):
    users, _cases = world
    for text in (
        INTERNAL_CANARY,
        f"internal:{INTERNAL_CANARY}",
        f'"{INTERNAL_CANARY}"',
        "wombatcan*",
        f"router OR {INTERNAL_CANARY}",
    ):
        result = search_cases(users[reader], text)
        assert INTERNAL_CANARY not in "".join(str(hit.snippet) for hit in result.hits)
        if text.startswith("router"):
            continue
        assert result.total == 0, text
        assert all(not values for values in result.facets.values())
        assert result.suggestion is None


def test_internal_notes_are_found_by_staff(world):
    users, cases = world
    for reader in ("agent", "supervisor"):
        result = search_cases(users[reader], INTERNAL_CANARY)
        assert [hit.case_id for hit in result.hits] == [cases["acme_admin"].id]
        assert result.hits[0].snippet_is_internal


def test_agent_of_tier_one_does_not_find_a_tier_three_case(world):
    users, cases = world
    assert search_cases(users["agent"], "BGP").total == 0
    assert search_cases(users["agent"], "tier:3").total == 0
    assert search_cases(users["expert"], "BGP").hits[0].case_id == cases["expert"].id


def test_customers_cannot_use_staff_filters_or_facets(world):
    users, _cases = world
    customer = users["acme_admin"]
    assert search_cases(customer, "tier:1").total == 0  # plain words `tier 1`, not a filter
    assert search_cases(customer, "assignee:none").total == 0
    facets = search_cases(customer, "").facets
    assert "queue" not in facets
    assert {f.label for f in facets["account"]} == {"Acme"}


def test_account_wide_customer_sees_colleagues_cases_plain_one_does_not(world):
    users, cases = world
    assert {hit.case_id for hit in search_cases(users["acme_admin"], "router").hits} == {
        cases["acme_admin"].id,
        cases["acme_plain"].id,
    }
    assert [hit.case_id for hit in search_cases(users["acme_plain"], "router").hits] == [
        cases["acme_plain"].id
    ]


def test_inactive_and_anonymous_users_find_nothing(world):
    from flask_login import AnonymousUserMixin

    users, _cases = world
    users["expert"].is_active = False
    assert search_cases(users["expert"], "router").total == 0
    assert search_cases(AnonymousUserMixin(), "router").total == 0


def test_rights_follow_a_case_that_changes_tier(world, index_now):
    users, cases = world
    agent = users["agent"]
    ids = {hit.case_id for hit in search_cases(agent, "router").hits}
    assert cases["globex"].id in ids  # and the agent's rights are now kept per segment
    cases["globex"].queue = factories.make_queue(3)
    cases["globex"].tier = 3
    index_now()
    ids = {hit.case_id for hit in search_cases(agent, "router").hits}
    assert cases["globex"].id not in ids
    assert search_cases(agent, "router").total == len(ids)
    cases["expert"].queue = factories.make_queue(1)
    cases["expert"].tier = 1
    index_now()
    assert cases["expert"].id in {hit.case_id for hit in search_cases(agent, "router").hits}


def test_agent_who_escalated_a_case_still_finds_it(world, index_now):
    """The follower rule of authz.case_filter, in search too: the tier-1 agent escalates the
    Globex case to tier 3 and keeps finding it; another tier-1 agent does not."""
    from portal.domain import escalations

    users, cases = world
    agent, colleague = users["agent"], factories.make_user(Role.AGENT, max_tier=1)
    case = cases["globex"]
    escalations.escalate(case, by=agent, reason="Firmware bug", version=case.version)
    index_now()
    assert case.tier == 3
    for reader in (agent, colleague):
        visible = visible_to(reader)
        for text in ("", "router", "status:new"):
            result = search_cases(reader, text, per_page=100)
            assert {hit.case_id for hit in result.hits} == visible, text
            assert result.total == len(visible)
    assert case.id in visible_to(agent) and case.id not in visible_to(colleague)
    assert [hit.case_id for hit in search_cases(agent, "firmware").hits] == [case.id]
    assert search_cases(colleague, "firmware").total == 0


def visible_to(user) -> set[int]:
    return set(_db.session.scalars(authz.visible_cases(user).with_only_columns(Case.id)))
