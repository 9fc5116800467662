"""Calls of the NameNode to DataNodes (signed with the cluster secret)."""

from __future__ import annotations

import json
import logging

from pyhdp.net import auth, httpclient

log = logging.getLogger("pyhdp.hdfs.server.namenode")


def signed_post(addr: str, secret: bytes, path: str, payload: dict, timeout: float = 10.0) -> dict:
    body = json.dumps(payload, separators=(",", ":")).encode()
    sig = auth.sign_request(secret, "POST", path, body)
    resp = httpclient.request(addr, "POST", path, body, {auth.HEADER: sig, "Content-Type": "application/json"},
                              timeout=timeout)
    data = json.loads(resp.body or b"{}")
    if resp.status != 200:
        raise OSError(data.get("RemoteException", {}).get("message") or f"HTTP {resp.status} from {addr}")
    return data


def recover(addr: str, secret: bytes, block_id: int, old_gs: int, new_gs: int, length: int | None) -> int | None:
    """Bring the replica on ``addr`` to ``length`` (None: its valid length) under ``new_gs``."""
    try:
        out = signed_post(addr, secret, "/dn/recover",
                          {"block": block_id, "old_gs": old_gs, "new_gs": new_gs, "length": length})
        return int(out.get("length", -1))
    except (OSError, ValueError) as e:
        log.warning("Recovery of blk_%s on %s failed: %s", block_id, addr, e)
        return None
