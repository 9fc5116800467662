"""Client streams of the embedded store: checksummed block writes and verified reads.

Checksumming is overlapped with I/O across cores: the output stream hands aligned segments
to a writer thread that computes the CRCs and writes block and meta files (while the
caller reads its input), and the input stream prefetches and verifies the next segment in
a thread while the caller writes out the previous one.  Small files stay on one thread.
"""

from __future__ import annotations

import io
import os
import queue
import threading
from typing import TYPE_CHECKING

from pyhdp.errors import ChecksumError, FsError
from pyhdp.hdfs.datanode import checksum as ck

if TYPE_CHECKING:
    from pyhdp.hdfs.client import DistributedFileSystem
    from pyhdp.hdfs.datanode.blockstore import ReplicaWriter
    from pyhdp.hdfs.namenode.files import LocatedBlock

SEGMENT = 8 << 20  # bytes handed to the writer thread / verified per read step
WRITE_SEGMENT = 4 << 20  # small writes are gathered into pieces of this size
DIRECT = 64 << 10  # writes at least this big (immutable bytes) go to the writer without a copy
QUEUE_DEPTH = 4  # pieces waiting at each stage of the write pipeline
_DONE = object()


class DFSOutputStream(io.RawIOBase):
    """Writes a file under construction block by block; complete on close."""

    def __init__(
        self,
        fs: DistributedFileSystem,
        path: str,
        block_size: int,
        start_length: int = 0,
        block: ReplicaWriter | None = None,
    ):
        super().__init__()
        self._fs = fs
        self.path = path
        self._block_size = block_size
        self._bpc = fs.store.blocks.bpc
        self._buf = bytearray()
        self._block = block
        self._block_len = block.length if block is not None else 0
        self._pos = start_length
        self._queue: queue.Queue | None = None  # pieces: caller -> checksummer
        self._queue2: queue.Queue | None = None  # (piece, crcs): checksummer -> block writer
        self._thread: threading.Thread | None = None
        self._thread2: threading.Thread | None = None
        # pieces start on chunk boundaries unless an append resumed inside a chunk
        self._precompute = start_length % self._bpc == 0
        self._error: BaseException | None = None
        self._closed = False
        fs.store.open_streams.add(self)

    # ------------------------------------------------------------------ io API
    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def write(self, b) -> int:  # type: ignore[override]
        if self._closed:
            raise ValueError("I/O operation on closed file.")
        self._raise_pending()
        n = len(b) if not isinstance(b, memoryview) else b.nbytes
        self._pos += n
        if not self._buf and type(b) is bytes and n >= DIRECT:
            # an immutable buffer goes to the threads as it is (no copy); its torn tail waits
            aligned = n - n % self._bpc
            self._hand_piece(memoryview(b)[:aligned])
            if aligned < n:
                self._buf += memoryview(b)[aligned:]
            return n
        self._buf += b
        if len(self._buf) >= WRITE_SEGMENT:
            self._hand_over(final=False)
        return n

    def flush(self) -> None:
        self._raise_pending()

    def hflush(self) -> None:
        """Make the data written so far visible to readers (length recorded at the NameNode)."""
        self._hand_over(final=True)
        self._drain()
        if self._block is not None:
            self._fs.namesystem.update_block_length(
                self._fs.caller, self.path, self._fs.holder, self._block_len
            )
        self._fs.namesystem.flush()

    hsync = hflush

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._fs.store.open_streams.discard(self)
        try:
            self._hand_over(final=True)
            self._drain()
            last = None
            if self._block is not None:
                self._block.finalize()
                last = self._block_len
                self._block = None
            self._fs.namesystem.complete(self._fs.caller, self.path, self._fs.holder, last)
            if last is not None:
                # a file with data is visible to every process once close() returns, as on HDFS;
                # empty files (1,000 -touchz) may share the group transaction
                self._fs.namesystem.flush()
        except BaseException as e:
            self._abort(e)
            explained = self._explain(e, self._fs.store.blocks.data_dir)
            if explained is e:
                raise
            raise explained from e
        finally:
            super().close()

    @property
    def closed(self) -> bool:  # type: ignore[override]
        return self._closed

    # ------------------------------------------------------------------ internals
    def _raise_pending(self) -> None:
        if self._error is not None:
            err, self._error = self._error, None
            self._closed = True
            self._stop_thread()
            self._abort(err)
            raise self._explain(err, self._fs.store.blocks.data_dir) from err

    def _hand_over(self, final: bool) -> None:
        buf = self._buf
        if not buf:
            return
        if not final:
            rem = len(buf) % self._bpc
            tail = bytes(buf[len(buf) - rem :]) if rem else b""
            if rem:
                del buf[len(buf) - rem :]
            self._buf = bytearray(tail)
        else:
            self._buf = bytearray()
        if self._thread is None and final:
            self._write_segment(buf)  # small file, or the tail: no thread needed
            return
        self._hand_piece(buf)

    def _hand_piece(self, piece: bytearray | bytes | memoryview) -> None:
        """Queue a piece for the pipeline: one thread checksums, the other writes block files
        (its system calls release the GIL, so checksumming and writing overlap)."""
        if self._thread is None:
            self._queue = queue.Queue(maxsize=QUEUE_DEPTH)
            self._queue2 = queue.Queue(maxsize=QUEUE_DEPTH)
            self._thread = threading.Thread(target=self._checksummer, name="DataStreamer-crc", daemon=True)
            self._thread2 = threading.Thread(target=self._block_writer, name="DataStreamer", daemon=True)
            self._thread.start()
            self._thread2.start()
        assert self._queue is not None
        self._queue.put(piece)

    def _drain(self) -> None:
        if self._thread is not None:
            assert self._queue is not None
            self._queue.put(_DONE)
            self._thread.join()
            if self._thread2 is not None:
                self._thread2.join()
        self._thread = self._thread2 = None
        self._queue = self._queue2 = None
        self._raise_pending()

    def _stop_thread(self) -> None:
        if self._thread is not None and self._queue is not None:
            try:
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._queue.put(_DONE)
            self._thread.join()
            if self._thread2 is not None:
                self._thread2.join()
        self._thread = self._thread2 = None
        self._queue = self._queue2 = None

    def _checksummer(self) -> None:
        q_in, q_out = self._queue, self._queue2
        assert q_in is not None and q_out is not None
        while True:
            item = q_in.get()
            if item is _DONE:
                q_out.put(_DONE)
                return
            crcs = None
            if self._error is None and self._precompute:
                try:
                    crcs = ck.chunk_crcs(item, self._bpc)
                except BaseException as e:  # noqa: BLE001 - handed to the writing thread
                    self._error = e
            q_out.put((item, crcs))

    def _block_writer(self) -> None:
        q_in = self._queue2
        assert q_in is not None
        while True:
            item = q_in.get()
            if item is _DONE:
                return
            if self._error is not None:
                continue
            try:
                self._write_segment(*item)
            except BaseException as e:  # noqa: BLE001 - handed to the writing thread
                self._error = e

    def _write_segment(self, data: bytearray | bytes | memoryview, crcs: bytes | None = None) -> None:
        """Write ``data`` (with its chunk CRCs when known) across block boundaries."""
        mv = memoryview(data)
        bpc = self._bpc
        done = 0
        while done < len(mv):
            if self._block is None or self._block_len >= self._block_size:
                self._next_block()
            assert self._block is not None
            room = self._block_size - self._block_len
            piece = mv[done : done + room]
            piece_crcs = None
            if crcs is not None and done % bpc == 0:
                first = done // bpc
                piece_crcs = crcs[4 * first : 4 * (first + -(-len(piece) // bpc))]
            self._block.write(piece, piece_crcs)
            self._block_len += len(piece)
            done += len(piece)

    def _next_block(self) -> None:
        fs = self._fs
        previous = None
        if self._block is not None:
            self._block.finalize()
            previous = self._block_len
            self._block = None
        located = fs.namesystem.add_block(fs.caller, self.path, fs.holder, previous)
        fs.namesystem.flush()  # the block is in the namespace before any byte of it is on disk
        self._block = fs.store.blocks.create_rbw(located.block_id, located.genstamp)
        self._block_len = 0

    def _abort(self, error: BaseException | None = None) -> None:
        """After a failure: close the file and release the lease.  What reached the disk is
        kept, except on a full volume, where the partial replica is dropped to give the space
        back (so the caller can still delete the file: the namespace needs room too)."""
        import errno

        fs = self._fs
        last = None
        full = isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT)
        block = self._block
        self._block = None
        try:
            if block is not None and full:
                block.abort()
                fs.namesystem.abandon_block(fs.caller, self.path, fs.holder, block.block_id)
            elif block is not None:
                block.finalize()
                last = self._block_len
        except OSError:
            last = None
        try:
            fs.namesystem.complete(fs.caller, self.path, fs.holder, last)
            fs.namesystem.flush()
        except Exception:  # noqa: BLE001 - the original error is what the user needs
            pass

    @staticmethod
    def _explain(error: BaseException, where: str) -> BaseException:
        """A full disk becomes one actionable line instead of ``[Errno 28] ...``."""
        import errno

        if (
            isinstance(error, OSError)
            and not isinstance(error, FsError)
            and error.errno in (errno.ENOSPC, errno.EDQUOT)
        ):
            return FsError(
                f"{error.strerror}: the DataNode volume {where} is full; free space there or "
                "set dfs.datanode.data.dir to a larger volume"
            )
        return error


class SegmentedInputStream(io.RawIOBase):
    """A seekable reader over a file's blocks, served one verified segment at a time.

    Subclasses set ``path``, ``_length``, ``_blocks``, ``_pos``, ``_seg_start`` and ``_seg``
    and implement ``_load(pos)``, which makes ``_seg`` the segment holding ``pos``.
    """

    path: str
    _length: int
    _blocks: list[LocatedBlock]
    _pos: int
    _seg_start: int
    _seg: memoryview

    def _load(self, pos: int) -> None:
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            offset += self._length
        if offset < 0:
            raise OSError(22, "Cannot seek to a negative offset")
        self._pos = offset
        return offset

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        if size is None or size < 0:
            return self.readall()
        parts = []
        while size > 0 and self._pos < self._length:
            if not (self._seg_start <= self._pos < self._seg_start + len(self._seg)):
                self._load(self._pos)
            start = self._pos - self._seg_start
            out = self._seg[start : start + size]
            self._pos += len(out)
            size -= len(out)
            parts.append(out)
        if len(parts) == 1:
            return parts[0].tobytes()
        return b"".join(parts)

    def readall(self) -> bytes:
        parts = []
        while True:
            chunk = self.read(SEGMENT)
            if not chunk:
                return b"".join(parts)
            parts.append(chunk)

    def _block_at(self, pos: int) -> LocatedBlock:
        for blk in self._blocks:
            if blk.offset <= pos < blk.offset + blk.length:
                return blk
        raise EOFError(f"Cannot read at {pos} of {self.path}: past the last block")


class DFSInputStream(SegmentedInputStream):
    """Reads a file's blocks, verifying every chunk's CRC32C."""

    def __init__(
        self,
        fs: DistributedFileSystem,
        path: str,
        length: int,
        blocks: list[LocatedBlock],
        verify: bool = True,
    ):
        super().__init__()
        self._fs = fs
        self.path = path
        self._length = length
        self._blocks = blocks
        self._verify = verify
        self._pos = 0
        self._seg_start = 0
        self._seg: memoryview = memoryview(b"")
        self._fds: dict[int, tuple[int, int, int]] = {}  # block id -> (data fd, meta fd, bpc)
        self._prefetch: _Prefetcher | None = None

    def readinto(self, b) -> int:  # type: ignore[override]
        if self._pos >= self._length:
            return 0
        if not (self._seg_start <= self._pos < self._seg_start + len(self._seg)):
            self._load(self._pos)
        start = self._pos - self._seg_start
        n = min(len(b), len(self._seg) - start)
        b[:n] = self._seg[start : start + n]
        self._pos += n
        return n

    def close(self) -> None:
        if self._prefetch is not None:
            self._prefetch.stop()
            self._prefetch = None
        for dfd, mfd, _ in self._fds.values():
            os.close(dfd)
            os.close(mfd)
        self._fds.clear()
        super().close()

    # ------------------------------------------------------------------ internals
    def _load(self, pos: int) -> None:
        pf = self._prefetch
        if pf is not None and pf.next_start == pos:
            start, data = pf.take()
        else:
            if pf is not None:
                pf.stop()
                self._prefetch = None
            start, data = self.read_segment(pos)
            if start + len(data) < self._length and self._length - pos > SEGMENT:
                self._prefetch = _Prefetcher(self, start + len(data))
        self._seg_start = start
        self._seg = memoryview(data)

    def _open_block(self, blk: LocatedBlock) -> tuple[int, int, int]:
        got = self._fds.get(blk.block_id)
        if got is None:
            from pyhdp.hdfs.datanode.blockstore import ReplicaNotFoundError

            try:
                data, meta = self._fs.store.blocks.open_replica(blk.block_id, blk.genstamp)
            except ReplicaNotFoundError as e:
                raise FsError(
                    f"Could not obtain block: {self._fs.store.blocks.bpid}:{blk.name} file={self.path} "
                    "No live nodes contain current block",
                    self.path,
                ) from e
            dfd = os.open(data, os.O_RDONLY)
            mfd = os.open(meta, os.O_RDONLY)
            bpc = ck.parse_header(os.pread(mfd, ck.HEADER_SIZE, 0))[2]
            got = (dfd, mfd, bpc)
            self._fds[blk.block_id] = got
        return got

    def read_segment(self, pos: int, buf: bytearray | None = None) -> tuple[int, bytes | memoryview]:
        """Up to SEGMENT verified bytes of one block, starting at the chunk holding ``pos``
        (read into ``buf`` when given, so a prefetcher can recycle its buffers)."""
        blk = self._block_at(pos)
        dfd, mfd, bpc = self._open_block(blk)
        in_block = pos - blk.offset
        start = in_block - in_block % bpc
        length = min(SEGMENT, blk.length - start)
        if buf is not None:
            view = memoryview(buf)[:length]
            got = 0
            while got < length:
                n = os.preadv(dfd, [view[got:]], start + got)
                if n <= 0:
                    break
                got += n
            data: bytes | memoryview = view[:got]
        else:
            data = os.pread(dfd, length, start)
        if len(data) < length:
            raise FsError(
                f"Premature EOF reading {self._fs.store.blocks.bpid}:{blk.name} of {self.path}: "
                f"replica has {start + len(data)} of {blk.length} bytes",
                self.path,
            )
        if self._verify:
            first = start // bpc
            n = -(-length // bpc)
            crcs = os.pread(mfd, n * ck.CHECKSUM_SIZE, ck.HEADER_SIZE + first * ck.CHECKSUM_SIZE)
            if not ck.verify_chunks(data, crcs, bpc):
                self._checksum_failed(blk, data, crcs, start, bpc)
        return blk.offset + start, data

    def _checksum_failed(self, blk: LocatedBlock, data: bytes, crcs: bytes, start: int, bpc: int) -> None:
        bad = ck.first_mismatch(data, crcs, bpc)
        idx, exp, got = bad if bad is not None else (0, 0, 0)
        at = start + idx * bpc
        bpid = self._fs.store.blocks.bpid
        message = f"Checksum error: {self.path}:{bpid}:{blk.name} at {at} exp: {exp} got: {got}"
        try:
            self._fs.namesystem.report_bad_block(blk.block_id, message)
        except Exception:  # noqa: BLE001 - reporting is best effort; the read still fails
            pass
        raise ChecksumError(message, self.path)


class _Prefetcher:
    """Reads and verifies the following segments in a thread."""

    def __init__(self, stream: DFSInputStream, start: int):
        self._stream = stream
        self.next_start = start
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(start,), name="Prefetch", daemon=True)
        self._thread.start()

    def _run(self, pos: int) -> None:
        length = self._stream._length
        # queue (2) + the consumer's current segment (1) + the one being filled (1)
        pool = [bytearray(SEGMENT) for _ in range(4)]
        turn = 0
        while pos < length and not self._stopped.is_set():
            try:
                start, data = self._stream.read_segment(pos, pool[turn % 4])
                turn += 1
            except BaseException as e:  # noqa: BLE001 - re-raised by take()
                self._queue.put(e)
                return
            self._queue.put((start, data))
            pos = start + len(data)

    def take(self) -> tuple[int, bytes]:
        item = self._queue.get()
        if isinstance(item, BaseException):
            self.stop()
            self._stream._prefetch = None
            raise item
        start, data = item
        self.next_start = start + len(data)
        return start, data

    def stop(self) -> None:
        self._stopped.set()
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        self._thread.join(timeout=5)
