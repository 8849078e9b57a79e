"""Case search: a Whoosh index that understands Persian, Arabic and English.

The only package that imports whoosh, and only in whoosh_engine/ (the engine's wall: see
whoosh_engine/__init__.py). Public functions:
- `search_cases(user, text, page=, per_page=, sort=)` -> Result (hits, total, facets, suggestion)
- `similar_cases(user, text, statuses=, limit=)` -> hits sharing any word, for deflection
- `rebuild(progress)`, `verify()` -> Drift, `sync(progress)` -> SyncReport
- `index_cases(case_ids)`: bring cases up to date now (the outbox normally does this)
- `prepare_query(text)`, `analyze(text)`: the analysis, for tests and tools
"""

from __future__ import annotations

from flask import Flask

from portal.infra import outbox
from portal.search.access import Reader, reader_for
from portal.search.analysis import analyze
from portal.search.indexing import (
    KIND,
    Drift,
    SyncReport,
    index_cases,
    index_messages,
    install_session_hooks,
    sync,
    verify,
)
from portal.search.query import FacetValue, Hit, Result, search_cases, similar_cases
from portal.search.query_preparation import prepare_query
from portal.search.rebuilding import rebuild
from portal.search.schema import SCHEMA_VERSION
from portal.search.whoosh_engine.version_check import check_whoosh_version


def init_app(app: Flask) -> None:
    """Refuse a Whoosh other than the pinned one, then register the `search.case` outbox
    handler and the session hooks that enqueue it."""
    check_whoosh_version()
    outbox.batch_handler(KIND)(index_messages)
    install_session_hooks()


__all__ = [
    "KIND",
    "SCHEMA_VERSION",
    "Drift",
    "FacetValue",
    "Hit",
    "Reader",
    "Result",
    "SyncReport",
    "analyze",
    "index_cases",
    "init_app",
    "prepare_query",
    "reader_for",
    "rebuild",
    "search_cases",
    "similar_cases",
    "sync",
    "verify",
]
