"""`flask` commands: seed-demo, outbox drain, sla sweep, kpi backfill, reports weekly."""

from __future__ import annotations

import os

import click
from flask import Flask
from flask.cli import AppGroup

from portal.extensions import db

outbox_cli = AppGroup("outbox", help="Deliver queued side effects (email, indexing, webhooks).")
sla_cli = AppGroup(
    "sla", help="SLA clocks: record breaches (run every minute from cron or the worker)."
)
kpi_cli = AppGroup("kpi", help="The facts behind the supervisor KPIs.")
reports_cli = AppGroup("reports", help="Reports for supervisors (the weekly email).")


@click.command("seed-demo")
@click.option(
    "--cases",
    "case_count",
    default=None,
    type=int,
    help="How many demo cases should exist (default 300).",
)
def seed_demo(case_count: int | None) -> None:
    """Create demo accounts, queues, SLA policies, one user per role and multilingual cases."""
    from portal import demo
    from portal.domain import cases

    password = os.environ.get("DEMO_PASSWORD", "casework-demo")
    count = demo.DEMO_CASE_COUNT if case_count is None else case_count
    click.echo("Creating accounts, queues, SLA policies and demo users...")
    reference = demo.seed_reference_data(password)
    db.session.commit()
    with click.progressbar(length=count, label="Demo cases") as bar:
        added = demo.seed_cases(reference, count=count, progress=bar.update)
        db.session.commit()
    click.echo(f"Added {added} cases ({count} wanted).")
    cases.backfill_followers()  # the demo timelines are written directly: record who worked them
    db.session.commit()
    escalated = demo.seed_escalations(reference)
    db.session.commit()
    click.echo(f"Escalated {escalated} cases.")
    answers = demo.seed_feedback()
    db.session.commit()
    click.echo(f"Added {answers} satisfaction answers.")
    _backfill_kpi_facts()
    click.echo(f"Demo logins (password: {password}):")
    for email, *_ in demo.STAFF + demo.CUSTOMERS:
        click.echo(f"  {email}")


@outbox_cli.command("drain")
@click.option(
    "--limit", default=1000, show_default=True, help="Deliver at most this many messages."
)
def outbox_drain(limit: int) -> None:
    """Deliver every due message that a crashed or busy process left behind."""
    from portal.infra import outbox

    delivered, failed = outbox.deliver(limit=limit)
    click.echo(f"Delivered {delivered} message(s); {failed} failed and will be retried or parked.")


@sla_cli.command("sweep")
def sla_sweep() -> None:
    """Record new SLA breaches, then warn, notify and escalate, then send due goal alerts
    (idempotent: a second run adds nothing)."""
    from portal.domain import analytics, escalations
    from portal.infra import outbox
    from portal.models._base import utcnow

    now = utcnow()
    outcome = escalations.sweep(now=now)
    goal_alerts = analytics.sweep_goals(now=now)
    db.session.commit()
    outbox.deliver_committed()
    click.echo(f"Recorded {outcome.breaches} new breach(es).")
    click.echo(
        f"Sent {outcome.warnings} warning(s) and {outcome.breach_notices} breach notice(s); "
        f"escalated or flagged {outcome.escalations} case(s)."
    )
    click.echo(f"Sent {goal_alerts} goal alert(s).")


def _backfill_kpi_facts() -> None:
    from portal.domain import cases
    from portal.models import Case

    total = db.session.scalar(db.select(db.func.count()).select_from(Case))
    with click.progressbar(length=total, label="Measuring cases") as bar:
        measured = cases.backfill_metrics(progress=bar.update)
    click.echo(f"Measured {measured} cases (response and resolution times, replies, reopens).")


@kpi_cli.command("backfill")
def kpi_backfill() -> None:
    """Work out every case's KPI facts again from its history (after an upgrade or import)."""
    _backfill_kpi_facts()


@reports_cli.command("weekly")
def reports_weekly() -> None:
    """Email every active supervisor and admin the last seven full days' KPIs against the week
    before, the goals' status and the week's top escalation reasons (run weekly from cron)."""
    from portal.domain import analytics
    from portal.infra import outbox
    from portal.models._base import utcnow

    def queued(user) -> None:
        click.echo(f"Queued the weekly report for {user.email} ({user.language or 'default'}).")

    recipients = analytics.send_weekly(now=utcnow(), progress=queued)
    db.session.commit()
    outbox.deliver_committed()
    click.echo(f"Queued {len(recipients)} weekly report email(s).")


def init_app(app: Flask) -> None:
    from portal.domain.crm import contacts_cli
    from portal.feedback.cli import voc_cli
    from portal.search.cli import search_cli

    app.cli.add_command(seed_demo)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(sla_cli)
    app.cli.add_command(kpi_cli)
    app.cli.add_command(reports_cli)
    app.cli.add_command(contacts_cli)
    app.cli.add_command(voc_cli)
    app.cli.add_command(search_cli)
