"""Copy commands: ``-put``/``-copyFromLocal``, ``-get``/``-copyToLocal``, ``-cp``,
``-appendToFile`` and ``-getmerge`` (Hadoop's ``CopyCommands``)."""

from __future__ import annotations

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.commands.dest import (
    COPY_BUFFER,
    CommandWithDestination,
    parse_thread_option,
    stdin_bytes,
)
from pyhdp.cli.fsshell.errors import PathIsDirectoryException
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UsageError

_THREADS_USAGE = "[-t <thread count>] [-q <thread pool queue size>]"


class Put(CommandWithDestination):
    NAME = "put"
    USAGE = f"[-f] [-p] [-l] [-d] {_THREADS_USAGE} <localsrc> ... <dst>"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "f", "p", "l", "d")
        cf.add_option_with_value("t")
        cf.add_option_with_value("q")
        cf.parse(args)
        self.thread_count = parse_thread_option(cf.get_opt_value("t"), 1)
        self.queue_size = parse_thread_option(cf.get_opt_value("q"), 1024)
        self.overwrite = cf.get_opt("f")
        self.set_preserve(cf.get_opt("p"))
        self.lazy_persist = cf.get_opt("l")
        self.direct = cf.get_opt("d")
        self.get_remote_destination(args)
        self.recursive = True

    def expand_argument(self, arg: str) -> list[PathData]:
        # Local sources are taken literally (no globbing), as Hadoop's CopyFromLocal does.
        return [PathData.from_string(arg, self.conf, local=True)]

    def process_arguments(self, items: list[PathData]) -> None:
        if len(items) == 1 and items[0].display == "-":
            self.copy_stream_to_target(stdin_bytes(), self.get_target_path(items[0]))
            return
        super().process_arguments(items)


class CopyFromLocal(Put):
    NAME = "copyFromLocal"


class Get(CommandWithDestination):
    NAME = "get"
    USAGE = f"[-f] [-p] [-crc] [-ignoreCrc] {_THREADS_USAGE} <src> ... <localdst>"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "crc", "ignoreCrc", "p", "f")
        cf.add_option_with_value("t")
        cf.add_option_with_value("q")
        cf.parse(args)
        self.write_checksum = cf.get_opt("crc")
        self.verify_checksum = not cf.get_opt("ignoreCrc")
        self.set_preserve(cf.get_opt("p"))
        self.overwrite = cf.get_opt("f")
        self.thread_count = parse_thread_option(cf.get_opt_value("t"), 1)
        self.queue_size = parse_thread_option(cf.get_opt_value("q"), 1024)
        self.recursive = True
        self.get_local_destination(args)


class CopyToLocal(Get):
    NAME = "copyToLocal"


class Cp(CommandWithDestination):
    NAME = "cp"
    USAGE = f"[-f] [-p | -p[topax]] [-d] {_THREADS_USAGE} <src> ... <dst>"

    def process_options(self, args: list[str]) -> None:
        self._pop_preserve_option(args)
        cf = CommandFormat(2, None, "f", "d")
        cf.add_option_with_value("t")
        cf.add_option_with_value("q")
        cf.parse(args)
        self.direct = cf.get_opt("d")
        self.overwrite = cf.get_opt("f")
        self.thread_count = parse_thread_option(cf.get_opt_value("t"), 1)
        self.queue_size = parse_thread_option(cf.get_opt_value("q"), 1024)
        self.recursive = True
        self.get_remote_destination(args)

    def _pop_preserve_option(self, args: list[str]) -> None:
        i = 0
        while i < len(args):
            cur = args[i]
            if cur == "--":
                break
            if cur.startswith("-p"):
                del args[i]
                if len(cur) == 2:
                    self.set_preserve(True)
                else:
                    for ch in cur[2:]:
                        if ch not in "topax":
                            raise UsageError(f"No attribute for {ch}")
                        self.preserve.add(ch)
                continue
            i += 1


class AppendToFile(CommandWithDestination):
    NAME = "appendToFile"
    USAGE = "[-n] <localsrc> ... <dst>"

    def process_options(self, args: list[str]) -> None:
        if len(args) < 2:
            raise OSError("missing destination argument")
        cf = CommandFormat(2, None, "n")
        cf.parse(args)
        self.new_block = cf.get_opt("n")
        self.read_stdin = False
        self.get_remote_destination(args)

    def expand_argument(self, arg: str) -> list[PathData]:
        if arg == "-":
            self.read_stdin = True
        return [PathData.from_string(arg, self.conf, local=True)]

    def process_arguments(self, items: list[PathData]) -> None:
        dst = self.dst
        assert dst is not None
        if dst.is_dir:
            raise PathIsDirectoryException(str(dst))
        if self.read_stdin and len(items) != 1:
            raise OSError("stdin (-) must be the sole input argument when present")
        for src in items:
            if not self.read_stdin and not src.exists:
                raise OSError(f"{src.display} (No such file or directory)")
        if not dst.exists:
            dst.fs.create(dst.path, overwrite=False).close()
        out = dst.fs.append(dst.path)
        try:
            if self.read_stdin:
                _copy(stdin_bytes(), out)
                return
            for src in items:
                if src.is_dir:
                    raise OSError(f"{src.display} (Is a directory)")
                with src.fs.open(src.path) as f:
                    _copy(f, out)
        finally:
            out.close()


def _copy(src, out) -> None:
    while True:
        chunk = src.read(COPY_BUFFER)
        if not chunk:
            return
        out.write(chunk)


class Getmerge(FsCommand):
    NAME = "getmerge"
    USAGE = "[-nl] [-skip-empty-file] <src> <localdst>"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(2, None, "nl", "skip-empty-file")
        cf.parse(args)
        self.delimiter = b"\n" if cf.get_opt("nl") else None
        self.skip_empty = cf.get_opt("skip-empty-file")
        self.dst = PathData.from_string(args.pop(), self.conf, local=True)
        if self.dst.is_dir:
            raise PathIsDirectoryException(str(self.dst))
        self.srcs: list[PathData] = []

    def process_arguments(self, items: list[PathData]) -> None:
        super().process_arguments(items)
        if self.exit_code != 0:
            return
        out = self.dst.fs.create(self.dst.path, overwrite=True)
        try:
            for src in self.srcs:
                if src.stat.length != 0:
                    with src.fs.open(src.path) as f:
                        _copy(f, out)
                    if self.delimiter:
                        out.write(self.delimiter)
                elif not self.skip_empty and self.delimiter:
                    out.write(self.delimiter)
        finally:
            out.close()

    def process_nonexistent_path(self, item: PathData) -> None:
        self.exit_code = 1
        super().process_nonexistent_path(item)

    def process_path(self, src: PathData) -> None:
        if src.is_dir:
            if self.depth == 0:
                self.recurse_path(src)
        else:
            self.srcs.append(src)
