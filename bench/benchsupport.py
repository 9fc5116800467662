"""What the bench scripts share: where the peers harness and pyhdp's commands are, an isolated
pyhdp state for benchmark runs, the speed targets and their Markdown/JSON reporting.

The peers harness (``../shared/bench-peers/`` beside the checkout: ``benchlib.py``,
``bench_wordcount.py``, ``bench_sort.py``, ``datagen.py``) is *called*, never copied:
``--peers DIR`` or ``$PYHDP_BENCH_PEERS`` override where it is looked for.
"""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
DEFAULT_PEERS = REPO.parent / "shared" / "bench-peers"
GIB = 1 << 30
MIB = 1 << 20


# ----------------------------------------------------------------------------- locations
def peers_dir(arg: str | None) -> Path:
    """The peers harness directory (``--peers``, ``$PYHDP_BENCH_PEERS``, ``<repo>/../shared/bench-peers``)."""
    d = Path(arg or os.environ.get("PYHDP_BENCH_PEERS") or DEFAULT_PEERS).resolve()
    if not (d / "benchlib.py").is_file():
        sys.exit(f"peers harness not found in {d} (no benchlib.py): give --peers DIR")
    return d


def import_benchlib(peers: Path) -> ModuleType:
    if str(peers) not in sys.path:
        sys.path.insert(0, str(peers))
    import benchlib  # type: ignore[import-not-found]

    return benchlib


def pyhdp_command(name: str, override: str | None = None) -> str:
    """Absolute path of pyhdp's ``name`` command (hadoop, hdfs, mapred).

    The console script installed beside the interpreter wins (no version-manager shim in
    between: a pyenv shim alone costs ~0.2-0.4 s per call); else the checkout's ``bin/``
    launcher (which runs ``$PYHDP_PYTHON``, set by :func:`pyhdp_environ`).
    """
    if override:
        return override
    exe = Path(sys.executable)
    for d in (exe.parent, exe.resolve().parent):
        cand = d / name
        if cand.is_file() and os.access(cand, os.X_OK):
            try:
                head = cand.read_bytes()[:400]
            except OSError:
                continue
            if b"pyhdp" in head:
                return str(cand)
    return str(REPO / "bin" / name)


def base_python() -> str:
    """The interpreter pyhdp runs on (the real binary, not a venv/shim wrapper)."""
    return str(Path(sys.executable).resolve())


def default_workdir() -> Path:
    d = os.environ.get("PYHDP_BENCH_WORKDIR") or os.path.join(tempfile.gettempdir(), "pyhdp-bench")
    return Path(d).resolve()


def pyhdp_home(workdir: Path, fresh: bool = False) -> Path:
    """A HOME for pyhdp commands under ``workdir``: no site files (a fresh install's state), so the
    embedded store, job history and task dirs land in ``HOME/.pyhdp/data`` (``hadoop.tmp.dir``'s
    default) and a benchmark never touches the user's ``~/.pyhdp``.  ``fresh`` wipes it first.
    """
    home = workdir / "pyhdp-home"
    if fresh and home.exists():
        subprocess.run(["rm", "-rf", str(home)], check=True)
    home.mkdir(parents=True, exist_ok=True)
    return home


