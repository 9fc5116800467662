"""fsspec implementation backed by pyhdp's :class:`~pyhdp.fs.base.FileSystem` API.

Registered under the protocol ``pyhdp`` (entry point ``fsspec.specs``), so pandas, dask and
pyarrow read and write pyhdp data directly::

    pandas.read_csv("pyhdp:///data/x.csv")          # a path of fs.defaultFS
    fsspec.filesystem("pyhdp").ls("hdfs://127.0.0.1:9000/data")   # any scheme pyhdp speaks

Paths
-----
* ``pyhdp:///p`` and ``/p`` are paths of ``fs.defaultFS`` (the embedded store, the daemons or
  WebHDFS: whatever the configuration says).  ``pyhdp://host:port/p`` means
  ``hdfs://host:port/p``.
* Fully qualified URIs of the schemes pyhdp speaks (``hdfs://``, ``webhdfs://``, ``file://``)
  are kept as they are and served by that file system; names returned by ``ls``/``find`` keep
  the form they were asked in.
* :func:`register_hdfs` makes ``fsspec.filesystem("hdfs")`` / ``hdfs://`` URLs use pyhdp
  instead of fsspec's pyarrow-based ``hdfs`` implementation.

Errors are pyhdp's, which are Python built-ins (``FileNotFoundError``, ``FileExistsError``,
``IsADirectoryError``, ``PermissionError``...).
"""

from __future__ import annotations

import datetime
import posixpath
from typing import Any

from fsspec.spec import AbstractBufferedFile, AbstractFileSystem

_QUALIFIED = ("hdfs://", "webhdfs://", "file://", "file:/")


def _split(path: str) -> tuple[str, str]:
    """``(prefix, absolute path)``: ``prefix`` is ``scheme://authority`` of a qualified URI or ''."""
    from pyhdp.fs.registry import split_uri

    if path.startswith(_QUALIFIED):
        scheme, authority, p = split_uri(path)
        prefix = "file://" if scheme == "file" else f"{scheme}://{authority}"
        return prefix, p or "/"
    return "", path


