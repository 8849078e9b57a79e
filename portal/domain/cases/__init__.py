"""Cases: filing, replies, status changes and edits, assignment and routing, followers, macros,
bulk changes, links and merges, the lists that pages show, deflection and the customer's emails."""

from portal.domain.cases.assignment import assign, claim, set_availability
from portal.domain.cases.bulk import apply as apply_bulk
from portal.domain.cases.deflection import KINDS as DEFLECTION_KINDS
from portal.domain.cases.deflection import record as record_deflection
from portal.domain.cases.deflection import suggest as suggest_solved_cases
from portal.domain.cases.edits import check_version, update_fields
from portal.domain.cases.filing import (
    CATEGORIES,
    colleagues,
    find_submitted,
    open_case,
    priorities_for,
)
from portal.domain.cases.followers import backfill as backfill_followers
from portal.domain.cases.followers import followers as followers_of
from portal.domain.cases.followers import following_state, record_work, set_following
from portal.domain.cases.interactions import log_interaction
from portal.domain.cases.links import link, linked_cases, merge
from portal.domain.cases.lists import (
    BadListRequest,
    QueueFilters,
    customer_cases,
    customer_home,
    my_work,
    queue_cases,
    queue_counts,
    timeline,
)
from portal.domain.cases.macros import for_case as macros_for_case
from portal.domain.cases.macros import insert as insert_macro
from portal.domain.cases.macros import render as render_macro
from portal.domain.cases.macros import save as save_macro
from portal.domain.cases.metrics import backfill as backfill_metrics
from portal.domain.cases.overview import recent_cases, status_counts
from portal.domain.cases.replies import add_reply
from portal.domain.cases.staffing import eligible_assignees, queue_agents, queue_supervisors
from portal.domain.cases.transitions import (
    can_reopen,
    change_status,
    reopen,
    reopen_deadline,
    solve,
)
from portal.domain.cases.uploads import AttachmentRejected, Upload, is_inline_image
from portal.domain.cases.workspace import Workspace, workspace

__all__ = [
    "CATEGORIES",
    "DEFLECTION_KINDS",
    "AttachmentRejected",
    "BadListRequest",
    "QueueFilters",
    "Upload",
    "Workspace",
    "add_reply",
    "apply_bulk",
    "assign",
    "backfill_followers",
    "backfill_metrics",
    "can_reopen",
    "change_status",
    "check_version",
    "claim",
    "colleagues",
    "customer_cases",
    "customer_home",
    "eligible_assignees",
    "find_submitted",
    "followers_of",
    "following_state",
    "insert_macro",
    "is_inline_image",
    "link",
    "linked_cases",
    "log_interaction",
    "macros_for_case",
    "merge",
    "my_work",
    "open_case",
    "priorities_for",
    "queue_agents",
    "queue_cases",
    "queue_counts",
    "queue_supervisors",
    "recent_cases",
    "record_deflection",
    "record_work",
    "render_macro",
    "reopen",
    "reopen_deadline",
    "save_macro",
    "set_availability",
    "set_following",
    "solve",
    "status_counts",
    "suggest_solved_cases",
    "timeline",
    "update_fields",
    "workspace",
]
