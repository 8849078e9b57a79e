"""Writing segments: Whoosh's segment writer and codec with faster settings.

Every write of the index (live updates from the outbox, and the commit of a rebuild's parts)
goes through `writer()`. The files are the ones Whoosh writes and reads; only rare terms'
postings sit inline in the term table, which Whoosh already reads (`Codec`).
"""

from __future__ import annotations

from whoosh import writing as whoosh_writing
from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.index import FileIndex

# Terms with fewer postings than this keep them in the term table instead of a compressed
# block of the postings file (Whoosh's default: never). Most terms are rare, and a block
# per term (pickled, zlib-compressed, with its own pickled header) was most of a commit.
INLINE_POSTINGS = 16


class _Lengths:
    """Field lengths for the postings of a segment being written, as Whoosh reads them.

    Whoosh asks for the length of the field of *every* posting; for a field that keeps no
    lengths (IDs, dates: anything not scorable) its reader answers by
    checking, each time, whether a lengths file exists: one stat() per posting, millions in a
    rebuild. Only scorable fields have lengths, so the others get the default at once.
    """

    def __init__(self, reader, schema):
        self._reader = reader
        self._scorable = frozenset(name for name, field in schema.items() if field.scorable)

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        if fieldname not in self._scorable:
            return default
        return self._reader.doc_field_length(docnum, fieldname, default)

    def close(self) -> None:
        self._reader.close()


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        # Whoosh's inlining calls `set_inline`, which its TermInfo lacks (`set_inlined`):
        # with the default limit the branch never runs, so it was never noticed.
        if self.written() or len(self) >= self._inlinelimit:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        self._terminfo = None
        return terminfo


class Codec(W3Codec):
    """Whoosh's current codec (same files), keeping the postings of rare terms inline.

    A term with fewer than INLINE_POSTINGS postings stores them in its entry of the term
    table, which Whoosh reads as it already can (a ListMatcher); by default Whoosh wrote
    every term's postings as their own block (pickled, zlib-compressed, with a pickled
    header): 1.9 million blocks in a 100k rebuild, most of its commit.

    Segments keep their codec, pickled by its dotted name: see `PICKLED_AS` below.
    """

    def __init__(self):
        super().__init__(inlinelimit=INLINE_POSTINGS)

    def postings_writer(self, dbfile, byteids=False):
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


# Whoosh pickles the codec, by its dotted name, into the table of contents of every index.
# Indexes written before the engine had a package of its own name `portal.search.store.Codec`,
# which still resolves to this class (portal/search/store.py); writing that same name keeps
# the files alike whichever release wrote them, so a rollback or a rolling deploy that shares
# the index folder reads them too.
PICKLED_AS = "portal.search.store"
Codec.__module__ = PICKLED_AS


class SegmentWriter(whoosh_writing.SegmentWriter):
    def __init__(self, ix: FileIndex, *, limitmb: int = 128, **options):
        options.setdefault("codec", Codec())
        super().__init__(ix, limitmb=limitmb, **options)

    def per_document_reader(self):
        return _Lengths(super().per_document_reader(), self.schema)

    def _process_posts(self, items, startdoc, docmap):
        # A merge reads inline postings back through Whoosh's ListMatcher, which gives ""
        # as the value of a field that has none (IDs, dates), where the pool wants bytes.
        for fieldname, text, docnum, weight, value in super()._process_posts(
            items, startdoc, docmap
        ):
            yield fieldname, text, docnum, weight, value or b""

    def finish_part(self):
        """Close this writer's segment and return it, for `commit_parts` in another writer
        (a parallel rebuild: each process writes a part, then one commit lists them all)."""
        return self._finalize_segment()

    def commit_parts(self, segments: list) -> None:
        """Commit, adding the segments of other writers (`finish_part`) to the index."""
        self._check_state()
        final = self._merge_segments(None, None, None)
        if self._added:
            final.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(final + list(segments))
        self._finish()


def writer(ix: FileIndex, **options) -> SegmentWriter:
    """A writer on `ix` (the options of `ix.writer()`) tuned for speed; same index format.

    - Plain segment files: Whoosh's default packs a segment into one compound file, which
      each new searcher maps and then copies whole into memory (its BufferFile wraps the
      mmap in a BytesIO), so every search paid in proportion to the size of the index.
    - No stat() per posting (`_Lengths`), and rare terms' postings inline (`Codec`).
    """
    return SegmentWriter(ix, compound=False, **options)
