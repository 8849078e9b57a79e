"""Who may see and do what: predicates, `require()`, role gates and query filters.

Every list, search, export and API endpoint starts from a query helper here
(`visible_cases(user)`), so a reader can never be shown a row they may not see.

Who reads a case (`case_filter`, the one rule for pages, notifications and search):
- supervisors and admins: every case;
- agents: cases of their tiers (`tier <= max_tier`), and every case they worked: replied to,
  wrote a note or logged an interaction on, were given, or escalated (a `case_followers` row,
  see domain.cases.followers). So the agent who escalates a case keeps it in sight and in search.
  Unfollowing stops the updates, not the reading.
- customers: their own cases, and their account's if they are its admin or decision maker.

Reading is not working: `can_work_case` stays tier-based. A follower above their tier reads
the case and may follow or unfollow it, but does not reply, note or change it.
"""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Flask, abort
from flask_login import current_user

from portal.extensions import db
from portal.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseFollower,
    ContactRoleKind,
    EventKind,
    Feedback,
    Queue,
    Role,
    User,
)

ACCOUNT_WIDE_ROLES = (ContactRoleKind.ACCOUNT_ADMIN, ContactRoleKind.DECISION_MAKER)


def require(allowed: bool, status: int = 403) -> None:
    """Stop the request unless the predicate held."""
    if not allowed:
        abort(status)


