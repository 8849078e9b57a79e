"""KPI scopes: whose work a figure covers (everyone, a queue, a tier or an agent, narrowed further
by a report's `Filters`), each turned into SQL conditions on cases, escalations and feedback; and
the queue and staff lists a scope is picked from. Separate from the figures so that every figure,
goal owner and report filter means the same cases by the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.domain.analytics import periods
from portal.extensions import db
from portal.models import Case, Channel, Escalation, Feedback, Queue

SCOPE_KINDS = ("all", "queue", "tier", "agent")
TIERS = (1, 2, 3)


class ScopeError(periods.FilterError):
    """A scope that names no queue, tier or agent."""


@dataclass(frozen=True)
class Filters:
    """Report filters, any mix of them: the case's current queue, tier and assignee (meaning
    what a queue, tier or agent Scope means) and its account, category and channel. Empty
    fields narrow nothing. Feedback follows its own queue, tier, agent and account columns and
    its case's category and channel. (agent_table's CSAT column ignores these filters.)"""

    queue_id: int | None = None
    tier: int | None = None
    agent_id: int | None = None
    account_id: int | None = None
    category: str | None = None
    channel: str | None = None

    def __post_init__(self):
        if self.tier is not None and self.tier not in TIERS:
            raise ValueError(f"bad tier {self.tier}")
        if self.channel is not None and self.channel not in {c.value for c in Channel}:
            raise ValueError(f"bad channel {self.channel}")

    def on_case_facts(self) -> list[sa.ColumnElement[bool]]:
        """Account, category and channel: what a case is about, not who works it."""
        wanted = {
            Case.account_id: self.account_id,
            Case.category: self.category,
            Case.channel: None if self.channel is None else Channel(self.channel),
        }
        return [column == value for column, value in wanted.items() if value is not None]

    def on_cases(self, *, tier: bool = True) -> list[sa.ColumnElement[bool]]:
        wanted = {Case.queue_id: self.queue_id, Case.assignee_id: self.agent_id}
        if tier:
            wanted[Case.tier] = self.tier
        conditions = [column == value for column, value in wanted.items() if value is not None]
        return conditions + self.on_case_facts()

    def _through_case(self, case_id) -> list[sa.ColumnElement[bool]]:
        facts = self.on_case_facts()
        return [case_id.in_(sa.select(Case.id).where(*facts))] if facts else []

    def on_escalations_out(self) -> list[sa.ColumnElement[bool]]:
        wanted = {
            Escalation.from_queue_id: self.queue_id,
            Escalation.from_tier: self.tier,
            Escalation.requested_by_id: self.agent_id,
        }
        conditions = [column == value for column, value in wanted.items() if value is not None]
        return conditions + self._through_case(Escalation.case_id)

    def on_escalations_in(self) -> list[sa.ColumnElement[bool]]:
        """Escalations into the filtered work (the tier is applied by the caller)."""
        wanted = {Escalation.to_queue_id: self.queue_id, Escalation.handled_by_id: self.agent_id}
        conditions = [column == value for column, value in wanted.items() if value is not None]
        return conditions + self._through_case(Escalation.case_id)

    def on_feedback(self) -> list[sa.ColumnElement[bool]]:
        wanted = {
            Feedback.queue_id: self.queue_id,
            Feedback.tier: self.tier,
            Feedback.agent_id: self.agent_id,
            Feedback.account_id: self.account_id,
        }
        conditions = [column == value for column, value in wanted.items() if value is not None]
        about_case = [
            column == value
            for column, value in (
                (Case.category, self.category),
                (Case.channel, None if self.channel is None else Channel(self.channel)),
            )
            if value is not None
        ]
        if about_case:
            conditions.append(Feedback.case_id.in_(sa.select(Case.id).where(*about_case)))
        return conditions


@dataclass(frozen=True)
class Scope:
    """Whose work a figure covers: everyone, a queue, a tier or an agent; reports may narrow
    it further with `filters`."""

    kind: str = "all"
    id: int | None = None
    filters: Filters | None = None

    def __post_init__(self):
        if self.kind not in SCOPE_KINDS or (self.kind == "all") != (self.id is None):
            raise ValueError(f"bad scope {self.kind}:{self.id}")

    def _own_on_cases(self) -> list[sa.ColumnElement[bool]]:
        column = {"queue": Case.queue_id, "tier": Case.tier, "agent": Case.assignee_id}
        return [column[self.kind] == self.id] if self.kind in column else []

    def on_cases(self) -> list[sa.ColumnElement[bool]]:
        extra = self.filters.on_cases() if self.filters else []
        return self._own_on_cases() + extra

    def on_escalations_out(self) -> list[sa.ColumnElement[bool]]:
        column = {
            "queue": Escalation.from_queue_id,
            "tier": Escalation.from_tier,
            "agent": Escalation.requested_by_id,
        }
        own = [column[self.kind] == self.id] if self.kind in column else []
        return own + (self.filters.on_escalations_out() if self.filters else [])

    def on_feedback(self) -> list[sa.ColumnElement[bool]]:
        own = [getattr(Feedback, name) == value for name, value in self.feedback_filter().items()]
        return own + (self.filters.on_feedback() if self.filters else [])

    def tiers(self) -> list[int]:
        """The tiers whose escalation figures the scope covers."""
        tiers = [self.id] if self.kind == "tier" else list(TIERS)
        if self.filters and self.filters.tier is not None:
            tiers = [tier for tier in tiers if tier == self.filters.tier]
        return tiers

    def feedback_filter(self) -> dict:
        names = {"queue": "queue_id", "tier": "tier", "agent": "agent_id"}
        return {names[self.kind]: self.id} if self.kind in names else {}


def queues() -> list[Queue]:
    return db.session.scalars(sa.select(Queue).order_by(Queue.tier, Queue.name)).all()
