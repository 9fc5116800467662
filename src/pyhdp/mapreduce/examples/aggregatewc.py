"""aggregatewordcount / aggregatewordhist: Hadoop's Aggregate framework examples.

Both run ``ValueAggregatorReducer``/``Combiner`` (shared with Streaming's ``-reducer aggregate``):
aggregatewordcount emits ``LongValueSum:<word>`` per token (output ``word\\tcount``);
aggregatewordhist emits ``ValueHistogram:WORD_HISTOGRAM`` with ``word\\t1`` (output one line
with the number of distinct words, min, median, max, average and standard deviation of
the word counts).
"""

from __future__ import annotations

import sys
from collections import Counter
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, run_spec
from pyhdp.mapreduce.examples.wordcount import tokens

AGG = "pyhdp.mapreduce.streaming.aggregate:"


class WordCountPlugIn:
    def __init__(self, histogram: bool = False, **_: Any):
        self.histogram = histogram

    def run_map(self, ctx: Any) -> None:
        counts: Counter = Counter()
        seen = 0
        for chunk in ctx.text_chunks():
            words = tokens(chunk.data)
            seen += len(words)
            counts.update(words)
        if self.histogram:
            keys = [b"ValueHistogram:WORD_HISTOGRAM"] * len(counts)
            values = [w + b"\t" + str(c).encode() for w, c in counts.items()]
        else:
            keys = [b"LongValueSum:" + w for w in counts]
            values = list(counts.values())
        if keys:
            ctx.emit_batch(keys, values)
        extra = seen - len(keys)
        if extra:
            ctx.counters.task("MAP_OUTPUT_RECORDS", extra)
            ctx.counters.task("COMBINE_INPUT_RECORDS", extra)


def _run(args: list[str], conf: Any, histogram: bool, name: str) -> int:
    if len(args) < 2:
        sys.stdout.write(
            "usage: inputDirs outDir [numOfReducer [textinputformat|seq [specfile [jobName]]]]\n"
        )
        from pyhdp.mapreduce.examples.common import generic_usage

        generic_usage(sys.stdout)
        return 2
    reduces = int(args[2]) if len(args) > 2 else 1
    input_format = "sequencefile" if len(args) > 3 and args[3] != "textinputformat" else "text"
    job_name = args[5] if len(args) > 5 else name
    spec = JobSpec(
        inputs=args[0].split(","),
        output=args[1],
        steps=[
            Step(
                mapper=Component(EX + "aggregatewc:WordCountPlugIn", {"histogram": histogram}),
                combiner=Component(AGG + "ValueAggregatorCombiner"),
                reducer=Component(AGG + "ValueAggregatorReducer"),
                num_reduces=reduces,
                input_format=input_format,
            )
        ],
        name=job_name,
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1


def aggregatewordcount(args: list[str], conf: Any) -> int:
    return _run(args, conf, False, "ValueAggregatorJob: AggregateWordCount")


def aggregatewordhist(args: list[str], conf: Any) -> int:
    return _run(args, conf, True, "ValueAggregatorJob: AggregateWordHistogram")
