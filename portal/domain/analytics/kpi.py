"""Every supervisor figure, computed in one place.

The dashboard, goals, reports and the weekly email all read their numbers from here, so one
question always gets one answer. A figure is asked for a `Scope` (all, one queue, one tier or
one agent; by the case's current queue, tier and assignee) and a `Period` (whole days in the
reader's time zone). Definitions (docs/decisions.md, "Supervisor KPIs"):

- created: cases opened in the period; resolved: cases resolved (or closed unresolved) in the
  period that are still resolved or closed now.
- first-response and resolution times: business minutes in the case's SLA calendar, time
  spent pending taken out (`domain.cases.metrics`), for cases first answered / resolved in
  the period. Median and 90th percentile interpolate linearly between ranks.
- SLA compliance: each target counts once, in the period it was decided: met when answered or
  resolved by its due time (counted when that happened), missed when its due time passed
  first (counted at the due time).
- reopen rate: share of the period's resolved cases that had been reopened; first-contact
  resolution: share resolved with at most one agent reply and never reopened.
- escalation rate of a tier: escalations out of it over the cases it took on (opened at that
  tier, or escalated into it); bounce-back rate: share of its escalations returned to it.
- CSAT %: ratings of 4 or 5 over all ratings given in the period (`voc_metrics`).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jdatetime
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from portal.domain import voc
from portal.extensions import db
from portal.i18n import native_digits
from portal.models import (
    Case,
    CaseStatus,
    Channel,
    Escalation,
    EscalationState,
    Feedback,
    Queue,
    Role,
    User,
)

PERIOD_KEYS = ("today", "7", "30", "90", "custom")
SCOPE_KINDS = ("all", "queue", "tier", "agent")
TIERS = (1, 2, 3)
MAX_PERIOD_DAYS = 366
WORKING = (CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING)
DONE = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
# Backlog age buckets in days: [low, high), the last open-ended.
AGE_BUCKETS = ((0, 1), (1, 3), (3, 7), (7, 30), (30, None))
# Daily series are grouped in SQL by quarter hour (UTC), then into local days here, so any
# time zone offset (Tehran's +03:30 included) lands on the right day.
SLICE_SECONDS = 900


# --- period and scope ------------------------------------------------------------------------


class FilterError(ValueError):
    """A period or scope that cannot be used; the message is for the reader (translated)."""


class PeriodError(FilterError):
    """A custom period that is malformed, reversed or too long."""


class ScopeError(FilterError):
    """A scope that names no queue, tier or agent."""


@dataclass(frozen=True)
class Period:
    """Whole local days `first`..`last` in `tz`, as the UTC interval [start, end)."""

    first: date
    last: date
    tz: ZoneInfo
    key: str = "custom"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), self.tz).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), self.tz).astimezone(UTC)

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def elapsed_share(self, now: datetime) -> float:
        """How much of the period has passed at `now`, from 0 to 1."""
        total = (self.end - self.start).total_seconds()
        return min(1.0, max(0.0, (now - self.start).total_seconds() / total))


def period(
    key: str,
    *,
    now: datetime,
    tz: ZoneInfo,
    first: date | None = None,
    last: date | None = None,
) -> Period:
    """The period named `key` ("today", "7", "30", "90" days up to today, or "custom")."""
    today = now.astimezone(tz).date()
    if key == "today":
        return Period(today, today, tz, key)
    if key in ("7", "30", "90"):
        return Period(today - timedelta(days=int(key) - 1), today, tz, key)
    if key != "custom":
        raise PeriodError(_l("Choose a period from the list."))
    if first is None or last is None:
        raise PeriodError(_l("A custom period needs a first and a last day."))
    if last < first:
        raise PeriodError(_l("The last day is before the first."))
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError(
            lazy_ngettext(
                "A period is at most %(count)s day.",
                "A period is at most %(count)s days.",
                MAX_PERIOD_DAYS,
                count=native_digits(MAX_PERIOD_DAYS),
            )
        )
    return Period(first, last, tz, key)


@dataclass(frozen=True)
class Filters:
    """Report filters, any mix of them: the case's current queue, tier and assignee (meaning
    what a queue, tier or agent Scope means) and its account, category and channel. Empty
    fields narrow nothing. Feedback follows its own queue, tier, agent and account columns and
    its case's category and channel. (agent_table's CSAT column ignores these filters.)"""

    queue_id: int | None = None
    tier: int | None = None
    agent_id: int | None = None
    account_id: int | None = None
    category: str | None = None
    channel: str | None = None

    def __post_init__(self):
        if self.tier is not None and self.tier not in TIERS:
            raise ValueError(f"bad tier {self.tier}")
        if self.channel is not None and self.channel not in {c.value for c in Channel}:
            raise ValueError(f"bad channel {self.channel}")

    def on_case_facts(self) -> list[sa.ColumnElement[bool]]:
        """Account, category and channel: what a case is about, not who works it."""
        wanted = {
            Case.account_id: self.account_id,
            Case.category: self.category,
            Case.channel: None if self.channel is None else Channel(self.channel),
        }
        return [column == value for column, value in wanted.items() if value is not None]

    def on_cases(self, *, tier: bool = True) -> list[sa.ColumnElement[bool]]:
        wanted = {Case.queue_id: self.queue_id, Case.assignee_id: self.agent_id}
        if tier:
            wanted[Case.tier] = self.tier
        conditions = [column == value for column, value in wanted.items() if value is not None]
        return conditions + self.on_case_facts()

    def _through_case(self, case_id) -> list[sa.ColumnElement[bool]]:
        facts = self.on_case_facts()
        return [case_id.in_(sa.select(Case.id).where(*facts))] if facts else []

    def on_escalations_out(self) -> list[sa.ColumnElement[bool]]:
        wanted = {
            Escalation.from_queue_id: self.queue_id,
            Escalation.from_tier: self.tier,
            Escalation.requested_by_id: self.agent_id,
        }
        conditions = [column == value for column, value in wanted.items() if value is not None]
        return conditions + self._through_case(Escalation.case_id)

    def on_escalations_in(self) -> list[sa.ColumnElement[bool]]:
        """Escalations into the filtered work (the tier is applied by the caller)."""
        wanted = {Escalation.to_queue_id: self.queue_id, Escalation.handled_by_id: self.agent_id}
        conditions = [column == value for column, value in wanted.items() if value is not None]
        return conditions + self._through_case(Escalation.case_id)

    def on_feedback(self) -> list[sa.ColumnElement[bool]]:
        wanted = {
            Feedback.queue_id: self.queue_id,
            Feedback.tier: self.tier,
            Feedback.agent_id: self.agent_id,
            Feedback.account_id: self.account_id,
        }
        conditions = [column == value for column, value in wanted.items() if value is not None]
        about_case = [
            column == value
            for column, value in (
                (Case.category, self.category),
                (Case.channel, None if self.channel is None else Channel(self.channel)),
            )
            if value is not None
        ]
        if about_case:
            conditions.append(Feedback.case_id.in_(sa.select(Case.id).where(*about_case)))
        return conditions


@dataclass(frozen=True)
class Scope:
    """Whose work a figure covers: everyone, a queue, a tier or an agent; reports may narrow
    it further with `filters`."""

    kind: str = "all"
    id: int | None = None
    filters: Filters | None = None

    def __post_init__(self):
        if self.kind not in SCOPE_KINDS or (self.kind == "all") != (self.id is None):
            raise ValueError(f"bad scope {self.kind}:{self.id}")

    def _own_on_cases(self) -> list[sa.ColumnElement[bool]]:
        column = {"queue": Case.queue_id, "tier": Case.tier, "agent": Case.assignee_id}
        return [column[self.kind] == self.id] if self.kind in column else []

    def on_cases(self) -> list[sa.ColumnElement[bool]]:
        extra = self.filters.on_cases() if self.filters else []
        return self._own_on_cases() + extra

    def on_escalations_out(self) -> list[sa.ColumnElement[bool]]:
        column = {
            "queue": Escalation.from_queue_id,
            "tier": Escalation.from_tier,
            "agent": Escalation.requested_by_id,
        }
        own = [column[self.kind] == self.id] if self.kind in column else []
        return own + (self.filters.on_escalations_out() if self.filters else [])

    def on_feedback(self) -> list[sa.ColumnElement[bool]]:
        own = [getattr(Feedback, name) == value for name, value in self.feedback_filter().items()]
        return own + (self.filters.on_feedback() if self.filters else [])

    def tiers(self) -> list[int]:
        """The tiers whose escalation figures the scope covers."""
        tiers = [self.id] if self.kind == "tier" else list(TIERS)
        if self.filters and self.filters.tier is not None:
            tiers = [tier for tier in tiers if tier == self.filters.tier]
        return tiers

    def feedback_filter(self) -> dict:
        names = {"queue": "queue_id", "tier": "tier", "agent": "agent_id"}
        return {names[self.kind]: self.id} if self.kind in names else {}


# --- figures ---------------------------------------------------------------------------------


def percentile(values: list[int], share: float) -> float | None:
    """Linear interpolation between closest ranks (as PostgreSQL's percentile_cont)."""
    return percentile_of_counts(Counter(values), share)


def percentile_of_counts(counts: Mapping[int, int], share: float) -> float | None:
    """`percentile` of the values that `counts` holds as {value: how many times}: the data
    comes from SQL as a histogram, far fewer rows than one per case."""
    total = sum(counts.values())
    if not total:
        return None
    position = share * (total - 1)
    low, high = math.floor(position), math.ceil(position)
    found: dict[int, int] = {}
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        for rank in (low, high):
            if rank not in found and rank < seen:
                found[rank] = value
        if high in found:
            break
    return found[low] + (found[high] - found[low]) * (position - low)


@dataclass(frozen=True)
class Durations:
    """Business minutes of a set of cases: how many, median and 90th percentile."""

    count: int = 0
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, minutes: list[int]) -> Durations:
        return cls.of_counts(Counter(minutes))

    @classmethod
    def of_counts(cls, counts: Mapping[int, int]) -> Durations:
        """Median and 90th percentile, to a tenth of a minute."""
        median, p90 = percentile_of_counts(counts, 0.5), percentile_of_counts(counts, 0.9)
        return cls(
            sum(counts.values()),
            None if median is None else round(median, 1),
            None if p90 is None else round(p90, 1),
        )


