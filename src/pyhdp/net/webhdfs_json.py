"""WebHDFS JSON schemas (``JsonUtil``): objects → JSON with Hadoop's sorted keys, and back."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from pyhdp.fs.base import BlockLocation, ContentSummary, FileChecksum, FileStatus

USER_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*[$]?$")
FSACTION_PATTERN = re.compile(r"^[r-][w-][x-]$")


def perm_string(perm: int) -> str:
    return format(perm & 0o1777, "o")


def file_status(st: FileStatus, suffix: str = "") -> dict[str, Any]:
    d: dict[str, Any] = {
        "accessTime": st.access_time,
        "blockSize": st.block_size if not st.is_dir else 0,
        "childrenNum": st.children_num if st.is_dir else 0,
        "fileId": st.file_id,
        "group": st.group,
        "length": st.length if not st.is_dir else 0,
        "modificationTime": st.modification_time,
        "owner": st.owner,
        "pathSuffix": suffix,
        "permission": perm_string(st.permission),
        "replication": st.replication if not st.is_dir else 0,
        "storagePolicy": 0,
        "type": "SYMLINK" if st.symlink else ("DIRECTORY" if st.is_dir else "FILE"),
    }
    if st.symlink:
        d["symlink"] = st.symlink
    if st.has_acl:
        d["aclBit"] = True
    if st.encrypted:
        d["encBit"] = True
    if st.erasure_coded:
        d["ecBit"] = True
    return dict(sorted(d.items()))


def status_from_json(d: dict[str, Any], parent: str) -> FileStatus:
    suffix = d.get("pathSuffix") or ""
    path = posixpath.join(parent, suffix) if suffix else parent
    kind = d.get("type", "FILE")
    return FileStatus(
        path=path, length=int(d.get("length", 0)), is_dir=kind == "DIRECTORY",
        replication=int(d.get("replication", 0)), block_size=int(d.get("blockSize", 0)),
        modification_time=int(d.get("modificationTime", 0)), access_time=int(d.get("accessTime", 0)),
        permission=int(str(d.get("permission", "0")), 8), owner=d.get("owner", ""), group=d.get("group", ""),
        symlink=d.get("symlink") if kind == "SYMLINK" else None, file_id=int(d.get("fileId", 0)),
        children_num=int(d.get("childrenNum", 0)), erasure_coded=bool(d.get("ecBit")),
        encrypted=bool(d.get("encBit")), has_acl=bool(d.get("aclBit")),
    )


def _type_quota(cs: ContentSummary) -> dict[str, Any]:
    return {t: {"consumed": consumed, "quota": quota} for t, (quota, consumed) in sorted(cs.type_quotas.items())}


def content_summary(cs: ContentSummary) -> dict[str, Any]:
    return {"ContentSummary": {
        "directoryCount": cs.directory_count, "ecPolicy": "", "fileCount": cs.file_count, "length": cs.length,
        "quota": cs.quota, "spaceConsumed": cs.space_consumed, "spaceQuota": cs.space_quota,
        "typeQuota": _type_quota(cs)}}


def quota_usage(cs: ContentSummary) -> dict[str, Any]:
    return {"QuotaUsage": {
        "fileAndDirectoryCount": cs.file_count + cs.directory_count, "quota": cs.quota,
        "spaceConsumed": cs.space_consumed, "spaceQuota": cs.space_quota, "typeQuota": _type_quota(cs)}}


def content_summary_from_json(d: dict[str, Any]) -> ContentSummary:
    tq = {t: (int(v.get("quota", -1)), int(v.get("consumed", 0))) for t, v in (d.get("typeQuota") or {}).items()}
    return ContentSummary(length=int(d.get("length", 0)), file_count=int(d.get("fileCount", 0)),
                          directory_count=int(d.get("directoryCount", 0)), quota=int(d.get("quota", -1)),
                          space_consumed=int(d.get("spaceConsumed", 0)), space_quota=int(d.get("spaceQuota", -1)),
                          type_quotas=tq)


def file_checksum(ck: FileChecksum) -> dict[str, Any]:
    return {"FileChecksum": {"algorithm": ck.algorithm, "bytes": ck.value.hex(), "length": ck.length}}


def file_checksum_from_json(d: dict[str, Any]) -> FileChecksum:
    value = bytes.fromhex(d.get("bytes", ""))
    return FileChecksum(d.get("algorithm", ""), value, int(d.get("length", len(value))))


def block_locations(locs: list[BlockLocation]) -> dict[str, Any]:
    return {"BlockLocations": {"BlockLocation": [
        {"cachedHosts": [], "corrupt": loc.corrupt, "hosts": loc.hosts, "length": loc.length, "names": loc.names,
         "offset": loc.offset, "storageTypes": ["DISK"] * len(loc.names),
         "topologyPaths": loc.topology_paths or [f"/default-rack/{n}" for n in loc.names]}
        for loc in locs]}}


def block_locations_from_json(d: dict[str, Any]) -> list[BlockLocation]:
    out = []
    for b in (d.get("BlockLocations") or {}).get("BlockLocation", []):
        out.append(BlockLocation(int(b.get("offset", 0)), int(b.get("length", 0)), list(b.get("hosts", [])),
                                 list(b.get("names", [])), list(b.get("topologyPaths", [])),
                                 corrupt=bool(b.get("corrupt", False))))
    return out


STORAGE_POLICIES = [
    {"copyOnCreateFile": False, "creationFallbacks": [], "id": 15, "name": "LAZY_PERSIST",
     "replicationFallbacks": ["DISK"], "storageTypes": ["RAM_DISK", "DISK"]},
    {"copyOnCreateFile": False, "creationFallbacks": ["SSD", "DISK"], "id": 12, "name": "ALL_SSD",
     "replicationFallbacks": ["DISK"], "storageTypes": ["SSD"]},
    {"copyOnCreateFile": False, "creationFallbacks": ["SSD", "DISK"], "id": 10, "name": "ONE_SSD",
     "replicationFallbacks": ["SSD", "DISK"], "storageTypes": ["SSD", "DISK"]},
    {"copyOnCreateFile": False, "creationFallbacks": [], "id": 7, "name": "HOT",
     "replicationFallbacks": ["ARCHIVE"], "storageTypes": ["DISK"]},
    {"copyOnCreateFile": False, "creationFallbacks": ["DISK", "ARCHIVE"], "id": 5, "name": "WARM",
     "replicationFallbacks": ["DISK", "ARCHIVE"], "storageTypes": ["DISK", "ARCHIVE"]},
    {"copyOnCreateFile": False, "creationFallbacks": [], "id": 2, "name": "COLD",
     "replicationFallbacks": [], "storageTypes": ["ARCHIVE"]},
]
