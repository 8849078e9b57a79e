"""Reading dashboard filters from a query string and writing a dashboard out as rows (CSV)."""

from __future__ import annotations

import re
from datetime import date

import jdatetime
from flask_babel import lazy_gettext as _l

from portal.services import kpi, voc_metrics

_ASCII_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_DAY = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")
# Years before this are Jalali (1405 is 2026), as in case search.
JALALI_BEFORE = 1700


def parse_day(text: str) -> date:
    """A day typed as YYYY-MM-DD (or with /), in any digits; a Jalali year is converted."""
    match = _DAY.match((text or "").strip().translate(_ASCII_DIGITS))
    if not match:
        raise kpi.PeriodError(_l("Give days as year-month-day, for example 2026-11-25."))
    year, month, day = (int(part) for part in match.groups())
    try:
        if year < JALALI_BEFORE:
            return jdatetime.date(year, month, day).togregorian()
        return date(year, month, day)
    except ValueError:
        raise kpi.PeriodError(_l("That day does not exist in the calendar.")) from None


def parse_scope(text: str) -> kpi.Scope:
    """`all`, `queue:3`, `tier:2` or `agent:7`."""
    kind, _, number = (text or "all").partition(":")
    if kind == "all" and not number:
        return kpi.Scope()
    valid = kind in ("queue", "tier", "agent") and number.isascii() and number.isdigit()
    if valid and (kind != "tier" or int(number) in kpi.TIERS):
        return kpi.Scope(kind, int(number))
    raise kpi.ScopeError(_l("Choose whose work to show from the list."))


def rows(board: kpi.Dashboard) -> list[tuple[str, str, object]]:
    """(figure, for whom, value) rows of everything on the dashboard, tables included."""
    team = str(_l("Everyone in the scope"))
    out: list[tuple[str, str, object]] = [
        (str(_l("Period")), team, f"{board.period.first.isoformat()}/{board.period.last}"),
    ]
    for key, metric in kpi.METRICS.items():
        out.append((str(metric.label), team, kpi.dashboard_value(board, key)))
    for bucket in board.backlog:
        out.append((str(_l("Backlog now")), age_label(bucket), bucket.count))
    for day in board.days:
        out.append((str(_l("Created")), day.day.isoformat(), day.created))
        out.append((str(_l("Resolved")), day.day.isoformat(), day.resolved))
    for row in board.tiers:
        tier = str(_l("Tier %(tier)s", tier=row.tier))
        out.append((str(_l("Escalation rate")), tier, row.escalation_rate))
        out.append((str(_l("Bounce-back rate")), tier, row.bounce_back_rate))
    for agent in board.agents:
        out.append((str(_l("Open cases now")), agent.user.name, agent.open))
        out.append((str(_l("Cases resolved")), agent.user.name, agent.resolved))
        out.append((str(_l("Median first response")), agent.user.name, agent.response.median))
        out.append((str(_l("SLA met")), agent.user.name, agent.sla.percent))
        out.append((str(_l("CSAT")), agent.user.name, agent.csat.csat_percent))
    return out


def age_label(bucket: kpi.AgeBucket) -> str:
    if bucket.high_days is None:
        return str(_l("Over %(days)s days", days=bucket.low_days))
    if bucket.low_days == 0:
        return str(_l("Under %(days)s day", days=bucket.high_days))
    return str(_l("%(low)s to %(high)s days", low=bucket.low_days, high=bucket.high_days))


def as_json(board: kpi.Dashboard) -> dict:
    """The dashboard for API clients: metric keys as in kpi.METRICS, minutes, percentages."""
    return {
        "period": {"first": board.period.first.isoformat(), "last": board.period.last.isoformat()},
        "scope": {"kind": board.scope.kind, "id": board.scope.id},
        "metrics": {key: kpi.dashboard_value(board, key) for key in kpi.METRICS},
        "backlog": [
            {"min_days": b.low_days, "max_days": b.high_days, "cases": b.count}
            for b in board.backlog
        ],
        "days": [
            {"day": d.day.isoformat(), "created": d.created, "resolved": d.resolved}
            for d in board.days
        ],
        "tiers": [
            {
                "tier": row.tier,
                "taken_on": row.taken_on,
                "escalated": row.escalated,
                "returned": row.returned,
                "escalation_rate": row.escalation_rate,
                "bounce_back_rate": row.bounce_back_rate,
            }
            for row in board.tiers
        ],
        "agents": [
            {
                "id": row.user.id,
                "name": row.user.name,
                "open": row.open,
                "resolved": row.resolved,
                "first_response_median": row.response.median,
                "sla_percent": row.sla.percent,
                "csat_percent": row.csat.csat_percent,
            }
            for row in board.agents
        ],
    }


def to_csv(board: kpi.Dashboard) -> str:
    """The dashboard as formula-safe CSV (minutes are business minutes)."""
    header = (str(_l("Figure")), str(_l("For")), str(_l("Value")))
    return voc_metrics.to_csv(rows(board), header)
