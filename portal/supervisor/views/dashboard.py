"""The supervisor dashboard: the KPI module's figures for a period and a scope, as cards,
charts, tables and CSV."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Response, jsonify, render_template, request
from flask_babel import get_timezone

from portal.models._base import utcnow
from portal.services import kpi, kpi_table
from portal.supervisor.views import bp


def _choice(args) -> tuple[kpi.Period, kpi.Scope]:
    """The period and scope asked for in the query string (kpi.FilterError if unusable)."""
    tz = ZoneInfo(str(get_timezone()))
    key = args.get("period", "7")
    first = kpi_table.parse_day(args.get("first", "")) if key == "custom" else None
    last = kpi_table.parse_day(args.get("last", "")) if key == "custom" else None
    when = kpi.period(key, now=utcnow(), tz=tz, first=first, last=last)
    return when, kpi_table.parse_scope(args.get("scope", "all"))


@bp.get("/dashboard")
def dashboard():
    """KPIs for today, 7/30/90 days or a custom period, for everyone, a queue, tier or agent;
    `format=csv` or `format=json` for the same figures as a file or for API clients."""
    wanted = request.args.get("format", "html")
    try:
        when, scope = _choice(request.args)
    except kpi.FilterError as error:
        if wanted == "json":
            return jsonify(error={"status": 400, "message": str(error)}), 400
        return _page(None, error=str(error)), 400
    now = utcnow()
    board = kpi.dashboard(scope, when, now=now)
    if wanted == "json":
        return jsonify(kpi_table.as_json(board))
    if wanted == "csv":
        body = kpi_table.to_csv(board)
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


def _page(board: kpi.Dashboard | None, *, error: str | None = None) -> str:
    return render_template(
        "supervisor/dashboard.html",
        board=board,
        error=error,
        args=request.args,
        csv_args={**request.args.to_dict(), "format": "csv"},
        age_label=kpi_table.age_label,
        queues=kpi.queues(),
        agents=kpi.staff(),
        tiers=kpi.TIERS,
        metrics=kpi.METRICS,
    )
