"""CRC32C chunk checksums, the block ``.meta`` header, and HDFS's file checksum.

* ``.meta`` files are Hadoop's: ``BlockMetadataHeader`` (version short = 1) followed by the
  ``DataChecksum`` header (type byte, 2 = CRC32C; bytesPerChecksum int), then one
  big-endian CRC per ``dfs.bytes-per-checksum`` bytes of data.
* :func:`file_checksum` is ``MD5MD5CRC32CastagnoliFileChecksum`` (``MD5-of-<n>MD5-of-512CRC32C``)
  computed as Hadoop's ``FileChecksumHelper`` does, including its MD5 over the whole
  ``DataOutputBuffer`` backing array (zero padding to the buffer capacity), so the bytes
  match real HDFS for the same data and block size.
"""

from __future__ import annotations

import array
import functools
import hashlib
import struct
import sys
import threading
from collections.abc import Iterable

from pyhdp.fs.base import FileChecksum


def _load_crc32c():
    """The C ``crc32c`` function of the ``crc32c`` package, loaded without the package's
    ``__init__`` (which spends ~30 ms in importlib.metadata on every CLI start)."""
    try:
        import importlib.machinery
        import importlib.util
        import os as _os

        spec = importlib.util.find_spec("crc32c")
        for base in spec.submodule_search_locations or ():
            for name in _os.listdir(base):
                if name.startswith("_crc32c.") and name.endswith(
                    tuple(importlib.machinery.EXTENSION_SUFFIXES)
                ):
                    path = _os.path.join(base, name)
                    loader = importlib.machinery.ExtensionFileLoader("crc32c._crc32c", path)
                    mod_spec = importlib.util.spec_from_file_location("crc32c._crc32c", path, loader=loader)
                    module = importlib.util.module_from_spec(mod_spec)
                    loader.exec_module(module)
                    return module.crc32c
    except Exception:  # noqa: BLE001 - fall back to the ordinary import
        pass
    from crc32c import crc32c as fn

    return fn


crc32c = _load_crc32c()

META_VERSION = 1
CHECKSUM_NULL, CHECKSUM_CRC32, CHECKSUM_CRC32C = 0, 1, 2
HEADER = struct.Struct(">hbi")
HEADER_SIZE = HEADER.size  # 7
CHECKSUM_SIZE = 4
_BIG = sys.byteorder == "big"


def meta_header(bytes_per_checksum: int) -> bytes:
    return HEADER.pack(META_VERSION, CHECKSUM_CRC32C, bytes_per_checksum)


def parse_header(data: bytes) -> tuple[int, int, int]:
    """``(version, checksum type, bytes per checksum)`` of a meta file header."""
    if len(data) < HEADER_SIZE:
        raise ValueError("truncated block metadata header")
    return HEADER.unpack_from(data)


@functools.lru_cache(maxsize=8)
def _slices(n: int, bpc: int) -> tuple[slice, ...]:
    """The chunk slices of an ``n``-byte buffer (segments repeat their sizes: cached)."""
    return tuple(map(slice, range(0, n, bpc), range(bpc, n + bpc, bpc)))


def chunk_crcs(data: bytes | bytearray | memoryview, bpc: int = 512) -> bytes:
    """Big-endian CRC32C of every ``bpc``-byte chunk of ``data`` (the last may be short)."""
    mv = memoryview(data)
    n = len(mv)
    if n == 0:
        return b""
    arr = array.array("I", map(crc32c, map(mv.__getitem__, _slices(n, bpc))))
    if not _BIG:
        arr.byteswap()
    return arr.tobytes()


# ---------------------------------------------------------------- bulk verification
#
# Checking n chunk CRCs one C call at a time costs ~0.4 us per 512-byte chunk.  CRC is affine,
# crc(M) = L(M) ^ K(len(M)) with L linear over GF(2), so for data D = D_0..D_{n-1} and any buffer
# G of the same length, crc(D) == crc(G) iff L(D) == L(G) (up to a 2^-32 chance for multi-chunk
# corruption).  We build G with each chunk's last 4 bytes set to w_i = Phi^-1(c_i ^ Z0) and zeros
# elsewhere, where Phi(w) = L(0^(bpc-4) || le32(w)) and Z0 = crc(0^bpc): then L(G_i) = L(D_i) exactly
# when the stored CRC c_i is right, so two big CRC calls (tens of GB/s, GIL released) verify a whole
# segment.  Phi^-1 is applied to all stored CRCs at once with bytes.translate tables.  On a mismatch
# the chunks are checked one by one to name the bad one.

_tables_cache: dict[int, tuple[list[list[bytes]], int]] = {}
_local = threading.local()


