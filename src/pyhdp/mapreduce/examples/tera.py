"""teragen, terasort, teravalidate on 100-byte records in gensort's ASCII layout.

Record (as ``gensort -a`` and ``../shared/bench-peers/datagen.py tera``): a 10-byte key of
printable characters, two spaces, the row id as 32 upper-case hex digits, two spaces, 52
filler bytes (the row id's last hex digit), ``\\r\\n``.  Records are line-terminated, so
they travel as text lines; TeraInputFormat's key is the first 10 bytes.

* teragen ROWS OUT: ``mapreduce.job.maps`` map-only tasks write row ranges; a row's key
  depends only on its id (a seeded generator per block of 100,000 rows), so the data does
  not depend on the number of maps.
* terasort IN OUT: sample keys, a total-order partitioner over ``mapreduce.job.reduces``
  cut points, records sorted by their bytes (key first).
* teravalidate OUT REPORT: misorder / bad partitioning reports and ``checksum\\t<hex>``
  (the 128-bit sum of every record's CRC32, as Hadoop's Unsigned16).
"""

from __future__ import annotations

import bisect
import random
import sys
import zlib
from operator import itemgetter
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, run_spec, write_control_files

RECORD = 100
KEY = 10
BLOCK = 100_000
_PRINTABLE = bytes(range(0x20, 0x7F))
_KEYMAP = bytes(_PRINTABLE[b % 95] for b in range(256))
_HEX = b"0123456789ABCDEF"


def generate(start: int, count: int, seed: int = 42) -> bytes:
    """Rows ``start .. start+count-1`` (each 100 bytes)."""
    out: list[bytes] = []
    row = start
    end = start + count
    while row < end:
        block = row // BLOCK
        rng = random.Random(seed * 1_000_003 + block)
        keys = rng.randbytes(KEY * BLOCK).translate(_KEYMAP)
        first = row - block * BLOCK
        last = min(end - block * BLOCK, BLOCK)
        parts = []
        for j in range(first, last):
            rid = block * BLOCK + j
            filler = _HEX[rid & 15 : (rid & 15) + 1] * 52
            parts.append(b"%s  %032X  %s\r\n" % (keys[KEY * j : KEY * j + KEY], rid, filler))
        out.append(b"".join(parts))
        row = block * BLOCK + last
    return b"".join(out)


def records_of(data: bytes) -> list[bytes]:
    """The 100-byte records of a chunk of whole lines (each keeps its ``\\r\\n``)."""
    n = len(data) // RECORD
    if len(data) == n * RECORD and data[RECORD - 1 :: RECORD] == b"\n" * n:
        return [data[i : i + RECORD] for i in range(0, len(data), RECORD)]
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line + b"\n" for line in lines]


class TeraGenMapper:
    """Input line ``start count`` → those rows, written as output lines (map-only)."""

    def __init__(self, seed: int = 42, **_: Any):
        self.seed = seed

    def run_map(self, ctx: Any) -> None:
        for _offsets, lines in ctx.record_batches():
            for line in lines:
                parts = line.split()
                if len(parts) != 2:
                    continue
                start, count = int(parts[0]), int(parts[1])
                done = 0
                while done < count:
                    n = min(BLOCK, count - done)
                    data = generate(start + done, n, self.seed)
                    recs = [r[:-1] for r in records_of(data)]
                    ctx.emit_batch(recs, [None] * len(recs))
                    done += n


def teragen(args: list[str], conf: Any) -> int:
    if len(args) != 2:
        sys.stderr.write("teragen <num rows> <output dir>\n")
        sys.stderr.write(
            "If you want to generate data and store them as erasure code striping file, just make sure "
            "that the parent dir of <output dir> has erasure code policy set\n"
        )
        return 2
    rows = _parse_rows(args[0])
    maps = max(int(conf.get("mapreduce.job.maps") or "2"), 1)
    maps = min(maps, max(rows, 1))
    import time

    control = f"TeraGen-control-{int(time.time() * 1000)}-{random.randrange(1 << 31)}"
    per = rows // maps
    ranges = []
    start = 0
    for i in range(maps):
        n = per + (1 if i < rows - per * maps else 0)
        ranges.append(f"{start} {n}")
        start += n
    write_control_files(conf, control, ranges)
    conf.set("mapreduce.input.fileinputformat.split.minsize", str(1 << 62))
    try:
        spec = JobSpec(
            inputs=[control],
            output=args[1],
            steps=[Step(mapper=Component(EX + "tera:TeraGenMapper"), num_reduces=0)],
            name="TeraGen",
        )
        result = run_spec(spec, conf)
    finally:
        from pyhdp.mapreduce.examples.common import delete

        delete(conf, control)
    return 0 if result.succeeded else 1


