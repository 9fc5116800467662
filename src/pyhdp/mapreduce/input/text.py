"""``LineRecordReader`` in big chunks: TextInputFormat, KeyValueTextInputFormat, NLineInputFormat.

Boundary rules (Hadoop's): a split that does not start at 0 discards its first, possibly
partial, line; lines are read while the position *before* the line is ``<= end``, so the
last line may run past the split end.  Net effect: split ``[s, e)`` owns the lines
whose start offset ``p`` satisfies ``s < p <= e`` (plus the line at 0 for the first
split), and every line is read exactly once.  Terminators are ``\\n``, ``\\r\\n`` and
``\\r`` (or only ``textinputformat.record.delimiter`` when set); none is part of a value.

The reader works on chunks of whole lines (:class:`TextChunk`), so a mapper can process
many lines with C-speed ``bytes`` operations; ``records()`` gives Hadoop's per-line
``(offset, line)`` view on top.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from typing import IO

BOM = b"\xef\xbb\xbf"
CHUNK_SIZE = 4 << 20
_ANY_EOL = re.compile(rb"\r\n|\r|\n")


class TextChunk:
    """Whole lines of one split: ``data`` (terminators included), starting at file ``offset``."""

    __slots__ = ("data", "offset", "delimiter", "bom")

    def __init__(self, data: bytes, offset: int, delimiter: bytes | None = None, bom: bool = False):
        self.data = data
        self.offset = offset
        self.delimiter = delimiter  # None: any of \n, \r\n, \r
        self.bom = bom  # the first line followed a stripped UTF-8 BOM (its key stays 0)

    def _simple_delim(self) -> bytes | None:
        if self.delimiter is not None:
            return self.delimiter
        return None if b"\r" in self.data else b"\n"

    def lines(self) -> list[bytes]:
        """The lines without terminators."""
        data = self.data
        delim = self._simple_delim()
        if delim is not None:
            lines = data.split(delim)
            if data.endswith(delim):
                lines.pop()
            return lines
        lines = _ANY_EOL.split(data)
        if _ANY_EOL.match(data, len(data) - 1) or data.endswith(b"\r\n"):
            lines.pop()
        return lines

    def offsets(self) -> list[int]:
        """The byte offset of each line (the keys of TextInputFormat)."""
        data = self.data
        start = self.offset
        delim = self._simple_delim()
        if delim is not None:
            lines = self.lines()
            dl = len(delim)
            offs = list(itertools.accumulate((len(x) + dl for x in lines), initial=start))[:-1]
        else:
            offs = [start]
            offs.extend(start + m.end() for m in _ANY_EOL.finditer(data))
            if len(offs) > 1 and offs[-1] == start + len(data):
                offs.pop()
        if self.bom and offs:
            offs[0] = 0
        return offs

    def count(self) -> int:
        data = self.data
        delim = self._simple_delim()
        if delim is not None:
            n = data.count(delim)
        else:  # \n, \r and \r\n, counted in C
            n = data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
            delim = b"\r" if data.endswith(b"\r") else b"\n"
        return n if data.endswith(delim) or not data else n + 1

    def records(self) -> Iterator[tuple[int, bytes]]:
        return zip(self.offsets(), self.lines(), strict=False)


def _line_end(buf: bytes, pos: int, delim: bytes | None, eof: bool) -> int:
    """Index just after the terminator of the line containing ``pos`` (-1: need more data)."""
    if delim is not None:
        # the first delimiter that ends after pos (it may start before it)
        i = buf.find(delim, max(pos - len(delim) + 1, 0))
        return -1 if i < 0 else i + len(delim)
    i = buf.find(b"\n", pos)
    j = buf.find(b"\r", pos, i if i >= 0 else len(buf))
    if j < 0:
        return -1 if i < 0 else i + 1
    # a \r before any \n: \r\n or a lone \r
    if j + 1 < len(buf):
        return j + 2 if buf[j + 1] == 0x0A else j + 1
    return j + 1 if eof else -1


def _last_line_end(buf: bytes, delim: bytes | None, eof: bool) -> int:
    """Index after the last complete terminator in ``buf`` (0 if none complete)."""
    if delim is not None:
        i = buf.rfind(delim)
        return 0 if i < 0 else i + len(delim)
    i = buf.rfind(b"\n")
    j = buf.rfind(b"\r")
    if j > i:
        if j + 1 < len(buf) or eof:
            return j + 1
        # trailing \r may be the first half of \r\n: back off to the previous terminator
        return _last_line_end(buf[:j], delim, True) if j > 0 else 0
    return i + 1 if i >= 0 else 0


def read_chunks(
    stream: IO[bytes],
    start: int,
    length: int,
    delimiter: bytes | None = None,
    chunk_size: int = CHUNK_SIZE,
    whole: bool = False,
) -> Iterator[TextChunk]:
    """Chunks of the lines owned by split ``[start, start+length)`` of ``stream``.

    ``whole`` reads the stream to its end from ``start`` (compressed input).  The stream
    must be positioned by the caller when it cannot seek.
    """
    end = (1 << 62) if whole else start + length
    split_start = start
    if start and not whole and delimiter is not None and len(delimiter) > 1:
        # a delimiter may straddle the split start: look for the first one ending after it
        start = max(start - len(delimiter) + 1, 0)
    if start and not whole:
        stream.seek(start)
    pos = start  # file offset of buf[0]
    buf = b""
    eof = False

    read_pos = start if not whole else 0

    def more() -> bool:
        nonlocal buf, eof, read_pos
        # big reads up to the split end, small ones past it (only to finish the last line)
        want = chunk_size if whole or read_pos < end else 65536
        if not whole and read_pos < end:
            want = min(chunk_size, max(end - read_pos + 1, 65536))
        data = stream.read(want)
        read_pos += len(data)
        if not data:
            eof = True
            return False
        buf = buf + data if buf else data
        return True

    if split_start != 0 and not whole:
        while True:
            e = _line_end(buf, 0, delimiter, eof)
            if e >= 0:
                buf = buf[e:]
                pos += e
                break
            if not more():
                return
    bom = False
    if split_start == 0:
        while len(buf) < 3 and more():
            pass
        if buf.startswith(BOM):
            buf = buf[3:]
            pos += 3
            bom = True
            end = max(end, pos)  # the first line (after the BOM) belongs to split 0
    while pos <= end:
        if not buf and not more():
            return
        limit = end - pos  # lines starting at index <= limit are ours
        if limit < len(buf):
            e = _line_end(buf, limit, delimiter, eof)
            if e < 0:
                if eof:  # the last line has no terminator; it is ours
                    yield _chunk(buf, pos, delimiter, bom)
                    return
                # emit what is complete so far, then read on for the rest of the line
                cut = _last_line_end(buf, delimiter, eof)
                if cut:
                    yield _chunk(buf[:cut], pos, delimiter, bom)
                    bom = False
                    buf = buf[cut:]
                    pos += cut
                more()
                continue
            yield _chunk(buf[:e], pos, delimiter, bom)
            return
        cut = _last_line_end(buf, delimiter, eof)
        if cut:
            yield _chunk(buf[:cut], pos, delimiter, bom)
            bom = False
            buf = buf[cut:]
            pos += cut
        if not more():
            if buf and pos <= end:
                yield _chunk(buf, pos, delimiter, bom)
            return


def _chunk(data: bytes, pos: int, delimiter: bytes | None, bom: bool) -> TextChunk:
    return TextChunk(data, pos, delimiter, bom)


def split_key_value(lines: list[bytes], sep: bytes) -> tuple[list[bytes], list[bytes]]:
    """KeyValueTextInputFormat: split each line at the first ``sep`` (no sep → value empty)."""
    keys: list[bytes] = []
    values: list[bytes] = []
    ka, va = keys.append, values.append
    for line in lines:
        k, _s, v = line.partition(sep)
        ka(k)
        va(v)
    return keys, values
