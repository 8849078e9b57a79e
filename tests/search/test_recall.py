"""Recall and precision of case search on the labelled set in recall_set.py (issue 12, item 20).

Every case of the set is filed and indexed as the app does it (a rebuild); each query is
searched as a supervisor (who sees every case), through the whole pipeline: query language,
compound expansion against the index, analysis, matching. Both figures are micro-averaged over all
(query, case) pairs and printed; below the bars the test fails and lists what went wrong.
"""

from __future__ import annotations

import pytest

from portal.models import Role
from portal.search import rebuild, search_cases
from tests import factories
from tests.search.recall_set import CASES, QUERIES

MIN_RECALL = 0.97
MIN_PRECISION = 0.9


@pytest.fixture
def filed(db) -> dict[str, str]:
    """Case number -> key, for every case of the set, indexed by a rebuild (as a deployment
    does after a new schema version; one commit instead of one per case)."""
    contact = factories.make_contact(factories.make_account(name="Recall"))
    queue = factories.make_queue(1, name="Recall")
    numbers = {}
    for key, (subject, description) in CASES.items():
        case = factories.make_case(contact, queue=queue, subject=subject, description=description)
        numbers[case.number] = key
    db.session.commit()
    rebuild()
    return numbers


def test_the_set_is_big_enough_and_consistent():
    assert len(QUERIES) >= 80
    assert len({text for text, _expected in QUERIES}) == len(QUERIES), "a query twice"
    for text, expected in QUERIES:
        assert expected <= CASES.keys(), (text, expected - CASES.keys())
    languages = {key.split("-")[0] for key in CASES}
    assert languages == {"fa", "ar", "en"}


def test_recall_and_precision_on_the_labelled_set(filed):
    supervisor = factories.make_user(Role.SUPERVISOR)
    relevant = retrieved = hits = 0
    missed, extra = [], []
    for text, expected in QUERIES:
        result = search_cases(supervisor, text, per_page=100)
        assert result.total == len(result.hits), text  # all on one page
        found = {filed[hit.number] for hit in result.hits}
        relevant += len(expected)
        retrieved += len(found)
        hits += len(found & expected)
        if expected - found:
            missed.append(f"{text}: missed {sorted(expected - found)}")
        if found - expected:
            extra.append(f"{text}: also found {sorted(found - expected)}")
    recall = hits / relevant
    precision = hits / retrieved
    print(
        f"\nsearch recall set: {len(QUERIES)} queries over {len(CASES)} cases, "
        f"recall {recall:.3f} ({hits}/{relevant}), precision {precision:.3f} ({hits}/{retrieved})"
    )
    for line in missed + extra:
        print("  " + line)
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, "\n".join(missed + extra)


HIGHLIGHTS = [
    ("گفت و گو", "fa-chat2", "<mark>گفتگوهای</mark>"),
    ("گفتگو", "fa-chat3", "<mark>گفت و گو</mark>"),
    ("نمایندگان", "fa-rep1", "<mark>نماینده</mark>"),
    ("عملاء", "ar-cl2", "<mark>عميل</mark>"),
    ("حمل‌ونقل", "fa-ship1", "<mark>حمل</mark> و <mark>نقل</mark>"),
    ("APIs", "en-api1", "<mark>API</mark>"),
    ("API", "fa-api", "<mark>API\u200cهای</mark>"),
]


def test_other_spellings_are_highlighted_and_found_by_prefix(filed):
    supervisor = factories.make_user(Role.SUPERVISOR)
    for text, key, marked in HIGHLIGHTS:
        snippets = {filed[hit.number]: hit.snippet for hit in search_cases(supervisor, text).hits}
        assert marked in snippets[key], (text, snippets[key])
    # A prefix of a broken plural also expands its singular's stem.
    found = {filed[hit.number] for hit in search_cases(supervisor, "الفواتير*").hits}
    assert found == {"ar-inv1", "ar-inv2", "ar-inv3", "ar-inv4"}
