"""The supervisor dashboard: the KPI module's figures for a period and a scope, as cards,
charts, tables and CSV."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, jsonify, render_template, request
from flask_babel import get_timezone

from portal.domain import analytics
from portal.kernel import staff
from portal.models._base import utcnow
from portal.supervisor.views import bp


def _choice(args) -> tuple[analytics.Period, analytics.Scope]:
    """The period and scope asked for in the query string (kpi.FilterError if unusable)."""
    tz = ZoneInfo(str(get_timezone()))
    key = args.get("period", "7")
    first = analytics.parse_day(args.get("first", "")) if key == "custom" else None
    last = analytics.parse_day(args.get("last", "")) if key == "custom" else None
    when = analytics.period(key, now=utcnow(), tz=tz, first=first, last=last)
    return when, analytics.parse_scope(args.get("scope", "all"))


@bp.get("/dashboard")
def dashboard():
    """KPIs for today, 7/30/90 days or a custom period, for everyone, a queue, tier or agent;
    `format=csv` or `format=json` for the same figures as a file or for API clients."""
    wanted = request.args.get("format", "html")
    try:
        when, scope = _choice(request.args)
    except analytics.FilterError as error:
        if wanted == "json":
            return jsonify(error={"status": 400, "message": str(error)}), 400
        return _page(None, error=str(error)), 400
    now = utcnow()
    board = analytics.dashboard(scope, when, now=now)
    if wanted == "json":
        return jsonify(analytics.dashboard_json(board))
    if wanted == "csv":
        body = analytics.dashboard_csv(board)
        return Response(
            body,
            mimetype="text/csv",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="kpi-{when.first:%Y%m%d}-{when.last:%Y%m%d}.csv"'
                ),
                "Cache-Control": "no-store",
            },
        )
    return _page(board)


def _page(board: analytics.Dashboard | None, *, error: str | None = None) -> str:
    return render_template(
        "supervisor/dashboard.html",
        board=board,
        error=error,
        args=request.args,
        csv_args={**request.args.to_dict(), "format": "csv"},
        age_label=analytics.age_label,
        queues=analytics.queues(),
        agents=staff.active_staff(),
        tiers=analytics.TIERS,
        metrics=analytics.METRICS,
    )
