"""Queue page and case workspace at scale: seed N cases, then time the agent pages.

    python bench/queue_page.py [--cases 100000] [--database-url URL] [--requests 30]

Seeds a dedicated database with SQLAlchemy Core bulk inserts: the demo's reference data, then
~200 accounts, ~2,000 contacts, 30 agents, N cases over the four tiered demo queues with due
times from their age and priority, three timeline events for every case past `new`, and one
case with 50 events. Then it signs a supervisor in through the real login form and prints
p50/p95 latency and SQL statements per request for the queue page (page 1, page 200, breached
by priority), the case workspace of the 50-event case and, once the route exists, the account
360 view of the busiest account. It ends with the query plans of the queue page's count and
page SELECTs.

Without --database-url it uses a fresh SQLite file in a temporary folder. A URL is accepted only
if its database name contains "bench": the script drops and recreates every table in it.
"""

from __future__ import annotations

import math
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import click
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app
from portal.demo import SLA_TARGETS, seed_reference_data
from portal.demo_content import SCENARIOS
from portal.domain.cases.lists import breached_clause
from portal.extensions import db
from portal.models import (
    Account,
    Case,
    CaseEvent,
    CaseStatus,
    Channel,
    Contact,
    Direction,
    EventKind,
    Priority,
    Role,
    User,
)
from portal.models._base import utcnow
from portal.models.user import queue_members

PASSWORD = "bench password 2026"
SUPERVISOR_EMAIL = "supervisor@example.com"  # made by portal.demo.seed_reference_data
BATCH = 5_000
ACCOUNT_COUNT = 200
CONTACT_COUNT = 2_000
WORKSPACE_EVENTS = 50
WARMUP_REQUESTS = 3
# Share of all cases per demo queue (tiers 1, 1, 2, 3): the front line is the busiest.
QUEUE_SHARES = {"Front line": 45, "Billing": 25, "Specialists": 20, "Experts": 10}
# (tier, count, queues they work)
AGENT_TEAMS = [
    (1, 18, ("Front line", "Billing")),
    (2, 8, ("Front line", "Specialists")),
    (3, 4, ("Specialists", "Experts")),
]
STATUS_WEIGHTS = {
    CaseStatus.NEW: 8,
    CaseStatus.OPEN: 22,
    CaseStatus.PENDING: 12,
    CaseStatus.RESOLVED: 28,
    CaseStatus.CLOSED: 30,
}
PRIORITY_WEIGHTS = {Priority.LOW: 20, Priority.NORMAL: 50, Priority.HIGH: 22, Priority.URGENT: 8}
CHANNEL_WEIGHTS = {
    Channel.WEB: 50,
    Channel.EMAIL: 30,
    Channel.PHONE: 12,
    Channel.CHAT: 6,
    Channel.SOCIAL: 2,
}
# Wall-clock stand-ins for the standard entitlement's business-minute targets.
FIRST_RESPONSE_TARGET = {
    Priority.URGENT: timedelta(hours=1),
    Priority.HIGH: timedelta(hours=4),
    Priority.NORMAL: timedelta(hours=8),
    Priority.LOW: timedelta(hours=24),
}
RESOLUTION_TARGET = {
    Priority.URGENT: timedelta(hours=8),
    Priority.HIGH: timedelta(days=1),
    Priority.NORMAL: timedelta(days=3),
    Priority.LOW: timedelta(days=7),
}
# The queue page's default filter (`active`): new, open and pending.
ACTIVE = CaseStatus.WORKING
CSRF_PATTERN = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
)


@dataclass
class Seeded:
    """What the timed pages need from the seeded data."""

    busiest_queue_id: int
    busiest_account_id: int
    workspace_case_id: int
    counts: dict[str, int] = field(default_factory=dict)
    queue_active: int = 0
    queue_breached: int = 0
    account_cases: int = 0
    seconds: float = 0.0


@dataclass
class Measurement:
    """Latency and SQL statement count of each timed request of one page."""

    page: str
    path: str
    timings_ms: list[float]
    queries: list[int]

    @property
    def p50(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]

    @property
    def queries_label(self) -> str:
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}-{high}"


# --- Safety and setup ------------------------------------------------------------------------


