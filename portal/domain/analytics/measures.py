"""What a KPI figure is once counted: business-minute `Durations` (count, median, 90th
percentile), SLA `Compliance`, per-tier escalation `TierRates` and `Resolutions`, with the
arithmetic on them (percentiles, shares, totals). No queries here, so the single figures, the
dashboard and the per-bucket report figures all build and compare the same values.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass


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


@dataclass(frozen=True)
class SLACompliance:
    first_response: Compliance = Compliance()
    resolution: Compliance = Compliance()

    @property
    def overall(self) -> Compliance:
        return self.first_response + self.resolution


def total_rates(rows: list[TierRates]) -> TierRates:
    """All tiers together: escalations over work taken on."""
    return TierRates(
        None,
        sum(r.taken_on for r in rows),
        sum(r.escalated for r in rows),
        sum(r.returned for r in rows),
    )
