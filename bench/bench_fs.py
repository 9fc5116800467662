#!/usr/bin/env python3
"""Issue 3 speed targets: pyhdp's ``hdfs dfs`` on the embedded store (standalone mode) vs Apache
Hadoop's FsShell on local files vs coreutils, interleaved in one run, medians and ratios.

    python bench/bench_fs.py [--rounds 5] [--rounds-for lsR10000=3] [--big-size 1GiB]
                             [--ops ls-root,ls1500,lsR10000,touchz1000,put,cat] [--fsshell mincp,full]
                             [--workdir DIR] [--peers DIR] [--hdfs CMD] [--json FILE]

Operations (each timed as a whole process from outside, systems rotated every round):

=========== ======================================= ============================== ==================
op          pyhdp (embedded store, bare paths)      Hadoop FsShell (local files)   floor
=========== ======================================= ============================== ==================
ls-root     ``hdfs dfs -ls /``                      -                              ``python3 -c pass``
ls1500      ``-ls`` of a dir of 1,500 files         ``-ls DIR``                    ``ls -l DIR``
lsR10000    ``-ls -R`` of 100 dirs x 100 files      ``-ls -R DIR``                 ``ls -lR DIR``
touchz1000  ``-touchz /d/f1 ... /d/f1000``           ``-touchz d/f1 ... d/f1000``    ``touch ...``
put         ``-put BIG /bench/putdst``              ``-put BIG local``             ``cp BIG local``
cat         ``-cat /bench/big | wc -c``             ``-cat BIG | wc -c``           ``cat BIG | wc -c``
=========== ======================================= ============================== ==================

Targets (issue 3): ls-root <= 4x python; ls1500, lsR10000, touchz1000 >= 20x faster than FsShell
(the ``-mincp`` one: only the Hadoop client jars on the classpath, the faster of the two); put
and cat >= 50% of cp's / cat's throughput.  Every system's result is checked once (untimed):
listing line counts, the 1,000 created files, ``cmp`` of the put/cat bytes against the source.

Timing, interleaving and environment capture come from the peers harness's ``benchlib.py``
(``../shared/bench-peers/``); the data are ``datagen.py text`` (``--big-size 1GiB`` = 2^30 bytes).
pyhdp runs as freshly installed (no site files) with HOME = ``WORKDIR/pyhdp-home``, so its store
is new for every run and never the user's ``~/.pyhdp``.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchsupport as bs  # noqa: E402

OPS = ("ls-root", "ls1500", "lsR10000", "touchz1000", "put", "cat")
TITLES = {
    "ls-root": "`-ls /` (start-up)",
    "ls1500": "`-ls` of 1,500 files",
    "lsR10000": "`-ls -R` of 10,000 files",
    "touchz1000": "1,000 `-touchz` in one command",
    "put": "`-put` of the big file",
    "cat": "`-cat` of the big file into `wc -c`",
}


def make_tree(root: str, dirs: int, per_dir: int) -> None:
    """``dirs`` sub-directories of ``per_dir`` small files each (sizes as the peers' ls dir)."""
    marker = f"{root}.complete-{dirs}x{per_dir}"  # beside the tree, not in it
    if os.path.exists(marker):
        return
    subprocess.run(["rm", "-rf", root], check=True)
    os.makedirs(root)
    i = 0
    for d in range(dirs):
        sub = os.path.join(root, f"d{d:03d}") if dirs > 1 else root
        os.makedirs(sub, exist_ok=True)
        for _ in range(per_dir):
            with open(os.path.join(sub, f"f{i:05d}.txt"), "wb") as f:
                f.write(b"x" * (100 + i % 900))
            i += 1
    open(marker, "w").close()


def sh(cmd: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], capture_output=True, text=True, env=env)
    if check and p.returncode != 0:
        sys.exit(f"setup command failed (rc={p.returncode}): {cmd}\n{p.stderr[-2000:]}")
    return p


