"""Reports: KPI figures per day, week or month for any mix of filters, the list of the cases
behind them, and the weekly summary emailed to supervisors.

Every figure comes from the KPI modules (`report_figures.grouped`, `metrics.value`), so a
report's numbers are the dashboard's and the goals' numbers for the same filters and period. The
case list is the cases created in the period that match the filters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from portal import authz
from portal.domain import voc
from portal.domain.analytics import (
    kpi_table,
    metrics,
    period_figures,
    periods,
    report_figures,
    scopes,
)
from portal.domain.cases import CATEGORIES
from portal.extensions import db
from portal.i18n import (
    JALALI_MONTHS,
    current_language,
    is_valid_timezone,
    local_day,
    native_digits,
)
from portal.infra import mail
from portal.kernel import inbox
from portal.models import Account, Case, Channel, Queue, Role, User

EXPORT_LIMIT = 50_000
DEFAULT_PERIOD = "30"
TOP_REASONS = 5
SATURDAY = 5
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


# --- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """What the filter lists offer; a filter value outside them is refused."""

    queues: list[Queue]
    agents: list[User]
    accounts: list[tuple[int, str]]
    categories: tuple[str, ...] = CATEGORIES
    channels: tuple[str, ...] = tuple(channel.value for channel in Channel)
    tiers: tuple[int, ...] = scopes.TIERS


def choices() -> Choices:
    """The queues, staff and accounts to filter by (three queries)."""
    accounts = db.session.execute(sa.select(Account.id, Account.name).order_by(Account.name))
    return Choices(scopes.queues(), scopes.staff(), [(row.id, row.name) for row in accounts])


@dataclass(frozen=True)
class ReportQuery:
    """A report asked for: the period, the filters and the grouping."""

    period: periods.Period
    filters: scopes.Filters
    grouping: str

    @property
    def scope(self) -> scopes.Scope:
        return scopes.Scope(filters=self.filters)


def _pick(args: Mapping[str, str], name: str, allowed: dict[str, object], message) -> object:
    text = (args.get(name) or "").strip()
    if not text:
        return None
    if text not in allowed:
        raise periods.FilterError(message)
    return allowed[text]


def default_grouping(when: periods.Period) -> str:
    """Days for up to a month, weeks up to a quarter, months beyond."""
    days = len(when.days)
    return "day" if days <= 31 else "week" if days <= 92 else "month"


def parse(args: Mapping[str, str], options: Choices, *, now: datetime, tz: ZoneInfo) -> ReportQuery:
    """The period, filters and grouping in a query string; periods.FilterError (with a message
    for the reader) when a value is not one the form offers."""
    key = args.get("period") or DEFAULT_PERIOD
    first = last = None
    if key == "custom":
        first = kpi_table.parse_day(args.get("first", ""))
        last = kpi_table.parse_day(args.get("last", ""))
    when = periods.period(key, now=now, tz=tz, first=first, last=last)
    lists = {
        "queue": ({str(q.id): q.id for q in options.queues}, _l("Choose a queue from the list.")),
        "tier": ({str(t): t for t in options.tiers}, _l("Choose a tier from the list.")),
        "agent": ({str(u.id): u.id for u in options.agents}, _l("Choose an agent from the list.")),
        "account": (
            {str(id_): id_ for id_, _name in options.accounts},
            _l("Choose an account from the list."),
        ),
        "category": ({c: c for c in options.categories}, _l("Choose a category from the list.")),
        "channel": ({c: c for c in options.channels}, _l("Choose a channel from the list.")),
    }
    picked = {name: _pick(args, name, *allowed) for name, allowed in lists.items()}
    filters = scopes.Filters(
        queue_id=picked["queue"],
        tier=picked["tier"],
        agent_id=picked["agent"],
        account_id=picked["account"],
        category=picked["category"],
        channel=picked["channel"],
    )
    grouping = args.get("group") or default_grouping(when)
    if grouping not in report_figures.GROUPINGS:
        raise periods.FilterError(_l("Group by day, week or month."))
    return ReportQuery(when, filters, grouping)


# --- the analytical report -------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    query: ReportQuery
    rows: list[report_figures.Figures]
    total: report_figures.Figures

    @property
    def peak(self) -> int:
        """The largest created or resolved count of a row (for the bars)."""
        return max([1, *(max(r.created, r.resolutions.count) for r in self.rows)])


def calendar_for(language: str) -> dict:
    """Persian readers get Jalali months and weeks from Saturday; others ISO weeks (Monday)."""
    return {"week_starts": SATURDAY, "jalali": True} if language == "fa" else {}


def build(asked: ReportQuery, *, now: datetime, language: str = "en") -> Report:
    """Figures per bucket and in total, in a fixed number of queries (see
    report_figures.grouped)."""
    buckets = report_figures.split(asked.period, asked.grouping, **calendar_for(language))
    rows, total = report_figures.grouped(asked.scope, buckets, now=now)
    return Report(asked, rows, total)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def table_header() -> list[str]:
    return [
        str(_l("First day")),
        str(_l("Last day")),
        str(_l("Created")),
        str(_l("Resolved")),
        str(_l("Median first response (business minutes)")),
        str(_l("90th percentile first response (business minutes)")),
        str(_l("Median resolution time (business minutes)")),
        str(_l("First-response SLA met %")),
        str(_l("Resolution SLA met %")),
        str(_l("Reopen rate %")),
        str(_l("First-contact resolution %")),
        str(_l("Escalations")),
        str(_l("CSAT %")),
        str(_l("CSAT ratings")),
    ]


def table_row(figures: report_figures.Figures, label: str | None = None) -> list:
    """One row of the report table; `label` replaces the days (the totals row)."""
    days = [label, ""] if label else [figures.period.first, figures.period.last]
    return [
        *(day.isoformat() if isinstance(day, date) else day for day in days),
        figures.created,
        figures.resolutions.count,
        _round(figures.first_response.median),
        _round(figures.first_response.p90),
        _round(figures.resolutions.durations.median),
        figures.sla.first_response.percent,
        figures.sla.resolution.percent,
        figures.resolutions.reopen_rate,
        figures.resolutions.first_contact_rate,
        figures.escalations,
        figures.csat.csat_percent,
        figures.csat.csat_count,
    ]


def table_csv(report: Report) -> str:
    """The report table, totals last, as formula-safe CSV in the reader's language."""
    rows = [table_row(figures) for figures in report.rows]
    rows.append(table_row(report.total, str(_l("Total"))))
    return voc.dashboard_csv(rows, table_header())


