"""Reading dashboard filters from a query string and writing a dashboard out as rows (CSV)."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from portal import i18n, numbers
from portal.domain import voc
from portal.domain.analytics import dashboard_figures, metrics, periods, scopes
from portal.kernel.labels import tier_label


def parse_day(text: str) -> date:
    """A typed day (i18n.parse_day: any digits, Jalali years before 1700) or periods.PeriodError."""
    try:
        return i18n.parse_day(text)
    except i18n.BadDay as error:
        raise periods.PeriodError(str(error)) from None


def parse_scope(text: str) -> scopes.Scope:
    """`all`, `queue:3`, `tier:2` or `agent:7`."""
    kind, _, number = (text or "all").partition(":")
    if kind == "all" and not number:
        return scopes.Scope()
    ident = numbers.parse_id(number) if kind in ("queue", "tier", "agent") else None
    if ident is not None and (kind != "tier" or ident in scopes.TIERS):
        return scopes.Scope(kind, ident)
    raise scopes.ScopeError(_l("Choose whose work to show from the list."))


def rows(board: dashboard_figures.Dashboard) -> list[tuple[str, str, object]]:
    """(figure, for whom, value) rows of everything on the dashboard, tables included."""
    team = str(_l("Everyone in the scope"))
    out: list[tuple[str, str, object]] = [
        (str(_l("Period")), team, f"{board.period.first.isoformat()}/{board.period.last}"),
    ]
    for key, metric in metrics.METRICS.items():
        out.append((str(metric.label), team, metrics.dashboard_value(board, key)))
    for bucket in board.backlog:
        out.append((str(_l("Backlog now")), age_label(bucket), bucket.count))
    for day in board.days:
        out.append((str(_l("Created")), day.day.isoformat(), day.created))
        out.append((str(_l("Resolved")), day.day.isoformat(), day.resolved))
    for row in board.tiers:
        tier = str(tier_label(row.tier))
        out.append((str(_l("Escalation rate")), tier, row.escalation_rate))
        out.append((str(_l("Bounce-back rate")), tier, row.bounce_back_rate))
    for agent in board.agents:
        out.append((str(_l("Open cases now")), agent.user.name, agent.open))
        out.append((str(_l("Cases resolved")), agent.user.name, agent.resolved))
        out.append((str(_l("Median first response")), agent.user.name, agent.response.median))
        out.append((str(_l("SLA met")), agent.user.name, agent.sla.percent))
        out.append((str(_l("CSAT")), agent.user.name, agent.csat.csat_percent))
    return out


def age_label(bucket: dashboard_figures.AgeBucket) -> str:
    """ "Under 1 day", "1 to 3 days", "Over 7 days" (Western digits: pages apply `digits`)."""
    if bucket.high_days is None:
        low = bucket.low_days
        return ngettext("Over %(count)s day", "Over %(count)s days", low, count=low)
    if bucket.low_days == 0:
        high = bucket.high_days
        return ngettext("Under %(count)s day", "Under %(count)s days", high, count=high)
    return ngettext(
        "%(low)s to %(count)s day",
        "%(low)s to %(count)s days",
        bucket.high_days,
        low=bucket.low_days,
        count=bucket.high_days,
    )


def as_json(board: dashboard_figures.Dashboard) -> dict:
    """The dashboard for API clients: metric keys as in metrics.METRICS, minutes, percentages."""
    return {
        "period": {"first": board.period.first.isoformat(), "last": board.period.last.isoformat()},
        "scope": {"kind": board.scope.kind, "id": board.scope.id},
        "metrics": {key: metrics.dashboard_value(board, key) for key in metrics.METRICS},
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


def to_csv(board: dashboard_figures.Dashboard) -> str:
    """The dashboard as formula-safe CSV (minutes are business minutes)."""
    header = (str(_l("Figure")), str(_l("For")), str(_l("Value")))
    return voc.dashboard_csv(rows(board), header)
