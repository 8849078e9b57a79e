"""Translated names of the enumerations, for pages and emails."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.models import CaseStatus, Channel, Priority, Role

ROLE_LABELS = {
    Role.CUSTOMER: _l("Customer"),
    Role.AGENT: _l("Agent"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.ADMIN: _l("Administrator"),
}
STATUS_LABELS = {
    CaseStatus.NEW: _l("New"),
    CaseStatus.OPEN: _l("Open"),
    CaseStatus.PENDING: _l("Waiting on customer"),
    CaseStatus.RESOLVED: _l("Resolved"),
    CaseStatus.CLOSED: _l("Closed"),
}
PRIORITY_LABELS = {
    Priority.LOW: _l("Low"),
    Priority.NORMAL: _l("Normal"),
    Priority.HIGH: _l("High"),
    Priority.URGENT: _l("Urgent"),
}
CHANNEL_LABELS = {
    Channel.WEB: _l("Web"),
    Channel.EMAIL: _l("Email"),
    Channel.PHONE: _l("Phone"),
    Channel.CHAT: _l("Chat"),
    Channel.SOCIAL: _l("Social"),
}
STATUS_BADGES = {
    CaseStatus.NEW: "text-bg-info",
    CaseStatus.OPEN: "text-bg-primary",
    CaseStatus.PENDING: "text-bg-warning",
    CaseStatus.RESOLVED: "text-bg-success",
    CaseStatus.CLOSED: "text-bg-secondary",
}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda value: ROLE_LABELS[Role(value)],
        status_label=lambda value: STATUS_LABELS[CaseStatus(value)],
        priority_label=lambda value: PRIORITY_LABELS[Priority(value)],
        channel_label=lambda value: CHANNEL_LABELS[Channel(value)],
        status_badge=lambda value: STATUS_BADGES[CaseStatus(value)],
    )


FACET_LABELS = {
    "status": _l("Status"),
    "priority": _l("Priority"),
    "queue": _l("Queue"),
    "account": _l("Account"),
}
