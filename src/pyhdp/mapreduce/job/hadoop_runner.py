"""``--runner hadoop``: run a Python job on a real Hadoop cluster through Hadoop Streaming.

For every step of the job :func:`build_commands` writes the exact call ::

    hadoop jar $HADOOP_HOME/share/hadoop/tools/lib/hadoop-streaming-X.jar \\
        -D mapreduce.job.name=... -files job.py -archives pyhdp.zip#pyhdp_lib \\
        -input IN -output OUT -cmdenv PYTHONPATH=pyhdp_lib \\
        -mapper 'python3 -m pyhdp.mapreduce.task --job job.py --step 0 --mapper --args ...' \\
        [-combiner ...] -reducer ... | -numReduceTasks 0

Only options Hadoop documents are used: the generic options ``-D``, ``-files``,
``-archives`` (before the streaming options, as GenericOptionsParser requires) and the
streaming options ``-input -output -mapper -combiner -reducer -numReduceTasks -cmdenv``
(see :data:`STREAMING_OPTIONS_USED`).  pyhdp itself travels as a zip archive that Hadoop
unpacks in each task's working directory (``#pyhdp_lib``) and that ``PYTHONPATH`` names, so
the cluster needs only a Python 3.10+ with pyhdp's dependencies.  Steps after the first
read the previous step's output from a temporary directory next to the output.

Choosing ``hadoop``: ``--hadoop-bin``, else ``$PYHDP_HADOOP_BIN``, else ``hadoop`` on
``PATH``.  The streaming jar: ``--streaming-jar``, else the newest
``share/hadoop/tools/lib/hadoop-streaming-*.jar`` under ``$HADOOP_HOME`` or the directory
above ``hadoop``'s ``bin/``.  ``--dry-run`` prints the commands and runs nothing.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.mapreduce.job.core import Job

GENERIC_OPTIONS_USED = ("-D", "-files", "-archives")
STREAMING_OPTIONS_USED = (
    "-input",
    "-output",
    "-mapper",
    "-combiner",
    "-reducer",
    "-numReduceTasks",
    "-cmdenv",
)
LIB_LINK = "pyhdp_lib"
STREAMING_GLOB = os.path.join("share", "hadoop", "tools", "lib", "hadoop-streaming-*.jar")
# launcher options that choose the runner: not forwarded to the tasks
RUNNER_OPTIONS = {"--runner": 1, "--hadoop-bin": 1, "--streaming-jar": 1, "--python-bin": 1, "--dry-run": 0}
SUPPORTED_INPUT = {"text": None, "keyvalue": "KeyValueTextInputFormat"}
SUPPORTED_OUTPUT = {"text": None, "sequencefile": "org.apache.hadoop.mapred.SequenceFileOutputFormat"}


class RunnerError(Exception):
    """The job cannot run through Hadoop Streaming (one line for the user)."""


@dataclasses.dataclass
class HadoopTarget:
    hadoop_bin: str
    streaming_jar: str
    python_bin: str = "python3"


def find_hadoop(explicit: str | None = None) -> str:
    name = explicit or os.environ.get("PYHDP_HADOOP_BIN") or "hadoop"
    found = shutil.which(name) if os.sep not in name else (name if os.access(name, os.X_OK) else None)
    if not found:
        raise RunnerError(f"hadoop command not found: {name} (set --hadoop-bin or PYHDP_HADOOP_BIN)")
    return found


def find_streaming_jar(hadoop_bin: str, explicit: str | None = None) -> str:
    if explicit:
        return explicit
    homes = [os.environ.get("HADOOP_HOME", "")]
    homes.append(os.path.dirname(os.path.dirname(os.path.realpath(hadoop_bin))))
    homes.append(os.path.dirname(os.path.dirname(os.path.abspath(hadoop_bin))))
    for home in homes:
        if home:
            jars = sorted(glob.glob(os.path.join(home, STREAMING_GLOB)))
            if jars:
                return jars[-1]
    home = next(h for h in homes if h)
    return os.path.join(home, "share", "hadoop", "tools", "lib", "hadoop-streaming.jar")


def build_pyhdp_archive(dest_dir: str) -> str:
    """A zip of the ``pyhdp`` package (sources only) to ship with ``-archives``."""
    import pyhdp

    pkg = os.path.dirname(os.path.abspath(pyhdp.__file__))
    path = os.path.join(dest_dir, "pyhdp.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for dirpath, dirs, files in os.walk(pkg):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for f in sorted(files):
                if f.endswith((".pyc", ".pyo")):
                    continue
                full = os.path.join(dirpath, f)
                z.write(full, os.path.join("pyhdp", os.path.relpath(full, pkg)))
    return path


def task_args(args: list[str]) -> list[str]:
    """The job's command line minus the runner options (what each task re-parses)."""
    out, i = [], 0
    while i < len(args):
        a = args[i]
        name, eq, _ = a.partition("=")
        if name in RUNNER_OPTIONS:
            i += 1 + (RUNNER_OPTIONS[name] if not eq else 0)
            continue
        out.append(a)
        i += 1
    return out


