"""The engine's public job description and the ``run_job`` entry point.

Everything a front end (the Python job API, Streaming, the examples jar, ``yarn jar``)
needs to describe a job lives here.  A job is a list of :class:`Step`; each step names
its map / combine / reduce logic as :class:`Component` (an importable ``"module:attr"``
factory plus JSON-able keyword arguments) because logic is instantiated *inside the task
process* (a local pool worker today, a YARN container later), never in the runner.

Task-side protocols
-------------------
A map component's factory returns an object with ``run_map(ctx: MapContext)``; a reduce
component's ``run_reduce(ctx: ReduceContext)``; a combiner's ``combine(groups)`` where
``groups`` iterates ``(key: bytes, values: list)`` and the call returns/yields
``(key: bytes, value)`` pairs.  The contexts are in :mod:`pyhdp.mapreduce.context`:

* ``ctx.conf`` (the task's :class:`~pyhdp.conf.Configuration`), ``ctx.task_attempt_id``,
  ``ctx.partition``, ``ctx.num_reduces``, ``ctx.split`` (map), ``ctx.env`` (Hadoop's task
  variables: ``mapreduce_task_id``, ``mapreduce_map_input_file``, ...), ``ctx.work_dir``.
* Map input: ``ctx.records()`` yields ``(key, value)`` per record of the input format
  (text: ``(byte offset, line bytes)``); ``ctx.record_batches()`` yields ``(keys, values)``
  lists; for text input ``ctx.text_chunks()`` yields :class:`~pyhdp.mapreduce.input.text.TextChunk`
  objects (``.data`` = whole lines with terminators, ``.lines()``, ``.offsets()``) — the
  fast path for mappers that work on many lines at once.
* Reduce input: ``ctx.groups()`` yields ``(key, values-iterator)`` per group (grouping
  comparator applied); ``ctx.sorted_chunks()`` yields lists of ``(key, value)`` in order.
* Output: ``ctx.emit(key, value)``, ``ctx.emit_batch(keys, values)`` and
  ``ctx.emit_pairs(list_of_(key, value))`` (e.g. a whole block from ``sorted_chunks()``).  When the step
  has reduces, map output keys MUST be ``bytes`` (they are partitioned by Hadoop's
  ``Text.hashCode`` of those bytes and sorted by them); values may be any object
  ``marshal`` can serialise (``bytes`` for Streaming), falling back to pickle.  Reduce and
  map-only output goes to the output format: for text, ``bytes`` are written raw, ``str``
  as UTF-8, ``None`` is omitted (with its separator), anything else as ``str(x)``.
* ``ctx.counters.incr(group, name, n)``; ``ctx.set_status(text)``;
  ``ctx.parse_reporter_line(line)`` understands Streaming's ``reporter:counter:g,c,n``
  and ``reporter:status:msg``.

Step ``conf`` keys the engine reads besides Hadoop's: ``pyhdp.output.lazy=true``
(LazyOutputFormat: no part file for a task that writes nothing).

Optional step parts: ``partitioner`` (factory → object with
``partition_batch(keys: list[bytes], num_partitions) -> list[int]``), ``sort_key`` (factory
→ ``callable(key_bytes) -> sortable``, default: the bytes themselves) and ``group_key``
(factory → ``callable(key_bytes) -> comparable``: consecutive sorted keys with equal
group keys form one reduce group — secondary sort).

Runner
------
``run_job(spec, conf)`` validates the output, computes splits, runs every step on the
runner chosen by ``mapreduce.framework.name`` (``local``: a pool of worker processes),
prints Hadoop's console log to stderr, writes the job history file and returns a
:class:`JobResult`.  It raises :class:`JobSubmissionError` (output exists, input missing)
before anything runs; a job that fails while running returns ``JobResult(state="FAILED")``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pyhdp.errors import PyhdpError

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.mapreduce.context import MapContext, ReduceContext
    from pyhdp.mapreduce.counters import Counters


@dataclasses.dataclass
class Component:
    """An importable factory (``"package.module:attr"``) and keyword arguments for it.

    The factory is called as ``factory(**args)`` in the task process.  ``args`` must be
    JSON-serialisable: the component travels to tasks in the task description.
    """

    target: str
    args: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "args": self.args}

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | None) -> Component | None:
        if data is None:
            return None
        if isinstance(data, str):
            return cls(data)
        return cls(data["target"], dict(data.get("args") or {}))


#: Built-in input formats (or a Component whose factory returns an InputFormat).
INPUT_FORMATS = ("text", "keyvalue", "nline", "sequencefile", "sequencefile-as-text", "internal")
#: Built-in output formats.
OUTPUT_FORMATS = ("text", "sequencefile", "null", "internal")


@dataclasses.dataclass
class Step:
    """One MapReduce pass.  ``mapper=None`` is the identity map; ``reducer=None`` the
    identity reduce; ``num_reduces=0`` makes a map-only step."""

    mapper: Component | None = None
    combiner: Component | None = None
    reducer: Component | None = None
    num_reduces: int | None = None  # None: mapreduce.job.reduces
    input_format: str | Component = "text"
    output_format: str | Component = "text"
    partitioner: Component | None = None
    sort_key: Component | None = None
    group_key: Component | None = None
    conf: dict[str, str] = dataclasses.field(default_factory=dict)  # step-level overrides
    name: str | None = None

    def to_json(self) -> dict[str, Any]:
        def comp(c):
            return c.to_json() if isinstance(c, Component) else c

        return {
            "mapper": comp(self.mapper),
            "combiner": comp(self.combiner),
            "reducer": comp(self.reducer),
            "num_reduces": self.num_reduces,
            "input_format": comp(self.input_format),
            "output_format": comp(self.output_format),
            "partitioner": comp(self.partitioner),
            "sort_key": comp(self.sort_key),
            "group_key": comp(self.group_key),
            "conf": dict(self.conf),
            "name": self.name,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Step:
        def fmt(v):
            return Component.from_json(v) if isinstance(v, dict) else v

        return cls(
            mapper=Component.from_json(d.get("mapper")),
            combiner=Component.from_json(d.get("combiner")),
            reducer=Component.from_json(d.get("reducer")),
            num_reduces=d.get("num_reduces"),
            input_format=fmt(d.get("input_format", "text")),
            output_format=fmt(d.get("output_format", "text")),
            partitioner=Component.from_json(d.get("partitioner")),
            sort_key=Component.from_json(d.get("sort_key")),
            group_key=Component.from_json(d.get("group_key")),
            conf=dict(d.get("conf") or {}),
            name=d.get("name"),
        )


@dataclasses.dataclass
class JobSpec:
    """A whole job: inputs, output and one or more steps.

    ``api`` chooses Hadoop's flavour: ``"new"`` (``mapreduce.*`` API: new-API split size,
    files ``part-r-NNNNN`` / ``part-m-NNNNN``) or ``"old"`` (``mapred.*`` API, used by
    Streaming: goal-size splits from ``mapreduce.job.maps``, files ``part-NNNNN``).
    Inputs are paths, URIs or globs (several allowed, each may hold commas as Hadoop's
    ``-input``).  ``python_path`` directories are put on ``sys.path`` of every task;
    ``files`` / ``archives`` / ``pyfiles`` are shipped to each task's working directory
    (``pyfiles`` zips and wheels are also put on ``sys.path``); ``env`` is added to the
    task environment.
    """

    inputs: list[str]
    output: str
    steps: list[Step]
    name: str = "pyhdp-job"
    api: Literal["new", "old"] = "new"
    python_path: list[str] = dataclasses.field(default_factory=list)
    files: list[str] = dataclasses.field(default_factory=list)
    archives: list[str] = dataclasses.field(default_factory=list)
    pyfiles: list[str] = dataclasses.field(default_factory=list)
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    #: extra text for the console, e.g. Streaming's "packageJobJar" line; not interpreted
    submit_notes: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class TaskFailure:
    """Why a task failed: its id, last attempt id, the attempt's log dir and stderr tail."""

    task_id: str
    attempt_id: str
    message: str
    stderr_tail: str = ""
    log_dir: str = ""


