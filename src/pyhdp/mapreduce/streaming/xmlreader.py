"""``-inputreader "StreamXmlRecord,begin=<tag>,end=</tag>"``: Hadoop's StreamXmlRecordReader.

A record runs from an occurrence of the begin string to the next occurrence of the end
string, both included; a split owns the records that begin inside it (the last one may run
past the split end).  Each record is the key, with an empty value, so the mapper reads
``record\\t\\n`` (Hadoop's TextInputWriter with ``stream.map.input.ignoreKey=false``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

READ = 1 << 20
XML_READERS = {
    "StreamXmlRecord",
    "StreamXmlRecordReader",
    "org.apache.hadoop.streaming.StreamXmlRecordReader",
}


def xml_records(stream: Any, start: int, end: int, begin: bytes, finish: bytes) -> Iterator[bytes]:
    """Records of the split ``[start, end)`` of an open, seekable ``stream``."""
    stream.seek(start)
    buf = b""
    base = start  # file offset of buf[0]
    eof = False

    def more() -> bool:
        nonlocal buf, eof
        if eof:
            return False
        data = stream.read(READ)
        if not data:
            eof = True
            return False
        buf += data
        return True

    cursor = 0
    while True:
        idx = buf.find(begin, cursor)
        while idx < 0:
            keep = max(len(buf) - len(begin) + 1, cursor)
            buf, base, cursor = buf[keep:], base + keep, 0
            if base >= end or not more():
                return
            idx = buf.find(begin, cursor)
        if base + idx >= end:
            return
        stop = buf.find(finish, idx + len(begin))
        while stop < 0:
            if not more():
                return
            stop = buf.find(finish, idx + len(begin))
        yield buf[idx : stop + len(finish)]
        cursor = stop + len(finish)
        if cursor > READ:
            buf, base, cursor = buf[cursor:], base + cursor, 0


def xml_map_input(ctx: Any, sep: bytes) -> Iterator[bytes]:
    """Mapper stdin for the task's split: ``record SEP \\n`` per record, in big chunks."""
    from pyhdp.mapreduce.input.splits import resolve

    conf = ctx.conf
    begin = (conf.get("stream.recordreader.begin") or "").encode("utf-8")
    finish = (conf.get("stream.recordreader.end") or "").encode("utf-8")
    if not begin or not finish:
        raise ValueError("StreamXmlRecordReader needs stream.recordreader.begin and stream.recordreader.end")
    split = ctx.split
    fs, path = resolve(split.path, conf)
    pending: list[bytes] = []
    size = 0
    count = 0
    tail = sep + b"\n"
    with fs.open(path) as stream:
        for rec in xml_records(stream, split.start, split.start + split.length, begin, finish):
            pending.append(rec + tail)
            size += len(rec)
            count += 1
            if size >= READ:
                yield b"".join(pending)
                pending, size = [], 0
    if pending:
        yield b"".join(pending)
    ctx.counters.task("MAP_INPUT_RECORDS", count)
