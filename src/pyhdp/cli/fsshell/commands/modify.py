"""``-setrep``, ``-truncate`` and ``-concat``."""

from __future__ import annotations

import time

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.errors import PathIOException, PathIsDirectoryException
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UnsupportedOperationError, UsageError

SHORT_MAX = 32767


def _java_number(text: str, low: int, high: int) -> int:
    """``Short.parseShort`` / ``Long.parseLong``: NumberFormatException texts as Java's."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isdigit() or not body.isascii():
        raise UsageError(f'For input string: "{text}"')
    value = int(text)
    if value < low or value > high:
        if high == SHORT_MAX:
            raise UsageError(f'Value out of range. Value:"{text}" Radix:10')
        raise UsageError(f'For input string: "{text}"')
    return value


class SetReplication(FsCommand):
    NAME = "setrep"
    USAGE = "[-R] [-w] <rep> <path> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(2, None, "R", "w")
        cf.parse(args)
        self.wait = cf.get_opt("w")
        self.recursive = True
        text = args.pop(0)
        try:
            self.new_rep = _java_number(text, -SHORT_MAX - 1, SHORT_MAX)
        except UsageError:
            self.display_warning("Illegal replication, a positive integer expected")
            raise
        if self.new_rep < 1:
            raise UsageError("replication must be >= 1")
        self.wait_list: list[PathData] = []

    def process_arguments(self, items: list[PathData]) -> None:
        super().process_arguments(items)
        if self.wait:
            self.wait_for_replication()

    def process_path(self, item: PathData) -> None:
        st = item.stat
        if st.symlink is not None:
            raise PathIOException(str(item), "Symlinks unsupported")
        if st.is_dir:
            return
        if st.erasure_coded:
            self.write(f"Did not set replication for: {item}, because it's an erasure coded file.\n")
            return
        if not item.fs.set_replication(item.path, self.new_rep):
            raise OSError(f"Could not set replication for: {item}")
        self.write(f"Replication {self.new_rep} set: {item}\n")
        if self.wait:
            self.wait_list.append(item)

    def wait_for_replication(self) -> None:
        for item in self.wait_list:
            self.write(f"Waiting for {item} ...")
            self.out.flush()
            warned = False
            while True:
                st = item.refresh_status()
                locations = item.fs.get_block_locations(item.path, 0, st.length if st else 0)
                done = True
                for loc in locations:
                    current = len(loc.hosts)
                    if current != self.new_rep:
                        if not warned and current > self.new_rep:
                            self.write(
                                "\nWARNING: the waiting time may be long for DECREASING the number of "
                                "replications.\n"
                            )
                            warned = True
                        done = False
                        break
                if done:
                    break
                self.write(".")
                self.out.flush()
                time.sleep(10)
            self.write(" done\n")


class Truncate(FsCommand):
    NAME = "truncate"
    USAGE = "[-w] <length> <path> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(2, None, "w")
        cf.parse(args)
        self.wait = cf.get_opt("w")
        text = args.pop(0)
        try:
            self.new_length = _java_number(text, -(1 << 63), (1 << 63) - 1)
        except UsageError:
            self.display_warning("Illegal length, a non-negative integer expected")
            raise
        if self.new_length < 0:
            raise UsageError("length must be >= 0")
        self.wait_list: list[PathData] = []

    def process_arguments(self, items: list[PathData]) -> None:
        super().process_arguments(items)
        if self.wait:
            for item in self.wait_list:
                self.write(f"Waiting for {item} ...\n")
                self.out.flush()
                while True:
                    st = item.refresh_status()
                    if st is None or st.length == self.new_length:
                        break
                    time.sleep(1)
                self.write(f"Truncated {item} to length: {self.new_length}\n")

    def process_path(self, item: PathData) -> None:
        if item.is_dir:
            raise PathIsDirectoryException(str(item))
        old = item.stat.length
        if self.new_length > old:
            raise UsageError(
                f"Cannot truncate to a larger file size. Current size: {old}, truncate size: {self.new_length}."
            )
        if item.fs.truncate(item.path, self.new_length):
            self.write(f"Truncated {item} to length: {self.new_length}\n")
        elif self.wait:
            self.wait_list.append(item)
        else:
            self.write(
                f"Truncating {item} to length: {self.new_length}. Wait for block recovery to complete "
                "before further updating this file.\n"
            )


class Concat(FsCommand):
    NAME = "concat"
    USAGE = "<target path> <src path> <src path> ..."

    def process_options(self, args: list[str]) -> None:
        CommandFormat(2, None).parse(args)

    def process_arguments(self, items: list[PathData]) -> None:
        if len(items) < 1:
            raise OSError(f"Target path not specified. {self.USAGE}")
        if len(items) < 3:
            raise OSError(f"The number of source paths is less than 2. {self.USAGE}")
        target, srcs = items[0], items[1:]
        if not target.exists or not target.is_file:
            raise FileNotFoundError(f"Target path {target.qualified} does not exist or is not file.")
        for src in srcs:
            if not src.exists or not src.is_file:
                raise FileNotFoundError(f"{src.qualified} does not exist or is not file.")
        try:
            target.fs.concat(target.path, [s.path for s in srcs])
        except UnsupportedOperationError as e:
            raise PathIOException(
                f"Dest filesystem '{target.fs.scheme}' doesn't support concat.", detail=str(e)
            ) from e
