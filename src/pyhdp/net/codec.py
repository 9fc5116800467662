"""Typed JSON for the NameNode protocol: dataclasses travel as ``{"@": "Name", ...fields}``.

Only the classes registered here are decoded (no pickle: a request body never makes the
daemon build arbitrary objects); ``bytes`` travel as ``{"@b": base64}``.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from typing import Any

_TYPES: dict[str, type] = {}


def _registry() -> dict[str, type]:
    if not _TYPES:
        from pyhdp.fs.base import BlockLocation, ContentSummary, FileChecksum, FileStatus, FsStatus
        from pyhdp.hdfs.namenode.admin import FsckEntry, NamespaceStats
        from pyhdp.hdfs.namenode.files import BlockRecovery, Holder, LocatedBlock
        from pyhdp.hdfs.namenode.permissions import Inode

        for cls in (FileStatus, ContentSummary, FileChecksum, FsStatus, BlockLocation, BlockRecovery, Holder,
                    LocatedBlock, Inode, FsckEntry, NamespaceStats):
            _TYPES[cls.__name__] = cls
    return _TYPES


def register(cls: type) -> type:
    _registry()[cls.__name__] = cls
    return cls


def _enc(obj: Any) -> Any:
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [_enc(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): _enc(v) for k, v in obj.items()}
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return {"@b": base64.b64encode(bytes(obj)).decode()}
    if dataclasses.is_dataclass(obj) and type(obj).__name__ in _registry():
        out = {"@": type(obj).__name__}
        for f in dataclasses.fields(obj):
            out[f.name] = _enc(getattr(obj, f.name))
        return out
    raise TypeError(f"cannot encode {type(obj).__name__}")


def _dec(obj: Any) -> Any:
    if isinstance(obj, list):
        return [_dec(v) for v in obj]
    if isinstance(obj, dict):
        if "@b" in obj:
            return base64.b64decode(obj["@b"])
        name = obj.get("@")
        if name is not None:
            cls = _registry().get(name)
            if cls is None:
                raise ValueError(f"unknown type {name!r}")
            names = {f.name for f in dataclasses.fields(cls)}
            return cls(**{k: _dec(v) for k, v in obj.items() if k in names})
        return {k: _dec(v) for k, v in obj.items()}
    return obj


def encode(obj: Any) -> Any:
    return _enc(obj)


def decode(obj: Any) -> Any:
    return _dec(obj)


def dumps(obj: Any) -> bytes:
    return json.dumps(_enc(obj), separators=(",", ":")).encode()


def loads(data: bytes | str) -> Any:
    return _dec(json.loads(data))
