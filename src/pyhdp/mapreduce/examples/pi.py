"""pi: Hadoop's QuasiMonteCarlo — a 2-D Halton sequence (bases 2 and 3), same points, same answer.

Map ``i`` takes samples ``i*n+1 .. (i+1)*n`` of the sequence (computed with Hadoop's
incremental floating-point updates, so the points are bit-identical) and counts those
inside the inscribed circle; the driver prints ``4 * inside / total`` with 20 decimals,
rounded half-up as Java's ``BigDecimal``.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.examples.common import (
    EX,
    DriverExit,
    delete,
    fs_and_path,
    generic_usage,
    java_double,
    read_text_output,
    run_spec,
    write_control_files,
)

P = (2, 3)
K = (63, 40)


class HaltonSequence:
    """Hadoop's ``HaltonSequence``: starts at H(startindex); ``next_point`` returns H(index+1)."""

    def __init__(self, startindex: int):
        self.index = startindex
        self.x = [0.0, 0.0]
        self.q: list[list[float]] = []
        self.d: list[list[int]] = []
        for i in range(2):
            k = startindex
            qi = [0.0] * K[i]
            di = [0] * K[i]
            x = 0.0
            for j in range(K[i]):
                qi[j] = (1.0 if j == 0 else qi[j - 1]) / P[i]
                di[j] = k % P[i]
                k = (k - di[j]) // P[i]
                x += di[j] * qi[j]
            self.x[i] = x
            self.q.append(qi)
            self.d.append(di)

    def count_inside(self, size: int) -> tuple[int, int]:
        """(numInside, numOutside) of the next ``size`` points."""
        q0, q1 = self.q
        d0, d1 = self.d
        x0, x1 = self.x
        inside = 0
        for _ in range(size):
            # dimension 0, base 2
            j = 0
            while True:
                d0[j] += 1
                x0 += q0[j]
                if d0[j] < 2:
                    break
                d0[j] = 0
                x0 -= 1.0 if j == 0 else q0[j - 1]
                j += 1
                if j >= 63:
                    break
            # dimension 1, base 3
            j = 0
            while True:
                d1[j] += 1
                x1 += q1[j]
                if d1[j] < 3:
                    break
                d1[j] = 0
                x1 -= 1.0 if j == 0 else q1[j - 1]
                j += 1
                if j >= 40:
                    break
            a = x0 - 0.5
            b = x1 - 0.5
            if a * a + b * b <= 0.25:
                inside += 1
        self.x = [x0, x1]
        self.index += size
        return inside, size - inside


class QmcMapper:
    """Input line ``offset size`` → ``(b"true", inside)`` and ``(b"false", outside)``."""

    def __init__(self, **_: Any):
        pass

    def run_map(self, ctx: Any) -> None:
        inside_total = outside_total = 0
        for _offsets, lines in ctx.record_batches():
            for line in lines:
                parts = line.split()
                if len(parts) != 2:
                    continue
                offset, size = int(parts[0]), int(parts[1])
                done = 0
                seq = HaltonSequence(offset)
                while done < size:
                    step = min(100_000, size - done)
                    i, o = seq.count_inside(step)
                    inside_total += i
                    outside_total += o
                    done += step
                    ctx.set_status(f"Generated {done} samples.")
        ctx.emit_batch([b"true", b"false"], [inside_total, outside_total])


def estimate(num_maps: int, num_points: int, inside: int) -> str:
    """``BigDecimal.valueOf(4).setScale(20) * inside / (maps*points)``, HALF_UP, 20 decimals."""
    total = num_maps * num_points
    q, r = divmod(4 * inside * 10**20, total)
    if 2 * r >= total:
        q += 1
    whole, frac = divmod(q, 10**20)
    return f"{whole}.{frac:020d}"


def pi(args: list[str], conf: Any) -> int:
    if len(args) != 2:
        sys.stderr.write("Usage: org.apache.hadoop.examples.QuasiMonteCarlo <nMaps> <nSamples>\n")
        generic_usage()
        return 2
    try:
        n_maps = int(args[0])
        n_samples = int(args[1])
    except ValueError as e:
        sys.stderr.write(
            f'Exception in thread "main" java.lang.NumberFormatException: For input string: '
            f'"{str(e).rsplit(" ", 1)[-1].strip(chr(39))}"\n'
        )
        return 1
    import random

    tmp = f"QuasiMonteCarlo_{int(time.time() * 1000)}_{random.randrange(1 << 31)}"
    sys.stdout.write(f"Number of Maps  = {n_maps}\n")
    sys.stdout.write(f"Samples per Map = {n_samples}\n")
    sys.stdout.flush()
    fs, tmp_path = fs_and_path(tmp, conf)
    if fs.exists(tmp_path):
        sys.stderr.write(
            f"Tmp directory {fs.make_qualified(tmp_path)} already exists.  Please remove it first.\n"
        )
        return 1
    in_dir, out_dir = tmp + "/in", tmp + "/out"
    try:
        write_control_files(conf, in_dir, (f"{i * n_samples} {n_samples}" for i in range(n_maps)))
        for i in range(n_maps):
            sys.stdout.write(f"Wrote input for Map #{i}\n")
        sys.stdout.write("Starting Job\n")
        sys.stdout.flush()
        conf.set("mapreduce.input.fileinputformat.split.minsize", str(1 << 62))
        spec = JobSpec(
            inputs=[in_dir],
            output=out_dir,
            steps=[
                Step(
                    mapper=Component(EX + "pi:QmcMapper"),
                    combiner=Component(EX + "common:SumCombiner"),
                    reducer=Component(EX + "common:SumReducer"),
                    num_reduces=1,
                )
            ],
            name="QuasiMonteCarlo",
        )
        start = time.time()
        result = run_spec(spec, conf)
        if not result.succeeded:
            sys.stdout.write(f"Job {result.job_id} failed!\n")
            raise DriverExit(1)
        sys.stdout.write(f"Job Finished in {java_double(round(time.time() - start, 3))} seconds\n")
        inside = 0
        for line in read_text_output(conf, out_dir):
            key, _, value = line.partition(b"\t")
            if key == b"true":
                inside = int(value)
        sys.stdout.write(f"Estimated value of Pi is {estimate(n_maps, n_samples, inside)}\n")
    finally:
        delete(conf, tmp)
    return 0
