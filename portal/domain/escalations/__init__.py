"""Escalations: moving a case up a tier, accepting, returning and resolving, the
supervisor's inbox and the SLA sweep that escalates on its own."""

from portal.domain.escalations.answers import accept, resolve, return_to_lower_tier
from portal.domain.escalations.card import EscalationCard, escalation_card
from portal.domain.escalations.escalating import (
    MAX_TIER,
    escalate,
    higher_queues,
    higher_tier_agents,
)
from portal.domain.escalations.listings import INBOX_SORTS, history, pending
from portal.domain.escalations.sla_sweep import sweep
from portal.domain.escalations.steps import is_flag

__all__ = [
    "INBOX_SORTS",
    "MAX_TIER",
    "EscalationCard",
    "accept",
    "escalate",
    "escalation_card",
    "higher_queues",
    "higher_tier_agents",
    "history",
    "is_flag",
    "pending",
    "resolve",
    "return_to_lower_tier",
    "sweep",
]
