"""Voice-of-the-customer figures: CSAT, NPS, response rate, trends, breakdowns and themes.

Every figure is an aggregate computed in SQL, so the dashboard runs a fixed number of queries
however many answers there are. Definitions:
- CSAT % is the share of ratings that are 4 or 5; the CSAT average is the mean of 1-5.
- NPS is % promoters (9-10) minus % detractors (0-6), a whole number from -100 to 100.
- Response rate is answered surveys over surveys sent, by when they were sent.
- An answer counts in the period of its first rating (`Feedback.created_at`), in UTC;
  trends use ISO weeks (from Monday) and calendar months.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from portal.domain.voc import listings, score_bands
from portal.extensions import db
from portal.models import (
    Account,
    Case,
    Contact,
    Feedback,
    FeedbackKind,
    FeedbackStatus,
    FeedbackTheme,
    Queue,
    SurveyInvitation,
    User,
    feedback_theme_links,
)

PERIODS = (7, 30, 90, 365)
DIMENSIONS = ("queue", "tier", "agent", "account", "category", "theme")
# NPS is about the relationship, not a case: these breakdowns count CSAT ratings only.
CASE_DIMENSIONS = frozenset({"queue", "tier", "agent", "category"})
BREAKDOWN_ROWS = 25
FOLLOW_UP_ROWS = 20
TOP_THEMES = 10
TREND_POINTS = 12
EXPORT_LIMIT = 50_000
# Cells a spreadsheet would read as a formula (OWASP "CSV injection"), NUL included.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")


@dataclass
class Scores:
    """Counts behind the CSAT and NPS figures of one slice of answers."""

    csat_count: int = 0
    csat_satisfied: int = 0
    csat_sum: int = 0
    nps_count: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def csat_percent(self) -> float | None:
        return round(self.csat_satisfied * 100 / self.csat_count, 1) if self.csat_count else None

    @property
    def csat_average(self) -> float | None:
        return round(self.csat_sum / self.csat_count, 2) if self.csat_count else None

    @property
    def passives(self) -> int:
        return self.nps_count - self.promoters - self.detractors

    @property
    def nps(self) -> int | None:
        if not self.nps_count:
            return None
        return round((self.promoters - self.detractors) * 100 / self.nps_count)


def _scores(row, prefix: str = "") -> Scores:
    return Scores(**{name: int(getattr(row, prefix + name) or 0) for name in _SCORE_FIELDS})


_SCORE_FIELDS = (
    "csat_count",
    "csat_satisfied",
    "csat_sum",
    "nps_count",
    "promoters",
    "detractors",
)


def _score_columns(condition=None, prefix: str = "") -> list:
    """SUMs of the Scores fields over answers matching `condition` (no GROUP BY needed)."""
    condition = sa.true() if condition is None else condition
    csat = sa.and_(condition, Feedback.kind == FeedbackKind.CSAT)
    nps = sa.and_(condition, Feedback.kind == FeedbackKind.NPS)

    def total(when, value=1):
        return sa.func.coalesce(sa.func.sum(sa.case((when, value), else_=0)), 0)

    return [
        total(csat).label(prefix + "csat_count"),
        total(sa.and_(csat, Feedback.score >= 4)).label(prefix + "csat_satisfied"),
        total(csat, Feedback.score).label(prefix + "csat_sum"),
        total(nps).label(prefix + "nps_count"),
        total(sa.and_(nps, Feedback.score >= 9)).label(prefix + "promoters"),
        total(sa.and_(nps, Feedback.score <= 6)).label(prefix + "detractors"),
    ]


def _answers() -> sa.ColumnElement[bool]:
    return sa.and_(Feedback.kind.in_(score_bands.SURVEY_KINDS), Feedback.score.is_not(None))


def scores(
    start: datetime,
    end: datetime,
    *,
    agent_id: int | None = None,
    queue_id: int | None = None,
    account_id: int | None = None,
    tier: int | None = None,
) -> Scores:
    """CSAT and NPS counts for answers first given in [start, end), optionally for one agent,
    queue, tier or account (for the supervisor KPIs and the account 360). One query."""
    query = sa.select(*_score_columns()).where(
        _answers(), Feedback.created_at >= start, Feedback.created_at < end
    )
    query = _only(query, agent_id=agent_id, queue_id=queue_id, account_id=account_id, tier=tier)
    return _scores(db.session.execute(query).one())


def _only(query: sa.Select, **values) -> sa.Select:
    for name, value in values.items():
        if value is not None:
            query = query.where(getattr(Feedback, name) == value)
    return query


def scores_by_agent(
    start: datetime, end: datetime, *, queue_id: int | None = None, tier: int | None = None
) -> dict[int, Scores]:
    """`scores` for each agent with answers in [start, end). One query."""
    query = (
        sa.select(Feedback.agent_id, *_score_columns())
        .where(_answers(), Feedback.created_at >= start, Feedback.created_at < end)
        .where(Feedback.agent_id.is_not(None))
        .group_by(Feedback.agent_id)
    )
    query = _only(query, queue_id=queue_id, tier=tier)
    return {row.agent_id: _scores(row) for row in db.session.execute(query)}


# --- trends ----------------------------------------------------------------------------------


@dataclass
class TrendPoint:
    starts: datetime
    scores: Scores


def _bucket(granularity: str):
    """The UTC start of an answer's week or month as 'YYYY-MM-DD', in the engine's dialect.
    Constants are literal SQL (not parameters) so GROUP BY matches the selected expression."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        unit = sa.literal_column(f"'{granularity}'")
        utc = sa.func.timezone(sa.literal_column("'UTC'"), Feedback.created_at)
        return sa.func.to_char(sa.func.date_trunc(unit, utc), sa.literal_column("'YYYY-MM-DD'"))
    if granularity == "week":
        return sa.func.date(
            Feedback.created_at, sa.literal_column("'weekday 0'"), sa.literal_column("'-6 days'")
        )
    return sa.func.strftime(sa.literal_column("'%Y-%m-01'"), Feedback.created_at)


