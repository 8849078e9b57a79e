"""Templates never check roles: what a page shows for whom is decided by the `can_*`
predicates of portal/authz.py (template globals), and each of those keeps its rule."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from jinja2 import nodes

from portal import authz
from portal.models import Role, User
from portal.models._base import utcnow

# Names that decide by role: a template that uses one checks a role itself.
ROLE_NAMES = {"Role", "is_staff", "is_supervisor", "is_admin", "is_agent", "is_customer"}
ROLE_NAMES |= {"sees_all_queues"}


def _role_checks(template: nodes.Template) -> list[tuple[int, str]]:
    """(line, what) for every `x.role` in a template, except as the argument of
    `role_label(...)` (showing the role is not deciding by it), and every role name."""
    shown = {
        id(arg)
        for call in template.find_all(nodes.Call)
        if isinstance(call.node, nodes.Name) and call.node.name == "role_label"
        for arg in call.args
    }
    found = [
        (node.lineno, f".{node.attr}")
        for node in template.find_all(nodes.Getattr)
        if (node.attr == "role" and id(node) not in shown) or node.attr in ROLE_NAMES
    ]
    names = template.find_all(nodes.Name)
    return found + [(node.lineno, node.name) for node in names if node.name in ROLE_NAMES]


def test_no_template_checks_a_role(app):
    env = app.jinja_env
    found = [
        f"{name}:{line}: {what}"
        for name in env.list_templates(extensions=("html", "txt"))
        for line, what in _role_checks(env.parse(env.loader.get_source(env, name)[0]))
    ]
    assert found == [], "ask a can_* predicate of portal/authz.py instead:\n" + "\n".join(found)


def test_the_scan_sees_a_role_check(app):
    """The scan above finds the forms a role check took before (and lets role_label be)."""
    checks = [
        '{% if current_user.role == "customer" %}x{% endif %}',
        "{{ 'border-primary' if event.author.role != 'customer' else '' }}",
        '{% if current_user.role in ("supervisor", "admin") %}x{% endif %}',
        "{% if current_user.is_staff %}x{% endif %}",
        "{% if is_staff(current_user) %}x{% endif %}",
    ]
    for source in checks:
        assert _role_checks(app.jinja_env.parse(source)), source
    assert _role_checks(app.jinja_env.parse("{{ role_label(current_user.role) }}")) == []


def test_the_predicates_are_template_globals(app):
    for check in authz.TEMPLATE_PREDICATES:
        assert app.jinja_env.globals[check.__name__] is check


def _user(role: Role, *, pending: bool = False) -> User:
    """A login that is never stored: the predicates read only its fields."""
    return User(role=role, email_verified_at=None if pending else utcnow())


ANONYMOUS = "anonymous"
PENDING = "pending customer"
READERS = [ANONYMOUS, PENDING, Role.CUSTOMER, Role.AGENT, Role.SUPERVISOR, Role.ADMIN]


def _reader(who):
    if who == ANONYMOUS:
        return AnonymousUserMixin()
    if who == PENDING:
        return _user(Role.CUSTOMER, pending=True)
    return _user(who)


@pytest.mark.parametrize(
    "predicate, allowed",
    [
        (authz.can_use_customer_portal, {Role.CUSTOMER}),
        (authz.can_use_staff_workspace, {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}),
        (authz.can_use_supervisor_tools, {Role.SUPERVISOR, Role.ADMIN}),
        (authz.can_see_internal_notes, {Role.AGENT, Role.SUPERVISOR, Role.ADMIN}),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
@pytest.mark.parametrize("who", READERS, ids=str)
def test_page_predicates_per_reader(predicate, allowed, who):
    assert predicate(_reader(who)) is (who in allowed)


@pytest.mark.parametrize(
    "author, from_support",
    [
        (None, False),
        (Role.CUSTOMER, False),
        (Role.AGENT, True),
        (Role.SUPERVISOR, True),
        (Role.ADMIN, True),
    ],
)
def test_can_speak_for_support_per_author(author, from_support):
    """The customer's timeline marks a reply as the support team's by its author."""
    assert authz.can_speak_for_support(author and _user(author)) is from_support
