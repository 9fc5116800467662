"""Scheme → FileSystem class, imported lazily (as fsspec's ``known_implementations``).

``get_filesystem(uri, conf)`` returns the file system for a path or URI; a path without a
scheme uses ``fs.defaultFS``.  Plug-ins may add schemes with :func:`register_implementation`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pyhdp.errors import FsError

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileSystem

KNOWN_IMPLEMENTATIONS: dict[str, dict[str, str]] = {
    "file": {"class": "pyhdp.fs.local:LocalFileSystem"},
    "hdfs": {"class": "pyhdp.hdfs.client:DistributedFileSystem"},
    "webhdfs": {"class": "pyhdp.fs.webhdfs:WebHdfsFileSystem", "err": "WebHDFS support failed to import"},
}

_cache: dict[tuple[str, str, str], FileSystem] = {}


class UnsupportedFileSystemError(FsError):
    """No FileSystem for the scheme (Hadoop's UnsupportedFileSystemException)."""


def register_implementation(scheme: str, target: str, clobber: bool = False) -> None:
    if scheme in KNOWN_IMPLEMENTATIONS and not clobber:
        raise ValueError(f"Scheme {scheme!r} is already registered")
    KNOWN_IMPLEMENTATIONS[scheme] = {"class": target}


def get_filesystem_class(scheme: str) -> type[FileSystem]:
    entry = KNOWN_IMPLEMENTATIONS.get(scheme)
    if entry is None:
        raise UnsupportedFileSystemError(f'No FileSystem for scheme "{scheme}"')
    module, _, name = entry["class"].partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as e:
        raise UnsupportedFileSystemError(f"{entry.get('err', 'cannot load FileSystem for ' + scheme)}: {e}") from e


def split_uri(uri: str) -> tuple[str, str, str]:
    """``(scheme, authority, path)`` of a path or URI; scheme/authority empty when absent."""
    if "://" in uri or (uri[:5].lower() == "file:" and not uri.startswith("/")):
        parts = urlsplit(uri)
        return parts.scheme.lower(), parts.netloc, parts.path
    if ":" in uri.split("/", 1)[0] and not uri.startswith("/"):
        scheme, _, rest = uri.partition(":")
        return scheme.lower(), "", rest
    return "", "", uri


def default_uri(conf: Configuration) -> tuple[str, str]:
    """``(scheme, authority)`` of ``fs.defaultFS``."""
    default = conf.get_trimmed("fs.defaultFS", "file:///") or "file:///"
    scheme, authority, _ = split_uri(default)
    return scheme or "file", authority


def get_filesystem(uri: str, conf: Configuration, user: str | None = None) -> FileSystem:
    """The (cached) file system serving ``uri``; scheme-less paths use ``fs.defaultFS``."""
    scheme, authority, _ = split_uri(uri)
    if not scheme:
        scheme, authority = default_uri(conf)
    elif not authority and scheme != "file":
        dscheme, dauth = default_uri(conf)
        if dscheme == scheme:
            authority = dauth
    key = (scheme, authority, user or "")
    fs = _cache.get(key)
    if fs is None or fs.conf is not conf:
        cls = get_filesystem_class(scheme)
        fs = cls(conf, authority, user)
        _cache[key] = fs
    return fs


def close_all() -> None:
    for fs in list(_cache.values()):
        try:
            fs.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    _cache.clear()
