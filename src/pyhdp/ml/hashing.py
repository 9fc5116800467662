"""MurmurHash3 x86 32-bit and scikit-learn's ``HashingVectorizer`` token hashing.

sklearn hashes each token (UTF-8) with ``murmurhash3_32(token, seed=0)`` as a signed int32;
the column is ``abs(h) % n_features`` and, with ``alternate_sign``, the sign is that of ``h``.
"""

from __future__ import annotations

import re

_C1 = 0xCC9E2D51
_C2 = 0x1B873593
_M = 0xFFFFFFFF

#: sklearn's default ``token_pattern`` (lowercase first)
TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")


def murmur3_32(data: bytes, seed: int = 0, signed: bool = True) -> int:
    h = seed & _M
    n = len(data)
    nblocks = n // 4
    for i in range(0, nblocks * 4, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * _C1) & _M
        k = ((k << 15) | (k >> 17)) & _M
        k = (k * _C2) & _M
        h ^= k
        h = ((h << 13) | (h >> 19)) & _M
        h = (h * 5 + 0xE6546B64) & _M
    tail = data[nblocks * 4 :]
    k = 0
    if len(tail) >= 3:
        k ^= tail[2] << 16
    if len(tail) >= 2:
        k ^= tail[1] << 8
    if tail:
        k ^= tail[0]
        k = (k * _C1) & _M
        k = ((k << 15) | (k >> 17)) & _M
        k = (k * _C2) & _M
        h ^= k
    h ^= n
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & _M
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & _M
    h ^= h >> 16
    if signed and h & 0x80000000:
        h -= 1 << 32
    return h


def tokenize(text: str) -> list[str]:
    return TOKEN_RE.findall(text.lower())


class TokenHasher:
    """Token → ``(column, sign)`` as sklearn's ``HashingVectorizer``, memoised per process."""

    def __init__(self, n_features: int = 1 << 20):
        if n_features < 1:
            raise ValueError(f"n_features must be positive, got {n_features}")
        self.n_features = n_features
        self._cache: dict[str, tuple[int, int]] = {}

    def __call__(self, token: str) -> tuple[int, int]:
        hit = self._cache.get(token)
        if hit is None:
            h = murmur3_32(token.encode("utf-8"))
            hit = (abs(h) % self.n_features, 1 if h >= 0 else -1)
            if len(self._cache) < 1_000_000:
                self._cache[token] = hit
        return hit

    def transform(self, text: str, alternate_sign: bool = False) -> dict[int, float]:
        """Sparse counts of one document (unnormalised; signed when ``alternate_sign``)."""
        out: dict[int, float] = {}
        for tok in tokenize(text):
            col, sign = self(tok)
            out[col] = out.get(col, 0.0) + (sign if alternate_sign else 1)
        return out
