"""DistCp's map task (Hadoop's CopyMapper + RetriableFileCopyCommand).

Each input record is one :class:`~pyhdp.mapreduce.tools.copylisting.CopyEntry` line.  A
file is written to a temporary name next to its target, checked (checksums when both file
systems give comparable ones, else lengths) and renamed into place; attributes asked for
with ``-p`` are applied.  Counters go to the ``DistCp Counters`` group with Hadoop's
display names; with ``-i`` a failed copy is counted and logged instead of failing the task.
"""

from __future__ import annotations

import logging
import posixpath
from typing import TYPE_CHECKING, Any

from pyhdp.mapreduce.tools.copylisting import CopyEntry, resolve, target_path

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileChecksum, FileSystem
    from pyhdp.mapreduce.context import MapContext

GROUP = "DistCp Counters"
BYTES_COPIED = "Bytes Copied"
BYTES_EXPECTED = "Bytes Expected"
BYTES_FAILED = "Bytes Failed"
BYTES_SKIPPED = "Bytes Skipped"
FILES_COPIED = "Files Copied"
DIRS_COPIED = "Directories Copied"
FILES_FAILED = "Files Failed"
FILES_SKIPPED = "Files Skipped"
BANDWIDTH = "Bandwidth in Btyes"  # sic, Hadoop's display name

LOG = logging.getLogger("org.apache.hadoop.tools.mapred.CopyMapper")
BUFFER = 1 << 20


class CopyError(IOError):
    pass


def checksums_comparable(a: FileChecksum | None, b: FileChecksum | None) -> bool:
    return a is not None and b is not None and a.algorithm == b.algorithm


def verify_copy(
    src_uri: str,
    src_len: int,
    src_sum: FileChecksum | None,
    tgt_uri: str,
    tgt_len: int,
    tgt_sum: FileChecksum | None,
    skip_crc: bool,
) -> None:
    """Raise :class:`CopyError` with Hadoop's message when the copy differs from its source."""
    if src_len != tgt_len:
        raise CopyError(
            f"Mismatch in length of source:{src_uri} ({src_len}) and target:{tgt_uri} ({tgt_len})"
        )
    if skip_crc or not checksums_comparable(src_sum, tgt_sum):
        return
    assert src_sum is not None and tgt_sum is not None
    if src_sum.value != tgt_sum.value:
        raise CopyError(
            f"Checksum mismatch between {src_uri} and {tgt_uri}. Source and target differ in "
            "block-size. Use -pb to preserve block-sizes during copy. Alternatively, skip "
            "checksum-checks altogether, using -skipCrc. (NOTE: By skipping checksums, one runs "
            "the risk of masking data-corruption during file-transfer.)"
        )


def _checksum(fs: FileSystem, path: str) -> FileChecksum | None:
    try:
        return fs.get_file_checksum(path)
    except (OSError, NotImplementedError):
        return None


