"""Output formats (text, SequenceFile, internal, null) and ``FileOutputCommitter``.

Record writers take batches: ``write_batch(keys, values)``.  Text: ``key SEP value \\n``
where ``bytes`` are written raw, ``str`` as UTF-8, ``None`` is left out together with
the separator (Hadoop's NullWritable rule), anything else as ``str(x)``.
"""

from __future__ import annotations

import gzip
import marshal
import pickle
import posixpath
import zlib
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileSystem

CODEC_EXTENSIONS = {
    "org.apache.hadoop.io.compress.GzipCodec": ".gz",
    "org.apache.hadoop.io.compress.DefaultCodec": ".deflate",
    "org.apache.hadoop.io.compress.BZip2Codec": ".bz2",
}


def _to_bytes(x: Any) -> bytes:
    if type(x) is bytes:
        return x
    if isinstance(x, str):
        return x.encode("utf-8", "surrogateescape")
    if isinstance(x, (bytearray, memoryview)):
        return bytes(x)
    return str(x).encode("utf-8", "surrogateescape")


class _CountingStream:
    """Wraps the FS stream to count bytes (File Output Format Counters)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.bytes = 0

    def write(self, data: bytes) -> int:
        self.raw.write(data)
        self.bytes += len(data)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def close(self) -> None:
        self.raw.close()


class _Compressor:
    def __init__(self, stream: _CountingStream, codec: str):
        self.stream = stream
        if codec.endswith("GzipCodec"):
            self.z = zlib.compressobj(6, zlib.DEFLATED, 31)
        elif codec.endswith("BZip2Codec"):
            import bz2

            self.z = bz2.BZ2Compressor()
        else:
            self.z = zlib.compressobj(6)

    def write(self, data: bytes) -> None:
        out = self.z.compress(data)
        if out:
            self.stream.write(out)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.stream.write(self.z.flush())
        self.stream.close()


def explicit(conf: Configuration, key: str) -> str | None:
    """A value set by the user (a site file, ``-D``, the job), not a bundled default."""
    value = conf.get(key)
    if value is None or conf.sources.get(key, "").endswith("-default.yaml"):
        return None
    return value


class RecordWriter:
    records = 0

    def write_batch(self, keys: list, values: list) -> None:
        raise NotImplementedError

    def write_pairs(self, records: list) -> None:
        if records:
            self.write_batch([r[0] for r in records], [r[1] for r in records])

    def close(self) -> int:
        """Close; returns bytes written to the file system."""
        raise NotImplementedError


class TextRecordWriter(RecordWriter):
    def __init__(self, stream: IO[bytes], separator: bytes = b"\t", codec: str | None = None):
        self.counting = _CountingStream(stream)
        self.out: Any = _Compressor(self.counting, codec) if codec else self.counting
        self.sep = separator
        self.records = 0
        self._pending: list[bytes] = []
        self._pending_size = 0

    def write_batch(self, keys: list, values: list) -> None:
        n = len(keys)
        if not n:
            return
        self.records += n
        sep = self.sep
        tb = _to_bytes
        lines: list[bytes] = []
        try:
            if values.count(None) == n:  # keys only (NullWritable values): no separator
                data = b"\n".join(keys) + b"\n"
            else:  # all bytes: no Python per record
                data = b"\n".join(map(sep.join, zip(keys, values, strict=False))) + b"\n"
        except (TypeError, AttributeError):
            data = None
        if data is not None:
            self.out.write(data)
            return
        for k, v in zip(keys, values, strict=False):
            if k is None:
                if v is None:
                    continue
                lines.append(tb(v))
            elif v is None:
                lines.append(tb(k))
            else:
                lines.append(tb(k) + sep + tb(v))
        if not lines:
            return
        data = b"\n".join(lines) + b"\n"
        self.out.write(data)

    def write_pairs(self, records: list) -> None:
        """Write ``(key, value)`` tuples (a sorted block of the reduce input, say)."""
        if not records:
            return
        try:
            data = b"\n".join(map(self.sep.join, records)) + b"\n"
        except TypeError:
            self.write_batch([r[0] for r in records], [r[1] for r in records])
            return
        self.records += len(records)
        self.out.write(data)

    def close(self) -> int:
        self.out.close()
        return self.counting.bytes


class SequenceFileRecordWriter(RecordWriter):
    def __init__(self, stream: IO[bytes], conf: Configuration, compress: bool, codec: str):
        from pyhdp.mapreduce.io.sequencefile import SequenceFileWriter

        self.counting = _CountingStream(stream)
        self.conf = conf
        self._factory = SequenceFileWriter
        self.compress = compress
        self.codec = codec
        self.writer: Any = None
        self.records = 0

    def _open(self, key: Any, value: Any) -> None:
        from pyhdp.mapreduce.io.writables import writable_for_value

        conf = self.conf
        kc = explicit(conf, "mapreduce.job.output.key.class")
        vc = explicit(conf, "mapreduce.job.output.value.class")
        kc = kc or writable_for_value(key).name
        vc = vc or writable_for_value(value).name
        ctype = (
            conf.get("mapreduce.output.fileoutputformat.compress.type", "RECORD") if self.compress else "NONE"
        )
        self.writer = self._factory(self.counting, kc, vc, ctype or "RECORD", self.codec)

    def write_batch(self, keys: list, values: list) -> None:
        if not keys:
            return
        if self.writer is None:
            self._open(keys[0], values[0])
        append = self.writer.append
        for k, v in zip(keys, values, strict=False):
            append(k, v)
        self.records += len(keys)

    def close(self) -> int:
        if self.writer is None:
            self._open("", "")
        self.writer.close()
        self.counting.close()
        return self.counting.bytes


class InternalRecordWriter(RecordWriter):
    """pyhdp's own format between the steps of a multi-step job: Python objects kept as they are."""

    MAGIC = b"PYHDPREC1\n"

    def __init__(self, stream: IO[bytes]):
        self.counting = _CountingStream(stream)
        self.counting.write(self.MAGIC)
        self.records = 0

    def write_batch(self, keys: list, values: list) -> None:
        if not keys:
            return
        self.records += len(keys)
        recs = list(zip(keys, values, strict=False))
        try:
            payload, codec = marshal.dumps(recs), 0
        except ValueError:
            payload, codec = pickle.dumps(recs, pickle.HIGHEST_PROTOCOL), 1
        self.counting.write(len(payload).to_bytes(4, "big") + bytes((codec,)) + payload)

    def close(self) -> int:
        self.counting.close()
        return self.counting.bytes


