"""Hadoop's ``CommandWithDestination``: the copy machinery of put, get, cp, mv and friends.

Destination rules: several sources need an existing directory; one source may name a
new path (its parent must exist) or an existing directory (the source's name is added).
Files are written to ``<target>._COPYING_`` and renamed into place (unless ``-d``); on
any failure or interrupt the temporary file is removed, so nothing half-written ever
appears under the target name.
"""

from __future__ import annotations

import sys
import zlib
from typing import IO

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.errors import (
    PathExistsException,
    PathIOException,
    PathIsDirectoryException,
    PathIsNotDirectoryException,
    PathNotFoundException,
)
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UsageError
from pyhdp.fs import path as hpath

COPY_BUFFER = 1 << 20
TEMP_SUFFIX = "._COPYING_"
BYTES_PER_CRC = 512


def parse_thread_option(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f'For input string: "{value}"') from None
    return max(n, 1)


def represents_directory(display: str) -> bool:
    """``PathData.representsDirectory``: ``x/``, ``.``, ``..``, ``x/.``, ``x/..``."""
    return display.endswith(("/", "/.", "/..")) or display in (".", "..")


class CommandWithDestination(FsCommand):
    overwrite = False
    preserve: set[str]
    direct = False
    lazy_persist = False
    verify_checksum = True
    write_checksum = False
    thread_count = 1
    queue_size = 1024

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.preserve = set()
        self.dst: PathData | None = None
        self._pool = None
        self._slots = None
        self._pending: list = []

    def set_preserve(self, on: bool) -> None:
        if on:
            self.preserve |= {"t", "o", "p"}

    # ------------------------------------------------------------------ destination
    def get_remote_destination(self, args: list[str]) -> None:
        if len(args) < 2:
            self.dst = PathData.from_string(".", self.conf)
            return
        text = args.pop()
        items = PathData.expand_as_glob(text, self.conf)
        if not items:
            raise PathNotFoundException(text)
        if len(items) > 1:
            raise PathIOException(text, "Too many matches")
        self.dst = items[0]

    def get_local_destination(self, args: list[str]) -> None:
        text = "." if len(args) < 2 else args.pop()
        self.dst = PathData.from_string(text, self.conf, local=True)

    def process_arguments(self, items: list[PathData]) -> None:
        dst = self.dst
        assert dst is not None
        if len(items) > 1:
            if not dst.exists:
                raise PathNotFoundException(str(dst))
            if not dst.is_dir:
                raise PathIsNotDirectoryException(str(dst))
        elif dst.exists:
            if not dst.is_dir and not self.overwrite:
                raise PathExistsException(str(dst))
        elif not _parent_exists(dst):
            raise PathNotFoundException(str(dst), qualified=dst.qualified)
        try:
            super().process_arguments(items)
        finally:
            self._drain()

    def process_path_argument(self, src: PathData) -> None:
        dst = self.dst
        assert dst is not None
        if src.is_dir and src.same_fs(dst):
            target = self.get_target_path(src)
            src_path = src.qualified
            dst_path = target.qualified
            if dst_path == src_path:
                raise PathIOException(str(src), "are identical", target=dst_path)
            if not src_path.endswith("/"):
                src_path += "/"
            if dst_path.startswith(src_path):
                raise PathIOException(str(src), "is a subdirectory of itself", target=str(target))
        super().process_path_argument(src)

    def get_target_path(self, src: PathData) -> PathData:
        dst = self.dst
        assert dst is not None
        if self.depth > 0 or dst.is_dir or represents_directory(dst.display):
            return dst.child(src.name)
        return dst

    def process_path(self, src: PathData) -> None:
        self.process_path_to(src, self.get_target_path(src))

    def process_path_to(self, src: PathData, target: PathData) -> None:
        st = src.stat
        if st.symlink is not None:
            raise PathIOException(str(src), "Operation not supported")
        if not st.is_dir:
            self.copy_file_to_target(src, target)
        elif not self.recursive:
            raise PathIsDirectoryException(str(src))

    def recurse_path(self, src: PathData) -> None:
        saved = self.dst
        try:
            self.dst = dst = self.get_target_path(src)
            if dst.exists:
                if not dst.is_dir:
                    raise PathIsNotDirectoryException(str(dst))
            else:
                if not dst.fs.mkdirs(dst.path):
                    raise PathIOException(str(dst), operation="mkdir")
                dst.refresh_status()
            super().recurse_path(src)
            if dst.is_dir:
                self.preserve_attributes(src, dst)
        finally:
            self.dst = saved

    # ------------------------------------------------------------------ copying
    def copy_file_to_target(self, src: PathData, target: PathData) -> None:
        if self.thread_count > 1:
            self._submit(src, target)
            return
        self._copy_file(src, target)

    def _submit(self, src: PathData, target: PathData) -> None:
        """``-t N``: copy files on N threads; at most N + ``-q`` copies wait in the queue."""
        import threading
        from concurrent.futures import ThreadPoolExecutor

        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.thread_count, thread_name_prefix="copy")
            self._slots = threading.BoundedSemaphore(self.thread_count + self.queue_size)
        self._slots.acquire()
        future = self._pool.submit(self._copy_file, src, target)
        future.add_done_callback(lambda _f: self._slots.release())
        self._pending.append(future)

    def _drain(self) -> None:
        if self._pool is None:
            return
        try:
            for future in self._pending:
                try:
                    future.result()
                except BrokenPipeError:
                    raise
                except OSError as e:
                    self.display_error(e)
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
            self._pending = []

    def _copy_file(self, src: PathData, target: PathData) -> None:
        with src.fs.open(src.path, verify_checksum=self.verify_checksum) as stream:
            self.copy_stream_to_target(stream, target)
        self.preserve_attributes(src, target)

    def copy_stream_to_target(self, stream: IO[bytes], target: PathData) -> None:
        if target.exists and (target.is_dir or not self.overwrite):
            raise PathExistsException(str(target))
        temp = target if self.direct else target.with_suffix(TEMP_SUFFIX)
        fs = target.fs
        replication = 1 if self.lazy_persist else None
        crc = _CrcWriter() if self.write_checksum else None
        try:
            out = fs.create(
                temp.path,
                overwrite=True if not self.direct else self.overwrite,
                replication=replication,
                create_parent=True,
            )
            try:
                while True:
                    chunk = stream.read(COPY_BUFFER)
                    if not chunk:
                        break
                    out.write(chunk)
                    if crc is not None:
                        crc.update(chunk)
            finally:
                out.close()
            if not self.direct:
                if target.exists and not fs.delete(target.path, False):
                    raise PathIOException(str(target), operation="delete")
                if not fs.rename(temp.path, target.path):
                    raise PathIOException(str(temp), operation="rename", target=str(target))
        except BaseException:
            if not self.direct:
                try:
                    fs.delete(temp.path, False)
                except Exception:  # noqa: BLE001 - best effort, the first error matters
                    pass
            raise
        target.refresh_status()
        if crc is not None:
            crc.write_beside(fs, target.path)

    def preserve_attributes(self, src: PathData, target: PathData) -> None:
        if not self.preserve:
            return
        st = src.stat
        if "t" in self.preserve:
            target.fs.set_times(target.path, st.modification_time, st.access_time)
        if "o" in self.preserve:
            target.fs.set_owner(target.path, st.owner, st.group)
        if "p" in self.preserve or "a" in self.preserve:
            target.fs.set_permission(target.path, st.permission)