def build_entries(a: argparse.Namespace, ctx: dict, fsshells: dict[str, str]) -> list[dict]:
    """(op, system) entries: cmd (timed), prep (untimed, before every run), verify (cmd, regex)."""
    q = shlex.quote
    hdfs = q(ctx["hdfs"]) + " dfs"
    work, big = ctx["work"], ctx["big"]
    size = str(ctx["big_bytes"])
    entries: list[dict] = []

    def add(op: str, system: str, cmd: str, verify: tuple[str, str] | None = None, prep: str = "") -> None:
        entries.append(dict(name=f"{op}:{system}", op=op, system=system, cmd=cmd, prep=prep, verify=verify))

    ops = [o for o in a.ops.split(",") if o]
    for op in ops:
        if op not in OPS:
            sys.exit(f"unknown op {op}; known: {', '.join(OPS)}")
    count_files = "| grep -c '^-'"
    if "ls-root" in ops:
        add(
            "ls-root", "pyhdp", f"{hdfs} -ls / > /dev/null", (f"{hdfs} -ls / | head -1", r"^Found \d+ items$")
        )
        add("ls-root", "python-pass", f"{q(ctx['python'])} -c pass")
    for op, store_dir, local_dir, flag, n in (
        ("ls1500", "/bench/ls1500", ctx["lsdir"], "", "1500"),
        ("lsR10000", "/bench/tree10000", ctx["treedir"], " -R", "10000"),
    ):
        if op not in ops:
            continue
        add(
            op,
            "pyhdp",
            f"{hdfs} -ls{flag} {store_dir} > /dev/null",
            (f"{hdfs} -ls{flag} {store_dir} {count_files}", f"^{n}$"),
        )
        for name, prefix in fsshells.items():
            add(
                op,
                name,
                f"{prefix} -ls{flag} {q(local_dir)} > /dev/null",
                (f"{prefix} -ls{flag} {q(local_dir)} {count_files}", f"^{n}$"),
            )
        ls_flags = "-lR" if flag else "-l"
        add(
            op,
            "coreutils",
            f"ls {ls_flags} {q(local_dir)} > /dev/null",
            (f"ls {ls_flags} {q(local_dir)} {count_files}", f"^{n}$"),
        )
    if "touchz1000" in ops:
        names = [f"f{i}" for i in range(1, 1001)]
        store = " ".join(f"/bench/t/{x}" for x in names)
        local = " ".join(q(os.path.join(work, "t", x)) for x in names)
        add(
            "touchz1000",
            "pyhdp",
            f"{hdfs} -touchz {store}",
            (f"{hdfs} -ls /bench/t {count_files}", "^1000$"),
            prep=f"{hdfs} -rm -r -f -skipTrash /bench/t > /dev/null && {hdfs} -mkdir /bench/t",
        )
        for name, prefix in fsshells.items():
            add(
                "touchz1000",
                name,
                f"{prefix} -touchz {local}",
                (f"ls -l {q(os.path.join(work, 't'))} {count_files}", "^1000$"),
                prep=f"rm -rf {q(os.path.join(work, 't'))} && mkdir {q(os.path.join(work, 't'))}",
            )
        add(
            "touchz1000",
            "coreutils",
            f"touch {local}",
            (f"ls -l {q(os.path.join(work, 't'))} {count_files}", "^1000$"),
            prep=f"rm -rf {q(os.path.join(work, 't'))} && mkdir {q(os.path.join(work, 't'))}",
        )
    if "put" in ops:
        add(
            "put",
            "pyhdp",
            f"{hdfs} -put {q(big)} /bench/putdst",
            (f"{hdfs} -cat /bench/putdst | cmp - {q(big)} && echo same", "^same$"),
            prep=f"{hdfs} -rm -f -skipTrash /bench/putdst > /dev/null",
        )
        dst = os.path.join(work, "putdst")
        for name, prefix in fsshells.items():
            add(
                "put",
                name,
                f"{prefix} -put {q(big)} {q(dst + '-fs')}",
                (f"cmp {q(dst + '-fs')} {q(big)} && echo same", "^same$"),
                prep=f"rm -f {q(dst + '-fs')} {q(os.path.join(work, '.putdst-fs.crc'))}",
            )
        add(
            "put",
            "coreutils",
            f"cp {q(big)} {q(dst)}",
            (f"cmp {q(dst)} {q(big)} && echo same", "^same$"),
            prep=f"rm -f {q(dst)}",
        )
    if "cat" in ops:
        add(
            "cat",
            "pyhdp",
            f"{hdfs} -cat /bench/big | wc -c",
            (f"{hdfs} -cat /bench/big | cmp - {q(big)} && echo same", "^same$"),
        )
        for name, prefix in fsshells.items():
            add(
                "cat",
                name,
                f"{prefix} -cat {q(big)} | wc -c",
                (f"{prefix} -cat {q(big)} | wc -c", f"^{size}$"),
            )
        add("cat", "coreutils", f"cat {q(big)} | wc -c", (f"cat {q(big)} | wc -c", f"^{size}$"))
    return entries


