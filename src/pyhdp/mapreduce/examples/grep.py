"""grep: Hadoop's Grep — ``grep-search`` counts regex matches, ``grep-sort`` orders by count.

Output (one file): ``count\\tmatch`` lines, largest count first.  Matches are found per
line (Java's ``Matcher.find`` loop of RegexMapper); ``group`` picks a capture group.
"""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, delete, generic_usage, run_spec


def _java_regex(pattern: str) -> str:
    """The few Java-only spellings Python's ``re`` lacks (possessive quantifiers, \\p{Alpha}...)."""
    table = {
        r"\p{Alpha}": "[A-Za-z]",
        r"\p{Digit}": "[0-9]",
        r"\p{Alnum}": "[A-Za-z0-9]",
        r"\p{Upper}": "[A-Z]",
        r"\p{Lower}": "[a-z]",
        r"\p{Punct}": r"[!-/:-@\[-`{-~]",
        r"\p{Space}": r"[ \t\n\x0b\f\r]",
    }
    for k, v in table.items():
        pattern = pattern.replace(k, v)
    return pattern


class RegexMapper:
    def __init__(self, pattern: str, group: int = 0, **_: Any):
        self.regex = re.compile(_java_regex(pattern).encode("utf-8"))
        self.group = group

    def run_map(self, ctx: Any) -> None:
        counts: Counter = Counter()
        regex, group = self.regex, self.group
        for chunk in ctx.text_chunks():
            if not regex.search(chunk.data):
                continue
            for line in chunk.lines():
                for m in regex.finditer(line):
                    counts[m.group(group)] += 1
        if counts:
            ctx.emit_batch(list(counts), list(counts.values()))


class InverseMapper:
    """(match, count) → (count, match); keys are decimal counts."""

    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        for keys, values in ctx.record_batches():
            ctx.emit_batch([str(v).encode() for v in values], list(keys))


def decreasing_long(**_: Any):
    """``LongWritable.DecreasingComparator`` as a sort key."""
    return lambda k: -int(k)


def grep(args: list[str], conf: Any) -> int:
    if len(args) < 3:
        sys.stdout.write("Grep <inDir> <outDir> <regex> [<group>]\n")
        generic_usage(sys.stdout)
        return 2
    temp = f"grep-temp-{random.randrange(1 << 31)}"
    group = int(args[3]) if len(args) >= 4 else 0
    conf.set("mapreduce.mapper.regex", args[2])
    if len(args) >= 4:
        conf.set("mapreduce.mapper.regexmapper..group", args[3])
    try:
        search = JobSpec(
            inputs=[args[0]],
            output=temp,
            steps=[
                Step(
                    mapper=Component(EX + "grep:RegexMapper", {"pattern": args[2], "group": group}),
                    combiner=Component(EX + "common:SumCombiner"),
                    reducer=Component(EX + "common:SumReducer"),
                    output_format="sequencefile",
                )
            ],
            name="grep-search",
        )
        result = run_spec(search, conf)
        if not result.succeeded:
            return 1
        sort = JobSpec(
            inputs=[temp],
            output=args[1],
            steps=[
                Step(
                    mapper=Component(EX + "grep:InverseMapper"),
                    num_reduces=1,
                    input_format="sequencefile",
                    sort_key=Component(EX + "grep:decreasing_long"),
                )
            ],
            name="grep-sort",
        )
        result = run_spec(sort, conf)
        return 0 if result.succeeded else 1
    finally:
        delete(conf, temp)