class PyhdpFileSystem(AbstractFileSystem):
    """fsspec view of pyhdp file systems.

    Parameters: ``conf_dir`` (default: pyhdp's usual lookup, ``PYHDP_CONF_DIR``/``HADOOP_CONF_DIR``
    /``~/.pyhdp/conf``), ``conf`` (a mapping of overrides, as ``-D``; e.g.
    ``{"fs.defaultFS": "webhdfs://127.0.0.1:9870"}``), ``fs_uri`` (shorthand for fs.defaultFS),
    ``user`` (as ``HADOOP_USER_NAME``).
    """

    protocol = ("pyhdp",)
    root_marker = "/"

    def __init__(self, fs_uri: str | None = None, conf: dict[str, str] | None = None,
                 conf_dir: str | None = None, user: str | None = None, **kwargs: Any):
        super().__init__(fs_uri=fs_uri, conf=conf, conf_dir=conf_dir, user=user, **kwargs)
        from pyhdp.conf import load_configuration
        from pyhdp.conf.configuration import find_conf_dir

        # A pickled instance (dask, pyarrow threads) is rebuilt with the conf dir resolved here,
        # not with whatever the unpickling process's environment would pick.
        conf_dir = self._conf_dir = find_conf_dir(conf_dir)
        overrides = dict(conf or {})
        if fs_uri:
            overrides["fs.defaultFS"] = fs_uri
        self.conf = load_configuration(conf_dir, overrides={k: str(v) for k, v in overrides.items()})
        self.user = user
        self._fss: dict[tuple[str, str], Any] = {}

    def __reduce__(self):
        from fsspec.spec import make_instance

        return make_instance, (type(self), self.storage_args, {**self.storage_options, "conf_dir": self._conf_dir})

    # ------------------------------------------------------------------ paths
    @classmethod
    def _strip_protocol(cls, path):
        if isinstance(path, list):
            return [cls._strip_protocol(p) for p in path]
        path = str(path)
        if path.startswith("pyhdp://"):
            rest = path[len("pyhdp://"):]
            if rest.startswith("/") or not rest:
                path = rest or "/"
            else:
                path = "hdfs://" + rest
                if "/" not in rest:
                    path += "/"
        elif path.startswith("pyhdp:"):
            path = path[len("pyhdp:"):] or "/"
        prefix, p = _split(path)
        if len(p) > 1:
            p = p.rstrip("/") or "/"
        if not p.startswith("/") and not prefix:
            return p  # relative: resolved against the working directory by _resolve
        return prefix + p

    @classmethod
    def _parent(cls, path):
        prefix, p = _split(cls._strip_protocol(path))
        return prefix + (posixpath.dirname(p) if p.startswith("/") else posixpath.dirname(p) or ".")

    @staticmethod
    def _get_kwargs_from_urls(path):
        return {}

    def unstrip_protocol(self, name: str) -> str:
        prefix, _ = _split(name)
        return name if prefix else "pyhdp://" + name

    def _resolve(self, path: str):
        """``(pyhdp FileSystem, absolute path within it, prefix for returned names)``."""
        from pyhdp.fs.registry import default_uri, get_filesystem_class, split_uri

        path = self._strip_protocol(path)
        prefix, p = _split(path)
        if prefix:
            scheme, authority, _ = split_uri(path)
        else:
            scheme, authority = default_uri(self.conf)
        # One pyhdp FileSystem per (scheme, authority) of this instance, with this instance's conf
        # (pyhdp's registry cache is keyed without the conf, and instances may differ in it).
        fs = self._fss.get((scheme, authority))
        if fs is None:
            fs = self._fss[(scheme, authority)] = get_filesystem_class(scheme)(self.conf, authority, self.user)
        if not p.startswith("/"):
            p = posixpath.normpath(posixpath.join(fs.working_directory(), p))
        return fs, p, prefix

    # ------------------------------------------------------------------ metadata
    @staticmethod
    def _entry(st, prefix: str) -> dict[str, Any]:
        return {
            "name": prefix + st.path,
            "size": 0 if st.is_dir else st.length,
            "type": "directory" if st.is_dir else "file",
            "owner": st.owner,
            "group": st.group,
            "permission": st.permission,
            "replication": st.replication,
            "block_size": st.block_size,
            "mtime": st.modification_time / 1000.0,
            "atime": st.access_time / 1000.0,
            "islink": st.symlink is not None,
        }

    def info(self, path, **kwargs):
        fs, p, prefix = self._resolve(path)
        return self._entry(fs.get_file_status(p), prefix)

    def ls(self, path, detail=True, **kwargs):
        fs, p, prefix = self._resolve(path)
        st = fs.get_file_status(p)
        entries = [self._entry(c, prefix) for c in fs.list_status(p)] if st.is_dir else [self._entry(st, prefix)]
        return entries if detail else [e["name"] for e in entries]

    def exists(self, path, **kwargs):
        try:
            fs, p, _ = self._resolve(path)
            return fs.exists(p)
        except (FileNotFoundError, ValueError):
            return False

    def modified(self, path):
        fs, p, _ = self._resolve(path)
        return datetime.datetime.fromtimestamp(fs.get_file_status(p).modification_time / 1000.0,
                                               tz=datetime.timezone.utc)

    def created(self, path):
        """HDFS keeps no creation time; a file's modification time is set when its writer closes
        it, so for files written once (the HDFS model) it is the creation time."""
        return self.modified(path)

    def checksum(self, path):
        """An int from the file's HDFS checksum (MD5-of-MD5-of-CRC32C), else from its status."""
        fs, p, _ = self._resolve(path)
        ck = fs.get_file_checksum(p)
        if ck is None:
            return super().checksum(path)
        return int.from_bytes(ck.value[-16:] or b"\0", "big")

    def file_checksum(self, path):
        """pyhdp's :class:`~pyhdp.fs.base.FileChecksum` (what ``hadoop fs -checksum`` prints)."""
        fs, p, _ = self._resolve(path)
        return fs.get_file_checksum(p)

    # ------------------------------------------------------------------ namespace
    def mkdir(self, path, create_parents=True, **kwargs):
        fs, p, _ = self._resolve(path)
        if fs.exists(p):
            raise FileExistsError(path)
        parent = posixpath.dirname(p)
        if not create_parents and not fs.is_dir(parent):
            raise FileNotFoundError(f"Parent directory does not exist: {parent}")
        fs.mkdirs(p, kwargs.get("permission"))

    def makedirs(self, path, exist_ok=False):
        fs, p, _ = self._resolve(path)
        if fs.exists(p):
            if exist_ok and fs.is_dir(p):
                return
            raise FileExistsError(path)
        fs.mkdirs(p)

    def rmdir(self, path):
        fs, p, _ = self._resolve(path)
        if not fs.get_file_status(p).is_dir:
            raise NotADirectoryError(path)
        fs.delete(p, recursive=False)

    def _rm(self, path):
        fs, p, _ = self._resolve(path)
        if not fs.delete(p, recursive=False) and fs.exists(p):
            raise OSError(f"Cannot delete {path}")

    def rm(self, path, recursive=False, maxdepth=None):
        if recursive and maxdepth is None:
            paths = path if isinstance(path, list) else [path]
            expanded: list[str] = []
            for one in paths:
                expanded += self.expand_path(one) if any(c in str(one) for c in "*?[") else [one]
            for one in expanded:
                fs, p, _ = self._resolve(one)
                if not fs.delete(p, recursive=True):
                    fs.get_file_status(p)  # FileNotFoundError when missing
            self.invalidate_cache()
            return
        super().rm(path, recursive=recursive, maxdepth=maxdepth)

    def mv(self, path1, path2, recursive=False, maxdepth=None, **kwargs):
        if isinstance(path1, str) and isinstance(path2, str) and not any(c in path1 for c in "*?["):
            fs1, p1, _ = self._resolve(path1)
            fs2, p2, _ = self._resolve(path2)
            if fs1 is fs2:
                fs1.get_file_status(p1)  # FileNotFoundError for a missing source
                if path2.endswith("/") or fs2.is_dir(p2):
                    p2 = posixpath.join(p2, posixpath.basename(p1))
                if fs2.exists(p2):
                    raise FileExistsError(path2)
                if not fs1.rename(p1, p2):
                    raise OSError(f"rename {path1} to {path2} failed")
                return
        super().mv(path1, path2, recursive=recursive, maxdepth=maxdepth, **kwargs)

    def cp_file(self, path1, path2, **kwargs):
        fs1, p1, _ = self._resolve(path1)
        fs2, p2, _ = self._resolve(path2)
        st = fs1.get_file_status(p1)
        if st.is_dir:
            fs2.mkdirs(p2)
            return
        with fs1.open(p1) as src, fs2.create(p2, overwrite=True) as dst:
            while True:
                chunk = src.read(1 << 20)
                if not chunk:
                    break
                dst.write(chunk)

    def cat_file(self, path, start=None, end=None, **kwargs):
        fs, p, _ = self._resolve(path)
        with fs.open(p) as f:
            if start is None and end is None:
                return f.read()
            size = fs.get_file_status(p).length
            start = 0 if start is None else (max(size + start, 0) if start < 0 else start)
            end = size if end is None else (max(size + end, 0) if end < 0 else min(end, size))
            if end <= start:
                return b""
            f.seek(start)
            return f.read(end - start)

    def pipe_file(self, path, value, mode="overwrite", **kwargs):
        fs, p, _ = self._resolve(path)
        with fs.create(p, overwrite=(mode == "overwrite")) as f:
            f.write(value)

    def touch(self, path, truncate=True, **kwargs):
        fs, p, _ = self._resolve(path)
        if truncate or not fs.exists(p):
            with fs.create(p, overwrite=True):
                pass
        else:
            import time

            fs.set_times(p, int(time.time() * 1000), -1)

    def chmod(self, path, mode):
        fs, p, _ = self._resolve(path)
        fs.set_permission(p, mode)

    # ------------------------------------------------------------------ files
    def _open(self, path, mode="rb", block_size=None, autocommit=True, cache_options=None, **kwargs):
        return PyhdpFile(self, path, mode=mode, block_size=block_size or "default", autocommit=autocommit,
                         cache_options=cache_options, **kwargs)


