"""Hadoop ``Path``: parsing, normalisation, qualification and the display strings FsShell prints.

A path string is ``[scheme:][//authority]path``.  As in Hadoop's ``Path`` a scheme is
only recognised when the colon comes before the first slash, repeated slashes collapse,
a trailing slash is dropped and ``.``/``..`` segments are resolved lexically
(``java.net.URI.normalize``).  Relative paths are resolved against a working directory
(``/user/<name>`` on HDFS, the process CWD on ``file://``).

Everything here is pure string work, no I/O, so it is cheap on the CLI path.
"""

from __future__ import annotations

CUR_DIR = "."
SEPARATOR = "/"


class InvalidPathStringError(ValueError):
    """Hadoop's IllegalArgumentException for a path string (a usage error in FsShell)."""


class HPath:
    """A parsed Hadoop path; ``authority`` is None when absent (``file:/x``), "" when empty (``file:///x``).

    (A plain class rather than a dataclass: importing ``dataclasses`` costs the CLI ~8 ms.)
    """

    __slots__ = ("scheme", "authority", "path")

    def __init__(self, scheme: str | None, authority: str | None, path: str):
        self.scheme = scheme
        self.authority = authority
        self.path = path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HPath) and (self.scheme, self.authority, self.path) == (
            other.scheme,
            other.authority,
            other.path,
        )

    def __hash__(self) -> int:
        return hash((self.scheme, self.authority, self.path))

    def __repr__(self) -> str:
        return f"HPath({self.scheme!r}, {self.authority!r}, {self.path!r})"

    @classmethod
    def parse(cls, text: str) -> HPath:
        if text == "":
            raise InvalidPathStringError("Can not create a Path from an empty string")
        scheme = None
        authority = None
        start = 0
        colon = text.find(":")
        slash = text.find("/")
        if colon != -1 and (slash == -1 or colon < slash):
            scheme = text[:colon]
            start = colon + 1
        if text.startswith("//", start) and len(text) - start > 2:
            next_slash = text.find("/", start + 2)
            auth_end = next_slash if next_slash > 0 else len(text)
            authority = text[start + 2 : auth_end]
            start = auth_end
        path = normalize(text[start:])
        return cls(scheme, authority, path)

    @property
    def is_absolute(self) -> bool:
        return self.path.startswith("/")

    @property
    def has_scheme(self) -> bool:
        return self.scheme is not None

    def __str__(self) -> str:
        out = []
        if self.scheme is not None:
            out.append(self.scheme + ":")
        if self.authority is not None:
            out.append("//" + self.authority)
        out.append(self.path)
        return "".join(out)


def normalize(path: str) -> str:
    """Collapse ``//``, drop a trailing ``/`` and resolve ``.``/``..`` as ``URI.normalize`` does."""
    if not path:
        return path
    absolute = path.startswith("/")
    segments = path.split("/")
    out: list[str] = []
    for seg in segments:
        if seg == "" or seg == ".":
            continue
        if seg == "..":
            if out and out[-1] != "..":
                out.pop()
                continue
            if absolute:
                # Java keeps a leading ".." of an absolute path ("/.."); nothing above root.
                out.append(seg)
                continue
            out.append(seg)
            continue
        out.append(seg)
    result = "/".join(out)
    return "/" + result if absolute else result


def join(parent: str, child: str) -> str:
    """Resolve ``child`` (a path string within one file system) against the absolute ``parent``."""
    if child.startswith("/"):
        return normalize(child) or "/"
    if not child or child == CUR_DIR:
        return normalize(parent) or "/"
    base = parent if parent.endswith("/") else parent + "/"
    return normalize(base + child) or "/"


def child_path(parent: str, name: str) -> str:
    return parent + name if parent.endswith("/") else parent + "/" + name


def parent_of(path: str) -> str | None:
    """The parent of an absolute path, None for ``/``."""
    if path == "/" or not path:
        return None
    idx = path.rfind("/")
    return "/" if idx <= 0 else path[:idx]


def basename(path: str) -> str:
    return path[path.rfind("/") + 1 :]


def is_descendant(path: str, ancestor: str) -> bool:
    """Whether ``path`` equals or lies below ``ancestor`` (both absolute, normalised)."""
    if ancestor == "/":
        return True
    return path == ancestor or path.startswith(ancestor + "/")


def child_display(parent_display: str, name: str) -> str:
    """``PathData.getStringForChildPath``: the user's parent string + ``/`` + name."""
    if parent_display == CUR_DIR:
        return name
    if parent_display.endswith("/"):
        return parent_display + name
    return parent_display + "/" + name


def relativize(cwd: str, path: str, is_dir: bool) -> str:
    """``PathData.relativize``: ``path`` relative to ``cwd`` (``.``, ``sub/f``, ``../x``)."""
    if cwd == path:
        return CUR_DIR
    c = cwd if cwd.endswith("/") else cwd + "/"
    p = path + "/" if is_dir and not path.endswith("/") else path
    last_sep = -1
    for i in range(min(len(c), len(p))):
        if c[i] != p[i]:
            break
        if c[i] == "/":
            last_sep = i
    rel = path[last_sep + 1 :] if last_sep < len(path) else ""
    if last_sep < len(cwd):
        ups = cwd.count("/", last_sep + 1)
        rel = "../" * ups + ".." + ("/" + rel if rel else "")
    return rel
