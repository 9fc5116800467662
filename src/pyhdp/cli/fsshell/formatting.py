"""Number, size, mode and table formatting exactly as Hadoop's shell prints them."""

from __future__ import annotations

import time
from functools import lru_cache

_PREFIXES = (("K", 10), ("M", 20), ("G", 30), ("T", 40), ("P", 50), ("E", 60))


def _java_fixed(value: float, places: int) -> str:
    """Java ``String.format("%.Nf", double)``: HALF_UP on the double's exact decimal value."""
    from decimal import ROUND_HALF_UP, Decimal

    q = Decimal(1).scaleb(-places)
    return str(Decimal(value).quantize(q, rounding=ROUND_HALF_UP))


def long2string(n: int, unit: str = "", places: int = 1) -> str:
    """``TraditionalBinaryPrefix.long2String``: ``1023``, ``1 K``, ``1.5 M``, ``128 M``."""
    sign = ""
    if n < 0:
        sign = "-"
        n = -n
    if n < 1024:
        return f"{sign}{n}" + (f" {unit}" if unit else "")
    i = 0
    while i < len(_PREFIXES) and n >= (1 << _PREFIXES[i][1]):
        i += 1
    symbol, shift = _PREFIXES[i - 1]
    if n & ((1 << shift) - 1) == 0:
        s = str(n >> shift)
    else:
        s = _java_fixed(n / float(1 << shift), places)
        if s.startswith("1024") and i < len(_PREFIXES):
            symbol, shift = _PREFIXES[i]
            s = _java_fixed(n / float(1 << shift), places)
    return f"{sign}{s} {symbol}{unit}"


def format_size(n: int, human: bool) -> str:
    return long2string(n, "", 1) if human else str(n)


def format_percent(fraction: float, places: int) -> str:
    """``StringUtils.formatPercent``."""
    if fraction != fraction:  # NaN
        return "NaN%"
    return _java_fixed(fraction * 100, places) + "%"


@lru_cache(maxsize=1024)
def perm_string(mode: int) -> str:
    """``FsPermission.toString``: ``rwxr-xr-x``; the sticky bit shows as ``t``/``T``."""
    chars = []
    for shift in (6, 3, 0):
        bits = (mode >> shift) & 7
        chars.append("r" if bits & 4 else "-")
        chars.append("w" if bits & 2 else "-")
        chars.append("x" if bits & 1 else "-")
    if mode & 0o1000:
        chars[8] = "t" if chars[8] == "x" else "T"
    return "".join(chars)


def octal_string(mode: int) -> str:
    """``%a`` of -stat: ``644``, ``1777``."""
    return format(mode & 0o1777, "o")


def local_minutes(ms: int) -> str:
    """``yyyy-MM-dd HH:mm`` in the local time zone (ls)."""
    return _minute(ms // 60000)


@lru_cache(maxsize=4096)
def _minute(minutes: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(minutes * 60))


def utc_seconds(ms: int) -> str:
    """``yyyy-MM-dd HH:mm:ss`` in UTC (stat %x/%y)."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(ms / 1000))


class TableBuilder:
    """Hadoop's ``TableListing``-like builder used by ``-du`` and ``-df`` (3.x)."""

    def __init__(self, headers: list[str], right_align: list[bool], show_header: bool = True):
        self.headers = headers
        self.right = right_align
        self.show_header = show_header
        self.rows: list[list[str]] = []

    def add_row(self, *cells: str) -> None:
        self.rows.append([str(c) for c in cells])

    def render(self) -> str:
        if not self.rows:
            return ""
        rows = ([self.headers] if self.show_header else []) + self.rows
        n = len(self.headers)
        widths = [max(len(r[c]) for r in rows) for c in range(n)]
        out = []
        for r in rows:
            cells = []
            for c in range(n):
                if self.right[c]:
                    cells.append(r[c].rjust(widths[c]))
                elif c == n - 1:
                    cells.append(r[c])
                else:
                    cells.append(r[c].ljust(widths[c]))
            out.append("  ".join(cells))
        return "\n".join(out) + "\n"