class PyhdpFile(AbstractBufferedFile):
    """Buffered file: reads fetch byte ranges from one open pyhdp stream (seeking it); writes go to
    a pyhdp ``create``/``append`` stream and the file is complete (visible) when it is closed."""

    def __init__(self, fs: PyhdpFileSystem, path, mode="rb", **kwargs):
        self._pfs, self._ppath, _ = fs._resolve(path)
        self._reader = None
        self._writer = None
        if mode == "xb":
            if self._pfs.exists(self._ppath):
                raise FileExistsError(path)
            mode = "wb"
        if mode == "rb" and self._pfs.get_file_status(self._ppath).is_dir:
            raise IsADirectoryError(path)
        super().__init__(fs, path, mode=mode, **kwargs)

    def _fetch_range(self, start, end):
        if self._reader is None:
            self._reader = self._pfs.open(self._ppath)
        self._reader.seek(start)
        out = bytearray()
        while len(out) < end - start:
            chunk = self._reader.read(end - start - len(out))
            if not chunk:
                break
            out += chunk
        return bytes(out)

    def _initiate_upload(self):
        if self.mode == "ab" and self._pfs.exists(self._ppath):
            self._writer = self._pfs.append(self._ppath)
        else:
            self._writer = self._pfs.create(self._ppath, overwrite=True)

    def _upload_chunk(self, final=False):
        if self._writer is None:
            self._initiate_upload()
        self._writer.write(self.buffer.getvalue())
        if final:
            self._writer.close()
            self._writer = None
        return True

    def discard(self):
        if self._writer is not None:
            try:
                self._writer.close()
            finally:
                self._writer = None
                self._pfs.delete(self._ppath)

    def close(self):
        try:
            super().close()
        finally:
            if self._reader is not None:
                self._reader.close()
                self._reader = None


def register_hdfs(clobber: bool = True) -> None:
    """Serve fsspec's ``hdfs`` protocol (``hdfs://host:port/path`` URLs) with pyhdp."""
    import fsspec

    fsspec.register_implementation("hdfs", PyhdpHdfsFileSystem, clobber=clobber)


class PyhdpHdfsFileSystem(PyhdpFileSystem):
    """:class:`PyhdpFileSystem` under the protocol ``hdfs`` (see :func:`register_hdfs`)."""

    protocol = ("hdfs",)

    def unstrip_protocol(self, name: str) -> str:
        prefix, _ = _split(name)
        return name if prefix else "hdfs://" + name
