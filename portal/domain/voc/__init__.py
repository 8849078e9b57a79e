"""Voice of the customer: CSAT and NPS surveys, feedback items with themes, and their metrics."""

from portal.domain.voc.csv_export import export_rows
from portal.domain.voc.csv_export import to_csv as dashboard_csv
from portal.domain.voc.dashboard_data import PERIODS, dashboard
from portal.domain.voc.items import ITEM_KINDS, create_item, respond, update_item
from portal.domain.voc.items import add_comment as add_item_comment
from portal.domain.voc.listings import (
    customer_items,
    find_contact,
    item_detail,
    list_items,
)
from portal.domain.voc.log_subject import feedback_subject
from portal.domain.voc.recipients import contact_language
from portal.domain.voc.score_figures import _SCORE_FIELDS as SCORE_FIELDS
from portal.domain.voc.score_figures import Scores, scores, scores_by_agent
from portal.domain.voc.score_figures import _answers as answered_surveys
from portal.domain.voc.score_figures import _score_columns as score_columns
from portal.domain.voc.score_figures import _scores as scores_from_row
from portal.domain.voc.surveys import MAX_COMMENT as MAX_SURVEY_COMMENT
from portal.domain.voc.surveys import (
    SCORES,
    SurveyLinkError,
    answer_of,
    change_deadline,
    is_locked,
    make_token,
    nps_candidates,
    open_link,
    pending_for,
    record_rating,
    send_csat,
    send_nps,
)
from portal.domain.voc.surveys import add_comment as add_survey_comment
from portal.domain.voc.themes import (
    ThemeNameTaken,
    active_themes,
    all_themes,
    create_theme,
    themes_by_item,
    themes_with_ids,
    update_theme,
)
from portal.domain.voc.user_text import (
    MAX_COMMENT,
    MAX_DETAIL,
    MAX_RESPONSE,
    MAX_SUMMARY,
    MAX_THEME_NAME,
)

__all__ = [
    "ITEM_KINDS",
    "MAX_COMMENT",
    "MAX_DETAIL",
    "MAX_RESPONSE",
    "MAX_SUMMARY",
    "MAX_SURVEY_COMMENT",
    "MAX_THEME_NAME",
    "PERIODS",
    "SCORES",
    "SCORE_FIELDS",
    "Scores",
    "SurveyLinkError",
    "ThemeNameTaken",
    "active_themes",
    "add_item_comment",
    "add_survey_comment",
    "all_themes",
    "answer_of",
    "answered_surveys",
    "change_deadline",
    "contact_language",
    "create_item",
    "create_theme",
    "customer_items",
    "dashboard",
    "dashboard_csv",
    "export_rows",
    "feedback_subject",
    "find_contact",
    "is_locked",
    "item_detail",
    "list_items",
    "make_token",
    "nps_candidates",
    "open_link",
    "pending_for",
    "record_rating",
    "respond",
    "score_columns",
    "scores",
    "scores_by_agent",
    "scores_from_row",
    "send_csat",
    "send_nps",
    "themes_by_item",
    "themes_with_ids",
    "update_item",
    "update_theme",
]
