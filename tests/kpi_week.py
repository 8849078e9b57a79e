"""A hand-worked week of cases for the KPI, dashboard, goal and report tests.

Monday 2 to Sunday 8 November 2026, on a Mon-Fri 09:00-17:00 UTC calendar with Wednesday
4 November a holiday; the standard/normal SLA gives 480 business minutes to the first
response and 2,400 to resolution. Every case is driven through the real services, so the
facts the KPIs add up are the ones the portal records. The hand calculation for each case is
next to it; the expected figures are in tests/domain/test_kpi.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.domain import cases, escalations
from portal.domain.analytics import periods
from portal.extensions import db as _db
from portal.models import CaseStatus, Feedback, FeedbackKind, Role
from tests.factories import make_calendar, make_policy, make_queue, make_user

UTC_ZONE = ZoneInfo("UTC")
WEEK = periods.Period(date(2026, 11, 2), date(2026, 11, 8), UTC_ZONE)
NOW = datetime(2026, 11, 6, 18, 0, tzinfo=UTC)  # Friday evening, after everything below


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def week(db):
    """Seven cases (A-G) over the week, plus two CSAT ratings; returns the cast."""
    make_policy(make_calendar(holidays=[date(2026, 11, 4)]))
    front = make_queue(tier=1, is_default=True, name="Front line")
    specialists = make_queue(tier=2, name="Specialists")
    agent = make_user(Role.AGENT, name="Agent One")
    expert = make_user(Role.AGENT, name="Agent Two", max_tier=2)
    supervisor = make_user(Role.SUPERVISOR)
    front.members.append(agent)
    specialists.members.append(expert)
    customer = make_user(Role.CUSTOMER)
    contact = customer.contact

    def open_case(when, subject):
        case = cases.open_case(
            requester=contact, subject=subject, description="-", by=customer, now=when
        )
        case.assignee = agent
        return case

    def reply(case, when, by=agent):
        cases.add_reply(case, body="Reply", by=by, now=when)

    def resolve(case, when, by=agent):
        cases.change_status(case, CaseStatus.RESOLVED, by=by, now=when)

    # F: opened Fri 30 Oct 10:00, answered 10:30 (before the week), resolved Mon 2 Nov 11:00.
    # Resolution = Fri 10:00-17:00 (420) + Mon 09:00-11:00 (120) = 540; one agent reply.
    f = open_case(at(30, 10, month=10), "F")
    reply(f, at(30, 10, 30, month=10))
    resolve(f, at(2, 11))
    # G: opened Wed 28 Oct 09:00, never answered: resolution due after 2,400 business
    # minutes = Tue 3 Nov 17:00, inside the week -> a missed resolution target.
    g = open_case(at(28, 9, month=10), "G")
    # A: Mon 10:00; reply 12:00 (first response 120); resolved Tue 10:00:
    # Mon 10:00-17:00 (420) + Tue 09:00-10:00 (60) = 480. One reply, first-contact.
    a = open_case(at(2, 10), "A")
    reply(a, at(2, 12))
    resolve(a, at(3, 10))
    # B: Mon 16:00; reply Tue 11:00 (60 + 120 = 180) and pending until the customer answers
    # Thu 10:00: paused Tue 11:00-17:00 (360) + Wed holiday (0) + Thu 09:00-10:00 (60) = 420.
    # Second reply Thu 11:00, resolved Thu 12:00, reopened Fri 09:30, resolved Fri 10:30:
    # Mon 60 + Tue 480 + Thu 480 + Fri 90 = 1110, less 420 paused = 690. Two replies, reopened.
    b = open_case(at(2, 16), "B")
    reply(b, at(3, 11))
    cases.change_status(b, CaseStatus.PENDING, by=agent, now=at(3, 11))
    cases.add_reply(b, body="Still broken", by=customer, now=at(5, 10))
    reply(b, at(5, 11))
    resolve(b, at(5, 12))
    cases.reopen(b, by=customer, now=at(6, 9, 30))
    resolve(b, at(6, 10, 30))
    # C: Tue 09:00, never answered: first response due Tue 17:00 -> missed.
    c = open_case(at(3, 9), "C")
    c.assignee = None
    # D: Thu 14:00, answered Fri 15:00: Thu 180 + Fri 360 = 540, due Fri 14:00 -> missed.
    # Escalated to tier 2 Fri 15:30, returned by the supervisor Fri 16:00 (a bounce-back).
    d = open_case(at(5, 14), "D")
    reply(d, at(6, 15))
    _db.session.flush()
    escalation = escalations.escalate(
        d, by=agent, reason="Needs a specialist", version=d.version, now=at(6, 15, 30)
    )
    escalations.return_to_lower_tier(
        escalation, by=supervisor, guidance="Check the logs first", now=at(6, 16)
    )
    # E: opened at tier 2 Fri 09:00, answered 09:10 (10), resolved 09:30 (30) by Agent Two.
    e = open_case(at(6, 9), "E")
    e.queue, e.tier, e.opened_tier, e.assignee = specialists, 2, 2, expert
    reply(e, at(6, 9, 10), by=expert)
    resolve(e, at(6, 9, 30), by=expert)
    # Two ratings in the week: 5 (satisfied) and 2 (not) -> CSAT 50%.
    for case, score in ((a, 5), (b, 2)):
        _db.session.add(
            Feedback(
                kind=FeedbackKind.CSAT,
                score=score,
                case_id=case.id,
                agent_id=agent.id,
                queue_id=front.id,
                tier=1,
                created_at=at(6, 12),
            )
        )
    _db.session.commit()
    return {"agent": agent, "expert": expert, "front": front, "cases": (a, b, c, d, e, f, g)}
