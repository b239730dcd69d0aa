"""Numeric per-document columns read from Whoosh as numpy arrays.

Every passage has a ``pid`` (its key in the phrase index), a ``kindnum``
(passage kind) and an ``arthash`` (its article); search maps phrase matches
and article-level fields to Whoosh document numbers through these.
"""

from __future__ import annotations

import hashlib

import numpy as np

NO_PID = np.uint64(2**64 - 1)  # the column default of documents without a pid


def column_array(reader, fieldname: str, dtype, missing) -> np.ndarray:
    """Return a numeric column of a Whoosh reader as an array, ``missing`` for deleted docs.

    Reads each segment's column bytes in one go instead of one value at a time.
    """
    out = np.full(reader.doc_count_all(), missing, dtype=dtype)
    for leaf, offset in reader.leaf_readers():
        n = leaf.doc_count_all()
        if not n:
            continue
        column = leaf.column_reader(fieldname, translate=False)
        try:  # NumericColumn.Reader: big-endian fixed-size values, then defaults
            raw = column._dbfile.get(column._basepos, column._count * column._fixedlen)
            values = np.frombuffer(raw, dtype=">" + column._typecode)
            out[offset:offset + len(values)] = values
            out[offset + len(values):offset + n] = column._default
        except AttributeError:  # another column type: read value by value
            out[offset:offset + n] = np.fromiter(iter(column), dtype=dtype, count=n)
        if leaf.has_deletions():
            out[offset + np.fromiter(leaf.deleted_docs_set, dtype=np.int64)] = missing
    return out


def live_pids(reader) -> np.ndarray:
    """Return the pid of every live document of a Whoosh reader (``NO_PID`` where none)."""
    return column_array(reader, "pid", np.uint64, NO_PID)


def article_key(article_id: str) -> int:
    """Return the 64-bit number that stands for an article in the ``arthash`` column."""
    return int.from_bytes(hashlib.blake2b(article_id.encode("utf-8"), digest_size=8).digest(), "little")
