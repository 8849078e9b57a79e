"""The shared domain model; importing this package registers every table."""

from portal.models.audit import AuditEvent
from portal.models.case import Attachment, Case, CaseEvent, CaseLink, Macro, Queue, RoutingRule
from portal.models.contact_merge import ContactMerge
from portal.models.crm import Account, Contact, ContactRole
from portal.models.enums import (
    CaseStatus,
    Channel,
    ContactRoleKind,
    Direction,
    EscalationState,
    EventKind,
    FeedbackKind,
    FeedbackStatus,
    GoalDirection,
    GoalOwnerKind,
    OutboxStatus,
    Priority,
    Role,
    Sentiment,
)
from portal.models.escalation import Escalation
from portal.models.feedback import Feedback
from portal.models.goal import Goal
from portal.models.outbox import OutboxMessage
from portal.models.sla import BusinessCalendar, Holiday, SLABreach, SLAPolicy
from portal.models.user import LoginAttempt, PasswordResetToken, User, UserSession

__all__ = [
    "Account",
    "Attachment",
    "AuditEvent",
    "BusinessCalendar",
    "Case",
    "CaseEvent",
    "CaseLink",
    "CaseStatus",
    "Channel",
    "Contact",
    "ContactMerge",
    "ContactRole",
    "ContactRoleKind",
    "Direction",
    "Escalation",
    "EscalationState",
    "EventKind",
    "Feedback",
    "FeedbackKind",
    "FeedbackStatus",
    "Goal",
    "GoalDirection",
    "GoalOwnerKind",
    "Holiday",
    "LoginAttempt",
    "Macro",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordResetToken",
    "Priority",
    "Queue",
    "Role",
    "RoutingRule",
    "SLABreach",
    "SLAPolicy",
    "Sentiment",
    "User",
    "UserSession",
]
