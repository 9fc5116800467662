"""Engine components that run Streaming commands (Hadoop's PipeMapper, PipeReducer, PipeCombiner).

Each is created in the task process from ``Component("pyhdp.mapreduce.streaming.task:X", args)``.
Settings come from the task's configuration, under Hadoop's keys (``stream.*``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from typing import Any

from pyhdp.mapreduce.streaming import command as cmdmod
from pyhdp.mapreduce.streaming.pipe import Reporter, StreamingIOError, StreamingTaskError, pump, start_process
from pyhdp.mapreduce.streaming.records import join_group, join_pairs, parse_lines, to_bytes
from pyhdp.mapreduce.streaming.shuffle import CountedLines, decode, expand_parts

LOG = logging.getLogger("streaming.PipeMapRed")

#: Hadoop's write buffer in front of the command's stdin (PipeMapRed: 128 KiB); a command
#: that quits early fails only when more input than this was still waiting for it.
CLIENT_BUFFER = 128 * 1024

#: deprecated names Hadoop also exports (the task conf is passed through setDeprecatedProperties)
ENV_ALIASES = {
    "mapreduce_map_input_file": "map_input_file",
    "mapreduce_map_input_start": "map_input_start",
    "mapreduce_map_input_length": "map_input_length",
    "mapreduce_task_attempt_id": "mapred_task_id",
    "mapreduce_task_id": "mapred_tip_id",
    "mapreduce_task_partition": "mapred_task_partition",
    "mapreduce_task_ismap": "mapred_task_is_map",
    "mapreduce_job_id": "mapred_job_id",
    "mapreduce_job_user_name": "user_name",
    "mapreduce_job_name": "mapred_job_name",
    "mapreduce_job_reduces": "mapred_reduce_tasks",
    "mapreduce_output_fileoutputformat_outputdir": "mapred_output_dir",
    "mapreduce_task_output_dir": "mapred_work_output_dir",
}


_current: list[Any] = [None]


def current_context() -> Any:
    """The context of the map task running in this process (combiners get no context of their own)."""
    return _current[0]


def set_groups(ctx: Any, n: int) -> None:
    """REDUCE_INPUT_GROUPS = the number of distinct keys the command saw (the engine counts its own
    records, which in counted mode are (key, value) pairs)."""
    from pyhdp.mapreduce.counters import TASK_GROUP

    ctx.counters.set(TASK_GROUP, "REDUCE_INPUT_GROUPS", n)


def task_cwd(ctx: Any) -> str:
    """Where the command runs: the task's working directory (the process cwd, which holds the
    links to ``-files``/``-archives``), as Hadoop runs it in the container's directory."""
    try:
        return os.getcwd()
    except OSError:
        return getattr(ctx, "work_dir", None) or "/"


def conf_str(conf: Any, key: str, default: str) -> str:
    value = conf.get(key) if conf is not None else None
    return default if value is None else value


def conf_int(conf: Any, key: str, default: int) -> int:
    value = conf.get(key) if conf is not None else None
    try:
        return int(str(value).strip()) if value not in (None, "") else default
    except ValueError:
        return default


def conf_bool(conf: Any, key: str, default: bool) -> bool:
    value = conf.get(key) if conf is not None else None
    if value is None or str(value).strip() == "":
        return default
    return str(value).strip().lower() == "true"


def _sep(conf: Any, key: str) -> bytes:
    return conf_str(conf, key, "\t").encode("utf-8")


def io_id(conf: Any, key: str) -> str:
    ident = (conf_str(conf, key, "text") or "text").strip().lower()
    return ident if ident in ("rawbytes", "typedbytes") else "text"


