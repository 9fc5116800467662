"""Process-tree memory from ``/proc`` (what Hadoop's ProcfsBasedProcessTree reads)."""

from __future__ import annotations

import os

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _stat(pid: int) -> tuple[int, int, int, int] | None:
    """(ppid, pgrp, vsize bytes, rss bytes)"""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("utf-8", "replace")
    except OSError:
        return None
    rest = data[data.rfind(")") + 2 :].split()
    try:
        return int(rest[1]), int(rest[2]), int(rest[20]), int(rest[21]) * PAGE
    except (IndexError, ValueError):
        return None


def tree_usage(root: int) -> tuple[int, int, list[int]]:
    """(rss bytes, vmem bytes, pids) of ``root`` and its descendants."""
    children: dict[int, list[int]] = {}
    info: dict[int, tuple[int, int, int, int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return 0, 0, []
    for e in entries:
        if not e.isdigit():
            continue
        st = _stat(int(e))
        if st is None:
            continue
        info[int(e)] = st
        children.setdefault(st[0], []).append(int(e))
    if root not in info:
        return 0, 0, []
    rss = vm = 0
    pids = []
    todo = [root]
    while todo:
        p = todo.pop()
        if p not in info:
            continue
        pids.append(p)
        rss += info[p][3]
        vm += info[p][2]
        todo.extend(children.get(p, []))
    return rss, vm, pids


def human(n: float) -> str:
    """Hadoop's StringUtils.TraditionalBinaryPrefix.long2String(n, "B", 1)."""
    for unit, size in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            v = n / size
            return f"{v:.1f} {unit}" if v != int(v) else f"{int(v)} {unit}"
    return f"{int(n)} B"
