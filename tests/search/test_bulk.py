"""The rebuild's in-memory segment writer writes what Whoosh's own writer writes."""

from __future__ import annotations

import random

import pytest
from whoosh import index

from portal.search.analysis import term_positions
from portal.search.whoosh_engine import bulk
from portal.search.whoosh_engine.analyzer import CaseworkAnalyzer
from portal.search.whoosh_engine.schema import build_schema
from portal.search.whoosh_engine.writing import writer

TEXTS = [
    "The printer in the office is not printing invoices",
    "نرم‌افزار حسابداری روی سیستم‌های جدید نصب نمی شود و فاکتور ها را نشان نمی دهد",
    "نرم افزار نرمافزار سازمان ها می‌خواهند ۱۴۰۳ و ٢٠٢٤ و 2025",
    "الطابعة لا تعمل، والفاتورة رقم ١٢٣ مفقودة من النظام الجديد",
    "كاربر جديد يک مشکل دارد: رمز عبور کار نمی‌کند",
    "مُدیریـــت سازمان‌ها the and of is",
    "",
]


def _document(number: int, rng: random.Random) -> dict:
    def text() -> str:
        return " ".join(rng.choice(TEXTS) for _ in range(rng.randint(0, 4)))

    return {
        "id": str(number),
        "number": f"CS-{number:06d}",
        "subject": text(),
        "body": " ".join(text() for _ in range(40 if number % 25 == 0 else 2)),  # some long
        "internal": text() if number % 3 == 0 else "",
        "people": f"Contact {number % 17}\ncontact{number % 17}@example.com\nAcme",
        "account": "Acme" if number % 2 else "شرکت نمونه",
        "queue": "Billing",
        "category": rng.choice(["billing", "hardware", ""]),
        "status": rng.choice(["open", "pending", "resolved"]),
        "priority": "high",
        "channel": "email",
        "tier": str(1 + number % 3),
        "queue_id": str(number % 4),
        "account_id": str(number % 2),
        "requester_id": str(number % 17),
        "assignee_id": "none" if number % 5 else "7",
        "created": 20260101 + number % 28,
        "updated": 20260201 + number % 28,
        "resolved": None if number % 4 else 20260301,
        "created_at": 1_767_225_600_000_000 + number * 1_000_003,
        "stamp": f"2026-01-01|{number}".encode(),
    }


def _contents(ix) -> dict:
    with ix.searcher() as searcher:
        reader = searcher.reader()
        schema = searcher.schema
        terms = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            info = reader.term_info(fieldname, text)
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
            terms[fieldname, text] = (postings, stats)
        count = reader.doc_count_all()
        scorable = [name for name, field in schema.items() if field.scorable]
        columns = [name for name, field in schema.items() if field.column_type]
        return {
            "terms": terms,
            "stored": [reader.stored_fields(docnum) for docnum in range(count)],
            "lengths": {
                name: [reader.doc_field_length(n, name) for n in range(count)] for name in scorable
            },
            "totals": {name: reader.field_length(name) for name in scorable},
            "columns": {name: list(reader.column_reader(name)) for name in columns},
        }


@pytest.fixture(scope="module")
def documents():
    rng = random.Random(11)
    return [_document(number, rng) for number in range(1, 301)]


def test_bulk_segment_equals_whoosh_segment(tmp_path, documents):
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "bulk").mkdir()
    whoosh_ix = index.create_in(str(tmp_path / "whoosh"), build_schema())
    whoosh_writer = writer(whoosh_ix)
    for document in documents:
        whoosh_writer.add_document(**document)
    whoosh_writer.commit()

    bulk_ix = index.create_in(str(tmp_path / "bulk"), build_schema())
    part = bulk.part_writer(tmp_path / "bulk")
    for document in documents:
        part.add_document(**document)
    segment = part.finish_part()
    writer(bulk_ix).commit_parts([segment])

    expected, written = _contents(whoosh_ix), _contents(bulk_ix)
    assert len(expected["terms"]) > 200
    assert any(len(postings) > 128 for postings, _stats in expected["terms"].values())
    for key in ("stored", "lengths", "totals", "columns"):
        assert written[key] == expected[key], key
    assert written["terms"].keys() == expected["terms"].keys()
    for term, value in expected["terms"].items():
        assert written["terms"][term] == value, term


@pytest.mark.parametrize("text", TEXTS)
def test_term_positions_are_the_analyzers(text):
    expected: dict[str, list[int]] = {}
    for token in CaseworkAnalyzer()(text, positions=True):
        expected.setdefault(token.text, []).append(token.pos)
    assert term_positions(text) == expected


def test_an_unknown_field_is_refused(tmp_path):
    index.create_in(str(tmp_path), build_schema())
    part = bulk.part_writer(tmp_path)
    with pytest.raises(Exception, match="No field named 'colour'"):
        part.add_document(id="1", colour="red")
