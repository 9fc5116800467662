"""Counters with Hadoop's group and counter names, order and dump format.

Groups are kept by their *internal* name (``org.apache.hadoop.mapreduce.TaskCounter``) and
counters by their enum name (``MAP_INPUT_RECORDS``); display names come from the tables
below.  User counters (``increment_counter``, Streaming's ``reporter:counter:``) live in
groups named as the user wrote them.  File system counters are
``FileSystemCounter``/``<SCHEME>_<ENUM>`` (``FILE_BYTES_READ``) and print as
``FILE: Number of bytes read``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

FS_GROUP = "org.apache.hadoop.mapreduce.FileSystemCounter"
JOB_GROUP = "org.apache.hadoop.mapreduce.JobCounter"
TASK_GROUP = "org.apache.hadoop.mapreduce.TaskCounter"
SHUFFLE_GROUP = "Shuffle Errors"
INPUT_GROUP = "org.apache.hadoop.mapreduce.lib.input.FileInputFormatCounter"
OUTPUT_GROUP = "org.apache.hadoop.mapreduce.lib.output.FileOutputFormatCounter"

GROUP_DISPLAY = {
    FS_GROUP: "File System Counters",
    JOB_GROUP: "Job Counters ",
    TASK_GROUP: "Map-Reduce Framework",
    SHUFFLE_GROUP: "Shuffle Errors",
    INPUT_GROUP: "File Input Format Counters ",
    OUTPUT_GROUP: "File Output Format Counters ",
}
FRAMEWORK_GROUPS = (FS_GROUP, JOB_GROUP, TASK_GROUP)

FS_COUNTERS = [
    ("BYTES_READ", "Number of bytes read"),
    ("BYTES_WRITTEN", "Number of bytes written"),
    ("READ_OPS", "Number of read operations"),
    ("LARGE_READ_OPS", "Number of large read operations"),
    ("WRITE_OPS", "Number of write operations"),
    ("BYTES_READ_EC", "Number of bytes read erasure-coded"),
]

JOB_COUNTERS = [
    ("NUM_FAILED_MAPS", "Failed map tasks"),
    ("NUM_FAILED_REDUCES", "Failed reduce tasks"),
    ("NUM_KILLED_MAPS", "Killed map tasks"),
    ("NUM_KILLED_REDUCES", "Killed reduce tasks"),
    ("TOTAL_LAUNCHED_MAPS", "Launched map tasks"),
    ("TOTAL_LAUNCHED_REDUCES", "Launched reduce tasks"),
    ("OTHER_LOCAL_MAPS", "Other local map tasks"),
    ("DATA_LOCAL_MAPS", "Data-local map tasks"),
    ("RACK_LOCAL_MAPS", "Rack-local map tasks"),
    ("SLOTS_MILLIS_MAPS", "Total time spent by all maps in occupied slots (ms)"),
    ("SLOTS_MILLIS_REDUCES", "Total time spent by all reduces in occupied slots (ms)"),
    ("FALLOW_SLOTS_MILLIS_MAPS", "Total time spent by all maps waiting after reserving slots (ms)"),
    ("FALLOW_SLOTS_MILLIS_REDUCES", "Total time spent by all reduces waiting after reserving slots (ms)"),
    ("TOTAL_LAUNCHED_UBERTASKS", "TOTAL_LAUNCHED_UBERTASKS"),
    ("NUM_UBER_SUBMAPS", "NUM_UBER_SUBMAPS"),
    ("NUM_UBER_SUBREDUCES", "NUM_UBER_SUBREDUCES"),
    ("NUM_FAILED_UBERTASKS", "NUM_FAILED_UBERTASKS"),
    ("TASKS_REQ_PREEMPT", "Tasks that have been asked to preempt"),
    ("CHECKPOINTS", "Number of checkpoints reported"),
    ("CHECKPOINT_BYTES", "Total amount of bytes in checkpoints"),
    ("CHECKPOINT_TIME", "Total time spent checkpointing (ms)"),
    ("MILLIS_MAPS", "Total time spent by all map tasks (ms)"),
    ("MILLIS_REDUCES", "Total time spent by all reduce tasks (ms)"),
    ("VCORES_MILLIS_MAPS", "Total vcore-milliseconds taken by all map tasks"),
    ("VCORES_MILLIS_REDUCES", "Total vcore-milliseconds taken by all reduce tasks"),
    ("MB_MILLIS_MAPS", "Total megabyte-milliseconds taken by all map tasks"),
    ("MB_MILLIS_REDUCES", "Total megabyte-milliseconds taken by all reduce tasks"),
]

TASK_COUNTERS = [
    ("MAP_INPUT_RECORDS", "Map input records"),
    ("MAP_OUTPUT_RECORDS", "Map output records"),
    ("MAP_SKIPPED_RECORDS", "Map skipped records"),
    ("MAP_OUTPUT_BYTES", "Map output bytes"),
    ("MAP_OUTPUT_MATERIALIZED_BYTES", "Map output materialized bytes"),
    ("SPLIT_RAW_BYTES", "Input split bytes"),
    ("COMBINE_INPUT_RECORDS", "Combine input records"),
    ("COMBINE_OUTPUT_RECORDS", "Combine output records"),
    ("REDUCE_INPUT_GROUPS", "Reduce input groups"),
    ("REDUCE_SHUFFLE_BYTES", "Reduce shuffle bytes"),
    ("REDUCE_INPUT_RECORDS", "Reduce input records"),
    ("REDUCE_OUTPUT_RECORDS", "Reduce output records"),
    ("REDUCE_SKIPPED_GROUPS", "Reduce skipped groups"),
    ("REDUCE_SKIPPED_RECORDS", "Reduce skipped records"),
    ("SPILLED_RECORDS", "Spilled Records"),
    ("SHUFFLED_MAPS", "Shuffled Maps "),
    ("FAILED_SHUFFLE", "Failed Shuffles"),
    ("MERGED_MAP_OUTPUTS", "Merged Map outputs"),
    ("GC_TIME_MILLIS", "GC time elapsed (ms)"),
    ("CPU_MILLISECONDS", "CPU time spent (ms)"),
    ("PHYSICAL_MEMORY_BYTES", "Physical memory (bytes) snapshot"),
    ("VIRTUAL_MEMORY_BYTES", "Virtual memory (bytes) snapshot"),
    ("COMMITTED_HEAP_BYTES", "Total committed heap usage (bytes)"),
    ("MAP_PHYSICAL_MEMORY_BYTES_MAX", "Peak Map Physical memory (bytes)"),
    ("MAP_VIRTUAL_MEMORY_BYTES_MAX", "Peak Map Virtual memory (bytes)"),
    ("REDUCE_PHYSICAL_MEMORY_BYTES_MAX", "Peak Reduce Physical memory (bytes)"),
    ("REDUCE_VIRTUAL_MEMORY_BYTES_MAX", "Peak Reduce Virtual memory (bytes)"),
]
SHUFFLE_COUNTERS = ["BAD_ID", "CONNECTION", "IO_ERROR", "WRONG_LENGTH", "WRONG_MAP", "WRONG_REDUCE"]
INPUT_COUNTERS = [("BYTES_READ", "Bytes Read")]
OUTPUT_COUNTERS = [("BYTES_WRITTEN", "Bytes Written")]

_ORDERED = {
    JOB_GROUP: JOB_COUNTERS,
    TASK_GROUP: TASK_COUNTERS,
    INPUT_GROUP: INPUT_COUNTERS,
    OUTPUT_GROUP: OUTPUT_COUNTERS,
}
_FS_ORDER = {name: i for i, (name, _) in enumerate(FS_COUNTERS)}
_FS_DISPLAY = dict(FS_COUNTERS)
#: counters whose job total is a maximum over tasks, not a sum
MAX_COUNTERS = {
    "MAP_PHYSICAL_MEMORY_BYTES_MAX",
    "MAP_VIRTUAL_MEMORY_BYTES_MAX",
    "REDUCE_PHYSICAL_MEMORY_BYTES_MAX",
    "REDUCE_VIRTUAL_MEMORY_BYTES_MAX",
}

#: display name → (group, counter) for ``mapred job -counter`` lookups by display name
_DISPLAY_LOOKUP: dict[str, tuple[str, str]] = {}
for _g, _table in _ORDERED.items():
    for _n, _d in _table:
        _DISPLAY_LOOKUP[f"{_g}\0{_d.strip()}"] = (_g, _n)


class Counters:
    """Job or task counters: ``{group: {name: value}}`` with Hadoop's ordering on output."""

    def __init__(self, data: dict[str, dict[str, int]] | None = None):
        self.groups: dict[str, dict[str, int]] = {g: dict(c) for g, c in (data or {}).items()}

    # ------------------------------------------------------------ updates
    def incr(self, group: str, name: str, amount: int = 1) -> None:
        g = self.groups.get(group)
        if g is None:
            g = self.groups[group] = {}
        g[name] = g.get(name, 0) + amount

    def set(self, group: str, name: str, value: int) -> None:
        self.groups.setdefault(group, {})[name] = value

    def task(self, name: str, amount: int = 1) -> None:
        self.incr(TASK_GROUP, name, amount)

    def fs(self, scheme: str, name: str, amount: int) -> None:
        self.incr(FS_GROUP, f"{scheme.upper()}_{name}", amount)

    def get(self, group: str, name: str, default: int = 0) -> int:
        return self.groups.get(group, {}).get(name, default)

    def merge(self, other: Counters | dict[str, dict[str, int]]) -> None:
        data = other.groups if isinstance(other, Counters) else other
        for group, counters in data.items():
            g = self.groups.setdefault(group, {})
            for name, value in counters.items():
                if name in MAX_COUNTERS:
                    g[name] = max(g.get(name, 0), value)
                else:
                    g[name] = g.get(name, 0) + value

    def to_json(self) -> dict[str, dict[str, int]]:
        return {g: dict(c) for g, c in self.groups.items()}

    @classmethod
    def from_json(cls, data: dict[str, dict[str, int]]) -> Counters:
        return cls(data)

    # ------------------------------------------------------------ lookup by names users type
    def find(self, group: str, name: str) -> int | None:
        """Value by internal or display names (``mapred job -counter`` accepts both)."""
        for gname, counters in self.groups.items():
            if group not in (gname, group_display_name(gname), group_display_name(gname).strip()):
                continue
            if name in counters:
                return counters[name]
            for cname, value in counters.items():
                if counter_display_name(gname, cname).strip() == name.strip():
                    return value
        return None

    # ------------------------------------------------------------ output
    def ordered(self) -> Iterator[tuple[str, str, list[tuple[str, str, int]]]]:
        """``(group, display, [(name, display, value), ...])`` in Hadoop's print order."""
        framework = [g for g in FRAMEWORK_GROUPS if self.groups.get(g)]
        others = sorted(g for g in self.groups if g not in FRAMEWORK_GROUPS and self.groups[g])
        for g in framework + others:
            yield g, group_display_name(g), self._ordered_counters(g)

    def _ordered_counters(self, group: str) -> list[tuple[str, str, int]]:
        counters = self.groups[group]
        if group == FS_GROUP:

            def fs_key(name: str) -> tuple[str, int]:
                scheme, _, enum = name.partition("_")
                return scheme, _FS_ORDER.get(enum, 99)

            names = sorted(counters, key=fs_key)
        elif group in _ORDERED:
            order = {n: i for i, (n, _) in enumerate(_ORDERED[group])}
            names = sorted(counters, key=lambda n: (order.get(n, 999), n))
        else:
            names = sorted(counters)
        return [(n, counter_display_name(group, n), counters[n]) for n in names]

    def __len__(self) -> int:
        return sum(len(c) for c in self.groups.values())

    def dump(self) -> str:
        """Hadoop's ``Counters.toString()``: ``Counters: N`` then tab-indented groups."""
        lines = [f"Counters: {len(self)}"]
        for _g, display, counters in self.ordered():
            lines.append(f"\t{display}")
            for _n, cdisplay, value in counters:
                lines.append(f"\t\t{cdisplay}={value}")
        return "\n".join(lines)