@dataclass(frozen=True)
class Compliance:
    """SLA targets decided in a period: met and missed."""

    met: int = 0
    missed: int = 0

    @property
    def total(self) -> int:
        return self.met + self.missed

    @property
    def percent(self) -> float | None:
        return share(self.met, self.total)

    def __add__(self, other: Compliance) -> Compliance:
        return Compliance(self.met + other.met, self.missed + other.missed)


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when there is nothing to divide."""
    return round(part * 100 / whole, 1) if whole else None


@dataclass(frozen=True)
class TierRates:
    """Work taken on by one tier in a period, and what it escalated."""

    tier: int | None
    taken_on: int = 0
    escalated: int = 0
    returned: int = 0

    @property
    def escalation_rate(self) -> float | None:
        return share(self.escalated, self.taken_on)

    @property
    def bounce_back_rate(self) -> float | None:
        return share(self.returned, self.escalated)


@dataclass(frozen=True)
class Resolutions:
    """Cases resolved in a period."""

    count: int = 0
    reopened: int = 0
    first_contact: int = 0
    durations: Durations = Durations()

    @property
    def reopen_rate(self) -> float | None:
        return share(self.reopened, self.count)

    @property
    def first_contact_rate(self) -> float | None:
        return share(self.first_contact, self.count)


def _in(column, when: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= when.start, column < when.end)


def _resolved_in(when: Period) -> sa.ColumnElement[bool]:
    """Resolved in the period, or closed in it without having been resolved; done now."""
    return sa.and_(
        Case.status.in_(DONE),
        sa.or_(
            _in(Case.resolved_at, when),
            sa.and_(Case.resolved_at.is_(None), _in(Case.closed_at, when)),
        ),
    )


def created_count(scope: Scope, when: Period) -> int:
    query = sa.select(sa.func.count()).select_from(Case).where(_in(Case.created_at, when))
    return db.session.scalar(query.where(*scope.on_cases())) or 0


MinuteCounts = dict[int | None, Counter]


def _minute_counts(column, condition, scope: Scope) -> MinuteCounts:
    """{assignee id: {minutes: cases}} of the cases matching `condition`: one grouped query."""
    query = (
        sa.select(Case.assignee_id, column, sa.func.count())
        .where(condition, column.is_not(None), *scope.on_cases())
        .group_by(Case.assignee_id, column)
    )
    by_agent: MinuteCounts = {}
    for agent_id, minutes, count in db.session.execute(query):
        by_agent.setdefault(agent_id, Counter())[minutes] += int(count)
    return by_agent


def _everyone(by_agent: MinuteCounts) -> Counter:
    total: Counter = Counter()
    for counts in by_agent.values():
        total.update(counts)
    return total


def _response_counts(scope: Scope, when: Period) -> MinuteCounts:
    return _minute_counts(Case.first_response_minutes, _in(Case.first_responded_at, when), scope)


def first_responses(scope: Scope, when: Period, *, counts: MinuteCounts | None = None) -> Durations:
    """Times to first response of the cases first answered in the period (`counts`: the same
    figures already fetched, as the dashboard shares them with the agent table)."""
    return Durations.of_counts(
        _everyone(counts if counts is not None else _response_counts(scope, when))
    )


def resolutions(scope: Scope, when: Period) -> Resolutions:
    condition = _resolved_in(when)
    counts = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(sa.case((Case.reopen_count > 0, 1), else_=0)), 0),
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(((Case.reopen_count == 0) & (Case.agent_replies <= 1), 1), else_=0)
                ),
                0,
            ),
        ).where(condition, *scope.on_cases())
    ).one()
    minutes = _everyone(_minute_counts(Case.resolution_minutes, condition, scope))
    return Resolutions(int(counts[0]), int(counts[1]), int(counts[2]), Durations.of_counts(minutes))


def _sum_if(condition) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _compliance_columns(when: Period, now: datetime) -> list:
    """met/missed sums for both SLA clocks (see the module docstring)."""
    return [
        _sum_if(condition).label(name) for name, condition in _sla_conditions(when, now).items()
    ]


def _sla_conditions(when: Period, now: datetime) -> dict[str, sa.ColumnElement[bool]]:
    """When a case counts as a met or missed target in `when`: fr_met, fr_missed, res_met,
    res_missed (shared by the period figures and the per-bucket ones)."""
    decided_by = min(when.end, now)
    due_passed = {
        "first": sa.and_(
            Case.first_response_due_at >= when.start,
            Case.first_response_due_at < decided_by,
        ),
        "resolution": sa.and_(
            Case.resolution_due_at >= when.start, Case.resolution_due_at < decided_by
        ),
    }
    done_at = sa.func.coalesce(Case.resolved_at, Case.closed_at)
    resolved_on_time = sa.and_(Case.status.in_(DONE), done_at <= Case.resolution_due_at)
    responded_on_time = Case.first_responded_at <= Case.first_response_due_at

    def not_paused_before(due):
        # A clock paused before its due time is not late yet: resuming moves the due time.
        return sa.or_(Case.sla_paused_at.is_(None), Case.sla_paused_at > due)

    return {
        "fr_met": sa.and_(_in(Case.first_responded_at, when), responded_on_time),
        "fr_missed": sa.and_(
            due_passed["first"],
            sa.or_(Case.first_responded_at.is_(None), ~responded_on_time),
            not_paused_before(Case.first_response_due_at),
        ),
        "res_met": sa.and_(_resolved_in(when), resolved_on_time),
        "res_missed": sa.and_(
            due_passed["resolution"],
            sa.or_(~Case.status.in_(DONE), done_at > Case.resolution_due_at),
            not_paused_before(Case.resolution_due_at),
        ),
    }


@dataclass(frozen=True)
class SLACompliance:
    first_response: Compliance = Compliance()
    resolution: Compliance = Compliance()

    @property
    def overall(self) -> Compliance:
        return self.first_response + self.resolution


def _relevant_to_sla(when: Period) -> sa.ColumnElement[bool]:
    return sa.or_(
        _in(Case.first_responded_at, when),
        _in(Case.first_response_due_at, when),
        _in(Case.resolution_due_at, when),
        _resolved_in(when),
    )


def _compliance(row) -> SLACompliance:
    return SLACompliance(
        Compliance(int(row.fr_met), int(row.fr_missed)),
        Compliance(int(row.res_met), int(row.res_missed)),
    )


def sla_compliance(scope: Scope, when: Period, *, now: datetime) -> SLACompliance:
    query = sa.select(*_compliance_columns(when, now)).where(
        _relevant_to_sla(when), *scope.on_cases()
    )
    return _compliance(db.session.execute(query).one())


def _real_escalation() -> sa.ColumnElement[bool]:
    """Moves up a tier; a tier-3 flag to supervisors is not an escalation."""
    return Escalation.to_tier > Escalation.from_tier


def tier_rates(scope: Scope, when: Period) -> list[TierRates]:
    """Escalation and bounce-back figures per tier (the scope's tier only, for a tier scope)."""
    tiers = scope.tiers()
    # Work is taken on at the tier a case opened at, whatever tier it is at now.
    opened_in_scope = [] if scope.kind == "tier" else scope._own_on_cases()
    if scope.filters:
        opened_in_scope += scope.filters.on_cases(tier=False)
    opened = dict(
        db.session.execute(
            sa.select(Case.opened_tier, sa.func.count())
            .where(_in(Case.created_at, when), Case.opened_tier.in_(tiers))
            .where(*opened_in_scope)
            .group_by(Case.opened_tier)
        ).all()
    )
    into_scope = []
    if scope.kind == "queue":
        into_scope = [Escalation.to_queue_id == scope.id]
    elif scope.kind == "agent":
        into_scope = [Escalation.handled_by_id == scope.id]
    if scope.filters:
        into_scope += scope.filters.on_escalations_in()
    escalated_in = dict(
        db.session.execute(
            sa.select(Escalation.to_tier, sa.func.count())
            .where(_real_escalation(), _in(Escalation.created_at, when), *into_scope)
            .where(Escalation.to_tier.in_(tiers))
            .group_by(Escalation.to_tier)
        ).all()
    )
    out = {
        row.from_tier: row
        for row in db.session.execute(
            sa.select(
                Escalation.from_tier,
                sa.func.count().label("escalated"),
                _sum_if(Escalation.state == EscalationState.RETURNED).label("returned"),
            )
            .where(_real_escalation(), _in(Escalation.created_at, when))
            .where(*scope.on_escalations_out(), Escalation.from_tier.in_(tiers))
            .group_by(Escalation.from_tier)
        )
    }
    return [
        TierRates(
            tier,
            int(opened.get(tier, 0)) + int(escalated_in.get(tier, 0)),
            int(out[tier].escalated) if tier in out else 0,
            int(out[tier].returned) if tier in out else 0,
        )
        for tier in tiers
    ]


def total_rates(rows: list[TierRates]) -> TierRates:
    """All tiers together: escalations over work taken on."""
    return TierRates(
        None,
        sum(r.taken_on for r in rows),
        sum(r.escalated for r in rows),
        sum(r.returned for r in rows),
    )


def csat(scope: Scope, when: Period) -> voc.Scores:
    if scope.filters is None:
        return voc.scores(when.start, when.end, **scope.feedback_filter())
    # The same answers and sums as voc_metrics.scores, narrowed by the report filters.
    query = sa.select(*voc.score_columns()).where(
        voc.answered_surveys(), _in(Feedback.created_at, when), *scope.on_feedback()
    )
    return voc.scores_from_row(db.session.execute(query).one())


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgeBucket:
    low_days: int
    high_days: int | None
    count: int


def _age_conditions(now: datetime) -> list[sa.ColumnElement[bool]]:
    """An unresolved case's age bucket, one condition per AGE_BUCKETS entry."""
    conditions = []
    for low, high in AGE_BUCKETS:
        condition = sa.and_(Case.status.in_(WORKING), Case.created_at <= now - timedelta(days=low))
        if high is not None:
            condition = sa.and_(condition, Case.created_at > now - timedelta(days=high))
        conditions.append(condition)
    return conditions


def _buckets(counts: Mapping[str, int]) -> list[AgeBucket]:
    return [AgeBucket(low, high, int(counts[f"b{n}"])) for n, (low, high) in enumerate(AGE_BUCKETS)]


def backlog(scope: Scope, *, now: datetime) -> list[AgeBucket]:
    """Unresolved cases now, by age. One query."""
    columns = [_sum_if(c).label(f"b{n}") for n, c in enumerate(_age_conditions(now))]
    row = db.session.execute(
        sa.select(*columns).where(Case.status.in_(WORKING), *scope.on_cases())
    ).one()
    return _buckets(row._mapping)


def _case_totals(scope: Scope, when: Period, now: datetime) -> dict[int | None, Counter]:
    """The dashboard's case counts per assignee in ONE pass over the scope's cases (the
    conditions are those of created_count, resolutions, sla_compliance and backlog, which
    answer one figure each; a test holds them equal): {assignee id: Counter}."""
    resolved = _resolved_in(when)
    conditions = {
        "created": _in(Case.created_at, when),
        "resolved": resolved,
        "reopened": sa.and_(resolved, Case.reopen_count > 0),
        "first_contact": sa.and_(resolved, Case.reopen_count == 0, Case.agent_replies <= 1),
        "open": Case.status.in_(WORKING),
        **_sla_conditions(when, now),
        **{f"b{n}": c for n, c in enumerate(_age_conditions(now))},
    }
    query = (
        sa.select(Case.assignee_id, *[_sum_if(c).label(name) for name, c in conditions.items()])
        .where(*scope.on_cases())
        .group_by(Case.assignee_id)
    )
    return {
        row.assignee_id: Counter({name: int(row._mapping[name]) for name in conditions})
        for row in db.session.execute(query)
    }


def _slice(column) -> sa.ColumnElement[int]:
    """The quarter hour (seconds since 1970 // 900) of a UTC timestamp, in the engine's SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        seconds = sa.extract("epoch", column)
        return sa.cast(sa.func.floor(seconds / SLICE_SECONDS), sa.BigInteger)
    seconds = sa.cast(sa.func.strftime(sa.literal_column("'%s'"), column), sa.Integer)
    return seconds // SLICE_SECONDS


def _per_day(column, condition, scope: Scope, when: Period) -> dict[date, int]:
    bucket = _slice(column).label("slice")
    query = sa.select(bucket, sa.func.count()).where(condition, *scope.on_cases()).group_by(bucket)
    days = when.days
    # Every zone's offset is a whole number of quarter hours, so local midnights fall on
    # slice boundaries and a slice belongs to the last day that starts at or before it.
    starts = [
        int(datetime.combine(day, time(0), when.tz).timestamp()) // SLICE_SECONDS for day in days
    ]
    counts: dict[date, int] = {}
    for slice_number, count in db.session.execute(query):
        index = bisect_right(starts, int(slice_number)) - 1
        if index >= 0:
            day = days[index]
            counts[day] = counts.get(day, 0) + int(count)
    return counts


@dataclass(frozen=True)
class Day:
    day: date
    created: int
    resolved: int


def daily(scope: Scope, when: Period) -> list[Day]:
    """Created and resolved per local day of the period (empty days included). Two queries."""
    created = _per_day(Case.created_at, _in(Case.created_at, when), scope, when)
    done_at = sa.func.coalesce(Case.resolved_at, Case.closed_at)
    resolved = _per_day(done_at, _resolved_in(when), scope, when)
    return [Day(day, created.get(day, 0), resolved.get(day, 0)) for day in when.days]


@dataclass
class AgentRow:
    """One agent's figures for the period; `open` is their unresolved cases now."""

    user: User
    open: int = 0
    resolved: int = 0
    response: Durations = Durations()
    sla: Compliance = Compliance()
    csat: voc.Scores = field(default_factory=voc.Scores)


def agent_table(
    scope: Scope,
    when: Period,
    *,
    now: datetime,
    totals: dict[int | None, Counter] | None = None,
    response_counts: MinuteCounts | None = None,
) -> list[AgentRow]:
    """Per-agent figures for the scope. A fixed number of queries, whatever the team size
    (`totals` and `response_counts`: the same figures already fetched by the dashboard)."""
    totals = totals if totals is not None else _case_totals(scope, when, now)
    # Agents with anything to show: open cases now, or work counted in the period.
    totals = {k: v for k, v in totals.items() if k is not None and any(v.values())}
    responses = response_counts if response_counts is not None else _response_counts(scope, when)
    responses = {k: v for k, v in responses.items() if k is not None}
    feedback = scope.feedback_filter()
    scores = voc.scores_by_agent(
        when.start, when.end, queue_id=feedback.get("queue_id"), tier=feedback.get("tier")
    )
    if scope.kind == "agent":
        scores = {k: v for k, v in scores.items() if k == scope.id}
    ids = set(totals) | set(responses) | set(scores)
    if scope.kind == "agent":
        ids.add(scope.id)
    users = db.session.scalars(
        sa.select(User).where(User.id.in_(ids), User.role != Role.CUSTOMER).order_by(User.name)
    ).all()
    rows = []
    for user in users:
        n = totals.get(user.id, Counter())
        rows.append(
            AgentRow(
                user,
                n["open"],
                n["resolved"],
                Durations.of_counts(responses.get(user.id, Counter())),
                Compliance(n["fr_met"] + n["res_met"], n["fr_missed"] + n["res_missed"]),
                scores.get(user.id, voc.Scores()),
            )
        )
    return rows


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    created: int
    backlog: list[AgeBucket]
    days: list[Day]
    first_response: Durations
    resolutions: Resolutions
    sla: SLACompliance
    tiers: list[TierRates]
    csat: voc.Scores
    agents: list[AgentRow]

    @property
    def all_tiers(self) -> TierRates:
        return total_rates(self.tiers)

    @property
    def peak_day(self) -> int:
        return max([1, *(max(d.created, d.resolved) for d in self.days)])


def dashboard(scope: Scope, when: Period, *, now: datetime) -> Dashboard:
    """Everything the supervisor dashboard shows, in a fixed number of queries: one pass over
    the scope's cases for the counts, two histograms of minutes, two per-day series, then
    escalations, ratings and names."""
    totals = _case_totals(scope, when, now)
    n = _everyone(totals)
    response_counts = _response_counts(scope, when)
    resolution_minutes = _everyone(
        _minute_counts(Case.resolution_minutes, _resolved_in(when), scope)
    )
    return Dashboard(
        scope=scope,
        period=when,
        created=n["created"],
        backlog=_buckets(n),
        days=daily(scope, when),
        first_response=first_responses(scope, when, counts=response_counts),
        resolutions=Resolutions(
            n["resolved"],
            n["reopened"],
            n["first_contact"],
            Durations.of_counts(resolution_minutes),
        ),
        sla=SLACompliance(
            Compliance(n["fr_met"], n["fr_missed"]), Compliance(n["res_met"], n["res_missed"])
        ),
        tiers=tier_rates(scope, when),
        csat=csat(scope, when),
        agents=agent_table(scope, when, now=now, totals=totals, response_counts=response_counts),
    )


# --- metrics by name (goals, reports) ---------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """A figure goals and reports can name. `cumulative` figures grow through a period (a
    count); the others are rates or times that hold whatever the period's length."""

    key: str
    label: object
    unit: str  # count | percent | minutes
    better: str  # higher | lower
    cumulative: bool
    compute: Callable[[Scope, Period, datetime], float | None]


