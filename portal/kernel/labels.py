"""Translated names of the enumerations and sentences of the case timeline, for pages and
emails. Each word is defined here once."""

from __future__ import annotations

import re

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup, escape

from portal.i18n import LANGUAGES, bdi, isolate, native_digits
from portal.models import (
    CaseEvent,
    CaseStatus,
    Channel,
    Direction,
    EscalationState,
    EventKind,
    FeedbackKind,
    FeedbackStatus,
    GoalDirection,
    GoalOwnerKind,
    GoalStatus,
    Priority,
    Role,
    Sentiment,
)

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
CATEGORY_LABELS = {
    "general": _l("General question"),
    "technical": _l("Technical problem"),
    "billing": _l("Billing and invoices"),
    "account": _l("Account and access"),
    "shipping": _l("Orders and shipping"),
}
CHANNEL_LABELS = {
    Channel.WEB: _l("Web"),
    Channel.EMAIL: _l("Email"),
    Channel.PHONE: _l("Phone"),
    Channel.CHAT: _l("Chat"),
    Channel.SOCIAL: _l("Social"),
}
ESCALATION_STATE_LABELS = {
    # Each names the escalation, so that nobody reads it as the case's own status.
    EscalationState.OPEN: _l("Escalation open"),
    EscalationState.ACCEPTED: _l("Escalation accepted"),
    EscalationState.RETURNED: _l("Returned to lower tier"),
    EscalationState.RESOLVED: _l("Escalation closed"),
}
ESCALATION_STATE_BADGES = {
    EscalationState.OPEN: "text-bg-danger",
    EscalationState.ACCEPTED: "text-bg-primary",
    EscalationState.RETURNED: "text-bg-warning",
    EscalationState.RESOLVED: "text-bg-success",
}


STATUS_BADGES = {
    CaseStatus.NEW: "text-bg-info",
    CaseStatus.OPEN: "text-bg-primary",
    CaseStatus.PENDING: "text-bg-warning",
    CaseStatus.RESOLVED: "text-bg-success",
    CaseStatus.CLOSED: "text-bg-secondary",
}


DIRECTION_LABELS = {Direction.INBOUND: _l("Inbound"), Direction.OUTBOUND: _l("Outbound")}
INTERACTION_LABELS = {
    (Channel.PHONE, Direction.INBOUND): _l("Incoming call"),
    (Channel.PHONE, Direction.OUTBOUND): _l("Outgoing call"),
    (Channel.EMAIL, Direction.INBOUND): _l("Email received"),
    (Channel.EMAIL, Direction.OUTBOUND): _l("Email sent"),
    (Channel.CHAT, Direction.INBOUND): _l("Chat started by the customer"),
    (Channel.CHAT, Direction.OUTBOUND): _l("Chat started by us"),
    (Channel.SOCIAL, Direction.INBOUND): _l("Social media message received"),
    (Channel.SOCIAL, Direction.OUTBOUND): _l("Social media message sent"),
    (Channel.WEB, Direction.INBOUND): _l("Web message received"),
    (Channel.WEB, Direction.OUTBOUND): _l("Web message sent"),
}
FACET_LABELS = {
    "status": _l("Status"),
    "priority": _l("Priority"),
    "queue": _l("Queue"),
    "account": _l("Account"),
}
# Facets whose values are enumeration keys, shown with the words the rest of the UI uses.
_FACET_VALUE_LABELS = {"status": STATUS_LABELS, "priority": PRIORITY_LABELS}


def label(labels: dict, value) -> str:
    """The translated word for a stored key; the key itself if it is not (or no longer) known."""
    if value is None:
        return ""
    return labels.get(value, value)


def facet_value_label(facet: str, value: str, fallback: str) -> str:
    """A search facet value in the page's words: "Waiting on customer", not `pending`."""
    labels = _FACET_VALUE_LABELS.get(facet)
    return label(labels, value) if labels else fallback


# --- Feedback (voice of the customer) ------------------------------------------------------

