#!/usr/bin/env python3
"""Issue 9 speed: one k-means iteration on pyhdp's MapReduce vs one ``MiniBatchKMeans.partial_fit``
pass over the same CSV, in the same run.

    python bench/bench_ml.py [--size 256M] [--k 10] [--features 20] [--iters 3] [--workdir DIR]

* Data: ``pyhdp.ml.datagen`` blobs (k centers, 20 features, seeded) written to a local CSV of
  about ``--size`` bytes (kept in the work dir and reused by later runs).
* pyhdp: the ``KMeansPass`` job of the ``kmeans`` example on the local runner (file://, every
  core the runner is allowed: ``mapreduce.local.map.tasks.maximum``, default 2), initial centers
  the first k rows; each iteration timed from submission to the reducer's total, and the task
  counters' ``Peak Map Physical memory`` recorded.
* pyhdp with ``-cache`` (the job option ``--cache-dir``): the first pass parses and keeps each
  split as raw float64 on local disk, later passes read that (the issue allows this if documented).
* Peak memory: pyhdp's ``Peak Map Physical memory`` counter (the task process's maxrss, which on
  Linux includes the RSS of the process it was forked from: this script keeps itself small by
  generating the data in a child); scikit-learn's process ``VmHWM``.
* scikit-learn: ``MiniBatchKMeans(k, batch_size=chunk, n_init=1).partial_fit`` on every chunk of
  ``pandas.read_csv(chunksize=chunk)`` (parsing included), one pass, in a child process whose
  peak RSS is read from ``getrusage``.

Prints a Markdown table; ``--json FILE`` also writes the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SK_PASS = r"""
import sys, time, pandas as pd
from sklearn.cluster import MiniBatchKMeans
path, k, chunk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t = time.perf_counter()
m = MiniBatchKMeans(n_clusters=k, batch_size=chunk, n_init=1, random_state=0)
rows = 0
for df in pd.read_csv(path, header=None, chunksize=chunk):
    m.partial_fit(df.to_numpy()[:, :-1])
    rows += len(df)
