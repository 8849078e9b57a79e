"""A name kept for the index files: `portal.search.store.Codec`.

Whoosh pickles the codec by its dotted name into every index's table of contents, and
indexes were written when the codec lived here. The storage itself is
whoosh_engine/store.py and the codec whoosh_engine/writing.py, which still pickles it under
this name (`writing.PICKLED_AS`), so old and new indexes read alike.
"""

from __future__ import annotations


def __getattr__(name: str):
    if name == "Codec":
        from portal.search.whoosh_engine.writing import Codec

        return Codec
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