def group_display_name(group: str) -> str:
    return GROUP_DISPLAY.get(group, group)


def counter_display_name(group: str, name: str) -> str:
    if group == FS_GROUP:
        scheme, _, enum = name.partition("_")
        return f"{scheme}: {_FS_DISPLAY.get(enum, enum)}"
    table = _ORDERED.get(group)
    if table:
        for n, d in table:
            if n == name:
                return d
    return name


# ------------------------------------------------------------------ reporter lines


def parse_reporter_line(line: str, prefix: str = "reporter:") -> tuple[str, tuple] | None:
    """Parse a Streaming/Python-job stderr line.

    Returns ``("counter", (group, name, amount))``, ``("status", (message,))``,
    ``("invalid", (line,))`` for a ``reporter:`` line Hadoop cannot parse, or ``None``
    when the line is not a reporter line at all.
    """
    if not line.startswith(prefix):
        return None
    body = line[len(prefix) :].rstrip("\r\n")
    if body.startswith("counter:"):
        parts = body[len("counter:") :].strip().split(",")
        if len(parts) == 3:
            try:
                return "counter", (parts[0], parts[1], int(parts[2].strip()))
            except ValueError:
                pass
        return "invalid", (line.rstrip("\r\n"),)
    if body.startswith("status:"):
        return "status", (body[len("status:") :].strip(),)
    return "invalid", (line.rstrip("\r\n"),)


def format_reporter_counter(group: str, name: str, amount: int = 1, prefix: str = "reporter:") -> str:
    """The stderr line a task writes to increment a counter (no newline)."""
    return f"{prefix}counter:{group.replace(',', ';')},{name.replace(',', ';')},{amount}"


def task_counter_names() -> Iterable[str]:
    return (n for n, _ in TASK_COUNTERS)
