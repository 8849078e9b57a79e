"""Reports against the KPI module: every bucket's figures equal `kpi.value` for that bucket's
period, filters narrow the way a hand count says, and existing scopes keep their numbers.

The data is hand-built (facts set directly on the cases) in Tehran time (+03:30), so that
local days, weeks and months do not line up with UTC ones.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.domain.analytics import (
    measures,
    metrics,
    period_figures,
    periods,
    report_figures,
    reports,
    scopes,
)
from portal.models import CaseStatus, Channel, Escalation, Feedback, FeedbackKind, Role
from tests import factories

TEHRAN = ZoneInfo("Asia/Tehran")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
# Sunday 1 to Saturday 14 November 2026, Tehran days.
FORTNIGHT = periods.Period(date(2026, 11, 1), date(2026, 11, 14), TEHRAN)
# Figures a report row carries, by their kpi.METRICS names.
ROW_METRICS = (
    "created",
    "resolved",
    "first_response_median",
    "first_response_p90",
    "resolution_median",
    "resolution_p90",
    "first_response_sla",
    "resolution_sla",
    "reopen_rate",
    "first_contact_resolution",
    "csat",
)


def utc(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def desk(db):
    """Two accounts, two queues (tiers 1 and 2), two agents and a dozen cases."""
    front = factories.make_queue(1, name="Front line")
    specialists = factories.make_queue(2, name="Specialists")
    ana = factories.make_user(Role.AGENT, name="Ana")
    ben = factories.make_user(Role.AGENT, name="Ben", max_tier=2)
    acme = factories.make_account(name="Acme")
    globex = factories.make_account(name="Globex")
    acme_contact = factories.make_contact(acme)
    globex_contact = factories.make_contact(globex)

    def case(contact, created, **facts):
        facts.setdefault("queue", front)
        facts.setdefault("assignee", ana)
        facts.setdefault("category", "technical")
        facts.setdefault("channel", Channel.WEB)
        facts.setdefault("status", CaseStatus.OPEN)
        facts.setdefault("first_response_due_at", created + timedelta(hours=8))
        facts.setdefault("resolution_due_at", created + timedelta(days=3))
        queue = facts.pop("queue")
        return factories.make_case(
            contact, queue=queue, created_at=created, tier=queue.tier, opened_tier=queue.tier,
            **facts,
        )  # fmt: skip

    made = {
        # Sat 31 Oct 23:59 Tehran: before the period.
        "early": case(acme_contact, utc(31, 20, 29, month=10), first_responded_at=utc(1, 5),
                      first_response_minutes=30),
        # Sun 1 Nov 00:15 Tehran (still 31 Oct in UTC): the first day.
        "a": case(acme_contact, utc(31, 20, 45, month=10), first_responded_at=utc(1, 6),
                  first_response_minutes=90, status=CaseStatus.RESOLVED, resolved_at=utc(2, 7),
                  resolution_minutes=600, agent_replies=1),
        "b": case(acme_contact, utc(2, 8), channel=Channel.EMAIL, first_responded_at=utc(2, 9),
                  first_response_minutes=60, status=CaseStatus.RESOLVED, resolved_at=utc(5, 10),
                  resolution_minutes=2000, reopen_count=1, agent_replies=3),
        "c": case(globex_contact, utc(3, 9), category="billing", first_responded_at=utc(3, 20),
                  first_response_minutes=660, status=CaseStatus.CLOSED, resolved_at=None,
                  closed_at=utc(4, 9), resolution_minutes=None, agent_replies=1),
        "d": case(globex_contact, utc(4, 10), channel=Channel.PHONE, queue=specialists,
                  assignee=ben, first_responded_at=utc(4, 10, 30), first_response_minutes=30),
        "e": case(acme_contact, utc(6, 22), category="billing"),  # never answered: missed
        "f": case(globex_contact, utc(9, 7), channel=Channel.EMAIL, assignee=ben,
                  first_responded_at=utc(9, 8), first_response_minutes=45,
                  status=CaseStatus.RESOLVED, resolved_at=utc(13, 21), resolution_minutes=3000,
                  agent_replies=2),
        "g": case(acme_contact, utc(10, 11), status=CaseStatus.PENDING,
                  sla_paused_at=utc(10, 12), first_responded_at=utc(10, 12),
                  first_response_minutes=55),
        # Sat 14 Nov 23:50 Tehran: the last day; resolved just after the period.
        "h": case(acme_contact, utc(14, 20, 20), first_responded_at=utc(14, 20, 25),
                  first_response_minutes=5, status=CaseStatus.RESOLVED, resolved_at=utc(14, 20, 31),
                  resolution_minutes=11, agent_replies=1),
        "late": case(globex_contact, utc(14, 20, 31)),  # Sun 15 Nov 00:01 Tehran: after
    }  # fmt: skip
    escalations = [
        Escalation(case_id=made["d"].id, from_tier=1, to_tier=2, from_queue_id=front.id,
                   to_queue_id=specialists.id, reason="Needs a specialist",
                   requested_by_id=ana.id, created_at=utc(4, 11)),
        Escalation(case_id=made["f"].id, from_tier=1, to_tier=2, from_queue_id=front.id,
                   to_queue_id=specialists.id, reason="SLA breach", created_at=utc(12, 3)),
        Escalation(case_id=made["b"].id, from_tier=1, to_tier=2, from_queue_id=front.id,
                   to_queue_id=specialists.id, reason="Needs a specialist",
                   requested_by_id=ana.id, created_at=utc(2, 10)),
        # A tier-3 flag is not an escalation.
        Escalation(case_id=made["c"].id, from_tier=3, to_tier=3, reason="Flag",
                   created_at=utc(5, 10)),
    ]  # fmt: skip
    answers = [
        (made["a"], acme, 5, utc(2, 8)),
        (made["b"], acme, 2, utc(5, 12)),
        (made["c"], globex, 4, utc(4, 21)),  # Thu 5 Nov 00:30 Tehran
        (made["f"], globex, 1, utc(13, 22)),
    ]
    db.session.add_all(escalations)
    for answered, account, score, when in answers:
        db.session.add(
            Feedback(
                kind=FeedbackKind.CSAT, score=score, case_id=answered.id, account_id=account.id,
                agent_id=answered.assignee_id, queue_id=answered.queue_id, tier=answered.tier,
                created_at=when,
            )
        )  # fmt: skip
    db.session.commit()
    return {"front": front, "specialists": specialists, "ana": ana, "ben": ben,
            "acme": acme, "globex": globex, **made}  # fmt: skip


def assert_matches_kpi(scope: scopes.Scope, figures: report_figures.Figures) -> None:
    when = figures.period
    for metric in ROW_METRICS:
        expected = metrics.value(metric, scope, when, now=NOW)
        assert report_figures.figure_value(figures, metric) == expected, (
            metric,
            when.first,
            when.last,
        )
    escalated = measures.total_rates(period_figures.tier_rates(scope, when)).escalated
    assert figures.escalations == escalated, ("escalations", when.first, when.last)
    assert figures.csat == period_figures.csat(scope, when)


FILTERS = [
    scopes.Filters(),
    scopes.Filters(account_id="acme"),
    scopes.Filters(category="billing"),
    scopes.Filters(channel="email"),
    scopes.Filters(queue_id="front", agent_id="ana"),
    scopes.Filters(tier=1, account_id="globex"),
]


def resolved_filters(filters: scopes.Filters, desk) -> scopes.Filters:
    """Swap the names used in FILTERS for the ids of the desk."""
    values = {}
    for name in ("queue_id", "agent_id", "account_id"):
        value = getattr(filters, name)
        values[name] = desk[value].id if isinstance(value, str) else value
    return scopes.Filters(
        tier=filters.tier, category=filters.category, channel=filters.channel, **values
    )


@pytest.mark.parametrize("grouping", report_figures.GROUPINGS)
@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: repr(f)[8:40])
def test_every_bucket_equals_kpi_value(desk, grouping, filters):
    scope = scopes.Scope(filters=resolved_filters(filters, desk))
    buckets = report_figures.split(FORTNIGHT, grouping)
    rows, total = report_figures.grouped(scope, buckets, now=NOW)
    assert [row.period for row in rows] == buckets
    for row in rows:
        assert_matches_kpi(scope, row)
    assert total.period.start == FORTNIGHT.start and total.period.end == FORTNIGHT.end
    assert_matches_kpi(scope, total)


def test_buckets_follow_the_readers_days(desk):
    rows, total = report_figures.grouped(
        scopes.Scope(), report_figures.split(FORTNIGHT, "day"), now=NOW
    )
    created = {row.period.first.day: row.created for row in rows if row.created}
    # a (UTC 31 Oct) is Tehran's 1 Nov; h is Tehran's 14th; `early` and `late` are outside.
    assert created == {1: 1, 2: 1, 3: 1, 4: 1, 7: 1, 9: 1, 10: 1, 14: 1}
    assert total.created == 8
    assert total.resolutions.count == 4  # a, b, c (closed), f; h was resolved on the 15th
    assert total.escalations == 3  # the flag does not count
    assert (total.csat.csat_count, total.csat.csat_satisfied) == (4, 2)


def test_weeks_and_months_are_cut_at_the_period(desk):
    weeks = report_figures.split(FORTNIGHT, "week")
    assert [(w.first.day, w.last.day) for w in weeks] == [(1, 1), (2, 8), (9, 14)]
    saturday_weeks = report_figures.split(FORTNIGHT, "week", week_starts=reports.SATURDAY)
    assert [(w.first.day, w.last.day) for w in saturday_weeks] == [(1, 6), (7, 13), (14, 14)]
    # Aban 1405 ends on Gregorian 21 November.
    autumn = periods.Period(date(2026, 10, 15), date(2026, 12, 10), TEHRAN)
    jalali = report_figures.split(autumn, "month", jalali=True)
    assert [(m.first, m.last) for m in jalali] == [
        (date(2026, 10, 15), date(2026, 10, 22)),
        (date(2026, 10, 23), date(2026, 11, 21)),
        (date(2026, 11, 22), date(2026, 12, 10)),
    ]
    assert len(report_figures.split(autumn, "month")) == 3


def test_filters_narrow_by_account_category_and_channel(desk):
    def totals(**filters):
        scope = scopes.Scope(filters=scopes.Filters(**filters))
        return report_figures.grouped(scope, [FORTNIGHT], now=NOW)[1]

    acme = totals(account_id=desk["acme"].id)
    assert (acme.created, acme.resolutions.count) == (5, 2)  # a b e g h; a b
    assert (acme.csat.csat_count, acme.csat.csat_satisfied) == (2, 1)
    assert acme.escalations == 1  # b's
    billing = totals(category="billing")
    assert (billing.created, billing.resolutions.count, billing.csat.csat_count) == (2, 1, 1)
    email = totals(channel="email")
    assert (email.created, email.escalations, email.csat.csat_count) == (2, 2, 2)
    nobody = totals(account_id=desk["acme"].id, channel="phone")
    assert (nobody.created, nobody.resolutions.count, nobody.csat.csat_count) == (0, 0, 0)


@pytest.mark.parametrize("kind", ["queue", "tier", "agent"])
def test_a_filter_means_what_the_same_scope_means(desk, kind):
    ids = {"queue": desk["front"].id, "tier": 1, "agent": desk["ana"].id}
    names = {"queue": "queue_id", "tier": "tier", "agent": "agent_id"}
    scope = scopes.Scope(kind, ids[kind])
    filtered = scopes.Scope(filters=scopes.Filters(**{names[kind]: ids[kind]}))
    for metric in metrics.METRICS:
        assert metrics.value(metric, filtered, FORTNIGHT, now=NOW) == metrics.value(
            metric, scope, FORTNIGHT, now=NOW
        ), metric


def test_escalation_reasons_count_escalations_only(desk):
    reasons = period_figures.escalation_reasons(scopes.Scope(), FORTNIGHT)
    assert reasons == [("Needs a specialist", 2), ("SLA breach", 1)]
