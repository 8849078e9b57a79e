"""Supervisor dashboard at scale: seed N cases over 90 days, then time GET /supervisor/dashboard.

    python bench/dashboard_bench.py [--cases 100000] [--database-url URL] [--requests 20]

Seeds a dedicated database with the queue bench's bulk seeding (`bench/queue_page.py`: the
demo's reference data, ~200 accounts, ~2,000 contacts, 30 agents, N cases over 90 days in the
four tiered demo queues, three timeline events per answered case), then adds what the KPIs
read beyond that:

- more history for resolved cases (second agent replies, pending spans, reopens), so that the
  reopen and first-contact rates and the pause-adjusted times are not trivial;
- the per-case KPI facts, filled by the real `portal.domain.cases.backfill_metrics()` (its
  throughput is the upgrade cost of `flask kpi backfill`);
- escalations (about 6 % of cases, tier 1 to 2 and 2 to 3, some returned to the lower tier,
  a few tier-3 flags) and CSAT answers (about 20 % of resolved cases), with Core inserts.

Then a supervisor signs in through the real login form and the dashboard is timed for several
periods and scopes, plus its CSV export: p50/p95 latency and SQL statements per request. For
the 90-day page of everyone it also prints the time of each KPI query (statements grouped by
their first line, replayed on their own with all rows fetched) and the plans of the slowest two.

Without --database-url it uses a fresh SQLite file in a temporary folder. A URL is accepted only
if its database name contains "bench": the script drops and recreates every table in it.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import click
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from queue_page import (  # the queue bench's seeding, app, sign-in and measuring helpers
    PASSWORD,
    SUPERVISOR_EMAIL,
    WARMUP_REQUESTS,
    StatementLog,
    _between,
    _event,
    _insert,
    build_app,
    check_bench_database,
    explain,
    finish_load,
    machine,
    measure,
    seed,
    sign_in,
    table,
)

from portal.domain.cases import metrics as case_metrics
from portal.domain.voc import score_bands as voc
from portal.extensions import db
from portal.models import (
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Escalation,
    EscalationState,
    EventKind,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    Queue,
    Role,
    User,
)
from portal.models._base import utcnow

DASHBOARD = "/supervisor/dashboard"
DONE = CaseStatus.DONE
# History added to resolved cases before the backfill (shares of resolved cases).
SECOND_REPLY_SHARE = 0.40
PENDING_SHARE = 0.15
REOPEN_SHARE = 0.07
# Cases now at tier 2 or 3 that were escalated into it (0.2 of the 30 % at those tiers: 6 %).
ESCALATED_SHARE = 0.20
RETURNED_SHARE = 0.12
SWEEP_SHARE = 0.15  # escalations the SLA sweep asked for
STILL_OPEN_SHARE = 0.10  # of escalations of cases being worked
FLAG_SHARE = 0.01  # tier-3 cases flagged to supervisors (not escalations)
CSAT_SHARE = 0.20
CSAT_WEIGHTS = {5: 45, 4: 28, 3: 11, 2: 7, 1: 9}
REASONS = (
    "Needs product specialist",
    "Outside tier 1 permissions",
    "Possible defect, needs investigation",
    "Customer asked for a manager",
    "Data correction in the back office",
)
SLA_REASON = "SLA breach"
FLAG_REASON = "Needs supervisor attention"
REPLAYS = 5
EXPLAINED = 2


# --- Seeding what the KPIs read beyond the queue bench -----------------------------------------


def _cases() -> list[sa.Row]:
    return db.session.execute(
        sa.select(
            Case.id,
            Case.status,
            Case.created_at,
            Case.first_responded_at,
            Case.resolved_at,
            Case.closed_at,
            Case.queue_id,
            Case.tier,
            Case.assignee_id,
            Case.account_id,
            Case.requester_id,
        ).order_by(Case.id)
    ).all()


def seed_history(rng: random.Random) -> int:
    """Second agent replies, pending spans and reopens for resolved cases; returns the count.

    The queue bench writes each answered case as: customer follow-up, first agent reply, status
    change to its final status. Here some resolved cases also get a later agent reply, a pending
    span between the first reply and resolution, or a reopen (customer reply, final status to
    open) and a second resolution just before `resolved_at`.
    """
    rows = []
    for case in _cases():
        if case.status not in DONE or case.first_responded_at is None:
            continue
        start, end = case.first_responded_at, case.resolved_at or case.closed_at
        if end - start < timedelta(minutes=20):
            continue
        final = case.status.value
        agent = {"author_id": case.assignee_id}
        if rng.random() < SECOND_REPLY_SHARE:
            rows.append(
                _event(
                    case.id,
                    EventKind.PUBLIC_REPLY,
                    _between(rng, start, end),
                    body="Here is what we found, and the fix.",
                    **agent,
                )
            )
        if rng.random() < PENDING_SHARE:
            low, high = sorted(_between(rng, start, end) for _ in range(2))
            for moment, old, new in ((low, "open", "pending"), (high, "pending", "open")):
                rows.append(
                    _event(
                        case.id,
                        EventKind.FIELD_CHANGE,
                        moment,
                        field="status",
                        old_value=old,
                        new_value=new,
                        **agent,
                    )
                )
        if rng.random() < REOPEN_SHARE:
            reopened = _between(rng, start, end - timedelta(minutes=5))
            rows.append(
                _event(
                    case.id,
                    EventKind.PUBLIC_REPLY,
                    reopened,
                    body="This is happening again.",
                    contact_id=case.requester_id,
                )
            )
            for moment, old, new in (
                (reopened, final, "open"),
                (end - timedelta(minutes=1), "open", final),
            ):
                rows.append(
                    _event(
                        case.id,
                        EventKind.FIELD_CHANGE,
                        moment,
                        field="status",
                        old_value=old,
                        new_value=new,
                        **agent,
                    )
                )
    _insert(CaseEvent, rows, label=f"extra events ({len(rows):,})")
    finish_load()
    return len(rows)


def run_backfill(case_count: int) -> tuple[int, float]:
    """The real `case_metrics.backfill`, with a progress bar; returns (cases, seconds)."""
    started = time.perf_counter()
    with click.progressbar(length=case_count, label="backfill", file=sys.stderr) as bar:
        total = case_metrics.backfill(progress=bar.update)
    db.session.commit()
    return total, time.perf_counter() - started


@dataclass
class Extras:
    escalations: int = 0
    returned: int = 0
    flags: int = 0
    csat: int = 0


def seed_escalations_and_csat(rng: random.Random) -> Extras:
    """Escalations into tier 2 and 3 (some returned), tier-3 flags, then CSAT answers."""
    now = utcnow()
    queues = db.session.execute(sa.select(Queue.id, Queue.tier)).all()
    queues_at = defaultdict(list)
    for queue in queues:
        queues_at[queue.tier].append(queue.id)
    agents_at = defaultdict(list)  # agents whose highest tier is exactly this one
    for user_id, tier in db.session.execute(
        sa.select(User.id, User.max_tier).where(User.role == Role.AGENT)
    ):
        agents_at[tier].append(user_id)
    supervisors = db.session.scalars(sa.select(User.id).where(User.role == Role.SUPERVISOR)).all()

    # Every case opened at the tier it is at; escalated ones below are then corrected.
    db.session.execute(sa.update(Case.__table__).values(opened_tier=Case.__table__.c.tier))
    db.session.commit()

    extras = Extras()
    escalations, moves = [], []
    for case in _cases():
        done_at = case.resolved_at or case.closed_at
        end = min(done_at or now, now)
        if case.tier == 3 and rng.random() < FLAG_SHARE:
            extras.flags += 1
            escalations.append(
                _escalation(
                    case,
                    3,
                    case.queue_id,
                    FLAG_REASON,
                    case.assignee_id,
                    _between(rng, case.first_responded_at or case.created_at, end),
                    EscalationState.RESOLVED if done_at else EscalationState.OPEN,
                    rng.choice(supervisors) if done_at else None,
                    done_at,
                )
            )
            continue
        if case.tier not in (2, 3) or rng.random() >= ESCALATED_SHARE:
            continue
        from_tier = case.tier - 1
        from_queue = rng.choice(queues_at[from_tier])
        by_sweep = rng.random() < SWEEP_SHARE
        requested_by = None if by_sweep else rng.choice(agents_at[from_tier])
        created = _between(rng, case.created_at, end)
        handled = min(created + timedelta(hours=rng.expovariate(1 / 3)), end)
        move = {"case_id": case.id, "opened_tier": from_tier}
        if case.status is CaseStatus.NEW:
            state, handler, handled = EscalationState.OPEN, None, None
        elif rng.random() < RETURNED_SHARE:
            state, handler = EscalationState.RETURNED, rng.choice(supervisors)
            # Back to the queue it came from; the agent who escalated gets it back.
            move.update(queue_id=from_queue, tier=from_tier)
            move["assignee_id"] = requested_by or case.assignee_id
            extras.returned += 1
        elif done_at is not None:
            state, handler = EscalationState.RESOLVED, case.assignee_id
        elif rng.random() < STILL_OPEN_SHARE:
            state, handler, handled = EscalationState.OPEN, None, None
        else:
            state, handler = EscalationState.ACCEPTED, case.assignee_id
        moves.append(move)
        extras.escalations += 1
        escalations.append(
            _escalation(
                case,
                from_tier,
                from_queue,
                SLA_REASON if by_sweep else rng.choice(REASONS),
                requested_by,
                created,
                state,
                handler,
                handled,
            )
        )
    _insert(Escalation, escalations, label=f"escalations ({len(escalations):,})")
    _move_cases(moves)

    answers = []
    for case in _cases():
        if case.status not in DONE or rng.random() >= CSAT_SHARE:
            continue
        done_at = case.resolved_at or case.closed_at
        score = rng.choices(list(CSAT_WEIGHTS), weights=list(CSAT_WEIGHTS.values()))[0]
        answered = min(done_at + timedelta(hours=rng.expovariate(1 / 18)), now)
        low = voc.is_low_score(FeedbackKind.CSAT, score)
        answers.append(
            {
                "kind": FeedbackKind.CSAT,
                "channel": Channel.WEB,
                "score": score,
                "summary": "",
                "detail": "The answer did not solve it." if low else "",
                "sentiment": voc.sentiment_for_score(FeedbackKind.CSAT, score),
                # A low rating becomes a follow-up for a supervisor, as surveys.record_rating.
                "status": FeedbackStatus.NEW if low else FeedbackStatus.CLOSED,
                "case_id": case.id,
                "contact_id": case.requester_id,
                "account_id": case.account_id,
                "agent_id": case.assignee_id,
                "queue_id": case.queue_id,
                "tier": case.tier,
                "owner_id": rng.choice(supervisors) if low else None,
                "themes": "",
                "response": "",
                "responded_at": None,
                "due_at": None,
                "created_at": answered,
                "updated_at": answered,
            }
        )
    _insert(Feedback, answers, label=f"CSAT answers ({len(answers):,})")
    extras.csat = len(answers)
    finish_load()
    return extras


def _escalation(case, from_tier, from_queue, reason, requested_by, created, state, by, at):
    return {
        "case_id": case.id,
        "from_tier": from_tier,
        "to_tier": case.tier,
        "from_queue_id": from_queue,
        "to_queue_id": case.queue_id,
        "reason": reason,
        "handoff_note": "Tried the usual steps; details in the timeline.",
        "requested_by_id": requested_by,
        "handled_by_id": by,
        "state": state,
        "created_at": created,
        "handled_at": at,
    }


def _move_cases(moves: list[dict]) -> None:
    """The opened tier of escalated cases, and the queue, tier and assignee of returned ones."""
    cases = Case.__table__
    for keys in ({"opened_tier"}, {"opened_tier", "queue_id", "tier", "assignee_id"}):
        rows = [move for move in moves if set(move) - {"case_id"} == keys]
        if rows:
            # Bind names must differ from the column names in an UPDATE's SET clause.
            statement = (
                sa.update(cases)
                .where(cases.c.id == sa.bindparam("case_id"))
                .values({key: sa.bindparam(f"new_{key}") for key in keys})
            )
            db.session.execute(
                statement,
                [{f"new_{k}" if k != "case_id" else k: v for k, v in r.items()} for r in rows],
            )
    db.session.commit()


# --- Per-query breakdown -------------------------------------------------------------------------


class TimedLog(StatementLog):
    """The queue bench's statement log, plus each statement's execute time and its KPI caller."""

    def __init__(self, engine: sa.Engine):
        super().__init__(engine)
        self.details: list[dict] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        super()._record(conn, cursor, statement, parameters, context, executemany)
        self.details.append({"caller": _caller(), "started": time.perf_counter()})

    def _done(self, *_args):
        self.details[-1]["ms"] = (time.perf_counter() - self.details[-1]["started"]) * 1000

    @contextmanager
    def recording(self) -> Iterator[list[tuple[str, object]]]:
        self.details = []
        sa.event.listen(self.engine, "after_cursor_execute", self._done)
        try:
            with super().recording() as statements:
                yield statements
        finally:
            sa.event.remove(self.engine, "after_cursor_execute", self._done)


def _caller() -> str:
    """The KPI functions on the stack, outermost first, below `analytics.dashboard`."""
    names, frame = [], sys._getframe(2)
    while frame is not None:
        path = frame.f_code.co_filename.replace("\\", "/")
        name = frame.f_code.co_name
        if "portal/domain/analytics/" in path and name != "dashboard":
            names.append(name)
        elif path.endswith("portal/domain/voc/score_figures.py"):
            names.append(f"voc_metrics.{name}")
        frame = frame.f_back
    return " > ".join(reversed(names)) or "(not KPI)"


def _first_line(statement: str) -> str:
    return statement.strip().splitlines()[0].strip()


def _replay(engine: sa.Engine, statement: str, parameters) -> float:
    """Median ms of running the statement alone and fetching every row (after one warm-up)."""
    timings = []
    with engine.connect() as connection:
        for index in range(REPLAYS + 1):
            started = time.perf_counter()
            connection.exec_driver_sql(statement, parameters).fetchall()
            if index:
                timings.append((time.perf_counter() - started) * 1000)
        connection.rollback()
    return statistics.median(timings)


def breakdown(client, log: TimedLog, engine: sa.Engine, path: str) -> None:
    """Each KPI query of one request of `path`: its time in the request and alone."""
    with log.recording() as statements:
        started = time.perf_counter()
        client.get(path)
        total_ms = (time.perf_counter() - started) * 1000
    groups: dict[tuple[str, str], dict] = {}
    for (statement, parameters), detail in zip(statements, log.details, strict=True):
        if not statement.lstrip().upper().startswith("SELECT"):
            continue
        key = (_first_line(statement), detail["caller"])
        group = groups.setdefault(key, {"n": 0, "request_ms": 0.0, "replay_ms": 0.0, "slow": None})
        replay_ms = _replay(engine, statement, parameters)
        group["n"] += 1
        group["request_ms"] += detail.get("ms", 0.0)
        group["replay_ms"] += replay_ms
        if group["slow"] is None or replay_ms > group["slow"][0]:
            group["slow"] = (replay_ms, statement, parameters)
    ordered = sorted(groups.items(), key=lambda item: -item[1]["replay_ms"])
    in_request = sum(log_detail.get("ms", 0.0) for log_detail in log.details)
    click.echo(
        f"\nKPI queries of one GET {path} ({len(statements)} statements, {total_ms:.0f} ms in "
        f"all, {in_request:.0f} ms inside cursor.execute). Grouped by the statement's first "
        f"line and its caller in the analytics package; 'alone' is the median of {REPLAYS} runs "
        "of the same statement on its own connection, all rows fetched (SQLite's execute only "
        "steps to the first row, so 'in request' misses the fetch there):"
    )
    rows = [
        (
            caller,
            first if len(first) <= 70 else first[:67] + "...",
            str(group["n"]),
            f"{group['request_ms']:.1f}",
            f"{group['replay_ms']:.1f}",
        )
        for (first, caller), group in ordered
    ]
    click.echo(_grid(("kpi caller", "first line", "n", "in request ms", "alone ms"), rows))
    explained: dict[str, str] = {}
    for (_first, caller), group in ordered:
        if len(explained) == EXPLAINED:
            break
        replay_ms, statement, parameters = group["slow"]
        if statement in explained:
            click.echo(f"\n{caller} runs the same SQL as {explained[statement]}.")
            continue
        explained[statement] = caller
        click.echo(f"\nQuery plan of {caller} ({replay_ms:.1f} ms alone):")
        click.echo(" ".join(statement.split()))
        click.echo(f"parameters: {parameters}")
        for line in explain(engine, statement, parameters):
            click.echo(f"  {line}")


def _grid(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(line[i]) for line in (headers, *rows)) for i in range(len(headers))]
    numeric = [i >= 2 for i in range(len(headers))]

    def render(line):
        cells = [
            cell.rjust(width) if numeric[i] else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if numeric[i] else ":" + "-" * (w + 1) for i, w in enumerate(widths)
    )
    return "\n".join([render(headers), rule + "|", *(render(line) for line in rows)])


# --- Command -------------------------------------------------------------------------------------


@click.command()
@click.option("--cases", "case_count", default=100_000, show_default=True, type=click.IntRange(1))
@click.option(
    "--database-url",
    default=None,
    help='A dedicated database whose name contains "bench"; default: SQLite in a temp folder.',
)
@click.option("--requests", default=20, show_default=True, type=click.IntRange(1))
def main(case_count: int, database_url: str | None, requests: int) -> None:
    """Seed CASES cases with KPI facts, escalations and CSAT, then time the dashboard."""
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as temp:
        folder = Path(temp)
        url = database_url or f"sqlite:///{folder / 'casework_bench.sqlite3'}"
        check_bench_database(url)
        app = build_app(url, folder)
        rng = random.Random(2026 + 6)
        with app.app_context():
            engine = db.engine
            click.echo(f"Seeding {case_count:,} cases into {engine.url.render_as_string()} ...")
            seeded = seed(case_count)
            counts = ", ".join(f"{n:,} {name}" for name, n in seeded.counts.items())
            click.echo(f"Seeded by the queue bench in {seeded.seconds:.1f} s: {counts}")
            started = time.perf_counter()
            extra_events = seed_history(rng)
            click.echo(f"Added {extra_events:,} events in {time.perf_counter() - started:.1f} s")
            measured, seconds = run_backfill(seeded.counts["cases"])
            click.echo(
                f"Backfill (flask kpi backfill): {measured:,} cases in {seconds:.1f} s, "
                f"{measured / seconds:,.0f} cases/s"
            )
            started = time.perf_counter()
            extras = seed_escalations_and_csat(rng)
            click.echo(
                f"Added in {time.perf_counter() - started:.1f} s: {extras.escalations:,} "
                f"escalations ({extras.returned:,} returned), {extras.flags:,} tier-3 flags, "
                f"{extras.csat:,} CSAT answers"
            )
            agent_id = _busiest_agent()
            db.session.remove()
        run_pages(app, engine, seeded.busiest_queue_id, agent_id, requests)
        engine.dispose()


def _busiest_agent() -> int:
    """The agent with the most cases resolved in the last 90 days."""
    since = utcnow() - timedelta(days=90)
    return db.session.scalar(
        sa.select(Case.assignee_id)
        .where(Case.assignee_id.is_not(None), Case.status.in_(DONE), Case.resolved_at >= since)
        .group_by(Case.assignee_id)
        .order_by(sa.func.count().desc(), Case.assignee_id)
        .limit(1)
    )


def run_pages(app, engine: sa.Engine, queue_id: int, agent_id: int, requests: int) -> None:
    """Sign a supervisor in, time every page, print the table, the figures and the breakdown."""
    log = TimedLog(engine)
    client = app.test_client()
    sign_in(client, SUPERVISOR_EMAIL, PASSWORD)
    pages = [
        ("90 days, all", f"{DASHBOARD}?period=90&scope=all"),
        (f"90 days, queue {queue_id}", f"{DASHBOARD}?period=90&scope=queue:{queue_id}"),
        ("90 days, tier 2", f"{DASHBOARD}?period=90&scope=tier:2"),
        (f"90 days, agent {agent_id}", f"{DASHBOARD}?period=90&scope=agent:{agent_id}"),
        ("30 days, all", f"{DASHBOARD}?period=30&scope=all"),
        ("today, all", f"{DASHBOARD}?period=today&scope=all"),
        ("CSV export, 90 days, all", f"{DASHBOARD}?period=90&scope=all&format=csv"),
    ]
    results = []
    for page, path in pages:
        click.echo(f"Timing {page}: GET {path} x {requests} ...", err=True)
        results.append(measure(client, log, page, path, requests))

    click.echo("")
    click.echo(f"Machine: {machine(engine)}")
    click.echo(
        f"Engine: {engine.dialect.name}; {requests} timed requests per page after "
        f"{WARMUP_REQUESTS} warm-up requests"
    )
    click.echo("")
    click.echo(table(results))
    print_figures(client, pages[-1][1])
    breakdown(client, log, engine, pages[0][1])


def print_figures(client, path: str) -> None:
    """The 90-day figures for everyone, read from the CSV export: none should be empty."""
    text = client.get(path).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text)))
    team = {row[1] for row in rows[1:3]}
    shown = [row for row in rows[1:] if row[1] in team or row[1].startswith("Tier ")]
    click.echo("\n90-day figures for everyone (from the CSV export):")
    for figure, who, value in shown:
        label = figure if who in team else f"{figure}, {who}"
        flag = "" if value not in ("", "0", "0.0") else "   <- empty"
        if who == "Tier 3":
            flag = "   (tier 3 cannot escalate; its flags are not escalations)"
        click.echo(f"  {label}: {value}{flag}")
    agents = {row[1] for row in rows[1:] if row[0] == "CSAT" and row[1] not in team}
    click.echo(f"  agents in the agent table: {len(agents)}")


if __name__ == "__main__":
    main()
