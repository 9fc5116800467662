"""Commands that print file contents: ``-cat``, ``-text``, ``-head``, ``-tail``, ``-checksum``.

``-text`` decodes by magic bytes (gzip; SequenceFile and Avro through decoders other
parts of pyhdp register in :data:`TEXT_DECODERS`) and then by file-name extension
(``.gz``, ``.bz2``, ``.deflate``, and ``.snappy``/``.lz4``/``.zst`` when their Python
modules are installed); anything else is printed as it is.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterator
from typing import IO

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.errors import PathIsDirectoryException
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UsageError

CHUNK = 1 << 16

#: Magic prefix → ``"module:function"``; the function is called as
#: ``f(fs, path, conf)`` and returns an iterator of ``bytes`` (one record line each is
#: fine).  The MapReduce part registers ``b"SEQ"`` (SequenceFile: ``key\tvalue\n`` per
#: record) and may register ``b"Obj\x01"`` (Avro).  A target that cannot be imported
#: is skipped, and the file is printed as raw bytes.
TEXT_DECODERS: dict[bytes, str] = {
    b"SEQ": "pyhdp.mapreduce.io.sequencefile:text_records",
    b"Obj\x01": "pyhdp.mapreduce.io.avro:text_records",
}


def register_text_decoder(magic: bytes, target: str) -> None:
    """Plug-in door for ``-text``: decode files starting with ``magic`` with ``target``."""
    TEXT_DECODERS[magic] = target


def _load(target: str) -> Callable | None:
    module, _, func = target.partition(":")
    try:
        return getattr(importlib.import_module(module), func)
    except (ImportError, AttributeError):
        return None


class Cat(FsCommand):
    NAME = "cat"
    USAGE = "[-ignoreCrc] <src> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "ignoreCrc")
        cf.parse(args)
        self.verify_checksum = not cf.get_opt("ignoreCrc")

    def process_path(self, item: PathData) -> None:
        if item.is_dir:
            raise PathIsDirectoryException(str(item))
        for chunk in self.read_chunks(item):
            self.write_bytes(chunk)

    def read_chunks(self, item: PathData) -> Iterator[bytes]:
        with item.fs.open(item.path, verify_checksum=self.verify_checksum) as f:
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    return
                yield chunk


class Text(Cat):
    NAME = "text"
    USAGE = "[-ignoreCrc] <src> ..."

    def read_chunks(self, item: PathData) -> Iterator[bytes]:
        with item.fs.open(item.path, verify_checksum=self.verify_checksum) as f:
            lead = f.read(4)
            if lead[:2] == b"\x1f\x8b":
                yield from _decompressed(_prefixed(lead, f), "gzip")
                return
            for magic, target in TEXT_DECODERS.items():
                if lead.startswith(magic):
                    decoder = _load(target)
                    if decoder is not None:
                        yield from decoder(item.fs, item.path, self.conf)
                        return
            codec = _codec_for(item.name)
            if codec is not None:
                yield from _decompressed(_prefixed(lead, f), codec)
                return
            if lead:
                yield lead
            while True:
                chunk = f.read(CHUNK)
                if not chunk:
                    return
                yield chunk


def _prefixed(lead: bytes, f: IO[bytes]) -> Iterator[bytes]:
    if lead:
        yield lead
    while True:
        chunk = f.read(CHUNK)
        if not chunk:
            return
        yield chunk


_EXTENSIONS = {
    ".gz": "gzip",
    ".bz2": "bzip2",
    ".deflate": "deflate",
    ".snappy": "snappy",
    ".lz4": "lz4",
    ".zst": "zstd",
}


def _codec_for(name: str) -> str | None:
    for ext, codec in _EXTENSIONS.items():
        if name.endswith(ext):
            if codec in ("snappy", "lz4", "zstd") and _stream_decompressor(codec) is None:
                return None
            return codec
    return None


def _stream_decompressor(codec: str):
    import zlib

    if codec == "gzip":
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if codec == "deflate":
        return zlib.decompressobj()
    if codec == "bzip2":
        import bz2

        return bz2.BZ2Decompressor()
    if codec == "zstd":
        try:
            import zstandard  # type: ignore[import-not-found]
        except ImportError:
            return None
        return zstandard.ZstdDecompressor().decompressobj()
    return None


def _decompressed(chunks: Iterator[bytes], codec: str) -> Iterator[bytes]:
    """Decompress a stream; concatenated gzip/bzip2 members are all read (as Hadoop's codecs do)."""
    import zlib

    d = _stream_decompressor(codec)
    if d is None:
        yield from chunks
        return
    try:
        for chunk in chunks:
            while chunk:
                out = d.decompress(chunk)
                if out:
                    yield out
                if getattr(d, "eof", False) and codec in ("gzip", "bzip2"):
                    chunk = d.unused_data
                    d = _stream_decompressor(codec)
                else:
                    chunk = b""
        if hasattr(d, "flush"):
            tail = d.flush()
            if tail:
                yield tail
    except (zlib.error, OSError, EOFError) as e:
        raise OSError(f"{codec} decompression failed: {e}") from None


class Head(FsCommand):
    NAME = "head"
    USAGE = "<file>"

    def expand_argument(self, arg: str) -> list[PathData]:
        # No globbing: the argument names one file literally (Hadoop's Head/Tail).
        return [PathData.from_string(arg, self.conf)]

    def process_options(self, args: list[str]) -> None:
        CommandFormat(1, 1).parse(args)

    def process_path(self, item: PathData) -> None:
        if item.is_dir:
            raise PathIsDirectoryException(str(item))
        with item.fs.open(item.path) as f:
            self.write_bytes(f.read(1024))


class Tail(FsCommand):
    NAME = "tail"
    USAGE = "[-f] [-s <sleep interval>] <file>"

    def expand_argument(self, arg: str) -> list[PathData]:
        # No globbing: the argument names one file literally (Hadoop's Head/Tail).
        return [PathData.from_string(arg, self.conf)]

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, 1, "f")
        cf.add_option_with_value("s")
        cf.parse(args)
        self.follow = cf.get_opt("f")
        self.delay_ms = 5000
        if self.follow:
            sleep = cf.get_opt_value("s")
            if sleep:
                try:
                    self.delay_ms = int(sleep)
                except ValueError:
                    raise UsageError(f'For input string: "{sleep}"') from None

    def process_path(self, item: PathData) -> None:
        if item.is_dir:
            raise PathIsDirectoryException(str(item))
        offset = self.dump_from_offset(item, -1024)
        while self.follow:
            time.sleep(self.delay_ms / 1000)
            offset = self.dump_from_offset(item, offset)

    def dump_from_offset(self, item: PathData, offset: int) -> int:
        st = item.refresh_status()
        size = st.length if st is not None else 0
        if offset > size:
            return size
        if offset < 0:
            offset = max(size + offset, 0)
        with item.fs.open(item.path) as f:
            f.seek(offset)
            data = f.read()
        if data:
            self.write_bytes(data)
            self.out.flush()
        return offset + len(data)


class Checksum(FsCommand):
    NAME = "checksum"
    USAGE = "[-v] <src> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "v")
        cf.parse(args)
        self.show_block_size = cf.get_opt("v")

    def process_path(self, item: PathData) -> None:
        if item.is_dir:
            raise PathIsDirectoryException(str(item))
        checksum = item.fs.get_file_checksum(item.path)
        line = f"{item}\tNONE" if checksum is None else f"{item}\t{checksum.algorithm}\t{checksum.hex()}"
        if self.show_block_size:
            line += f"\tBlockSize={item.stat.block_size}"
        self.write(line + "\n")
