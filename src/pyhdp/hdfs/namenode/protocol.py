"""The NameNode's client operations as one typed table: one definition, two transports.

Each entry names a ``ClientProtocol`` operation, the :class:`FSNamesystem` method that
implements it, its typed arguments and its result type.  The embedded client calls
:func:`call` in-process; the NameNode daemon (next issue) decodes the same names and
arguments from HTTP requests and calls the same function, and maps the raised errors to
``RemoteException`` bodies with :data:`pyhdp.errors.JAVA_EXCEPTION_NAMES`.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pyhdp.hdfs.namenode.files import Holder


@dataclasses.dataclass(frozen=True)
class Operation:
    """One entry of the operation table."""

    name: str  # ClientProtocol name
    method: str  # FSNamesystem method
    args: tuple[tuple[str, type | tuple[type, ...]], ...]
    result: str  # documentation of the result type
    mutating: bool


def _op(name: str, method: str, args: tuple, result: str, mutating: bool = True) -> Operation:
    return Operation(name, method, args, result, mutating)


_PATH = ("path", str)
_HOLDER = ("holder", Holder)

OPERATIONS: dict[str, Operation] = {
    op.name: op
    for op in (
        _op("getFileInfo", "get_file_info", (_PATH,), "FileStatus | None", False),
        _op("getListing", "get_listing", (_PATH,), "list[FileStatus]", False),
        _op("isFileClosed", "is_file_closed", (_PATH,), "bool", False),
        _op("getContentSummary", "get_content_summary", (_PATH,), "ContentSummary", False),
        _op("getBlockLocations", "get_block_locations", (_PATH,), "tuple[Inode, list[LocatedBlock]]", False),
        _op("mkdirs", "mkdirs", (_PATH, ("masked", int), ("create_parent", bool)), "bool"),
        _op("delete", "delete", (_PATH, ("recursive", bool)), "bool"),
        _op("rename", "rename", (("src", str), ("dst", str)), "bool"),
        _op("setPermission", "set_permission", (_PATH, ("permission", int)), "None"),
        _op(
            "setOwner",
            "set_owner",
            (_PATH, ("owner", (str, type(None))), ("group", (str, type(None)))),
            "None",
        ),
        _op("setTimes", "set_times", (_PATH, ("mtime", int), ("atime", int)), "None"),
        _op("setReplication", "set_replication", (_PATH, ("replication", int)), "bool"),
        _op(
            "create",
            "create",
            (
                _PATH,
                ("masked", int),
                _HOLDER,
                ("overwrite", bool),
                ("create_parent", bool),
                ("replication", int),
                ("block_size", int),
            ),
            "FileStatus",
        ),
        _op(
            "addBlock", "add_block", (_PATH, _HOLDER, ("previous_length", (int, type(None)))), "LocatedBlock"
        ),
        _op("fsync", "update_block_length", (_PATH, _HOLDER, ("length", int)), "None"),
        _op("complete", "complete", (_PATH, _HOLDER, ("last_length", (int, type(None)))), "bool"),
        _op("abandonBlock", "abandon_block", (_PATH, _HOLDER, ("block_id", int)), "None"),
        _op("recoverLease", "recover_lease", (_PATH, _HOLDER), "bool"),
        _op("append", "append", (_PATH, _HOLDER), "tuple[Inode, LocatedBlock | None, BlockRecovery | None]"),
        _op(
            "truncate", "truncate", (_PATH, ("new_length", int), _HOLDER), "tuple[bool, BlockRecovery | None]"
        ),
        _op("concat", "concat", (("target", str), ("srcs", list)), "None"),
        _op(
            "setQuota",
            "set_quota",
            (_PATH, ("ns_quota", int), ("ds_quota", int), ("storage_type", (str, type(None)))),
            "None",
        ),
        _op("setSafeMode", "set_safe_mode", (("action", str),), "bool"),
        _op("saveNamespace", "save_namespace", (), "bool"),
        _op("rollEdits", "roll_edits", (), "int"),
    )
}


def call(namesystem: Any, caller: Any, op: str, **kwargs: Any) -> Any:
    """Validate ``kwargs`` against the table and call the operation on ``namesystem``."""
    spec = OPERATIONS.get(op)
    if spec is None:
        raise ValueError(f"Unknown NameNode operation {op}")
    names = {n for n, _ in spec.args}
    unknown = set(kwargs) - names
    if unknown:
        raise TypeError(f"{op}: unexpected arguments {sorted(unknown)}")
    for name, typ in spec.args:
        if name in kwargs and not isinstance(kwargs[name], typ):
            raise TypeError(f"{op}: argument {name} must be {typ}, not {type(kwargs[name]).__name__}")
    return getattr(namesystem, spec.method)(caller, **kwargs)
