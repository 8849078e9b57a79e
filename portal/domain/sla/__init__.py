"""Service levels: business calendars, the response and resolution clocks, breaches."""

from portal.domain.sla.breaches import record_breaches
from portal.domain.sla.calendars import add_business_minutes, business_minutes_between
from portal.domain.sla.clocks import (
    FIRST_RESPONSE,
    RESOLUTION,
    on_priority_change,
    on_status_change,
    record_first_response,
    start_clock,
)
from portal.domain.sla.countdowns import clock_state, countdown, remaining_minutes
from portal.domain.sla.policies import DEFAULT_ENTITLEMENT, policy_for

__all__ = [
    "DEFAULT_ENTITLEMENT",
    "FIRST_RESPONSE",
    "RESOLUTION",
    "add_business_minutes",
    "business_minutes_between",
    "clock_state",
    "countdown",
    "on_priority_change",
    "on_status_change",
    "policy_for",
    "record_breaches",
    "record_first_response",
    "remaining_minutes",
    "start_clock",
]