def check_bench_database(url: str) -> None:
    """Refuse any database whose name does not say it is a benchmark database."""
    name = sa.engine.make_url(url).database or ""
    if "bench" not in Path(name).name.lower():
        raise click.UsageError(
            f"refusing to drop and recreate tables in {name!r}: the database name must contain "
            '"bench" (for example postgresql://postgres@127.0.0.1/casework_bench)'
        )


def build_app(database_url: str, folder: Path):
    """The real application, configured like the test suite but on the bench database."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "console",
            "UPLOAD_DIR": str(folder / "uploads"),
            "SEARCH_INDEX_DIR": str(folder / "search_index"),
            "BASE_URL": "http://casework.bench",
        }
    )


# --- Seeding ---------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _table(target) -> sa.Table:
    # The table, not the mapped class: the ORM's bulk path sends rows one by one on PostgreSQL
    # when their NULL columns differ, while Core sends each batch as multi-row VALUES.
    return getattr(target, "__table__", target)


def _insert(target, rows: Sequence[dict], label: str | None = None) -> None:
    """Bulk insert in batches of BATCH rows, one commit per batch; a progress bar if labelled."""
    statement = sa.insert(_table(target))
    progress = click.progressbar(length=len(rows), label=label, file=sys.stderr) if label else None
    with progress or nullcontext() as bar:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            db.session.execute(statement, batch)
            db.session.commit()
            if bar is not None:
                bar.update(len(batch))


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    if end <= start:
        return start
    return start + (end - start) * rng.random()


def seed_people(rng: random.Random, reference: dict) -> dict:
    """Accounts (Zipf-like case volume), their contacts, and agent teams in the demo queues."""
    demo_accounts = list(reference["accounts"].values())
    first_account = _next_id(Account)
    entitlements = list(SLA_TARGETS)
    account_rows = [
        {
            "id": first_account + index,
            "name": f"Bench Account {index + 1:03d}",
            "email_domain": f"account{index + 1:03d}.bench.example",
            "is_domain_verified": True,
            "entitlement": rng.choice(entitlements),
            "created_at": utcnow(),
        }
        for index in range(ACCOUNT_COUNT - len(demo_accounts))
    ]
    _insert(Account, account_rows)
    account_ids = [a.id for a in demo_accounts] + [row["id"] for row in account_rows]
    rng.shuffle(account_ids)
    # A few big customers and a long tail, as support desks see.
    account_weights = [1 / (rank + 1) ** 0.9 for rank in range(len(account_ids))]

    first_contact = _next_id(Contact)
    contacts_by_account: dict[int, list[int]] = {account_id: [] for account_id in account_ids}
    owners = account_ids * 3 + rng.choices(
        account_ids, weights=account_weights, k=CONTACT_COUNT - 3 * len(account_ids)
    )
    contact_rows = []
    for index, account_id in enumerate(owners):
        contact_id = first_contact + index
        contacts_by_account[account_id].append(contact_id)
        contact_rows.append(
            {
                "id": contact_id,
                "name": f"Bench Contact {index + 1:04d}",
                "email": f"contact{index + 1:04d}@bench.example",
                "language": "en",
                "account_id": account_id,
                "created_at": utcnow(),
            }
        )
    _insert(Contact, contact_rows)

    queues = reference["queues"]
    password_hash = reference["staff"][SUPERVISOR_EMAIL].password_hash
    first_user = _next_id(User)
    user_rows, member_rows = [], []
    agents_by_tier: dict[int, list[int]] = {1: [], 2: [], 3: []}
    for tier, count, queue_names in AGENT_TEAMS:
        for _ in range(count):
            user_id = first_user + len(user_rows)
            user_rows.append(
                {
                    "id": user_id,
                    "email": f"agent{len(user_rows) + 1:02d}@bench.example",
                    "name": f"Bench Agent {len(user_rows) + 1:02d} (tier {tier})",
                    "password_hash": password_hash,
                    "role": Role.AGENT,
                    "max_tier": tier,
                    "created_at": utcnow(),
                    "password_changed_at": utcnow(),
                }
            )
            member_rows.extend(
                {"queue_id": queues[name].id, "user_id": user_id} for name in queue_names
            )
            for reachable in range(1, tier + 1):
                agents_by_tier[reachable].append(user_id)
    _insert(User, user_rows)
    _insert(queue_members, member_rows)
    return {
        "account_ids": account_ids,
        "account_weights": account_weights,
        "contacts_by_account": contacts_by_account,
        "agents_by_tier": agents_by_tier,
    }


def _case_row(rng, case_id, queue, scenario, account_id, requester_id, assignees, now) -> dict:
    """One case with due times derived from its age and priority, so some are breached."""
    status = _weighted(rng, STATUS_WEIGHTS)
    priority = _weighted(rng, PRIORITY_WEIGHTS)
    if status in ACTIVE:
        # Work in progress is mostly recent; the tail is the backlog that breaches.
        created_at = now - timedelta(hours=min(rng.expovariate(1 / 60), 60 * 24))
    else:
        created_at = now - timedelta(days=rng.uniform(1, 90))
    first_response_due = created_at + FIRST_RESPONSE_TARGET[priority]
    resolution_due = created_at + RESOLUTION_TARGET[priority]
    responded_at = resolved_at = closed_at = paused_at = None
    if status is not CaseStatus.NEW:
        late_or_early = FIRST_RESPONSE_TARGET[priority] * rng.uniform(0.05, 1.4)
        responded_at = min(created_at + late_or_early, now - timedelta(minutes=1))
    if status in CaseStatus.DONE:
        took = RESOLUTION_TARGET[priority] * rng.uniform(0.1, 1.5)
        resolved_at = max(min(created_at + took, now - timedelta(minutes=2)), responded_at)
        if status is CaseStatus.CLOSED:
            closed_at = min(resolved_at + timedelta(days=3), now - timedelta(minutes=1))
    updated_at = closed_at or resolved_at or _between(rng, responded_at or created_at, now)
    if status is CaseStatus.PENDING:
        paused_at = updated_at
    return {
        "id": case_id,
        "subject": scenario["subject"],
        "description": scenario["description"],
        "status": status,
        "priority": priority,
        "channel": _weighted(rng, CHANNEL_WEIGHTS),
        "category": scenario["category"],
        "product": None,
        "language": scenario["language"],
        "account_id": account_id,
        "requester_id": requester_id,
        "queue_id": queue.id,
        "tier": queue.tier,
        "assignee_id": None if status is CaseStatus.NEW else rng.choice(assignees),
        "merged_into_id": None,
        "created_at": created_at,
        "updated_at": updated_at,
        "first_response_due_at": first_response_due,
        "first_responded_at": responded_at,
        "resolution_due_at": resolution_due,
        "resolved_at": resolved_at,
        "closed_at": closed_at,
        "sla_warning_at": created_at + RESOLUTION_TARGET[priority] * 0.8,
        "sla_paused_at": paused_at,
        "sla_paused_minutes": 0,
        "version": 1,
        "submission_key": None,
    }


def _event(case_id, kind, created_at, *, body="", author_id=None, contact_id=None, **more):
    row = {
        "case_id": case_id,
        "kind": kind,
        "author_id": author_id,
        "contact_id": contact_id,
        "body": body,
        "field": None,
        "old_value": None,
        "new_value": None,
        "channel": None,
        "direction": None,
        "duration_seconds": None,
        "occurred_at": None,
        "created_at": created_at,
    }
    row.update(more)
    return row


def _timeline(case: dict, scenario: dict) -> list[dict]:
    """A customer follow-up, the agent's first reply and the status change: three events."""
    follow_up = case["created_at"] + (case["first_responded_at"] - case["created_at"]) / 2
    reply = scenario["replies"][1]["body"] if len(scenario["replies"]) > 1 else "Looking at it."
    return [
        _event(
            case["id"],
            EventKind.PUBLIC_REPLY,
            follow_up,
            body="Any news on this? It is still happening for us.",
            contact_id=case["requester_id"],
        ),
        _event(
            case["id"],
            EventKind.PUBLIC_REPLY,
            case["first_responded_at"],
            body=reply,
            author_id=case["assignee_id"],
        ),
        _event(
            case["id"],
            EventKind.FIELD_CHANGE,
            case["first_responded_at"],
            author_id=case["assignee_id"],
            field="status",
            old_value="new",
            new_value=case["status"].value,
        ),
    ]