@dataclasses.dataclass
class JobResult:
    job_id: str  # id of the last step's job
    job_ids: list[str]
    state: Literal["SUCCEEDED", "FAILED", "KILLED"]
    counters: Counters
    output: str
    failure: TaskFailure | None = None
    diagnostics: str = ""
    history_file: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.state == "SUCCEEDED"


class JobSubmissionError(PyhdpError):
    """The job was refused before it ran (Hadoop throws these out of ``submit``).

    ``java_class`` is the Hadoop exception class name, for front ends that print
    ``Exception in thread "main" org.apache.hadoop.mapred.FileAlreadyExistsException: ...``;
    ``streaming_exit`` is the exit code Hadoop Streaming uses for it.
    """

    def __init__(self, message: str, java_class: str = "java.io.IOException", streaming_exit: int = 5):
        super().__init__(message)
        self.java_class = java_class
        self.streaming_exit = streaming_exit


class OutputExistsError(JobSubmissionError):
    def __init__(self, qualified: str):
        super().__init__(
            f"Output directory {qualified} already exists",
            "org.apache.hadoop.mapred.FileAlreadyExistsException",
            5,
        )


class InvalidInputError(JobSubmissionError):
    def __init__(self, message: str):
        super().__init__(message, "org.apache.hadoop.mapreduce.lib.input.InvalidInputException", 5)


class MapLogic(Protocol):
    def run_map(self, ctx: MapContext) -> None: ...


class ReduceLogic(Protocol):
    def run_reduce(self, ctx: ReduceContext) -> None: ...


class CombineLogic(Protocol):
    def combine(self, groups: Any) -> Any: ...


def run_job(spec: JobSpec, conf: Configuration, *, console: bool = True, err: Any = None) -> JobResult:
    """Run ``spec`` to completion on the runner of ``mapreduce.framework.name``.

    ``console`` prints Hadoop's client log (``Running job: ...``, ``map 100% reduce 0%``,
    counters) to ``err`` (default ``sys.stderr``).
    """
    from pyhdp.mapreduce.runners import get_runner

    runner = get_runner(conf)
    return runner.run(spec, conf, console=console, err=err)
