"""Commands that create paths: ``-mkdir``, ``-touch``, ``-touchz``."""

from __future__ import annotations

import time

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.errors import (
    PathExistsException,
    PathIOException,
    PathIsDirectoryException,
    PathIsNotDirectoryException,
    PathNotFoundException,
)
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UsageError
from pyhdp.fs import path as hpath


def parent_exists(item: PathData, cache: dict | None = None) -> bool:
    """Whether the parent directory of ``item`` exists; ``cache`` remembers answers within a command
    (``-touchz /d/f1 ... /d/f1000`` asks about ``/d`` once)."""
    parent = hpath.parent_of(item.path)
    if parent is None:
        return True
    key = (id(item.fs), parent)
    if cache is not None and key in cache:
        return cache[key]
    try:
        ok = item.fs.get_file_status(parent).is_dir
    except (FileNotFoundError, NotADirectoryError):
        ok = False
    if cache is not None and ok:
        cache[key] = ok
    return ok


class Mkdir(FsCommand):
    NAME = "mkdir"
    USAGE = "[-p] <path> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "p")
        cf.parse(args)
        self.create_parents = cf.get_opt("p")

    def process_path(self, item: PathData) -> None:
        if item.is_dir:
            if not self.create_parents:
                raise PathExistsException(str(item))
        else:
            raise PathIsNotDirectoryException(str(item))

    def process_nonexistent_path(self, item: PathData) -> None:
        if not self.create_parents:
            parent = hpath.parent_of(item.path)
            if parent is not None:
                try:
                    item.fs.get_file_status(parent)
                except (FileNotFoundError, NotADirectoryError):
                    raise PathNotFoundException(item.fs.make_qualified(parent)) from None
        if not item.fs.mkdirs(item.path):
            raise PathIOException(str(item))


class Touchz(FsCommand):
    NAME = "touchz"
    USAGE = "<path> ..."

    def process_options(self, args: list[str]) -> None:
        CommandFormat(1, None).parse(args)
        self.parents: dict = {}

    def process_path(self, item: PathData) -> None:
        if item.is_dir:
            raise PathIsDirectoryException(str(item))
        if item.stat.length != 0:
            raise PathIOException(str(item), "Not a zero-length file")
        self.touchz(item)

    def process_nonexistent_path(self, item: PathData) -> None:
        if not parent_exists(item, self.parents):
            raise PathNotFoundException(str(item), qualified=item.qualified)
        self.touchz(item)

    def touchz(self, item: PathData) -> None:
        item.fs.create(item.path, overwrite=True).close()


class Touch(FsCommand):
    NAME = "touch"
    USAGE = "[-a] [-m] [-t TIMESTAMP (yyyyMMdd:HHmmss) ] [-c] <path> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "a", "m", "c")
        cf.add_option_with_value("t")
        cf.parse(args)
        self.change_mtime_only = cf.get_opt("m")
        self.change_atime_only = cf.get_opt("a")
        self.create_file = not cf.get_opt("c")
        self.timestamp = cf.get_opt_value("t")
        self.parents: dict = {}

    def process_path(self, item: PathData) -> None:
        self.touch(item)

    def process_nonexistent_path(self, item: PathData) -> None:
        if not self.create_file:
            return
        if not parent_exists(item, self.parents):
            raise PathNotFoundException(str(item), qualified=item.qualified)
        self.touch(item)

    def touch(self, item: PathData) -> None:
        if not item.fs.exists(item.path):
            item.fs.create(item.path).close()
        now = int(time.time() * 1000)
        if self.timestamp is not None:
            now = parse_timestamp(self.timestamp)
        if self.change_mtime_only != self.change_atime_only:
            atime = -1 if self.change_mtime_only else now
            mtime = -1 if self.change_atime_only else now
            item.fs.set_times(item.path, mtime, atime)
        else:
            item.fs.set_times(item.path, now, now)


def parse_timestamp(text: str) -> int:
    """``yyyyMMdd:HHmmss`` in the local time zone, as ms since the epoch."""
    try:
        if len(text) < 15 or text[8] != ":" or not (text[:8] + text[9:15]).isdigit():
            raise ValueError(text)
        t = time.strptime(text[:15], "%Y%m%d:%H%M%S")
        return int(time.mktime(t)) * 1000
    except (ValueError, OverflowError):
        raise UsageError(
            f"Unable to parse the specified timestamp {text}. The expected format is yyyyMMdd:HHmmss"
        ) from None