def setup_store(ctx: dict, ops: list[str]) -> None:
    """Load the embedded store (untimed): the listing dirs and the big file."""
    q = shlex.quote
    hdfs = q(ctx["hdfs"]) + " dfs"
    sh(f"{hdfs} -mkdir -p /bench")
    if "ls1500" in ops:
        sh(f"{hdfs} -put {q(ctx['lsdir'])} /bench/ls1500")
    if "lsR10000" in ops:
        sh(f"{hdfs} -put {q(ctx['treedir'])} /bench/tree10000")
    if "cat" in ops:
        sh(f"{hdfs} -put {q(ctx['big'])} /bench/big")


def rounds_for(a: argparse.Namespace) -> dict[str, int]:
    out = {op: a.rounds for op in OPS}
    for spec in a.rounds_for:
        op, _, n = spec.partition("=")
        if op not in OPS or not n.isdigit():
            sys.exit(f"bad --rounds-for {spec!r} (OP=N, OP one of {', '.join(OPS)})")
        out[op] = int(n)
    return out


REFS = {"ls-root": "python-pass", "put": "coreutils", "cat": "coreutils"}


def op_ref(op: str, systems: list[str]) -> str | None:
    if op in REFS:
        return REFS[op]
    for cand in ("hadoop-fsshell-mincp", "hadoop-fsshell"):
        if cand in systems:
            return cand
    return None


def summarize(entries: list[dict], results: dict, big_mb: float) -> list[dict]:
    rows = []
    by_op: dict[str, list[dict]] = {}
    for e in entries:
        by_op.setdefault(e["op"], []).append(e)
    for op, es in by_op.items():
        ref = op_ref(op, [e["system"] for e in es])
        ref_runs = results.get(f"{op}:{ref}", [])
        ref_med = bs.median(bs.ok_walls(ref_runs))
        op_rows = []
        for e in es:
            runs = results[e["name"]]
            walls = bs.ok_walls(runs)
            row = dict(
                op=op,
                system=e["system"],
                runs=len(runs),
                ok_runs=len(walls),
                ref=ref,
                verified=e.get("verified"),
            )
            if walls:
                okr = [r for r in runs if r["rc"] == 0]
                row.update(
                    median_s=bs.median(walls),
                    min_s=min(walls),
                    max_s=max(walls),
                    cpu_median_s=bs.median([r["cpu_s"] for r in okr]),
                    peak_mb_max=max(r["peak_mb"] for r in okr),
                )
                if op in ("put", "cat"):
                    row["mb_per_s"] = big_mb / row["median_s"]
                if ref_med:
                    row["x_ref"] = row["median_s"] / ref_med
                    row["paired_x_ref"] = bs.paired_ratio(runs, ref_runs)
            op_rows.append(row)
        op_rows.sort(key=lambda r: r.get("median_s") or 1e9)
        rows.extend(op_rows)
    return rows


def rows_table(rows: list[dict]) -> str:
    lines = [
        "| op | system | median s | min s | max s | MB/s | x ref | paired x ref | ref | cpu s | peak MB | ok "
        "| verified |",
        "|" + "---|" * 13,
    ]
    for r in rows:
        verified = {True: "yes", False: "NO", None: "-"}[r.get("verified")]
        lines.append(
            f"| {r['op']} | {r['system']} | {bs.fmt(r.get('median_s'), 3)} | {bs.fmt(r.get('min_s'), 3)} | "
            f"{bs.fmt(r.get('max_s'), 3)} | {bs.fmt(r.get('mb_per_s'), 0)} | {bs.fmt(r.get('x_ref'))} | "
            f"{bs.fmt(r.get('paired_x_ref'))} | {r.get('ref') or '-'} | {bs.fmt(r.get('cpu_median_s'))} | "
            f"{bs.fmt(r.get('peak_mb_max'), 0)} | {r['ok_runs']}/{r['runs']} | {verified} |"
        )
    return "\n".join(lines)


