"""Escalations: moving a case up a tier, accepting, returning and resolving, the
supervisor's inbox and the SLA sweep that escalates on its own."""

from portal.domain.escalations.moves import (
    INBOX_SORTS,
    MAX_TIER,
    WORKING_STATUSES,
    accept,
    escalate,
    higher_queues,
    higher_tier_agents,
    history,
    is_flag,
    pending,
    resolve,
    return_to_lower_tier,
    sweep,
)

__all__ = [
    "INBOX_SORTS",
    "MAX_TIER",
    "WORKING_STATUSES",
    "accept",
    "escalate",
    "higher_queues",
    "higher_tier_agents",
    "history",
    "is_flag",
    "pending",
    "resolve",
    "return_to_lower_tier",
    "sweep",
]
