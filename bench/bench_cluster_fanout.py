#!/usr/bin/env python3
"""Fan-out of the cluster scripts to many workers: time against worker count (issue 7, "simulated scale").

Runs the real ``start-dfs.sh`` logic (``pyhdp.cluster.scripts.start_dfs``: NameNode, a DataNode
on every worker, secondary NameNode) with N fake worker entries answered by a local stub of the
SSH transport (``pyhdp.cluster.stubtransport``): a connect costs ``--connect`` seconds (a
handshake; ~0.07 s measured with paramiko on loopback), each remote ``hdfs --daemon start
datanode`` costs ``--command`` seconds. Everything else (worker list, host configuration,
command lines, the bounded pool, output prefixing) is the production code.

Prints, for each N, the wall time with the bounded pool (``pyhdp.ssh.parallelism``, default 10)
and one host at a time (up to ``--serial-max`` workers; serial is linear by construction), the
ratio time(N)/time(1) and the ideal ``ceil(N/p)`` rounds. Sub-linear growth: with p=10,
going from 10 to 100 workers costs about 10 rounds, not 100, and never more than p handshakes
run at once (``max conn`` column).

    python bench/bench_cluster_fanout.py [--connect 0.07] [--command 0.3] [--parallelism 10]
"""

from __future__ import annotations

import argparse
import io
import math
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from pyhdp.cluster import scripts  # noqa: E402
from pyhdp.cluster.fanout import Fanout  # noqa: E402
from pyhdp.cluster.stubtransport import StubTransport  # noqa: E402
from pyhdp.cluster.workers import HostSpec  # noqa: E402
from pyhdp.conf import Configuration  # noqa: E402


def run_once(n: int, parallelism: int, connect: float, command: float) -> tuple[float, int]:
    conf = Configuration()
    conf.set("pyhdp.ssh.local-direct", "false")  # NameNode/secondary hosts also go through the stub
    conf.set("pyhdp.ssh.parallelism", str(parallelism))
    transport = StubTransport(connect_delay=connect, command_delay=command)
    out, err = io.StringIO(), io.StringIO()
    workers = [HostSpec.parse(f"worker{i:03d}.example") for i in range(n)]
    with Fanout(conf, transport=transport, out=out, err=err) as fan:
        ctx = scripts.ScriptContext(conf, fan, out, err, workers)
        start = time.perf_counter()
        rc = scripts.start_dfs(ctx)
        elapsed = time.perf_counter() - start
    if rc != 0 or err.getvalue():
        raise SystemExit(f"start_dfs failed with the stub: {err.getvalue()}")
    lines = out.getvalue().splitlines()
    assert sum(line.startswith("worker") for line in lines) == n, "every worker must answer once"
    return elapsed, transport.max_connecting


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--connect", type=float, default=0.07, help="seconds per SSH handshake (stub)")
    ap.add_argument("--command", type=float, default=0.3, help="seconds per remote daemon start (stub)")
    ap.add_argument("--parallelism", type=int, default=10)
    ap.add_argument("--sizes", default="1,2,5,10,20,50,100")
    ap.add_argument("--serial-max", type=int, default=20, help="largest N also run one host at a time")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    p = args.parallelism
    print(f"start-dfs.sh fan-out with a stub SSH transport: connect {args.connect:g} s, daemon start "
          f"{args.command:g} s per host, pyhdp.ssh.parallelism={p}")
    print(f"{'workers':>8} {'pooled s':>9} {'x N=1':>7} {'rounds':>7} {'max conn':>9} {'serial s':>9} {'speed-up':>9}")
    base = None
    for n in sizes:
        pooled, max_conn = run_once(n, p, args.connect, args.command)
        base = base or pooled
        serial_text = speed_text = "-"
        if n <= args.serial_max:
            serial, _ = run_once(n, 1, args.connect, args.command)
            serial_text = f"{serial:9.2f}"
            speed_text = f"{serial / pooled:8.1f}x"
        # rounds: NameNode and secondary NameNode (one host each) + ceil(N/p) rounds of DataNodes
        rounds = 2 + math.ceil(n / p)
        print(f"{n:>8} {pooled:9.2f} {pooled / base:7.2f} {rounds:>7} {max_conn:>9} {serial_text:>9} {speed_text:>9}")
    print("(x N=1: wall time relative to one worker; with a bounded pool it follows the rounds column, "
          "i.e. grows as N/p, while one-at-a-time grows as N)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
