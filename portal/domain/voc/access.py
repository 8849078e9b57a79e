"""Who may see and change feedback: the reader's filter and the edit, theme and dashboard rules.

Kept beside the model they guard, and together in one module so that they move as one block
to portal/authz.py (whose case rules they build on); every feedback list, page and export
starts from `visible_items`.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal import authz
from portal.models import Case, Feedback, Role, User


def feedback_filter(user: User) -> sa.ColumnElement[bool]:
    """Items a reader may see: customers their own; supervisors and admins all; agents those
    without a case or about a case they may see (tiers up to theirs)."""
    if not user.is_authenticated or not user.is_active:
        return sa.false()
    if user.role == Role.CUSTOMER:
        if user.contact_id is None:
            return sa.false()
        return Feedback.contact_id == user.contact_id
    if authz.sees_all_queues(user):
        return sa.true()
    if user.role == Role.AGENT:
        return sa.or_(
            Feedback.case_id.is_(None),
            Feedback.case_id.in_(sa.select(Case.id).where(authz.case_filter(user))),
        )
    return sa.false()


def visible_items(user: User) -> sa.Select:
    """Every feedback list, page and export starts here."""
    return sa.select(Feedback).where(feedback_filter(user))


def can_edit_item(user: User, item: Feedback) -> bool:
    """Status, owner, themes and the response: the owner, supervisors and admins; any staff
    member while nobody owns the item."""
    if not authz.is_staff(user):
        return False
    return authz.sees_all_queues(user) or item.owner_id in (None, user.id)


def can_manage_themes(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.role in Role.MANAGERS


def can_view_dashboard(user: User) -> bool:
    return can_manage_themes(user)
