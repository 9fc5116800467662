"""``python -m pyhdp.mapreduce.task``: the one entry point of every task.

Modes:

* ``--spec FILE [--result FILE]`` — run one attempt described by a JSON file (a YARN
  container, or a debugging re-run); the result JSON goes to ``--result`` or stdout.
* ``--worker --result-fd N`` — a pool worker of the local runner: reads one JSON line per
  attempt on stdin (``{"desc": ..., "log_dir": ...}``), runs it with stdout/stderr
  redirected to ``log_dir/stdout`` / ``log_dir/stderr``, and writes progress and
  ``{"type": "done", ...}`` lines to fd N.  A crash of the worker is seen by the runner
  as the end of that pipe.
* ``--job FILE_OR_MODULE[:Class] --step N (--mapper|--combiner|--reducer)`` — a Python
  job's role on stdin → stdout, as Hadoop Streaming (real or pyhdp's) runs it.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any


def _run_one(desc: dict, send) -> dict:
    from pyhdp.mapreduce.taskrun import run_attempt

    return run_attempt(desc, send)


def _error_result(exc: BaseException) -> dict:
    tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return {"type": "done", "ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": tb}


def worker(result_fd: int) -> int:
    out = os.fdopen(result_fd, "w", buffering=1)
    commands = os.fdopen(os.dup(0), "r")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    saved_out, saved_err = os.dup(1), os.dup(2)

    def send(msg: dict) -> None:
        out.write(json.dumps(msg) + "\n")

    for line in commands:
        if not line.strip():
            continue
        cmd = json.loads(line)
        if cmd.get("type") == "exit":
            break
        desc, log_dir = cmd["desc"], cmd["log_dir"]
        os.makedirs(log_dir, exist_ok=True)
        fo = os.open(os.path.join(log_dir, "stdout"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        fe = os.open(os.path.join(log_dir, "stderr"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(fo, 1)
        os.dup2(fe, 2)
        os.close(fo)
        os.close(fe)
        cwd = os.getcwd()
        try:
            work = desc.get("work_dir")
            if work:
                os.makedirs(work, exist_ok=True)
                os.chdir(work)
            result = _run_one(desc, send)
            result.update(type="done", ok=True)
        except BaseException as e:  # noqa: BLE001 - everything a task does wrong is reported
            traceback.print_exc()
            result = _error_result(e)
            if isinstance(e, KeyboardInterrupt):
                raise
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            except Exception:  # noqa: BLE001
                pass
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.chdir(cwd)
        send(result)
    return 0


def run_spec(spec_path: str, result_path: str | None) -> int:
    with open(spec_path) as f:
        desc = json.load(f)
    try:
        result = _run_one(desc, None)
        result.update(type="done", ok=True)
        code = 0
    except Exception as e:  # noqa: BLE001
        traceback.print_exc()
        result = _error_result(e)
        code = 1
    text = json.dumps(result)
    if result_path:
        with open(result_path, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text + "\n")
    return code


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--worker" in argv:
        i = argv.index("--result-fd")
        return worker(int(argv[i + 1]))
    if "--spec" in argv:
        i = argv.index("--spec")
        result = argv[argv.index("--result") + 1] if "--result" in argv else None
        return run_spec(argv[i + 1], result)
    if "--job" in argv:
        from pyhdp.mapreduce.job.streaming import streaming_main

        return streaming_main(argv)
    sys.stderr.write(
        "Usage: python -m pyhdp.mapreduce.task --spec FILE | --worker --result-fd N | "
        "--job FILE[:Class] --step N --mapper|--combiner|--reducer\n"
    )
    return 2


def _entry() -> Any:
    sys.exit(main())


if __name__ == "__main__":
    _entry()
