"""Reading whole posting lists of one segment, a block at a time.

Whoosh's matchers hand out one posting per call (`id()`, `next()`, `weight()`), several Python
calls each; our matching and ranking need every posting of a term anyway, so the codec's
blocks (up to 128 postings, decoded in one go) are read whole. Inline postings
(store.INLINE_POSTINGS) are lists already. Another codec falls back to the public calls.

Deleted documents are listed too (Whoosh filters them posting by posting): the matcher
takes them out of its matches once per segment (query._match).
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ListMatcher
from whoosh.matching.wrappers import FilterMatcher


def _matcher(reader, fieldname: str, text: bytes | str):
    if (fieldname, text) not in reader:
        return None
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher) and matcher._exclude:  # the deleted documents
        matcher = matcher.child
        matcher.reset()  # the filter may have moved it past deleted ones
    return matcher


def doc_ids(reader, fieldname: str, text: bytes | str) -> Sequence[int]:
    """The document numbers that hold a term, in order (empty if the term is unknown)."""
    matcher = _matcher(reader, fieldname, text)
    if matcher is None:
        return ()
    if isinstance(matcher, ListMatcher):
        return matcher._ids
    if not isinstance(matcher, W3LeafMatcher):
        return list(matcher.all_ids())
    ids: list[int] = []
    while not matcher._atend:
        matcher._read_ids()
        ids.extend(matcher._ids)
        matcher._next_block()
    return ids


def weighted(reader, fieldname: str, text: bytes | str) -> tuple[Sequence[int], Sequence[float]]:
    """Document numbers and weights (term frequencies) of a term."""
    matcher = _matcher(reader, fieldname, text)
    if matcher is None:
        return (), ()
    if isinstance(matcher, ListMatcher):
        ids, weights = matcher._ids, matcher._weights
        return ids, weights if weights is not None else [1.0] * len(ids)
    ids, weights = [], []
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return ids, weights
    while not matcher._atend:
        matcher._read_ids()
        matcher._read_weights()
        ids.extend(matcher._ids)
        weights.extend(matcher._weights)
        matcher._next_block()
    return ids, weights


def positions(reader, fieldname: str, text: bytes | str, wanted: set[int]) -> dict[int, list[int]]:
    """The positions of a term in each of the `wanted` documents that hold it.

    Positions are decoded (one unpickling each) only for wanted documents.
    """
    matcher = _matcher(reader, fieldname, text)
    if matcher is None:
        return {}
    decode = reader.schema[fieldname].format.decode_positions
    found: dict[int, list[int]] = {}
    if isinstance(matcher, ListMatcher):
        for docnum, value in zip(matcher._ids, matcher._values, strict=True):
            if docnum in wanted:
                found[docnum] = decode(value)
        return found
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher.id() in wanted:
                found[matcher.id()] = decode(matcher.value())
            matcher.next()
        return found
    while not matcher._atend:
        matcher._read_ids()
        if not wanted.isdisjoint(matcher._ids):
            matcher._read_values()
            for docnum, value in zip(matcher._ids, matcher._values, strict=True):
                if docnum in wanted:
                    found[docnum] = decode(value)
        matcher._next_block()
    return found