def read_internal(stream: IO[bytes]):
    """Blocks of ``(key, value)`` from an InternalRecordWriter file."""
    magic = stream.read(len(InternalRecordWriter.MAGIC))
    if magic != InternalRecordWriter.MAGIC:
        raise OSError("not a pyhdp intermediate file")
    while True:
        head = stream.read(5)
        if len(head) < 5:
            return
        size = int.from_bytes(head[:4], "big")
        payload = stream.read(size)
        yield marshal.loads(payload) if head[4] == 0 else pickle.loads(payload)


class NullRecordWriter(RecordWriter):
    def __init__(self) -> None:
        self.records = 0

    def write_batch(self, keys: list, values: list) -> None:
        self.records += len(keys)

    def close(self) -> int:
        return 0


def output_compression(conf: Configuration) -> tuple[bool, str]:
    compress = conf.get_bool("mapreduce.output.fileoutputformat.compress", False)
    codec = (
        conf.get("mapreduce.output.fileoutputformat.compress.codec")
        or "org.apache.hadoop.io.compress.DefaultCodec"
    )
    from pyhdp.mapreduce.io.sequencefile import canonical_codec

    return compress, canonical_codec(codec)


def part_name(conf: Configuration, api: str, is_map: bool, partition: int, fmt: str) -> str:
    """``part-r-00000`` / ``part-m-00000`` (new API), ``part-00000`` (old API), + codec extension."""
    base = conf.get("mapreduce.output.basename", "part") or "part"
    if api == "old":
        name = f"{base}-{partition:05d}"
    else:
        name = f"{base}-{'m' if is_map else 'r'}-{partition:05d}"
    compress, codec = output_compression(conf)
    if compress and fmt == "text":
        name += CODEC_EXTENSIONS.get(codec, "")
    return name