def _metric(key, label, unit, better, compute, cumulative=False) -> Metric:
    return Metric(key, label, unit, better, cumulative, compute)


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        _metric("created", _l("Cases created"), "count", "lower",
                lambda s, p, now: created_count(s, p), cumulative=True),
        _metric("resolved", _l("Cases resolved"), "count", "higher",
                lambda s, p, now: resolutions(s, p).count, cumulative=True),
        _metric("first_response_median", _l("Median first response"), "minutes", "lower",
                lambda s, p, now: first_responses(s, p).median),
        _metric("first_response_p90", _l("90th percentile first response"), "minutes", "lower",
                lambda s, p, now: first_responses(s, p).p90),
        _metric("resolution_median", _l("Median resolution time"), "minutes", "lower",
                lambda s, p, now: resolutions(s, p).durations.median),
        _metric("resolution_p90", _l("90th percentile resolution time"), "minutes", "lower",
                lambda s, p, now: resolutions(s, p).durations.p90),
        _metric("first_response_sla", _l("First-response SLA met"), "percent", "higher",
                lambda s, p, now: sla_compliance(s, p, now=now).first_response.percent),
        _metric("resolution_sla", _l("Resolution SLA met"), "percent", "higher",
                lambda s, p, now: sla_compliance(s, p, now=now).resolution.percent),
        _metric("reopen_rate", _l("Reopen rate"), "percent", "lower",
                lambda s, p, now: resolutions(s, p).reopen_rate),
        _metric("first_contact_resolution", _l("First-contact resolution"), "percent", "higher",
                lambda s, p, now: resolutions(s, p).first_contact_rate),
        _metric("escalation_rate", _l("Escalation rate"), "percent", "lower",
                lambda s, p, now: total_rates(tier_rates(s, p)).escalation_rate),
        _metric("bounce_back_rate", _l("Bounce-back rate"), "percent", "lower",
                lambda s, p, now: total_rates(tier_rates(s, p)).bounce_back_rate),
        _metric("csat", _l("CSAT"), "percent", "higher",
                lambda s, p, now: csat(s, p).csat_percent),
    )
}  # fmt: skip