# --- the case list ---------------------------------------------------------------------------

CASE_HEADER = (
    "number",
    "subject",
    "status",
    "priority",
    "channel",
    "category",
    "queue",
    "tier",
    "assignee",
    "account",
    "created_at",
    "first_responded_at",
    "resolved_at",
    "closed_at",
    "first_response_business_minutes",
    "resolution_business_minutes",
    "reopens",
)


def _cases(asked: ReportQuery, reader: User) -> list:
    """Cases created in the period that match the filters and that `reader` may see."""
    return [
        authz.case_filter(reader),
        Case.created_at >= asked.period.start,
        Case.created_at < asked.period.end,
        *asked.scope.on_cases(),
    ]


def case_count(asked: ReportQuery, reader: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Case).where(*_cases(asked, reader))
    )


def case_rows(asked: ReportQuery, reader: User) -> Iterator[tuple]:
    """The case list, oldest first, at most EXPORT_LIMIT rows, read in chunks. Times are in the
    report's time zone. No description, reply or note is part of it."""
    assignee = aliased(User)
    query = (
        sa.select(Case, Queue.name, assignee.name, Account.name)
        .outerjoin(Queue, Queue.id == Case.queue_id)
        .outerjoin(assignee, assignee.id == Case.assignee_id)
        .outerjoin(Account, Account.id == Case.account_id)
        .where(*_cases(asked, reader))
        .order_by(Case.created_at, Case.id)
        .limit(EXPORT_LIMIT)
        .execution_options(yield_per=1000)
    )
    tz = asked.period.tz

    def local(moment: datetime | None) -> str:
        return moment.astimezone(tz).isoformat(timespec="minutes") if moment else ""

    for case, queue, assignee_name, account in db.session.execute(query):
        yield (
            case.number,
            case.subject,
            case.status.value,
            case.priority.value,
            case.channel.value,
            case.category,
            queue,
            case.tier,
            assignee_name,
            account,
            local(case.created_at),
            local(case.first_responded_at),
            local(case.resolved_at),
            local(case.closed_at),
            case.first_response_minutes,
            case.resolution_minutes,
            case.reopen_count,
        )


def cases_csv(asked: ReportQuery, reader: User) -> str:
    return voc.dashboard_csv(case_rows(asked, reader), CASE_HEADER)


# --- labels ----------------------------------------------------------------------------------


def bucket_label(when: periods.Period, grouping: str) -> str:
    """A row's name in the reader's language and calendar: the day, the week's days, or the
    month."""
    if grouping == "month":
        if current_language() == "fa":
            jalali = jdatetime.date.fromgregorian(date=when.first)
            return native_digits(f"{JALALI_MONTHS[jalali.month - 1]} {jalali.year}", "fa")
        return native_digits(format_date(when.first, "MMMM y"))
    if when.first == when.last:
        return local_day(when.first)
    return f"{local_day(when.first)} – {local_day(when.last)}"


# --- the weekly email ------------------------------------------------------------------------


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
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_((Role.SUPERVISOR, Role.ADMIN)), User.is_active)
            .where(User.notify_by_email, User.email != "")
            .order_by(User.id)
        )
    )


def _zone(user: User) -> ZoneInfo:
    name = user.timezone if is_valid_timezone(user.timezone) else None
    return ZoneInfo(name or current_app.config["BABEL_DEFAULT_TIMEZONE"])


def send_weekly(*, now: datetime, progress: Callable[[User], None] | None = None) -> list[User]:
    """Queue the weekly summary to every recipient, in their language and time zone (one
    summary per time zone). The caller commits; the outbox sends after the commit."""
    from portal.domain.analytics import goal_lists

    summaries: dict[str, Weekly] = {}
    active = goal_lists.active_goals(now)
    recipients = weekly_recipients()
    base = current_app.config["BASE_URL"]
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
            link=(
                f"{base}/supervisor/reports?period=custom&first={summary.this_week.first}"
                f"&last={summary.this_week.last}&group=day"
            ),
        )
        if progress is not None:
            progress(user)
    return recipients
