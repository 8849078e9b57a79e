"""Per-segment caches of column values and field lengths, read once and kept.

A segment's columns never change (deleting a document only marks it), so facets, "newest
first", `created:` checks and ranking read a whole column once per segment instead of a file
access per match, as Whoosh's collectors and scorers did.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

_COLUMN_CACHE_SIZE = 256
_columns: dict[tuple[str, str], tuple] = {}


def _segment_cached(reader, key: str, load) -> tuple:
    """`load()` for a segment, computed once and kept: a segment's columns never change
    (deleting a document only marks it). Tuples of strings and numbers, which Python's
    garbage collector stops tracking, so a full collection does not walk them."""
    segment = reader.segment() if hasattr(reader, "segment") else None
    if segment is None:
        return load()
    cache_key = (segment.segment_id(), key)
    values = _columns.get(cache_key)
    if values is None:
        values = load()
        if len(_columns) >= _COLUMN_CACHE_SIZE:
            _columns.clear()
        _columns[cache_key] = values
    return values


def column_values(reader, fieldname: str) -> tuple:
    """Every document's value in a column of one segment, as a list indexed by doc number.

    Read once per segment and kept: reading them took a file access per match in Whoosh's
    facet collectors. Byte values (IDs) come back as str, each distinct value one object.
    """

    def load() -> tuple:
        if not reader.has_column(fieldname):
            return (None,) * reader.doc_count_all()
        decoded: dict[bytes, str] = {}
        return tuple(
            decoded.setdefault(value, value.decode()) if isinstance(value, bytes) else value
            for value in reader.column_reader(fieldname, translate=False)
        )

    return _segment_cached(reader, fieldname, load)


_LENGTH_OF_BYTE = [byte_to_length(code) for code in range(256)]


def field_lengths(reader, fieldname: str) -> tuple[int, ...]:
    """Every document's length of a scorable field in one segment (for ranking), kept.

    The codec keeps them as a hidden column of one byte per document; Whoosh itself reads
    them one document at a time.
    """

    def load() -> tuple[int, ...]:
        if not hasattr(reader, "_perdoc"):
            return tuple(
                reader.doc_field_length(n, fieldname) for n in range(reader.doc_count_all())
            )
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
        if column is None:
            return (0,) * reader.doc_count_all()
        return tuple(_LENGTH_OF_BYTE[code] for code in column)

    return _segment_cached(reader, f"length:{fieldname}", load)
