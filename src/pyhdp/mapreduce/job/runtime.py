"""Python jobs inside tasks: loading the job and the engine logic for each role.

A job travels to tasks as a *reference* — ``{"file": path, "module": name, "cls": name,
"args": [...]}`` — and is loaded again in the task process (never by running the file as
``__main__``).  :func:`load_job_class` gives a clear :class:`JobLoadError` naming the file
and line when the file does not import.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import sys
import traceback
from collections import defaultdict
from itertools import chain, repeat
from operator import itemgetter
from typing import Any

from pyhdp.errors import PyhdpError
from pyhdp.mapreduce.job.core import Job, MRStep
from pyhdp.mapreduce.job.protocols import (
    TextProtocol,
    decode_key,
    encode_key,
    encode_keys,
    get_protocol,
    key_prefix,
)

FLUSH_RECORDS = 65536
_first = itemgetter(0)
_second = itemgetter(1)
_module_cache: dict[str, Any] = {}
_class_cache: dict[str, type[Job]] = {}


class JobLoadError(PyhdpError):
    """The job file could not be imported or holds no job."""


# --------------------------------------------------------------------------- loading


def _module_name(path: str) -> str:
    stem = os.path.splitext(os.path.basename(path))[0]
    safe = "".join(c if c.isalnum() else "_" for c in stem)
    return f"pyhdp_job_{safe}"


def load_module_from_file(path: str) -> Any:
    path = os.path.abspath(path)
    if path in _module_cache:
        return _module_cache[path]
    if not os.path.exists(path):
        raise JobLoadError(f"Job file {path} does not exist")
    directory = os.path.dirname(path)
    if directory not in sys.path:
        sys.path.insert(0, directory)
    name = _module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise JobLoadError(f"Cannot load job file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except SyntaxError as e:
        sys.modules.pop(name, None)
        where = f"{e.filename or path}:{e.lineno}" if e.lineno else path
        detail = f"\n    {e.text.rstrip()}" if e.text else ""
        raise JobLoadError(f"Cannot import job file {where}: SyntaxError: {e.msg}{detail}") from None
    except BaseException as e:  # noqa: BLE001 - report any import-time failure with file and line
        sys.modules.pop(name, None)
        if isinstance(e, KeyboardInterrupt):
            raise
        frames = traceback.extract_tb(e.__traceback__)
        line = next((f.lineno for f in reversed(frames) if os.path.abspath(f.filename) == path), None)
        where = f"{path}:{line}" if line else path
        raise JobLoadError(f"Cannot import job file {where}: {type(e).__name__}: {e}") from None
    _module_cache[path] = module
    return module


def find_job_class(module: Any, cls_name: str | None = None, where: str = "") -> type[Job]:
    if cls_name:
        obj = getattr(module, cls_name, None)
        if obj is None:
            raise JobLoadError(f"{where or module.__name__} has no job class {cls_name}")
        return obj
    candidates = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, Job) and obj.__module__ == module.__name__
    ]
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        names = ", ".join(sorted(c.__name__ for c in candidates))
        raise JobLoadError(
            f"{where or module.__name__} defines several jobs ({names}); name one as FILE:Class"
        )
    funcs = {
        n: getattr(module, n) for n in ("mapper", "combiner", "reducer") if callable(getattr(module, n, None))
    }
    if "mapper" in funcs or "reducer" in funcs:
        return function_job(module, funcs)
    raise JobLoadError(
        f"{where or module.__name__} defines no job: subclass pyhdp.mapreduce.job.Job, "
        "or define mapper/reducer functions"
    )


def function_job(module: Any, funcs: dict[str, Any]) -> type[Job]:
    """A Job class from plain module-level ``mapper``/``combiner``/``reducer`` functions."""
    attrs: dict[str, Any] = {"__module__": module.__name__}
    for name, f in funcs.items():
        attrs[name] = staticmethod(f)
    for name in (
        "INPUT_PROTOCOL",
        "OUTPUT_PROTOCOL",
        "INTERNAL_PROTOCOL",
        "NUM_REDUCES",
        "JOBCONF",
        "INPUT_FORMAT",
    ):
        if hasattr(module, name):
            attrs[name] = getattr(module, name)
    cls = type(
        os.path.splitext(os.path.basename(getattr(module, "__file__", "job")))[0] + "_functions",
        (Job,),
        attrs,
    )
    cls._pyhdp_functions = True  # type: ignore[attr-defined]
    return cls


def load_job_class(ref: dict) -> type[Job]:
    if ref.get("file"):
        module = load_module_from_file(ref["file"])
        return find_job_class(module, ref.get("cls") if not ref.get("functions") else None, ref["file"])
    try:
        module = importlib.import_module(ref["module"])
    except ImportError as e:
        raise JobLoadError(f"Cannot import job module {ref['module']}: {e}") from None
    return find_job_class(module, ref.get("cls"), ref["module"])


def job_instance(ref: dict) -> Job:
    """A fresh job object (one per task: state set by one task never leaks into the next
    task a pool worker runs); the module is imported once per process."""
    key = json.dumps(ref, sort_keys=True)
    cls = _class_cache.get(key)
    if cls is None:
        cls = _class_cache[key] = load_job_class(ref)
    return cls(list(ref.get("args") or []))


def job_ref(cls: type[Job], args: list[str], path: str | None = None) -> dict:
    """How tasks find ``cls`` again."""
    functions = bool(getattr(cls, "_pyhdp_functions", False))
    module = sys.modules.get(cls.__module__)
    file = path or getattr(module, "__file__", None)
    if cls.__module__ == "__main__" or file and (path or cls.__module__.startswith("pyhdp_job_")):
        return {"file": os.path.abspath(file), "cls": cls.__name__, "args": args, "functions": functions}
    return {"module": cls.__module__, "cls": cls.__name__, "args": args, "functions": functions}


# --------------------------------------------------------------------------- engine logic


def _hook_results(result: Any, out: list) -> None:
    if result is not None:
        out.extend(result)


def _bind(job: Job, ctx: Any) -> None:
    job.conf = ctx.conf
    incr, heartbeat = ctx.counters.incr, ctx.report_progress

    def counter(group: str, name: str, amount: int = 1) -> None:
        incr(group, name, amount)
        heartbeat()  # a counter update is progress (mapreduce.task.timeout)

    job._counter_sink = counter
    job._status_sink = ctx.set_status


class _Emitter:
    """Turns lists of Python ``(key, value)`` pairs into engine batches."""

    def __init__(self, ctx: Any, job: Job, final: bool, output_format: str, internal: str):
        self.ctx = ctx
        self.final = final
        self.output_format = output_format
        self.proto = get_protocol(job.OUTPUT_PROTOCOL) if final and output_format == "text" else None
        if isinstance(self.proto, TextProtocol):
            # the text writer joins key and value itself (with the configured separator)
            self.proto = None
        self.json_internal = internal == "json"
        self.bytes_internal = internal == "bytes"

    def __call__(self, out: list) -> None:
        if not out:
            return
        try:
            ks = list(map(_first, out))
            vs = list(map(_second, out))
        except (TypeError, IndexError):
            bad = next((r for r in out if not (isinstance(r, (tuple, list)) and len(r) == 2)), out[0])
            raise TypeError(f"a job function must yield (key, value) pairs, got {bad!r}") from None
        if not self.final:
            if self.json_internal:
                keys = [json.dumps(k).encode() for k in ks]
                values = [json.dumps(v) for v in vs]
            elif self.bytes_internal:
                keys = ks
                values = vs
            else:
                keys = encode_keys(ks)
                values = vs
            self.ctx.emit_batch(keys, values)
        elif self.proto is not None:
            write = self.proto.write
            self.ctx.emit_batch([write(k, v) for k, v in out], [None] * len(out))
        else:
            self.ctx.emit_batch(ks, vs)


def _decoder(internal: str):
    if internal == "json":
        return (lambda b: json.loads(b)), json.loads
    if internal == "bytes":
        return (lambda b: b), None
    return decode_key, None


class _PreCombiner:
    """In-mapper combining of a job with a combiner: group Python keys in a dict and run
    the combiner before records reach the engine (which may combine again at spills)."""

    def __init__(self, ctx: Any, combiner: Any, emit: _Emitter, limit: int):
        self.ctx = ctx
        self.combiner = combiner
        self.emit = emit
        self.limit = limit
        self.groups: defaultdict = defaultdict(list)
        self.n = 0
        self.disabled = False

    def __call__(self, out: list) -> None:
        if not out:
            return
        if self.disabled:
            self.emit(out)
            return
        groups = self.groups
        try:
            for k, v in out:
                groups[k].append(v)
        except TypeError:  # unhashable keys (lists, dicts): leave combining to the engine
            self.disabled = True
            added = sum(len(v) for v in groups.values()) - self.n
            self.n += added
            self.flush()
            self.emit(out[added:])
            return
        except ValueError:
            raise TypeError("a job function must yield (key, value) pairs") from None
        self.n += len(out)
        if self.n >= self.limit:
            self.flush()

    def consume(self, records: Any) -> None:
        """Group records straight from the mapper (no intermediate list)."""
        groups = self.groups
        k = v = None
        try:
            for k, v in records:
                groups[k].append(v)
        except TypeError:  # unhashable key: flush what is grouped, the rest goes to the engine
            self.n = sum(map(len, groups.values()))
            self.disabled = True
            self.flush()
            self.emit([(k, v), *records])
            return
        except ValueError:
            raise TypeError("a job function must yield (key, value) pairs") from None
        self.n = sum(map(len, groups.values()))
        if self.n >= self.limit:
            self.flush()

    def flush(self) -> None:
        if not self.groups:
            return
        res: list = []
        combiner = self.combiner
        for k, vs in self.groups.items():
            r = combiner(k, vs)
            if r is not None:
                res.extend(r)
        c = self.ctx.counters
        c.task("COMBINE_INPUT_RECORDS", self.n)
        c.task("COMBINE_OUTPUT_RECORDS", len(res))
        c.task("MAP_OUTPUT_RECORDS", self.n - len(res))
        self.groups = defaultdict(list)
        self.n = 0
        self.emit(res)


class JobMapLogic:
    def __init__(self, job: dict, step: int, input_format: str = "text", output_format: str = "text"):
        self.job = job_instance(job)
        self.step_index = step
        self.step: MRStep = self.job.steps()[step]
        self.input_format = input_format
        self.output_format = output_format

    def run_map(self, ctx: Any) -> None:
        job, f = self.job, self.step.funcs
        _bind(job, ctx)
        emit: Any = _Emitter(ctx, job, ctx.num_reduces == 0, self.output_format, job.INTERNAL_PROTOCOL)
        pre = None
        if ctx.num_reduces > 0 and self.step.funcs["combiner"] and job.INTERNAL_PROTOCOL != "json":
            if ctx.conf.get_bool("pyhdp.job.precombine", True):
                limit = max(ctx.conf.get_int("mapreduce.task.io.sort.mb", 100) * 8000, 1000)
                emit = pre = _PreCombiner(ctx, self.step.funcs["combiner"], emit, limit)
        out: list = []
        if f["mapper_init"]:
            _hook_results(f["mapper_init"](), out)
        if f["mapper_block"]:
            self._run_blocks(ctx, f["mapper_block"], out, emit)
        elif f["mapper"]:
            self._run_records(ctx, f["mapper"], out, emit)
        else:
            for keys, values in ctx.record_batches():
                if self.input_format == "internal":
                    out.extend(zip(keys, values, strict=False))
                else:
                    proto = get_protocol(job.INPUT_PROTOCOL)
                    out.extend(
                        proto.read(v) if isinstance(v, bytes) else (k, v)
                        for k, v in zip(keys, values, strict=False)
                    )
                emit(out)
                out = []
        if f["mapper_final"]:
            _hook_results(f["mapper_final"](), out)
        emit(out)
        if pre is not None:
            pre.flush()

    def _run_blocks(self, ctx: Any, block_fn: Any, out: list, emit: _Emitter) -> None:
        raw_bytes = self.job.INPUT_PROTOCOL == "raw_bytes"
        for chunk in ctx.text_chunks():
            data = chunk.data
            result = block_fn(data if raw_bytes else data.decode("utf-8", "surrogateescape"))
            if result is not None:
                out.extend(result)
                if len(out) >= FLUSH_RECORDS:
                    emit(out)
                    out.clear()

    def _run_records(self, ctx: Any, mapper: Any, out: list, emit: _Emitter) -> None:
        job = self.job
        fmt = self.input_format
        ext = out.extend
        if fmt in ("text", "nline") and job.INPUT_PROTOCOL in ("raw", "raw_bytes"):
            raw_bytes = job.INPUT_PROTOCOL == "raw_bytes"
            for chunk in ctx.text_chunks():
                if not raw_bytes and chunk._simple_delim() == b"\n":
                    text = chunk.data.decode("utf-8", "surrogateescape")
                    lines = text.split("\n")
                    if text.endswith("\n"):
                        lines.pop()
                else:
                    lines = chunk.lines()
                    if not raw_bytes:
                        lines = [x.decode("utf-8", "surrogateescape") for x in lines]
                # the mapper is called and its records gathered in C: no Python loop per line
                records = chain.from_iterable(filter(None, map(mapper, repeat(None), lines)))
                if isinstance(emit, _PreCombiner) and not emit.disabled and not out:
                    emit.consume(records)
                    continue
                ext(records)
                if out:
                    emit(out)
                    out.clear()
            return
        proto = None if fmt in ("internal", "sequencefile", "keyvalue") else get_protocol(job.INPUT_PROTOCOL)
        for keys, values in ctx.record_batches():
            if fmt == "keyvalue":
                pairs = zip(
                    [k.decode("utf-8", "surrogateescape") for k in keys],
                    [v.decode("utf-8", "surrogateescape") for v in values],
                    strict=False,
                )
            elif proto is not None:
                pairs = (proto.read(v) for v in values)
            else:
                pairs = zip(keys, values, strict=False)
            for k, v in pairs:
                r = mapper(k, v)
                if r is not None:
                    ext(r)
            if len(out) >= FLUSH_RECORDS:
                emit(out)
                out.clear()


class JobCombineLogic:
    def __init__(self, job: dict, step: int):
        self.job = job_instance(job)
        self.step: MRStep = self.job.steps()[step]

    def combine(self, groups: Any) -> list:
        f = self.step.funcs
        combiner = f["combiner"]
        json_internal = self.job.INTERNAL_PROTOCOL == "json"
        out: list = []
        if f["combiner_init"]:
            _hook_results(f["combiner_init"](), out)
        if combiner is not None:
            if json_internal:
                for kb, values in groups:
                    r = combiner(json.loads(kb), map(json.loads, values))
                    if r is not None:
                        out.extend(r)
            else:
                dec = (lambda b: b) if self.job.INTERNAL_PROTOCOL == "bytes" else decode_key
                for kb, values in groups:
                    r = combiner(dec(kb), values)
                    if r is not None:
                        out.extend(r)
        if f["combiner_final"]:
            _hook_results(f["combiner_final"](), out)
        if json_internal:
            return [(json.dumps(k).encode(), json.dumps(v)) for k, v in out]
        if self.job.INTERNAL_PROTOCOL == "bytes":
            return out
        keys = encode_keys([r[0] for r in out])
        return list(zip(keys, [r[1] for r in out], strict=False))


class JobReduceLogic:
    def __init__(self, job: dict, step: int, output_format: str = "text", final: bool = True):
        self.job = job_instance(job)
        self.step: MRStep = self.job.steps()[step]
        self.output_format = output_format
        self.final = final

    def run_reduce(self, ctx: Any) -> None:
        job, f = self.job, self.step.funcs
        _bind(job, ctx)
        emit = _Emitter(
            ctx, job, True, self.output_format if self.final else "internal", job.INTERNAL_PROTOCOL
        )
        if not self.final:
            emit.proto = None
        dec_key, dec_val = _decoder(job.INTERNAL_PROTOCOL)
        out: list = []
        ext = out.extend
        if f["reducer_init"]:
            _hook_results(f["reducer_init"](), out)
        reducer = f["reducer"]
        if reducer is None and dec_val is None and job.INTERNAL_PROTOCOL == "bytes":
            # identity reduce on raw keys: whole sorted blocks, no per-record Python
            pairs = self.final and emit.proto is None
            for block in ctx.sorted_chunks():
                if pairs:
                    ctx.emit_pairs(block)
                else:
                    emit(block)
            reducer_done = True
        else:
            reducer_done = False
        for kb, values in () if reducer_done else ctx.groups():
            key = dec_key(kb)
            if dec_val is not None:
                values = map(dec_val, values)
            if reducer is None:
                ext((key, v) for v in values)
            else:
                r = reducer(key, values)
                if r is not None:
                    ext(r)
            if len(out) >= FLUSH_RECORDS:
                emit(out)
                out.clear()
        if f["reducer_final"]:
            _hook_results(f["reducer_final"](), out)
        emit(out)


class JobPartitioner:
    """The job's own ``partition_batch(keys, num_partitions)`` method (keys as encoded bytes)."""

    def __init__(self, job: dict):
        self.job = job_instance(job)

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        return self.job.partition_batch(keys, r)


class PrefixPartitioner:
    """Partition tuple keys by their first ``n`` elements (secondary sort)."""

    def __init__(self, n: int = 1):
        from pyhdp.mapreduce.sortbuffer import HashPartitioner

        self.n = n
        self.inner = HashPartitioner()

    def partition_batch(self, keys: list[bytes], r: int) -> list[int]:
        n = self.n
        return self.inner.partition_batch([key_prefix(k, n) for k in keys], r)


def prefix_group_key(n: int = 1):
    return lambda k: key_prefix(k, n)


__all__ = [
    "JobLoadError",
    "JobMapLogic",
    "JobCombineLogic",
    "JobReduceLogic",
    "load_job_class",
    "job_ref",
    "encode_key",
]