def _bucket_starts(granularity: str, now: datetime, count: int) -> list[date]:
    today = now.astimezone(UTC).date()
    if granularity == "week":
        monday = today - timedelta(days=today.weekday())
        return [monday - timedelta(weeks=count - 1 - n) for n in range(count)]
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def trend(
    granularity: str,
    *,
    now: datetime,
    count: int = TREND_POINTS,
    account_id: int | None = None,
) -> list[TrendPoint]:
    """Scores per week or month for the last `count` of them (empty ones included). One query."""
    if granularity not in ("week", "month"):
        raise ValueError(granularity)
    starts = _bucket_starts(granularity, now, count)
    first = datetime.combine(starts[0], datetime.min.time(), tzinfo=UTC)
    bucket = _bucket(granularity)
    query = (
        sa.select(bucket.label("bucket"), *_score_columns())
        .where(_answers(), Feedback.created_at >= first, Feedback.created_at < now)
        .group_by(bucket)
    )
    if account_id is not None:
        query = query.where(Feedback.account_id == account_id)
    found = {str(row.bucket)[:10]: _scores(row) for row in db.session.execute(query)}
    return [
        TrendPoint(
            datetime.combine(day, datetime.min.time(), tzinfo=UTC),
            found.get(day.isoformat(), Scores()),
        )
        for day in starts
    ]


# --- breakdowns ------------------------------------------------------------------------------


@dataclass
class BreakdownRow:
    key: object
    label: str | None
    scores: Scores


def _dimension_query(dimension: str) -> sa.Select:
    if dimension == "queue":
        return sa.select(Feedback.queue_id, Queue.name).outerjoin(
            Queue, Queue.id == Feedback.queue_id
        )
    if dimension == "tier":
        return sa.select(Feedback.tier, Feedback.tier)
    if dimension == "agent":
        return sa.select(Feedback.agent_id, User.name).outerjoin(User, User.id == Feedback.agent_id)
    if dimension == "account":
        return sa.select(Feedback.account_id, Account.name).outerjoin(
            Account, Account.id == Feedback.account_id
        )
    if dimension == "category":
        return sa.select(Case.category, Case.category).outerjoin(Case, Case.id == Feedback.case_id)
    if dimension == "theme":
        return (
            sa.select(FeedbackTheme.id, FeedbackTheme.name)
            .select_from(Feedback)
            .join(feedback_theme_links, feedback_theme_links.c.feedback_id == Feedback.id)
            .join(FeedbackTheme, FeedbackTheme.id == feedback_theme_links.c.theme_id)
        )
    raise ValueError(dimension)


