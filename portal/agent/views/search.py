"""Search every case the agent may see."""

from __future__ import annotations

from flask import render_template, request

from portal import search
from portal.agent.views import bp, me
from portal.inputs import arg_int
from portal.kernel.labels import FACET_LABELS

MAX_QUERY = 500


@bp.get("/search")
def search_page():
    """Full-text search with filters, facets and highlights (internal notes included)."""
    text = request.args.get("q", "")[:MAX_QUERY]
    page = arg_int("page", 1)
    sort = "newest" if request.args.get("sort") == "newest" else "relevance"
    result = (
        search.search_cases(me(), text, page=page, sort=sort)
        if text.strip()
        else search.Result(text="")
    )
    return render_template(
        "search/agent.html",
        result=result,
        facet_names=FACET_LABELS,
    )