FEEDBACK_KIND_LABELS = {
    FeedbackKind.CSAT: _l("Satisfaction rating"),
    FeedbackKind.NPS: _l("Recommendation score"),
    FeedbackKind.COMPLAINT: _l("Complaint"),
    FeedbackKind.SUGGESTION: _l("Suggestion"),
    FeedbackKind.COMPLIMENT: _l("Compliment"),
    FeedbackKind.QUESTION: _l("Question"),
}
FEEDBACK_STATUS_LABELS = {
    FeedbackStatus.NEW: _l("New"),
    FeedbackStatus.ACKNOWLEDGED: _l("Acknowledged"),
    FeedbackStatus.IN_PROGRESS: _l("In progress"),
    FeedbackStatus.CLOSED: _l("Closed"),
}
FEEDBACK_STATUS_BADGES = {
    FeedbackStatus.NEW: "text-bg-info",
    FeedbackStatus.ACKNOWLEDGED: "text-bg-primary",
    FeedbackStatus.IN_PROGRESS: "text-bg-warning",
    FeedbackStatus.CLOSED: "text-bg-secondary",
}
SENTIMENT_LABELS = {
    Sentiment.POSITIVE: _l("Positive"),
    Sentiment.NEUTRAL: _l("Neutral"),
    Sentiment.NEGATIVE: _l("Negative"),
}
# The words of the satisfaction scale, by score (NPS scores are shown as plain numbers).
CSAT_SCORE_LABELS = {
    1: _l("Very dissatisfied"),
    2: _l("Dissatisfied"),
    3: _l("Neither satisfied nor dissatisfied"),
    4: _l("Satisfied"),
    5: _l("Very satisfied"),
}

# --- Goals ---------------------------------------------------------------------------------

GOAL_STATUS_LABELS = {
    GoalStatus.NOT_STARTED: _l("Not started"),
    GoalStatus.ON_TRACK: _l("On track"),
    GoalStatus.AT_RISK: _l("At risk"),
    GoalStatus.BEHIND: _l("Behind"),
    GoalStatus.ACHIEVED: _l("Achieved"),
    GoalStatus.MISSED: _l("Missed"),
}
# Bootstrap colour names, not badge classes: a goal's status colours its badge and its bar.
GOAL_STATUS_COLORS = {
    GoalStatus.NOT_STARTED: "secondary",
    GoalStatus.ON_TRACK: "primary",
    GoalStatus.AT_RISK: "warning",
    GoalStatus.BEHIND: "danger",
    GoalStatus.ACHIEVED: "success",
    GoalStatus.MISSED: "dark",
}
GOAL_DIRECTION_LABELS = {
    GoalDirection.AT_LEAST: _l("At least"),
    GoalDirection.AT_MOST: _l("At most"),
}
GOAL_OWNER_KIND_LABELS = {
    GoalOwnerKind.AGENT: ROLE_LABELS[Role.AGENT],
    GoalOwnerKind.QUEUE: _l("Queue"),
    GoalOwnerKind.TIER: _l("Tier"),
    GoalOwnerKind.TEAM: _l("Whole team"),
}


def tier_label(tier):
    """ "Tier 2", translated when shown. Pages pass `native_digits(tier)`, CSV rows the number."""
    return _l("Tier %(tier)s", tier=tier)


# --- Options: names, emails and numbers that keep their direction --------------------------


def contact_option(name: str, email: str | None) -> str:
    """`Name <address>` for an <option> (no tags allowed there): each part isolated, so that
    in a right-to-left page the `>` stays after the address."""
    return f"{isolate(name)} {isolate(f'<{email}>')}" if email else isolate(name)


def queue_option(name: str, tier: int) -> str:
    """`Front line (1)` for an <option>: the name isolated, the tier in the reader's digits."""
    return f"{isolate(name)} ({native_digits(tier)})"