def _binary_map_input(ctx: Any, ident: str, ignore_key: bool) -> Iterator[bytes]:
    """Mapper stdin in typed bytes or raw bytes: (key and) value per record."""
    from pyhdp.mapreduce.streaming import typedbytes as tb

    for keys, values in ctx.record_batches():
        parts: list[bytes] = []
        for k, v in zip(keys, values, strict=True):
            if ident == "typedbytes":
                if not ignore_key:
                    parts.append(tb.encode_long(k) if isinstance(k, int) else tb.encode_string(to_bytes(k)))
                parts.append(tb.encode_string(to_bytes(v)))
            else:
                if not ignore_key:
                    kb = (
                        k.to_bytes(8, "big", signed=True)
                        if isinstance(k, int)
                        else tb.writable_bytes(to_bytes(k))
                    )
                    parts.append(tb.raw_frame(kb))
                parts.append(tb.raw_frame(tb.writable_bytes(to_bytes(v))))
        if parts:
            yield b"".join(parts)


def _binary_to_text(ident: str, keys: list[bytes], values: list[bytes]) -> tuple[list[bytes], list[bytes]]:
    from pyhdp.mapreduce.streaming import typedbytes as tb

    conv = tb.text_to_string if ident == "typedbytes" else tb.raw_text
    return [conv(k) for k in keys], [conv(v) for v in values]


def task_environment(ctx: Any) -> dict[str, str]:
    """The command's environment for this task (job conf, task variables, -cmdenv)."""
    conf = ctx.conf
    items: dict[str, str] = {}
    if conf is not None:
        for key, value in conf.items():
            items[key] = "" if value is None else str(value)
    task_env = {cmdmod.safe_env_name(k): str(v) for k, v in (getattr(ctx, "env", None) or {}).items()}
    for new, old in ENV_ALIASES.items():
        if new in task_env and old not in task_env:
            task_env[old] = task_env[new]
    env = cmdmod.build_environment(
        items,
        task_env,
        task_cwd(ctx),
        conf_str(conf, "stream.addenvironment", ""),
        conf_int(conf, "stream.jobconf.truncate.limit", -1),
    )
    return env


def _command_argv(cmd: str, ctx: Any, env: dict[str, str]) -> list[str]:
    argv = cmdmod.split_args(cmd)
    argv = cmdmod.resolve_program(argv, task_cwd(ctx), env.get("PATH"))
    LOG.info("PipeMapRed exec %s", "[" + ", ".join(argv) + "]")
    return argv


def _reporter(ctx: Any) -> Reporter:
    counters = getattr(ctx, "counters", None)
    incr = getattr(counters, "incr", None) if counters is not None else None
    set_status = getattr(ctx, "set_status", None)
    return Reporter(conf_str(ctx.conf, "stream.stderr.reporter.prefix", "reporter:"), incr, set_status)


def _check_result(result, ctx: Any, role: str, buffer: int) -> None:
    """Hadoop's verdict on a finished command: broken pipe, non-zero exit."""
    if result.broken_pipe and result.unsent > buffer:
        if role == "reduce":
            state = (
                "subprocess exited successfully"
                if result.returncode == 0
                else (f"subprocess exited with error code {result.returncode}")
            )
            raise StreamingIOError(
                f"java.io.IOException: {state}\nR/W/S=?/?/? in:NA [rec/s] out:NA [rec/s]\nBroken pipe",
                result.stderr_tail,
            )
        raise StreamingIOError("java.io.IOException: Broken pipe", result.stderr_tail)
    if result.returncode != 0:
        code = result.returncode if result.returncode > 0 else 128 - result.returncode
        if conf_bool(ctx.conf, "stream.non.zero.exit.is.failure", True):
            raise StreamingTaskError(
                f"java.lang.RuntimeException: PipeMapRed.waitOutputThreads(): subprocess failed with code {code}",
                result.stderr_tail,
            )
        LOG.info(
            "PipeMapRed.waitOutputThreads(): subprocess exited with code %d in "
            "org.apache.hadoop.streaming.PipeMapRed",
            code,
        )