def open_writer(fmt: str, fs: FileSystem, path: str, conf: Configuration) -> RecordWriter:
    if fmt == "null":
        return NullRecordWriter()
    stream = fs.create(path, overwrite=False)
    if fmt == "text":
        sep = conf.get("mapreduce.output.textoutputformat.separator", "\t")
        sep_b = (sep if sep is not None else "\t").encode("utf-8")
        compress, codec = output_compression(conf)
        return TextRecordWriter(stream, sep_b, codec if compress else None)
    if fmt == "sequencefile":
        compress, codec = output_compression(conf)
        return SequenceFileRecordWriter(stream, conf, compress, codec)
    if fmt == "internal":
        return InternalRecordWriter(stream)
    stream.close()
    raise ValueError(f"Unknown output format {fmt}")


# --------------------------------------------------------------------------- committer


class FileOutputCommitter:
    """Hadoop's ``FileOutputCommitter`` (algorithm 1 by default, 2 on request)."""

    def __init__(self, fs: FileSystem, output: str, conf: Configuration, app_attempt: int = 0):
        self.fs = fs
        self.output = output.rstrip("/") or "/"
        self.conf = conf
        self.app_attempt = app_attempt
        self.algorithm = conf.get_int("mapreduce.fileoutputcommitter.algorithm.version", 1)
        self.mark_success = conf.get_bool("mapreduce.fileoutputcommitter.marksuccessfuljobs", True)

    @property
    def job_attempt_path(self) -> str:
        return posixpath.join(self.output, "_temporary", str(self.app_attempt))

    def task_attempt_path(self, attempt_id: str) -> str:
        return posixpath.join(self.job_attempt_path, "_temporary", attempt_id)

    def committed_task_path(self, task_id: str) -> str:
        return posixpath.join(self.job_attempt_path, task_id)

    def setup_job(self) -> None:
        self.fs.mkdirs(self.job_attempt_path)

    def setup_task(self, attempt_id: str) -> str:
        """The directory a task attempt writes into (created lazily by ``create``)."""
        return self.task_attempt_path(attempt_id)

    def commit_task(self, attempt_id: str, task_id: str) -> str | None:
        """Move the attempt's files into place; returns the committed path (None: no output)."""
        src = self.task_attempt_path(attempt_id)
        if not self.fs.exists(src):
            return None
        if self.algorithm == 2:
            self._merge_into(src, self.output)
            self.fs.delete(src, recursive=True)
            return self.output
        dst = self.committed_task_path(task_id)
        if self.fs.exists(dst):
            self.fs.delete(dst, recursive=True)
        if not self.fs.rename(src, dst):
            raise OSError(f"Could not rename {src} to {dst}")
        return dst

    def abort_task(self, attempt_id: str) -> None:
        try:
            self.fs.delete(self.task_attempt_path(attempt_id), recursive=True)
        except FileNotFoundError:
            pass

    def commit_job(self) -> None:
        if self.algorithm != 2:
            base = self.job_attempt_path
            if self.fs.exists(base):
                for st in self.fs.list_status(base):
                    if st.is_dir and st.name != "_temporary":
                        self._merge_into(st.path, self.output)
        self.cleanup_job()
        if self.mark_success:
            with self.fs.create(posixpath.join(self.output, "_SUCCESS"), overwrite=True):
                pass

    def _merge_into(self, src_dir: str, dst_dir: str) -> None:
        for st in self.fs.list_status(src_dir):
            target = posixpath.join(dst_dir, st.name)
            if st.is_dir and self.fs.exists(target):
                self._merge_into(st.path, target)
                continue
            if self.fs.exists(target):
                self.fs.delete(target, recursive=True)
            if not self.fs.rename(st.path, target):
                raise OSError(f"Could not rename {st.path} to {target}")

    def cleanup_job(self) -> None:
        tmp = posixpath.join(self.output, "_temporary")
        try:
            self.fs.delete(tmp, recursive=True)
        except FileNotFoundError:
            pass

    def abort_job(self) -> None:
        self.cleanup_job()


def gzip_open(stream: IO[bytes]) -> IO[bytes]:  # used for reading .gz input
    return gzip.GzipFile(fileobj=stream, mode="rb")