def targets(rows: list[dict], results: dict, big_mib: float) -> list[bs.Target]:
    def row(op: str, system: str) -> dict | None:
        return next((r for r in rows if r["op"] == op and r["system"] == system and r.get("median_s")), None)

    out: list[bs.Target] = []
    p = row("ls-root", "pyhdp")
    out.append(
        bs.Target(
            3,
            "`hdfs dfs -ls /` vs `python3 -c pass`",
            p and p.get("x_ref"),
            "<=",
            4,
            "pyhdp s / python s",
            p and p.get("paired_x_ref"),
        )
    )
    for op in ("ls1500", "lsR10000", "touchz1000"):
        p = row(op, "pyhdp")
        ref = p["ref"] if p else None
        value = 1 / p["x_ref"] if p and p.get("x_ref") else None
        paired = 1 / p["paired_x_ref"] if p and p.get("paired_x_ref") else None
        out.append(
            bs.Target(
                3, TITLES[op] + " vs FsShell", value, ">=", 20, f"{ref or 'FsShell'} s / pyhdp s", paired
            )
        )
    for op, what in (("put", "`cp`"), ("cat", "`cat | wc -c`")):
        p = row(op, "pyhdp")
        value = 1 / p["x_ref"] if p and p.get("x_ref") else None
        paired = 1 / p["paired_x_ref"] if p and p.get("paired_x_ref") else None
        out.append(
            bs.Target(
                3,
                f"{TITLES[op]} ({big_mib:.0f} MiB) vs {what}",
                value,
                ">=",
                0.5,
                "pyhdp MB/s / coreutils MB/s",
                paired,
            )
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--rounds-for",
        action="append",
        default=[],
        metavar="OP=N",
        help="fewer/more rounds for one op (e.g. lsR10000=3: FsShell forks `ls -ld` per file)",
    )
    ap.add_argument("--ops", default=",".join(OPS))
    ap.add_argument("--big", help="existing big file for put/cat (default: datagen text of --big-size)")
    ap.add_argument("--big-size", default="1GiB", help="size of the generated big file (1GiB, 100M, ...)")
    ap.add_argument(
        "--fsshell",
        default="mincp",
        help="Hadoop FsShell variants: mincp (client jars only), full (pyspark's jars/*), or both",
    )
    ap.add_argument(
        "--workdir", default=None, help="scratch dir (default $PYHDP_BENCH_WORKDIR or /tmp/pyhdp-bench)"
    )
    ap.add_argument(
        "--peers", default=None, help="the peers harness dir (default <repo>/../shared/bench-peers)"
    )
    ap.add_argument(
        "--hdfs", default=None, help="pyhdp's hdfs command (default: the installed console script)"
    )
    ap.add_argument("--java", default=os.environ.get("JAVA", "java"))
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--json", default=None, help="default bench/results/fs-<UTC time>.json")
    ap.add_argument(
        "--keep-store", action="store_true", help="keep the embedded store and put copies afterwards"
    )
    a = ap.parse_args()

    peers = bs.peers_dir(a.peers)
    bl = bs.import_benchlib(peers)
    workdir = bs.default_workdir() if a.workdir is None else Path(a.workdir).resolve()
    fsdir = workdir / "fs"
    data_dir = workdir / "data"
    for d in (fsdir, data_dir):
        d.mkdir(parents=True, exist_ok=True)
    bs.use_environ(bs.pyhdp_environ(workdir, fresh=True))
    bs.compile_pyhdp()
    ops = [o for o in a.ops.split(",") if o]

    if a.big:
        big = os.path.abspath(a.big)
    else:
        nbytes = bs.parse_size(a.big_size)
        big = str(data_dir / f"text-{nbytes}-s42.txt")
        if not os.path.exists(big):
            print(f"generating {big} ...", file=sys.stderr)
            subprocess.run(
                [sys.executable, str(peers / "datagen.py"), "text", big, "--size", str(nbytes)], check=True
            )
    big_bytes = os.path.getsize(big)
    lsdir, treedir = str(fsdir / "ls1500"), str(fsdir / "tree10000")
    if "ls1500" in ops:
        make_tree(lsdir, 1, 1500)
    if "lsR10000" in ops:
        make_tree(treedir, 100, 100)
    for stale in ("t", "putdst", "putdst-fs", ".putdst-fs.crc"):
        subprocess.run(["rm", "-rf", str(fsdir / stale)])

    fsshells: dict[str, str] = {}
    jars = bl.pyspark_jars(sys.executable)
    if jars:
        conf_dir = workdir / "hadoop-conf"
        conf_dir.mkdir(exist_ok=True)
        (conf_dir / "core-site.xml").write_text(
            '<?xml version="1.0"?>\n<configuration>\n  <property><name>fs.defaultFS</name>'
            "<value>file:///</value></property>\n</configuration>\n"
        )
        variants = {
            "mincp": ("hadoop-fsshell-mincp", bl.hadoop_classpath(jars)),
            "full": ("hadoop-fsshell", os.path.join(jars, "*")),
        }
        for v in [x for x in a.fsshell.split(",") if x]:
            if v not in variants:
                sys.exit(f"--fsshell: unknown variant {v} (mincp, full)")
            name, cp = variants[v]
            fsshells[name] = (
                f"{shlex.quote(a.java)} -Xshare:auto -cp {shlex.quote(str(conf_dir) + ':' + cp)} "
                "org.apache.hadoop.fs.FsShell"
            )
    else:
        print("pyspark jars not found: Hadoop FsShell systems skipped", file=sys.stderr)

    ctx = {
        "hdfs": bs.pyhdp_command("hdfs", a.hdfs),
        "python": bs.base_python(),
        "work": str(fsdir),
        "big": big,
        "big_bytes": big_bytes,
        "lsdir": lsdir,
        "treedir": treedir,
    }
    print(f"workdir {workdir}\npyhdp hdfs: {ctx['hdfs']}\nbig file {big} ({big_bytes / bs.MIB:.0f} MiB)")
    print("loading the embedded store (untimed) ...", flush=True)
    setup_store(ctx, ops)
    entries = build_entries(a, ctx, fsshells)
    nrounds = rounds_for(a)
    logdir = workdir / "logs"
    logdir.mkdir(exist_ok=True)

    def run_one(e: dict, r: int) -> dict:
        if e["prep"]:
            bl.run_timed(e["prep"], log_path=str(logdir / f"fs-prep-{e['op']}.log"))
        res = bl.run_timed(e["cmd"], log_path=str(logdir / f"fs-{e['op']}.log"), timeout=a.timeout)
        if res["rc"] != 0:
            print(
                f"  !! {e['name']}: rc={res['rc']}, see {logdir / ('fs-' + e['op'] + '.log')}",
                file=sys.stderr,
            )
        elif e["verify"] and "verified" not in e:
            vcmd, pattern = e["verify"]
            p = sh(vcmd, check=False)
            got = p.stdout.strip()
            e["verified"] = p.returncode == 0 and re.search(pattern, got) is not None
            if not e["verified"]:
                print(
                    f"  !! {e['name']}: check failed: {vcmd!r} -> rc={p.returncode} {got[:200]!r} "
                    f"{p.stderr.strip()[-300:]!r}",
                    file=sys.stderr,
                )
                res["rc"] = "check-failed"
        return res

    results: dict[str, list] = {e["name"]: [] for e in entries}
    by_op: dict[str, list[dict]] = {}
    for e in entries:
        by_op.setdefault(e["op"], []).append(e)
    for r in range(max(nrounds[op] for op in by_op)):
        for op, es in by_op.items():
            if r >= nrounds[op]:
                continue
            part = bl.interleave(es, 1, lambda e, _r, r=r: run_one(e, r), log=lambda *_: None)
            for name, runs in part.items():
                for x in runs:
                    x["round"] = r
                results[name].extend(runs)
            walls = ", ".join(f"{e['system']} {results[e['name']][-1]['wall_s']:.3f}" for e in es)
            print(f"  round {r + 1} {op}: {walls}", flush=True)

    big_mb = big_bytes / 1e6
    rows = summarize(entries, results, big_mb)
    tgts = targets(rows, results, big_bytes / bs.MIB)
    table = rows_table(rows)
    ttable = bs.targets_table(tgts)
    print("\n" + table + "\n\n" + ttable)
    out = Path(a.json) if a.json else bs.result_path("fs")
    bs.write_json(
        out,
        {
            "benchmark": "pyhdp-fs",
            "argv": sys.argv,
            "git_head": bs.git_head(),
            "big": big,
            "big_bytes": big_bytes,
            "rounds": nrounds,
            "commands": {e["name"]: e["cmd"] for e in entries},
            "preps": {e["name"]: e["prep"] for e in entries if e["prep"]},
            "rows": rows,
            "targets": [t.as_dict() for t in tgts],
            "runs": results,
            "environment": bl.environment(
                sys.executable, {"hadoop_jars": bl.hadoop_version(jars) if jars else None}
            ),
            "table_md": table,
            "targets_md": ttable,
        },
    )
    print(f"\nJSON: {out}")
    if not a.keep_store:
        subprocess.run(
            ["rm", "-rf", str(workdir / "pyhdp" / "data"), str(fsdir / "putdst"), str(fsdir / "putdst-fs")]
        )
    return 0 if all(r["ok_runs"] == r["runs"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