def _long_timeline(rng: random.Random, case: dict, agents: list[int], now) -> list[dict]:
    """WORKSPACE_EVENTS events of every kind, for the case opened in the workspace."""
    kinds = [
        EventKind.PUBLIC_REPLY,
        EventKind.PUBLIC_REPLY,
        EventKind.INTERNAL_NOTE,
        EventKind.FIELD_CHANGE,
        EventKind.INTERACTION,
    ]
    moments = sorted(_between(rng, case["created_at"], now) for _ in range(WORKSPACE_EVENTS))
    rows = []
    for index, moment in enumerate(moments):
        kind = kinds[index % len(kinds)]
        by_customer = kind is EventKind.PUBLIC_REPLY and index % 2 == 0
        author = None if by_customer else rng.choice(agents)
        extra = {}
        if kind is EventKind.FIELD_CHANGE:
            extra = {"field": "priority", "old_value": "normal", "new_value": "high"}
        elif kind is EventKind.INTERACTION:
            extra = {
                "channel": Channel.PHONE,
                "direction": Direction.INBOUND,
                "duration_seconds": rng.randint(60, 1800),
                "occurred_at": moment,
            }
        rows.append(
            _event(
                case["id"],
                kind,
                moment,
                body=f"Timeline entry {index + 1}: " + "details of the exchange. " * 8,
                author_id=author,
                contact_id=case["requester_id"] if by_customer else None,
                **extra,
            )
        )
    return rows


