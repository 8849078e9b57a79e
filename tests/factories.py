"""Plain factory functions for tests: make_account(**overrides), make_case(...), ..."""

from __future__ import annotations

import itertools
from datetime import time, timedelta

from werkzeug.security import generate_password_hash

from portal.extensions import db
from portal.models import (
    Account,
    AddressProof,
    BusinessCalendar,
    Case,
    CaseEvent,
    Contact,
    ContactRole,
    ContactRoleKind,
    EventKind,
    Goal,
    GoalDirection,
    GoalOwnerKind,
    Holiday,
    Priority,
    Queue,
    Role,
    SLAPolicy,
    User,
)
from portal.models._base import utcnow

PASSWORD = "correct horse battery"
# The suite's app hashes with this (see tests/conftest.py); production keeps scrypt.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1"
_PASSWORD_HASH = generate_password_hash(PASSWORD, method=PASSWORD_HASH_METHOD)
_sequence = itertools.count(1)


def make_account(**overrides) -> Account:
    number = next(_sequence)
    values = {
        "name": f"Account {number}",
        "email_domain": f"account{number}.example",
        "is_domain_verified": True,
    }
    account = Account(**{**values, **overrides})
    db.session.add(account)
    db.session.flush()
    return account


def make_contact(account: Account | None = None, *, roles=(), **overrides) -> Contact:
    number = next(_sequence)
    domain = account.email_domain if account else "nowhere.example"
    contact = Contact(
        **{
            "name": f"Contact {number}",
            "email": f"contact{number}@{domain}",
            "account": account,
            **overrides,
        }
    )
    db.session.add(contact)
    db.session.flush()
    for kind in roles:
        db.session.add(ContactRole(contact_id=contact.id, account_id=account.id, kind=kind))
    return contact


def make_user(role: str | Role = Role.AGENT, *, verified: bool = True, **overrides) -> User:
    """A login; its address counts as verified (made by a command) unless `verified=False`
    (then the row is written without the verification columns, as an older schema has none)."""
    number = next(_sequence)
    role = Role(role)
    values = {
        "email": f"{role.value}{number}@casework.example",
        "name": f"{role.value.title()} {number}",
        "password_hash": _PASSWORD_HASH,
        "role": role,
        "max_tier": 3 if role in Role.MANAGERS else 1,
    }
    if verified:
        values.update(email_verified_at=utcnow(), email_verified_via=AddressProof.SEED)
    values.update(overrides)
    if role is Role.CUSTOMER and "contact" not in values:
        account = values.pop("account", None) or make_account()
        values["contact"] = make_contact(
            account,
            email=values["email"],
            name=values["name"],
            roles=values.pop("contact_roles", ()),
        )
    values.pop("account", None)
    values.pop("contact_roles", None)
    user = User(**values)
    db.session.add(user)
    db.session.flush()
    return user


def make_account_admin(account: Account | None = None, **overrides) -> User:
    """A customer whose contact may see every case of their account."""
    return make_user(
        Role.CUSTOMER,
        account=account or make_account(),
        contact_roles=(ContactRoleKind.REQUESTER, ContactRoleKind.ACCOUNT_ADMIN),
        **overrides,
    )


def make_queue(tier: int = 1, **overrides) -> Queue:
    queue = Queue(**{"name": f"Queue {next(_sequence)}", "tier": tier, **overrides})
    db.session.add(queue)
    db.session.flush()
    return queue


def join_queue(user: User, queue: Queue, *, as_agent: bool = False) -> None:
    """Make `user` a member of `queue`; a supervisor or admin takes its cases only `as_agent`."""
    from portal.models.user import queue_members

    db.session.execute(
        queue_members.delete().where(
            queue_members.c.queue_id == queue.id, queue_members.c.user_id == user.id
        )
    )
    db.session.execute(
        queue_members.insert().values(queue_id=queue.id, user_id=user.id, as_agent=as_agent)
    )
    db.session.expire(user, ["queues"])
    db.session.expire(queue, ["members"])


def make_case(requester: Contact | None = None, *, queue: Queue | None = None, **overrides) -> Case:
    requester = requester or make_contact(make_account())
    queue = queue or make_queue()
    case = Case(
        **{
            "subject": f"Case subject {next(_sequence)}",
            "description": "Something does not work.",
            "requester": requester,
            "account": requester.account,
            "queue": queue,
            "tier": queue.tier,
            **overrides,
        }
    )
    db.session.add(case)
    db.session.flush()
    return case


def add_event(
    case: Case, kind: EventKind = EventKind.PUBLIC_REPLY, body: str = "A reply", **overrides
) -> CaseEvent:
    event = CaseEvent(case=case, kind=kind, body=body, **overrides)
    db.session.add(event)
    db.session.flush()
    return event


def make_calendar(*, holidays=(), **overrides):
    """A business calendar, Mon-Fri 09:00-17:00 UTC unless overridden; `holidays` are dates."""
    values = {
        "name": f"Calendar {next(_sequence)}",
        "timezone": "UTC",
        "weekdays": "12345",
        "opens_at": time(9, 0),
        "closes_at": time(17, 0),
    }
    calendar = BusinessCalendar(**{**values, **overrides})
    calendar.holidays = [Holiday(day=day) for day in holidays]
    db.session.add(calendar)
    db.session.flush()
    return calendar


def make_policy(calendar=None, **overrides):
    """An SLA policy (standard, normal: 480 / 2400 business minutes) on a calendar."""
    values = {
        "entitlement": "standard",
        "priority": Priority.NORMAL,
        "first_response_minutes": 480,
        "resolution_minutes": 2400,
        "warning_percent": 80,
    }
    policy = SLAPolicy(**{**values, **overrides}, calendar=calendar or make_calendar())
    db.session.add(policy)
    db.session.flush()
    return policy


def make_goal(**overrides) -> Goal:
    """A current team goal: resolve at least 10 cases in the week around today."""
    today = utcnow().date()
    values = {
        "name": "Resolve ten",
        "metric": "resolved",
        "owner_kind": GoalOwnerKind.TEAM,
        "period_start": today - timedelta(days=3),
        "period_end": today + timedelta(days=3),
        "target": 10.0,
        "direction": GoalDirection.AT_LEAST,
        "alerted_thresholds": "",
    }
    goal = Goal(**{**values, **overrides})
    db.session.add(goal)
    db.session.flush()
    return goal
