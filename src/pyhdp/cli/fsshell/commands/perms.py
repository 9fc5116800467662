"""``-chmod``, ``-chown``, ``-chgrp`` (Hadoop's ``FsShellPermissions``)."""

from __future__ import annotations

import re

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.modes import ChmodParser
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import FsError, UsageError

_ALLOWED = r"[-_./@a-zA-Z0-9]"
_CHOWN = re.compile(rf"\s*({_ALLOWED}+)?([:]({_ALLOWED}*))?\s*")
_CHGRP = re.compile(rf"\s*({_ALLOWED}+)\s*")


class Chmod(FsCommand):
    NAME = "chmod"
    USAGE = "[-R] <MODE[,MODE]... | OCTALMODE> PATH..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(2, None, "R", ignore_unknown=True)
        cf.parse(args)
        self.recursive = cf.get_opt("R")
        mode = args.pop(0)
        try:
            self.parser = ChmodParser(mode)
        except ValueError:
            raise UsageError(f"chmod : mode '{mode}' does not match the expected pattern.") from None

    def process_path(self, item: PathData) -> None:
        st = item.stat
        new = self.parser.apply(st.permission, st.is_dir)
        if new != st.permission & 0o1777:
            try:
                item.fs.set_permission(item.path, new)
            except (FileNotFoundError, BrokenPipeError):
                raise
            except OSError as e:
                raise FsError(f"changing permissions of '{item}': {e}") from e


class Chown(FsCommand):
    NAME = "chown"
    USAGE = "[-R] [OWNER][:[GROUP]] PATH..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(2, None, "R", ignore_unknown=True)
        cf.parse(args)
        self.recursive = cf.get_opt("R")
        self.parse_owner_group(args.pop(0))

    def parse_owner_group(self, spec: str) -> None:
        m = _CHOWN.fullmatch(spec)
        if not m:
            raise UsageError(f"'{spec}' does not match expected pattern for [owner][:group].")
        self.owner = m.group(1)
        self.group = m.group(3) or None
        if self.owner is None and self.group is None:
            raise UsageError(f"'{spec}' does not specify owner or group.")

    def process_path(self, item: PathData) -> None:
        st = item.stat
        owner = None if self.owner is None or self.owner == st.owner else self.owner
        group = None if self.group is None or self.group == st.group else self.group
        if owner is not None or group is not None:
            try:
                item.fs.set_owner(item.path, owner, group)
            except (FileNotFoundError, BrokenPipeError):
                raise
            except OSError as e:
                raise FsError(f"changing ownership of '{item}': {e}") from e


class Chgrp(Chown):
    NAME = "chgrp"
    USAGE = "[-R] GROUP PATH..."

    def parse_owner_group(self, spec: str) -> None:
        m = _CHGRP.fullmatch(spec)
        if not m:
            raise UsageError(f"'{spec}' does not match expected pattern for group")
        self.owner = None
        self.group = m.group(1)
