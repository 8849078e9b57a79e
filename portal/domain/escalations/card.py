"""The escalation card of the agent's case page: where the case may go up to (nowhere at the
top tier: it can only be flagged to supervisors), who is there, and what happened before."""

from __future__ import annotations

from dataclasses import dataclass

from portal import authz
from portal.domain.escalations import escalating, listings
from portal.models import Case, CaseStatus, Queue, User


@dataclass(frozen=True)
class EscalationCard:
    can_escalate: bool
    higher_queues: list[Queue]
    higher_agents: list[User]
    history: list

    @property
    def flags_only(self) -> bool:
        return not self.higher_queues


def escalation_card(case: Case, reader: User) -> EscalationCard:
    queues = [] if case.tier >= escalating.MAX_TIER else escalating.higher_queues(case)
    return EscalationCard(
        can_escalate=case.status in CaseStatus.WORKING and authz.can_work_case(reader, case),
        higher_queues=queues,
        higher_agents=escalating.higher_tier_agents(case) if queues else [],
        history=listings.history(case),
    )
