"""Input formats: computing splits and reading one split as records, batches or text chunks.

Built-in names: ``text`` (TextInputFormat), ``keyvalue`` (KeyValueTextInputFormat),
``nline`` (NLineInputFormat), ``sequencefile`` (SequenceFileInputFormat: Python values),
``sequencefile-as-text`` (SequenceFileAsTextInputFormat: ``toString()`` bytes),
``internal`` (pyhdp's format between the steps of a multi-step job).
"""

from __future__ import annotations

import bz2
import zlib
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from pyhdp.mapreduce.input.splits import FileSplit, codec_for, compute_splits, list_input_files, nline_splits
from pyhdp.mapreduce.input.text import TextChunk, read_chunks, split_key_value

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

TEXT_FORMATS = ("text", "keyvalue", "nline")
#: Hadoop class names accepted for the built-in formats (simple or full names)
CLASS_NAMES = {
    "TextInputFormat": "text",
    "KeyValueTextInputFormat": "keyvalue",
    "NLineInputFormat": "nline",
    "SequenceFileInputFormat": "sequencefile",
    "SequenceFileAsTextInputFormat": "sequencefile-as-text",
}


def canonical_format(name: str) -> str:
    simple = name.rsplit(".", 1)[-1]
    return CLASS_NAMES.get(simple, name)


def get_splits(fmt: str, inputs: list[str], conf: Configuration, api: str = "new") -> list[FileSplit]:
    files = list_input_files(inputs, conf)
    if fmt == "nline":
        return nline_splits(files, conf)
    if fmt == "internal":
        return compute_splits(files, conf, api, splittable=False)
    return compute_splits(files, conf, api)


class _CountingReader:
    """Counts bytes read from the underlying stream (FS and input-format counters)."""

    def __init__(self, raw: IO[bytes]):
        self.raw = raw
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.count += len(data)
        return data

    def readinto(self, b) -> int:
        data = self.raw.read(len(b))
        b[: len(data)] = data
        self.count += len(data)
        return len(data)

    def readable(self) -> bool:
        return True

    def seek(self, pos: int, whence: int = 0) -> int:
        return self.raw.seek(pos, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.raw.close()


class _Inflate:
    """Streaming zlib (``.deflate``) decompression."""

    def __init__(self, raw: Any):
        self.raw = raw
        self.z = zlib.decompressobj()
        self.buf = b""

    def read(self, n: int = -1) -> bytes:
        while n < 0 or len(self.buf) < n:
            data = self.raw.read(1 << 20)
            if not data:
                self.buf += self.z.flush()
                break
            self.buf += self.z.decompress(data)
        if n < 0:
            out, self.buf = self.buf, b""
        else:
            out, self.buf = self.buf[:n], self.buf[n:]
        return out


def _decompressing(stream: Any, codec: str) -> Any:
    if codec == "gzip":
        import gzip

        return gzip.GzipFile(fileobj=stream, mode="rb")
    if codec == "bzip2":
        return bz2.BZ2File(stream, mode="rb")
    if codec == "deflate":
        return _Inflate(stream)
    raise OSError(f"No codec available to read {codec} input (pyhdp reads .gz, .bz2 and .deflate)")


class SplitReader:
    """Reads one split; counts ``MAP_INPUT_RECORDS`` and bytes as it goes."""

    def __init__(self, fmt: str, split: FileSplit, conf: Configuration):
        from pyhdp.mapreduce.input.splits import resolve

        self.fmt = fmt
        self.split = split
        self.conf = conf
        self.fs, self.path = resolve(split.path, conf)
        self.records_read = 0
        self._raw: _CountingReader | None = None
        self.done = False

    @property
    def scheme(self) -> str:
        return self.fs.scheme

    @property
    def bytes_read(self) -> int:
        return self._raw.count if self._raw is not None else 0

    def progress(self) -> float:
        if self.done:
            return 1.0
        if not self.split.length:
            return 0.0
        return min(self.bytes_read / self.split.length, 1.0)

    def _open(self) -> Any:
        self._raw = _CountingReader(self.fs.open(self.path))
        return self._raw

    # ------------------------------------------------------------ text
    def text_chunks(self) -> Iterator[TextChunk]:
        if self.fmt not in TEXT_FORMATS:
            raise TypeError(f"text chunks are only available for text input, not {self.fmt}")
        delim_s = self.conf.get("textinputformat.record.delimiter")
        delim = delim_s.encode("utf-8") if delim_s else None
        stream = self._open()
        codec = codec_for(self.path)
        try:
            if codec:
                it = read_chunks(_decompressing(stream, codec), 0, 0, delim, whole=True)
            else:
                it = read_chunks(stream, self.split.start, self.split.length, delim)
            for chunk in it:
                self.records_read += chunk.count()
                yield chunk
        finally:
            self.done = True
            stream.close()

    # ------------------------------------------------------------ generic
    def record_batches(self) -> Iterator[tuple[list, list]]:
        fmt = self.fmt
        if fmt in ("text", "nline"):
            for chunk in self.text_chunks():
                yield chunk.offsets(), chunk.lines()
        elif fmt == "keyvalue":
            sep = self.conf.get("mapreduce.input.keyvaluelinerecordreader.key.value.separator", "\t") or "\t"
            sep_b = sep[:1].encode("utf-8")
            for chunk in self.text_chunks():
                yield split_key_value(chunk.lines(), sep_b)
        elif fmt in ("sequencefile", "sequencefile-as-text"):
            yield from self._seq_batches(fmt == "sequencefile-as-text")
        elif fmt == "internal":
            from pyhdp.mapreduce.output import read_internal

            stream = self._open()
            try:
                for block in read_internal(stream):
                    self.records_read += len(block)
                    yield [r[0] for r in block], [r[1] for r in block]
            finally:
                self.done = True
                stream.close()
        else:
            raise ValueError(f"Unknown input format {fmt}")

    def _seq_batches(self, as_text: bool) -> Iterator[tuple[list, list]]:
        from pyhdp.mapreduce.io.sequencefile import SequenceFileReader

        stream = self._open()
        try:
            reader = SequenceFileReader(stream, self.split.start, self.split.end)
            it = reader.text_records() if as_text else reader.records()
            keys: list = []
            values: list = []
            for k, v in it:
                keys.append(k)
                values.append(v)
                if len(keys) >= 8192:
                    self.records_read += len(keys)
                    yield keys, values
                    keys, values = [], []
            if keys:
                self.records_read += len(keys)
                yield keys, values
        finally:
            self.done = True
            stream.close()

    def records(self) -> Iterator[tuple[Any, Any]]:
        for keys, values in self.record_batches():
            yield from zip(keys, values, strict=False)
