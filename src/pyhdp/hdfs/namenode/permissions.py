"""POSIX permission checks as HDFS's ``FSPermissionChecker`` does them, and mode helpers.

Pure functions over inode rows (``Inode``) and the caller (``Caller``): no I/O.  The
messages are Hadoop's, e.g.
``Permission denied: user=bob, access=WRITE, inode="/x":root:supergroup:drwxr-xr-x``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence

from pyhdp.errors import AccessControlError, HadoopIllegalArgumentError

READ, WRITE, EXECUTE = 4, 2, 1
ALL = 7

_ACTION_NAMES = {
    0: "NONE",
    1: "EXECUTE",
    2: "WRITE",
    3: "WRITE_EXECUTE",
    4: "READ",
    5: "READ_EXECUTE",
    6: "READ_WRITE",
    7: "ALL",
}


@dataclasses.dataclass(frozen=True)
class Caller:
    """Who calls the NameNode: user, groups, and whether they are a superuser."""

    user: str
    groups: tuple[str, ...] = ()
    superuser: bool = False
    client_name: str = ""


@dataclasses.dataclass
class Inode:
    """One row of the ``inodes`` table."""

    id: int
    parent: int
    name: str
    is_dir: bool
    perm: int
    owner: str
    grp: str
    mtime: int
    atime: int
    replication: int
    block_size: int
    length: int
    ns_quota: int
    ds_quota: int
    uc: bool

    @classmethod
    def from_row(cls, row: Sequence) -> Inode:
        return cls(
            row[0],
            row[1],
            row[2],
            bool(row[3]),
            row[4],
            row[5],
            row[6],
            row[7],
            row[8],
            row[9],
            row[10],
            row[11],
            row[12],
            row[13],
            bool(row[14]),
        )


def mode_string(perm: int) -> str:
    """``FsPermission.toString()``: ``rwxr-xr-x``, sticky as ``t``/``T`` in the last place."""
    chars = []
    for shift in (6, 3, 0):
        bits = (perm >> shift) & 7
        chars.append("r" if bits & 4 else "-")
        chars.append("w" if bits & 2 else "-")
        chars.append("x" if bits & 1 else "-")
    if perm & 0o1000:
        chars[-1] = "t" if chars[-1] == "x" else "T"
    return "".join(chars)


def inode_string(path: str, node: Inode) -> str:
    return f'"{path}":{node.owner}:{node.grp}:{"d" if node.is_dir else "-"}{mode_string(node.perm)}'


def denied(user: str, access: int, path: str, node: Inode) -> AccessControlError:
    return AccessControlError(
        f"Permission denied: user={user}, access={_ACTION_NAMES[access]}, inode={inode_string(path, node)}",
        path,
    )


def has_permission(caller: Caller, node: Inode, access: int) -> bool:
    if caller.user == node.owner:
        bits = (node.perm >> 6) & 7
    elif node.grp in caller.groups:
        bits = (node.perm >> 3) & 7
    else:
        bits = node.perm & 7
    return bits & access == access


def join_path(components: Sequence[str], upto: int) -> str:
    """The path of ``components[1..upto]`` (components[0] is the root's empty name)."""
    if upto <= 0:
        return "/"
    return "/" + "/".join(components[1 : upto + 1])


def check_permission(
    caller: Caller,
    components: Sequence[str],
    inodes: Sequence[Inode | None],
    *,
    owner: bool = False,
    ancestor: int | None = None,
    parent: int | None = None,
    access: int | None = None,
    sub: int | None = None,
    ignore_empty_dir: bool = False,
    list_children: Callable[[Inode, str], list[tuple[Inode, str]]] | None = None,
) -> None:
    """``FSPermissionChecker.checkPermission``: traverse (x) on ancestors, then the asked checks.

    ``inodes[i]`` is the inode of ``components[:i+1]`` or None when it does not exist;
    ``list_children(dir, path)`` is needed for ``sub`` (recursive delete).
    """
    if caller.superuser:
        return
    n = len(inodes)
    ancestor_index = n - 2
    while ancestor_index >= 0 and inodes[ancestor_index] is None:
        ancestor_index -= 1
    for j in range(ancestor_index + 1):
        node = inodes[j]
        if node is not None and node.is_dir and not has_permission(caller, node, EXECUTE):
            raise denied(caller.user, EXECUTE, join_path(components, j), node)
    last = inodes[-1]
    if parent is not None and parent & WRITE and n > 1 and last is not None:
        check_sticky_bit(caller, components, inodes, n - 2)
    if ancestor is not None and n > 1 and ancestor_index >= 0:
        node = inodes[ancestor_index]
        if node is not None and not has_permission(caller, node, ancestor):
            raise denied(caller.user, ancestor, join_path(components, ancestor_index), node)
    if parent is not None and n > 1:
        node = inodes[n - 2]
        if node is not None and not has_permission(caller, node, parent):
            raise denied(caller.user, parent, join_path(components, n - 2), node)
    if access is not None and last is not None and not has_permission(caller, last, access):
        raise denied(caller.user, access, join_path(components, n - 1), last)
    if sub is not None and last is not None and last.is_dir and list_children is not None:
        stack = [(last, join_path(components, n - 1))]
        while stack:
            d, dpath = stack.pop()
            children = list_children(d, dpath)
            if not (ignore_empty_dir and not children) and not has_permission(caller, d, sub):
                raise denied(caller.user, sub, dpath, d)
            for child, cpath in children:
                if child.is_dir:
                    stack.append((child, cpath))
    if owner and (last is None or caller.user != last.owner):
        raise AccessControlError(
            f"Permission denied. user={caller.user} is not the owner of inode={join_path(components, n - 1)}"
        )


def check_sticky_bit(
    caller: Caller, components: Sequence[str], inodes: Sequence[Inode | None], index: int
) -> None:
    par = inodes[index]
    node = inodes[index + 1]
    if par is None or node is None or not par.perm & 0o1000:
        return
    if par.owner == caller.user or node.owner == caller.user:
        return
    path = join_path(components, index + 1)
    ppath = join_path(components, index)
    raise AccessControlError(
        f"Permission denied by sticky bit: user={caller.user}, path={inode_string(path, node)}, "
        f"parent={inode_string(ppath, par)}",
        path,
    )


# ------------------------------------------------------------------ umask

_SYMBOLIC = re.compile(r"^([ugoa]*)([+=-])([rwxXt]*)$")


def parse_umask(value: str | None) -> int:
    """``fs.permissions.umask-mode``: octal (``022``) or symbolic (``u=rwx,g=rx,o=rx``)."""
    value = (value or "022").strip()
    if re.fullmatch(r"[0-7]{1,4}", value):
        return int(value, 8) & 0o777
    # symbolic: the mode given is what stays allowed; the umask is its complement
    allowed = 0o777
    for part in value.split(","):
        m = _SYMBOLIC.match(part.strip())
        if not m:
            raise HadoopIllegalArgumentError(
                f"Unable to parse configuration fs.permissions.umask-mode with value {value} as octal or symbolic umask."
            )
        who, op, perms = m.groups()
        who = who or "a"
        bits = (
            (4 if "r" in perms else 0)
            | (2 if "w" in perms else 0)
            | (1 if "x" in perms or "X" in perms else 0)
        )
        mask = 0
        for w in who:
            for shift in {"u": (6,), "g": (3,), "o": (0,), "a": (6, 3, 0)}[w]:
                mask |= 7 << shift
                if op == "=":
                    allowed &= ~(7 << shift)
                    allowed |= bits << shift
                elif op == "+":
                    allowed |= bits << shift
                else:
                    allowed &= ~(bits << shift)
    return ~allowed & 0o777
