"""``mapred streaming ...`` and ``hadoop jar hadoop-streaming-*.jar ...`` (HadoopStreaming + StreamJob).

Exit codes as Hadoop's: 0 success (also ``-help``/``-info``), 1 argument errors or a job
that did not succeed, 2/3/4/5 errors at submission (5 for "output exists" and "input
path does not exist"); any non-zero status adds ``Streaming Command Failed!`` on stderr.
"""

from __future__ import annotations

import os
import sys
from typing import Any

LOGGER = "streaming.StreamJob"


def _console():
    from pyhdp.mapreduce.console import JobConsole

    return JobConsole(err=sys.stderr)


def run(args: list[str], conf: Any) -> int:
    """``mapred streaming`` entry point (generic options already applied to ``conf``)."""
    status = stream_job(args, conf)
    if status != 0:
        sys.stdout.flush()
        sys.stderr.write("Streaming Command Failed!\n")
        sys.stderr.flush()
    return status


def run_jar(args: list[str], conf: Any) -> int:
    """``hadoop jar hadoop-streaming.jar ARGS``: ToolRunner parses generic options first."""
    from pyhdp.cli.generic import apply_generic_options, parse_generic_options
    from pyhdp.errors import UsageError

    try:
        gopts, rest = parse_generic_options(args)
    except UsageError as e:
        sys.stderr.write(f"{e}\n")
        return _usage_fail(conf)
    apply_generic_options(conf, gopts)
    return run(rest, conf)


def _usage_fail(conf: Any) -> int:
    from pyhdp.mapreduce.streaming.options import usage_text

    sys.stdout.write(usage_text(False))
    sys.stderr.write("Streaming Command Failed!\n")
    return 1


def stream_job(args: list[str], conf: Any) -> int:
    from pyhdp.mapreduce.streaming.options import StreamUsageError, parse_stream_args, usage_text

    con = _console()
    try:
        opts = parse_stream_args(args)
        if opts.print_usage:
            sys.stdout.write(usage_text(opts.info))
            return 0
        from pyhdp.mapreduce.streaming.job import build_job

        spec = build_job(opts, conf, lambda msg: con.warn(LOGGER, msg))
    except StreamUsageError as e:
        e.report()
        return 1
    verbose = opts.verbose
    if verbose:
        _verbose_dump(opts, conf)
    if opts.background:
        return _background(args, conf, con)
    if opts.files:
        # StreamJob.packageJobJar: -file entries go into a job jar (stdout, as Hadoop prints it)
        import random
        import tempfile

        tmp = conf.get("stream.tmpdir")
        jar = os.path.join(tmp or tempfile.gettempdir(), f"streamjob{random.randrange(1 << 62)}.jar")
        sys.stdout.write(f"packageJobJar: [{', '.join(opts.files)}] [] {jar} tmpDir={tmp or 'null'}\n")
        sys.stdout.flush()
    from pyhdp.mapreduce.api import JobSubmissionError, run_job

    try:
        result = run_job(spec, conf, console=True, err=sys.stderr)
    except JobSubmissionError as e:
        message = str(e)
        con.error(LOGGER, f"Error Launching job : {message}")
        if "exists on the local disk" not in message and "the path exists" not in message:
            _input_hint(message, opts.inputs)
        return getattr(e, "streaming_exit", 5) or 5
    except FileNotFoundError as e:
        con.error(LOGGER, f"Error launching job , bad input path : {e}")
        _input_hint(str(e), opts.inputs)
        return 2
    except OSError as e:
        con.error(LOGGER, f"Error Launching job : {e}")
        return 5
    if not result.succeeded:
        con.error(LOGGER, "Job not successful!")
        return 1
    con.info(LOGGER, f"Output directory: {opts.output}")
    return 0


def _input_hint(message: str, inputs: list[str]) -> None:
    if "Input path does not exist" not in message:
        return
    for spec in inputs:
        for p in spec.split(","):
            if "://" in p or p.startswith(("file:", "hdfs:")):
                continue
            if os.path.exists(p):
                sys.stderr.write(
                    f"Hint: {p} exists on the local disk, but paths without a scheme are read from the default "
                    f"file system (fs.defaultFS). To read the local file, write file://{os.path.abspath(p)}\n"
                )


def _verbose_dump(opts, conf) -> None:
    out = sys.stdout
    out.write(f"STREAM: addTaskEnvironment={conf.get('stream.addenvironment') or ''}\n")
    out.write(f"STREAM: cmd={opts.mapper}\n")
    out.write(f"STREAM: cmd={opts.combiner}\n")
    out.write(f"STREAM: cmd={opts.reducer}\n")
    out.write("STREAM: ==== JobConf properties:\n")
    for key, value in conf.items():
        out.write(f"STREAM: {key}={value}\n")
    out.write("STREAM: ====\n")
    out.flush()


def _background(args: list[str], conf: Any, con) -> int:
    """``-background``: the job runs on in a detached process; the client returns at once."""
    import subprocess

    rest = [a for a in args if a != "-background"]
    defines: list[str] = []
    for key in conf.keys():
        if conf.sources.get(key) in ("from command line", "programmatically"):
            defines += ["-D", f"{key}={conf.get_raw(key)}"]
    log_dir = os.path.join(os.path.expanduser("~"), ".pyhdp", "logs")
    os.makedirs(log_dir, exist_ok=True)
    log = open(os.path.join(log_dir, f"streamjob-background-{os.getpid()}.log"), "ab")
    subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pyhdp.cli.main import main; sys.exit(main('mapred'))",
            "streaming",
            *defines,
            *rest,
        ],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    con.info(LOGGER, "Job is running in background.")
    return 0
