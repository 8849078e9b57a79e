"""The demo cases: a few hundred in English, Persian and Arabic over the last 90 days, drawn
from the scenarios of `demo_content`, each with a timeline of replies, a note and its status
changes (some solved with the first answer, some reopened). Cases are only added until the
demo count is reached."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from portal.demo import draws, reference_data
from portal.demo_content import ACCOUNT_NAMES, CONTACT_NAMES, SCENARIOS
from portal.domain import sla
from portal.extensions import db
from portal.models import Case, CaseEvent, CaseStatus, Channel, Contact, EventKind, Priority, Role
from portal.models._base import utcnow

DEMO_CASE_COUNT = 300
DEMO_DAYS = 90
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
ONE_TOUCH_SHARE = 0.35
REOPEN_SHARE = 0.1


def _contacts_by_language(accounts: dict, rng: random.Random) -> dict[str, list[Contact]]:
    """A handful of contacts per account, named in the account's language."""
    by_language: dict[str, list[Contact]] = {"en": [], "fa": [], "ar": []}
    for spec in ACCOUNT_NAMES:
        account = accounts[spec["name"]]
        language = spec["language"]
        for index, name in enumerate(rng.sample(CONTACT_NAMES[language], 3)):
            email = f"contact{index + 1}@{spec['domain']}"
            contact = reference_data.get_or_create(
                Contact,
                email=email,
                defaults={"name": name, "account": account, "language": language},
            )
            by_language[language].append(contact)
    customer_emails = [c[0] for c in reference_data.CUSTOMERS]
    by_language["en"].extend(
        db.session.scalars(db.select(Contact).where(Contact.email.in_(customer_emails)))
    )
    return by_language


def _make_case(rng, scenario, contact, reference, created_at, now) -> Case:
    status = draws.weighted(rng, STATUS_WEIGHTS)
    priority = draws.weighted(rng, PRIORITY_WEIGHTS)
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
        channel=draws.weighted(rng, CHANNEL_WEIGHTS),
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
        replies = scenario["replies"] if status in CaseStatus.DONE else scenario["replies"][:2]
        if status in CaseStatus.DONE and rng.random() < ONE_TOUCH_SHARE:
            # Solved with the first answer: a first-contact resolution.
            first_answer = next(n for n, r in enumerate(replies) if r["author"] == "agent")
            replies = replies[: first_answer + 1]
        for reply in replies:
            moment = draws.later(moment, now, rng.randint(20, 1800))
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
        moment = draws.later(moment, now, rng.randint(5, 120))
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
    if status in CaseStatus.DONE:
        if rng.random() < REOPEN_SHARE:
            moment = _reopen_and_solve_again(rng, case, contact, assignee, moment, now)
        case.resolved_at = moment
        if status is CaseStatus.CLOSED:
            case.closed_at = draws.later(moment, now, 3 * 24 * 60)
    case.updated_at = case.closed_at or moment
    return case


def _reopen_and_solve_again(rng, case, contact, assignee, moment, now):
    """The customer reopens the solved case, and the agent solves it again; returns when."""
    steps = (("resolved", "open", contact.user), ("open", "resolved", assignee))
    for old, new, author in steps:
        moment = draws.later(moment, now, rng.randint(60, 2000))
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
