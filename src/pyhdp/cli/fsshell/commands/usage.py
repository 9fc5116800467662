"""Space usage: ``-count``, ``-du``, ``-dus``, ``-df`` (Hadoop's ``Count`` and ``FsUsage``)."""

from __future__ import annotations

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.formatting import TableBuilder, format_percent, format_size
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UsageError

SUMMARY_FORMAT = "%12s %12s %18s "
QUOTA_FORMAT = "%12s %15s "
SPACE_QUOTA_FORMAT = "%15s %15s "
STORAGE_TYPE_FORMAT = "%14s %18s "
SNAPSHOT_FORMAT = "%20s %20s %20s %20s "
QUOTA_HEADER = (QUOTA_FORMAT + SPACE_QUOTA_FORMAT) % ("QUOTA", "REM_QUOTA", "SPACE_QUOTA", "REM_SPACE_QUOTA")
SUMMARY_HEADER = SUMMARY_FORMAT % ("DIR_COUNT", "FILE_COUNT", "CONTENT_SIZE")
SNAPSHOT_HEADER = SNAPSHOT_FORMAT % (
    "SNAPSHOT_LENGTH",
    "SNAPSHOT_FILE_COUNT",
    "SNAPSHOT_DIR_COUNT",
    "SNAPSHOT_SPACE_CONSUMED",
)
#: StorageType names; ``-t``/``-t all`` lists the types Hadoop 3.5 shows (RAM_DISK has no quota).
STORAGE_TYPES = ("RAM_DISK", "SSD", "DISK", "ARCHIVE", "PROVIDED", "NVDIMM")
QUOTA_STORAGE_TYPES = ("SSD", "DISK", "ARCHIVE", "PROVIDED", "NVDIMM")


class Count(FsCommand):
    NAME = "count"
    USAGE = "[-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] [-s] <path> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "q", "h", "v", "u", "x", "e", "s")
        cf.add_option_with_value("t")
        cf.parse(args)
        if not args:
            args.append(".")
        self.show_quotas = cf.get_opt("q")
        self.human = cf.get_opt("h")
        self.quota_usage_only = cf.get_opt("u")
        self.exclude_snapshots = cf.get_opt("x")
        self.show_ec = cf.get_opt("e")
        self.show_snapshot = cf.get_opt("s")
        self.by_type = False
        self.types: list[str] = []
        if self.show_quotas or self.quota_usage_only:
            types = cf.get_opt_value("t")
            if types is not None:
                self.by_type = True
                self.types = storage_types(types)
            if self.exclude_snapshots:
                self.write("q or u option is given, the -x option is ignored.\n")
                self.exclude_snapshots = False
        if cf.get_opt("v"):
            if self.by_type:
                head = "".join(STORAGE_TYPE_FORMAT % (f"{t}_QUOTA", f"REM_{t}_QUOTA") for t in self.types)
            elif self.quota_usage_only:
                head = QUOTA_HEADER
            else:
                head = (QUOTA_HEADER if self.show_quotas else "") + SUMMARY_HEADER
            if self.show_ec:
                head += "ERASURECODING_POLICY "
            if self.show_snapshot:
                head += SNAPSHOT_HEADER
            self.write(head + "PATHNAME\n")

    def process_path(self, item: PathData) -> None:
        cs = item.fs.get_content_summary(item.path)
        h = self.human
        if self.by_type:
            line = "".join(_type_quota(cs, t, h) for t in self.types)
        elif self.quota_usage_only:
            line = quota_usage(cs, h)
        else:
            line = quota_usage(cs, h) if self.show_quotas else ""
            length, files, dirs = cs.length, cs.file_count, cs.directory_count
            line += SUMMARY_FORMAT % (format_size(dirs, h), format_size(files, h), format_size(length, h))
        if self.show_ec:
            policy = cs.erasure_coding_policy or "Replicated"
            line += ("" if policy == "Replicated" else "EC:") + policy + " "
        if self.show_snapshot:
            line += SNAPSHOT_FORMAT % (format_size(cs.snapshot_length, h), "0", "0", "0")
        self.write(line + str(item) + "\n")


