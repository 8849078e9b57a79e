"""Demo data for `flask seed-demo`: accounts, contacts, tiered queues, SLA policies, one user
per role and a few hundred cases in English, Persian and Arabic over the last 90 days.

Idempotent: records are looked up by their natural keys first, and cases are only added
until the demo count is reached.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import time, timedelta

from portal.demo_content import ACCOUNT_NAMES, CONTACT_NAMES, SCENARIOS
from portal.domain import sla
from portal.domain.identity import hash_password
from portal.extensions import db
from portal.models import (
    Account,
    AddressProof,
    BusinessCalendar,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Contact,
    ContactRole,
    ContactRoleKind,
    Escalation,
    EventKind,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    Macro,
    Priority,
    Queue,
    Role,
    RoutingRule,
    Sentiment,
    SLAPolicy,
    User,
)
from portal.models._base import utcnow

DEMO_CASE_COUNT = 300
DEMO_DAYS = 90
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
STATUS_WEIGHTS = {
    CaseStatus.NEW: 10,
    CaseStatus.OPEN: 25,
    CaseStatus.PENDING: 12,
    CaseStatus.RESOLVED: 28,
    CaseStatus.CLOSED: 25,
}
PRIORITY_WEIGHTS = {Priority.LOW: 20, Priority.NORMAL: 50, Priority.HIGH: 22, Priority.URGENT: 8}
CHANNEL_WEIGHTS = {
    Channel.WEB: 50,
    Channel.EMAIL: 30,
    Channel.PHONE: 12,
    Channel.CHAT: 6,
    Channel.SOCIAL: 2,
}


def _get_or_create(model, defaults: dict | None = None, **keys):
    instance = db.session.scalar(db.select(model).filter_by(**keys))
    if instance is None:
        instance = model(**keys, **(defaults or {}))
        db.session.add(instance)
        db.session.flush()
    return instance


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed_reference_data(password: str) -> dict:
    """Accounts, contacts, queues, calendars, SLA policies, routing rules and the demo users."""
    accounts = {}
    for spec in ACCOUNT_NAMES:
        accounts[spec["name"]] = _get_or_create(
            Account,
            name=spec["name"],
            defaults={
                "email_domain": spec["domain"],
                "is_domain_verified": True,
                "entitlement": spec["entitlement"],
            },
        )
    queues = {
        name: _get_or_create(Queue, name=name, defaults={"tier": tier, "is_default": default})
        for name, tier, default in QUEUES
    }
    calendar = _get_or_create(
        BusinessCalendar,
        name="Standard hours",
        defaults={
            "timezone": "UTC",
            "weekdays": "12345",
            "opens_at": time(8, 0),
            "closes_at": time(18, 0),
        },
    )
    _get_or_create(
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
            _get_or_create(
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
    _get_or_create(
        RoutingRule, category="billing", defaults={"position": 10, "queue": queues["Billing"]}
    )
    _get_or_create(
        RoutingRule, category=None, defaults={"position": 1000, "queue": queues["Front line"]}
    )

    password_hash = hash_password(password)
    staff = {}
    for email, name, role, tier, queue_names in STAFF:
        user = _get_or_create(
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
        _get_or_create(Macro, name=name, defaults={"language": language, "body": body})
    customers = {}
    for email, name, account_name, account_role in CUSTOMERS:
        account = accounts[account_name]
        contact = _get_or_create(
            Contact, email=email, defaults={"name": name, "account": account, "language": "en"}
        )
        kinds = {ContactRoleKind.REQUESTER} | ({account_role} if account_role else set())
        for kind in kinds:
            _get_or_create(ContactRole, contact_id=contact.id, account_id=account.id, kind=kind)
        customers[email] = _get_or_create(
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


def _contacts_by_language(accounts: dict, rng: random.Random) -> dict[str, list[Contact]]:
    """A handful of contacts per account, named in the account's language."""
    by_language: dict[str, list[Contact]] = {"en": [], "fa": [], "ar": []}
    for spec in ACCOUNT_NAMES:
        account = accounts[spec["name"]]
        language = spec["language"]
        for index, name in enumerate(rng.sample(CONTACT_NAMES[language], 3)):
            email = f"contact{index + 1}@{spec['domain']}"
            contact = _get_or_create(
                Contact,
                email=email,
                defaults={"name": name, "account": account, "language": language},
            )
            by_language[language].append(contact)
    by_language["en"].extend(
        db.session.scalars(db.select(Contact).where(Contact.email.in_([c[0] for c in CUSTOMERS])))
    )
    return by_language


