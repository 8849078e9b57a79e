"""Escalation fixtures: three tiers of queues, an agent per tier and two supervisors."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from portal.models import Role
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday; the test calendar runs round the clock


@pytest.fixture
def desk(db):
    """Front line (1), Specialists (2), Experts (3); an agent in each; `lead` supervises the
    Specialists queue, `boss` supervises no queue in particular."""
    front = factories.make_queue(1, name="Front line")
    specialists = factories.make_queue(2, name="Specialists")
    experts = factories.make_queue(3, name="Experts")
    agent = factories.make_user(Role.AGENT, max_tier=1, name="Tara Tier1")
    specialist = factories.make_user(Role.AGENT, max_tier=2, name="Sami Specialist")
    expert = factories.make_user(Role.AGENT, max_tier=3, name="Elif Expert")
    lead = factories.make_user(Role.SUPERVISOR, name="Lena Lead")
    boss = factories.make_user(Role.SUPERVISOR, name="Bo Boss")
    agent.queues.append(front)
    specialist.queues.append(specialists)
    expert.queues.append(experts)
    lead.queues.append(specialists)
    db.session.commit()
    return {
        "front": front,
        "specialists": specialists,
        "experts": experts,
        "agent": agent,
        "specialist": specialist,
        "expert": expert,
        "lead": lead,
        "boss": boss,
    }


@pytest.fixture
def policy(db):
    """Standard/normal: first response in 60 minutes, resolution in 240, warning at 80%,
    on a calendar that never closes (so minutes are wall-clock minutes)."""
    calendar = factories.make_calendar(weekdays="1234567", opens_at=time(0), closes_at=time(0))
    return factories.make_policy(
        calendar, first_response_minutes=60, resolution_minutes=240, warning_percent=80
    )
