"""Reports: KPIs per day, week or month for any mix of filters, as a page and CSV, and the
list of the cases behind them as CSV."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask_babel import get_timezone, ngettext

from portal.domain import analytics
from portal.extensions import limiter
from portal.i18n import current_language, native_digits
from portal.kernel.labels import CATEGORY_LABELS, CHANNEL_LABELS, tier_label
from portal.models import Channel
from portal.models._base import utcnow
from portal.supervisor.views import bp, me

log = logging.getLogger("casework.audit")


def _asked(options: analytics.ReportChoices) -> analytics.ReportQuery:
    """The report the query string asks for (kpi.FilterError when a value is unusable)."""
    return analytics.parse_report_query(
        request.args, options, now=utcnow(), tz=ZoneInfo(str(get_timezone()))
    )


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _page(options, *, report=None, error=None, status: int = 200):
    return (
        render_template(
            "supervisor/reports.html",
            report=report,
            error=error,
            args=request.args,
            options=options,
            groupings=analytics.GROUPINGS,
            queue_items=[(queue.id, queue.name) for queue in options.queues],
            tier_items=[(tier, tier_label(native_digits(tier))) for tier in options.tiers],
            agent_items=[(agent.id, agent.name) for agent in options.agents],
            category_items=[(key, CATEGORY_LABELS.get(key, key)) for key in options.categories],
            channel_items=[(key, CHANNEL_LABELS[Channel(key)]) for key in options.channels],
            filter_args={k: v for k, v in request.args.items() if k != "format"},
            row_label=lambda figures: analytics.bucket_label(figures.period, report.query.grouping),
        ),
        status,
    )


@bp.get("/reports")
def report():
    """The analytical report (or `?format=csv`: the same table as CSV)."""
    options = analytics.report_choices()
    try:
        asked = _asked(options)
    except analytics.FilterError as error:
        return _page(options, error=str(error), status=400)
    result = analytics.build_report(asked, now=utcnow(), language=current_language())
    if request.args.get("format") == "csv":
        when = asked.period
        return _csv(
            analytics.report_table_csv(result), f"report-{when.first:%Y%m%d}-{when.last:%Y%m%d}.csv"
        )
    return _page(options, report=result)


@bp.get("/reports/cases.csv")
@limiter.limit("10 per minute")
def case_export():
    """The cases created in the period that match the filters, as formula-safe CSV."""
    options = analytics.report_choices()
    try:
        asked = _asked(options)
    except analytics.FilterError as error:
        return _page(options, error=str(error), status=400)
    count = analytics.report_case_count(asked, me())
    if count > analytics.EXPORT_LIMIT:
        message = ngettext(
            "This selection has %(count)s case; the case list holds at most %(limit)s. "
            "Choose a shorter period or more filters.",
            "This selection has %(count)s cases; the case list holds at most %(limit)s. "
            "Choose a shorter period or more filters.",
            count,
            count=native_digits(count),
            limit=native_digits(analytics.EXPORT_LIMIT),
        )
        return _page(options, error=message, status=400)
    log.info("action='reports.cases_export' actor=%r cases=%r", me().id, count)
    when = asked.period
    return _csv(
        analytics.report_cases_csv(asked, me()), f"cases-{when.first:%Y%m%d}-{when.last:%Y%m%d}.csv"
    )
