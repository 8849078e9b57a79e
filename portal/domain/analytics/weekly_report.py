"""The weekly summary emailed to supervisors: whole-team KPIs of the last seven full days
against the seven before, the week's top escalation reasons and the current goals, in each
reader's language and time zone. Separate from the report page: it runs from `flask reports
weekly` and sends mail through the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from portal.domain.analytics import (
    goal_lists,
    metrics,
    period_figures,
    periods,
    report_figures,
    scopes,
)
from portal.i18n import is_valid_timezone
from portal.infra import mail
from portal.kernel import inbox, links, staff
from portal.models import Role, User

TOP_REASONS = 5

# The weekly email: these figures for the last seven full days against the seven before.
WEEKLY_METRICS = (
    "created",
    "resolved",
    "first_response_median",
    "first_response_sla",
    "resolution_sla",
    "csat",
    "escalation_rate",
)
WEEKLY_TEMPLATE = "weekly_report"


@dataclass(frozen=True)
class WeeklyFigure:
    metric: metrics.Metric
    this_week: float | None
    last_week: float | None

    @property
    def change(self) -> float | None:
        if self.this_week is None or self.last_week is None:
            return None
        return round(self.this_week - self.last_week, 1)


@dataclass(frozen=True)
class Weekly:
    """The last seven full days (in one time zone) against the seven before."""

    this_week: periods.Period
    last_week: periods.Period
    figures: list[WeeklyFigure]
    reasons: list[tuple[object, int]]


def weekly_summary(*, now: datetime, tz: ZoneInfo) -> Weekly:
    """Whole-team KPIs of the last seven full days and the seven before, and the week's top
    escalation reasons."""
    today = now.astimezone(tz).date()
    this_week = periods.Period(today - timedelta(days=7), today - timedelta(days=1), tz)
    last_week = periods.Period(today - timedelta(days=14), today - timedelta(days=8), tz)
    team = scopes.Scope()
    (before, after), _total = report_figures.grouped(team, [last_week, this_week], now=now)

    def figure(key: str, figures: report_figures.Figures, when: periods.Period):
        if key in _READ_OFF_FIGURES:
            return report_figures.figure_value(figures, key)
        return metrics.value(key, team, when, now=now)

    figures = [
        WeeklyFigure(
            metrics.METRICS[key], figure(key, after, this_week), figure(key, before, last_week)
        )
        for key in WEEKLY_METRICS
    ]
    reasons = [
        (inbox.display_text(reason), count)
        for reason, count in period_figures.escalation_reasons(team, this_week, limit=TOP_REASONS)
    ]
    return Weekly(this_week, last_week, figures, reasons)


_READ_OFF_FIGURES = frozenset(WEEKLY_METRICS) - {"escalation_rate"}


def weekly_recipients() -> list[User]:
    """Active supervisors and admins with an address who have not turned emails off."""
    return [
        user for user in staff.active_staff(Role.MANAGERS) if user.notify_by_email and user.email
    ]


def _zone(user: User) -> ZoneInfo:
    name = user.timezone if is_valid_timezone(user.timezone) else None
    return ZoneInfo(name or current_app.config["BABEL_DEFAULT_TIMEZONE"])


def send_weekly(*, now: datetime, progress: Callable[[User], None] | None = None) -> list[User]:
    """Queue the weekly summary to every recipient, in their language and time zone (one
    summary per time zone). The caller commits; the outbox sends after the commit."""
    summaries: dict[str, Weekly] = {}
    active = goal_lists.active_goals(now)
    recipients = weekly_recipients()
    for user in recipients:
        tz = _zone(user)
        if tz.key not in summaries:
            summaries[tz.key] = weekly_summary(now=now, tz=tz)
        summary = summaries[tz.key]
        mail.send_template(
            WEEKLY_TEMPLATE,
            to=user.email,
            language=user.language,
            name=user.name,
            summary=summary,
            goals=active,
            metrics=metrics.METRICS,
            link=links.report_url(
                period="custom",
                first=summary.this_week.first,
                last=summary.this_week.last,
                group="day",
            ),
        )
        if progress is not None:
            progress(user)
    return recipients