def roles_required(*roles: Role):
    """View decorator: signed in, and holding one of `roles` (403 otherwise)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from portal.extensions import login_manager

                return login_manager.unauthorized()
            require(current_user.role in roles)
            return view(*args, **kwargs)

        return wrapped

    return decorate


staff_required = roles_required(*Role.STAFF)
supervisor_required = roles_required(*Role.MANAGERS)
admin_required = roles_required(Role.ADMIN)
customer_required = roles_required(Role.CUSTOMER)


def is_staff(user: User) -> bool:
    return user.is_authenticated and user.role in Role.STAFF


def sees_all_queues(user: User) -> bool:
    return user.role in Role.MANAGERS


def can_see_internal_notes(user: User) -> bool:
    return is_staff(user)


def sees_account_cases(user: User) -> bool:
    """A customer whose contact is an account admin or decision maker sees the whole account."""
    contact = user.contact
    if user.role != Role.CUSTOMER or contact is None or contact.account_id is None:
        return False
    return any(
        role.account_id == contact.account_id and role.kind in ACCOUNT_WIDE_ROLES
        for role in contact.roles
    )


def visible_queues(user: User) -> sa.Select:
    """The queues a staff member may work: tiers up to their max_tier; all for supervisors."""
    query = db.select(Queue)
    if sees_all_queues(user):
        return query
    if user.role == Role.AGENT:
        return query.where(Queue.tier <= user.max_tier)
    return query.where(sa.false())


def worked_cases(user: User) -> sa.Select:
    """Ids of the cases `user` worked (and so may keep reading, whatever their tier)."""
    return sa.select(CaseFollower.case_id).where(CaseFollower.user_id == user.id)


def worked_case_ids_above_tier(user: User) -> list[int]:
    """The cases an agent reads only because they worked them (one query; search ORs these
    into its tier restriction, so it finds exactly what `case_filter` lets through)."""
    if user.role != Role.AGENT:
        return []
    return list(
        db.session.scalars(
            worked_cases(user)
            .join(Case, Case.id == CaseFollower.case_id)
            .where(Case.tier > user.max_tier)
            .order_by(CaseFollower.case_id)
        ).all()
    )


def case_filter(user: User) -> sa.ColumnElement[bool]:
    """The WHERE clause that limits cases to those `user` may see (the rule is in this
    module's docstring). One expression, so a page pays no extra query for it."""
    if not user.is_authenticated or not user.is_active:
        return sa.false()
    if sees_all_queues(user):
        return sa.true()
    if user.role == Role.AGENT:
        return sa.or_(Case.tier <= user.max_tier, Case.id.in_(worked_cases(user)))
    if user.role == Role.CUSTOMER and user.contact_id is not None:
        own = Case.requester_id == user.contact_id
        if sees_account_cases(user):
            return sa.or_(own, Case.account_id == user.contact.account_id)
        return own
    return sa.false()


def visible_cases(user: User) -> sa.Select:
    """Every case query a page, search or export runs starts here."""
    return db.select(Case).where(case_filter(user))


def case_or_404(user: User, number: str) -> Case:
    """Load a case through the reader's filter; hidden and missing cases look the same (404)."""
    case_id = Case.id_from_number(number)
    if case_id is None:
        abort(404)
    case = db.session.scalar(visible_cases(user).where(Case.id == case_id))
    if case is None:
        abort(404)
    return case


def can_view_case(user: User, case: Case) -> bool:
    return (
        db.session.scalar(db.select(sa.literal(True)).where(Case.id == case.id, case_filter(user)))
        is True
    )


def event_filter(user: User) -> sa.ColumnElement[bool]:
    """Timeline entries a reader may see: staff all; customers public replies and status changes."""
    if is_staff(user):
        return sa.true()
    return sa.or_(
        CaseEvent.kind == EventKind.PUBLIC_REPLY,
        sa.and_(CaseEvent.kind == EventKind.FIELD_CHANGE, CaseEvent.field == "status"),
    )


def visible_events(user: User, case: Case) -> sa.Select:
    """The case's timeline as this reader may see it (internal notes never reach customers)."""
    return (
        db.select(CaseEvent)
        .where(CaseEvent.case_id == case.id, event_filter(user))
        .order_by(CaseEvent.created_at, CaseEvent.id)
    )


def visible_attachments(user: User, case: Case) -> sa.Select:
    query = db.select(Attachment).where(Attachment.case_id == case.id)
    if not is_staff(user):
        query = query.where(Attachment.is_internal.is_(False))
    return query.order_by(Attachment.id)


def attachment_or_404(user: User, case: Case, attachment_id: int) -> Attachment:
    attachment = db.session.scalar(
        visible_attachments(user, case).where(Attachment.id == attachment_id)
    )
    if attachment is None:
        abort(404)
    return attachment


def can_act_as_customer(user: User, case: Case) -> bool:
    """Reply, solve or reopen from the portal: a customer who may see the case (their own, or
    their account's when they speak for it), by the one rule of `case_filter`."""
    return user.role == Role.CUSTOMER and user.contact_id is not None and can_view_case(user, case)


def can_work_case(user: User, case: Case) -> bool:
    """Staff who may reply, note and change fields: agents up to their tier, supervisors, admins.

    Tier-based on purpose: a follower may read a case above their tier, not work it."""
    return is_staff(user) and (sees_all_queues(user) or case.tier <= user.max_tier)


def _is_active_manager(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in Role.MANAGERS


def can_merge_contacts(user: User) -> bool:
    """Merging contacts (and undoing a merge) moves cases and logins: supervisors and admins."""
    return _is_active_manager(user)


def is_pending(user: User) -> bool:
    """A signed-in customer whose address is not confirmed: no contact, no account, no case;
    every page but the "check your inbox" one sends it there (auth.views.pending_logins_wait)."""
    return user.is_authenticated and user.is_pending


def can_invite_contact(user: User) -> bool:
    """Inviting a contact to the portal (an emailed link that makes its login): staff."""
    return is_staff(user) and user.is_active


# --- feedback (voice of the customer) -----------------------------------------------------


def feedback_filter(user: User) -> sa.ColumnElement[bool]:
    """Items a reader may see: customers their own; supervisors and admins all; agents those
    without a case or about a case they may see (`case_filter`)."""
    if not user.is_authenticated or not user.is_active:
        return sa.false()
    if user.role == Role.CUSTOMER:
        if user.contact_id is None:
            return sa.false()
        return Feedback.contact_id == user.contact_id
    if sees_all_queues(user):
        return sa.true()
    if user.role == Role.AGENT:
        return sa.or_(
            Feedback.case_id.is_(None),
            Feedback.case_id.in_(sa.select(Case.id).where(case_filter(user))),
        )
    return sa.false()


def visible_feedback(user: User) -> sa.Select:
    """Every feedback list, page and export starts here."""
    return sa.select(Feedback).where(feedback_filter(user))


def feedback_or_404(user: User, item_id: int) -> Feedback:
    """Load an item through the reader's filter; hidden and missing items look the same."""
    item = db.session.scalar(visible_feedback(user).where(Feedback.id == item_id))
    if item is None:
        abort(404)
    return item


def can_edit_feedback(user: User, item: Feedback) -> bool:
    """Status, owner, themes and the response: the owner, supervisors and admins; any staff
    member while nobody owns the item."""
    if not is_staff(user):
        return False
    return sees_all_queues(user) or item.owner_id in (None, user.id)


def can_manage_feedback_themes(user: User) -> bool:
    """Creating, renaming and retiring feedback themes: supervisors and admins."""
    return _is_active_manager(user)


# --- what a page shows --------------------------------------------------------------------
# Templates never compare roles: they ask these (template globals, see `init_app`), so each
# rule sits here beside the gate of the pages it links to.


def can_use_customer_portal(user: User) -> bool:
    """The customer area (My support, My cases, My feedback): a signed-in customer whose
    address is confirmed (a pending one only gets the "check your inbox" page)."""
    return user.is_authenticated and user.role == Role.CUSTOMER and not user.is_pending


def can_use_staff_workspace(user: User) -> bool:
    """The agent area (My work, queues, accounts, search, feedback) and its notifications:
    staff, as `staff_required`."""
    return is_staff(user)


def can_use_supervisor_tools(user: User) -> bool:
    """The supervisor menu, feedback themes and the VoC dashboard: supervisors and admins,
    as `supervisor_required`."""
    return user.is_authenticated and user.role in Role.MANAGERS


def can_speak_for_support(user: User | None) -> bool:
    """A reply written by `user` comes from the support team (the customer's timeline marks
    it so): any login but a customer's. No author (a deleted login, or a description that a
    merge carried over) is not."""
    return user is not None and user.role != Role.CUSTOMER


TEMPLATE_PREDICATES = (
    can_see_internal_notes,
    can_speak_for_support,
    can_use_customer_portal,
    can_use_staff_workspace,
    can_use_supervisor_tools,
)


def init_app(app: Flask) -> None:
    """Give templates these predicates, called as `can_use_supervisor_tools(current_user)`."""
    app.jinja_env.globals.update({check.__name__: check for check in TEMPLATE_PREDICATES})
