"""Service levels: business calendars, the response and resolution clocks, breaches."""

from portal.domain.sla.clocks import (
    DEFAULT_ENTITLEMENT,
    FIRST_RESPONSE,
    RESOLUTION,
    add_business_minutes,
    business_minutes_between,
    clock_state,
    countdown,
    on_priority_change,
    on_status_change,
    policy_for,
    record_breaches,
    record_first_response,
    remaining_minutes,
    start_clock,
)

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
