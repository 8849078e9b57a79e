"""Writing a whole new segment from memory: each part of a parallel rebuild.

Whoosh's segment writer sends every posting through a pool that pickles it to a temporary
file, sorts and merges the runs, and then reads each posting's field length back from disk:
half of a rebuild. A rebuild part adds its cases in id order to a segment of its own, so
each term's postings arrive in document order and all of them fit in memory (about 100 per
case). `BulkSegmentWriter` keeps them in a dict, sorts only the terms, and hands the same
postings to the same codec writer: the segment files are the ones Whoosh would write
(tests/search/test_bulk.py compares them). Text fields are analysed once into positions
(analysis.term_positions) instead of through Whoosh's token objects.

Only for a rebuild's parts: live updates go through writing.writer().
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from whoosh import index
from whoosh.formats import Positions
from whoosh.writing import UnknownFieldError

from portal.search.analysis import term_positions
from portal.search.whoosh_engine.analyzer import CaseworkAnalyzer
from portal.search.whoosh_engine.writing import SegmentWriter

_ENCODED_LIMIT = 200_000


class _KnownLengths:
    """Each document's field lengths, for the codec's block and term statistics (which it
    keeps as a byte, as Whoosh's writer does after reading them back from disk)."""

    def __init__(self, lengths: dict[str, dict[int, int]]):
        self._lengths = lengths

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        return self._lengths.get(fieldname, {}).get(docnum, default)


class BulkSegmentWriter(SegmentWriter):
    """A segment writer that keeps postings in memory; documents must come in one go."""

    def __init__(self, ix, **options):
        super().__init__(ix, **options)
        self._postings: dict[tuple[str, bytes], list[tuple[int, float, bytes]]] = {}
        self._lengths: dict[str, dict[int, int]] = {}
        self._encoded: dict[tuple[int, ...], bytes] = {}
        self._fast_fields = frozenset(
            name
            for name, field in self.schema.items()
            if isinstance(field.analyzer if hasattr(field, "analyzer") else None, CaseworkAnalyzer)
            and type(field.format) is Positions
            and field.format.field_boost == 1.0
        )

    def _text_items(self, fieldname: str, value: str) -> Iterator[tuple[bytes, int, float, bytes]]:
        """What `field.index(value)` gives for our text fields, without token objects."""
        encode = self.schema[fieldname].format.encode
        encoded = self._encoded
        for term, positions in term_positions(value).items():
            key = tuple(positions)
            vbytes = encoded.get(key)
            if vbytes is None:
                if len(encoded) >= _ENCODED_LIMIT:
                    encoded.clear()
                vbytes = encoded[key] = encode(positions)
            yield term.encode(), len(positions), float(len(positions)), vbytes

    def add_document(self, **fields) -> None:
        """As Whoosh's (same per-document files), minus boosts and `_stored_` values."""
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        perdoc = self.perdocwriter
        postings = self._postings
        for name in fields:
            if name not in schema:
                raise UnknownFieldError(f"No field named {name!r} in {schema}")
        perdoc.start_doc(docnum)
        for fieldname in sorted(fields):
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                if fieldname in self._fast_fields and isinstance(value, str):
                    items = self._text_items(fieldname, value)
                else:
                    items = field.index(value)
                for tbytes, frequency, weight, vbytes in items:
                    if field.scorable:
                        length += frequency
                    key = (fieldname, tbytes)
                    listed = postings.get(key)
                    if listed is None:
                        postings[key] = [(docnum, weight, vbytes)]
                    else:
                        listed.append((docnum, weight, vbytes))
                if length:
                    self._lengths.setdefault(fieldname, {})[docnum] = length
            perdoc.add_field(fieldname, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(fieldname, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self._added = True
        self.docnum += 1

    def _sorted_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        postings = self._postings
        for key in sorted(postings):
            fieldname, tbytes = key
            for docnum, weight, vbytes in postings[key]:
                yield fieldname, tbytes, docnum, weight, vbytes

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        self.fieldwriter.add_postings(
            self.schema, _KnownLengths(self._lengths), self._sorted_postings()
        )
        self.fieldwriter.close()
        self._postings.clear()


def part_writer(path: Path, **options) -> BulkSegmentWriter:
    """A writer for one part of a parallel rebuild into the (not yet live) index at `path`.

    It takes no lock: the rebuild's own writer holds it and commits the parts.
    """
    return BulkSegmentWriter(index.open_dir(str(path)), compound=False, _lk=False, **options)