def clean_environ() -> dict[str, str]:
    """This environment without Hadoop/pyhdp variables and without ``PYTHONDONTWRITEBYTECODE``.

    An installed package has its ``.pyc`` files (pip compiles them); with
    ``PYTHONDONTWRITEBYTECODE=1`` (set in some sandboxes) every module without a cached
    ``.pyc`` is compiled again on every command (~0.2 s for ``hdfs dfs -ls``), which is not
    what users run.  See :func:`compile_pyhdp`.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "MAPRED_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYHDP_PYTHON"] = base_python()
    env["HADOOP_USER_NAME"] = bench_user()
    return env


def bench_user() -> str:
    """The user pyhdp runs as, fixed for the whole run (the store's superuser is who formats it).

    From the passwd database, else ``$USER``, else ``root`` for uid 0: set explicitly so that a
    passwd lookup that starts or stops failing mid-run cannot switch users under the store.
    """
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (KeyError, ImportError, OSError):
        return os.environ.get("USER") or ("root" if os.getuid() == 0 else f"uid{os.getuid()}")


def compile_pyhdp() -> None:
    """Byte-compile the pyhdp package (as ``pip install`` does) so no timed run compiles sources."""
    import pyhdp

    pkg = os.path.dirname(pyhdp.__file__)
    subprocess.run([base_python(), "-m", "compileall", "-q", pkg], check=False, stdout=subprocess.DEVNULL)


def pyhdp_environ(workdir: Path, fresh: bool = False) -> dict[str, str]:
    """:func:`clean_environ` with HOME = :func:`pyhdp_home`."""
    env = clean_environ()
    env["HOME"] = str(pyhdp_home(workdir, fresh))
    return env


def use_environ(env: dict[str, str]) -> None:
    """Make ``env`` this process's environment (children of the harness inherit it)."""
    for k in list(os.environ):
        if k not in env:
            del os.environ[k]
    os.environ.update(env)


def examples_jar() -> str:
    """pyhdp's ``hadoop-mapreduce-examples-*.jar`` (from ``hadoop envvars``, else the package tree)."""
    home = None
    try:
        out = subprocess.run([pyhdp_command("hadoop"), "envvars"], capture_output=True, text=True, timeout=60)
        for line in out.stdout.splitlines():
            if line.startswith("HADOOP_COMMON_HOME="):
                home = line.split("=", 1)[1].strip("'\"")
    except OSError:
        pass
    roots = [home] if home else []
    roots.append(str(REPO / "src" / "pyhdp" / "home"))
    for root in roots:
        hits = sorted(glob.glob(os.path.join(root, "share/hadoop/mapreduce/hadoop-mapreduce-examples-*.jar")))
        if hits:
            return hits[-1]
    sys.exit("pyhdp's hadoop-mapreduce-examples-*.jar not found (hadoop envvars / src/pyhdp/home)")


def parse_size(text: str) -> int:
    """``100M`` (10^6), ``1G`` (10^9), ``1GiB`` (2^30), ``512MiB``, or a plain byte count."""
    t = text.strip()
    units = {"KiB": 1 << 10, "MiB": MIB, "GiB": GIB, "K": 10**3, "M": 10**6, "G": 10**9}
    for suffix, mult in units.items():
        if t.endswith(suffix):
            return int(float(t[: -len(suffix)]) * mult)
    return int(t)


# ----------------------------------------------------------------------------- stats
def median(xs: list[float]) -> float | None:
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def ok_walls(runs: list[dict]) -> list[float]:
    return [r["wall_s"] for r in runs if r.get("rc") == 0]


def paired_ratio(runs_a: list[dict], runs_b: list[dict]) -> float | None:
    """Median over rounds of wall(a) / wall(b), both from the same round."""
    b_by_round = {r["round"]: r["wall_s"] for r in runs_b if r.get("rc") == 0}
    return median(
        [
            r["wall_s"] / b_by_round[r["round"]]
            for r in runs_a
            if r.get("rc") == 0 and r.get("round") in b_by_round and b_by_round[r["round"]] > 0
        ]
    )


# ----------------------------------------------------------------------------- targets
@dataclasses.dataclass
class Target:
    """One speed target: ``value`` (a ratio measured in one run) compared with ``limit``."""

    issue: int
    name: str
    value: float | None
    op: str  # "<=" or ">=", or "" for a ratio that is only reported
    limit: float
    meaning: str  # how the ratio is formed, e.g. "FsShell s / pyhdp s"
    paired: float | None = None
    note: str = ""

    @property
    def status(self) -> str:
        if not self.op:
            return "report"
        if self.value is None:
            return "n/a"
        ok = self.value <= self.limit if self.op == "<=" else self.value >= self.limit
        return "PASS" if ok else "MISS"

    def as_dict(self) -> dict[str, Any]:
        return dict(dataclasses.asdict(self), status=self.status)


def fmt(v: float | None, nd: int = 2) -> str:
    if v is None:
        return "-"
    return f"{v:.{nd}f}"


def targets_table(targets: list[Target]) -> str:
    lines = [
        "| issue | target | measured | paired | required | ratio is | result |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in targets:
        note = f" ({t.note})" if t.note else ""
        name = t.name.replace("|", "\\|")
        required = f"{t.op} {t.limit:g}" if t.op else "-"
        result = f"**{t.status}**" if t.op else t.status
        lines.append(
            f"| {t.issue} | {name}{note} | {fmt(t.value)} | {fmt(t.paired)} | {required} | "
            f"{t.meaning} | {result} |"
        )
    return "\n".join(lines)


def result_path(kind: str) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    return RESULTS / f"{kind}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"


def write_json(path: Path, obj: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, default=str), encoding="utf-8")


def git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or "?"
    except OSError:
        return "?"
