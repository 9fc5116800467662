"""Commands Hadoop has that pyhdp does not offer yet: snapshots, ACLs, extended attributes.

They parse their arguments as Hadoop does (so usage errors read the same) and then
answer with Hadoop's not-supported wording (``Operation not supported``) on each path.
"""

from __future__ import annotations

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.errors import PathOperationException
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData


class _Unsupported(FsCommand):
    MIN = 1
    MAX: int | None = None
    OPTIONS: tuple[str, ...] = ()
    VALUE_OPTIONS: tuple[str, ...] = ()
    FEATURE = ""
    PATH_INDEX = 0

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(self.MIN, self.MAX, *self.OPTIONS)
        for name in self.VALUE_OPTIONS:
            cf.add_option_with_value(name)
        cf.parse(args)
        if args:
            path = args[self.PATH_INDEX]
            args[:] = [path]

    def process_path(self, item: PathData) -> None:
        raise PathOperationException(str(item), detail=f"{self.FEATURE} are not supported by pyhdp")


class CreateSnapshot(_Unsupported):
    NAME = "createSnapshot"
    USAGE = "<snapshotDir> [<snapshotName>]"
    MIN, MAX, FEATURE = 1, 2, "snapshots"


class DeleteSnapshot(_Unsupported):
    NAME = "deleteSnapshot"
    USAGE = "<snapshotDir> <snapshotName>"
    MIN, MAX, FEATURE = 2, 2, "snapshots"


class RenameSnapshot(_Unsupported):
    NAME = "renameSnapshot"
    USAGE = "<snapshotDir> <oldName> <newName>"
    MIN, MAX, FEATURE = 3, 3, "snapshots"


class GetFacl(_Unsupported):
    NAME = "getfacl"
    USAGE = "[-R] <path>"
    MIN, MAX, OPTIONS, FEATURE = 1, 1, ("R",), "ACLs"


class SetFacl(_Unsupported):
    NAME = "setfacl"
    USAGE = "[-R] [{-b|-k} {-m|-x <acl_spec>} <path>]|[--set <acl_spec> <path>]"
    MIN, MAX, OPTIONS, VALUE_OPTIONS, FEATURE = 1, 2, ("b", "k", "R"), ("m", "x", "-set"), "ACLs"
    PATH_INDEX = -1


class GetFattr(_Unsupported):
    NAME = "getfattr"
    USAGE = "[-R] {-n name | -d} [-e en] <path>"
    MIN, MAX, OPTIONS, VALUE_OPTIONS, FEATURE = 1, 1, ("R", "d"), ("n", "e"), "extended attributes"


class SetFattr(_Unsupported):
    NAME = "setfattr"
    USAGE = "{-n name [-v value] | -x name} <path>"
    MIN, MAX, VALUE_OPTIONS, FEATURE = 1, 1, ("n", "v", "x"), "extended attributes"