def seed(case_count: int, seed_value: int = 2026) -> Seeded:
    """Fresh tables, the demo's reference data, then everything in bulk; returns the targets."""
    started = time.perf_counter()
    rng = random.Random(seed_value)
    db.drop_all()
    db.create_all()
    reference = seed_reference_data(PASSWORD)
    db.session.commit()
    people = seed_people(rng, reference)
    queues = [reference["queues"][name] for name in QUEUE_SHARES]
    billing = [s for s in SCENARIOS if s["category"] == "billing"]
    other = [s for s in SCENARIOS if s["category"] != "billing"]
    now = utcnow()
    first_case = _next_id(Case)

    case_rows, scenarios = [], []
    for index in range(case_count):
        queue = rng.choices(queues, weights=list(QUEUE_SHARES.values()))[0]
        scenario = rng.choice(billing if queue.name == "Billing" else other)
        account_id = rng.choices(people["account_ids"], weights=people["account_weights"])[0]
        case_rows.append(
            _case_row(
                rng,
                first_case + index,
                queue,
                scenario,
                account_id,
                rng.choice(people["contacts_by_account"][account_id]),
                people["agents_by_tier"][queue.tier],
                now,
            )
        )
        scenarios.append(scenario)

    busiest_queue = reference["queues"]["Front line"]
    busiest_account = Counter(row["account_id"] for row in case_rows).most_common(1)[0][0]
    # The workspace case: an open front-line case of the busiest account.
    workspace = next(
        row
        for row in case_rows
        if row["queue_id"] == busiest_queue.id
        and row["account_id"] == busiest_account
        and row["status"] is CaseStatus.OPEN
    )
    _insert(Case, case_rows, label=f"cases ({case_count:,})")

    event_rows = []
    for row, scenario in zip(case_rows, scenarios, strict=True):
        if row is workspace:
            event_rows.extend(_long_timeline(rng, row, people["agents_by_tier"][1], now))
        elif row["first_responded_at"] is not None:
            event_rows.extend(_timeline(row, scenario))
    _insert(CaseEvent, event_rows, label=f"events ({len(event_rows):,})")
    finish_load()

    result = Seeded(
        busiest_queue_id=busiest_queue.id,
        busiest_account_id=busiest_account,
        workspace_case_id=workspace["id"],
    )
    for name, model in (
        ("accounts", Account),
        ("contacts", Contact),
        ("users", User),
        ("cases", Case),
        ("case events", CaseEvent),
    ):
        result.counts[name] = db.session.scalar(sa.select(sa.func.count()).select_from(model))
    result.seconds = time.perf_counter() - started
    in_queue = sa.select(sa.func.count()).where(
        Case.queue_id == busiest_queue.id, Case.status.in_(ACTIVE)
    )
    result.queue_active = db.session.scalar(in_queue)
    result.queue_breached = db.session.scalar(in_queue.where(breached_clause(utcnow())))
    result.account_cases = db.session.scalar(
        sa.select(sa.func.count()).where(Case.account_id == busiest_account)
    )
    return result