def value(metric: str, scope: Scope, when: Period, *, now: datetime) -> float | None:
    """The figure `metric` for `scope` over `when`: the same number the dashboard shows."""
    return METRICS[metric].compute(scope, when, now)


def dashboard_value(board: Dashboard, metric: str) -> float | None:
    """Read `metric` off an already computed dashboard (no queries)."""
    readers = {
        "created": lambda b: b.created,
        "resolved": lambda b: b.resolutions.count,
        "first_response_median": lambda b: b.first_response.median,
        "first_response_p90": lambda b: b.first_response.p90,
        "resolution_median": lambda b: b.resolutions.durations.median,
        "resolution_p90": lambda b: b.resolutions.durations.p90,
        "first_response_sla": lambda b: b.sla.first_response.percent,
        "resolution_sla": lambda b: b.sla.resolution.percent,
        "reopen_rate": lambda b: b.resolutions.reopen_rate,
        "first_contact_resolution": lambda b: b.resolutions.first_contact_rate,
        "escalation_rate": lambda b: b.all_tiers.escalation_rate,
        "bounce_back_rate": lambda b: b.all_tiers.bounce_back_rate,
        "csat": lambda b: b.csat.csat_percent,
    }
    return readers[metric](board)


# --- figures per bucket (reports) -------------------------------------------------------------

