"""Move commands: ``-mv``, ``-moveFromLocal``, ``-moveToLocal`` (Hadoop's ``MoveCommands``)."""

from __future__ import annotations

from pyhdp.cli.fsshell.commands.copy import CopyFromLocal
from pyhdp.cli.fsshell.commands.dest import CommandWithDestination
from pyhdp.cli.fsshell.errors import PathExistsException, PathIOException
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData


class Mv(CommandWithDestination):
    NAME = "mv"
    USAGE = "<src> ... <dst>"

    def process_options(self, args: list[str]) -> None:
        CommandFormat(2, None).parse(args)
        self.get_remote_destination(args)

    def process_path_to(self, src: PathData, target: PathData) -> None:
        if not src.same_fs(target):
            raise PathIOException(str(src), "Does not match target filesystem")
        if target.exists:
            raise PathExistsException(str(target))
        if not target.fs.rename(src.path, target.path):
            raise PathIOException(str(src))


class MoveFromLocal(CopyFromLocal):
    NAME = "moveFromLocal"
    USAGE = "[-f] [-p] [-l] [-d] <localsrc> ... <dst>"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "f", "p", "l", "d")
        cf.parse(args)
        self.overwrite = cf.get_opt("f")
        self.set_preserve(cf.get_opt("p"))
        self.lazy_persist = cf.get_opt("l")
        self.direct = cf.get_opt("d")
        self.get_remote_destination(args)
        self.recursive = True

    def process_path_to(self, src: PathData, target: PathData) -> None:
        # unlike copy, don't merge existing dirs during move
        if target.exists and target.is_dir:
            raise PathExistsException(str(target))
        super().process_path_to(src, target)

    def post_process_path(self, src: PathData) -> None:
        if not src.fs.delete(src.path, False):
            raise PathIOException(str(src), operation="remove")


class MoveToLocal(CommandWithDestination):
    NAME = "moveToLocal"
    USAGE = "<src> <localdst>"

    def process_options(self, args: list[str]) -> None:
        CommandFormat(2, 2).parse(args)
        raise OSError("Option '-moveToLocal' is not implemented yet.")
