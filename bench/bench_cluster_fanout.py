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

    python bench/bench_cluster_fanout.py [--connect 0.07] [--command 0.3] [--parallelism 10] [--real 4]

``--real N`` also measures the real thing on N network-namespace hosts (root, sshd; the test
suite's host maker): ``start-dfs.sh`` until the NameNode reports N live DataNodes, then
``stop-dfs.sh`` (issue 7's targets: <= 5 s and <= 3 s with 4 workers).
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


def real_hosts(n: int, rounds: int) -> int:
    """start-dfs.sh until n live DataNodes, and stop-dfs.sh, on n network-namespace hosts over SSH."""
    import json
    import shutil
    import socket
    import subprocess
    import tempfile
    import urllib.request

    import yaml

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, "..", "tests", "cluster"))
    from hosts import TestHosts  # the test suite's host maker

    sbin = os.path.join(here, "..", "src", "pyhdp", "cluster", "sbin")
    work = tempfile.mkdtemp(prefix="pyhdp-bench-cluster-")
    hosts = TestHosts.create(n, os.path.join(work, "hosts"))
    try:
        master = hosts.bridge_address
        print(
            f"real hosts: {n} {hosts.mode} hosts with sshd, NameNode on the master ({master}), "
            "a DataNode per host started over SSH"
        )
        for r in range(rounds):
            base = os.path.join(work, f"r{r}")
            conf_dir = os.path.join(base, "conf")
            os.makedirs(conf_dir)
            ports = []
            for _ in range(2):
                with socket.socket() as s:
                    s.bind((master, 0))
                    ports.append(s.getsockname()[1])
            site = dict(hosts.ssh_conf())
            site.update(
                {
                    "hadoop.tmp.dir": f"{base}/${{pyhdp.host}}/data",
                    "hadoop.log.dir": f"{base}/${{pyhdp.host}}/logs",
                    "fs.defaultFS": f"hdfs://{master}:{ports[0]}",
                    "dfs.namenode.http-address": f"{master}:{ports[1]}",
                    "dfs.namenode.secondary.http-address": "",
                    "dfs.datanode.address": "${pyhdp.host}:9866",
                    "dfs.datanode.http.address": "${pyhdp.host}:9864",
                    "dfs.datanode.ipc.address": "${pyhdp.host}:9867",
                    "dfs.heartbeat.interval": "1s",
                    "pyhdp.cluster.sync-on-start": "true",
                }
            )
            with open(os.path.join(conf_dir, "core-site.yaml"), "w") as f:
                yaml.safe_dump(site, f)
            with open(os.path.join(conf_dir, "workers"), "w") as f:
                f.write("\n".join(hosts.entries()) + "\n")
            env = dict(os.environ, HOME=base, PYHDP_CONF_DIR=conf_dir, HADOOP_STOP_TIMEOUT="5")
            t0 = time.perf_counter()
            proc = subprocess.run(
                [os.path.join(sbin, "start-dfs.sh")], capture_output=True, text=True, env=env
            )
            t_script = time.perf_counter() - t0
            live = 0
            while time.perf_counter() - t0 < 120:
                try:
                    with urllib.request.urlopen(f"http://{master}:{ports[1]}/jmx", timeout=5) as resp:
                        beans = json.load(resp)["beans"]
                    live = max(len(json.loads(b["LiveNodes"])) for b in beans if "LiveNodes" in b)
                except (OSError, ValueError):
                    live = 0
                if live >= n:
                    break
                time.sleep(0.05)
            t_live = time.perf_counter() - t0
            t1 = time.perf_counter()
            stop = subprocess.run(
                [os.path.join(sbin, "stop-dfs.sh")], capture_output=True, text=True, env=env
            )
            t_stop = time.perf_counter() - t1
            ok = proc.returncode == 0 and stop.returncode == 0 and live >= n
            print(
                f"  round {r + 1}: start-dfs.sh {t_script:.2f} s, {live} live DataNodes after {t_live:.2f} s, "
                f"stop-dfs.sh {t_stop:.2f} s{'' if ok else '  (FAILED: ' + proc.stdout[-300:] + stop.stdout[-300:] + ')'}"
            )
    finally:
        hosts.close()
        shutil.rmtree(work, ignore_errors=True)
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--connect", type=float, default=0.07, help="seconds per SSH handshake (stub)")
    ap.add_argument("--command", type=float, default=0.3, help="seconds per remote daemon start (stub)")
    ap.add_argument("--parallelism", type=int, default=10)
    ap.add_argument("--sizes", default="1,2,5,10,20,50,100")
    ap.add_argument("--serial-max", type=int, default=20, help="largest N also run one host at a time")
    ap.add_argument(
        "--real",
        type=int,
        default=0,
        metavar="N",
        help="also start-dfs.sh/stop-dfs.sh on N real network-namespace hosts (root, sshd)",
    )
    ap.add_argument("--real-rounds", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    p = args.parallelism
    print(
        f"start-dfs.sh fan-out with a stub SSH transport: connect {args.connect:g} s, daemon start "
        f"{args.command:g} s per host, pyhdp.ssh.parallelism={p}"
    )
    print(
        f"{'workers':>8} {'pooled s':>9} {'x N=1':>7} {'rounds':>7} {'max conn':>9} {'serial s':>9} {'speed-up':>9}"
    )
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
        print(
            f"{n:>8} {pooled:9.2f} {pooled / base:7.2f} {rounds:>7} {max_conn:>9} {serial_text:>9} {speed_text:>9}"
        )
    print(
        "(x N=1: wall time relative to one worker; with a bounded pool it follows the rounds column, "
        "i.e. grows as N/p, while one-at-a-time grows as N)"
    )
    if args.real:
        real_hosts(args.real, args.real_rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
