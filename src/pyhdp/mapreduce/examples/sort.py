"""sort: Hadoop's Sort example — identity map and reduce, records ordered by key.

``sort [-r <reduces>] [-inFormat <class>] [-outFormat <class>] [-outKey <class>]
[-outValue <class>] [-totalOrder <pcnt> <num samples> <max splits>] <input> <output>``;
SequenceFile in and out by default (randomwriter's output).  Keys order as their Writable
does: bytes for Text/BytesWritable, numbers for Int/LongWritable.
"""

from __future__ import annotations

import sys
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, run_spec
from pyhdp.mapreduce.streaming.job import INPUT_FORMATS, OUTPUT_FORMATS

USAGE = (
    "sort [-r <reduces>] [-inFormat <input format class>] [-outFormat <output format class>] "
    "[-outKey <output key class>] [-outValue <output value class>] "
    "[-totalOrder <pcnt> <num samples> <max splits>] <input> <output>"
)


def sortable(key: Any) -> bytes:
    if isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode("utf-8", "surrogateescape")
    if isinstance(key, bool):
        return b"\x01" if key else b"\x00"
    if isinstance(key, int):
        return ((key + (1 << 63)) & ((1 << 64) - 1)).to_bytes(8, "big")
    return str(key).encode()


class SortMapper:
    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        for keys, values in ctx.record_batches():
            if keys:
                ctx.emit_batch([sortable(k) for k in keys], list(zip(keys, values, strict=True)))


class SortReducer:
    def __init__(self, **_: Any):
        pass

    def run_reduce(self, ctx: Any) -> None:
        for chunk in ctx.sorted_chunks():
            pairs = [v for _k, v in chunk]
            ctx.emit_batch([p[0] for p in pairs], [p[1] for p in pairs])


def _is_sequence_file(path: str, conf: Any) -> bool:
    """True unless the first input file is readable and does not start with ``SEQ``."""
    from pyhdp.mapreduce.input.splits import list_input_files

    try:
        files = list_input_files([path], conf)
    except (OSError, ValueError, Exception):  # noqa: BLE001 - the job reports bad input itself
        return True
    for fs, st in files:
        if st.length == 0:
            continue
        with fs.open(st.path) as f:
            return f.read(3) == b"SEQ"
    return True


def sort(args: list[str], conf: Any) -> int:
    reduces = None
    in_format, out_format = "sequencefile", "sequencefile"
    explicit_in = explicit_out = False
    total_order: tuple[float, int, int] | None = None
    rest: list[str] = []
    i = 0
    try:
        while i < len(args):
            a = args[i]
            if a == "-r":
                reduces = int(args[i + 1])
                i += 2
            elif a == "-inFormat":
                in_format = (
                    INPUT_FORMATS.get(args[i + 1]) or INPUT_FORMATS.get(args[i + 1].rsplit(".", 1)[-1]) or ""
                )
                if not in_format:
                    raise ValueError(args[i + 1])
                explicit_in = True
                i += 2
            elif a == "-outFormat":
                out_format = (
                    OUTPUT_FORMATS.get(args[i + 1])
                    or OUTPUT_FORMATS.get(args[i + 1].rsplit(".", 1)[-1])
                    or ""
                )
                if not out_format:
                    raise ValueError(args[i + 1])
                explicit_out = True
                i += 2
            elif a in ("-outKey", "-outValue"):
                conf.set(
                    "mapreduce.job.output.key.class"
                    if a == "-outKey"
                    else "mapreduce.job.output.value.class",
                    args[i + 1],
                )
                i += 2
            elif a == "-totalOrder":
                total_order = (float(args[i + 1]), int(args[i + 2]), int(args[i + 3]))
                i += 4
            else:
                rest.append(a)
                i += 1
    except (IndexError, ValueError) as e:
        sys.stdout.write(f"ERROR: {e}\n" if isinstance(e, ValueError) else "")
        sys.stdout.write(USAGE + "\n")
        return 255
    if len(rest) != 2:
        sys.stdout.write(f"ERROR: Wrong number of parameters: {len(rest)} instead of 2.\n")
        sys.stdout.write(USAGE + "\n")
        return 255
    mapper, reducer = EX + "sort:SortMapper", EX + "sort:SortReducer"
    if not explicit_in and not _is_sequence_file(rest[0], conf):
        # pyhdp: plain text input (Hadoop's Sort would refuse it) is sorted line by line, in byte order
        in_format, mapper, reducer = "text", EX + "tera:TeraSortMapper", EX + "tera:TeraSortReducer"
        if not explicit_out:
            out_format = "text"
    step_conf: dict[str, str] = {}
    if mapper.endswith("TeraSortMapper") and out_format == "text":
        from pyhdp.mapreduce.examples.tera import LINE_SORT_CONF

        step_conf = dict(LINE_SORT_CONF)
    partitioner = None
    r = reduces if reduces is not None else int(conf.get("mapreduce.job.reduces") or "1")
    if total_order is not None and r > 1 and in_format == "text":
        from pyhdp.mapreduce.examples.tera import sample_line_cuts

        sys.stdout.write("Sampling input to effect total-order sort...\n")
        cuts = sample_line_cuts([rest[0]], conf, r, total_order[1], total_order[2])
        partitioner = Component(EX + "tera:TotalOrderPartitioner", {"cuts": cuts, "prefix": 0})
    spec = JobSpec(
        inputs=[rest[0]],
        output=rest[1],
        steps=[
            Step(
                mapper=Component(mapper),
                reducer=Component(reducer),
                num_reduces=reduces,
                partitioner=partitioner,
                conf=step_conf,
                input_format=in_format,
                output_format=out_format,
            )
        ],
        name="sorter",
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1
