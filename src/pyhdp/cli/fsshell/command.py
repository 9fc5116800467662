"""The base of every FsShell command: Hadoop's ``Command`` hook template in snake_case.

``Command.run(args)`` always walks the same tree::

    run
    |-> process_options(args)                 options and argument counts (UsageError → 255)
    \\-> process_raw_arguments(args)
         |-> expand_arguments(args)            each argument → list of PathData (globbing)
         |   \\-> expand_argument(arg)
         \\-> process_arguments(items)
              \\-> process_argument(item)
                   |-> process_path_argument(item)      when the path exists
                   |   \\-> process_paths(None, [item])
                   |        |-> process_path(item)
                   |        |-> recurse_path(item)       when self.recursive and item is a dir
                   |        |   \\-> process_paths(item, children)
                   |        \\-> post_process_path(item)
                   \\-> process_nonexistent_path(item)    when it does not (error by default)

Every failure on one argument or path is printed by :meth:`display_error` as
``<name>: <first line of the message>`` and counted; processing goes on with the next
one.  ``run`` then returns 1 if anything failed, else :attr:`exit_code` (0, or 1 for
``-test`` false).  Most commands override only ``process_options`` and ``process_path``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, ClassVar, TextIO

from pyhdp.cli.fsshell.errors import (
    CommandInterrupted,
    PathIsDirectoryException,
    PathIsNotDirectoryException,
    PathNotFoundException,
)
from pyhdp.cli.fsshell.pathdata import PathData

if TYPE_CHECKING:
    from pyhdp.conf import Configuration


class Command:
    NAME: ClassVar[str] = ""
    USAGE: ClassVar[str] = ""
    #: For deprecated aliases (``lsr``): the command to use instead.
    REPLACEMENT: ClassVar[str | None] = None
    #: Commands Hadoop lists but pyhdp answers with "not supported" (snapshots, ACLs, ...).
    HIDDEN: ClassVar[bool] = False

    def __init__(
        self,
        conf: Configuration,
        name: str | None = None,
        out: TextIO | None = None,
        err: TextIO | None = None,
    ):
        self.conf = conf
        self.name = name or self.NAME
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.exit_code = 0
        self.num_errors = 0
        self.recursive = False
        self.depth = 0

    # ------------------------------------------------------------------ description
    @classmethod
    def usage_line(cls) -> str:
        return f"-{cls.NAME} {cls.USAGE}" if cls.USAGE else f"-{cls.NAME}"

    @classmethod
    def description(cls) -> str:
        from pyhdp.cli.fsshell.help_text import HELP

        return HELP.get(cls.NAME, "")

    @classmethod
    def is_deprecated(cls) -> bool:
        return cls.REPLACEMENT is not None

    # ------------------------------------------------------------------ template
    def run(self, args: list[str]) -> int:
        args = list(args)
        try:
            if self.is_deprecated():
                self.display_warning(f"DEPRECATED: Please use '{self.REPLACEMENT}' instead.")
            self.process_options(args)
            self.process_raw_arguments(args)
        except (CommandInterrupted, KeyboardInterrupt):
            self.num_errors += 1
            self.display_warning("Interrupted")
            return 130
        except BrokenPipeError:
            raise
        except OSError as e:
            self.display_error(e)
        return 1 if self.num_errors else self.exit_code

    def process_options(self, args: list[str]) -> None:
        """Parse options (and remove them from ``args``); raise UsageError on bad usage."""

    def process_raw_arguments(self, args: list[str]) -> None:
        self.process_arguments(self.expand_arguments(args))

    def expand_arguments(self, args: list[str]) -> list[PathData]:
        items: list[PathData] = []
        for arg in args:
            try:
                items.extend(self.expand_argument(arg))
            except BrokenPipeError:
                raise
            except OSError as e:
                self.display_error(e)
        return items

    def expand_argument(self, arg: str) -> list[PathData]:
        items = PathData.expand_as_glob(arg, self.conf)
        if not items:
            raise PathNotFoundException(arg)
        return items

    def process_arguments(self, items: list[PathData]) -> None:
        for item in items:
            try:
                self.process_argument(item)
            except BrokenPipeError:
                raise
            except OSError as e:
                self.display_error(e)

    def process_argument(self, item: PathData) -> None:
        if item.exists:
            self.process_path_argument(item)
        else:
            self.process_nonexistent_path(item)

    def process_path_argument(self, item: PathData) -> None:
        self.process_paths(None, [item])

    def process_nonexistent_path(self, item: PathData) -> None:
        raise PathNotFoundException(str(item))

    def process_paths(self, parent: PathData | None, items: list[PathData]) -> None:
        for item in items:
            try:
                self.process_path(item)
                if self.recursive and self.is_path_recursable(item):
                    self.recurse_path(item)
                self.post_process_path(item)
            except BrokenPipeError:
                raise
            except OSError as e:
                self.display_error(e)

    def is_path_recursable(self, item: PathData) -> bool:
        return item.is_dir

    def process_path(self, item: PathData) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement process_path")

    def post_process_path(self, item: PathData) -> None:
        pass

    def recurse_path(self, item: PathData) -> None:
        self.depth += 1
        try:
            self.process_paths(item, item.children())
        finally:
            self.depth -= 1

    # ------------------------------------------------------------------ output
    def display_error(self, e: BaseException) -> None:
        self.num_errors += 1
        if isinstance(e, KeyboardInterrupt):
            raise CommandInterrupted() from e
        message = str(e) or type(e).__name__
        self.display_warning(message.split("\n", 1)[0])

    def display_warning(self, message: str) -> None:
        try:
            self.out.flush()
        except (OSError, ValueError):
            pass
        self.err.write(f"{self.name}: {message}\n")
        self.err.flush()

    def write(self, text: str) -> None:
        self.out.write(text)

    def write_bytes(self, data: bytes) -> None:
        out = getattr(self.out, "buffer", None)
        if out is None:
            self.out.write(data.decode("utf-8", "replace"))
            return
        self.out.flush()
        out.write(data)


class FsCommand(Command):
    """A command over paths of a file system (all of FsShell's, as in Hadoop)."""

    def require_dir(self, item: PathData) -> None:
        if not item.is_dir:
            raise PathIsNotDirectoryException(str(item))

    def require_file(self, item: PathData) -> None:
        if item.is_dir:
            raise PathIsDirectoryException(str(item))
