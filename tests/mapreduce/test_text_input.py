"""LineRecordReader boundary rules: every line read exactly once, whatever the splits."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from pyhdp.mapreduce.input.text import TextChunk, read_chunks


def reference_records(data: bytes, delimiter: bytes | None = None) -> list[tuple[int, bytes]]:
    """(offset, line) of every line, computed the plain way."""
    out = []
    pos = 0
    n = len(data)
    start = 0
    while pos < n:
        if delimiter is not None:
            if data.startswith(delimiter, pos):
                out.append((start, data[start:pos]))
                pos += len(delimiter)
                start = pos
                continue
            pos += 1
            continue
        c = data[pos : pos + 1]
        if c == b"\n" or c == b"\r":
            out.append((start, data[start:pos]))
            pos += 2 if data[pos : pos + 2] == b"\r\n" else 1
            start = pos
        else:
            pos += 1
    if start < n:
        out.append((start, data[start:]))
    if data.startswith(b"\xef\xbb\xbf"):
        out[0] = (0, out[0][1][3:])
    return out


def read_split_records(data: bytes, start: int, length: int, chunk_size: int, delimiter=None):
    recs = []
    for chunk in read_chunks(io.BytesIO(data), start, length, delimiter, chunk_size=chunk_size):
        recs.extend(chunk.records())
    return recs


def all_splits(data: bytes, split_size: int, chunk_size: int, delimiter=None):
    recs = []
    for start in range(0, max(len(data), 1), split_size):
        length = min(split_size, len(data) - start)
        recs.extend(read_split_records(data, start, length, chunk_size, delimiter))
    return recs


line_text = st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"x").replace(b"\r", b"y"))
terminators = st.sampled_from([b"\n", b"\r\n", b"\r"])


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(line_text, terminators), max_size=40),
    last_unterminated=st.booleans(),
    split_size=st.integers(1, 60),
    chunk_size=st.integers(1, 50),
)
def test_every_line_exactly_once(lines, last_unterminated, split_size, chunk_size):
    data = b"".join(t + term for t, term in lines)
    if last_unterminated and lines:
        data += b"tail"
    assert all_splits(data, split_size, chunk_size) == reference_records(data)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(st.binary(max_size=10).map(lambda b: b.replace(b"<", b"")), max_size=30),
    split_size=st.integers(1, 40),
    chunk_size=st.integers(2, 30),
)
def test_custom_delimiter(lines, split_size, chunk_size):
    # a delimiter that cannot overlap itself (as "||" can): its occurrences are the same
    # whichever offset a reader starts scanning from
    data = b"".join(x + b"<>" for x in lines)
    assert all_splits(data, split_size, chunk_size, b"<>") == reference_records(data, b"<>")


def test_split_starting_at_line_start_skips_that_line():
    data = b"aaa\nbbb\nccc\n"
    # split [4, 8) starts exactly at "bbb": that line belongs to the previous split
    assert read_split_records(data, 4, 4, 1024) == [(8, b"ccc")]
    assert read_split_records(data, 0, 4, 1024) == [(0, b"aaa"), (4, b"bbb")]


def test_last_line_read_past_split_end():
    data = b"a\n" + b"x" * 100 + b"\nz\n"
    assert read_split_records(data, 0, 3, 8) == [(0, b"a"), (2, b"x" * 100)]


def test_bom_is_stripped_and_key_stays_zero():
    data = b"\xef\xbb\xbfhello\nworld\n"
    assert read_split_records(data, 0, len(data), 4) == [(0, b"hello"), (9, b"world")]


def test_chunk_counts_and_lines():
    c = TextChunk(b"a\r\nb\rc\n", 10)
    assert c.lines() == [b"a", b"b", b"c"]
    assert c.offsets() == [10, 13, 15]
    assert c.count() == 3
    assert TextChunk(b"x\ny", 0).count() == 2
