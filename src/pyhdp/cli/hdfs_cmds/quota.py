"""``dfsadmin -setQuota/-clrQuota/-setSpaceQuota/-clrSpaceQuota`` (DFSAdmin's quota commands)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from pyhdp.errors import HadoopIllegalArgumentError

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

QUOTA_DONT_SET = 2**63 - 1
QUOTA_RESET = -1
_PREFIX = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50, "e": 1 << 60}
_QUOTA_TYPES = ["RAM_DISK", "SSD", "DISK", "ARCHIVE", "NVDIMM"]
_ALL_TYPES = ["RAM_DISK", "SSD", "DISK", "ARCHIVE", "PROVIDED", "NVDIMM"]


def parse_long(s: str) -> int:
    """Java ``Long.parseLong``."""
    if not s or not (s.lstrip("+-").isdigit() and s[0] in "+-0123456789") or not s.isascii():
        raise ValueError(f'For input string: "{s}"')
    v = int(s)
    if not -(2**63) <= v < 2**63:
        raise ValueError(f'For input string: "{s}"')
    return v


def string2long(s: str) -> int:
    """``StringUtils.TraditionalBinaryPrefix.string2long``: ``10g`` = 10 * 2^30."""
    s = s.strip()
    if not s:
        raise ValueError('For input string: ""')
    last = s[-1]
    if last.isdigit():
        return parse_long(s)
    prefix = _PREFIX.get(last.lower())
    if prefix is None:
        raise ValueError(
            f"Invalid size prefix '{last}' in '{s}'. Allowed prefixes are k, m, g, t, p, e(case insensitive)"
        )
    num = parse_long(s[:-1])
    if num > (2**63 - 1) // prefix or num < -(2**63) // prefix:
        raise ValueError(f"{s} does not fit in a Long")
    return num * prefix


def run_quota_command(cmd: str, args: list[str], conf: Configuration, get_dfs: Callable) -> int:
    from pyhdp.cli.hdfs_cmds.dfsadmin import IllegalArgument

    name = cmd[1:]
    params = list(args[1:])
    storage_type = None
    if cmd == "-clrSpaceQuota":
        while params and params[0].startswith("-") and params[0] != "-":
            opt = params.pop(0)
            if opt != "-storageType":
                raise IllegalArgument(f"Illegal option {opt}")
            if not params:
                raise IllegalArgument("option -storageType requires 1 argument.")
            value = params.pop(0)
            if value.upper() not in _ALL_TYPES:
                raise IllegalArgument(f"No enum constant org.apache.hadoop.fs.StorageType.{value.upper()}")
            storage_type = value.upper()
    minimum = 2 if cmd in ("-setQuota", "-setSpaceQuota") else 1
    if len(params) < minimum:
        raise IllegalArgument(f"Not enough arguments: expected {minimum} but got {len(params)}")
    quota = 0
    if cmd in ("-setQuota", "-setSpaceQuota"):
        text = params.pop(0).strip()
        try:
            quota = string2long(text)
        except ValueError as e:
            if cmd == "-setSpaceQuota":
                raise IllegalArgument(f'"{text}" is not a valid value for a quota.') from e
            raise IllegalArgument(str(e)) from e
        if cmd == "-setSpaceQuota" and "-storageType" in params:
            i = params.index("-storageType")
            if i + 1 >= len(params):
                raise IllegalArgument("option -storageType requires 1 argument.")
            value = params[i + 1]
            del params[i : i + 2]
            if value.upper() not in _QUOTA_TYPES:
                raise IllegalArgument(
                    f"Storage type {value} is not available. Available storage types are "
                    f"[{', '.join(_QUOTA_TYPES)}]"
                )
            storage_type = value.upper()
    from pyhdp.cli.fsshell.pathdata import PathData

    exit_code = 0
    for arg in params:
        try:
            items = PathData.expand_as_glob(arg, conf)
            for item in items:
                if item.stat is None:
                    from pyhdp.errors import PathNotFoundError

                    raise PathNotFoundError(f"`{item.display}': No such file or directory", item.display)
                dfs = item.fs
                from pyhdp.hdfs.client import DistributedFileSystem

                if not isinstance(dfs, DistributedFileSystem):
                    raise IllegalArgument(f"FileSystem {dfs.uri} is not an HDFS file system")
                _apply(dfs, cmd, item.path, quota, storage_type)
        except (HadoopIllegalArgumentError, ValueError) as e:
            raise IllegalArgument(str(e)) from e
        except OSError as e:
            exit_code = 255
            sys.stderr.write(f"{name}: {str(e).split(chr(10), 1)[0]}\n")
    return exit_code


def _apply(dfs, cmd: str, path: str, quota: int, storage_type: str | None) -> None:
    if cmd == "-setQuota":
        dfs.set_quota(path, quota, QUOTA_DONT_SET)
    elif cmd == "-clrQuota":
        dfs.set_quota(path, QUOTA_RESET, QUOTA_DONT_SET)
    elif cmd == "-setSpaceQuota":
        if storage_type:
            dfs.set_quota_by_storage_type(path, storage_type, quota)
        else:
            dfs.set_quota(path, QUOTA_DONT_SET, quota)
    elif storage_type:
        dfs.set_quota_by_storage_type(path, storage_type, QUOTA_RESET)
    else:
        dfs.set_quota(path, QUOTA_DONT_SET, QUOTA_RESET)