def storage_types(text: str) -> list[str]:
    if text == "" or text.lower() == "all":
        return list(QUOTA_STORAGE_TYPES)
    out = []
    for t in (p for p in text.split(",") if p):
        name = t.upper()
        if name not in STORAGE_TYPES:
            raise UsageError(f"No enum constant org.apache.hadoop.fs.StorageType.{name}")
        out.append(name)
    return out


def quota_usage(cs, human: bool) -> str:
    quota, quota_rem, space, space_rem = "none", "inf", "none", "inf"
    if cs.quota > 0:
        quota = format_size(cs.quota, human)
        quota_rem = format_size(cs.quota - (cs.file_count + cs.directory_count), human)
    if cs.space_quota >= 0:
        space = format_size(cs.space_quota, human)
        space_rem = format_size(cs.space_quota - cs.space_consumed, human)
    return (QUOTA_FORMAT + SPACE_QUOTA_FORMAT) % (quota, quota_rem, space, space_rem)


def _type_quota(cs, storage_type: str, human: bool) -> str:
    quota, consumed = cs.type_quotas.get(storage_type, (-1, 0))
    if quota >= 0:
        return STORAGE_TYPE_FORMAT % (format_size(quota, human), format_size(quota - consumed, human))
    return STORAGE_TYPE_FORMAT % ("none", "inf")


class Du(FsCommand):
    NAME = "du"
    USAGE = "[-s] [-h] [-v] [-x] <path> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(0, None, "h", "s", "v", "x")
        cf.parse(args)
        self.human = cf.get_opt("h")
        self.summary = cf.get_opt("s")
        self.header = cf.get_opt("v")
        self.exclude_snapshots = cf.get_opt("x")
        if not args:
            args.append(".")

    def process_arguments(self, items: list[PathData]) -> None:
        self.table = TableBuilder(
            ["SIZE", "DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS", "FULL_PATH_NAME"],
            [False, False, False],
            show_header=self.header,
        )
        super().process_arguments(items)
        self.write(self.table.render())

    def process_path_argument(self, item: PathData) -> None:
        if not self.summary and item.is_dir:
            self.recurse_path(item)
        else:
            super().process_path_argument(item)

    def process_path(self, item: PathData) -> None:
        st = item.stat
        if st is not None and not st.is_dir:
            length = st.length
            consumed = st.length * max(st.replication, 1) if item.fs.scheme != "file" else st.length
        else:
            cs = item.fs.get_content_summary(item.path)
            length, consumed = cs.length, cs.space_consumed
            if self.exclude_snapshots:
                length -= cs.snapshot_length
        self.table.add_row(format_size(length, self.human), format_size(consumed, self.human), str(item))


class Dus(Du):
    NAME = "dus"
    USAGE = ""
    REPLACEMENT = "du -s"

    def process_options(self, args: list[str]) -> None:
        args.insert(0, "-s")
        super().process_options(args)


class Df(FsCommand):
    NAME = "df"
    USAGE = "[-h] [<path> ...]"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(0, None, "h")
        cf.parse(args)
        self.human = cf.get_opt("h")
        if not args:
            args.append("/")

    def process_arguments(self, items: list[PathData]) -> None:
        self.table = TableBuilder(
            ["Filesystem", "Size", "Used", "Available", "Use%"], [False, True, True, True, True]
        )
        super().process_arguments(items)
        self.write(self.table.render())

    def process_path(self, item: PathData) -> None:
        status = item.fs.get_status()
        size, used, free = status.capacity, status.used, status.remaining
        pct = format_percent(used / size if size else float("nan"), 0)
        self.table.add_row(
            item.fs.uri,
            format_size(size, self.human),
            format_size(used, self.human),
            format_size(free, self.human),
            pct,
        )
