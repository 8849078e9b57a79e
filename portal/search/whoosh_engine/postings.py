"""Reading whole posting lists of one segment, a block at a time.

Whoosh's matchers hand out one posting per call (`id()`, `next()`, `weight()`), several Python
calls each; our matching and ranking need every posting of a term anyway, so the codec's
blocks (up to 128 postings, unpickled in one go) are read whole and their delta-coded ids
summed in C. Inline postings (writing.INLINE_POSTINGS) are lists already. Another codec falls
back to the public calls.

Deleted documents are listed too (Whoosh filters them posting by posting): the matcher
takes them out of its matches once per segment (matching.match).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate, repeat

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


def _blocks(matcher: W3LeafMatcher) -> Iterator[tuple]:
    """Each block's (ids, weights, values) as stored: ids delta-coded unless byte ids,
    weights None (all 1.0), one float (all alike) or an array."""
    while not matcher._atend:
        matcher._read_data()
        yield matcher._data
        matcher._next_block()


def _ids(matcher: W3LeafMatcher, data: tuple) -> Sequence[int]:
    return data[0] if matcher._byteids else list(accumulate(data[0]))


def _weights(data: tuple, count: int) -> Sequence[float]:
    weights = data[1]
    if weights is None:
        return repeat(1.0, count)
    if isinstance(weights, float):
        return repeat(weights, count)
    return weights


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
    for data in _blocks(matcher):
        ids.extend(_ids(matcher, data))
    return ids


def weighted(reader, fieldname: str, text: bytes | str) -> tuple[Sequence[int], Sequence[float]]:
    """Document numbers and weights (term frequencies) of a term."""
    matcher = _matcher(reader, fieldname, text)
    if matcher is None:
        return (), ()
    if isinstance(matcher, ListMatcher):
        ids, weights = matcher._ids, matcher._weights
        return ids, weights if weights is not None else [1.0] * len(ids)
    ids, weights = [], array("f")
    if not isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        return ids, weights
    for data in _blocks(matcher):
        block = _ids(matcher, data)
        ids.extend(block)
        weights.extend(_weights(data, len(block)))
    return ids, weights


_DECODED_LIMIT = 100_000
_decoded: dict[bytes, tuple[int, ...]] = {}


def _position_decoder(format_):
    """The format's decoding of a posting value, remembered by the value's bytes.

    A value is the pickled list of a word's positions in a field: documents share them so
    often (`[3]`, `[0, 7]`) that most are decoded once per process instead of per posting.
    Kept as tuples, which the garbage collector stops tracking.
    """
    decode = format_.decode_positions

    def decoded(value: bytes) -> tuple[int, ...]:
        positions = _decoded.get(value)
        if positions is None:
            if len(_decoded) >= _DECODED_LIMIT:
                _decoded.clear()
            positions = _decoded[value] = tuple(decode(value))
        return positions

    return decoded


def positions(
    reader, fieldname: str, text: bytes | str, wanted: set[int]
) -> dict[int, tuple[int, ...]]:
    """The positions of a term in each of the `wanted` documents that hold it.

    Positions are decoded (one unpickling each) only for wanted documents.
    """
    matcher = _matcher(reader, fieldname, text)
    if matcher is None:
        return {}
    decode = _position_decoder(reader.schema[fieldname].format)
    found: dict[int, tuple[int, ...]] = {}
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
    for data in _blocks(matcher):
        ids = _ids(matcher, data)
        if wanted.isdisjoint(ids):
            continue
        matcher._read_values()
        for docnum, value in zip(ids, matcher._values, strict=True):
            if docnum in wanted:
                found[docnum] = decode(value)
    return found
