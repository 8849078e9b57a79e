"""The shared domain model; importing this package registers every table."""

from portal.models.audit import AuditEvent
from portal.models.case import (
    Attachment,
    Case,
    CaseEvent,
    CaseFollower,
    CaseLink,
    Macro,
    Queue,
    RoutingRule,
)
from portal.models.contact_merge import ContactMerge
from portal.models.crm import Account, Contact, ContactRole
from portal.models.enums import (
    AddressProof,
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
    GoalStatus,
    LinkPurpose,
    NotificationKind,
    OutboxStatus,
    Priority,
    Role,
    Sentiment,
    SLANotificationKind,
)
from portal.models.escalation import Escalation
from portal.models.feedback import Feedback
from portal.models.goal import Goal
from portal.models.notification import Notification, SLANotification
from portal.models.outbox import OutboxMessage
from portal.models.sla import BusinessCalendar, Holiday, SLABreach, SLAPolicy
from portal.models.user import AddressLink, LoginAttempt, PasswordResetToken, User, UserSession
from portal.models.voc import (
    FeedbackComment,
    FeedbackTheme,
    SurveyInvitation,
    feedback_theme_links,
)

__all__ = [
    "Account",
    "AddressLink",
    "AddressProof",
    "Attachment",
    "AuditEvent",
    "BusinessCalendar",
    "Case",
    "CaseEvent",
    "CaseFollower",
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
    "FeedbackComment",
    "FeedbackKind",
    "FeedbackStatus",
    "FeedbackTheme",
    "Goal",
    "GoalDirection",
    "GoalOwnerKind",
    "GoalStatus",
    "Holiday",
    "LinkPurpose",
    "LoginAttempt",
    "Macro",
    "Notification",
    "NotificationKind",
    "OutboxMessage",
    "OutboxStatus",
    "PasswordResetToken",
    "Priority",
    "Queue",
    "Role",
    "RoutingRule",
    "SLABreach",
    "SLANotification",
    "SLANotificationKind",
    "SLAPolicy",
    "Sentiment",
    "SurveyInvitation",
    "User",
    "UserSession",
    "feedback_theme_links",
]