def _raw_map_input(ctx: Any, ignore_key: bool, sep: bytes) -> Iterator[bytes]:
    """What Hadoop's TextInputWriter writes to the mapper: ``value\\n`` or ``key SEP value\\n``."""
    text_chunks = getattr(ctx, "text_chunks", None)
    if ignore_key and text_chunks is not None:
        try:
            chunks = text_chunks()
        except (NotImplementedError, TypeError, AttributeError):
            chunks = None
        if chunks is not None:
            for chunk in chunks:
                data = chunk.data
                if not data:
                    continue
                if getattr(chunk, "delimiter", None) is None and b"\r" not in data:
                    yield data if data.endswith(b"\n") else data + b"\n"
                else:
                    lines = chunk.lines()
                    if lines:
                        yield b"\n".join(lines) + b"\n"
            return
    for keys, values in ctx.record_batches():
        if not keys:
            continue
        vals = [to_bytes(v) for v in values]
        if ignore_key:
            yield b"\n".join(vals) + b"\n"
        else:
            yield b"\n".join(map(sep.join, zip([to_bytes(k) for k in keys], vals, strict=False))) + b"\n"


class PipeMapper:
    """``-mapper CMD``: the split's records go to CMD's stdin, its stdout lines become map output.

    ``encoded``: map output goes to the engine as distinct counted lines (see :mod:`.shuffle`).
    """

    def __init__(
        self, command: str, ignore_key: bool | None = None, encoded: bool = False, xml: bool = False, **_: Any
    ):
        self.command = command
        self.ignore_key = ignore_key
        self.encoded = encoded
        self.xml = xml

    def run_map(self, ctx: Any) -> None:
        _current[0] = ctx
        conf = ctx.conf
        ignore_key = self.ignore_key
        if conf is not None and conf.get("stream.map.input.ignoreKey") is not None:
            ignore_key = conf_bool(conf, "stream.map.input.ignoreKey", True)
        if ignore_key is None:
            ignore_key = True
        in_sep = _sep(conf, "stream.map.input.field.separator")
        out_sep = _sep(conf, "stream.map.output.field.separator")
        nkeys = conf_int(conf, "stream.num.map.output.key.fields", 1)
        env = task_environment(ctx)
        argv = _command_argv(self.command, ctx, env)
        reporter = _reporter(ctx)
        proc = start_process(argv, env, task_cwd(ctx))
        emit_batch = ctx.emit_batch
        counted = CountedLines() if self.encoded else None
        emitted = [0]
        in_id, out_id = io_id(conf, "stream.map.input"), io_id(conf, "stream.map.output")
        parser = None
        if out_id != "text":
            from pyhdp.mapreduce.streaming.typedbytes import PairParser

            parser = PairParser(raw=out_id == "rawbytes")
        map_only = getattr(ctx, "num_reduces", 1) == 0

        collector = getattr(ctx, "collector", None)
        engine_bytes = [0]

        def flush_counted() -> None:
            keys, counts = counted.take(out_sep, nkeys)
            if keys:
                emitted[0] += len(keys)
                before = getattr(collector, "out_bytes", 0)
                emit_batch(keys, counts)
                engine_bytes[0] += getattr(collector, "out_bytes", 0) - before

        def on_output(data: bytes) -> None:
            if parser is not None:
                keys, values = parser.feed(data)
                if keys:
                    if map_only:
                        keys, values = _binary_to_text(out_id, keys, values)
                    emit_batch(keys, values)
                return
            if counted is not None:
                counted.add_data(data)
                if counted.full():
                    flush_counted()
                return
            keys, values = parse_lines(data, out_sep, nkeys)
            if keys:
                emit_batch(keys, values)

        if self.xml:
            from pyhdp.mapreduce.streaming.xmlreader import xml_map_input

            source = xml_map_input(ctx, in_sep)
        elif in_id != "text":
            source = _binary_map_input(ctx, in_id, ignore_key)
        else:
            source = _raw_map_input(ctx, ignore_key, in_sep)
        result = pump(proc, source, on_output, reporter, line_mode=parser is None)
        if parser is not None:
            parser.feed(b"", final=True)
        _check_result(result, ctx, "map", 2 * CLIENT_BUFFER)
        if counted is not None:
            flush_counted()
            extra = counted.records - emitted[0]
            if extra:
                ctx.counters.task("MAP_OUTPUT_RECORDS", extra)
            if collector is not None and hasattr(collector, "out_bytes"):
                # the engine counted the bytes of the counted form; Map output bytes = the records'
                ctx.counters.task("MAP_OUTPUT_BYTES", counted.record_bytes - engine_bytes[0])


