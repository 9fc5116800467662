"""secondarysort: Hadoop's SecondarySort example — pairs of ints grouped by the first, sorted by the second.

Output per first number: a line of 48 dashes, then ``first\\tsecond`` for each pair in
ascending order of the second number.
"""

from __future__ import annotations

import sys
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, run_spec

SEPARATOR = b"-" * 48


def _java_int(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


class MapClass:
    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        for _offsets, lines in ctx.record_batches():
            keys: list[bytes] = []
            values: list[int] = []
            for line in lines:
                parts = line.split()
                if not parts:
                    continue
                left = int(parts[0])
                right = int(parts[1]) if len(parts) > 1 else 0
                keys.append(b"%d %d" % (left, right))
                values.append(right)
            if keys:
                ctx.emit_batch(keys, values)


def pair_key(**_: Any):
    return lambda k: tuple(int(x) for x in k.split())


def first_key(**_: Any):
    return lambda k: int(k.split()[0])


class FirstPartitioner:
    def __init__(self, **_: Any):
        pass

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        return [abs(_java_int(int(k.split()[0]) * 127)) % r for k in keys]


class Reduce:
    def __init__(self, **_: Any):
        pass

    def run_reduce(self, ctx: Any) -> None:
        for key, values in ctx.groups():
            first = key.split()[0]
            vals = list(values)
            ctx.emit_batch([SEPARATOR] + [first] * len(vals), [None] + vals)


def secondarysort(args: list[str], conf: Any) -> int:
    if len(args) < 2:
        sys.stderr.write("Usage: secondarysort <in> <out>\n")
        return 2
    spec = JobSpec(
        inputs=args[:-1],
        output=args[-1],
        steps=[
            Step(
                mapper=Component(EX + "secondarysort:MapClass"),
                reducer=Component(EX + "secondarysort:Reduce"),
                partitioner=Component(EX + "secondarysort:FirstPartitioner"),
                sort_key=Component(EX + "secondarysort:pair_key"),
                group_key=Component(EX + "secondarysort:first_key"),
            )
        ],
        name="secondary sort",
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1
