"""randomwriter and randomtextwriter: map-only jobs that write random data.

randomwriter: SequenceFile of random ``BytesWritable`` keys (10–1000 bytes) and values
(0–20000 bytes), ``mapreduce.randomwriter.bytespermap`` (1 GiB) per map,
``mapreduce.randomwriter.totalbytes`` or ``mapreduce.randomwriter.mapsperhost`` (10) maps.
randomtextwriter: keys of 5–10 and values of 20–100 random words (SequenceFile of ``Text``
unless ``-outFormat`` names TextOutputFormat), ``mapreduce.randomtextwriter.*`` likewise.
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import EX, delete, run_spec, write_control_files

_LETTERS = b"abcdefghijklmnopqrstuvwxyz"


def _words(seed: int = 7, n: int = 1000) -> list[bytes]:
    rng = random.Random(seed)
    return [bytes(rng.choice(_LETTERS) for _ in range(rng.randint(3, 12))) for _ in range(n)]


WORDS = _words()


class RandomTextMapper:
    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        for _offsets, lines in ctx.record_batches():
            for line in lines:
                seed, nbytes = (int(x) for x in line.split())
                rng = random.Random(seed)
                written = 0
                keys: list[bytes] = []
                values: list[bytes] = []
                while written < nbytes:
                    k = b" ".join(rng.choices(WORDS, k=rng.randint(5, 10)))
                    v = b" ".join(rng.choices(WORDS, k=rng.randint(20, 100)))
                    keys.append(k)
                    values.append(v)
                    written += len(k) + len(v)
                    if len(keys) >= 4096:
                        ctx.emit_batch(keys, values)
                        keys, values = [], []
                    ctx.counters.incr(
                        "org.apache.hadoop.examples.RandomTextWriter$Counters",
                        "BYTES_WRITTEN",
                        len(k) + len(v),
                    )
                    ctx.counters.incr(
                        "org.apache.hadoop.examples.RandomTextWriter$Counters", "RECORDS_WRITTEN", 1
                    )
                if keys:
                    ctx.emit_batch(keys, values)


class RandomBytesMapper:
    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        for _offsets, lines in ctx.record_batches():
            for line in lines:
                seed, nbytes = (int(x) for x in line.split())
                rng = random.Random(seed)
                written = 0
                keys: list[bytes] = []
                values: list[bytes] = []
                while written < nbytes:
                    k = rng.randbytes(rng.randint(10, 1000))
                    v = rng.randbytes(rng.randint(0, 20000))
                    keys.append(k)
                    values.append(v)
                    written += len(k) + len(v)
                    if len(keys) >= 256:
                        ctx.emit_batch(keys, values)
                        keys, values = [], []
                if keys:
                    ctx.emit_batch(keys, values)


def _size(conf: Any, key: str, default: int) -> int:
    v = conf.get(key)
    if v in (None, ""):
        return default
    try:
        return conf.get_size(key, default)
    except Exception:  # noqa: BLE001
        return int(v)


def _run(args: list[str], conf: Any, prefix: str, mapper: str, name: str, usage: str) -> int:
    out_format = "sequencefile"
    rest: list[str] = []
    i = 0
    while i < len(args):
        if args[i] == "-outFormat" and i + 1 < len(args):
            out_format = "text" if args[i + 1].endswith("TextOutputFormat") else "sequencefile"
            i += 2
            continue
        rest.append(args[i])
        i += 1
    if len(rest) != 1:
        sys.stdout.write(usage + "\n")
        from pyhdp.mapreduce.examples.common import generic_usage

        generic_usage(sys.stdout)
        return 2
    per_map = _size(conf, f"mapreduce.{prefix}.bytespermap", 1 << 30)
    total = _size(conf, f"mapreduce.{prefix}.totalbytes", 0)
    maps = (
        max((total + per_map - 1) // per_map, 1)
        if total
        else int(conf.get(f"mapreduce.{prefix}.mapsperhost") or "10")
    )
    sizes = [per_map] * maps
    if total:
        sizes[-1] = total - per_map * (maps - 1)
    sys.stdout.write(f"Running {maps} maps.\n")
    control = f"{name}-control-{int(time.time() * 1000)}-{random.randrange(1 << 31)}"
    write_control_files(conf, control, (f"{random.randrange(1 << 62)} {n}" for n in sizes))
    conf.set("mapreduce.input.fileinputformat.split.minsize", str(1 << 62))
    start = time.time()
    try:
        spec = JobSpec(
            inputs=[control],
            output=rest[0],
            steps=[Step(mapper=Component(EX + mapper), num_reduces=0, output_format=out_format)],
            name=name.lower(),
        )
        result = run_spec(spec, conf)
    finally:
        delete(conf, control)
    sys.stdout.write(f"The job took {int(time.time() - start)} seconds.\n")
    return 0 if result.succeeded else 1


def randomtextwriter(args: list[str], conf: Any) -> int:
    return _run(
        args,
        conf,
        "randomtextwriter",
        "generators:RandomTextMapper",
        "RandomTextWriter",
        "randomtextwriter [-outFormat <output format class>] <output>",
    )


def randomwriter(args: list[str], conf: Any) -> int:
    return _run(
        args, conf, "randomwriter", "generators:RandomBytesMapper", "RandomWriter", "randomwriter <out-dir>"
    )
