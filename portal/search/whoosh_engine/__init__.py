"""The Whoosh engine behind case search: every module that imports `whoosh` lives here.

Our own code on top of Whoosh (block-wise posting readers, set-based matching, BM25F ranking
outside Whoosh's matchers, the in-memory bulk segment writer, the inlining codec) reads
Whoosh's private names: it is only correct for the release it was written against. Two
things hold that wall up:
- `version_check.check_whoosh_version()` refuses to start the app with any Whoosh-Reloaded
  but the one pinned in requirements.txt (`portal.search.init_app` calls it);
- tests/search/test_engine_differential.py compares what this engine matches and in which
  order with Whoosh's own searcher on generated fa/ar/en cases and queries.

The rest of portal/search (rights, the query language, text analysis, results, keeping the
index up to date) talks to the modules here and never imports whoosh itself
(tests/search/test_engine_wall.py checks that).

This file imports nothing: the text analysis takes its English stemmer from `stemmer`
here, and the engine's modules import the analysis, so an import here would be a cycle.
"""