def _parse_rows(text: str) -> int:
    t = text.strip().lower()
    mult = 1
    for suffix, m in (("t", 1000**4), ("g", 1000**3), ("m", 1000**2), ("k", 1000)):
        if t.endswith(suffix):
            mult, t = m, t[:-1]
            break
    return int(t) * mult


#: the job's text output separator: a record is written as key + "\r" + b"" + "\n"
LINE_SORT_CONF = {"mapreduce.output.textoutputformat.separator": "\r"}


class TeraSortMapper:
    """Records as keys (sorted by their bytes: the 10-byte key first).

    Lines ending in ``\r\n`` (gensort's layout) travel without it and with the value
    ``b""``, so the output (separator ``\r``, see :data:`LINE_SORT_CONF`) writes them back
    byte for byte in the writer's bulk path; other lines travel without ``\n`` and with no
    value.  Either way one C-level split per chunk.
    """

    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        for chunk in ctx.text_chunks():
            data = chunk.data
            n = data.count(b"\n")
            if n and data.endswith(b"\r\n") and data.count(b"\r\n") == n:
                recs = data.split(b"\r\n")
                recs.pop()
                ctx.emit_batch(recs, [b""] * len(recs))
                continue
            recs = data.split(b"\n")
            if recs and recs[-1] == b"":
                recs.pop()
            ctx.emit_batch(recs, [None] * len(recs))


class TeraSortReducer:
    """Writes each record once per occurrence (identity)."""

    def __init__(self, **_: Any):
        pass

    def run_reduce(self, ctx: Any) -> None:
        first, second = itemgetter(0), itemgetter(1)
        for chunk in ctx.sorted_chunks():
            ctx.emit_batch(list(map(first, chunk)), list(map(second, chunk)))


class TotalOrderPartitioner:
    """Reducer ``i`` gets keys in ``[cut[i-1], cut[i])`` (Hadoop's TotalOrderPartitioner);
    ``prefix`` bytes of each key are compared (TeraSort: the 10-byte key), 0 = whole key."""

    def __init__(self, cuts: list[str], prefix: int = KEY, **_: Any):
        self.cuts = [bytes.fromhex(c) for c in cuts]
        self.prefix = prefix

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        cuts = self.cuts
        right = bisect.bisect_right
        if self.prefix:
            n = self.prefix
            return [right(cuts, k[:n]) for k in keys]
        return [right(cuts, k) for k in keys]


