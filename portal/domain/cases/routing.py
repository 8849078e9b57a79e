"""Routing: which queue (and, optionally, priority) a new case lands in."""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Case, Queue, RoutingRule


def _matches(rule: RoutingRule, case: Case) -> bool:
    entitlement = case.account.entitlement if case.account else None
    return (
        (rule.category is None or rule.category == case.category)
        and (rule.account_id is None or rule.account_id == case.account_id)
        and (rule.entitlement is None or rule.entitlement == entitlement)
        and (rule.channel is None or rule.channel == case.channel)
    )


def default_queue() -> Queue | None:
    """The queue marked default, else the first tier-1 queue."""
    return db.session.scalar(
        sa.select(Queue).order_by(Queue.is_default.desc(), Queue.tier, Queue.id).limit(1)
    )


def route(case: Case) -> None:
    """Apply the first matching active rule (by position); otherwise the default queue."""
    rules = db.session.scalars(
        sa.select(RoutingRule)
        .where(RoutingRule.is_active)
        .order_by(RoutingRule.position, RoutingRule.id)
    ).all()
    rule = next((rule for rule in rules if _matches(rule, case)), None)
    queue = rule.queue if rule is not None else default_queue()
    if queue is not None:
        case.queue = queue
        case.tier = queue.tier
    if rule is not None and rule.priority is not None:
        case.priority = rule.priority
