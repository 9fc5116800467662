"""Submitting Python jobs: ``python job.py IN OUT``, ``hadoop jar job.py IN OUT``, ``yarn jar ...``.

* :func:`main_for_class` — what ``Job.run()`` does.
* :func:`run_job_file` — what ``hadoop jar``/``yarn jar`` call for a ``.py`` file (the CLI
  has already applied the generic options ``-D``, ``-conf``, ``-files`` to ``conf``).
* :func:`build_spec` — a :class:`~pyhdp.mapreduce.api.JobSpec` for a job instance.

Job command line: ``INPUT [INPUT...] OUTPUT`` plus ``-D key=value``, ``-conf FILE``,
``--num-reduces N``, ``--files a,b``, ``--archives a,b``, ``--pyfiles a.zip,b.whl``,
``--name NAME``, ``--quiet``, and the job's own options (``Job.add_arguments``).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import IO, TYPE_CHECKING, Any

from pyhdp.mapreduce.api import Component, JobSpec, JobSubmissionError, Step
from pyhdp.mapreduce.job.core import Job

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

RUNTIME = "pyhdp.mapreduce.job.runtime"


def base_parser(prog: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=prog, add_help=False)
    p.add_argument("paths", nargs="*")
    p.add_argument("-D", dest="defines", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("-conf", "--conf", dest="conf_files", action="append", default=[])
    p.add_argument("--num-reduces", "-numReduceTasks", dest="num_reduces", type=int, default=None)
    p.add_argument("--files", "-files", dest="files", default="")
    p.add_argument("--archives", "-archives", dest="archives", default="")
    p.add_argument("--pyfiles", "-pyfiles", dest="pyfiles", default="")
    p.add_argument("--name", dest="job_name", default=None)
    p.add_argument("--quiet", action="store_true")
    # --runner hadoop: run through a real cluster's Hadoop Streaming (pyhdp.mapreduce.job.hadoop_runner)
    p.add_argument("--runner", dest="runner", choices=("local", "hadoop"), default=None)
    p.add_argument("--hadoop-bin", dest="hadoop_bin", default=None)
    p.add_argument("--streaming-jar", dest="streaming_jar", default=None)
    p.add_argument("--python-bin", dest="python_bin", default=None)
    p.add_argument("--dry-run", dest="dry_run", action="store_true")
    return p


def _csv(text: str) -> list[str]:
    return [x for x in (text or "").split(",") if x]


def build_spec(job: Job, ref: dict, inputs: list[str], output: str, conf: Configuration) -> JobSpec:
    steps = job.steps()
    if not steps:
        raise JobSubmissionError(f"{type(job).__name__}.steps() returned no steps")
    engine_steps: list[Step] = []
    opts = job.options
    n = len(steps)
    for i, s in enumerate(steps):
        last = i == n - 1
        in_fmt = job.INPUT_FORMAT if i == 0 else "internal"
        out_fmt = job.OUTPUT_FORMAT if last else "internal"
        r = s.num_reduces
        if r is None and not s.has("reducer"):
            r = job.NUM_REDUCES or 0  # a step without reducer is map-only unless NUM_REDUCES asks
        if r is None and opts.num_reduces is not None:
            r = opts.num_reduces
        if r is None and job.NUM_REDUCES is not None:
            r = job.NUM_REDUCES
        step_conf = {k: str(v) for k, v in {**job.JOBCONF, **s.jobconf}.items()}
        group_prefix = s.group_prefix
        partitioner = None
        if type(job).partition_batch is not Job.partition_batch:
            partitioner = Component(f"{RUNTIME}:JobPartitioner", {"job": ref})
        elif group_prefix:
            partitioner = Component(f"{RUNTIME}:PrefixPartitioner", {"n": group_prefix})
        engine_steps.append(
            Step(
                mapper=Component(
                    f"{RUNTIME}:JobMapLogic",
                    {"job": ref, "step": i, "input_format": in_fmt, "output_format": out_fmt},
                ),
                combiner=Component(f"{RUNTIME}:JobCombineLogic", {"job": ref, "step": i})
                if s.has("combiner")
                else None,
                reducer=Component(
                    f"{RUNTIME}:JobReduceLogic",
                    {"job": ref, "step": i, "output_format": out_fmt, "final": True},
                ),
                num_reduces=r,
                input_format=in_fmt,
                output_format=out_fmt,
                partitioner=partitioner,
                group_key=Component(f"{RUNTIME}:prefix_group_key", {"n": group_prefix})
                if group_prefix
                else None,
                conf=step_conf,
                name=f"step {i + 1} of {n}",
            )
        )
    python_path = []
    if ref.get("file"):
        python_path.append(os.path.dirname(ref["file"]))
    name = (
        opts.job_name
        or (
            conf.get("mapreduce.job.name")
            if "mapreduce.job.name" in conf
            and not conf.sources.get("mapreduce.job.name", "").endswith("-default.yaml")
            else None
        )
        or type(job).__name__
    )
    return JobSpec(
        inputs=inputs,
        output=output,
        steps=engine_steps,
        name=name,
        api="new",
        python_path=python_path,
        files=_csv(opts.files),
        archives=_csv(opts.archives),
        pyfiles=_csv(opts.pyfiles),
    )


def submit(
    job_cls: type[Job],
    args: list[str],
    conf: Configuration,
    path: str | None = None,
    err: IO[str] | None = None,
) -> int:
    """Parse ``args``, build and run the job; returns the exit status (0 success, 1 failure)."""
    from pyhdp.mapreduce.api import run_job
    from pyhdp.mapreduce.job.runtime import job_ref

    err = err or sys.stderr
    job = job_cls(args)
    opts = job.options
    for path_c in opts.conf_files:
        conf.add_resource(path_c)
    for d in opts.defines:
        key, sep, value = d.partition("=")
        if not sep:
            err.write(f"-D option requires a property=value argument, got: {d}\n")
            return 255
        conf.set(key.strip(), value, source="from command line")
    if len(opts.paths) < 2:
        err.write(
            f"Usage: {job_cls.__name__} <in> [<in>...] <out> [-D key=value] [--num-reduces N] "
            "[--files f1,f2] [--archives a1] [--pyfiles p.zip] [--name NAME]\n"
        )
        return 2
    inputs, output = opts.paths[:-1], opts.paths[-1]
    if (opts.runner or conf.get("pyhdp.job.runner", "local")) == "hadoop":
        from pyhdp.mapreduce.job.hadoop_runner import submit_to_hadoop

        return submit_to_hadoop(job, args, conf, path, inputs, output, err, job_class=job_cls.__name__)
    ref = job_ref(job_cls, args, path)
    try:
        spec = build_spec(job, ref, inputs, output, conf)
        result = run_job(spec, conf, console=not opts.quiet, err=err)
    except JobSubmissionError as e:
        err.write(f'Exception in thread "main" {e.java_class}: {e}\n')
        return 1
    if not result.succeeded and result.failure is not None:
        f = result.failure
        err.write(f"Job failed: task {f.task_id} failed (last attempt {f.attempt_id}): {f.message}\n")
        if f.stderr_tail:
            err.write(f.stderr_tail.rstrip("\n") + "\n")
        if f.log_dir:
            err.write(f"Task logs: {f.log_dir}\n")
    return 0 if result.succeeded else 1


def main_for_class(job_cls: type[Job], args: list[str]) -> int:
    from pyhdp.cli.runtime import setup_logging
    from pyhdp.conf import load_configuration

    setup_logging()
    conf = load_configuration()
    try:
        return submit(job_cls, args, conf)
    except Exception as e:  # noqa: BLE001 - one line, not a traceback
        if os.environ.get("PYHDP_DEBUG"):
            raise
        sys.stderr.write(f"{type(e).__name__}: {e}\n" if not isinstance(e, OSError) else f"{e}\n")
        return 1
    finally:
        try:
            from pyhdp.fs import registry

            registry.close_all()
        except Exception:  # noqa: BLE001
            pass


def run_job_file(path: str, args: list[str], conf: Configuration, err: IO[str] | None = None) -> int:
    """``hadoop jar job.py ARGS`` / ``yarn jar job.py ARGS``: load the file and run its job.

    ``path`` may name a class: ``job.py:WordCount``.  Raises JobLoadError (a PyhdpError
    with the file and line) when the file does not import.
    """
    from pyhdp.mapreduce.job.runtime import find_job_class, load_module_from_file

    file, _, cls_name = (
        path.partition(":")
        if path.count(":") == 1 and not path.startswith(("file:", "hdfs:"))
        else (path, "", "")
    )
    module = load_module_from_file(file)
    cls = find_job_class(module, cls_name or None, file)
    return submit(cls, args, conf, os.path.abspath(file), err)


__all__ = ["base_parser", "build_spec", "main_for_class", "run_job_file", "submit", "Any"]
