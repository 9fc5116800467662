"""Hadoop's ``ChmodParser`` / ``PermissionParser``: symbolic and octal modes for ``-chmod``.

Symbolic: comma-separated clauses ``[ugoa]*[+=-]+[rwxXt]*`` (``X`` = execute only for
directories or files already executable by someone; ``t`` = sticky bit, set through the
"others" part).  Octal: optional ``0``/``1`` sticky digit and exactly three octal digits.
No umask is applied.  An invalid mode raises ``ValueError(mode)``.
"""

from __future__ import annotations

import re

_SYMBOLIC = re.compile(r"\s*([ugoa]*)([+=-]+)([rwxXt]*)([,\s]*)\s*")
_OCTAL = re.compile(r"\s*[+]?([01]?)([0-7]{3})\s*")


class ChmodParser:
    def __init__(self, mode: str):
        self.mode = mode
        self.user_type = self.group_type = self.others_type = self.sticky_type = "+"
        self.user_mode = self.group_mode = self.others_mode = self.sticky_mode = 0
        m = _SYMBOLIC.match(mode)
        if m:
            self._apply_symbolic(mode, m)
            self.symbolic = True
            return
        m = _OCTAL.fullmatch(mode)
        if m:
            self._apply_octal(m)
            self.symbolic = False
            return
        raise ValueError(mode)

    def _apply_symbolic(self, text: str, m: re.Match) -> None:
        comma = False
        i = 0
        while i < 1 or m.end() < len(text):
            if i > 0:
                if not comma:
                    raise ValueError(text)
                m = _SYMBOLIC.match(text, m.end())
                if m is None or m.end() == m.start():
                    raise ValueError(text)
            i += 1
            kind = m.group(2)[-1]
            who = m.group(1)
            user, group, others = "u" in who, "g" in who, "o" in who
            if not (user or group or others):
                user = group = others = True
            bits = 0
            sticky = False
            for c in m.group(3):
                if c == "r":
                    bits |= 4
                elif c == "w":
                    bits |= 2
                elif c == "x":
                    bits |= 1
                elif c == "X":
                    bits |= 8
                elif c == "t":
                    sticky = True
            if user:
                self.user_mode, self.user_type = bits, kind
            if group:
                self.group_mode, self.group_type = bits, kind
            if others:
                self.others_mode, self.others_type = bits, kind
                self.sticky_mode, self.sticky_type = (1 if sticky else 0), kind
            comma = "," in m.group(4)

    def _apply_octal(self, m: re.Match) -> None:
        self.user_type = self.group_type = self.others_type = "="
        if m.group(1):
            self.sticky_type = "="
            self.sticky_mode = int(m.group(1))
        digits = m.group(2)
        self.user_mode, self.group_mode, self.others_mode = (int(d) for d in digits)

    def apply(self, existing: int, is_dir: bool) -> int:
        """The new mode for a path whose current mode is ``existing``."""
        exe_ok = is_dir or (existing & 0o111) != 0
        return (
            _combine(self.sticky_type, self.sticky_mode, existing >> 9 & 1, False) << 9
            | _combine(self.user_type, self.user_mode, existing >> 6 & 7, exe_ok) << 6
            | _combine(self.group_type, self.group_mode, existing >> 3 & 7, exe_ok) << 3
            | _combine(self.others_type, self.others_mode, existing & 7, exe_ok)
        )


def _combine(kind: str, mode: int, existing: int, exe_ok: bool) -> int:
    cap_x = False
    if mode & 8:
        cap_x = True
        mode = (mode & ~8) | 1
    if kind == "+":
        mode |= existing
    elif kind == "-":
        mode = ~mode & existing
    if cap_x and not exe_ok and mode & 1 and not existing & 1:
        mode &= ~1
    return mode