def _tables(bpc: int) -> list[list[bytes]]:
    got = _tables_cache.get(bpc)
    if got is not None:
        return got[0]
    zero = crc32c(bytes(bpc))
    pad = bytes(bpc - 4)

    def phi(w: int) -> int:
        return crc32c(pad + w.to_bytes(4, "little")) ^ zero

    # XOR basis keyed by pivot bit: value -> preimage
    basis: dict[int, tuple[int, int]] = {}
    for b in range(32):
        v, pre = phi(1 << b), 1 << b
        while v:
            top = v.bit_length() - 1
            if top not in basis:
                basis[top] = (v, pre)
                break
            bv, bp = basis[top]
            v ^= bv
            pre ^= bp
    if len(basis) != 32:
        raise ArithmeticError("CRC shift map is not invertible")

    def inverse(v: int) -> int:
        pre = 0
        while v:
            bv, bp = basis[v.bit_length() - 1]
            v ^= bv
            pre ^= bp
        return pre

    const = inverse(zero)
    tables = []
    for k in range(4):  # byte k (little-endian) of w
        row = []
        for j in range(4):  # byte j (big-endian) of the stored CRC
            vals = bytearray(256)
            for b in range(256):
                w = inverse(b << (8 * (3 - j)))
                if j == 0:
                    w ^= const
                vals[b] = (w >> (8 * k)) & 0xFF
            row.append(bytes(vals))
        tables.append(row)
    _tables_cache[bpc] = (tables, zero)
    return tables


def verify_chunks(data: bytes | bytearray | memoryview, crcs: bytes, bpc: int = 512) -> bool:
    """True when every chunk of ``data`` matches its big-endian CRC32C in ``crcs``."""
    mv = memoryview(data)
    n = len(mv) // bpc
    rem = len(mv) - n * bpc
    if len(crcs) < 4 * (n + (1 if rem else 0)):
        return False
    if rem and crc32c(mv[n * bpc :]).to_bytes(4, "big") != crcs[4 * n : 4 * n + 4]:
        return False
    if n == 0:
        return True
    if n < 8:
        return chunk_crcs(mv[: n * bpc], bpc) == crcs[: 4 * n]
    tables = _tables(bpc)
    stored = crcs[: 4 * n]
    planes = [stored[j::4] for j in range(4)]
    g = getattr(_local, "buf", None)
    size = n * bpc
    if g is None or len(g) < size or getattr(_local, "bpc", 0) != bpc:
        g = bytearray(max(size, 1 << 20))
        _local.buf = g
        _local.bpc = bpc
    for k in range(4):
        acc = 0
        for j in range(4):
            acc ^= int.from_bytes(planes[j].translate(tables[k][j]), "little")
        g[bpc - 4 + k : size : bpc] = acc.to_bytes(n, "little")
    return crc32c(mv[:size]) == crc32c(memoryview(g)[:size])


def first_mismatch(data: bytes | memoryview, expected: bytes, bpc: int) -> tuple[int, int, int] | None:
    """``(chunk index, expected crc, computed crc)`` of the first bad chunk, or None."""
    got = chunk_crcs(data, bpc)
    if got == expected[: len(got)] and len(expected) >= len(got):
        return None
    for i in range(0, len(got), 4):
        exp = expected[i : i + 4]
        if got[i : i + 4] != exp:
            e = struct.unpack(">i", exp.ljust(4, b"\0"))[0]
            g = struct.unpack(">i", got[i : i + 4])[0]
            return i // 4, e, g
    return None


def _java_buffer_bytes(chunks: Iterable[bytes]) -> bytes:
    """The backing array of a Java ``DataOutputBuffer`` after writing ``chunks`` (capacity 32, doubling)."""
    data = b"".join(chunks)
    cap = 32
    while cap < len(data):
        cap *= 2
    return data + b"\0" * (cap - len(data))


def block_md5(crcs: bytes) -> bytes:
    """The DataNode's per-block MD5 over the block's CRCs."""
    return hashlib.md5(crcs).digest()


def file_checksum(block_crcs: list[bytes], bytes_per_crc: int = 512) -> FileChecksum:
    """HDFS ``getFileChecksum`` (MD5MD5CRC): ``block_crcs`` = the CRC bytes of each block, in order."""
    if not block_crcs:
        md5 = hashlib.md5(_java_buffer_bytes([])).digest()
        value = struct.pack(">iq", 0, 0) + md5
        return FileChecksum("MD5-of-0MD5-of-0CRC32", value, len(value))
    crc_per_block = len(block_crcs[0]) // CHECKSUM_SIZE if len(block_crcs) > 1 else 0
    md5 = hashlib.md5(_java_buffer_bytes(block_md5(c) for c in block_crcs)).digest()
    value = struct.pack(">iq", bytes_per_crc, crc_per_block) + md5
    return FileChecksum(f"MD5-of-{crc_per_block}MD5-of-{bytes_per_crc}CRC32C", value, len(value))
