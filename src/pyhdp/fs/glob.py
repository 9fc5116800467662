"""Hadoop's glob syntax: ``GlobPattern`` (one path component), ``GlobExpander`` and ``Globber``.

Syntax per component: ``?`` one character, ``*`` any run, ``[abc]`` / ``[a-z]`` a set or
range, ``[^a]`` / ``[!a]`` a negated set, ``{a,b}`` alternation (may nest), ``\\c`` the
character ``c`` literally.  A ``{...}`` group that contains ``/`` is expanded into whole
patterns first (``GlobExpander``), so ``/a/{b/c,d}`` works.  Wildcards never match ``/``.

Errors are :class:`GlobSyntaxError`, whose message is Hadoop's
(``Illegal file pattern: error parsing regexp: Unclosed character class at pos 2: `[a```).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pyhdp.errors import FsError

if TYPE_CHECKING:
    from pyhdp.fs.base import FileStatus, FileSystem


class GlobSyntaxError(FsError):
    """An illegal file pattern (Hadoop: IOException("Illegal file pattern: ...")."""


def _error(message: str, pattern: str, pos: int) -> GlobSyntaxError:
    return GlobSyntaxError(f"Illegal file pattern: error parsing regexp: {message} at pos {pos}: `{pattern}`")


class GlobPattern:
    """One glob component compiled to a regular expression (Hadoop's ``GlobPattern``)."""

    __slots__ = ("pattern", "regex", "has_wildcard", "_compiled")

    def __init__(self, glob: str, case_insensitive: bool = False):
        self.pattern = glob
        self.has_wildcard = False
        self.regex = self._translate(glob)
        try:
            self._compiled = re.compile(self.regex, re.IGNORECASE if case_insensitive else 0)
        except re.error as e:
            raise _error(e.msg[:1].upper() + e.msg[1:], glob, e.pos or 0) from None

    def _translate(self, glob: str) -> str:
        out: list[str] = []
        set_open = 0
        curly_open = 0
        n = len(glob)
        i = 0
        while i < n:
            c = glob[i]
            if c == "\\":
                i += 1
                if i >= n:
                    raise _error("Missing escaped character", glob, i)
                out.append(re.escape(glob[i]) if set_open == 0 else _class_escape(glob[i]))
                i += 1
                continue
            if set_open:
                if c == "]" and not (glob[i - 1] == "[" or (glob[i - 1] in "^!" and glob[i - 2] == "[")):
                    set_open = 0
                    out.append("]")
                elif c == "!" and glob[i - 1] == "[":
                    out.append("^")
                elif c == "^" and glob[i - 1] == "[":
                    out.append("^")
                else:
                    out.append(_class_escape(c))
                i += 1
                continue
            if c == "*":
                out.append("[^/]*")
                self.has_wildcard = True
            elif c == "?":
                out.append("[^/]")
                self.has_wildcard = True
            elif c == "{":
                out.append("(?:")
                curly_open += 1
                self.has_wildcard = True
            elif c == "," and curly_open > 0:
                out.append("|")
            elif c == "}" and curly_open > 0:
                curly_open -= 1
                out.append(")")
            elif c == "[":
                set_open = 1
                self.has_wildcard = True
                out.append("[")
            else:
                out.append(re.escape(c))
            i += 1
        if set_open:
            raise _error("Unclosed character class", glob, n)
        if curly_open:
            raise _error("Unclosed group", glob, n)
        return "".join(out)

    def matches(self, name: str) -> bool:
        return self._compiled.fullmatch(name) is not None


def _class_escape(c: str) -> str:
    return "\\" + c if c in "\\]^[" else c


@lru_cache(maxsize=256)
def compile_component(component: str, case_insensitive: bool = False) -> GlobPattern:
    return GlobPattern(component, case_insensitive)


def has_wildcard(text: str) -> bool:
    """Whether a path string holds glob syntax (checked per component)."""
    if not any(ch in text for ch in "*?[{\\"):
        return False
    try:
        flats = expand(text)
        if len(flats) > 1:
            return True
        return any(compile_component(c).has_wildcard for c in flats[0].split("/") if c)
    except GlobSyntaxError:
        return True  # glob syntax, if broken: globbing will report it


def unescape(component: str) -> str:
    """Remove glob escapes from a literal component (``a\\*b`` → ``a*b``)."""
    if "\\" not in component:
        return component
    return re.sub(r"\\(.)", r"\1", component)


def expand(pattern: str) -> list[str]:
    """``GlobExpander.expand``: split top-level ``{...}`` groups that contain ``/``."""
    done: list[str] = []
    todo: list[tuple[str, int]] = [(pattern, 0)]
    while todo:
        text, offset = todo.pop(0)
        expanded = _expand_leftmost(text, offset)
        if expanded is None:
            done.append(text)
        else:
            todo[0:0] = expanded
    return done


def _expand_leftmost(text: str, offset: int) -> list[tuple[str, int]] | None:
    left = _leftmost_outer_curly_containing_slash(text, offset)
    if left < 0:
        return None
    depth = 0
    alts: list[str] = []
    cur: list[str] = []
    i = left + 1
    right = -1
    while i < len(text):
        c = text[i]
        if c == "\\":
            cur.append(text[i : i + 2])
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                right = i
                break
            depth -= 1
        elif c == "," and depth == 0:
            alts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    if right < 0:
        return None
    alts.append("".join(cur))
    prefix, suffix = text[:left], text[right + 1 :]
    return [(prefix + alt + suffix, len(prefix)) for alt in alts]


def _leftmost_outer_curly_containing_slash(text: str, offset: int) -> int:
    depth = 0
    left = -1
    seen_slash = False
    i = offset
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            if depth == 0:
                left = i
                seen_slash = False
            depth += 1
        elif c == "}" and depth > 0:
            depth -= 1
            if depth == 0 and seen_slash:
                return left
        elif c == "/" and depth > 0:
            seen_slash = True
        i += 1
    return -1


def glob_status(fs: FileSystem, pattern: str) -> list[FileStatus] | None:
    """Hadoop's ``Globber.glob`` on an absolute path pattern of ``fs``.

    Returns the matching statuses in listing order, ``[]`` when a wildcard pattern
    matched nothing, and None when a pattern without wildcards names no existing path.
    """
    from pyhdp.fs.path import normalize

    flattened = expand(pattern)
    results: list[FileStatus] = []
    saw_wildcard = False
    for flat in flattened:
        abs_pattern = normalize(flat) or "/"
        components = [c for c in abs_pattern.split("/") if c]
        # (path, status-or-None) pairs; status None means "not looked up yet".
        candidates: list[tuple[str, FileStatus | None]] = [("/", None)]
        last = len(components) - 1
        for idx, component in enumerate(components):
            if not candidates:
                break
            glob = compile_component(component)
            if not glob.has_wildcard:
                name = unescape(component)
                if idx < last:
                    candidates = [(_child(p, name), None) for p, _ in candidates]
                    continue
                found = []
                for p, _ in candidates:
                    try:
                        found.append((_child(p, name), fs.get_file_status(_child(p, name))))
                    except (FileNotFoundError, NotADirectoryError):
                        continue
                candidates = found
                continue
            saw_wildcard = True
            matched: list[tuple[str, FileStatus | None]] = []
            for p, st in candidates:
                try:
                    if st is None:
                        st = fs.get_file_status(p)
                    if not st.is_dir:
                        continue
                    children = fs.list_status(p)
                except (FileNotFoundError, NotADirectoryError):
                    continue
                for child in children:
                    if glob.matches(child.name):
                        matched.append((child.path, child))
            candidates = matched
        for p, st in candidates:
            if st is None:
                try:
                    st = fs.get_file_status(p)
                except (FileNotFoundError, NotADirectoryError):
                    continue
            results.append(st)
    if not saw_wildcard and not results and len(flattened) <= 1:
        return None
    return results


def _child(parent: str, name: str) -> str:
    return parent + name if parent.endswith("/") else parent + "/" + name