def language_option(name: str, language: str) -> str:
    """`Greeting (فارسی)`: a name with its language, each keeping its own direction."""
    return f"{isolate(name)} ({isolate(LANGUAGES.get(language, language))})"


# --- The case timeline ---------------------------------------------------------------------

_PLACE = re.compile(r"^(?P<name>.*) \((?P<tier>[0-9]+)\)$")
FIELD_SENTENCES = {
    # field: (changed, set, cleared, labels)
    "status": (
        _l("Status changed from %(old)s to %(new)s"),
        _l("Status set to %(new)s"),
        None,
        STATUS_LABELS,
    ),
    "priority": (
        _l("Priority changed from %(old)s to %(new)s"),
        _l("Priority set to %(new)s"),
        None,
        PRIORITY_LABELS,
    ),
    "category": (
        _l("Category changed from %(old)s to %(new)s"),
        _l("Category set to %(new)s"),
        _l("Category %(old)s removed"),
        CATEGORY_LABELS,
    ),
    "queue": (
        _l("Moved from queue %(old)s to queue %(new)s"),
        _l("Moved to queue %(new)s"),
        _l("Taken out of queue %(old)s"),
        {},
    ),
    "tier": (
        _l("Tier changed from %(old)s to %(new)s"),
        _l("Tier set to %(new)s"),
        None,
        {},
    ),
    "assignee": (
        _l("Reassigned from %(old)s to %(new)s"),
        _l("Assigned to %(new)s"),
        _l("Unassigned from %(old)s"),
        {},
    ),
    "merged_from": (None, _l("%(new)s was merged into this case"), None, {}),
    "merged_into": (None, _l("Merged into %(new)s"), None, {}),
    "linked": (None, _l("Linked to %(new)s"), None, {}),
}
# What the timeline says when an escalation reaches a state: a sentence, where
# ESCALATION_STATE_LABELS name the state on a badge.
ESCALATION_STATE_SENTENCES = {
    EscalationState.ACCEPTED: _l("Escalation accepted"),
    EscalationState.RETURNED: _l("Escalation returned"),
    EscalationState.RESOLVED: _l("Escalation resolved"),
}


def _fill(message, html: bool, **parts) -> Markup | str:
    """A translated sentence with its parts isolated: <bdi> in HTML, Unicode isolates in text,
    so names, queues and numbers keep their order in either direction."""
    template = str(message)
    if html:
        return escape(template) % {key: bdi(value) for key, value in parts.items()}
    return template % {key: isolate(value) for key, value in parts.items()}


def _place(value: str | None) -> str:
    """A stored `Queue name (tier)` with the tier in the reader's digits."""
    match = _PLACE.match(value or "")
    if not match:
        return value or "—"
    return f"{match['name']} ({native_digits(match['tier'])})"


def _tier_of(value: str | None) -> int | None:
    match = _PLACE.match(value or "")
    return int(match["tier"]) if match else None


def _field_sentence(event: CaseEvent, html: bool) -> Markup | str:
    old, new = event.old_value, event.new_value
    known = FIELD_SENTENCES.get(event.field or "")
    if known is None:
        return _fill(
            _("%(field)s changed from %(old)s to %(new)s"),
            html,
            field=event.field or "—",
            old=old or "—",
            new=new or "—",
        )
    changed, set_to, cleared, words = known
    if event.field == "tier":
        old, new = native_digits(old or ""), native_digits(new or "")
    old, new = label(words, old) or None, label(words, new) or None
    if old is not None and new is not None and changed is not None:
        return _fill(changed, html, old=old, new=new)
    if new is not None:
        return _fill(set_to, html, new=new)
    if old is not None and cleared is not None:
        return _fill(cleared, html, old=old)
    return _fill(_("%(field)s changed"), html, field=event.field)