GROUPINGS = ("day", "week", "month")


def _month_end(day: date, jalali: bool) -> date:
    if jalali:
        local = jdatetime.date.fromgregorian(date=day)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        return jdatetime.date(year, month, 1).togregorian() - timedelta(days=1)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, 1) - timedelta(days=1)


def split(
    when: Period, grouping: str, *, week_starts: int = 0, jalali: bool = False
) -> list[Period]:
    """`when` cut into consecutive days, weeks (starting on weekday `week_starts`, 0 = Monday)
    or calendar months (Jalali ones with `jalali`); the first and last are clipped to it."""
    if grouping not in GROUPINGS:
        raise PeriodError(f"unknown grouping {grouping!r}")
    buckets = []
    first = when.first
    while first <= when.last:
        if grouping == "day":
            last = first
        elif grouping == "week":
            last = first + timedelta(days=(week_starts - first.weekday() - 1) % 7)
        else:
            last = _month_end(first, jalali)
        last = min(last, when.last)
        buckets.append(Period(first, last, when.tz))
        first = last + timedelta(days=1)
    return buckets


@dataclass(frozen=True)
class Figures:
    """The report's figures for one period, each as the functions above compute it: escalations
    is `total_rates(tier_rates(...)).escalated`."""

    period: Period
    created: int
    first_response: Durations
    resolutions: Resolutions
    sla: SLACompliance
    escalations: int
    csat: voc.Scores


