"""`flask voc send-nps`: survey the contacts due an NPS survey (run daily from cron)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.extensions import db

voc_cli = AppGroup("voc", help="Voice of the customer: NPS surveys.")


@voc_cli.command("send-nps")
@click.option(
    "--limit", default=500, show_default=True, help="Survey at most this many contacts per run."
)
@click.option("--dry-run", is_flag=True, help="Only count the contacts who are due a survey.")
def send_nps(limit: int, dry_run: bool) -> None:
    """Email the NPS survey to contacts with a recent case and no NPS survey in the interval."""
    from portal.domain import voc
    from portal.infra import outbox
    from portal.models._base import utcnow

    now = utcnow()
    if dry_run:
        due = voc.nps_candidates(now=now, limit=limit)
        db.session.rollback()
        click.echo(f"{len(due)} contact(s) are due an NPS survey.")
        return
    invitations = voc.send_nps(now=now, limit=limit)
    db.session.commit()
    outbox.deliver_committed()
    click.echo(f"Sent the NPS survey to {len(invitations)} contact(s).")
