"""``hadoop fs`` / ``hdfs dfs``: Hadoop's ``FsShell`` — command lookup, usage and exit codes.

The command table maps ``-name`` to ``"module:Class"``; only the invoked command's module
is imported (Hadoop's ``CommandFactory.addClass``).  Exit status: the command's own code
(0, or 1 when any path failed), 255 for usage errors (Hadoop's -1), 130 on interrupt.
"""

from __future__ import annotations

import importlib
import signal
import sys
from typing import TYPE_CHECKING

from pyhdp.errors import UsageError

if TYPE_CHECKING:
    from pyhdp.cli.fsshell.command import Command
    from pyhdp.conf import Configuration

_C = "pyhdp.cli.fsshell.commands."

COMMANDS: dict[str, str] = {
    "appendToFile": _C + "copy:AppendToFile",
    "cat": _C + "display:Cat",
    "checksum": _C + "display:Checksum",
    "chgrp": _C + "perms:Chgrp",
    "chmod": _C + "perms:Chmod",
    "chown": _C + "perms:Chown",
    "concat": _C + "modify:Concat",
    "copyFromLocal": _C + "copy:CopyFromLocal",
    "copyToLocal": _C + "copy:CopyToLocal",
    "count": _C + "usage:Count",
    "cp": _C + "copy:Cp",
    "createSnapshot": _C + "unsupported:CreateSnapshot",
    "deleteSnapshot": _C + "unsupported:DeleteSnapshot",
    "df": _C + "usage:Df",
    "du": _C + "usage:Du",
    "dus": _C + "usage:Dus",
    "expunge": _C + "delete:Expunge",
    "find": _C + "find:Find",
    "get": _C + "copy:Get",
    "getfacl": _C + "unsupported:GetFacl",
    "getfattr": _C + "unsupported:GetFattr",
    "getmerge": _C + "copy:Getmerge",
    "head": _C + "display:Head",
    "help": _C + "help:Help",
    "ls": _C + "ls:Ls",
    "lsr": _C + "ls:Lsr",
    "mkdir": _C + "create:Mkdir",
    "moveFromLocal": _C + "move:MoveFromLocal",
    "moveToLocal": _C + "move:MoveToLocal",
    "mv": _C + "move:Mv",
    "put": _C + "copy:Put",
    "renameSnapshot": _C + "unsupported:RenameSnapshot",
    "rm": _C + "delete:Rm",
    "rmdir": _C + "delete:Rmdir",
    "rmr": _C + "delete:Rmr",
    "setfacl": _C + "unsupported:SetFacl",
    "setfattr": _C + "unsupported:SetFattr",
    "setrep": _C + "modify:SetReplication",
    "stat": _C + "stat:Stat",
    "tail": _C + "display:Tail",
    "test": _C + "stat:Test",
    "text": _C + "display:Text",
    "touch": _C + "create:Touch",
    "touchz": _C + "create:Touchz",
    "truncate": _C + "modify:Truncate",
    "usage": _C + "help:Usage",
}


class UnknownCommandError(UsageError):
    def __init__(self, cmd: str | None = None):
        super().__init__("Unknown command" if cmd is None else f"`{cmd}': Unknown command")


def get_class(name: str) -> type[Command] | None:
    """The command class for ``name`` (without the dash), imported on first use."""
    target = COMMANDS.get(name)
    if target is None:
        return None
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)


def get_class_for_argv0(cmd: str) -> type[Command] | None:
    if not cmd.startswith("-"):
        return None
    return get_class(cmd[1:])


def _java_key(name: str) -> list[int]:
    # Java String.compareTo on "-name": UTF-16 code units; ASCII here.
    return [ord(c) for c in name]


def listed_names() -> list[str]:
    """Names in the full usage listing: sorted as Java sorts ``-name``, deprecated ones left out."""
    return sorted((n for n in COMMANDS if n not in ("dus", "lsr", "rmr")), key=_java_key)


def full_usage() -> str:
    lines = ["Usage: hadoop fs [generic options]"]
    for name in listed_names():
        cls = get_class(name)
        assert cls is not None
        lines.append(f"\t[{cls.usage_line()}]")
    return "\n".join(lines) + "\n"


def generic_usage() -> str:
    from pyhdp.cli.generic import GENERIC_USAGE

    return GENERIC_USAGE


def print_usage(out) -> None:
    out.write(full_usage())
    out.write("\n")
    out.write(generic_usage())


def instance_usage(cls: type[Command]) -> str:
    return f"Usage: hadoop fs [generic options] {cls.usage_line()}\n"


def instance_help(cls: type[Command]) -> str:
    return f"{cls.usage_line()} :\n{cls.description()}"


def _display_error(cmd: str, message: str) -> None:
    for line in message.split("\n"):
        sys.stderr.write(f"{cmd}: {line}\n")
        if not cmd.startswith("-") and get_class(cmd) is not None:
            sys.stderr.write(f"Did you mean -{cmd}?  This command begins with a dash.\n")


def _on_sigterm(signum, frame):  # noqa: ARG001
    raise KeyboardInterrupt


def run(args: list[str], conf: Configuration) -> int:
    """FsShell.run: returns Hadoop's exit code (-1 for usage errors, reported as 255)."""
    try:
        signal.signal(signal.SIGTERM, _on_sigterm)
    except (ValueError, OSError):  # not the main thread
        pass
    for stream in (sys.stdout, sys.stderr):
        try:  # local names that are not valid UTF-8 are printed byte for byte
            stream.reconfigure(errors="surrogateescape")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass
    if not args:
        sys.stdout.flush()
        print_usage(sys.stderr)
        return 255
    cmd = args[0]
    cls = None
    try:
        cls = get_class_for_argv0(cmd)
        if cls is None:
            raise UnknownCommandError()
        instance = cls(conf, name=cmd[1:])
        return instance.run(args[1:]) & 0xFF
    except UsageError as e:
        sys.stdout.flush()
        _display_error(cmd, str(e))
        print_usage(sys.stderr)
        if cls is not None:
            sys.stderr.write(instance_usage(cls))
        return 255
    except ValueError as e:
        # Hadoop's IllegalArgumentException from deeper down (e.g. an empty path string).
        from pyhdp.fs.path import InvalidPathStringError

        if not isinstance(e, InvalidPathStringError):
            raise
        sys.stdout.flush()
        _display_error(cmd, str(e))
        print_usage(sys.stderr)
        if cls is not None:
            sys.stderr.write(instance_usage(cls))
        return 255
    except KeyboardInterrupt:
        sys.stdout.flush()
        sys.stderr.write(f"{cmd[1:] if cmd.startswith('-') else cmd}: Interrupted\n")
        return 130


def run_deprecated_dfs(args: list[str], conf: Configuration) -> int:
    """``hadoop dfs``: Hadoop's bin/hadoop prints this notice, then runs FsShell."""
    sys.stderr.write("WARNING: Use of this script to execute dfs is deprecated.\n")
    sys.stderr.write('WARNING: Attempting to execute replacement "hdfs dfs" instead.\n\n')
    return run(args, conf)