@dataclass
class _Tally:
    counts: Counter = field(default_factory=Counter)
    response_minutes: list[int] = field(default_factory=list)
    resolution_minutes: list[int] = field(default_factory=list)

    def figures(self, when: Period) -> Figures:
        n = self.counts
        return Figures(
            period=when,
            created=n["created"],
            first_response=Durations.of(self.response_minutes),
            resolutions=Resolutions(
                n["resolved"],
                n["reopened"],
                n["first_contact"],
                Durations.of(self.resolution_minutes),
            ),
            sla=SLACompliance(
                Compliance(n["fr_met"], n["fr_missed"]), Compliance(n["res_met"], n["res_missed"])
            ),
            escalations=n["escalations"],
            csat=voc.Scores(**{name: n[name] for name in voc.SCORE_FIELDS}),
        )


def _flag(condition) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def grouped(scope: Scope, buckets: list[Period], *, now: datetime) -> tuple[list[Figures], Figures]:
    """Figures for each bucket and for all of them together, equal to what the functions above
    give for each bucket's period, in seven queries whatever the number of buckets or cases.
    `buckets` are consecutive periods in one time zone (as `split` makes them). Counts are
    grouped in SQL by quarter hour, as `daily` does, and placed in buckets here; times are read
    per case, as `first_responses` does, for the medians."""
    whole = Period(buckets[0].first, buckets[-1].last, buckets[0].tz)
    starts = [bucket.start for bucket in buckets]
    tallies = [_Tally() for _ in buckets]

    def tally_at(moment: datetime) -> _Tally:
        return tallies[bisect_right(starts, moment) - 1]

    def count_by_slice(column, conditions: list, *sums):
        piece = _slice(column).label("slice")
        query = sa.select(piece, *sums).where(*conditions).group_by(piece)
        for row in db.session.execute(query):
            yield tally_at(datetime.fromtimestamp(int(row.slice) * SLICE_SECONDS, UTC)), row

    sla = _sla_conditions(whole, now)
    on_cases = scope.on_cases()
    for tally, row in count_by_slice(
        Case.created_at, [_in(Case.created_at, whole), *on_cases], sa.func.count().label("n")
    ):
        tally.counts["created"] += int(row.n)
    for responded_at, minutes, met in db.session.execute(
        sa.select(Case.first_responded_at, Case.first_response_minutes, _flag(sla["fr_met"])).where(
            _in(Case.first_responded_at, whole), *on_cases
        )
    ):
        tally = tally_at(responded_at)
        tally.counts["fr_met"] += int(met)
        if minutes is not None:
            tally.response_minutes.append(minutes)
    done_at = sa.func.coalesce(Case.resolved_at, Case.closed_at)
    for done, minutes, reopens, replies, met in db.session.execute(
        sa.select(
            done_at, Case.resolution_minutes, Case.reopen_count, Case.agent_replies,
            _flag(sla["res_met"]),
        ).where(_resolved_in(whole), *on_cases)
    ):  # fmt: skip
        tally = tally_at(done)
        tally.counts.update(
            resolved=1,
            reopened=int(reopens > 0),
            first_contact=int(reopens == 0 and replies <= 1),
            res_met=int(met),
        )
        if minutes is not None:
            tally.resolution_minutes.append(minutes)
    for name, due in (
        ("fr_missed", Case.first_response_due_at),
        ("res_missed", Case.resolution_due_at),
    ):
        for tally, row in count_by_slice(due, [sla[name], *on_cases], sa.func.count().label("n")):
            tally.counts[name] += int(row.n)
    escalations_out = [
        _real_escalation(),
        _in(Escalation.created_at, whole),
        *scope.on_escalations_out(),
        Escalation.from_tier.in_(scope.tiers()),
    ]
    for tally, row in count_by_slice(
        Escalation.created_at, escalations_out, sa.func.count().label("n")
    ):
        tally.counts["escalations"] += int(row.n)
    answers = [voc.answered_surveys(), _in(Feedback.created_at, whole), *scope.on_feedback()]
    for tally, row in count_by_slice(Feedback.created_at, answers, *voc.score_columns()):
        tally.counts.update({name: int(row._mapping[name]) for name in voc.SCORE_FIELDS})
    total = _Tally()
    for tally in tallies:
        total.counts.update(tally.counts)
        total.response_minutes += tally.response_minutes
        total.resolution_minutes += tally.resolution_minutes
    return (
        [tally.figures(bucket) for tally, bucket in zip(tallies, buckets, strict=True)],
        total.figures(whole),
    )


