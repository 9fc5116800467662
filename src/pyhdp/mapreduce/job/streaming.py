"""A Python job's role over stdin/stdout, so the same file runs through Hadoop Streaming.

``python -m pyhdp.mapreduce.task --job job.py[:Class] --step N --mapper`` (or
``--combiner`` / ``--reducer``) reads lines on stdin and writes ``key<TAB>value`` lines:
step 0's mapper reads ``INPUT_PROTOCOL``, the last step writes ``OUTPUT_PROTOCOL``, and
data between roles is JSON (``INTERNAL_PROTOCOL`` ``binary`` is carried as JSON here,
as Streaming moves text).  Counters go to stderr as ``reporter:counter:`` lines.
Extra arguments after ``--args`` are the job's own command line.
"""

from __future__ import annotations

import itertools
import json
import sys
from typing import Any

from pyhdp.mapreduce.job.protocols import JSONProtocol, get_protocol


def _parse(argv: list[str]) -> dict[str, Any]:
    opts: dict[str, Any] = {"step": 0, "role": None, "args": []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--job":
            opts["job"] = argv[i + 1]
            i += 2
        elif a == "--step":
            opts["step"] = int(argv[i + 1])
            i += 2
        elif a in ("--mapper", "--combiner", "--reducer"):
            opts["role"] = a[2:]
            i += 1
        elif a == "--args":
            opts["args"] = argv[i + 1 :]
            break
        else:
            i += 1
    return opts


def _load(job_spec: str, args: list[str]):
    from pyhdp.mapreduce.job.runtime import find_job_class, load_module_from_file

    if job_spec.endswith(".py") or ".py:" in job_spec:
        file, _, cls = job_spec.partition(".py")
        file += ".py"
        cls = cls.lstrip(":")
        module = load_module_from_file(file)
    else:
        import importlib

        mod, _, cls = job_spec.partition(":")
        module = importlib.import_module(mod)
    return find_job_class(module, cls or None, job_spec)(args)


class _BytesKeyProtocol(JSONProtocol):
    """``INTERNAL_PROTOCOL = "bytes"`` over Streaming: the raw key bytes, a tab, a JSON value."""

    def read(self, line: bytes) -> tuple[Any, Any]:
        k, _sep, v = line.partition(b"\t")
        return k, json.loads(v)

    def write(self, key: Any, value: Any) -> bytes:
        return bytes(key) + b"\t" + json.dumps(value, separators=(",", ":")).encode()


def streaming_main(argv: list[str]) -> int:
    opts = _parse(argv)
    job = _load(opts["job"], opts["args"])
    steps = job.steps()
    n = opts["step"]
    step = steps[n]
    last = n == len(steps) - 1
    role = opts["role"]
    f = step.funcs
    raw_keys = job.INTERNAL_PROTOCOL == "bytes"
    internal = _BytesKeyProtocol() if raw_keys else JSONProtocol()
    out = sys.stdout.buffer
    stdin = sys.stdin.buffer
    map_only = step.num_reduces == 0 or not step.has("reducer")

    def write(records: Any, proto) -> None:
        if records is None:
            return
        w = proto.write
        for k, v in records:
            out.write(w(k, v) + b"\n")

    if role == "mapper":
        in_proto = get_protocol(job.INPUT_PROTOCOL) if n == 0 else internal
        out_proto = get_protocol(job.OUTPUT_PROTOCOL) if (last and map_only) else internal
        if f["mapper_init"]:
            write(f["mapper_init"](), out_proto)
        for raw in stdin:
            line = raw.rstrip(b"\r\n") if raw.endswith(b"\n") else raw
            if f["mapper_block"]:
                data = line + b"\n"
                write(
                    f["mapper_block"](
                        data if job.INPUT_PROTOCOL == "raw_bytes" else data.decode("utf-8", "surrogateescape")
                    ),
                    out_proto,
                )
            elif f["mapper"]:
                k, v = in_proto.read(line)
                write(f["mapper"](k, v), out_proto)
            else:
                write([in_proto.read(line)], out_proto)
        if f["mapper_final"]:
            write(f["mapper_final"](), out_proto)
    elif role in ("combiner", "reducer"):
        out_proto = internal if role == "combiner" or not last else get_protocol(job.OUTPUT_PROTOCOL)
        fn = f[role]
        if f[role + "_init"]:
            write(f[role + "_init"](), out_proto)
        lines = (raw.rstrip(b"\r\n") for raw in stdin)
        pairs = (line.partition(b"\t") for line in lines)
        for kb, grp in itertools.groupby(pairs, key=lambda t: t[0]):
            key = kb if raw_keys else json.loads(kb)
            values = (json.loads(t[2]) for t in grp)
            if fn is None:
                write(((key, v) for v in values), out_proto)
            else:
                write(fn(key, values), out_proto)
        if f[role + "_final"]:
            write(f[role + "_final"](), out_proto)
    else:
        sys.stderr.write("one of --mapper, --combiner, --reducer is required\n")
        return 2
    out.flush()
    return 0