def _role_cmd(target: HadoopTarget, job_name: str, step: int, role: str, args: list[str]) -> str:
    parts = [
        target.python_bin,
        "-m",
        "pyhdp.mapreduce.task",
        "--job",
        job_name,
        "--step",
        str(step),
        f"--{role}",
    ]
    if args:
        parts += ["--args", *args]
    return " ".join(shlex.quote(p) for p in parts)


def build_commands(
    job: Job,
    job_file: str,
    args: list[str],
    inputs: list[str],
    output: str,
    defines: list[str],
    target: HadoopTarget,
    archive: str,
    job_class: str | None = None,
) -> tuple[list[list[str]], list[str]]:
    """The ``hadoop jar`` command of every step and the temporary directories they use."""
    steps = job.steps()
    n = len(steps)
    if (
        type(job).partition_batch is not _job_base().partition_batch
        or job.GROUP_PREFIX
        or any(s.group_prefix for s in steps)
    ):
        raise RunnerError("--runner hadoop: custom partitioning and GROUP_PREFIX are not supported")
    if job.INPUT_FORMAT not in SUPPORTED_INPUT:
        raise RunnerError(f"--runner hadoop: INPUT_FORMAT {job.INPUT_FORMAT!r} is not supported")
    if job.OUTPUT_FORMAT not in SUPPORTED_OUTPUT:
        raise RunnerError(f"--runner hadoop: OUTPUT_FORMAT {job.OUTPUT_FORMAT!r} is not supported")
    opts = job.options
    base = os.path.basename(job_file)
    job_ref = base + (f":{job_class}" if job_class else "")
    fwd = task_args(args)
    files = [os.path.abspath(job_file)] + [f for f in (opts.files or "").split(",") if f]
    pyfiles = [f for f in (opts.pyfiles or "").split(",") if f]
    files += pyfiles
    archives = [f"{archive}#{LIB_LINK}"] + [a for a in (opts.archives or "").split(",") if a]
    pythonpath = ":".join([LIB_LINK, *(os.path.basename(p) for p in pyfiles)])
    name = opts.job_name or type(job).__name__
    temps = [f"{output.rstrip('/')}-pyhdp-step{i + 1}" for i in range(n - 1)]
    cmds = []
    for i, s in enumerate(steps):
        last = i == n - 1
        conf_pairs = {
            **{k: str(v) for k, v in job.JOBCONF.items()},
            **{k: str(v) for k, v in s.jobconf.items()},
        }
        cmd = [target.hadoop_bin, "jar", target.streaming_jar]
        cmd += ["-D", f"mapreduce.job.name={name}" + (f" (step {i + 1} of {n})" if n > 1 else "")]
        for k, v in conf_pairs.items():
            cmd += ["-D", f"{k}={v}"]
        for d in defines:
            cmd += ["-D", d]
        if last and SUPPORTED_OUTPUT[job.OUTPUT_FORMAT]:
            cmd += ["-D", "mapreduce.output.fileoutputformat.compress=false"]
        cmd += ["-files", ",".join(files), "-archives", ",".join(archives)]
        for inp in inputs if i == 0 else [temps[i - 1]]:
            cmd += ["-input", inp]
        cmd += ["-output", output if last else temps[i]]
        cmd += ["-cmdenv", f"PYTHONPATH={pythonpath}"]
        cmd += ["-mapper", _role_cmd(target, job_ref, i, "mapper", fwd)]
        r = s.num_reduces
        if r is None and not s.has("reducer"):
            r = job.NUM_REDUCES or 0
        if r is None:
            r = opts.num_reduces if opts.num_reduces is not None else job.NUM_REDUCES
        if r == 0:
            cmd += ["-numReduceTasks", "0"]
        else:
            if s.has("combiner"):
                cmd += ["-combiner", _role_cmd(target, job_ref, i, "combiner", fwd)]
            cmd += ["-reducer", _role_cmd(target, job_ref, i, "reducer", fwd)]
            if r is not None:
                cmd += ["-numReduceTasks", str(r)]
        if i == 0 and SUPPORTED_INPUT[job.INPUT_FORMAT]:
            cmd += ["-inputformat", SUPPORTED_INPUT[job.INPUT_FORMAT]]
        if last and SUPPORTED_OUTPUT[job.OUTPUT_FORMAT]:
            cmd += ["-outputformat", SUPPORTED_OUTPUT[job.OUTPUT_FORMAT]]
        cmds.append(cmd)
    return cmds, temps


