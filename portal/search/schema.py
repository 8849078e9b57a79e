"""The case index: its fields, and the version that names its folder.

Bump SCHEMA_VERSION whenever a field or the analyzer changes what is indexed: the index then
lives in a new folder (SEARCH_INDEX_DIR/v<version>) and `flask search rebuild` fills it, so a
new release never reads an index written with other rules.
"""

from __future__ import annotations

from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, TEXT, Schema

from portal.search.analysis import CaseworkAnalyzer

SCHEMA_VERSION = 1

# Free-text fields, as a customer and as staff search them; `internal` holds internal notes.
PUBLIC_TEXT_FIELDS = ("subject", "body", "people")
STAFF_TEXT_FIELDS = (*PUBLIC_TEXT_FIELDS, "internal")
SPELLING_FIELDS = ("subject", "body")
FIELD_BOOSTS = {"subject": 2.0}

# The value of a reference field (assignee, queue, ...) when the case has none.
NONE = "none"


def build_schema() -> Schema:
    """One document per case."""
    text = CaseworkAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        number=ID(stored=True),  # `CS-000123`; queries in any digits are mapped to it
        subject=TEXT(analyzer=text, stored=True, spelling=True),
        body=TEXT(analyzer=text, stored=True, spelling=True),  # description + public replies
        internal=TEXT(analyzer=text, stored=True),  # internal notes: staff only
        people=TEXT(analyzer=text),  # requester and account names, e-mail and domain
        account=TEXT(analyzer=text),  # account name, for `account:`
        queue=TEXT(analyzer=text),  # queue name, for `queue:`
        category=TEXT(analyzer=text),
        status=ID(stored=True, sortable=True),
        priority=ID(sortable=True),
        channel=ID(sortable=True),
        tier=ID(sortable=True),
        queue_id=ID(sortable=True),
        account_id=ID(sortable=True),
        requester_id=ID,
        assignee_id=ID,
        created=DATETIME(sortable=True),
        updated=DATETIME(sortable=True),
        resolved=DATETIME,
        # What the document was built from (case updated_at and newest event), for `verify`.
        stamp=COLUMN(VarBytesColumn()),
    )
