"""Where the index lives on disk, and how a rebuilt index replaces the live one atomically.

SEARCH_INDEX_DIR/v<SCHEMA_VERSION>/ holds one or two *generations* (complete Whoosh indexes
in `gen-*` folders) and a one-line file `CURRENT` naming the live one. A rebuild writes a new
generation and then replaces `CURRENT` with `os.replace`, which is atomic: every search opens
either the old or the new generation, never half of one. Searches already running keep
reading the old files, which stay until the next rebuild. Every write (rebuild and outbox
deliveries) goes through `writer()`, Whoosh's segment writer with faster settings.
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from whoosh import index
from whoosh import writing as whoosh_writing
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PostingsWriter
from whoosh.index import FileIndex
from whoosh.util.numeric import byte_to_length

from portal.search.schema import SCHEMA_VERSION, build_schema

CURRENT = "CURRENT"
GENERATION_PREFIX = "gen-"

_open_indexes: dict[str, FileIndex] = {}
_lock = threading.Lock()


def index_root() -> Path:
    """SEARCH_INDEX_DIR/v<version>: the folder of this schema version's generations."""
    return Path(current_app.config["SEARCH_INDEX_DIR"]).resolve() / f"v{SCHEMA_VERSION}"


def _read_current(root: Path) -> Path | None:
    try:
        name = (root / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    path = root / name
    if not name or "/" in name or not path.is_dir():
        return None
    return path


def new_generation() -> tuple[Path, FileIndex]:
    """Create an empty index in a new generation folder (not live until `publish`)."""
    root = index_root()
    root.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = root / f"{GENERATION_PREFIX}{stamp}-{secrets.token_hex(3)}"
    path.mkdir()
    return path, index.create_in(str(path), build_schema())


def _write_pointer(root: Path, path: Path) -> Path:
    temporary = root / f".{CURRENT}.{secrets.token_hex(4)}"
    with open(temporary, "w") as handle:
        handle.write(path.name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return temporary


def _fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(path: Path) -> Path | None:
    """Make generation `path` the live index, atomically; returns the one it replaced."""
    root = path.parent
    previous = _read_current(root)
    os.replace(_write_pointer(root, path), root / CURRENT)
    _fsync_dir(root)
    return previous


def _create_first(root: Path) -> None:
    """Create the first generation, unless another process is quicker (then use theirs)."""
    path, _ix = new_generation()
    temporary = _write_pointer(root, path)
    try:
        if (root / CURRENT).exists() and _read_current(root) is None:
            os.replace(temporary, root / CURRENT)  # the pointer names a missing folder
            return
        os.link(temporary, root / CURRENT)  # fails if it exists: creation is atomic
    except FileExistsError:
        shutil.rmtree(path, ignore_errors=True)
    finally:
        temporary.unlink(missing_ok=True)


def live_path() -> Path:
    """The folder of the live generation, created empty on first use."""
    root = index_root()
    path = _read_current(root)
    if path is None:
        root.mkdir(parents=True, exist_ok=True)
        _create_first(root)
        path = _read_current(root)
        if path is None:
            raise RuntimeError(f"could not create a search index in {root}")
    return path


def open_index() -> FileIndex:
    """The live index. Each `.searcher()`/`.writer()` on it sees its latest commit."""
    path = str(live_path())
    with _lock:
        ix = _open_indexes.get(path)
        if ix is None:
            ix = _open_indexes[path] = index.open_dir(path)
    return ix


# Terms with fewer postings than this keep them in the term table instead of a compressed
# block of the postings file (Whoosh's default: never). Most terms are rare, and a block
# per term (pickled, zlib-compressed, with its own pickled header) was most of a commit.
INLINE_POSTINGS = 16
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
    header): 1.9 million blocks in a 100k rebuild, most of its commit. Segments keep their
    codec (pickled), so this class must stay importable here.
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


def discard_generations(keep: set[Path]) -> None:
    """Delete generation folders other than `keep` (the live one and the one it replaced)."""
    root = index_root()
    for path in root.glob(f"{GENERATION_PREFIX}*"):
        if path not in keep and path.is_dir():
            with _lock:
                _open_indexes.pop(str(path), None)
            shutil.rmtree(path, ignore_errors=True)
