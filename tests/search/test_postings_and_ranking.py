"""Our block readers, phrase matcher and BM25F ranking against Whoosh's own answers.

The index is written with the real schema and writer, in two segments, with deleted
documents, and big enough that common words fill several posting blocks (128 each) while
rare ones stay inline.
"""

from __future__ import annotations

import random

import pytest
from whoosh import index, query

from portal.search import analyze
from portal.search.whoosh_engine import postings, ranking
from portal.search.whoosh_engine.matching import phrase_docs
from portal.search.whoosh_engine.schema import build_schema
from portal.search.whoosh_engine.writing import writer as index_writer

WORDS = [
    "printer",
    "invoice",
    "refund",
    "نرم",
    "افزار",
    "چاپگر",
    "فاتوره",
    "الطابعة",
    "password",
    "reset",
]
RARE = ["zebra", "quokka", "فرشته"]


def _document(number: int, rng: random.Random) -> dict:
    body = [rng.choice(WORDS) for _ in range(rng.randint(3, 40))]
    if number % 37 == 0:
        body.append(rng.choice(RARE))
    return {
        "id": str(number),
        "number": f"CS-{number:06d}",
        "subject": " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 5))),
        "body": " ".join(body),
        "status": "open",
    }


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    rng = random.Random(7)
    ix = index.create_in(str(tmp_path_factory.mktemp("postings")), build_schema())
    for first in (1, 401):  # two segments
        writer = index_writer(ix)
        for number in range(first, first + 400):
            writer.add_document(**_document(number, rng))
        writer.commit(merge=False)
    writer = index_writer(ix)
    for number in (2, 3, 250, 402, 777):
        writer.delete_by_term("id", str(number))
    writer.commit(merge=False)
    with ix.searcher() as opened:
        assert len(opened.subsearchers) == 2
        yield opened


def _whoosh_postings(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value_as("positions")))
        matcher.next()
    return found


@pytest.mark.parametrize(
    ("fieldname", "text"), [("body", "printer"), ("body", "zebra"), ("subject", "چاپگر")]
)
def test_block_readers_give_whoosh_postings_plus_the_deleted_documents(searcher, fieldname, text):
    (term,) = analyze(text)
    for part, _offset in searcher.subsearchers:
        reader = part.reader()
        expected = _whoosh_postings(reader, fieldname, term)
        deleted = reader.deleted_docs_set
        ids, weights = postings.weighted(reader, fieldname, term)
        live = [
            (docnum, weight)
            for docnum, weight in zip(ids, weights, strict=True)
            if docnum not in deleted
        ]
        assert live == [(docnum, weight) for docnum, weight, _ in expected]
        assert set(postings.doc_ids(reader, fieldname, term)) - deleted == {e[0] for e in expected}
        wanted = {docnum for docnum, _, _ in expected[::3]}
        assert postings.positions(reader, fieldname, term, wanted) == {
            docnum: tuple(positions) for docnum, _, positions in expected if docnum in wanted
        }
    assert any(
        len(postings.doc_ids(part.reader(), "body", b"printer")) > 128
        for part, _ in searcher.subsearchers
    )
    assert postings.doc_ids(searcher.subsearchers[0][0].reader(), "body", b"nosuchword") == ()


@pytest.mark.parametrize(
    "words", [["printer", "invoic"], ["نرم", "افزار"], ["password", "reset", "printer"]]
)
def test_phrase_matches_what_whoosh_matches(searcher, words):
    phrase = query.Phrase("body", words)
    for part, _offset in searcher.subsearchers:
        reader = part.reader()
        ours = phrase_docs(phrase, reader) - reader.deleted_docs_set
        assert ours == set(phrase.matcher(part).all_ids())
        assert ours  # the vocabulary is small: every phrase occurs


@pytest.mark.parametrize(
    "q",
    [
        query.Or([query.Term("subject", "printer", boost=2.0), query.Term("body", "printer")]),
        query.And([query.Term("body", "invoic"), query.Term("body", "refund")]),
        query.Or(
            [
                query.Term("body", "چاپگر"),
                query.Term("body", "zebra"),
                query.Term("subject", "reset", boost=2.0),
            ]
        ),
    ],
)
def test_ranking_gives_whoosh_bm25f_order(searcher, q):
    parts = [
        (part, offset, set(q.matcher(part).all_ids())) for part, offset in searcher.subsearchers
    ]
    total = sum(len(docs) for _part, _offset, docs in parts)
    expected = [docnum for _score, docnum in searcher.search(q, limit=None).top_n]
    assert len(expected) == total > 20
    assert ranking.top(searcher, q, parts, 20) == expected[:20]
    assert ranking.top(searcher, q, parts, total) == expected


def test_ranking_ignores_words_under_not_and_keeps_index_order_for_ties(searcher):
    q = query.And([query.Term("body", "printer"), query.Not(query.Term("body", "refund"))])
    assert [leaf for leaf, _boost in ranking.scored_leaves(q)] == [query.Term("body", "printer")]
    (first, _), (second, offset) = searcher.subsearchers
    parts = [(first, 0, {4, 0, 3}), (second, offset, {0})]
    nothing = query.Term("body", "nosuchword")
    assert ranking.top(searcher, nothing, parts, 3) == [0, 3, 4]  # no score: index order
    assert ranking.top(searcher, nothing, parts, 9) == [0, 3, 4, offset]
