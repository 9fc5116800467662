"""join: Hadoop's Join example — an inner, outer or override join of several datasets by key.

``join [-r <reduces>] [-inFormat <input format class>] [-outFormat <output format class>]
[-outKey <output key class>] [-joinOp <inner|outer|override>] [input]* <input> <output>``

Hadoop joins sorted, equally partitioned inputs map-side (CompositeInputFormat); pyhdp
joins in the reduce phase, which needs neither condition and gives the same records:
for each key, the cross product of the sources' values as a ``TupleWritable``
(``[v1,v2,...]``; an outer join leaves absent sources empty; override keeps the value of
the last source holding the key).  SequenceFile in and out by default, as Hadoop's.
"""

from __future__ import annotations

import itertools
import sys
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, generic_usage, run_spec
from pyhdp.mapreduce.examples.sort import sortable
from pyhdp.mapreduce.streaming.job import INPUT_FORMATS, OUTPUT_FORMATS

USAGE = (
    "join [-r <reduces>] [-inFormat <input format class>] [-outFormat <output format class>] "
    "[-outKey <output key class>] [-joinOp <inner|outer|override>] [input]* <input> <output>"
)


def _text(v: Any) -> str:
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


class TagMapper:
    """Tags each record with the index of the input it came from."""

    def __init__(self, inputs: list[str], **_: Any):
        self.inputs = [p.rstrip("/") for p in inputs]

    def _index(self, path: str) -> int:
        best, index = -1, 0
        for i, p in enumerate(self.inputs):
            if (path == p or path.startswith(p + "/")) and len(p) > best:
                best, index = len(p), i
        return index

    def run_map(self, ctx: Any) -> None:
        idx = self._index(ctx.split.path)
        for keys, values in ctx.record_batches():
            if keys:
                ctx.emit_batch(
                    [sortable(k) for k in keys], [(idx, k, v) for k, v in zip(keys, values, strict=True)]
                )


class JoinReducer:
    def __init__(self, sources: int, op: str = "inner", **_: Any):
        self.sources = sources
        self.op = op

    def run_reduce(self, ctx: Any) -> None:
        n = self.sources
        out_k: list[Any] = []
        out_v: list[str] = []
        for _key, tagged in ctx.groups():
            per: list[list[Any]] = [[] for _ in range(n)]
            original = None
            for idx, k, v in tagged:
                per[idx].append(v)
                original = k if original is None else original
            present = [i for i in range(n) if per[i]]
            if self.op == "override":
                last = per[present[-1]]
                rows = [[v] for v in last]
                for row in rows:
                    out_k.append(original)
                    out_v.append(_text(row[0]))
                continue
            if self.op == "inner" and len(present) < n:
                continue
            choices = [p if p else [None] for p in per]
            for combo in itertools.product(*choices):
                out_k.append(original)
                out_v.append("[" + ",".join("" if v is None else _text(v) for v in combo) + "]")
            if len(out_k) >= 4096:
                ctx.emit_batch(out_k, out_v)
                out_k, out_v = [], []
        if out_k:
            ctx.emit_batch(out_k, out_v)


def join(args: list[str], conf: Any) -> int:
    reduces = None
    in_format, out_format, op = "sequencefile", "sequencefile", "inner"
    rest: list[str] = []
    i = 0
    try:
        while i < len(args):
            a = args[i]
            if a == "-r":
                reduces = int(args[i + 1])
            elif a == "-inFormat":
                in_format = INPUT_FORMATS.get(args[i + 1]) or INPUT_FORMATS.get(
                    args[i + 1].rsplit(".", 1)[-1], ""
                )
                if not in_format:
                    raise ValueError(args[i + 1])
            elif a == "-outFormat":
                out_format = OUTPUT_FORMATS.get(args[i + 1]) or OUTPUT_FORMATS.get(
                    args[i + 1].rsplit(".", 1)[-1], ""
                )
                if not out_format:
                    raise ValueError(args[i + 1])
            elif a == "-outKey":
                conf.set("mapreduce.job.output.key.class", args[i + 1])
            elif a == "-joinOp":
                op = args[i + 1]
                if op not in ("inner", "outer", "override"):
                    raise ValueError(op)
            else:
                rest.append(a)
                i += 1
                continue
            i += 2
    except (IndexError, ValueError):
        rest = []
    if len(rest) < 2:
        sys.stdout.write(USAGE + "\n")
        generic_usage(sys.stdout)
        return 2
    from pyhdp.mapreduce.input.splits import resolve

    inputs = rest[:-1]
    qualified = []
    for p in inputs:
        fs, path = resolve(p, conf)
        qualified.append(fs.make_qualified(path))
    spec = JobSpec(
        inputs=inputs,
        output=rest[-1],
        steps=[
            Step(
                mapper=Component(EX + "join:TagMapper", {"inputs": qualified}),
                reducer=Component(EX + "join:JoinReducer", {"sources": len(inputs), "op": op}),
                num_reduces=reduces,
                input_format=in_format,
                output_format=out_format,
            )
        ],
        name="join",
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1
