"""The demo's reference data: accounts, tiered queues, business calendars, SLA policies,
routing rules, canned replies, one login per role and the customers' contacts. Records are
looked up by their natural keys first, so seeding again changes nothing."""

from __future__ import annotations

from datetime import time

from portal.demo_content import ACCOUNT_NAMES
from portal.domain.identity import hash_password
from portal.extensions import db
from portal.models import (
    Account,
    AddressProof,
    BusinessCalendar,
    Contact,
    ContactRole,
    ContactRoleKind,
    Macro,
    Priority,
    Queue,
    Role,
    RoutingRule,
    SLAPolicy,
    User,
)
from portal.models._base import utcnow

# (email, name, role, max_tier, queues by name). The supervisor is a member of every queue so
# that its escalations reach her; not as an agent, so auto-assignment never gives her a case.
STAFF = [
    ("agent@example.com", "Sam Agent", Role.AGENT, 1, ["Front line", "Billing"]),
    ("specialist@example.com", "Sara Specialist", Role.AGENT, 2, ["Front line", "Specialists"]),
    ("expert@example.com", "Ehsan Expert", Role.AGENT, 3, ["Specialists", "Experts"]),
    (
        "supervisor@example.com",
        "Susan Supervisor",
        Role.SUPERVISOR,
        3,
        ["Front line", "Billing", "Specialists", "Experts"],
    ),
    ("admin@example.com", "Ada Admin", Role.ADMIN, 3, []),
]
# (email, name, account name, account-wide role or None)
CUSTOMERS = [
    ("customer@example.com", "Chris Customer", "Acme Corporation", ContactRoleKind.ACCOUNT_ADMIN),
    ("colleague@example.com", "Carla Colleague", "Acme Corporation", None),
    ("other@example.org", "Olga Other", "Globex Ltd", None),
]
QUEUES = [
    ("Front line", 1, True),
    ("Billing", 1, False),
    ("Specialists", 2, False),
    ("Experts", 3, False),
]
# Canned replies: (name, language, body)
MACROS = [
    (
        "Greeting",
        "en",
        "Hello {contact_name},\n\nThank you for contacting us about {case_number}. "
        "I am looking into it now.\n\n{agent_name}",
    ),
    (
        "Need more details",
        "en",
        "Hello {contact_name}, could you send a screenshot and the exact time the problem "
        "happened? That helps us solve {case_number} faster.",
    ),
    (
        "سلام و پیگیری",
        "fa",
        "سلام {contact_name}،\n\nاز تماس شما درباره‌ی پرونده‌ی {case_number} سپاسگزاریم. "
        "در حال بررسی هستم.\n\n{agent_name}",
    ),
    (
        "تحية ومتابعة",
        "ar",
        "مرحباً {contact_name}،\n\nشكراً لتواصلك بخصوص التذكرة {case_number}. "
        "أعمل على حلها الآن.\n\n{agent_name}",
    ),
]
# entitlement -> priority -> (first response, resolution) in business minutes
SLA_TARGETS = {
    "basic": {
        "low": (1440, 7200),
        "normal": (960, 4800),
        "high": (480, 2400),
        "urgent": (240, 960),
    },
    "standard": {
        "low": (960, 4800),
        "normal": (480, 2400),
        "high": (240, 1440),
        "urgent": (60, 480),
    },
    "premium": {"low": (480, 2400), "normal": (240, 1440), "high": (60, 480), "urgent": (30, 240)},
}


def get_or_create(model, defaults: dict | None = None, **keys):
    instance = db.session.scalar(db.select(model).filter_by(**keys))
    if instance is None:
        instance = model(**keys, **(defaults or {}))
        db.session.add(instance)
        db.session.flush()
    return instance


def seed_reference_data(password: str) -> dict:
    """Accounts, contacts, queues, calendars, SLA policies, routing rules and the demo users."""
    accounts = {}
    for spec in ACCOUNT_NAMES:
        accounts[spec["name"]] = get_or_create(
            Account,
            name=spec["name"],
            defaults={
                "email_domain": spec["domain"],
                "is_domain_verified": True,
                "entitlement": spec["entitlement"],
            },
        )
    queues = {
        name: get_or_create(Queue, name=name, defaults={"tier": tier, "is_default": default})
        for name, tier, default in QUEUES
    }
    calendar = get_or_create(
        BusinessCalendar,
        name="Standard hours",
        defaults={
            "timezone": "UTC",
            "weekdays": "12345",
            "opens_at": time(8, 0),
            "closes_at": time(18, 0),
        },
    )
    get_or_create(
        BusinessCalendar,
        name="Tehran office",
        defaults={
            "timezone": "Asia/Tehran",
            "weekdays": "67123",
            "opens_at": time(8, 0),
            "closes_at": time(17, 0),
        },
    )
    for entitlement, targets in SLA_TARGETS.items():
        for priority, (first, resolution) in targets.items():
            get_or_create(
                SLAPolicy,
                entitlement=entitlement,
                priority=Priority(priority),
                defaults={
                    "first_response_minutes": first,
                    "resolution_minutes": resolution,
                    "calendar": calendar,
                },
            )
    queues["Billing"].auto_assign = True
    get_or_create(
        RoutingRule, category="billing", defaults={"position": 10, "queue": queues["Billing"]}
    )
    get_or_create(
        RoutingRule, category=None, defaults={"position": 1000, "queue": queues["Front line"]}
    )

    password_hash = hash_password(password)
    staff = {}
    for email, name, role, tier, queue_names in STAFF:
        user = get_or_create(
            User,
            email=email,
            defaults={"name": name, "role": role, "max_tier": tier, "password_hash": password_hash},
        )
        _count_as_verified(user)
        for queue_name in queue_names:
            if queues[queue_name] not in user.queues:
                user.queues.append(queues[queue_name])
        staff[email] = user
    accounts["Acme Corporation"].owner = staff["supervisor@example.com"]
    for name, language, body in MACROS:
        get_or_create(Macro, name=name, defaults={"language": language, "body": body})
    customers = {}
    for email, name, account_name, account_role in CUSTOMERS:
        account = accounts[account_name]
        contact = get_or_create(
            Contact, email=email, defaults={"name": name, "account": account, "language": "en"}
        )
        kinds = {ContactRoleKind.REQUESTER} | ({account_role} if account_role else set())
        for kind in kinds:
            get_or_create(ContactRole, contact_id=contact.id, account_id=account.id, kind=kind)
        customers[email] = get_or_create(
            User,
            email=email,
            defaults={
                "name": name,
                "role": Role.CUSTOMER,
                "contact": contact,
                "password_hash": password_hash,
            },
        )
        _count_as_verified(customers[email])
    return {"accounts": accounts, "queues": queues, "staff": staff, "customers": customers}


def _count_as_verified(user: User) -> None:
    """The demo logins are made here, not through the portal: their addresses count as
    verified, so they sign in and work at once."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        user.email_verified_via = AddressProof.SEED
