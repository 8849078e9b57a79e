"""Loading the rows a page of records refers to, in one query per table however many."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from portal.extensions import db


def by_id(model, ids: Iterable[int | None]) -> dict:
    """{id: row} of `model` for the given ids (None ignored); no query when there are none."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(wanted)))}