def breakdown(dimension: str, start: datetime, end: datetime) -> list[BreakdownRow]:
    """Scores per queue, tier, agent, account, category or theme in [start, end). One query."""
    base = _dimension_query(dimension)
    if dimension in CASE_DIMENSIONS:
        base = base.where(Feedback.kind == FeedbackKind.CSAT)
    key, label = base.selected_columns[0], base.selected_columns[1]
    columns = _score_columns()
    query = (
        base.add_columns(*columns)
        .where(_answers(), Feedback.created_at >= start, Feedback.created_at < end)
        .group_by(key, label)
        .order_by((columns[0] + columns[3]).desc(), label)
        .limit(BREAKDOWN_ROWS)
    )
    return [
        BreakdownRow(row[0], None if row[1] is None else str(row[1]), _scores(row))
        for row in db.session.execute(query)
    ]


# --- follow-ups and themes -------------------------------------------------------------------


def awaiting_follow_up(*, now: datetime) -> tuple[list[listings.ItemRow], int, int]:
    """Low scores and detractors not yet closed, soonest due first; with the total and overdue
    counts (two queries)."""
    owner = aliased(User)
    awaiting = sa.and_(
        _answers(), score_bands.low_score_clause(), Feedback.status != FeedbackStatus.CLOSED
    )
    total, overdue = db.session.execute(
        sa.select(
            sa.func.count(Feedback.id),
            sa.func.coalesce(sa.func.sum(sa.case((Feedback.due_at < now, 1), else_=0)), 0),
        ).where(awaiting)
    ).one()
    rows = db.session.execute(
        sa.select(Feedback, Contact.name, Account.name, owner.name)
        .outerjoin(Contact, Contact.id == Feedback.contact_id)
        .outerjoin(Account, Account.id == Feedback.account_id)
        .outerjoin(owner, owner.id == Feedback.owner_id)
        .where(awaiting)
        .order_by(Feedback.due_at.is_(None), Feedback.due_at, Feedback.id)
        .limit(FOLLOW_UP_ROWS)
    ).all()
    items = [
        listings.ItemRow(item, item.case_id, contact, account, name)
        for item, contact, account, name in rows
    ]
    return items, int(total), int(overdue)


@dataclass
class ThemeCount:
    theme_id: int
    name: str
    this_period: int
    last_period: int

    @property
    def change(self) -> int:
        return self.this_period - self.last_period


def top_themes(start: datetime, end: datetime) -> list[ThemeCount]:
    """Themes by how many items (of any kind) carried them in [start, end), against the
    period of the same length before. One query."""
    previous = start - (end - start)
    this = sa.func.coalesce(
        sa.func.sum(sa.case((Feedback.created_at >= start, 1), else_=0)), 0
    ).label("this_period")
    last = sa.func.coalesce(
        sa.func.sum(sa.case((Feedback.created_at < start, 1), else_=0)), 0
    ).label("last_period")
    rows = db.session.execute(
        sa.select(FeedbackTheme.id, FeedbackTheme.name, this, last)
        .select_from(Feedback)
        .join(feedback_theme_links, feedback_theme_links.c.feedback_id == Feedback.id)
        .join(FeedbackTheme, FeedbackTheme.id == feedback_theme_links.c.theme_id)
        .where(Feedback.created_at >= previous, Feedback.created_at < end)
        .group_by(FeedbackTheme.id, FeedbackTheme.name)
        .order_by(this.desc(), last.desc(), FeedbackTheme.name)
        .limit(TOP_THEMES)
    )
    return [
        ThemeCount(row.id, row.name, int(row.this_period), int(row.last_period)) for row in rows
    ]


# --- the dashboard ---------------------------------------------------------------------------


@dataclass
class ResponseRate:
    sent: int = 0
    answered: int = 0

    @property
    def percent(self) -> float | None:
        return round(self.answered * 100 / self.sent, 1) if self.sent else None


def response_rates(start: datetime, end: datetime) -> dict[FeedbackKind, ResponseRate]:
    """Surveys sent in [start, end) and how many of them were answered, per kind. One query."""
    rows = db.session.execute(
        sa.select(
            SurveyInvitation.kind,
            sa.func.count(SurveyInvitation.id),
            sa.func.count(SurveyInvitation.answered_at),
        )
        .where(SurveyInvitation.sent_at >= start, SurveyInvitation.sent_at < end)
        .group_by(SurveyInvitation.kind)
    )
    rates = {kind: ResponseRate() for kind in score_bands.SURVEY_KINDS}
    for kind, sent, answered in rows:
        rates[FeedbackKind(kind)] = ResponseRate(int(sent), int(answered))
    return rates