class StreamIdentityMapper:
    """No ``-mapper``: Hadoop's IdentityMapper; with TextInputFormat the key is the byte offset."""

    def __init__(self, numeric_keys: bool = True, **_: Any):
        self.numeric_keys = numeric_keys

    def run_map(self, ctx: Any) -> None:
        _current[0] = ctx
        for keys, values in ctx.record_batches():
            if keys:
                ctx.emit_batch([to_bytes(k) for k in keys], [to_bytes(v) for v in values])


def _sorted_input(ctx: Any, sep: bytes, encoded: bool, stats: list[int]) -> Iterator[bytes]:
    """Reducer stdin: ``key SEP value\\n`` per record, in sorted order, big chunks.

    ``stats`` gathers [records, groups, distinct engine records] for the task counters.
    """
    pending: list[bytes] = []
    size = 0
    last_key: list[Any] = [None]
    for chunk in ctx.sorted_chunks():
        if not chunk:
            continue
        if encoded:
            pieces, total, keys = expand_parts(chunk, sep)
            stats[2] += len(chunk)
        else:
            k0, v0 = chunk[0]
            if type(k0) is not bytes or type(v0) is not bytes:
                chunk = [(to_bytes(k), to_bytes(v)) for k, v in chunk]
            pieces = [join_pairs(chunk, sep)]
            total = len(chunk)
            stats[2] += len(chunk)
            keys = [rec[0] for rec in chunk]
        stats[0] += total
        prev = last_key[0]
        groups = 0
        for k in keys:
            if k != prev:
                groups += 1
                prev = k
        last_key[0] = prev
        stats[1] += groups
        for data in pieces:
            pending.append(data)
            size += len(data)
            if size >= (1 << 20):
                yield b"".join(pending)
                pending, size = [], 0
    if pending:
        yield b"".join(pending)


def _binary_reduce_input(ctx: Any, stats: list[int]) -> Iterator[bytes]:
    """Reducer stdin in typed/raw bytes: the map output objects, key then value, in order."""
    last = None
    for chunk in ctx.sorted_chunks():
        if not chunk:
            continue
        stats[0] += len(chunk)
        stats[2] += len(chunk)
        for k, _v in chunk:
            if k != last:
                stats[1] += 1
                last = k
        yield b"".join(k + v for k, v in chunk)


class PipeReducer:
    """``-reducer CMD``: sorted ``key\\tvalue`` lines to CMD's stdin, its stdout lines to the output."""

    def __init__(self, command: str, encoded: bool = False, **_: Any):
        self.command = command
        self.encoded = encoded

    def run_reduce(self, ctx: Any) -> None:
        conf = ctx.conf
        in_sep = _sep(conf, "stream.reduce.input.field.separator")
        out_sep = _sep(conf, "stream.reduce.output.field.separator")
        nkeys = conf_int(
            conf, "stream.num.reduce.output.key.fields", conf_int(conf, "stream.num.reduce.output.fields", 1)
        )
        env = task_environment(ctx)
        argv = _command_argv(self.command, ctx, env)
        reporter = _reporter(ctx)
        proc = start_process(argv, env, task_cwd(ctx))
        emit_batch = ctx.emit_batch
        in_id, out_id = io_id(conf, "stream.reduce.input"), io_id(conf, "stream.reduce.output")
        parser = None
        if out_id != "text":
            from pyhdp.mapreduce.streaming.typedbytes import PairParser

            parser = PairParser(raw=out_id == "rawbytes")

        def on_output(data: bytes) -> None:
            if parser is not None:
                keys, values = parser.feed(data)
                if keys:
                    emit_batch(*_binary_to_text(out_id, keys, values))
                return
            keys, values = parse_lines(data, out_sep, nkeys)
            if keys:
                emit_batch(keys, values)

        stats = [0, 0, 0]
        source = (
            _binary_reduce_input(ctx, stats)
            if in_id != "text"
            else _sorted_input(ctx, in_sep, self.encoded, stats)
        )
        result = pump(proc, source, on_output, reporter, line_mode=parser is None)
        if parser is not None:
            parser.feed(b"", final=True)
        _check_result(result, ctx, "reduce", CLIENT_BUFFER)
        if stats[0] != stats[2]:
            ctx.counters.task("REDUCE_INPUT_RECORDS", stats[0] - stats[2])
        if stats[1]:
            set_groups(ctx, stats[1])