class CopyMapper:
    def __init__(
        self,
        target: str,
        update: bool = False,
        overwrite: bool = False,
        ignore_failures: bool = False,
        skip_crc: bool = False,
        preserve: str = "",
        verbose: bool = False,
    ):
        self.target = target
        self.update = update
        self.overwrite = overwrite
        self.ignore_failures = ignore_failures
        self.skip_crc = skip_crc
        self.preserve = preserve
        self.verbose = verbose

    # ---------------------------------------------------------------- task entry
    def run_map(self, ctx: MapContext) -> None:
        conf = ctx.conf
        tfs, troot = resolve(self.target, conf)
        for _key, line in ctx.records():
            if isinstance(line, bytes):
                line = line.decode("utf-8")
            if not line.strip():
                continue
            entry = CopyEntry.from_line(line)
            tpath = target_path(troot, entry.rel)
            try:
                if entry.is_dir:
                    self._copy_dir(ctx, entry, tfs, tpath)
                else:
                    self._copy_file(ctx, conf, entry, tfs, tpath)
            except Exception as e:  # noqa: BLE001 - reported as Hadoop does
                self._failure(ctx, entry, tfs.make_qualified(tpath), e)
            ctx.report_progress()

    def _incr(self, ctx: MapContext, name: str, n: int = 1) -> None:
        ctx.counters.incr(GROUP, name, n)

    def _failure(self, ctx: MapContext, entry: CopyEntry, target: str, exc: Exception) -> None:
        LOG.error("Failure in copying %s to %s: %s", entry.src, target, exc)
        if not self.ignore_failures:
            raise CopyError(f"File copy failed: {entry.src} --> {target}: {exc}") from exc
        self._incr(ctx, FILES_FAILED)
        self._incr(ctx, BYTES_FAILED, entry.length)
        ctx.emit(None, f"FAIL: {entry.src} - {type(exc).__name__}: {exc}")

    def _copy_dir(self, ctx: MapContext, entry: CopyEntry, tfs: FileSystem, tpath: str) -> None:
        try:
            st = tfs.get_file_status(tpath)
        except FileNotFoundError:
            st = None
        if st is not None and not st.is_dir:
            tfs.delete(tpath, False)
            st = None
        if st is None:
            tfs.mkdirs(tpath)
            self._incr(ctx, DIRS_COPIED)
            if self.verbose:
                ctx.emit(None, f"DIR_COPY: {entry.src}")
        self.apply_attributes(tfs, tpath, entry, is_new=True)

    def _can_skip(
        self, sfs: FileSystem, spath: str, entry: CopyEntry, tfs: FileSystem, tpath: str, tlen: int
    ) -> bool:
        if tlen != entry.length:
            return False
        if self.skip_crc:
            return True
        ssum, tsum = _checksum(sfs, spath), _checksum(tfs, tpath)
        if checksums_comparable(ssum, tsum):
            assert ssum is not None and tsum is not None
            return ssum.value == tsum.value
        return True

    def _copy_file(
        self, ctx: MapContext, conf: Configuration, entry: CopyEntry, tfs: FileSystem, tpath: str
    ) -> None:
        sfs, spath = resolve(entry.src, conf)
        turi = tfs.make_qualified(tpath)
        try:
            tst = tfs.get_file_status(tpath)
        except FileNotFoundError:
            tst = None
        if tst is not None and not tst.is_dir and not self.overwrite:
            if self._can_skip(sfs, spath, entry, tfs, tpath, tst.length):
                self._incr(ctx, FILES_SKIPPED)
                self._incr(ctx, BYTES_SKIPPED, entry.length)
                ctx.emit(None, f"SKIP: {entry.src}" + (f", size={entry.length}" if self.verbose else ""))
                return
        if tst is not None and tst.is_dir:
            tfs.delete(tpath, True)
        self._incr(ctx, BYTES_EXPECTED, entry.length)
        parent = posixpath.dirname(tpath) or "/"
        tmp = posixpath.join(parent, f".distcp.tmp.{ctx.task_attempt_id}")
        copied = 0
        try:
            with (
                sfs.open(spath) as fin,
                tfs.create(
                    tmp,
                    overwrite=True,
                    replication=entry.replication if "r" in self.preserve else None,
                    block_size=entry.block_size if "b" in self.preserve else None,
                ) as fout,
            ):
                while True:
                    buf = fin.read(BUFFER)
                    if not buf:
                        break
                    fout.write(buf)
                    copied += len(buf)
            tst2 = tfs.get_file_status(tmp)
            verify_copy(
                entry.src,
                entry.length,
                None if self.skip_crc else _checksum(sfs, spath),
                tfs.make_qualified(tmp),
                tst2.length,
                None if self.skip_crc else _checksum(tfs, tmp),
                self.skip_crc,
            )
            if tfs.exists(tpath):
                tfs.delete(tpath, False)
            if not tfs.rename(tmp, tpath):
                raise CopyError(f"Failed to promote tmp-file:{tfs.make_qualified(tmp)} to: {turi}")
        except BaseException:
            try:
                tfs.delete(tmp, False)
            except Exception:  # noqa: BLE001
                pass
            raise
        self.apply_attributes(tfs, tpath, entry, is_new=True)
        self._incr(ctx, FILES_COPIED)
        self._incr(ctx, BYTES_COPIED, copied)
        if self.verbose:
            ctx.emit(
                None, f"FILE_COPIED: source={entry.src}, size={entry.length} --> target={turi}, size={copied}"
            )

    def apply_attributes(self, tfs: FileSystem, tpath: str, entry: CopyEntry, is_new: bool = True) -> None:
        """Apply ``-p`` attributes the target file system supports (others are ignored)."""
        apply_preserved(tfs, tpath, entry, self.preserve)


def apply_preserved(tfs: FileSystem, tpath: str, entry: CopyEntry, preserve: str) -> None:
    def attempt(fn: Any, *args: Any) -> None:
        try:
            fn(*args)
        except (NotImplementedError, PermissionError) as e:
            LOG.warning("Cannot preserve attribute of %s: %s", tpath, e)
        except OSError as e:
            if "not supported" in str(e).lower():
                LOG.warning("Cannot preserve attribute of %s: %s", tpath, e)
            else:
                raise

    if "p" in preserve:
        attempt(tfs.set_permission, tpath, entry.perm)
    if "u" in preserve or "g" in preserve:
        attempt(
            tfs.set_owner,
            tpath,
            entry.owner if "u" in preserve else None,
            entry.group if "g" in preserve else None,
        )
    if "r" in preserve and not entry.is_dir:
        attempt(tfs.set_replication, tpath, entry.replication)
    if "t" in preserve:
        attempt(tfs.set_times, tpath, entry.mtime, entry.atime)