def escalation_reasons(scope: Scope, when: Period, *, limit: int = 5) -> list[tuple[str, int]]:
    """The commonest reasons of the escalations out of the scope in the period (as counted by
    `tier_rates`), most frequent first. One query."""
    count = sa.func.count().label("n")
    rows = db.session.execute(
        sa.select(Escalation.reason, count)
        .where(_real_escalation(), _in(Escalation.created_at, when))
        .where(*scope.on_escalations_out(), Escalation.from_tier.in_(scope.tiers()))
        .group_by(Escalation.reason)
        .order_by(count.desc(), Escalation.reason)
        .limit(limit)
    )
    return [(reason, int(n)) for reason, n in rows]


def figure_value(figures: Figures, metric: str) -> float | None:
    """Read `metric` off report figures (no queries); None for metrics a report has not."""
    readers = {
        "created": lambda f: f.created,
        "resolved": lambda f: f.resolutions.count,
        "first_response_median": lambda f: f.first_response.median,
        "first_response_p90": lambda f: f.first_response.p90,
        "resolution_median": lambda f: f.resolutions.durations.median,
        "resolution_p90": lambda f: f.resolutions.durations.p90,
        "first_response_sla": lambda f: f.sla.first_response.percent,
        "resolution_sla": lambda f: f.sla.resolution.percent,
        "reopen_rate": lambda f: f.resolutions.reopen_rate,
        "first_contact_resolution": lambda f: f.resolutions.first_contact_rate,
        "csat": lambda f: f.csat.csat_percent,
    }
    return readers[metric](figures) if metric in readers else None


def queues() -> list[Queue]:
    return db.session.scalars(sa.select(Queue).order_by(Queue.tier, Queue.name)).all()


def staff() -> list[User]:
    return db.session.scalars(
        sa.select(User)
        .where(User.role.in_((Role.AGENT, Role.SUPERVISOR, Role.ADMIN)), User.is_active)
        .order_by(User.name)
    ).all()
