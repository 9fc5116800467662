"""``-stat`` (format specifiers) and ``-test`` (Hadoop's ``Stat`` and ``Test``)."""

from __future__ import annotations

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.formatting import octal_string, perm_string, utc_seconds
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UsageError
from pyhdp.fs.base import FileStatus


def format_stat(fmt: str, st: FileStatus, name: str) -> str:
    """Expand ``%a %A %b %F %g %n %o %r %u %x %X %y %Y``; ``%<other>`` gives the character."""
    out = []
    i, n = 0, len(fmt)
    while i < n:
        c = fmt[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        if i + 1 == n:
            break
        i += 1
        c = fmt[i]
        if c == "a":
            out.append(octal_string(st.permission))
        elif c == "A":
            out.append(perm_string(st.permission))
        elif c == "b":
            out.append(str(st.length))
        elif c == "F":
            out.append("directory" if st.is_dir else ("regular file" if st.symlink is None else "symlink"))
        elif c == "g":
            out.append(st.group)
        elif c == "n":
            out.append(name)
        elif c == "o":
            out.append(str(st.block_size))
        elif c == "r":
            out.append(str(st.replication))
        elif c == "u":
            out.append(st.owner)
        elif c == "x":
            out.append(utc_seconds(st.access_time))
        elif c == "X":
            out.append(str(st.access_time))
        elif c == "y":
            out.append(utc_seconds(st.modification_time))
        elif c == "Y":
            out.append(str(st.modification_time))
        else:
            out.append(c)
        i += 1
    return "".join(out)


class Stat(FsCommand):
    NAME = "stat"
    USAGE = "[format] <path> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "R")
        cf.parse(args)
        self.recursive = cf.get_opt("R")
        self.format = "%y"
        if "%" in args[0]:
            self.format = args.pop(0)
        cf.parse(args)

    def process_path(self, item: PathData) -> None:
        self.write(format_stat(self.format, item.stat, item.name) + "\n")


class Test(FsCommand):
    NAME = "test"
    USAGE = "-[defswrz] <path>"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, 1, "e", "d", "f", "s", "z", "w", "r")
        cf.parse(args)
        opts = [o for o, on in cf.options.items() if on]
        if not opts:
            raise UsageError("No test flag given")
        if len(opts) > 1:
            raise UsageError("Only one test flag is allowed")
        self.flag = opts[0]

    def process_path(self, item: PathData) -> None:
        st = item.stat
        flag = self.flag
        if flag == "e":
            ok = True
        elif flag == "d":
            ok = st.is_dir
        elif flag == "f":
            ok = st.is_file
        elif flag == "s":
            ok = st.length > 0
        elif flag == "z":
            ok = st.length == 0
        else:
            ok = self._access(item, "w" if flag == "w" else "r")
        if not ok:
            self.exit_code = 1

    @staticmethod
    def _access(item: PathData, mode: str) -> bool:
        from pyhdp.errors import UnsupportedOperationError

        try:
            item.fs.access(item.path, mode)
            return True
        except (PermissionError, UnsupportedOperationError):
            return False

    def process_nonexistent_path(self, item: PathData) -> None:
        self.exit_code = 1