def _make_case(rng, scenario, contact, reference, created_at, now) -> Case:
    status = _weighted(rng, STATUS_WEIGHTS)
    priority = _weighted(rng, PRIORITY_WEIGHTS)
    queue = reference["queues"]["Billing" if scenario["category"] == "billing" else "Front line"]
    if priority is Priority.URGENT and rng.random() < 0.5:
        queue = reference["queues"]["Specialists"]
    elif rng.random() < 0.08:
        queue = reference["queues"]["Experts"]
    agents = [
        u for u in reference["staff"].values() if u.role is Role.AGENT and u.max_tier >= queue.tier
    ]
    assignee = None if status is CaseStatus.NEW else rng.choice(agents)
    case = Case(
        subject=scenario["subject"],
        description=scenario["description"],
        status=status,
        priority=priority,
        channel=_weighted(rng, CHANNEL_WEIGHTS),
        category=scenario["category"],
        language=scenario["language"],
        requester=contact,
        account=contact.account,
        queue=queue,
        tier=queue.tier,
        opened_tier=queue.tier,
        assignee=assignee,
        created_at=created_at,
    )
    sla.start_clock(case)
    moment = created_at
    if status is not CaseStatus.NEW:
        replies = (
            scenario["replies"]
            if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED)
            else scenario["replies"][:2]
        )
        if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) and rng.random() < ONE_TOUCH_SHARE:
            # Solved with the first answer: a first-contact resolution.
            first_answer = next(n for n, r in enumerate(replies) if r["author"] == "agent")
            replies = replies[: first_answer + 1]
        for reply in replies:
            moment = _later(moment, now, rng.randint(20, 1800))
            by_agent = reply["author"] == "agent"
            case.events.append(
                CaseEvent(
                    kind=EventKind.PUBLIC_REPLY,
                    body=reply["body"],
                    author=assignee if by_agent else contact.user,
                    contact_id=None if by_agent else contact.id,
                    created_at=moment,
                )
            )
            if by_agent and case.first_responded_at is None:
                case.first_responded_at = moment
        moment = _later(moment, now, rng.randint(5, 120))
        case.events.append(
            CaseEvent(
                kind=EventKind.INTERNAL_NOTE,
                body=scenario["note"],
                author=assignee,
                created_at=moment,
            )
        )
        case.events.append(
            CaseEvent(
                kind=EventKind.FIELD_CHANGE,
                field="status",
                old_value="new",
                new_value=status.value,
                author=assignee,
                created_at=moment,
            )
        )
    if status in (CaseStatus.RESOLVED, CaseStatus.CLOSED):
        if rng.random() < REOPEN_SHARE:
            moment = _reopen_and_solve_again(rng, case, contact, assignee, moment, now)
        case.resolved_at = moment
        if status is CaseStatus.CLOSED:
            case.closed_at = _later(moment, now, 3 * 24 * 60)
    case.updated_at = case.closed_at or moment
    return case


def _reopen_and_solve_again(rng, case, contact, assignee, moment, now):
    """The customer reopens the solved case, and the agent solves it again; returns when."""
    steps = (("resolved", "open", contact.user), ("open", "resolved", assignee))
    for old, new, author in steps:
        moment = _later(moment, now, rng.randint(60, 2000))
        case.events.append(
            CaseEvent(
                kind=EventKind.FIELD_CHANGE,
                field="status",
                old_value=old,
                new_value=new,
                author=author,
                contact_id=contact.id if author is contact.user else None,
                created_at=moment,
            )
        )
    return moment


def seed_escalations(reference: dict, *, seed: int = 2026) -> int:
    """Escalate some open tier-1 and tier-2 demo cases through the real service, and have the
    supervisor return a few (bounce-backs); returns how many were escalated."""
    from portal.domain import escalations

    rng = random.Random(seed)
    supervisor = next(u for u in reference["staff"].values() if u.role is Role.SUPERVISOR)
    candidates = db.session.scalars(
        db.select(Case)
        .where(Case.status.in_((CaseStatus.OPEN, CaseStatus.PENDING)), Case.tier < 3)
        .where(~Case.id.in_(db.select(Escalation.case_id)))
        .order_by(Case.id)
    ).all()
    chosen = [case for case in candidates if rng.random() < ESCALATED_SHARE]
    for case in chosen:
        moment = _later(case.updated_at, utcnow(), rng.randint(30, 600))
        escalation = escalations.escalate(
            case,
            by=case.assignee,
            reason=ESCALATION_REASONS[case.language or "en"],
            handoff_note=ESCALATION_NOTES[case.language or "en"],
            version=case.version,
            now=moment,
        )
        if rng.random() < RETURNED_SHARE:
            escalations.return_to_lower_tier(
                escalation,
                by=supervisor,
                guidance=RETURN_GUIDANCE[case.language or "en"],
                now=_later(moment, utcnow(), rng.randint(30, 600)),
            )
    return len(chosen)


