"""Where the index lives on disk, and how a rebuilt index replaces the live one atomically.

SEARCH_INDEX_DIR/v<SCHEMA_VERSION>/ holds one or two *generations* (complete Whoosh indexes
in `gen-*` folders) and a one-line file `CURRENT` naming the live one. A rebuild writes a new
generation and then replaces `CURRENT` with `os.replace`, which is atomic: every search opens
either the old or the new generation, never half of one. Searches already running keep
reading the old files, which stay until the next rebuild. Writes go through
`writing.writer()`.
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
from whoosh.index import FileIndex

from portal.search.schema import SCHEMA_VERSION
from portal.search.whoosh_engine.schema import build_schema

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


def indexed_stamps() -> dict[int, str]:
    """Each indexed case's id and the stamp of the version it was built from (for verify)."""
    with open_index().searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count() == 0:
            return {}
        ids = reader.column_reader("id")
        stamps = reader.column_reader("stamp")
        return {int(ids[docnum]): stamps[docnum].decode() for docnum in reader.all_doc_ids()}


def discard_generations(keep: set[Path]) -> None:
    """Delete generation folders other than `keep` (the live one and the one it replaced)."""
    root = index_root()
    for path in root.glob(f"{GENERATION_PREFIX}*"):
        if path not in keep and path.is_dir():
            with _lock:
                _open_indexes.pop(str(path), None)
            shutil.rmtree(path, ignore_errors=True)