def _escalation_sentence(event: CaseEvent, html: bool) -> Markup | str:
    old, new = event.old_value, event.new_value
    if new == "flagged":
        return _fill(_("Flagged to supervisors from %(place)s"), html, place=_place(old))
    if new in ESCALATION_STATE_SENTENCES:
        return _fill(ESCALATION_STATE_SENTENCES[new], html)
    before, after = _tier_of(old), _tier_of(new)
    if before is not None and after is not None and after > before:
        message = _("Escalated from %(old)s to %(new)s")
    elif before is not None and after is not None and after < before:
        message = _("Returned from %(old)s to %(new)s")
    else:
        message = _("Moved from %(old)s to %(new)s")
    return _fill(message, html, old=_place(old), new=_place(new))


def escalation_sentence(entry, *, html: bool = True) -> Markup | str:
    """An escalation (escalations `Entry`) as the timeline says it: "Escalated from
    Front line (1) to Specialists (2)", or "Flagged to supervisors from Experts (3)"."""
    escalation = entry.escalation

    def place(queue, tier) -> str:
        if queue is None:
            return str(tier_label(native_digits(tier)))
        return f"{queue.name} ({native_digits(tier)})"

    origin = place(entry.from_queue, escalation.from_tier)
    if entry.is_flag:
        return _fill(_("Flagged to supervisors from %(place)s"), html, place=origin)
    target = place(entry.to_queue, escalation.to_tier)
    return _fill(_("Escalated from %(old)s to %(new)s"), html, old=origin, new=target)


def _interaction_sentence(event: CaseEvent, html: bool) -> Markup | str:
    what = INTERACTION_LABELS.get((event.channel, event.direction))
    if what is None:
        what = CHANNEL_LABELS.get(event.channel, _("Interaction"))
    minutes = (event.duration_seconds or 0) // 60
    if not minutes:
        return _fill(what, html)
    length = ngettext(
        "%(count)s minute", "%(count)s minutes", minutes, count=native_digits(minutes)
    )
    return _fill(_("%(what)s, %(length)s"), html, what=str(what), length=length)


def event_sentence(event: CaseEvent, *, html: bool = True) -> Markup | str:
    """What a timeline entry says, as one translated, direction-safe sentence ("Status
    changed from Open to Waiting on customer", "Assigned to Sara", "Escalated from Front
    line (1) to Specialists (2)"). `html=False` gives plain text for emails and subjects.

    Who did it and when are shown beside it; which entries a reader sees is decided by
    `authz.event_filter`, not here.
    """
    kind = EventKind(event.kind)
    if kind is EventKind.FIELD_CHANGE:
        return _field_sentence(event, html)
    if kind is EventKind.ESCALATION:
        return _escalation_sentence(event, html)
    if kind is EventKind.INTERACTION:
        return _interaction_sentence(event, html)
    name = event.author.name if event.author is not None else _("The customer")
    if kind is EventKind.INTERNAL_NOTE:
        return _fill(_("%(name)s added an internal note"), html, name=name)
    return _fill(_("%(name)s replied"), html, name=name)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_label=lambda value: ROLE_LABELS[Role(value)],
        status_label=lambda value: STATUS_LABELS[CaseStatus(value)],
        priority_label=lambda value: PRIORITY_LABELS[Priority(value)],
        channel_label=lambda value: CHANNEL_LABELS[Channel(value)],
        status_badge=lambda value: STATUS_BADGES[CaseStatus(value)],
        tier_label=lambda tier: tier_label(native_digits(tier)),
        kind_label=lambda value: FEEDBACK_KIND_LABELS[FeedbackKind(value)],
        feedback_status_label=lambda value: FEEDBACK_STATUS_LABELS[FeedbackStatus(value)],
        feedback_status_badge=lambda value: FEEDBACK_STATUS_BADGES[FeedbackStatus(value)],
        sentiment_label=lambda value: SENTIMENT_LABELS[Sentiment(value)] if value else "",
        csat_labels=CSAT_SCORE_LABELS,
        facet_value_label=facet_value_label,
        event_sentence=event_sentence,
        escalation_sentence=escalation_sentence,
        language_option=language_option,
    )
