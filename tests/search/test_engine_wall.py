"""The wall around the Whoosh engine: only portal/search/whoosh_engine/ imports whoosh, and
the names Whoosh pickled into existing indexes still resolve."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

from whoosh import index

import portal.search
from portal.search import analyze
from portal.search.whoosh_engine import analyzer, writing
from portal.search.whoosh_engine.schema import build_schema

SEARCH = Path(portal.search.__file__).parent
ENGINE = SEARCH / "whoosh_engine"


def _imports_whoosh(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "whoosh" or name.startswith("whoosh.") for name in names):
            return True
    return False


def test_only_the_engine_imports_whoosh():
    outside = [path for path in SEARCH.rglob("*.py") if ENGINE not in path.parents]
    assert len(outside) > 10
    assert [str(path.relative_to(SEARCH)) for path in outside if _imports_whoosh(path)] == []
    # The version check must run even when the installed Whoosh cannot be imported.
    assert not _imports_whoosh(ENGINE / "version_check.py")
    assert _imports_whoosh(ENGINE / "postings.py")  # the scan does find imports


def test_indexes_keep_naming_the_analyzer_and_codec_where_they_used_to_live(tmp_path):
    """Whoosh pickles both by dotted name into each index's table of contents: indexes written
    before the engine moved must open, and indexes written now must open in the release
    before (a rollback, or a rolling deploy sharing the folder)."""
    from portal.search.analysis import CaseworkAnalyzer as OldAnalyzerName
    from portal.search.store import Codec as OldCodecName

    assert OldAnalyzerName is analyzer.CaseworkAnalyzer
    assert OldCodecName is writing.Codec
    assert b"portal.search.analysis" in pickle.dumps(analyzer.CaseworkAnalyzer())
    assert b"portal.search.store" in pickle.dumps(writing.Codec())

    ix = index.create_in(str(tmp_path), build_schema())
    writer = writing.writer(ix)
    writer.add_document(id="1", subject="سازمان‌ها")
    writer.commit()
    (toc,) = tmp_path.glob("*.toc")
    assert b"portal.search.analysis" in toc.read_bytes()
    assert b"portal.search.store" in toc.read_bytes()
    assert b"whoosh_engine" not in toc.read_bytes()
    reopened = index.open_dir(str(tmp_path))
    assert isinstance(reopened.schema["subject"].analyzer, analyzer.CaseworkAnalyzer)
    with reopened.searcher() as searcher:
        (term,) = analyze("سازمان")  # the term the analyzer indexed
        assert searcher.document(subject=term)["id"] == "1"
