"""Quota usage, verification and Hadoop's quota / fs-limit messages."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from pyhdp.errors import QuotaExceededError
from pyhdp.hdfs.namenode.permissions import Inode
from pyhdp.hdfs.namenode.schema import ROOT_NS_QUOTA


def long2string(n: int, unit: str = "B", decimal_places: int = 2) -> str:
    """Hadoop's ``StringUtils.TraditionalBinaryPrefix.long2String``: ``1 KB``, ``384 MB``, ``1.50 MB``."""
    prefixes = ["", "K", "M", "G", "T", "P", "E"]
    neg = n < 0
    v = -n if neg else n
    if v < 1024:
        s = f"{v}{' ' + unit if unit else ''}"
        return ("-" if neg else "") + s
    i = 0
    while i + 1 < len(prefixes) and v >= (1 << (10 * (i + 1))):
        i += 1
    div = 1 << (10 * i)
    if v % div == 0:
        s = f"{v // div} {prefixes[i]}{unit}"
    else:
        num = f"{v / div:.{decimal_places}f}"
        if num.startswith("1024") and i + 1 < len(prefixes):
            i += 1
            num = f"{v / (1 << (10 * i)):.{decimal_places}f}"
        s = f"{num} {prefixes[i]}{unit}"
    return ("-" if neg else "") + s


class NSQuotaExceededError(QuotaExceededError):
    pass


class DSQuotaExceededError(QuotaExceededError):
    pass


def ns_exceeded(path: str, quota: int, count: int) -> NSQuotaExceededError:
    return NSQuotaExceededError(
        f"The NameSpace quota (directories and files) of directory {path} is exceeded: quota={quota} file count={count}",
        path,
    )


def ds_exceeded(path: str, quota: int, consumed: int) -> DSQuotaExceededError:
    return DSQuotaExceededError(
        f"The DiskSpace quota of {path} is exceeded: quota = {quota} B = {long2string(quota)} "
        f"but diskspace consumed = {consumed} B = {long2string(consumed)}",
        path,
    )


def has_quota(node: Inode) -> bool:
    return (node.ns_quota >= 0 and node.ns_quota != ROOT_NS_QUOTA) or node.ds_quota >= 0


_USAGE_SQL = """
WITH RECURSIVE sub(id) AS (SELECT ? UNION ALL SELECT i.id FROM inodes i JOIN sub ON i.parent = sub.id)
SELECT count(*),
       coalesce(sum(CASE WHEN i.is_dir THEN 0 ELSE
         (i.length + CASE WHEN i.uc AND EXISTS(SELECT 1 FROM blocks b WHERE b.inode = i.id
                                              AND b.state = 'UNDER_CONSTRUCTION')
                     THEN i.block_size ELSE 0 END) * i.replication END), 0),
       coalesce(sum(CASE WHEN i.is_dir THEN 0 ELSE i.length END), 0),
       coalesce(sum(i.is_dir), 0)
FROM inodes i JOIN sub ON i.id = sub.id
"""


def usage(conn: sqlite3.Connection, inode_id: int) -> tuple[int, int, int, int]:
    """``(names, space consumed, length, directories)`` of the subtree at ``inode_id`` (itself included)."""
    row = conn.execute(_USAGE_SQL, (inode_id,)).fetchone()
    return int(row[0]), int(row[1]), int(row[2]), int(row[3])


def verify_quota(
    conn: sqlite3.Connection,
    ancestors: Sequence[tuple[Inode, str]],
    ns_delta: int,
    ds_delta: int,
    skip_common: set[int] | None = None,
) -> None:
    """Check every ancestor with a quota (deepest first) can take ``ns_delta`` names and
    ``ds_delta`` bytes; raise Hadoop's NSQuotaExceeded / DSQuotaExceeded otherwise."""
    if ns_delta <= 0 and ds_delta <= 0:
        return
    if ds_delta > 0:
        _verify_type_quota(conn, ancestors, ds_delta, skip_common)
    for node, path in reversed(ancestors):
        if node is None or not has_quota(node) or (skip_common and node.id in skip_common):
            continue
        names, space, _length, _dirs = usage(conn, node.id)
        if ns_delta > 0 and 0 <= node.ns_quota < names + ns_delta:
            raise ns_exceeded(path, node.ns_quota, names + ns_delta)
        if ds_delta > 0 and 0 <= node.ds_quota < space + ds_delta:
            raise ds_exceeded(path, node.ds_quota, space + ds_delta)


class QuotaByStorageTypeExceededError(QuotaExceededError):
    pass


def _verify_type_quota(
    conn: sqlite3.Connection, ancestors, ds_delta: int, skip_common: set[int] | None
) -> None:
    """Storage-type quotas (``-setSpaceQuota N -storageType DISK``): every replica here is on DISK."""
    rows = conn.execute("SELECT key, value FROM meta WHERE key LIKE 'typequota:%'").fetchall()
    if not rows:
        return
    quotas: dict[int, list[tuple[str, int]]] = {}
    for key, value in rows:
        _, inode_id, stype = key.split(":", 2)
        quotas.setdefault(int(inode_id), []).append((stype, int(value)))
    for node, path in reversed(ancestors):
        if node is None or node.id not in quotas or (skip_common and node.id in skip_common):
            continue
        for stype, quota in quotas[node.id]:
            if stype != "DISK":
                continue  # no SSD/ARCHIVE volumes: nothing is ever placed there
            consumed = usage(conn, node.id)[1] + ds_delta
            if consumed > quota:
                raise QuotaByStorageTypeExceededError(
                    f"Quota by storage type : {stype} on path : {path} is exceeded. quota = "
                    f"{long2string(quota)} but space consumed = {long2string(consumed)}",
                    path,
                )


def component_too_long(limit: int, length: int, parent: str, name: str) -> QuotaExceededError:
    return QuotaExceededError(
        f"The maximum path component name limit of {name} in directory {parent} is exceeded: "
        f"limit={limit} length={length}",
        parent,
    )


def too_many_items(path: str, limit: int, items: int) -> QuotaExceededError:
    return QuotaExceededError(
        f"The directory item limit of {path} is exceeded: limit={limit} items={items}", path
    )