def command_line_defines(conf: Configuration) -> list[str]:
    """``key=value`` of every setting given with ``-D`` (to the CLI or the job), for the cluster."""
    return [
        f"{k}={conf.get(k)}"
        for k, src in conf.sources.items()
        if src == "from command line" and not k.startswith("pyhdp.job.")
    ]


def _job_base() -> Any:
    from pyhdp.mapreduce.job.core import Job

    return Job


def submit_to_hadoop(
    job: Job,
    args: list[str],
    conf: Configuration,
    path: str | None,
    inputs: list[str],
    output: str,
    err: IO[str] | None = None,
    out: IO[str] | None = None,
    job_class: str | None = None,
) -> int:
    """Build and run (or with ``--dry-run`` print) the streaming calls of ``job``."""
    err = err or sys.stderr
    out = out or sys.stdout
    opts = job.options
    if not path:
        err.write("--runner hadoop: the job must come from a file (hadoop jar job.py ...)\n")
        return 2
    try:
        hadoop = find_hadoop(getattr(opts, "hadoop_bin", None) or conf.get("pyhdp.job.hadoop.bin"))
        target = HadoopTarget(
            hadoop,
            find_streaming_jar(hadoop, getattr(opts, "streaming_jar", None)),
            getattr(opts, "python_bin", None) or conf.get("pyhdp.job.python", "python3") or "python3",
        )
        if getattr(opts, "dry_run", False):  # the printed commands stay runnable: a kept archive
            work = os.path.join(conf.get("hadoop.tmp.dir") or tempfile.gettempdir(), "pyhdp-runner")
            os.makedirs(work, exist_ok=True)
        else:
            work = tempfile.mkdtemp(prefix="pyhdp-hadoop-runner-")
        archive = build_pyhdp_archive(work)
        cmds, temps = build_commands(
            job, path, args, inputs, output, command_line_defines(conf), target, archive, job_class
        )
    except RunnerError as e:
        err.write(f"{e}\n")
        return 2
    if getattr(opts, "dry_run", False):
        for cmd in cmds:
            out.write(shlex.join(cmd) + "\n")
        out.flush()
        return 0
    try:
        for cmd in cmds:
            err.write(f"Running: {shlex.join(cmd)}\n")
            err.flush()
            rc = subprocess.run(cmd).returncode
            if rc != 0:
                err.write(f"Streaming step failed with exit code {rc}: {cmd[cmd.index('-output') + 1]}\n")
                return rc
        for t in temps:
            subprocess.run([hadoop, "fs", "-rm", "-r", "-f", "-skipTrash", t], stdout=subprocess.DEVNULL)
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
