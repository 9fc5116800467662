"""The NameNode daemon: the namespace core of the embedded store, served over HTTP.

* It opens the same name directory as the embedded mode (data written standalone is served
  unchanged), formats it on first use, and holds ``in_use.lock`` exclusively.
* Client endpoint (``fs.defaultFS``, e.g. 127.0.0.1:9000): ``POST /rpc`` with a JSON body
  ``{"op", "args", "u" (user), "c" (client name), "x" (extras)}`` — or a list of them, a
  batch — calls :func:`pyhdp.hdfs.namenode.protocol.call` on the very operation table the
  embedded mode uses; results and errors travel as typed JSON (:mod:`pyhdp.net.codec`).
  Extras carry what only a distributed store needs: replica locations and block access
  tokens in answers, excluded nodes and acknowledged pipelines in requests.
* DataNode endpoints (same port, HMAC-signed): ``/dn/register``, ``/dn/heartbeat``,
  ``/dn/blockReport``, ``/dn/received``, ``/dn/bad``.
* HTTP (``dfs.namenode.http-address``, 127.0.0.1:9870): WebHDFS, ``/`` and ``/jmx``.

Every namespace change is committed to SQLite (WAL) before the answer is sent, so kill -9
loses nothing acknowledged; SIGTERM checkpoints the WAL and releases the lock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from typing import Any

from pyhdp.errors import FsError, SafeModeError
from pyhdp.hdfs.server.blockmanager import BlockInfo, BlockManager, DatanodeDescriptor, Settings
from pyhdp.net import auth, codec
from pyhdp.net.errors import rpc_error

log = logging.getLogger("pyhdp.hdfs.server.namenode")

#: operations the daemon adds to the core's table (answers need the DataNode state)
DAEMON_OPS = ("checkAccess", "getStats", "getDatanodeReport", "getBlockReplicas", "reportBadBlocks",
              "refreshNodes", "getServerDefaults", "renewLease", "fsckWalk", "corruptBlocks", "namespaceStats",
              "getAdditionalDatanode")


class SafeMode:
    """Start-up safe mode (``BlockManagerSafeMode``): on until ``threshold-pct`` of the complete
    blocks have ``replication.min`` reported replicas and ``min.datanodes`` nodes live, then
    ``extension`` ms more."""

    def __init__(self, conf):
        self.threshold = conf.get_float("dfs.namenode.safemode.threshold-pct", 0.999)
        self.min_datanodes = conf.get_int("dfs.namenode.safemode.min.datanodes", 0)
        self.extension = conf.get_int("dfs.namenode.safemode.extension", 30000) / 1000.0
        self.min_repl = conf.get_int("dfs.namenode.safemode.replication.min",
                                     conf.get_int("dfs.namenode.replication.min", 1))
        self.on = True
        self.reached_at: float | None = None
        self.total = 0
        self.safe = 0
        self.live = 0

    def needed(self) -> int:
        import math

        return max(0, math.ceil(self.total * self.threshold) - self.safe) if self.threshold > 0 else 0

    def update(self, total: int, safe: int, live: int, now: float) -> bool:
        """Returns True when safe mode was just turned off."""
        self.total, self.safe, self.live = total, safe, live
        if not self.on:
            return False
        met = (self.threshold <= 0 or total == 0 or safe >= total * self.threshold) and \
            (self.threshold <= 1) and live >= self.min_datanodes
        if not met:
            self.reached_at = None
            return False
        if self.reached_at is None:
            self.reached_at = now
        if total == 0 or now - self.reached_at >= self.extension:
            self.on = False
            return True
        return False

    def tip(self) -> str:
        if self.threshold > 1:
            return (f"The reported blocks {self.safe} needs additional {self.needed()} blocks to reach the threshold "
                    f"{self.threshold:.4f} of total blocks {self.total}.\nSafe mode will not be turned off "
                    "automatically: the threshold is greater than 1.")
        if self.reached_at is not None:
            return (f"The reported blocks {self.safe} has reached the threshold {self.threshold:.4f} of total blocks "
                    f"{self.total}. The minimum number of live datanodes is not required. In safe mode extension. "
                    "Safe mode will be turned off automatically soon.")
        dn = ("The minimum number of live datanodes is not required." if self.min_datanodes <= 0 else
              f"The number of live datanodes {self.live} has reached the minimum number {self.min_datanodes}."
              if self.live >= self.min_datanodes else
              f"The number of live datanodes {self.live} needs an additional {self.min_datanodes - self.live} "
              f"live datanodes to reach the minimum number {self.min_datanodes}.")
        return (f"The reported blocks {self.safe} needs additional {self.needed()} blocks to reach the threshold "
                f"{self.threshold:.4f} of total blocks {self.total}.\n{dn} Safe mode will be turned off "
                "automatically once the thresholds have been reached.")


class NameNode:
    def __init__(self, conf):
        from pyhdp.hdfs.namenode.admin import FSNamesystem
        from pyhdp.hdfs.namenode.namespace import NamespaceSettings
        from pyhdp.hdfs.namenode.schema import connect
        from pyhdp.hdfs.namenode.storage import NameStorage, format_storage, locked_error, name_dirs
        from pyhdp.hdfs.server.common import client_addr, nn_rpc_address
        from pyhdp.security import login_user

        self.conf = conf
        self.rpc_address = nn_rpc_address(conf)
        self.http_address = conf.get_trimmed("dfs.namenode.http-address", "127.0.0.1:9870") or "127.0.0.1:9870"
        self.rpc_client_address = client_addr(self.rpc_address)
        self.storage = NameStorage(name_dirs(conf)[0])
        settings = NamespaceSettings.from_conf(conf)
        if not self.storage.lock.lock(exclusive=True, timeout=0.5):
            err = locked_error(self.storage.root, self.storage.lock)
            err.message = (f"Cannot lock storage {self.storage.root}. The directory is already locked"
                           f"{' by ' + self.storage.lock.owner_text() if self.storage.lock.owner_text() else ''}."
                           " Another NameNode (or a CLI process using the embedded store) holds it.")
            raise err
        self.storage.lock.write_owner()
        if not self.storage.is_formatted():
            log.info("Formatting the name directory %s on first start", self.storage.root)
            format_storage(self.storage, login_user(), settings.supergroup)
        self.version = self.storage.read_version()
        self.secret = auth.load_secret(conf, create=True)
        self.conn = connect(self.storage.db_path)
        self.ns = FSNamesystem(self.conn, settings)
        self.bpid = self.version.block_pool_id
        hb = conf.get_duration("dfs.heartbeat.interval", 3, unit="s", result_unit="s")
        recheck = conf.get_duration("dfs.namenode.heartbeat.recheck-interval", 300.0, unit="ms", result_unit="s")
        self.bm = BlockManager(Settings(
            heartbeat_interval=hb, recheck_interval=recheck,
            replication_min=conf.get_int("dfs.namenode.replication.min", 1),
            max_streams=conf.get_int("dfs.namenode.replication.max-streams", 2),
            max_streams_hard=conf.get_int("dfs.namenode.replication.max-streams-hard-limit", 4),
            pending_timeout=conf.get_duration("dfs.namenode.reconstruction.pending.timeout-sec", 300, unit="s",
                                              result_unit="s"),
        ))
        self.recheck = recheck
        self.redundancy_interval = conf.get_duration("dfs.namenode.redundancy.interval.seconds", 3, unit="s",
                                                     result_unit="s")
        self.safemode = SafeMode(conf)
        self.redundancy_dirty = True
        self.lease_interval = conf.get_duration("dfs.namenode.lease-recheck-interval-ms", 2.0, unit="ms",
                                                result_unit="s")
        self.uc_targets: dict[int, set[str]] = {}  # blocks being written -> pipeline nodes
        self.rbw_replicas: dict[int, set[str]] = {}  # from block reports: replicas being written
        self.started = time.time()
        self.metrics = {"rpc": 0, "scheduled": 0, "under": 0, "missing": 0, "excess": 0, "dead_detected": 0}
        self._callers: dict[tuple[str, str], Any] = {}
        self._install_hooks()
        self.refresh_nodes()

    # ------------------------------------------------------------------ core hooks
    def _install_hooks(self) -> None:
        ns = self.ns
        core_check, core_in = ns.check_safe_mode, ns.in_safe_mode

        def check_safe_mode(what: str) -> None:
            if self.safemode.on:
                raise SafeModeError(f"{what}. Name node is in safe mode.\n{self.safemode.tip()}")
            core_check(what)

        ns.check_safe_mode = check_safe_mode  # type: ignore[method-assign]
        ns.in_safe_mode = lambda: self.safemode.on or core_in()  # type: ignore[method-assign]
        self._core_in_safe_mode = core_in
        ns.on_blocks_removed = self._blocks_removed
        ns.block_recovery = self._recover_block

    def _blocks_removed(self, items: list) -> None:
        """Blocks left the namespace (ids, or ``(id, genstamp)`` rows): delete their replicas."""
        bids = [int(it[0]) if isinstance(it, (tuple, list)) else int(it) for it in items]
        for bid in bids:
            self.uc_targets.pop(bid, None)
            self.rbw_replicas.pop(bid, None)
        self.bm.remove_blocks(bids)

    def _recover_block(self, rec) -> int:
        """Lease recovery of a dead writer's last block: every reachable replica is brought to
        the shortest valid length under the new generation stamp (``BlockRecoveryWorker``)."""
        from pyhdp.hdfs.server import dnclient

        uuids = self.uc_targets.get(rec.block_id, set()) | self.rbw_replicas.get(rec.block_id, set()) | \
            self.bm.locations.get(rec.block_id, set())
        nodes = [self.bm.datanodes[u] for u in uuids if u in self.bm.datanodes and self.bm.datanodes[u].alive]
        lengths = {}
        for dn in nodes:
            n = dnclient.recover(dn.http_addr, self.secret, rec.block_id, rec.old_genstamp, rec.new_genstamp,
                                 rec.length)
            if n is not None and n >= 0:
                lengths[dn.uuid] = n
        if not lengths:
            return -1
        final = min(lengths.values()) if rec.length is None else rec.length
        for uuid, n in lengths.items():
            if n != final:
                dn = self.bm.datanodes[uuid]
                dnclient.recover(dn.http_addr, self.secret, rec.block_id, rec.new_genstamp, rec.new_genstamp, final)
        self.uc_targets.pop(rec.block_id, None)
        self.rbw_replicas.pop(rec.block_id, None)
        if final > 0:
            self.bm.add_replicas(rec.block_id, lengths.keys())
        return final

    # ------------------------------------------------------------------ callers
    def caller(self, user: str, client: str = ""):
        key = (user, client)
        c = self._callers.get(key)
        if c is None:
            from pyhdp.security import groups_of

            if len(self._callers) > 10000:
                self._callers.clear()
            c = self._callers[key] = self.ns.caller(user, groups_of(user), client)
        return c

    # ------------------------------------------------------------------ namespace helpers
    def block_infos(self, bids: list[int] | None = None) -> dict[int, BlockInfo]:
        out: dict[int, BlockInfo] = {}
        sql = ("SELECT b.id, b.genstamp, b.length, b.state, i.replication FROM blocks b "
               "JOIN inodes i ON i.id=b.inode")
        with self.ns.read():
            if bids is None:
                rows = self.conn.execute(sql).fetchall()
            else:
                rows = []
                for i in range(0, len(bids), 500):
                    chunk = bids[i: i + 500]
                    rows += self.conn.execute(f"{sql} WHERE b.id IN ({','.join('?' * len(chunk))})", chunk).fetchall()
        for bid, gs, length, state, repl in rows:
            out[bid] = BlockInfo(bid, gs, length, state == "COMPLETE", repl)
        return out

    def block_token(self, bid: int, gs: int, modes: str, user: str) -> str:
        return auth.block_token(self.secret, self.bpid, bid, gs, modes, user)

    def refresh_nodes(self) -> list[str]:
        def read_list(key: str) -> list[str]:
            path = (self.conf.get_trimmed(key, "") or "").strip()
            if not path:
                return []
            try:
                with open(os.path.expanduser(path)) as f:
                    return [ln.split("#", 1)[0].strip() for ln in f if ln.split("#", 1)[0].strip()]
            except OSError as e:
                raise FsError(f"Cannot read {key} file {path}: {e.strerror}", path) from e

        self.redundancy_dirty = True
        return self.bm.set_hosts(read_list("dfs.hosts"), read_list("dfs.hosts.exclude"))

    # ------------------------------------------------------------------ RPC dispatch
    def dispatch(self, req: dict, remote_ip: str) -> dict:
        from pyhdp.hdfs.namenode.protocol import OPERATIONS

        self.metrics["rpc"] += 1
        op = req.get("op", "")
        user = req.get("u") or "dr.who"
        client = req.get("c") or ""
        args = codec.decode(req.get("args") or {})
        extras = req.get("x") or {}
        try:
            caller = self.caller(user, client)
            if op in DAEMON_OPS:
                result, out_x = self.daemon_op(op, caller, args, extras)
            elif op in OPERATIONS:
                result, out_x = self.core_op(op, caller, args, extras, remote_ip)
            else:
                raise ValueError(f"Unknown NameNode operation {op}")
            resp = {"r": codec.encode(result)}
            if out_x:
                resp["x"] = out_x
            return resp
        except Exception as e:  # noqa: BLE001 - every error goes back to the client
            if not isinstance(e, OSError):
                log.debug("RPC %s failed", op, exc_info=True)
            return {"e": rpc_error(e)}

    def core_op(self, op: str, caller, args: dict, extras: dict, remote_ip: str) -> tuple[Any, dict | None]:
        from pyhdp.hdfs.namenode.protocol import call

        ns = self.ns
        if op == "setSafeMode":
            action = str(args.get("action", "get")).lower()
            if action in ("leave", "forceexit"):
                ns.check_superuser(caller)
                if self.safemode.on:
                    log.info("STATE* Safe mode is OFF (left manually)")
                self.safemode.on = False
            elif action == "get":
                return self.safemode.on or self._core_in_safe_mode(), None
            result = call(ns, caller, op, **args)
            return self.safemode.on or result, None
        if op == "addBlock":
            return self._add_block(caller, args, extras, remote_ip)
        if op == "complete":
            self._ack_replicas(extras)
            return call(ns, caller, op, **args), None
        if op == "abandonBlock":
            self.uc_targets.pop(args.get("block_id"), None)
            return call(ns, caller, op, **args), None
        if op == "truncate":
            on_boundary, recovery = call(ns, caller, op, **args)
            if recovery is not None:
                self._apply_truncate(recovery)
            return [on_boundary, None], None
        result = call(ns, caller, op, **args)
        if op in ("setReplication", "concat"):
            self.redundancy_dirty = True
        if op == "getBlockLocations":
            node, blocks = result
            return result, self._locations_extra(blocks, caller.user)
        if op == "append":
            node, last, recovery = result
            x = {}
            if last is not None and recovery is not None:
                nodes = self.bm.replicas_of(last.block_id)
                x = {"targets": [d.info() for d in nodes if d.admin_state == "Normal"] or
                     [d.info() for d in nodes],
                     "token": self.block_token(last.block_id, last.genstamp, "rw", caller.user)}
                self.uc_targets[last.block_id] = {d.uuid for d in nodes}
            return result, x
        return result, None

    def _apply_truncate(self, rec) -> None:
        from pyhdp.hdfs.server import dnclient

        for dn in self.bm.replicas_of(rec.block_id):
            dnclient.recover(dn.http_addr, self.secret, rec.block_id, rec.old_genstamp, rec.new_genstamp, rec.length)

    def _ack_replicas(self, extras: dict) -> None:
        acked = extras.get("acked") or {}
        if acked:
            self.redundancy_dirty = True  # a pipeline may have ended short of its replication
        for bid_text, uuids in acked.items():
            bid = int(bid_text)
            self.uc_targets.pop(bid, None)
            self.bm.add_replicas(bid, uuids)

    def _add_block(self, caller, args: dict, extras: dict, remote_ip: str) -> tuple[Any, dict]:
        from pyhdp.hdfs.namenode.protocol import call

        self._ack_replicas(extras)
        path = args.get("path", "")
        with self.ns.read():
            node = self.ns.resolve(path).last
        replication = node.replication if node is not None else 1
        block_size = node.block_size if node is not None else 0
        excluded = set(extras.get("exclude") or [])
        targets = self.bm.choose_targets(replication, block_size, exclude=excluded, writer_ip=remote_ip)
        if not targets:
            self.ns.check_safe_mode(f"Cannot add block to {path}")
            live = len(self.bm.live_nodes())
            raise FsError(
                f"File {path} could only be written to 0 of the {self.bm.settings.replication_min} minReplication "
                f"nodes. There are {live} datanode(s) running and {len(excluded) if live else 0} node(s) are "
                "excluded in this operation.", path)
        located = call(self.ns, caller, "addBlock", **args)
        self.uc_targets[located.block_id] = {t.uuid for t in targets}
        return located, {"targets": [t.info() for t in targets],
                         "token": self.block_token(located.block_id, located.genstamp, "rw", caller.user)}

    def _locations_extra(self, blocks, user: str) -> dict:
        locs, tokens = {}, {}
        for b in blocks:
            nodes = self.bm.replicas_of(b.block_id)
            if not nodes and b.state != "COMPLETE":
                uuids = self.uc_targets.get(b.block_id, set()) | self.rbw_replicas.get(b.block_id, set())
                nodes = [self.bm.datanodes[u] for u in uuids if u in self.bm.datanodes]
            locs[str(b.block_id)] = [d.info() for d in nodes]
            tokens[str(b.block_id)] = self.block_token(b.block_id, b.genstamp, "r", user)
        return {"locs": locs, "tokens": tokens, "corrupt": [str(b) for b in self._all_corrupt(blocks)]}

    def _all_corrupt(self, blocks) -> list[int]:
        return [b.block_id for b in blocks if not self.bm.locations.get(b.block_id) and self.bm.corrupt.get(b.block_id)]

    def daemon_op(self, op: str, caller, args: dict, extras: dict) -> tuple[Any, dict | None]:
        from pyhdp.hdfs.namenode.permissions import EXECUTE, READ, WRITE

        ns = self.ns
        if op == "checkAccess":
            path, mode = args["path"], args.get("mode", "")
            bits = (READ if "r" in mode else 0) | (WRITE if "w" in mode else 0) | (EXECUTE if "x" in mode else 0)
            with ns.read():
                r = ns.resolve(path)
                if r.last is None:
                    from pyhdp.errors import PathNotFoundError

                    raise PathNotFoundError(f"Path not found: {path}", path)
                ns.check(caller, r, access=bits or None)
            return None, None
        if op == "getStats":
            return self.stats(), None
        if op == "getDatanodeReport":
            return self.datanode_report(args.get("type", "all")), None
        if op == "getBlockReplicas":
            return self.replica_details([int(b) for b in args.get("blocks", [])]), None
        if op == "reportBadBlocks":
            for bid, uuid in args.get("blocks", []):
                self.mark_corrupt(int(bid), str(uuid), f"reported by client {caller.user}")
            return None, None
        if op == "refreshNodes":
            ns.check_superuser(caller)
            self.refresh_nodes()
            return None, None
        if op == "getServerDefaults":
            return {"blockSize": self.conf.get_size("dfs.blocksize", 134217728),
                    "bytesPerChecksum": self.conf.get_int("dfs.bytes-per-checksum", 512),
                    "replication": self.conf.get_int("dfs.replication", 1),
                    "blockPoolId": self.bpid}, None
        if op == "renewLease":
            return None, None
        if op == "getAdditionalDatanode":
            bid = int(args["block_id"])
            existing = set(args.get("existing", []))
            with ns.read():
                node = ns.resolve(args["path"]).last
            size = node.block_size if node is not None else 0
            chosen = self.bm.choose_targets(1, size, exclude=existing, exclude_names=args.get("exclude", []))
            if not chosen:
                return None, None
            self.uc_targets.setdefault(bid, set()).add(chosen[0].uuid)
            return chosen[0].info(), None
        if op == "fsckWalk":
            entries = list(ns.fsck_walk(caller, args["path"]))
            bids = [b.block_id for e in entries for b in e.blocks]
            return entries, {"replicas": self.replica_details(bids)}
        if op == "corruptBlocks":
            return self._corrupt_blocks(), None
        if op == "namespaceStats":
            return ns.stats(), {"underReplicated": self.metrics["under"], "missing": self.metrics["missing"]}
        raise ValueError(f"Unknown NameNode operation {op}")

    def replica_details(self, bids: list[int]) -> dict[str, dict]:
        """Per block: live replicas (``name``, ``storageID``, ``adminState``, ``rack``) and corrupt ones."""
        out = {}
        for bid in bids:
            live = [{"name": d.name, "hostname": d.hostname, "storageID": d.storage_id, "adminState": d.admin_state,
                     "rack": "/default-rack", "uuid": d.uuid} for d in self.bm.replicas_of(bid)]
            corrupt = [{"name": self.bm.datanodes[u].name, "storageID": self.bm.datanodes[u].storage_id}
                       for u in self.bm.corrupt.get(bid, ()) if u in self.bm.datanodes]
            out[str(bid)] = {"live": live, "corrupt": corrupt}
        return out

    def _corrupt_blocks(self) -> list[list]:
        """``[block id, genstamp, path]`` of blocks with no good replica left but a corrupt one."""
        with self.ns.read():
            rows = self.conn.execute("SELECT id, genstamp, inode FROM blocks").fetchall()
            return [[bid, gs, self.ns.path_of(inode)] for bid, gs, inode in rows
                    if not self.bm.locations.get(bid) and self.bm.corrupt.get(bid)]

    # ------------------------------------------------------------------ replica state
    def mark_corrupt(self, bid: int, uuid: str, reason: str) -> None:
        log.warning("Corrupt replica of blk_%s on %s (%s)", bid, self.bm.datanodes[uuid].name
                    if uuid in self.bm.datanodes else uuid, reason)
        self.bm.bad_replica(bid, uuid)
        self.redundancy_dirty = True
        if not self.bm.locations.get(bid):
            try:
                self.ns.report_bad_block(bid, reason)
            except Exception:  # noqa: BLE001 - the block may be gone
                pass

    def stats(self) -> dict:
        live = self.bm.live_nodes()
        cap = sum(d.capacity for d in live)
        used = sum(d.dfs_used for d in live)
        rem = sum(d.remaining for d in live)
        return {"capacity": cap, "used": used, "remaining": rem,
                "nonDfsUsed": sum(d.non_dfs_used for d in live),
                "underReplicated": self.metrics["under"], "missing": self.metrics["missing"],
                "corruptReplicaBlocks": len(self.bm.corrupt),
                "pendingDeletion": sum(d.pending_deletions for d in self.bm.datanodes.values()),
                "pendingReplication": len(self.bm.pending),
                "live": len(live), "dead": len(self.bm.datanodes) - len(live),
                "safemode": self.safemode.on or self._core_in_safe_mode(),
                "safemodeTip": self.safemode.tip() if self.safemode.on else "",
                "blockPoolId": self.bpid, "clusterId": self.version.cluster_id,
                "totalBlocks": self.safemode.total, "startTime": int(self.started * 1000)}

    def datanode_report(self, kind: str = "all") -> list[dict]:
        now = time.monotonic()
        out = []
        for d in self.bm.datanodes.values():
            if kind == "live" and not d.alive or kind == "dead" and d.alive:
                continue
            if kind == "decommissioning" and d.admin_state != "Decommission in progress":
                continue
            out.append(d.report(now))
        out.sort(key=lambda r: r["name"])
        return out

    # ------------------------------------------------------------------ DataNode protocol
    def dn_register(self, body: dict) -> dict:
        from pyhdp.hdfs.server.blockmanager import DisallowedDatanodeError

        identity = {"bpid": self.bpid, "clusterId": self.version.cluster_id,
                    "namespaceId": self.version.namespace_id, "heartbeat": self.bm.settings.heartbeat_interval}
        if not body.get("uuid"):
            return identity  # versionRequest: who is this NameNode

        if body.get("clusterId") and body["clusterId"] != self.version.cluster_id:
            raise FsError(f"Incompatible clusterIDs: namenode clusterID = {self.version.cluster_id}; datanode "
                          f"clusterID = {body['clusterId']}")
        dn = DatanodeDescriptor(
            uuid=body["uuid"], ip=body["ip"], hostname=body.get("hostname", body["ip"]),
            xfer_port=int(body["xferPort"]), http_port=int(body["httpPort"]), ipc_port=int(body.get("ipcPort", 0)),
            storage_id=body.get("storageId", ""), registered_wall=time.time(), last_contact_wall=time.time(),
            software_version=body.get("version", ""))
        try:
            self.bm.register(dn, time.monotonic())
        except DisallowedDatanodeError:
            log.warning("Refused registration of %s (not in dfs.hosts)", dn.name)
            raise
        log.info("Registered DataNode %s (%s)", dn.name, dn.uuid)
        return identity

    def dn_heartbeat(self, body: dict) -> dict:
        cmds = self.bm.heartbeat(body["uuid"], body.get("stats", {}), time.monotonic(), time.time())
        if cmds is None:
            return {"reregister": True}
        for c in cmds:
            if c["cmd"] == "transfer":
                c["token"] = self.block_token(c["block"], c["genstamp"], "rw", "")
        return {"commands": cmds}

    def dn_block_report(self, body: dict) -> dict:
        uuid = body["uuid"]
        if uuid not in self.bm.datanodes:
            return {"reregister": True}
        replicas = [(int(b), int(g), int(n)) for b, g, n in body.get("blocks", [])]
        rbw = [(int(b), int(g), int(n)) for b, g, n in body.get("rbw", [])]
        known = self.block_infos([b for b, _, _ in replicas] + [b for b, _, _ in rbw])
        stale = self.bm.block_report(uuid, replicas, known, time.time())
        self.redundancy_dirty = True
        stale_rbw = []
        for bid, gs, _n in rbw:
            info = known.get(bid)
            if info is not None and not info.complete and gs <= info.genstamp:
                self.rbw_replicas.setdefault(bid, set()).add(uuid)
            elif info is None or info.complete:
                # left over by a pipeline that went on without this node, or of a deleted file
                stale_rbw.append(bid)
        if stale_rbw:
            self.bm.datanodes[uuid].commands.append({"cmd": "invalidate", "blocks": stale_rbw})
            stale = stale + stale_rbw
        if stale:
            log.info("Block report of %s: %d replicas invalidated", self.bm.datanodes[uuid].name, len(stale))
        self._update_safemode()
        return {"invalidated": len(stale)}

    def dn_received(self, body: dict) -> dict:
        uuid = body["uuid"]
        items = [(int(b), int(g), int(n)) for b, g, n in body.get("blocks", [])]
        known = self.block_infos([b for b, _, _ in items])
        for bid, gs, n in items:
            info = known.get(bid)
            self.bm.block_received(uuid, bid, gs, n, info)
            self.rbw_replicas.get(bid, set()).discard(uuid)
            if info is None or len(self.bm.locations.get(bid, ())) != info.replication:
                self.redundancy_dirty = True
        self._update_safemode()
        return {}

    def dn_bad(self, body: dict) -> dict:
        self.redundancy_dirty = True
        for bid, reason in body.get("blocks", []):
            self.mark_corrupt(int(bid), body["uuid"], reason)
        return {}

    # ------------------------------------------------------------------ monitors
    def _update_safemode(self) -> None:
        if not self.safemode.on:
            return
        with self.ns.read():
            total = self.conn.execute("SELECT count(*) FROM blocks WHERE state='COMPLETE'").fetchone()[0]
        safe = self.bm.safe_block_count(self.safemode.min_repl)
        if self.safemode.update(total, min(safe, total), len(self.bm.live_nodes()), time.monotonic()):
            log.info("STATE* Safe mode is OFF: %d of %d blocks reported", safe, total)

    def check_heartbeats(self) -> None:
        dead = self.bm.check_heartbeats(time.monotonic())
        for uuid in dead:
            self.redundancy_dirty = True
            self.metrics["dead_detected"] += 1
            log.warning("DataNode %s is dead: no heartbeat for more than %.1f s", self.bm.datanodes[uuid].name,
                        self.bm.settings.expire_interval)

    def redundancy_round(self) -> None:
        """Scan the blocks for missing/excess/corrupt replicas, when something may have changed: a node
        died, reported, was (de)commissioned, a replica went bad, a replication factor changed, or the
        previous round left work (an idle NameNode does not rescan its blocks)."""
        if self.safemode.on:
            self._update_safemode()
            return
        busy = bool(self.bm.pending) or any(d.admin_state == "Decommission in progress"
                                            for d in self.bm.datanodes.values())
        if not (self.redundancy_dirty or busy):
            return
        self.redundancy_dirty = False
        infos = self.block_infos()
        counts = self.bm.compute_work(infos.values(), time.monotonic())
        self.metrics.update(counts)
        if counts["under"] or counts["scheduled"] or counts["excess"]:
            self.redundancy_dirty = True
        by_node: dict[str, list[BlockInfo]] = {}
        for bid, info in infos.items():
            for uuid in self.bm.locations.get(bid, ()):
                by_node.setdefault(uuid, []).append(info)
        for uuid in self.bm.decommission_progress(lambda u: by_node.get(u, [])):
            log.info("Decommissioning complete for node %s", self.bm.datanodes[uuid].name)
        # corrupt-table entries of blocks that have good replicas again
        with self.ns.read():
            rows = self.conn.execute("SELECT block_id FROM corrupt").fetchall()
        for (bid,) in rows:
            if self.bm.locations.get(bid):
                self.ns.clear_bad_block(bid)

    def lease_round(self) -> None:
        """``LeaseManager.Monitor``: files whose writer process died on this host are closed, their last
        block recovered at the length the DataNodes hold (other clients may do it sooner)."""
        from pyhdp.hdfs.namenode.files import Holder, holder_alive

        with self.ns.read():
            rows = self.conn.execute("SELECT inode, holder, pid, start_time, host FROM leases").fetchall()
        if not rows or self.safemode.on:
            return
        me = Holder(f"NN_Recovery_{os.getpid()}", os.getpid(), "", "")
        caller = self.caller(self.ns.superuser or "hdfs", "NN_Recovery")
        for inode, holder, pid, start, host in rows:
            if holder_alive(pid, start, host):
                continue
            path = self.ns.path_of(inode)
            if not path:
                continue
            try:
                if self.ns.recover_lease(caller, path, me):
                    log.info("Recovered the lease of %s held by %s (process %s is gone)", path, holder, pid)
            except Exception as e:  # noqa: BLE001 - try again next round
                log.warning("Lease recovery of %s failed: %s", path, e)

    def image(self) -> tuple[bytes, int]:
        """A consistent copy of the namespace database and its transaction id (for the
        SecondaryNameNode's checkpoints): the WAL is checkpointed and a SQLite backup taken."""
        import sqlite3
        import tempfile

        with self.ns.write():
            txid = self.ns.next_id("txid") + 1
        with self.ns._lock:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            with tempfile.TemporaryDirectory() as d:
                dst = sqlite3.connect(os.path.join(d, "image.db"))
                try:
                    self.conn.backup(dst)
                finally:
                    dst.close()
                with open(os.path.join(d, "image.db"), "rb") as f:
                    data = f.read()
        return data, txid

    def close(self) -> None:
        try:
            with self.ns._lock:
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self.conn.close()
        finally:
            self.storage.lock.release()


async def serve(conf, stop: asyncio.Event) -> None:
    from aiohttp import web

    from pyhdp.errors import ConfigError
    from pyhdp.hdfs.server import nn_http
    from pyhdp.hdfs.server.common import bind_addr, notify_ready, shutdown_banner, start_site
    from pyhdp.net import leanhttp

    nn = NameNode(conf)
    runners = []
    rpc_server = None
    try:
        rpc_host, rpc_port = bind_addr(nn.rpc_address, conf.get_trimmed("dfs.namenode.rpc-bind-host", "") or None)
        http_host, http_port = bind_addr(nn.http_address, conf.get_trimmed("dfs.namenode.http-bind-host", "") or None)
        try:
            rpc_server = await leanhttp.serve(nn_http.rpc_handler(nn), rpc_host, rpc_port)
        except OSError as e:
            raise ConfigError(f"Failed to start the NameNode RPC server on {rpc_host}:{rpc_port}: Port in use or "
                              f"not available: {e.strerror}") from e
        log.info("NameNode RPC up at: %s:%d", rpc_host, rpc_port)
        runners.append(await start_site(nn_http.http_app(nn), http_host, http_port, "the NameNode HTTP server"))
        log.info("Web server (WebHDFS) up at: http://%s:%d", http_host, http_port)
        nn._update_safemode()
        log.info("STATE* Safe mode %s", "ON. " + nn.safemode.tip() if nn.safemode.on else "is OFF")
        notify_ready()
        tasks = [asyncio.create_task(_every(min(nn.recheck, max(nn.bm.settings.heartbeat_interval, 0.05)),
                                            nn.check_heartbeats, stop)),
                 asyncio.create_task(_every(nn.redundancy_interval, nn.redundancy_round, stop)),
                 asyncio.create_task(_every(nn.lease_interval, nn.lease_round, stop))]
        await stop.wait()
        log.info("Received SIGTERM: shutting down the NameNode")
        for t in tasks:
            t.cancel()
    finally:
        if rpc_server is not None:
            rpc_server.close()
        for r in runners:
            await r.cleanup()
        nn.close()
        shutdown_banner("NameNode")
    del web


async def _every(interval: float, fn, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
            return
        except asyncio.TimeoutError:
            pass
        try:
            fn()
        except Exception:  # noqa: BLE001 - a monitor must survive
            log.exception("Monitor %s failed", getattr(fn, "__name__", fn))


def run(args: list[str], conf) -> int:
    """``hdfs namenode`` in the foreground."""
    from pyhdp.hdfs.server.common import run_daemon, startup_banner, will_notify_ready

    if args:
        import sys

        sys.stderr.write(f"Usage: hdfs namenode (unknown arguments for the daemon: {' '.join(args)})\n")
        return 1
    will_notify_ready()
    startup_banner("NameNode", args)
    return run_daemon(lambda stop: serve(conf, stop))


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()