def finish_load() -> None:
    """PostgreSQL: move the id sequences past the explicit ids, then VACUUM ANALYZE, as
    autovacuum would shortly after a bulk load. SQLite gets no ANALYZE: the app never runs one."""
    db.session.commit()
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in ("accounts", "contacts", "users", "cases"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        connection.exec_driver_sql("VACUUM ANALYZE")


# --- Measuring -------------------------------------------------------------------------------


class StatementLog:
    """Every SQL statement the engine sends, with its parameters, while `recording()`."""

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.statements: list[tuple[str, object]] = []

    def _record(self, _conn, _cursor, statement, parameters, _context, _executemany):
        self.statements.append((statement, parameters))

    @contextmanager
    def recording(self) -> Iterator[list[tuple[str, object]]]:
        self.statements = []
        sa.event.listen(self.engine, "before_cursor_execute", self._record)
        try:
            yield self.statements
        finally:
            sa.event.remove(self.engine, "before_cursor_execute", self._record)


def sign_in(client, email: str, password: str) -> None:
    """Through the real login form, with its CSRF token, as a browser would."""
    page = client.get("/login").get_data(as_text=True)
    match = CSRF_PATTERN.search(page)
    if not match:
        raise SystemExit("no CSRF token on the login page")
    response = client.post(
        "/login",
        data={"csrf_token": match.group(1) or match.group(2), "email": email, "password": password},
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in failed with {response.status_code}")


def measure(client, log: StatementLog, page: str, path: str, requests: int) -> Measurement:
    """Warm up, then time `requests` GETs of `path`; any status but 200 stops the run."""
    timings, queries = [], []
    for index in range(WARMUP_REQUESTS + requests):
        with log.recording() as statements:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise SystemExit(f"{page}: GET {path} returned {response.status_code}, not 200")
        if index >= WARMUP_REQUESTS:
            timings.append(elapsed * 1000)
            queries.append(len(statements))
    return Measurement(page, path, timings, queries)


def route_exists(app, path: str) -> bool:
    adapter = app.url_map.bind("casework.bench")
    try:
        adapter.match(path, method="GET")
    except (NotFound, MethodNotAllowed):
        return False
    return True


def queue_statements(client, log: StatementLog, path: str) -> dict[str, tuple[str, object]]:
    """The queue page's two case queries for `path`: the count and the page of cases."""
    with log.recording() as statements:
        client.get(path)
    found = {}
    for statement, parameters in statements:
        text = " ".join(statement.split())
        if "FROM cases" in text and "LIMIT" in text:
            found["page SELECT"] = (statement, parameters)
        elif "count(" in text and "FROM cases" in text and "GROUP BY" not in text:
            found["count"] = (statement, parameters)
    if "page SELECT" not in found:
        raise SystemExit(f"no page SELECT found for {path}")
    return found


def abbreviated(statement: str) -> str:
    """The statement on one line, without the long list of joined-in columns."""
    text = " ".join(statement.split())
    return re.sub(
        r"SELECT cases\.id(?: AS id)?, .*? FROM cases ",
        "SELECT <columns> FROM cases ",
        text,
    )


def explain(engine: sa.Engine, statement: str, parameters) -> list[str]:
    """The plan, the way each engine prints it (PostgreSQL's with actual times)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            rows = connection.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).all()
            return [row[0] for row in rows]
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return [f"{'  ' * _depth(rows, row)}{row[-1]}" for row in rows]


def _depth(rows, row) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth


# --- Reporting -------------------------------------------------------------------------------


def machine(engine: sa.Engine) -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            version = "PostgreSQL " + connection.exec_driver_sql("SHOW server_version").scalar()
        else:
            version = "SQLite " + connection.exec_driver_sql("SELECT sqlite_version()").scalar()
    return (
        f"{os.cpu_count()} CPUs (nproc; {cpu}), Python {platform.python_version()}, "
        f"{version}, SQLAlchemy {sa.__version__}"
    )


def table(rows: list[Measurement]) -> str:
    headers = ("page", "p50 ms", "p95 ms", "queries/request")
    body = [(m.page, f"{m.p50:.1f}", f"{m.p95:.1f}", m.queries_label) for m in rows]
    widths = [max(len(str(line[i])) for line in (headers, *body)) for i in range(4)]

    def render(line):
        cells = [
            str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if i else ":" + "-" * (w + 1) for i, w in enumerate(widths)
    )
    return "\n".join([render(headers), rule + "|", *(render(line) for line in body)])


# --- Command ---------------------------------------------------------------------------------


@click.command()
@click.option("--cases", "case_count", default=100_000, show_default=True, type=click.IntRange(1))
@click.option(
    "--database-url",
    default=None,
    help='A dedicated database whose name contains "bench"; default: SQLite in a temp folder.',
)
@click.option("--requests", default=30, show_default=True, type=click.IntRange(1))
def main(case_count: int, database_url: str | None, requests: int) -> None:
    """Seed CASES cases, then print latency and SQL counts of the agent pages."""
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as temp:
        folder = Path(temp)
        url = database_url or f"sqlite:///{folder / 'casework_bench.sqlite3'}"
        check_bench_database(url)
        app = build_app(url, folder)
        with app.app_context():
            engine = db.engine
            click.echo(f"Seeding {case_count:,} cases into {engine.url.render_as_string()} ...")
            seeded = seed(case_count)
            db.session.remove()
        counts = ", ".join(f"{n:,} {name}" for name, n in seeded.counts.items())
        click.echo(f"Seeded in {seeded.seconds:.1f} s: {counts}")
        click.echo(
            f"Busiest queue {seeded.busiest_queue_id}: {seeded.queue_active:,} active cases "
            f"({seeded.queue_breached:,} breached); busiest account "
            f"{seeded.busiest_account_id}: {seeded.account_cases:,} cases"
        )
        run_pages(app, engine, seeded, requests)
        engine.dispose()


def run_pages(app, engine: sa.Engine, seeded: Seeded, requests: int) -> None:
    """Sign in a supervisor, time every page, print the table and the queue page's plan."""
    log = StatementLog(engine)
    # No app context is held here: each request gets its own, and its own database session.
    client = app.test_client()
    sign_in(client, SUPERVISOR_EMAIL, PASSWORD)
    queue = f"/agent/queues/{seeded.busiest_queue_id}"
    number = f"CS-{seeded.workspace_case_id:06d}"
    pages = [
        ("queue, page 1", queue),
        ("queue, page 200", f"{queue}?page=200"),
        ("queue, breached by priority", f"{queue}?sla=breached&sort=priority"),
        (f"case workspace ({WORKSPACE_EVENTS} events)", f"/agent/cases/{number}"),
    ]
    account = f"/agent/accounts/{seeded.busiest_account_id}"
    if route_exists(app, account):
        pages.append(("account 360", account))
    else:
        click.echo(f"Skipped {account}: the route does not exist yet.")

    results = []
    for page, path in pages:
        click.echo(f"Timing {page}: GET {path} x {requests} ...", err=True)
        results.append(measure(client, log, page, path, requests))

    click.echo("")
    click.echo(f"Machine: {machine(engine)}")
    click.echo(
        f"Engine: {engine.dialect.name}; {requests} timed requests per page after "
        f"{WARMUP_REQUESTS} warm-up requests; queue {seeded.busiest_queue_id}, case {number}, "
        f"account {seeded.busiest_account_id}"
    )
    click.echo("")
    click.echo(table(results))
    plans = [
        ("queue page 1", queue, ("count", "page SELECT")),
        ("queue page 200", f"{queue}?page=200", ("page SELECT",)),
        ("queue, breached by priority", f"{queue}?sla=breached&sort=priority", ("page SELECT",)),
    ]
    for title, path, which in plans:
        statements = queue_statements(client, log, path)
        for name in which:
            statement, parameters = statements[name]
            click.echo(f"\nQuery plan, {title}, {name} (GET {path}):")
            click.echo(abbreviated(statement))
            click.echo(f"parameters: {parameters}")
            for line in explain(engine, statement, parameters):
                click.echo(f"  {line}")


if __name__ == "__main__":
    main()