def sample_line_cuts(inputs: list[str], conf: Any, reduces: int, samples: int, max_splits: int) -> list[str]:
    """InputSampler for text: lines from the start of up to ``max_splits`` files, cut at quantiles."""
    from pyhdp.mapreduce.input.splits import list_input_files

    files = list_input_files(inputs, conf)[: max(max_splits, 1)]
    per_file = max(samples // max(len(files), 1), 1)
    lines: list[bytes] = []
    for fs, st in files:
        with fs.open(st.path) as f:
            data = f.read(per_file * 200)
        # the same form as TeraSortMapper's keys: each line without its "\r\n" / "\n"
        lines.extend(x[:-1] if x.endswith(b"\r") else x for x in data.split(b"\n")[:-1][:per_file])
    lines.sort()
    if not lines:
        return []
    return [lines[len(lines) * i // reduces].hex() for i in range(1, reduces)]


def _sample_cuts(inputs: list[str], conf: Any, reduces: int, samples: int = 100_000) -> list[str]:
    """Keys read from the start of up to 10 input files, cut at ``reduces`` quantiles."""
    from pyhdp.mapreduce.input.splits import list_input_files

    keys: list[bytes] = []
    files = list_input_files(inputs, conf)
    per_file = max(samples // max(min(len(files), 10), 1), 1)
    for fs, st in files[:10]:
        with fs.open(st.path) as f:
            data = f.read(per_file * RECORD)
        keys.extend(r[:KEY] for r in records_of(data[: len(data) - len(data) % RECORD]))
    keys.sort()
    if not keys:
        return []
    return [keys[len(keys) * i // reduces].hex() for i in range(1, reduces)]


def terasort(args: list[str], conf: Any) -> int:
    if len(args) != 2:
        sys.stderr.write("Usage: terasort [-Dproperty=value] <in> <out>\n")
        sys.stderr.write(
            "If you want to store the output data as erasure code striping file, just make sure that "
            "the parent dir of <out> has erasure code policy set\n"
        )
        return 2
    reduces = int(conf.get("mapreduce.job.reduces") or "1")
    partitioner = None
    if reduces > 1:
        cuts = _sample_cuts([args[0]], conf, reduces)
        partitioner = Component(EX + "tera:TotalOrderPartitioner", {"cuts": cuts})
    spec = JobSpec(
        inputs=[args[0]],
        output=args[1],
        steps=[
            Step(
                mapper=Component(EX + "tera:TeraSortMapper"),
                reducer=Component(EX + "tera:TeraSortReducer"),
                partitioner=partitioner,
                num_reduces=reduces,
                conf=dict(LINE_SORT_CONF),
            )
        ],
        name="TeraSort",
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1


def textify(b: bytes) -> str:
    """``BytesWritable.toString``: hex bytes separated by spaces."""
    return " ".join(f"{x:02x}" for x in b)


class ValidateMapper:
    """Per file: order check, first/last key, sum of record CRC32s."""

    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        name = ctx.split.path.rstrip("/").rsplit("/", 1)[-1]
        last: bytes | None = None
        checksum = 0
        keys: list[bytes] = []
        values: list[bytes] = []
        crc = zlib.crc32
        for chunk in ctx.text_chunks():
            for rec in records_of(chunk.data):
                key = rec[:KEY]
                if last is None:
                    keys.append(f"{name}:begin".encode())
                    values.append(key)
                elif key < last:
                    keys.append(b"error")
                    values.append(f"misorder in {name} between {textify(last)} and {textify(key)}".encode())
                checksum += crc(rec)
                last = key
        if last is not None:
            keys += [f"{name}:end".encode(), b"checksum"]
            values += [last, format(checksum & ((1 << 128) - 1), "x").encode()]
        if keys:
            ctx.emit_batch(keys, values)


class ValidateReducer:
    def __init__(self, **_: Any):
        pass

    def run_reduce(self, ctx: Any) -> None:
        out_k: list[bytes] = []
        out_v: list[bytes] = []
        first = True
        last_key = last_value = b""
        for key, values in ctx.groups():
            if key == b"error":
                for v in values:
                    out_k.append(key)
                    out_v.append(v)
            elif key == b"checksum":
                total = sum(int(v, 16) for v in values) & ((1 << 128) - 1)
                out_k.append(key)
                out_v.append(format(total, "x").encode())
            else:
                value = next(iter(values))
                if first:
                    first = False
                elif value < last_value:
                    out_k.append(b"error")
                    out_v.append(
                        f"bad key partitioning:\n  file {last_key.decode()} key {textify(last_value)}\n"
                        f"  file {key.decode()} key {textify(value)}".encode()
                    )
                last_key, last_value = key, value
        if out_k:
            ctx.emit_batch(out_k, out_v)


def teravalidate(args: list[str], conf: Any) -> int:
    if len(args) != 2:
        sys.stderr.write("teravalidate <out-dir> <report-dir>\n")
        return 1
    conf.set("mapreduce.input.fileinputformat.split.minsize", str(1 << 62))
    spec = JobSpec(
        inputs=[args[0]],
        output=args[1],
        steps=[
            Step(
                mapper=Component(EX + "tera:ValidateMapper"),
                reducer=Component(EX + "tera:ValidateReducer"),
                num_reduces=1,
            )
        ],
        name="TeraValidate",
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1


def checksum_of(data: bytes) -> str:
    """The checksum teravalidate reports for these records (for tests and tools)."""
    return format(sum(zlib.crc32(r) for r in records_of(data)) & ((1 << 128) - 1), "x")