class PipeCombiner:
    """``-combiner CMD``: run per spill over its groups (Hadoop starts the command per combine)."""

    def __init__(
        self,
        command: str,
        encoded: bool = False,
        conf: dict[str, str] | None = None,
        work_dir: str | None = None,
        **_: Any,
    ):
        self.command = command
        self.encoded = encoded
        self.conf_items = conf or {}
        self.work_dir = work_dir

    def combine(self, groups: Iterable[tuple[bytes, list]]) -> list[tuple[bytes, bytes]]:
        ctx = current_context()
        conf = ctx.conf if ctx is not None else None
        in_sep = _sep(conf, "stream.reduce.input.field.separator")
        out_sep = _sep(conf, "stream.reduce.output.field.separator")
        nkeys = conf_int(conf, "stream.num.reduce.output.key.fields", 1)
        work_dir = task_cwd(ctx) if ctx is not None else (self.work_dir or os.getcwd())
        if ctx is not None:
            env = task_environment(ctx)
        else:
            env = cmdmod.build_environment(self.conf_items, {}, work_dir, None)
        argv = cmdmod.resolve_program(cmdmod.split_args(self.command), work_dir, env.get("PATH"))
        reporter = _reporter(ctx) if ctx is not None else Reporter()
        proc = start_process(argv, env, work_dir)
        out_keys: list[bytes] = []
        out_values: list[bytes] = []

        stats = [0, 0]

        def feed() -> Iterator[bytes]:
            pending: list[bytes] = []
            size = 0
            for key, values in groups:
                if self.encoded:
                    k, v = decode(key)
                    values = list(values)
                    c = sum(int(x) for x in values)
                    stats[0] += c
                    stats[1] += len(values)
                    data = (k + in_sep + v + b"\n") * c
                else:
                    data = join_group(to_bytes(key), [to_bytes(v) for v in values], in_sep)
                pending.append(data)
                size += len(data)
                if size >= (1 << 20):
                    yield b"".join(pending)
                    pending, size = [], 0
            if pending:
                yield b"".join(pending)

        counted = CountedLines(limit=1 << 62) if self.encoded else None

        def on_output(data: bytes) -> None:
            if counted is not None:
                counted.add_data(data)
                return
            keys, values = parse_lines(data, out_sep, nkeys)
            out_keys.extend(keys)
            out_values.extend(values)

        result = pump(proc, feed(), on_output, reporter)
        if counted is not None:
            n_out = counted.records
            out_keys, counts = counted.take(out_sep, nkeys)
            if ctx is not None:
                ctx.counters.task("COMBINE_INPUT_RECORDS", stats[0] - stats[1])
                ctx.counters.task("COMBINE_OUTPUT_RECORDS", n_out - len(out_keys))
            out_values = counts  # type: ignore[assignment]
        if ctx is not None:
            _check_result(result, ctx, "reduce", CLIENT_BUFFER)
        elif result.returncode != 0:
            raise StreamingTaskError(
                "java.lang.RuntimeException: PipeMapRed.waitOutputThreads(): subprocess failed with code "
                f"{result.returncode}",
                result.stderr_tail,
            )
        return list(zip(out_keys, out_values, strict=False))
