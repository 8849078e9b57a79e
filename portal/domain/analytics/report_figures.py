"""The report's figures per bucket: a period cut into days, weeks or months (Jalali ones for
Persian readers), and the figures of every bucket and of their total in a fixed number of queries,
equal to what `period_figures` gives for each bucket's period. Separate because it counts by
quarter hour and sorts rows into buckets instead of asking one figure at a time.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import jdatetime
import sqlalchemy as sa

from portal.domain import voc
from portal.domain.analytics import counting, measures, periods, scopes, series
from portal.extensions import db
from portal.models import Case, Escalation, Feedback

GROUPINGS = ("day", "week", "month")


def _month_end(day: date, jalali: bool) -> date:
    if jalali:
        local = jdatetime.date.fromgregorian(date=day)
        year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
        return jdatetime.date(year, month, 1).togregorian() - timedelta(days=1)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, 1) - timedelta(days=1)


def split(
    when: periods.Period, grouping: str, *, week_starts: int = 0, jalali: bool = False
) -> list[periods.Period]:
    """`when` cut into consecutive days, weeks (starting on weekday `week_starts`, 0 = Monday)
    or calendar months (Jalali ones with `jalali`); the first and last are clipped to it."""
    if grouping not in GROUPINGS:
        raise periods.PeriodError(f"unknown grouping {grouping!r}")
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
        buckets.append(periods.Period(first, last, when.tz))
        first = last + timedelta(days=1)
    return buckets


@dataclass(frozen=True)
class Figures:
    """The report's figures for one period, each as `period_figures` computes it: escalations
    is `total_rates(tier_rates(...)).escalated`."""

    period: periods.Period
    created: int
    first_response: measures.Durations
    resolutions: measures.Resolutions
    sla: measures.SLACompliance
    escalations: int
    csat: voc.Scores


@dataclass
class _Tally:
    counts: Counter = field(default_factory=Counter)
    response_minutes: list[int] = field(default_factory=list)
    resolution_minutes: list[int] = field(default_factory=list)

    def figures(self, when: periods.Period) -> Figures:
        n = self.counts
        return Figures(
            period=when,
            created=n["created"],
            first_response=measures.Durations.of(self.response_minutes),
            resolutions=measures.Resolutions(
                n["resolved"],
                n["reopened"],
                n["first_contact"],
                measures.Durations.of(self.resolution_minutes),
            ),
            sla=measures.SLACompliance(
                measures.Compliance(n["fr_met"], n["fr_missed"]),
                measures.Compliance(n["res_met"], n["res_missed"]),
            ),
            escalations=n["escalations"],
            csat=voc.Scores(**{name: n[name] for name in voc.SCORE_FIELDS}),
        )


def _flag(condition) -> sa.ColumnElement[int]:
    return sa.case((condition, 1), else_=0)


def grouped(
    scope: scopes.Scope, buckets: list[periods.Period], *, now: datetime
) -> tuple[list[Figures], Figures]:
    """Figures for each bucket and for all of them together, equal to what `period_figures`
    gives for each bucket's period, in seven queries whatever the number of buckets or cases.
    `buckets` are consecutive periods in one time zone (as `split` makes them). Counts are
    grouped in SQL by quarter hour, as `series.daily` does, and placed in buckets here; times
    are read per case, as `period_figures.first_responses` does, for the medians."""
    whole = periods.Period(buckets[0].first, buckets[-1].last, buckets[0].tz)
    starts = [bucket.start for bucket in buckets]
    tallies = [_Tally() for _ in buckets]

    def tally_at(moment: datetime) -> _Tally:
        return tallies[bisect_right(starts, moment) - 1]

    def count_by_slice(column, conditions: list, *sums):
        piece = series.quarter_hour(column).label("slice")
        query = sa.select(piece, *sums).where(*conditions).group_by(piece)
        for row in db.session.execute(query):
            yield tally_at(datetime.fromtimestamp(int(row.slice) * series.SLICE_SECONDS, UTC)), row

    sla = counting.sla_conditions(whole, now)
    on_cases = scope.on_cases()
    for tally, row in count_by_slice(
        Case.created_at,
        [counting.in_period(Case.created_at, whole), *on_cases],
        sa.func.count().label("n"),
    ):
        tally.counts["created"] += int(row.n)
    for responded_at, minutes, met in db.session.execute(
        sa.select(Case.first_responded_at, Case.first_response_minutes, _flag(sla["fr_met"])).where(
            counting.in_period(Case.first_responded_at, whole), *on_cases
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
        ).where(counting.resolved_in(whole), *on_cases)
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
        counting.real_escalation(),
        counting.in_period(Escalation.created_at, whole),
        *scope.on_escalations_out(),
        Escalation.from_tier.in_(scope.tiers()),
    ]
    for tally, row in count_by_slice(
        Escalation.created_at, escalations_out, sa.func.count().label("n")
    ):
        tally.counts["escalations"] += int(row.n)
    answers = [
        voc.answered_surveys(),
        counting.in_period(Feedback.created_at, whole),
        *scope.on_feedback(),
    ]
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