def _parent_exists(item: PathData) -> bool:
    parent = hpath.parent_of(item.path)
    if parent is None:
        return True
    try:
        return item.fs.get_file_status(parent).is_dir
    except (FileNotFoundError, NotADirectoryError):
        return False


class _CrcWriter:
    """A Hadoop ``ChecksumFileSystem`` side file: ``crc\\0``, bytes per CRC, CRC32 per chunk."""

    def __init__(self) -> None:
        self.crcs: list[int] = []
        self.pending = b""

    def update(self, data: bytes) -> None:
        data = self.pending + data
        full = len(data) - len(data) % BYTES_PER_CRC
        for i in range(0, full, BYTES_PER_CRC):
            self.crcs.append(zlib.crc32(data[i : i + BYTES_PER_CRC]))
        self.pending = data[full:]

    def write_beside(self, fs, path: str) -> None:
        if self.pending:
            self.crcs.append(zlib.crc32(self.pending))
            self.pending = b""
        parent = hpath.parent_of(path) or "/"
        crc_path = hpath.child_path(parent, "." + hpath.basename(path) + ".crc")
        body = (
            b"crc\x00" + BYTES_PER_CRC.to_bytes(4, "big") + b"".join(c.to_bytes(4, "big") for c in self.crcs)
        )
        with fs.create(crc_path, overwrite=True) as f:
            f.write(body)


def stdin_bytes() -> IO[bytes]:
    return sys.stdin.buffer
