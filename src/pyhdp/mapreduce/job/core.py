"""The ``Job`` class users subclass, and ``MRStep`` for multi-step jobs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, ClassVar

_HOOKS = (
    "mapper",
    "mapper_init",
    "mapper_final",
    "mapper_block",
    "combiner",
    "combiner_init",
    "combiner_final",
    "reducer",
    "reducer_init",
    "reducer_final",
)


class MRStep:
    """One step of a Python job: bound methods (or plain functions) for each role.

    ``mapper(key, value)``, ``combiner(key, values)`` and ``reducer(key, values)`` are
    generators of ``(key, value)``; the ``*_init`` / ``*_final`` hooks may yield too.
    ``mapper_block(text)`` is the fast alternative to ``mapper``: it receives many whole
    lines at once (``str`` with ``\\n`` terminators, or ``bytes`` with ``INPUT_PROTOCOL =
    "raw_bytes"``) and may yield records or keep state for ``mapper_final`` (in-mapper
    combining).  ``num_reduces=0`` makes a map-only step; ``jobconf`` adds settings.
    """

    def __init__(self, **kwargs: Any):
        unknown = set(kwargs) - set(_HOOKS) - {"num_reduces", "jobconf", "group_prefix"}
        if unknown:
            raise TypeError(f"MRStep got unexpected arguments: {', '.join(sorted(unknown))}")
        self.funcs: dict[str, Callable | None] = {h: kwargs.get(h) for h in _HOOKS}
        self.num_reduces: int | None = kwargs.get("num_reduces")
        self.jobconf: dict[str, Any] = dict(kwargs.get("jobconf") or {})
        self.group_prefix: int | None = kwargs.get("group_prefix")
        if self.funcs["mapper"] and self.funcs["mapper_block"]:
            raise TypeError("MRStep: give mapper or mapper_block, not both")

    def has(self, role: str) -> bool:
        if role == "mapper":
            return any(self.funcs[h] for h in ("mapper", "mapper_init", "mapper_final", "mapper_block"))
        return any(self.funcs[h] for h in (role, role + "_init", role + "_final"))

    def __repr__(self) -> str:
        parts = [f"{k}={getattr(v, '__name__', v)}" for k, v in self.funcs.items() if v]
        return f"MRStep({', '.join(parts)})"


class Job:
    """A MapReduce job written in Python (mrjob's ``MRJob`` shape).

    Override ``mapper`` / ``combiner`` / ``reducer`` (and the ``_init`` / ``_final``
    hooks), or ``steps()`` for several steps.  Class attributes choose formats and
    serialisation:

    * ``INPUT_PROTOCOL`` — ``"raw"`` (default: ``mapper(None, line)`` with ``line`` a
      ``str``), ``"raw_bytes"``, ``"text"`` (``key<TAB>value``), ``"json"``.
    * ``INTERNAL_PROTOCOL`` — ``"binary"`` (default: any keys, values kept as Python
      objects), ``"bytes"`` (keys are ``bytes``, used as they are: Hadoop ``Text`` order
      and partitions, no encoding cost) or ``"json"`` (what Hadoop Streaming carries).
    * ``OUTPUT_PROTOCOL`` — ``"text"`` (default: ``str(key)<TAB>str(value)``), ``"json"``,
      ``"raw"`` (value only).
    * ``INPUT_FORMAT`` / ``OUTPUT_FORMAT`` — ``"text"``, ``"keyvalue"``, ``"nline"``,
      ``"sequencefile"`` (Python values of Writables) / ``"text"``, ``"sequencefile"``.
    * ``NUM_REDUCES`` (None: ``mapreduce.job.reduces``), ``JOBCONF`` (dict of settings),
      ``GROUP_PREFIX`` (tuple keys: reduce groups on the first N elements — secondary
      sort: values reach the reducer ordered by the rest of the key).

    ``self.increment_counter(group, name, n)`` and ``self.set_status(msg)`` report to the
    framework; ``self.options`` holds the parsed command line (``add_arguments`` adds
    options); ``self.conf`` is the task's configuration inside tasks.
    """

    INPUT_PROTOCOL: ClassVar[str] = "raw"
    INTERNAL_PROTOCOL: ClassVar[str] = "binary"
    OUTPUT_PROTOCOL: ClassVar[str] = "text"
    INPUT_FORMAT: ClassVar[str] = "text"
    OUTPUT_FORMAT: ClassVar[str] = "text"
    NUM_REDUCES: ClassVar[int | None] = None
    JOBCONF: ClassVar[dict[str, Any]] = {}
    GROUP_PREFIX: ClassVar[int | None] = None

    def __init__(self, args: list[str] | None = None):
        self.args = list(sys.argv[1:] if args is None else args)
        parser = self._parser()
        self.options, _unknown = parser.parse_known_args(self.args)
        self.conf: Any = None
        self._counter_sink: Callable[[str, str, int], None] | None = None
        self._status_sink: Callable[[str], None] | None = None

    # ------------------------------------------------------------------ command line
    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Override to add job-specific options (shipped to every task)."""

    def _parser(self) -> argparse.ArgumentParser:
        from pyhdp.mapreduce.job.launcher import base_parser

        parser = base_parser(type(self).__name__)
        self.add_arguments(parser)
        return parser

    # ------------------------------------------------------------------ steps
    def steps(self) -> list[MRStep]:
        """One step built from the methods the subclass defines (override for several)."""
        kwargs: dict[str, Any] = {}
        for hook in _HOOKS:
            if getattr(type(self), hook, None) is not getattr(Job, hook, None):
                kwargs[hook] = getattr(self, hook)
        if not any(h.startswith("mapper") for h in kwargs) and not any(
            h.startswith("reducer") for h in kwargs
        ):
            raise TypeError(f"{type(self).__name__} defines no mapper or reducer")
        if self.GROUP_PREFIX:
            kwargs["group_prefix"] = self.GROUP_PREFIX
        if not any(h.startswith("reducer") for h in kwargs) and self.NUM_REDUCES is None:
            kwargs["num_reduces"] = 0
        return [MRStep(**kwargs)]

    # Defaults: present so steps() can tell which ones a subclass overrides.
    def mapper(self, key: Any, value: Any):  # pragma: no cover - identity, replaced by subclasses
        yield key, value

    def mapper_init(self):  # pragma: no cover
        return None

    def mapper_final(self):  # pragma: no cover
        return None

    def mapper_block(self, block: Any):  # pragma: no cover
        return None

    def combiner(self, key: Any, values: Any):  # pragma: no cover
        for v in values:
            yield key, v

    def combiner_init(self):  # pragma: no cover
        return None

    def combiner_final(self):  # pragma: no cover
        return None

    def reducer(self, key: Any, values: Any):  # pragma: no cover
        for v in values:
            yield key, v

    def reducer_init(self):  # pragma: no cover
        return None

    def reducer_final(self):  # pragma: no cover
        return None

    def partition_batch(self, keys: list[bytes], num_partitions: int) -> list[int]:  # pragma: no cover
        """Override to choose reducers yourself (e.g. a total order): one partition per
        encoded key (``bytes``; with ``INTERNAL_PROTOCOL = "bytes"`` the keys themselves).
        The default is Hadoop's HashPartitioner on the encoded key."""
        raise NotImplementedError

    # ------------------------------------------------------------------ reporting
    def increment_counter(self, group: str, name: str, amount: int = 1) -> None:
        if self._counter_sink is not None:
            self._counter_sink(group, name, amount)
        else:
            from pyhdp.mapreduce.counters import format_reporter_counter

            sys.stderr.write(format_reporter_counter(group, name, amount) + "\n")
            sys.stderr.flush()

    def set_status(self, message: str) -> None:
        if self._status_sink is not None:
            self._status_sink(message)
        else:
            sys.stderr.write(f"reporter:status:{message}\n")
            sys.stderr.flush()

    # ------------------------------------------------------------------ running
    @classmethod
    def run(cls, args: list[str] | None = None) -> None:
        """``python job.py IN [IN...] OUT [options]``: run the job and exit with its status."""
        from pyhdp.mapreduce.job.launcher import main_for_class

        sys.exit(main_for_class(cls, list(sys.argv[1:] if args is None else args)))
