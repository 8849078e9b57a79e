"""Deflection (issue 12, item 19): while a customer types the subject of a new case, resolved
cases that may answer it are offered, in Persian and Arabic as well as in English, however
many of the customer's open cases share the words."""

from __future__ import annotations

import pytest

from portal.domain.cases import deflection
from portal.models import CaseStatus, Role
from tests import factories

OPEN_CASES = 25  # more than a page of the search the suggestions used to filter


@pytest.mark.parametrize(
    "typed, answer",
    [
        # The same words in another form: an acronym's plural, -ing.
        ("VPNs keep disconnecting", "VPN disconnects every hour"),
        # A compound typed spaced, written with a ZWNJ in the answer; a detached `می`.
        ("نمی توانم وارد نرم افزار حسابداری شوم", "خطای ورود به نرم‌افزار"),
        # An Arabic broken plural with an article, the singular in the answer.
        ("الفواتير متأخرة", "فاتورة مارس لم تصل بعد"),
    ],
    ids=["en", "fa", "ar"],
)
def test_resolved_cases_are_suggested_past_many_open_ones(
    client, login_as, db, index_now, typed, answer
):
    me = factories.make_user(Role.CUSTOMER)
    queue = factories.make_queue(1)
    for _ in range(OPEN_CASES):
        factories.make_case(me.contact, queue=queue, subject=typed, status=CaseStatus.OPEN)
    resolved = factories.make_case(
        me.contact, queue=queue, subject=answer, status=CaseStatus.RESOLVED
    )
    closed = factories.make_case(
        me.contact, queue=queue, subject=f"{answer} ({typed})", status=CaseStatus.CLOSED
    )
    stranger = factories.make_user(Role.CUSTOMER)
    factories.make_case(stranger.contact, queue=queue, subject=answer, status=CaseStatus.RESOLVED)
    index_now()
    login_as(me)
    data = client.get("/my/cases/suggest", query_string={"q": typed}).get_json()
    assert [s["number"] for s in data["suggestions"]] == [closed.number, resolved.number]
    assert data["suggestions"][1]["subject"] == answer


def test_suggestions_fill_up_to_five_in_order_of_relevance(db, index_now):
    me = factories.make_user(Role.CUSTOMER)
    queue = factories.make_queue(1)
    for _ in range(OPEN_CASES):
        factories.make_case(me.contact, queue=queue, subject="چاپگر فاکتور را چاپ نمی‌کند")
    solved = [
        factories.make_case(
            me.contact, queue=queue, subject=f"چاپگر طبقه {floor}", status=CaseStatus.RESOLVED
        )
        for floor in range(7)
    ]
    best = factories.make_case(
        me.contact,
        queue=queue,
        subject="چاپگر فاکتورها را چاپ نمی کند",
        status=CaseStatus.CLOSED,
    )
    index_now()
    numbers = [hit.number for hit in deflection.suggest(me, "چاپگر فاکتور چاپ نمی‌کند")]
    assert len(numbers) == deflection.MAX_SUGGESTIONS
    assert numbers[0] == best.number
    assert set(numbers[1:]) <= {case.number for case in solved}


def test_typed_syntax_is_just_words(db, index_now):
    me = factories.make_user(Role.CUSTOMER)
    solved = factories.make_case(
        me.contact, subject="Status page shows OR error", status=CaseStatus.RESOLVED
    )
    index_now()
    for typed in ["status:open", "(error", 'OR "error', "NOT error", "-error", "*", ":"]:
        numbers = [hit.number for hit in deflection.suggest(me, typed)]
        assert numbers in ([solved.number], []), typed
    assert [hit.number for hit in deflection.suggest(me, "status:open")] == [solved.number]
    assert deflection.suggest(me, "   ") == []
