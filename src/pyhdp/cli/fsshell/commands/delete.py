"""Delete commands: ``-rm``, ``-rmr``, ``-rmdir``, ``-expunge`` (Hadoop's ``Delete``)."""

from __future__ import annotations

import sys

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.errors import (
    PathIOException,
    PathIsDirectoryException,
    PathIsNotDirectoryException,
    PathIsNotEmptyDirectoryException,
    PathNotFoundException,
)
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData


def confirm_prompt(prompt: str) -> bool:
    """``ToolRunner.confirmPrompt``: ``y``/``yes`` or ``n``/``no``; end of input answers no."""
    while True:
        sys.stderr.write(f"{prompt} (Y or N) ")
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            return False
        answer = line.rstrip("\r\n").lower()
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False
        sys.stderr.write(f"Invalid input: {line.rstrip(chr(13) + chr(10))}\n")


class Rm(FsCommand):
    NAME = "rm"
    USAGE = "[-f] [-r|-R] [-skipTrash] [-safely] <src> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "f", "r", "R", "skipTrash", "safely")
        cf.parse(args)
        self.ignore_fnf = cf.get_opt("f")
        self.delete_dirs = cf.get_opt("r") or cf.get_opt("R")
        self.skip_trash = cf.get_opt("skipTrash")
        self.safe_delete = cf.get_opt("safely")

    def expand_argument(self, arg: str) -> list[PathData]:
        try:
            return super().expand_argument(arg)
        except PathNotFoundException:
            if not self.ignore_fnf:
                raise
            return []

    def process_nonexistent_path(self, item: PathData) -> None:
        if not self.ignore_fnf:
            super().process_nonexistent_path(item)

    def process_path(self, item: PathData) -> None:
        if item.is_dir and not self.delete_dirs:
            raise PathIsDirectoryException(str(item))
        if self.move_to_trash(item) or not self.can_be_safely_deleted(item):
            return
        if not item.fs.delete(item.path, self.delete_dirs):
            raise PathIOException(str(item))
        self.write(f"Deleted {item}\n")

    def can_be_safely_deleted(self, item: PathData) -> bool:
        if not self.safe_delete:
            return True
        limit = self.conf.get_int("hadoop.shell.safely.delete.limit.num.files", 100)
        if limit > 0:
            files = item.fs.get_content_summary(item.path).file_count
            if files > limit:
                self.out.flush()
                if not confirm_prompt(f"Proceed deleting {files} files?"):
                    sys.stderr.write("Delete aborted at user request.\n\n")
                    return False
        return True

    def move_to_trash(self, item: PathData) -> bool:
        if self.skip_trash:
            return False
        from pyhdp.cli.fsshell.trash import TrashPolicy

        try:
            return TrashPolicy(item.fs, self.conf).move_to_trash(item.path)
        except FileNotFoundError:
            raise
        except OSError as e:
            raise OSError(f"{e}. Consider using -skipTrash option") from e


class Rmr(Rm):
    NAME = "rmr"
    USAGE = ""
    REPLACEMENT = "-rm -r"

    def process_options(self, args: list[str]) -> None:
        args.insert(0, "-r")
        super().process_options(args)


class Rmdir(FsCommand):
    NAME = "rmdir"
    USAGE = "[--ignore-fail-on-non-empty] <dir> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "-ignore-fail-on-non-empty")
        cf.parse(args)
        self.ignore_non_empty = cf.get_opt("-ignore-fail-on-non-empty")

    def process_path(self, item: PathData) -> None:
        if not item.is_dir:
            raise PathIsNotDirectoryException(str(item))
        if not item.fs.list_status(item.path):
            if not item.fs.delete(item.path, False):
                raise PathIOException(str(item))
        elif not self.ignore_non_empty:
            raise PathIsNotEmptyDirectoryException(str(item))


class Expunge(FsCommand):
    NAME = "expunge"
    USAGE = "[-immediate] [-fs <path>]"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(0, 1, "immediate")
        cf.add_option_with_value("fs")
        cf.parse(args)
        self.immediate = cf.get_opt("immediate")
        self.fs_argument = cf.get_opt_value("fs")

    def process_arguments(self, items: list[PathData]) -> None:
        from pyhdp.cli.fsshell.trash import TrashPolicy
        from pyhdp.fs.registry import get_filesystem

        conf = self.conf
        if self.fs_argument:
            conf = conf.copy()
            conf.set("fs.defaultFS", self.fs_argument)
        fs = get_filesystem(self.fs_argument or "/", conf)
        TrashPolicy(fs, conf).expunge(self.immediate)
