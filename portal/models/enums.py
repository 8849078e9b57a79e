"""Enumerations of the domain vocabulary (DESIGN.md). Stored as their lowercase values."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    STAFF: ClassVar[tuple[Role, ...]]  # everyone who works cases (the groups are not members)
    MANAGERS: ClassVar[tuple[Role, ...]]  # who handles escalations, goals and reports


class CaseStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    CLOSED = "closed"

    WORKING: ClassVar[tuple[CaseStatus, ...]]  # still needs someone: new, open, pending
    RUNNING: ClassVar[tuple[CaseStatus, ...]]  # on our side, SLA clocks running: new, open
    DONE: ClassVar[tuple[CaseStatus, ...]]  # resolved or closed


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Channel(StrEnum):
    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"
    SOCIAL = "social"


class ContactRoleKind(StrEnum):
    REQUESTER = "requester"
    CC = "cc"
    TECHNICAL = "technical"
    BILLING = "billing"
    DECISION_MAKER = "decision_maker"
    ACCOUNT_ADMIN = "account_admin"


class EventKind(StrEnum):
    PUBLIC_REPLY = "public_reply"
    INTERNAL_NOTE = "internal_note"
    FIELD_CHANGE = "field_change"
    INTERACTION = "interaction"
    ESCALATION = "escalation"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class EscalationState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    RETURNED = "returned"
    RESOLVED = "resolved"

    PENDING: ClassVar[tuple[EscalationState, ...]]  # waiting for the higher tier: open, accepted


class FeedbackKind(StrEnum):
    CSAT = "csat"
    NPS = "nps"
    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    COMPLIMENT = "compliment"
    QUESTION = "question"


class FeedbackStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class GoalDirection(StrEnum):
    AT_LEAST = "at_least"
    AT_MOST = "at_most"


class GoalOwnerKind(StrEnum):
    AGENT = "agent"
    QUEUE = "queue"
    TIER = "tier"
    TEAM = "team"


class GoalStatus(StrEnum):
    """Where a goal stands, computed when it is measured (never stored)."""

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    ACHIEVED = "achieved"
    MISSED = "missed"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERING = "delivering"
    DELIVERED = "delivered"
    DEAD = "dead"


class AddressProof(StrEnum):
    """How a login's email address was shown to belong to the person who signs in with it."""

    REGISTRATION = "registration"  # followed the link emailed at self-registration
    INVITATION = "invitation"  # followed an agent's invitation link and chose a password
    PASSWORD_RESET = "password_reset"  # chose a password through an emailed reset link
    LEGACY = "legacy"  # the login existed before addresses were verified; counted as verified
    SEED = "seed"  # made by `flask seed-demo` or another command, not through the portal


class LinkPurpose(StrEnum):
    """What an emailed single-use link does when it is followed."""

    REGISTRATION = "registration"
    INVITATION = "invitation"


# The groups every area uses, defined once here (after the classes: an Enum body can't refer to
# its own members).
Role.STAFF = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN)
Role.MANAGERS = (Role.SUPERVISOR, Role.ADMIN)
CaseStatus.WORKING = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING)
CaseStatus.RUNNING = (CaseStatus.NEW, CaseStatus.OPEN)
CaseStatus.DONE = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
EscalationState.PENDING = (EscalationState.OPEN, EscalationState.ACCEPTED)


class NotificationKind(StrEnum):
    """What a staff notification is about (`notifications.kind`, a plain string column)."""

    ESCALATION = "escalation"
    ESCALATION_FLAG = "escalation_flag"
    ESCALATION_ASSIGNED = "escalation_assigned"
    ESCALATION_RETURNED = "escalation_returned"
    FIRST_RESPONSE_WARNING = "sla_warning_first_response"
    RESOLUTION_WARNING = "sla_warning_resolution"
    FIRST_RESPONSE_BREACH = "sla_breach_first_response"
    GOAL_THRESHOLD = "goal_threshold"
    GOAL_BEHIND = "goal_behind"
    # What the customer did (to the assignee, else the queue's agents, and to followers).
    CUSTOMER_REPLIED = "customer_replied"
    CUSTOMER_REOPENED = "customer_reopened"
    CUSTOMER_SOLVED = "customer_solved"
    # What staff did to a case someone follows.
    CASE_RESOLVED = "case_resolved"
    CASE_CLOSED = "case_closed"
    CASE_REOPENED = "case_reopened"
    CASE_ASSIGNED = "case_assigned"
    FOLLOWED_ESCALATED = "followed_escalated"
    ESCALATION_ACCEPTED = "escalation_accepted"
    ESCALATION_RESOLVED = "escalation_resolved"


class SLANotificationKind(StrEnum):
    """What the SLA sweep did for a clock (`sla_notifications.kind`, a plain string column).

    The stored values predate `NotificationKind` and differ from its spellings; they stay as
    they are so that rows already written keep a sweep from acting twice.
    """

    FIRST_RESPONSE_WARNING = "first_response_warning"
    RESOLUTION_WARNING = "resolution_warning"
    FIRST_RESPONSE_BREACH = "first_response_breach"
    RESOLUTION_BREACH = "resolution_breach"  # escalates the case instead of notifying

    @property
    def notification_kind(self) -> NotificationKind | None:
        """The staff notification this action sends, the one of the same name (None for a
        missed resolution, which escalates the case instead)."""
        return NotificationKind.__members__.get(self.name)