hwm = [int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:")]
print(time.perf_counter() - t, rows, hwm[0] if hwm else 0)
"""


def parse_size(text: str) -> int:
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    t = text.strip().upper().rstrip("B").rstrip("I")
    return int(float(t[:-1]) * mult[t[-1]]) if t and t[-1] in mult else int(t)


def ensure_data(workdir: Path, size: int, k: int, features: int, conf) -> tuple[Path, int]:
    from pyhdp.ml.datagen import generate_blocks, to_csv

    sample = to_csv(next(generate_blocks("blobs", 4096, features, seed=1, centers=k)), True)
    rows = max(k, int(size / (len(sample) / 4096)))
    path = workdir / f"blobs-k{k}-f{features}-{rows}.csv"
    if not path.exists():  # in a child process: this one stays small (its RSS is inherited by tasks)
        t = time.perf_counter()
        tmp = path.with_suffix(".part")
        tmp.unlink(missing_ok=True)
        code = (
            "import sys; from pyhdp.conf import Configuration; from pyhdp.ml.datagen import write_generated; "
            f"write_generated({'file://' + str(tmp)!r}, Configuration(), 'blobs', {rows}, {features}, seed=1, "
            f"centers={k})"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
        tmp.rename(path)
        print(
            f"generated {path} ({path.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f}s",
            file=sys.stderr,
        )
    return path, rows


def pyhdp_iterations(
    path: Path, workdir: Path, k: int, features: int, iters: int, conf, cache: bool = False
) -> list[dict]:
    from pyhdp.mapreduce.api import run_job
    from pyhdp.mapreduce.counters import TASK_GROUP
    from pyhdp.mapreduce.job.launcher import build_spec
    from pyhdp.mapreduce.job.runtime import job_ref
    from pyhdp.ml import algos
    from pyhdp.ml.jobs import KMeansPass, decode_total
    from pyhdp.ml.parse import parse_csv

    with open(path, "rb") as f:
        head = b"".join(f.readline() for _ in range(k))
    centers = parse_csv(head)[0][:, :features]
    out_root = workdir / f"passes-{os.getpid()}"
    results = []
    for it in range(1, iters + 1):
        model = workdir / f"centers-{os.getpid()}-{it}.npz"
        np.savez(model, centers=centers)
        out = out_root / f"iter-{it}"
        extra = ["--cache-dir", str(workdir / f"cache-{os.getpid()}")] if cache else []
        args = [
            "file://" + str(path),
            "file://" + str(out),
            "--model",
            "file://" + str(model),
            "--label-col",
            str(features),
            "--quiet",
            *extra,
        ]
        job = KMeansPass(args)
        spec = build_spec(job, job_ref(KMeansPass, args), args[:1], args[1], conf)
        t = time.perf_counter()
        result = run_job(spec, conf, console=False, err=sys.stderr)
        if not result.succeeded:
            raise SystemExit(f"pyhdp k-means pass failed: {result.failure}")
        total = decode_total((out / "part-r-00000").read_bytes().strip())
        wall = time.perf_counter() - t
        new = algos.kmeans_update(total, centers)
        results.append(
            {
                "iteration": it,
                "seconds": wall,
                "inertia": total["inertia"],
                "rows": int(total["n"]),
                "peak_map_rss": result.counters.get(TASK_GROUP, "MAP_PHYSICAL_MEMORY_BYTES_MAX"),
                "peak_reduce_rss": result.counters.get(TASK_GROUP, "REDUCE_PHYSICAL_MEMORY_BYTES_MAX"),
                "maps": result.counters.get("org.apache.hadoop.mapreduce.JobCounter", "TOTAL_LAUNCHED_MAPS"),
            }
        )
        print(f"pyhdp iteration {it}: {wall:.2f}s inertia={total['inertia']:.6g}", file=sys.stderr)
        centers = new
        model.unlink()
    import shutil

    shutil.rmtree(out_root, ignore_errors=True)
    shutil.rmtree(workdir / f"cache-{os.getpid()}", ignore_errors=True)
    return results


def sklearn_pass(path: Path, k: int, chunk: int) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", SK_PASS, str(path), str(k), str(chunk)],
        capture_output=True,
        text=True,
        check=True,
    )
    secs, rows, rss = r.stdout.split()
    return {"seconds": float(secs), "rows": int(rows), "peak_rss": int(rss)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="256M")
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--features", type=int, default=20)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--chunk", type=int, default=100_000, help="rows per pandas chunk / mini-batch")
    ap.add_argument("--workdir", default="/tmp/pyhdp-bench-ml")
    ap.add_argument("--json", default=None)
    a = ap.parse_args()
    workdir = Path(a.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    from pyhdp.conf import Configuration

    conf = Configuration()
    conf.set("fs.defaultFS", "file:///")
    conf.set("hadoop.tmp.dir", str(workdir / "hadoop-tmp"))
    conf.set("mapreduce.jobhistory.done-dir", str(workdir / "history"))
    path, rows = ensure_data(workdir, parse_size(a.size), a.k, a.features, conf)
    size = path.stat().st_size
    sk = sklearn_pass(path, a.k, a.chunk)
    print(f"sklearn MiniBatchKMeans pass: {sk['seconds']:.2f}s", file=sys.stderr)
    its = pyhdp_iterations(path, workdir, a.k, a.features, a.iters, conf)
    cached = pyhdp_iterations(path, workdir, a.k, a.features, a.iters + 1, conf, cache=True)
    mib = size / 2**20

    def med(rs: list[dict]) -> float:
        w = sorted(r["seconds"] for r in rs)
        return w[len(w) // 2]

    def peak(rs: list[dict]) -> float:
        return max(r["peak_map_rss"] for r in rs) / 2**20

    rows_out = [
        (f"pyhdp kmeans iteration, CSV parsed every pass (median of {len(its)})", med(its), peak(its)),
        (
            "pyhdp kmeans first iteration with -cache (parse + write cache)",
            cached[0]["seconds"],
            peak(cached[:1]),
        ),
        (
            f"pyhdp kmeans iteration from the -cache (median of {len(cached) - 1})",
            med(cached[1:]),
            peak(cached[1:]),
        ),
    ]
    print(f"\n### k-means, k={a.k}, {a.features} features, {rows} rows, {mib:.0f} MiB CSV\n")
    print("| system | seconds | MiB/s | peak task RSS (MiB) | ratio to sklearn pass |")
    print("|---|---:|---:|---:|---:|")
    for name, secs, pk in rows_out:
        print(f"| {name} | {secs:.2f} | {mib / secs:.1f} | {pk:.0f} (map) | {secs / sk['seconds']:.2f}x |")
    print(
        f"| sklearn MiniBatchKMeans.partial_fit pass (pandas chunks) | {sk['seconds']:.2f} | "
        f"{mib / sk['seconds']:.1f} | {sk['peak_rss'] / 2**20:.0f} (process) | 1.00x |"
    )
    if a.json:
        Path(a.json).write_text(
            json.dumps(
                {
                    "size": size,
                    "rows": rows,
                    "k": a.k,
                    "features": a.features,
                    "pyhdp": its,
                    "pyhdp_cached": cached,
                    "sklearn": sk,
                },
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
