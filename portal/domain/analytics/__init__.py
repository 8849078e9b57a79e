"""Analytics: KPI periods and figures, the dashboard, goals and their alerts, reports."""

from portal.domain.analytics.dashboard_figures import Dashboard, dashboard
from portal.domain.analytics.goal_alerts import sweep as sweep_goals
from portal.domain.analytics.goal_edits import (
    GOAL_FIELDS,
    InvalidGoal,
    create_goal,
    delete_goal,
    owner_choices,
    update_goal,
)
from portal.domain.analytics.goal_lists import SHOW_CHOICES, goals_for_user
from portal.domain.analytics.goal_lists import history as goal_history
from portal.domain.analytics.goal_lists import listing as goal_listing
from portal.domain.analytics.kpi_table import age_label, parse_day, parse_scope
from portal.domain.analytics.kpi_table import as_json as dashboard_json
from portal.domain.analytics.kpi_table import to_csv as dashboard_csv
from portal.domain.analytics.metrics import METRICS
from portal.domain.analytics.periods import FilterError, Period, period
from portal.domain.analytics.report_cases import EXPORT_LIMIT
from portal.domain.analytics.report_cases import case_count as report_case_count
from portal.domain.analytics.report_cases import cases_csv as report_cases_csv
from portal.domain.analytics.report_figures import GROUPINGS
from portal.domain.analytics.reports import Choices as ReportChoices
from portal.domain.analytics.reports import ReportQuery, bucket_label
from portal.domain.analytics.reports import build as build_report
from portal.domain.analytics.reports import choices as report_choices
from portal.domain.analytics.reports import parse as parse_report_query
from portal.domain.analytics.reports import table_csv as report_table_csv
from portal.domain.analytics.scopes import TIERS, Scope, queues
from portal.domain.analytics.weekly_report import send_weekly

__all__ = [
    "EXPORT_LIMIT",
    "GOAL_FIELDS",
    "GROUPINGS",
    "METRICS",
    "SHOW_CHOICES",
    "TIERS",
    "Dashboard",
    "FilterError",
    "InvalidGoal",
    "Period",
    "ReportChoices",
    "ReportQuery",
    "Scope",
    "age_label",
    "bucket_label",
    "build_report",
    "create_goal",
    "dashboard",
    "dashboard_csv",
    "dashboard_json",
    "delete_goal",
    "goal_history",
    "goal_listing",
    "goals_for_user",
    "owner_choices",
    "parse_day",
    "parse_report_query",
    "parse_scope",
    "period",
    "queues",
    "report_case_count",
    "report_cases_csv",
    "report_choices",
    "report_table_csv",
    "send_weekly",
    "sweep_goals",
    "update_goal",
]
