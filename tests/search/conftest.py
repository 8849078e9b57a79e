"""Helpers for search tests: commit and index as a request would, then search as a user."""

from __future__ import annotations

import pytest

from portal.extensions import db as _db
from portal.infra import outbox
from portal.search import search_cases


@pytest.fixture
def index_now(app):
    """Commit the test's changes and deliver their outbox messages, as after_request does."""

    def commit_and_index() -> None:
        _db.session.commit()
        outbox.deliver_committed()

    return commit_and_index


@pytest.fixture
def numbers(app):
    """The case numbers `user` finds for `text` (all pages)."""

    def found(user, text: str, **options) -> list[str]:
        result = search_cases(user, text, per_page=100, **options)
        return [hit.number for hit in result.hits]

    return found
