"""``-help`` and ``-usage``: built from each command's NAME, USAGE and description."""

from __future__ import annotations

from pyhdp.cli.fsshell import shell
from pyhdp.cli.fsshell.command import Command
from pyhdp.cli.fsshell.options import CommandFormat


class Help(Command):
    NAME = "help"
    USAGE = "[cmd ...]"

    def process_options(self, args: list[str]) -> None:
        CommandFormat(0, None).parse(args)

    def process_raw_arguments(self, args: list[str]) -> None:
        if not args:
            out = [shell.full_usage()]
            for name in shell.listed_names():
                cls = shell.get_class(name)
                out.append("\n" + shell.instance_help(cls))
            out.append("\n" + shell.generic_usage())
            self.write("".join(out))
            return
        for arg in args:
            cls = shell.get_class(arg)
            if cls is None:
                raise shell.UnknownCommandError(arg)
            self.write(shell.instance_help(cls))


class Usage(Command):
    NAME = "usage"
    USAGE = "[cmd ...]"

    def process_options(self, args: list[str]) -> None:
        CommandFormat(0, None).parse(args)

    def process_raw_arguments(self, args: list[str]) -> None:
        if not args:
            self.write(shell.full_usage() + "\n" + shell.generic_usage())
            return
        for arg in args:
            cls = shell.get_class(arg)
            if cls is None:
                raise shell.UnknownCommandError(arg)
            self.write(shell.instance_usage(cls))
