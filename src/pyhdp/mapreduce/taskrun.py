"""Run one task attempt from its JSON description (the body of every runner's task).

The description (built by :mod:`pyhdp.mapreduce.runners.base`)::

    {"job_id", "task_id", "attempt_id", "type": "m"|"r", "partition", "num_reduces",
     "num_maps", "api", "step": Step.to_json(), "conf": {"props": {...}, "defaults": [...]},
     "split": FileSplit (maps), "map_outputs": [paths of file.out] (reduces),
     "local_dir": scratch dir of the attempt, "output": {"dir": URI, "name": "part-r-00000"},
     "python_path": [...], "env": {...}}

``run_attempt(desc, send)`` returns ``{"counters": ..., "map_output": path}`` or raises.
"""

from __future__ import annotations

import importlib
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from pyhdp.mapreduce.api import Component, Step
from pyhdp.mapreduce.counters import FS_GROUP, INPUT_GROUP, OUTPUT_GROUP, Counters


def import_target(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj = importlib.import_module(module)
    for part in attr.split(".") if attr else ():
        obj = getattr(obj, part)
    return obj


def instantiate(comp: Component | None, default: Any = None) -> Any:
    if comp is None:
        return default
    return import_target(comp.target)(**comp.args)


def conf_from_json(data: dict) -> Any:
    from pyhdp.conf import Configuration

    conf = Configuration(load_defaults=False)
    defaults = set(data.get("defaults", ()))
    for k, v in data["props"].items():
        conf.set(k, v, source="mapred-default.yaml" if k in defaults else "job.xml")
    return conf


def conf_to_json(conf: Any) -> dict:
    props = dict(conf.items())
    defaults = [k for k in props if conf.sources.get(k, "").endswith("-default.yaml")]
    return {"props": props, "defaults": defaults}


def task_env(desc: dict, conf: Any) -> dict[str, str]:
    """Hadoop's task variables, dots as underscores (as Streaming exports them)."""
    env = {
        "mapreduce_job_id": desc["job_id"],
        "mapreduce_task_id": desc["task_id"],
        "mapreduce_task_attempt_id": desc["attempt_id"],
        "mapreduce_task_partition": str(desc["partition"]),
        "mapreduce_task_ismap": "true" if desc["type"] == "m" else "false",
        "mapreduce_job_name": conf.get("mapreduce.job.name", "") or "",
        "mapreduce_task_output_dir": desc["output"]["dir"],
    }
    split = desc.get("split")
    if split:
        env["mapreduce_map_input_file"] = split["path"]
        env["mapreduce_map_input_start"] = str(split["start"])
        env["mapreduce_map_input_length"] = str(split["length"])
    env.update(desc.get("env") or {})
    return env


class IdentityMapper:
    def run_map(self, ctx: Any) -> None:
        to_bytes = ctx.num_reduces > 0
        for keys, values in ctx.record_batches():
            if to_bytes and keys and type(keys[0]) is not bytes:
                keys = [k if type(k) is bytes else str(k).encode() for k in keys]
            ctx.emit_batch(keys, values)


class IdentityReducer:
    def run_reduce(self, ctx: Any) -> None:
        for block in ctx.sorted_chunks():
            ctx.emit_batch([r[0] for r in block], [r[1] for r in block])


def _setup_paths(desc: dict) -> None:
    for p in reversed(desc.get("python_path") or []):
        if p not in sys.path:
            sys.path.insert(0, p)


def _fs_counter(counters: Counters, scheme: str, name: str, n: int) -> None:
    counters.incr(FS_GROUP, f"{scheme.upper()}_{name}", n)


def _init_fs_counters(counters: Counters, schemes: set[str]) -> None:
    for s in sorted(schemes):
        for name in ("BYTES_READ", "BYTES_WRITTEN", "READ_OPS", "LARGE_READ_OPS", "WRITE_OPS"):
            _fs_counter(counters, s, name, 0)


def run_attempt(desc: dict, send: Callable[[dict], None] | None = None) -> dict:
    _setup_paths(desc)
    if desc.get("links") and desc.get("work_dir"):
        from pyhdp.mapreduce.runners.localize import make_links

        make_links(desc["work_dir"], desc["links"])
    conf = conf_from_json(desc["conf"])
    step = Step.from_json(desc["step"])
    for k, v in step.conf.items():
        conf.set(k, v, source="job.xml")
    os.environ.update({k: v for k, v in (desc.get("env") or {}).items()})
    for k, v in task_env(desc, conf).items():  # Hadoop's task settings, dotted names
        if k.startswith("mapreduce_"):
            conf.set(k.replace("_", "."), v, source="task")
    conf.set("mapreduce.task.attempt.id", desc["attempt_id"], source="task")
    counters = Counters()
    started = time.process_time()
    if desc["type"] == "m":
        result = _run_map(desc, conf, step, counters, send)
    else:
        result = _run_reduce(desc, conf, step, counters, send)
    counters.task("CPU_MILLISECONDS", int((time.process_time() - started) * 1000))
    counters.task("GC_TIME_MILLIS", 0)
    result["counters"] = check_counter_limits(counters, conf).to_json()
    return result


class LimitExceededError(RuntimeError):
    """Hadoop's ``org.apache.hadoop.mapreduce.counters.LimitExceededException``."""

    def __str__(self) -> str:
        return f"org.apache.hadoop.mapreduce.counters.LimitExceededException: {self.args[0]}"


def check_counter_limits(counters: Counters, conf: Any) -> Counters:
    """Truncate long names and enforce ``mapreduce.job.counters.max`` / ``.groups.max``."""
    gmax = conf.get_int("mapreduce.job.counters.group.name.max", 128)
    cmax = conf.get_int("mapreduce.job.counters.counter.name.max", 64)
    out = Counters()
    for group, names in counters.groups.items():
        for name, value in names.items():
            out.incr(group[:gmax], name[:cmax], value)
    limit = conf.get_int("mapreduce.job.counters.max", 120)
    groups_limit = conf.get_int("mapreduce.job.counters.groups.max", 50)
    if len(out) > limit:
        raise LimitExceededError(f"Too many counters: {len(out)} max={limit}")
    if len(out.groups) > groups_limit:
        raise LimitExceededError(f"Too many counter groups: {len(out.groups)} max={groups_limit}")
    return out


def _writer_for(desc: dict, conf: Any, step: Step) -> tuple[Any, Any, str]:
    from pyhdp.mapreduce.input.splits import resolve
    from pyhdp.mapreduce.output import open_writer

    fmt = step.output_format if isinstance(step.output_format, str) else "text"
    fs, path = resolve(desc["output"]["dir"], conf)
    target = path.rstrip("/") + "/" + desc["output"]["name"]
    if fmt == "null":
        return open_writer("null", fs, target, conf), fs, fmt
    if conf.get_bool("pyhdp.output.lazy", False):
        return _LazyWriter(lambda: open_writer(fmt, fs, target, conf)), fs, fmt
    return open_writer(fmt, fs, target, conf), fs, fmt


class _LazyWriter:
    """LazyOutputFormat: the file is created on the first record."""

    def __init__(self, factory: Callable[[], Any]):
        self.factory = factory
        self.writer: Any = None

    @property
    def records(self) -> int:
        return self.writer.records if self.writer else 0

    def write_batch(self, keys: list, values: list) -> None:
        if self.writer is None:
            if not keys:
                return
            self.writer = self.factory()
        self.writer.write_batch(keys, values)

    def close(self) -> int:
        return self.writer.close() if self.writer else 0


def _run_map(desc: dict, conf: Any, step: Step, counters: Counters, send) -> dict:
    from pyhdp.mapreduce.context import MapContext
    from pyhdp.mapreduce.input.formats import SplitReader, canonical_format
    from pyhdp.mapreduce.input.splits import FileSplit
    from pyhdp.mapreduce.sortbuffer import MapOutputCollector

    split = FileSplit.from_json(desc["split"])
    fmt = canonical_format(step.input_format) if isinstance(step.input_format, str) else "text"
    reader = SplitReader(fmt, split, conf)
    r = desc["num_reduces"]
    local_dir = desc["local_dir"]
    os.makedirs(local_dir, exist_ok=True)
    ctx = MapContext(
        conf,
        counters,
        desc["job_id"],
        desc["task_id"],
        desc["attempt_id"],
        desc["partition"],
        True,
        r,
        task_env(desc, conf),
        local_dir,
        send,
        split=split,
        reader=reader,
    )
    collector = writer = out_fs = None
    if r > 0:
        collector = MapOutputCollector(
            local_dir,
            r,
            counters,
            partitioner=instantiate(step.partitioner),
            sort_key=instantiate(step.sort_key),
            combiner=instantiate(step.combiner),
            sort_mb=conf.get_int("mapreduce.task.io.sort.mb", 100),
            spill_percent=conf.get_float("mapreduce.map.sort.spill.percent", 0.8),
            factor=conf.get_int("mapreduce.task.io.sort.factor", 10),
            min_spills_for_combine=conf.get_int("mapreduce.map.combine.minspills", 3),
            compress=conf.get_bool("mapreduce.map.output.compress", False),
        )
        ctx.collector = collector
        ctx._sink = collector.add_batch
    else:
        writer, out_fs, _fmt = _writer_for(desc, conf, step)
        ctx.writer = writer
        ctx._sink = writer.write_batch
    logic = instantiate(step.mapper, IdentityMapper()) if step.mapper else IdentityMapper()
    logic.run_map(ctx)
    ctx.flush_emits()
    counters.task("MAP_INPUT_RECORDS", reader.records_read)
    counters.task("SPLIT_RAW_BYTES", split.raw_bytes(desc.get("api", "new")))
    schemes = {reader.scheme}
    result: dict = {}
    if collector is not None:
        final = collector.flush()
        result["map_output"] = final
        schemes.add("file")
        _init_fs_counters(counters, schemes)
        _fs_counter(counters, "file", "BYTES_WRITTEN", os.path.getsize(final))
    else:
        written = writer.close()
        counters.task("MAP_OUTPUT_RECORDS", writer.records)
        counters.task("SPILLED_RECORDS", 0)
        schemes.add(out_fs.scheme)
        _init_fs_counters(counters, schemes)
        _fs_counter(counters, out_fs.scheme, "BYTES_WRITTEN", written)
        _fs_counter(counters, out_fs.scheme, "WRITE_OPS", 1 if written or writer.records else 0)
        counters.incr(OUTPUT_GROUP, "BYTES_WRITTEN", written)
    _fs_counter(counters, reader.scheme, "BYTES_READ", reader.bytes_read)
    _fs_counter(counters, reader.scheme, "READ_OPS", 1)
    counters.incr(INPUT_GROUP, "BYTES_READ", reader.bytes_read)
    counters.task("FAILED_SHUFFLE", 0)
    counters.task("MERGED_MAP_OUTPUTS", 0)
    _memory_counters(counters, "MAP")
    return result


def _memory_counters(counters: Counters, kind: str) -> None:
    try:
        import resource

        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    except (ImportError, OSError):
        rss = 0
    counters.task("PHYSICAL_MEMORY_BYTES", rss)
    counters.task("VIRTUAL_MEMORY_BYTES", 0)
    counters.task("COMMITTED_HEAP_BYTES", 0)
    counters.task(f"{kind}_PHYSICAL_MEMORY_BYTES_MAX", rss)


#: memory one run of a streaming merge holds (one decoded block), for the reduce-side width
RUN_MEMORY = 4 << 20
#: cap of the memory of the reduce-side merge heads
REDUCE_MERGE_MEMORY = 200 << 20


def reduce_merge_width(conf: Any) -> int:
    """How many map outputs a reduce merges in one pass.

    Hadoop keeps fetched map outputs in the shuffle buffer (``mapreduce.reduce.memory.mb``
    × ``mapreduce.reduce.shuffle.input.buffer.percent``) and merges those in memory
    without the ``mapreduce.task.io.sort.factor`` limit, which applies to on-disk segments.
    pyhdp streams every segment (one block in memory per segment), so the segments whose
    heads fit that buffer — at most 200 MiB of it — merge in one pass; never fewer than
    the factor.
    """
    factor = conf.get_int("mapreduce.task.io.sort.factor", 10)
    mb = conf.get_int("mapreduce.reduce.memory.mb", -1)
    mb = 1024 if mb <= 0 else mb
    budget = min(
        mb * (1 << 20) * conf.get_float("mapreduce.reduce.shuffle.input.buffer.percent", 0.7),
        REDUCE_MERGE_MEMORY,
    )
    return max(factor, int(budget // RUN_MEMORY))


def _run_reduce(desc: dict, conf: Any, step: Step, counters: Counters, send) -> dict:
    from pyhdp.mapreduce.context import ReduceContext
    from pyhdp.mapreduce.mapoutput import read_index, read_segment
    from pyhdp.mapreduce.merge import merge_passes, merge_runs

    p = desc["partition"]
    local_dir = desc["local_dir"]
    os.makedirs(local_dir, exist_ok=True)
    segs = []
    total = 0
    shuffle_bytes = 0
    fetched = 0
    for path in desc["map_outputs"]:
        index = read_index(path + ".index")
        offset, length, count = index[p]
        fetched += 1
        shuffle_bytes += length
        total += count
        if count:
            segs.append(lambda path=path, index=index: read_segment(path, p, index))
    counters.task("SHUFFLED_MAPS", fetched)
    counters.task("MERGED_MAP_OUTPUTS", fetched)
    counters.task("FAILED_SHUFFLE", 0)
    counters.task("REDUCE_SHUFFLE_BYTES", shuffle_bytes)
    for name in ("BAD_ID", "CONNECTION", "IO_ERROR", "WRONG_LENGTH", "WRONG_MAP", "WRONG_REDUCE"):
        counters.incr("Shuffle Errors", name, 0)
    sort_key = instantiate(step.sort_key)
    spilled = [0]

    def on_spill(n: int) -> None:
        spilled[0] += n

    segs = merge_passes(segs, reduce_merge_width(conf), local_dir, sort_key, on_spill)
    blocks = merge_runs([iter(s()) for s in segs], sort_key)
    writer, out_fs, _fmt = _writer_for(desc, conf, step)
    ctx = ReduceContext(
        conf,
        counters,
        desc["job_id"],
        desc["task_id"],
        desc["attempt_id"],
        p,
        False,
        desc["num_reduces"],
        task_env(desc, conf),
        local_dir,
        send,
        blocks=blocks,
        total_records=total,
        group_key=instantiate(step.group_key),
    )
    ctx.writer = writer
    ctx._sink = writer.write_batch
    logic = instantiate(step.reducer, IdentityReducer()) if step.reducer else IdentityReducer()
    logic.run_reduce(ctx)
    ctx.flush_emits()
    written = writer.close()
    counters.task("REDUCE_INPUT_GROUPS", 0)
    counters.task("REDUCE_INPUT_RECORDS", ctx.records_read)
    counters.task("REDUCE_OUTPUT_RECORDS", writer.records)
    counters.task("SPILLED_RECORDS", ctx.records_read + spilled[0])
    counters.task("COMBINE_INPUT_RECORDS", 0)
    counters.task("COMBINE_OUTPUT_RECORDS", 0)
    _init_fs_counters(counters, {"file", out_fs.scheme})
    _fs_counter(counters, "file", "BYTES_READ", shuffle_bytes)
    _fs_counter(counters, out_fs.scheme, "BYTES_WRITTEN", written)
    _fs_counter(counters, out_fs.scheme, "WRITE_OPS", 1 if written or writer.records else 0)
    counters.incr(OUTPUT_GROUP, "BYTES_WRITTEN", written)
    _memory_counters(counters, "REDUCE")
    return {}
