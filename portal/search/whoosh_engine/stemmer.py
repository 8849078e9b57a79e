"""Porter2 (Snowball English), the stemmer of Latin-script words, as Whoosh ships it.

The one piece of Whoosh the text analysis uses. Index terms of English words are its
output, so an engine that replaces Whoosh must keep this algorithm (or bump SCHEMA_VERSION
and rebuild).
"""

from __future__ import annotations

from whoosh.lang.porter2 import stem as porter_stem

__all__ = ["porter_stem"]