def _later(moment, now, minutes: int):
    """`minutes` after `moment`, but never in the future: a timeline ends by now."""
    return min(moment + timedelta(minutes=minutes), now - timedelta(minutes=1))


def seed_cases(
    reference: dict, *, count: int, progress: Callable[[int], None], seed: int = 2026
) -> int:
    """Add cases until `count` exist; returns how many were added."""
    existing = db.session.scalar(db.select(db.func.count()).select_from(Case))
    missing = max(0, count - existing)
    rng = random.Random(seed + existing)
    contacts = _contacts_by_language(reference["accounts"], rng)
    now = utcnow()
    for index in range(missing):
        scenario = rng.choice(SCENARIOS)
        contact = rng.choice(contacts[scenario["language"]])
        created_at = now - timedelta(days=rng.uniform(0.2, DEMO_DAYS))
        db.session.add(_make_case(rng, scenario, contact, reference, created_at, now))
        if index % 50 == 49:
            db.session.flush()
            progress(50)
    db.session.flush()
    progress(missing % 50)
    return missing


ONE_TOUCH_SHARE = 0.35
REOPEN_SHARE = 0.1
ESCALATED_SHARE = 0.15
RETURNED_SHARE = 0.3
ESCALATION_REASONS = {
    "en": "Needs a specialist: the logs show a server-side error",
    "fa": "نیاز به بررسی متخصص: گزارش‌ها خطای سمت سرور نشان می‌دهند",
    "ar": "يحتاج إلى متخصص: السجلات تظهر خطأ في الخادم",
}
ESCALATION_NOTES = {
    "en": "Customer already tried a restart and a new browser.",
    "fa": "مشتری راه‌اندازی دوباره و مرورگر دیگری را امتحان کرده است.",
    "ar": "جرّب العميل إعادة التشغيل ومتصفحاً آخر.",
}
RETURN_GUIDANCE = {
    "en": "This is a known setting: walk the customer through the account page first.",
    "fa": "این یک تنظیم شناخته‌شده است: اول مشتری را در صفحه‌ی حساب راهنمایی کنید.",
    "ar": "هذا إعداد معروف: أرشد العميل عبر صفحة الحساب أولاً.",
}
CSAT_WEIGHTS = {5: 45, 4: 25, 3: 12, 2: 10, 1: 8}
NPS_WEIGHTS = {10: 18, 9: 20, 8: 16, 7: 14, 6: 10, 5: 8, 4: 5, 3: 4, 2: 2, 1: 2, 0: 1}


def seed_feedback(*, seed: int = 2026) -> int:
    """Satisfaction answers for about two thirds of the resolved demo cases, and some NPS
    answers, so the VoC dashboard has something to show; skipped once any feedback exists."""
    if db.session.scalar(db.select(db.func.count()).select_from(Feedback)):
        return 0
    rng = random.Random(seed)
    done = db.session.scalars(
        db.select(Case).where(Case.status.in_((CaseStatus.RESOLVED, CaseStatus.CLOSED)))
    ).all()
    added = 0
    for case in done:
        if rng.random() > 0.65 or case.resolved_at is None:
            continue
        score = _weighted(rng, CSAT_WEIGHTS)
        answered = min(case.resolved_at + timedelta(hours=rng.randint(1, 72)), utcnow())
        db.session.add(
            Feedback(
                kind=FeedbackKind.CSAT,
                score=score,
                case_id=case.id,
                contact_id=case.requester_id,
                account_id=case.account_id,
                agent_id=case.assignee_id,
                queue_id=case.queue_id,
                tier=case.tier,
                sentiment=_sentiment(score),
                status=FeedbackStatus.NEW if score <= 2 else FeedbackStatus.CLOSED,
                due_at=answered + timedelta(days=2) if score <= 2 else None,
                created_at=answered,
                updated_at=answered,
            )
        )
        added += 1
        if rng.random() < 0.3:
            nps = _weighted(rng, NPS_WEIGHTS)
            db.session.add(
                Feedback(
                    kind=FeedbackKind.NPS,
                    score=nps,
                    contact_id=case.requester_id,
                    account_id=case.account_id,
                    status=FeedbackStatus.NEW if nps <= 6 else FeedbackStatus.CLOSED,
                    created_at=answered,
                    updated_at=answered,
                )
            )
            added += 1
    return added


def _sentiment(csat: int) -> Sentiment:
    if csat <= 2:
        return Sentiment.NEGATIVE
    return Sentiment.POSITIVE if csat >= 4 else Sentiment.NEUTRAL
