"""wordcount, wordmean, wordmedian, wordstandarddeviation (Hadoop's examples, same output).

Mappers tokenize like Java's ``StringTokenizer`` (space, tab, newline, carriage return, form
feed) over whole chunks of lines with ``bytes.split`` and combine in the mapper
(``Counter.update``, C code); the task counters still report one map output record per
token, as Hadoop's WordCount does (the in-mapper combining is the combiner applied early,
so ``Combine input records`` counts the tokens too).
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, DriverExit, java_double, read_text_output, run_spec

_JAVA_WS = re.compile(rb"[ \t\n\r\f]+")
_NOT_CONT = bytes(b for b in range(256) if not 0x80 <= b < 0xC0)
FLUSH_DISTINCT = 500_000


def tokens(data: bytes) -> list[bytes]:
    """``StringTokenizer`` tokens of a chunk (bytes.split() also splits on \\v, Java does not)."""
    if b"\x0b" in data:
        return [t for t in _JAVA_WS.split(data) if t]
    return data.split()


def _adjust(ctx: Any, tokens_seen: int, emitted: int) -> None:
    extra = tokens_seen - emitted
    if extra:
        ctx.counters.task("MAP_OUTPUT_RECORDS", extra)
        ctx.counters.task("COMBINE_INPUT_RECORDS", extra)


class WordCountMapper:
    """``TokenizerMapper``: (word, 1) per token, combined in the mapper."""

    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        counts: Counter = Counter()
        seen = emitted = token_bytes = 0
        collector = getattr(ctx, "collector", None)
        engine_bytes = 0

        def emit(counts: Counter) -> None:
            nonlocal emitted, engine_bytes
            emitted += len(counts)
            before = getattr(collector, "out_bytes", 0)
            ctx.emit_batch(list(counts), list(counts.values()))
            engine_bytes += getattr(collector, "out_bytes", 0) - before

        for chunk in ctx.text_chunks():
            words = tokens(chunk.data)
            seen += len(words)
            d = chunk.data  # token bytes = all bytes but the delimiters (rare ones looked for with memchr)
            token_bytes += len(d) - d.count(b" ") - d.count(b"\n")
            for rare in (b"\t", b"\r", b"\f"):
                if rare in d:
                    token_bytes -= d.count(rare)
            counts.update(words)
            if len(counts) > FLUSH_DISTINCT:
                emit(counts)
                counts = Counter()
        if counts:
            emit(counts)
        _adjust(ctx, seen, emitted)
        if collector is not None and hasattr(collector, "out_bytes"):
            # Hadoop's Map output bytes: per token a Text (vint length + bytes) and an IntWritable (4)
            ctx.counters.task("MAP_OUTPUT_BYTES", token_bytes + 5 * seen - engine_bytes)


def _chars(words: list[bytes]) -> int:
    joined = b"".join(words)
    return len(joined) - len(joined.translate(None, _NOT_CONT))


class WordMeanMapper:
    """("count", 1) and ("length", len) per word."""

    def __init__(self, squares: bool = False, **_: Any):
        self.squares = squares

    def run_map(self, ctx: Any) -> None:
        count = length = square = 0
        for chunk in ctx.text_chunks():
            words = tokens(chunk.data)
            count += len(words)
            if self.squares:
                # lengths in characters (UTF-8 continuation bytes do not count)
                if chunk.data.isascii():
                    for n, c in Counter(map(len, words)).items():
                        length += n * c
                        square += n * n * c
                else:
                    for w in words:
                        n = len(w.decode("utf-8", "replace"))
                        length += n
                        square += n * n
            else:
                length += _chars(words)
        keys = [b"count", b"length"] + ([b"square"] if self.squares else [])
        values = [count, length] + ([square] if self.squares else [])
        ctx.emit_batch(keys, values)
        per_word = 3 if self.squares else 2
        _adjust(ctx, count * per_word, len(keys))


class WordMedianMapper:
    """(length, 1) per word; keys are the decimal lengths, sorted numerically."""

    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        counts: Counter = Counter()
        seen = 0
        for chunk in ctx.text_chunks():
            words = tokens(chunk.data)
            seen += len(words)
            if chunk.data.isascii():
                counts.update(map(len, words))
            else:
                counts.update(len(w.decode("utf-8", "replace")) for w in words)
        keys = [str(n).encode() for n in counts]
        ctx.emit_batch(keys, list(counts.values()))
        _adjust(ctx, seen, len(keys))


def int_key(**_: Any):
    return int


def _step(mapper: str, args: dict | None = None, sort_key: Component | None = None) -> Step:
    return Step(
        mapper=Component(EX + mapper, args or {}),
        combiner=Component(EX + "common:SumCombiner"),
        reducer=Component(EX + "common:SumReducer"),
        sort_key=sort_key,
    )


def wordcount(args: list[str], conf: Any) -> int:
    if len(args) < 2:
        sys.stderr.write("Usage: wordcount <in> [<in>...] <out>\n")
        return 2
    spec = JobSpec(
        inputs=args[:-1],
        output=args[-1],
        steps=[_step("wordcount:WordCountMapper")],
        name=conf.get("mapreduce.job.name") or "word count",
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1


def _two_args(name: str, args: list[str]) -> None:
    if len(args) != 2:
        sys.stderr.write(f"Usage: {name} <in> <out>\n")
        raise DriverExit(0)


def _sums(conf: Any, out: str) -> dict[str, int]:
    sums: dict[str, int] = {}
    for line in read_text_output(conf, out):
        parts = line.split()
        if len(parts) >= 2:
            sums[parts[0].decode()] = int(parts[1])
    return sums


def wordmean(args: list[str], conf: Any) -> int:
    _two_args("wordmean", args)
    spec = JobSpec(
        inputs=[args[0]],
        output=args[1],
        steps=[_step("wordcount:WordMeanMapper")],
        name=conf.get("mapreduce.job.name") or "word mean",
    )
    result = run_spec(spec, conf)
    if not result.succeeded:
        return 1
    sums = _sums(conf, args[1])
    count, length = sums.get("count", 0), sums.get("length", 0)
    mean = length / count if count else float("nan")
    sys.stdout.write(f"The mean is: {java_double(mean)}\n")
    return 0


def wordstandarddeviation(args: list[str], conf: Any) -> int:
    _two_args("wordstandarddeviation", args)
    spec = JobSpec(
        inputs=[args[0]],
        output=args[1],
        steps=[_step("wordcount:WordMeanMapper", {"squares": True})],
        name=conf.get("mapreduce.job.name") or "word stddev",
    )
    result = run_spec(spec, conf)
    if not result.succeeded:
        return 1
    import math

    sums = _sums(conf, args[1])
    count, length, square = sums.get("count", 0), sums.get("length", 0), sums.get("square", 0)
    if count:
        mean = (length / count) ** 2
        term = square / count
        sd = math.sqrt(term - mean) if term >= mean else float("nan")
    else:
        sd = float("nan")
    sys.stdout.write(f"The standard deviation is: {java_double(sd)}\n")
    return 0


def wordmedian(args: list[str], conf: Any) -> int:
    _two_args("wordmedian", args)
    spec = JobSpec(
        inputs=[args[0]],
        output=args[1],
        steps=[_step("wordcount:WordMedianMapper", sort_key=Component(EX + "wordcount:int_key"))],
        name=conf.get("mapreduce.job.name") or "word median",
    )
    result = run_spec(spec, conf)
    if not result.succeeded:
        return 1
    rows = []
    for line in read_text_output(conf, args[1]):
        parts = line.split()
        if len(parts) >= 2:
            rows.append((int(parts[0]), int(parts[1])))
    rows.sort()
    total = sum(c for _, c in rows)
    import math

    idx1 = math.ceil(total / 2.0)
    idx2 = math.floor(total / 2.0)
    num = 0
    median = 0.0
    for i, (length, c) in enumerate(rows):
        prev = num
        num += c
        if idx2 >= prev and idx1 <= num:
            sys.stdout.write(f"The median is: {length}\n")
            median = float(length)
            break
        if idx2 >= prev and idx1 < num + 1 and i + 1 < len(rows):
            median = (length + rows[i + 1][0]) / 2.0
            sys.stdout.write(f"The median is: {java_double(median)}\n")
            break
    return 0


def multifilewc(args: list[str], conf: Any) -> int:
    """MultiFileWordCount: the same counts as wordcount (Hadoop packs many files per split)."""
    if len(args) < 2:
        sys.stderr.write(" Usage: MultiFileWordCount <input_path> <output_path>\n")
        return 2
    spec = JobSpec(
        inputs=[args[0]],
        output=args[1],
        steps=[_step("wordcount:WordCountMapper")],
        name=conf.get("mapreduce.job.name") or "MultiFileWordCount",
    )
    result = run_spec(spec, conf)
    return 0 if result.succeeded else 1
