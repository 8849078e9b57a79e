"""Feedback themes: the supervisors' list of topics, and the themes each item carries.

Themes are managed apart from the items they label: renaming one rewrites the copy of names on
its items, and `themes_by_item` loads the themes of a whole page of items in one query.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal import authz
from portal.domain.voc.user_text import MAX_THEME_NAME, clean_text
from portal.extensions import db
from portal.kernel import audit
from portal.kernel.errors import DomainError, NotAllowed
from portal.models import Feedback, FeedbackTheme, User, feedback_theme_links


class ThemeNameTaken(DomainError):
    """Another theme already has this name (compared without case)."""

    status = 400


def all_themes() -> list[FeedbackTheme]:
    return list(db.session.scalars(sa.select(FeedbackTheme).order_by(FeedbackTheme.name)))


def active_themes() -> list[FeedbackTheme]:
    return [theme for theme in all_themes() if theme.is_active]


def themes_with_ids(ids: list[int]) -> list[FeedbackTheme]:
    return list(db.session.scalars(sa.select(FeedbackTheme).where(FeedbackTheme.id.in_(ids))))


def _check_name(name: str, theme: FeedbackTheme | None) -> str:
    name = " ".join(clean_text(name, MAX_THEME_NAME).split())
    if not name:
        raise ThemeNameTaken("a theme needs a name")
    clash = db.session.scalar(
        sa.select(FeedbackTheme.id).where(
            sa.func.lower(FeedbackTheme.name) == name.lower(),
            FeedbackTheme.id != (theme.id if theme else -1),
        )
    )
    if clash is not None:
        raise ThemeNameTaken(name)
    return name


def create_theme(name: str, *, by: User) -> FeedbackTheme:
    if not authz.can_manage_feedback_themes(by):
        raise NotAllowed("themes are managed by supervisors")
    theme = FeedbackTheme(name=_check_name(name, None))
    db.session.add(theme)
    db.session.flush()
    audit.record("feedback_theme.create", by=by, subject=theme, name=theme.name)
    return theme


def update_theme(theme: FeedbackTheme, *, name: str, is_active: bool, by: User) -> None:
    """Rename or retire a theme; the copy of names on its items follows a rename."""
    if not authz.can_manage_feedback_themes(by):
        raise NotAllowed("themes are managed by supervisors")
    name = _check_name(name, theme)
    old_name = theme.name
    theme.name, theme.is_active = name, is_active
    if old_name != name:
        db.session.flush()
        linked = db.session.scalars(
            sa.select(Feedback)
            .join(feedback_theme_links, feedback_theme_links.c.feedback_id == Feedback.id)
            .where(feedback_theme_links.c.theme_id == theme.id)
        ).all()
        names = themes_by_item([item.id for item in linked])
        for item in linked:
            item.themes = ", ".join(sorted(t.name for t in names.get(item.id, [])))[:400]
    audit.record(
        "feedback_theme.update", by=by, subject=theme, old=old_name, new=name, active=is_active
    )


def themes_by_item(item_ids: list[int]) -> dict[int, list[FeedbackTheme]]:
    """Each item's themes, in one query."""
    if not item_ids:
        return {}
    rows = db.session.execute(
        sa.select(feedback_theme_links.c.feedback_id, FeedbackTheme)
        .join(FeedbackTheme, FeedbackTheme.id == feedback_theme_links.c.theme_id)
        .where(feedback_theme_links.c.feedback_id.in_(item_ids))
        .order_by(FeedbackTheme.name)
    )
    result: dict[int, list[FeedbackTheme]] = {}
    for item_id, theme in rows:
        result.setdefault(item_id, []).append(theme)
    return result
