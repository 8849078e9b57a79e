"""Reports: KPI figures per day, week or month for any mix of filters, as a page and a CSV table.

This module reads the report asked for (period, filters, grouping) from a query string and lays
its figures out as table rows; the case list behind it is `report_cases` and the weekly email
`weekly_report`. Every figure comes from the KPI modules (`report_figures.grouped`,
`metrics.value`), so a report's numbers are the dashboard's and the goals' numbers for the same
filters and period.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import jdatetime
import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from portal.domain import voc
from portal.domain.analytics import kpi_table, periods, report_figures, scopes
from portal.domain.cases import CATEGORIES
from portal.extensions import db
from portal.i18n import JALALI_MONTHS, current_language, local_day, native_digits
from portal.kernel import staff
from portal.models import Account, Channel, Queue, User

DEFAULT_PERIOD = "30"
SATURDAY = 5


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
    return Choices(scopes.queues(), staff.active_staff(), [(row.id, row.name) for row in accounts])


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