@dataclass
class Dashboard:
    days: int
    start: datetime
    end: datetime
    current: Scores
    previous: Scores
    response: dict[FeedbackKind, ResponseRate]
    weekly: list[TrendPoint]
    monthly: list[TrendPoint]
    breakdowns: dict[str, list[BreakdownRow]]
    follow_ups: list[listings.ItemRow]
    follow_up_total: int
    follow_up_overdue: int
    themes: list[ThemeCount] = field(default_factory=list)


def dashboard(*, now: datetime, days: int = 30) -> Dashboard:
    """Everything /feedback/voc shows, for the last `days` against the `days` before:
    a fixed 13 queries."""
    if days not in PERIODS:
        raise ValueError(days)
    start = now - timedelta(days=days)
    previous = start - timedelta(days=days)
    row = db.session.execute(
        sa.select(
            *_score_columns(Feedback.created_at >= start, "this_"),
            *_score_columns(Feedback.created_at < start, "last_"),
        ).where(_answers(), Feedback.created_at >= previous, Feedback.created_at < now)
    ).one()
    follow_ups, total, overdue = awaiting_follow_up(now=now)
    return Dashboard(
        days=days,
        start=start,
        end=now,
        current=_scores(row, "this_"),
        previous=_scores(row, "last_"),
        response=response_rates(start, now),
        weekly=trend("week", now=now),
        monthly=trend("month", now=now),
        breakdowns={dimension: breakdown(dimension, start, now) for dimension in DIMENSIONS},
        follow_ups=follow_ups,
        follow_up_total=total,
        follow_up_overdue=overdue,
        themes=top_themes(start, now),
    )


# --- CSV export ------------------------------------------------------------------------------

EXPORT_HEADER = (
    "id",
    "created_at",
    "kind",
    "score",
    "sentiment",
    "status",
    "channel",
    "case",
    "category",
    "account",
    "contact",
    "agent",
    "queue",
    "tier",
    "themes",
    "summary",
    "detail",
    "owner",
    "due_at",
    "response",
    "responded_at",
)


def export_rows(start: datetime, end: datetime) -> Iterator[tuple]:
    """Feedback (items and survey answers) created in [start, end), one query. Internal
    discussion is never part of it."""
    agent, owner = aliased(User), aliased(User)
    query = (
        sa.select(
            Feedback,
            Case.category,
            Account.name,
            Contact.name,
            agent.name,
            Queue.name,
            owner.name,
        )
        .outerjoin(Case, Case.id == Feedback.case_id)
        .outerjoin(Account, Account.id == Feedback.account_id)
        .outerjoin(Contact, Contact.id == Feedback.contact_id)
        .outerjoin(agent, agent.id == Feedback.agent_id)
        .outerjoin(Queue, Queue.id == Feedback.queue_id)
        .outerjoin(owner, owner.id == Feedback.owner_id)
        .where(Feedback.created_at >= start, Feedback.created_at < end)
        .order_by(Feedback.created_at, Feedback.id)
        .limit(EXPORT_LIMIT)
    )
    for item, category, account, contact, agent_name, queue, owner_name in db.session.execute(
        query
    ):
        yield (
            item.id,
            item.created_at.isoformat(),
            item.kind.value,
            item.score,
            item.sentiment.value if item.sentiment else "",
            item.status.value,
            item.channel.value,
            f"CS-{item.case_id:06d}" if item.case_id else "",
            category,
            account,
            contact,
            agent_name,
            queue,
            item.tier,
            item.themes,
            item.summary,
            item.detail,
            owner_name,
            item.due_at.isoformat() if item.due_at else "",
            item.response,
            item.responded_at.isoformat() if item.responded_at else "",
        )


def csv_safe(value) -> str:
    """A cell that no spreadsheet runs as a formula: text starting with = + - @ TAB CR or NUL
    gets a leading apostrophe (IN-06). Numbers are written as they are."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(rows: Iterable[Iterable], header: Iterable[str] = EXPORT_HEADER) -> str:
    """RFC 4180 CSV (quoted as needed, CRLF) with a BOM so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(list(header))
    for row in rows:
        writer.writerow([csv_safe(value) for value in row])
    return "\ufeff" + buffer.getvalue()
