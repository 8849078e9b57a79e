"""`flask search rebuild|sync|verify`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.search import indexing, rebuilding
from portal.search.whoosh_engine import store

search_cli = AppGroup("search", help="Build, check and repair the case search index.")


def _describe(drift: indexing.Drift, limit: int = 20) -> list[str]:
    lines = []
    for label, ids in (
        ("missing from the index", drift.missing),
        ("stale in the index", drift.stale),
        ("in the index but not in the database", drift.extra),
    ):
        if ids:
            shown = ", ".join(str(case_id) for case_id in ids[:limit])
            more = f" (and {len(ids) - limit} more)" if len(ids) > limit else ""
            lines.append(f"  {len(ids)} case(s) {label}: {shown}{more}")
    return lines


@search_cli.command("rebuild")
def rebuild() -> None:
    """Index every case into a new folder, then swap it in; searches go on meanwhile."""
    total = indexing.count_cases()
    click.echo(f"Indexing {total} case(s) into a new index under {store.index_root()} ...")
    with click.progressbar(length=total, label="Cases", show_pos=True) as bar:
        added = rebuilding.rebuild(progress=bar.update)
    click.echo(f"Done: {added} case(s) indexed; the new index is live.")


@search_cli.command("verify")
def verify() -> None:
    """Report cases missing, stale or extra in the index (exit status 1 if any)."""
    drift = indexing.verify()
    if drift.ok:
        click.echo("The search index matches the database.")
        return
    click.echo("The search index differs from the database:")
    for line in _describe(drift):
        click.echo(line)
    click.echo("Run `flask search sync` to fix it.")
    click.get_current_context().exit(1)


@search_cli.command("sync")
def sync() -> None:
    """Deliver waiting index updates (e.g. after a crash), then fix what verify finds."""
    delivered, failed = indexing.deliver_pending()
    click.echo(f"Delivered {delivered} waiting index update(s); {failed} failed.")
    drift = indexing.verify()
    if drift.ok:
        click.echo("The search index matches the database.")
        return
    for line in _describe(drift):
        click.echo(line)
    with click.progressbar(length=len(drift.case_ids), label="Repairing") as bar:
        repaired = indexing.repair(drift.case_ids, progress=bar.update)
    click.echo(f"Repaired {repaired} case(s); the search index matches the database.")
