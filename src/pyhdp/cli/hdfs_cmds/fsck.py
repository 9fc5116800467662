"""``hdfs fsck``: Hadoop's ``DFSck`` + ``NamenodeFsck`` report over the embedded store.

A block is MISSING when its replica file is gone from the DataNode volume, CORRUPT when a
reader reported a checksum failure for it (recorded in the namespace) or ``-verify`` (a
pyhdp extra) finds one now.  Exit code from the last line, as DFSck: HEALTHY 0,
CORRUPT 1, does not exist 0, anything else -1 (255).
"""

from __future__ import annotations

import sys
import time
import urllib.parse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.hdfs.client import DistributedFileSystem

USAGE = (
    "Usage: hdfs fsck <path> [-list-corruptfileblocks | [-move | -delete | -openforwrite] "
    "[-files [-blocks [-locations | -racks | -replicaDetails | -upgradedomains]]]] "
    "[-includeSnapshots] [-showprogress] [-storagepolicies] [-maintenance] [-blockId <blk_Id>]\n"
    "\t<path>\tstart checking from this path\n"
    "\t-move\tmove corrupted files to /lost+found\n"
    "\t-delete\tdelete corrupted files\n"
    "\t-files\tprint out files being checked\n"
    "\t-openforwrite\tprint out files opened for write\n"
    "\t-includeSnapshots\tinclude snapshot data if the given path indicates a snapshottable directory "
    "or there are snapshottable directories under it\n"
    "\t-list-corruptfileblocks\tprint out list of missing blocks and files they belong to\n"
    "\t-files -blocks\tprint out block report\n"
    "\t-files -blocks -locations\tprint out locations for every block\n"
    "\t-files -blocks -racks\tprint out network topology for data-node locations\n"
    "\t-files -blocks -replicaDetails\tprint out each replica details \n"
    "\t-files -blocks -upgradedomains\tprint out upgrade domains for every block\n"
    "\t-storagepolicies\tprint out storage policy summary for the blocks\n"
    "\t-maintenance\tprint out maintenance state node details\n"
    "\t-showprogress\tshow progress in output. Default is OFF (no progress)\n"
    "\t-blockId\tprint out which file this blockId belongs to, locations (nodes, racks) of this block, "
    "and other diagnostics info (under replicated, corrupted or not, etc)\n\n"
    "Please Note:\n"
    "\t1. By default fsck ignores files opened for write, use -openforwrite to report such files. "
    "They are usually  tagged CORRUPT or HEALTHY depending on their block allocation status\n"
    "\t2. Option -includeSnapshots should not be used for comparing stats, should be used only for "
    "HEALTH check, as this may contain duplicates if the same file present in both original fs tree "
    "and inside snapshots."
)

_FLAGS = {
    "-files",
    "-blocks",
    "-locations",
    "-racks",
    "-replicaDetails",
    "-upgradedomains",
    "-openforwrite",
    "-list-corruptfileblocks",
    "-delete",
    "-move",
    "-includeSnapshots",
    "-showprogress",
    "-storagepolicies",
    "-maintenance",
    "-verify",
}


def jfloat(x: float) -> str:
    """Java ``Float.toString`` for the values fsck prints (``100.0``, ``33.333332``)."""
    import struct

    f = struct.unpack("f", struct.pack("f", x))[0]
    if f == int(f) and abs(f) < 1e7:
        return f"{f:.1f}"
    for digits in range(1, 10):
        s = f"{f:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(s)))[0] == f:
            return s if "." in s else s + ".0"
    return repr(f)


def run(args: list[str], conf: Configuration) -> int:
    path = None
    opts: set[str] = set()
    i = 0
    block_ids: list[str] = []
    while i < len(args):
        a = args[i]
        if a in ("-h", "-help", "--help"):
            print(USAGE)
            return 0
        if a == "-blockId":
            i += 1
            while i < len(args) and not args[i].startswith("-"):
                block_ids.append(args[i])
                i += 1
            continue
        if a in _FLAGS:
            opts.add(a)
        elif a.startswith("-"):
            sys.stderr.write(f"fsck: Illegal option '{a}'\n")
            sys.stderr.write(USAGE + "\n")
            return 255
        elif path is None:
            path = a
        i += 1
    path = path or "/"
    from pyhdp.cli.hdfs_cmds.dfsadmin import IllegalArgument, get_dfs

    try:
        dfs = get_dfs(conf)
    except IllegalArgument:
        from pyhdp.fs.registry import default_uri

        scheme, authority = default_uri(conf)
        sys.stderr.write(f"FileSystem is {scheme}://{authority}{'/' if scheme == 'file' else ''}\n")
        return 255
    qs = "&".join(f"{o[1:]}=1" for o in sorted(opts))
    url = f"http://{_http_address(conf)}/fsck?ugi={urllib.parse.quote(dfs.user)}" + (f"&{qs}" if qs else "")
    sys.stderr.write(f"Connecting to namenode via {url}&path={urllib.parse.quote(path, safe='')}\n")
    abs_path = path if path.startswith("/") else dfs.working_directory().rstrip("/") + "/" + path
    if "-list-corruptfileblocks" in opts:
        return list_corrupt(dfs, abs_path)
    if block_ids:
        return block_id_check(dfs, block_ids)
    return Fsck(dfs, conf, abs_path, opts).run()


def _exit_code(last_line: str) -> int:
    """DFSck's verdict from the report's last line."""
    if last_line.endswith(("is HEALTHY", "does not exist", "is DECOMMISSIONED", "is IN MAINTENANCE")):
        return 0
    if last_line.endswith("is CORRUPT"):
        return 1
    return 255


def block_id_check(dfs: DistributedFileSystem, block_ids: list[str]) -> int:
    """``fsck -blockId blk_<id> ...``: the file of each block and the state of its replicas."""
    import re

    from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

    view = cluster_view(dfs)
    lines = [f"FSCK started by {dfs.user} (auth:SIMPLE) from /127.0.0.1 at {_java_date()}"]
    index = None
    for blk in block_ids:
        m = re.match(r"^blk_(-?\d+)", blk)
        if "blk_" not in blk or m is None:
            lines.append(f"Incorrect blockId format: {blk}")
            continue
        bid = int(m.group(1))
        if index is None:
            index = {b.block_id: (e, b) for e in view.fsck_walk("/") for b in e.blocks}
        lines.append("")
        if bid not in index:
            lines.append(f"Block {blk} does not exist")
            continue
        entry, block = index[bid]
        reps = view.replicas(block)
        states = [n.get("adminState") or "Normal" for n in reps["live"]]
        lines += [
            f"Block Id: {blk}",
            f"Block belongs to: {entry.path}",
            f"No. of Expected Replica: {entry.inode.replication}",
            f"No. of live Replica: {states.count('Normal')}",
            "No. of excess Replica: 0",
            "No. of stale Replica: 0",
            f"No. of decommissioned Replica: {states.count('Decommissioned')}",
            f"No. of decommissioning Replica: {states.count('Decommission in progress')}",
            f"No. of corrupted Replica: {len(reps['corrupt'])}",
        ]
        for n in reps["live"]:
            lines.append(
                f"Block replica on datanode/rack: {n['name'].rsplit(':', 1)[0]}{n['rack']} is HEALTHY"
            )
        for n in reps["corrupt"]:
            lines.append(
                f"Block replica on datanode/rack: {n['name'].rsplit(':', 1)[0]}{n['rack']} is CORRUPT\t "
                "ReasonCode: CORRUPTION_REPORTED"
            )
    print("\n".join(lines))
    return _exit_code(lines[-1])


def _http_address(conf: Configuration) -> str:
    addr = conf.get_trimmed("dfs.namenode.http-address", "127.0.0.1:9870") or "127.0.0.1:9870"
    host, _, port = addr.rpartition(":")
    return f"{'localhost' if host in ('0.0.0.0', '127.0.0.1') else host}:{port}"


def list_corrupt(dfs: DistributedFileSystem, path: str) -> int:
    base = path.rstrip("/")
    from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

    rows = [
        (bid, p)
        for bid, _gs, p in cluster_view(dfs).corrupt_blocks()
        if p == path or p.startswith(base + "/") or path == "/"
    ]
    if rows:
        print(f"The list of corrupt files under path '{path}' are:")
        for bid, p in rows:
            print(f"blk_{bid}\t{p}")
    print(f"The filesystem under path '{path}' has {len(rows)} CORRUPT files")
    return 0 if not rows else 255


class Fsck:
    def __init__(self, dfs: DistributedFileSystem, conf: Configuration, path: str, opts: set[str]):
        from pyhdp.cli.hdfs_cmds.cluster_view import cluster_view

        self.dfs = dfs
        self.view = cluster_view(dfs)
        self.path = path
        self.show_files = "-files" in opts
        self.show_blocks = "-blocks" in opts and self.show_files
        self.show_locations = "-locations" in opts
        self.show_racks = "-racks" in opts
        self.show_details = "-replicaDetails" in opts
        self.show_open = "-openforwrite" in opts
        self.progress = "-showprogress" in opts
        self.verify = "-verify" in opts
        self.do_delete = "-delete" in opts
        self.do_move = "-move" in opts
        self.replication = conf.get_int("dfs.replication", 1)
        self.min_repl = conf.get_int("dfs.namenode.replication.min", 1)
        self.out: list[str] = []
        self.r = dict(
            missing=0,
            missing_size=0,
            corrupt_files=0,
            corrupt_blocks=0,
            corrupt_size=0,
            under_min=0,
            over=0,
            under=0,
            mis=0,
            min_repl=0,
            total_blocks=0,
            expected=0,
            open_blocks=0,
            files=0,
            open_files=0,
            dirs=0,
            size=0,
            open_size=0,
            replicas=0,
            missing_replicas=0,
        )
        self.to_fix: list[tuple[str, list]] = []

    def w(self, text: str) -> None:
        self.out.append(text)

    def run(self) -> int:
        start = time.monotonic()
        user = self.dfs.user
        self.w(
            f"FSCK started by {user} (auth:SIMPLE) from /127.0.0.1 for path {self.path} at {_java_date()}\n"
        )
        from pyhdp.errors import PathNotFoundError

        try:
            entries = self.view.fsck_walk(self.path)
        except PathNotFoundError:
            self.w(f"\n\nPath '{self.path}' does not exist")
            return self._emit(0)
        except OSError as e:
            self.w(f"FSCK ended at {_java_date()} in {int((time.monotonic() - start) * 1000)} milliseconds\n")
            self.w(f"{e}\n\n\nFsck on path '{self.path}' FAILED")
            return self._emit(255)
        self.bpid = self.view.block_pool_id()
        for i, e in enumerate(entries, 1):
            if e.inode.is_dir:
                if self.show_files:
                    self.w(f"{e.path} <dir>\n")
                self.r["dirs"] += 1
            else:
                self.check_file(e)
            if self.progress and not self.show_files and i % 100 == 0:
                self.w("\n")
        for p, blks in self.to_fix:
            self._fix(p, blks)
        healthy = self.r["missing"] == 0 and self.r["corrupt_blocks"] == 0
        self.w(f"\nStatus: {'HEALTHY' if healthy else 'CORRUPT'}\n")
        nodes = self.view.datanodes("live")
        racks = {n.get("rack") or "/default-rack" for n in nodes}
        self.w(f" Number of data-nodes:\t{len(nodes)}\n Number of racks:\t\t{len(racks)}\n")
        self.w(f" Total dirs:\t\t\t{self.r['dirs']}\n Total symlinks:\t\t0\n")
        self.w("\nReplicated Blocks:\n" + self.replication_result() + "\n")
        self.w("\nErasure Coded Block Groups:\n" + EC_RESULT + "\n")
        self.w(f"FSCK ended at {_java_date()} in {int((time.monotonic() - start) * 1000)} milliseconds\n")
        self.w(f"\n\nThe filesystem under path '{self.path}' is {'HEALTHY' if healthy else 'CORRUPT'}")
        return self._emit(0 if healthy else 1)

    def _emit(self, code: int) -> int:
        sys.stdout.write("".join(self.out) + "\n")
        return code

    def check_file(self, e) -> None:
        r = self.r
        node, blocks, path = e.inode, e.blocks, e.path
        nblocks = len(blocks)
        if e.open_for_write and not self.show_open:
            r["open_size"] += node.length
            r["open_blocks"] += nblocks
            r["open_files"] += 1
            return
        r["files"] += 1
        r["size"] += node.length
        r["total_blocks"] += nblocks
        if self.show_open and e.open_for_write:
            self.w(
                f"{path} {node.length} bytes, replicated: replication={node.replication}, "
                f"{nblocks} block(s), OPENFORWRITE: "
            )
        elif self.show_files:
            self.w(
                f"{path} {node.length} bytes, replicated: replication={node.replication}, {nblocks} block(s): "
            )
        elif self.progress:
            self.w(".")
        missing = corrupt = 0
        missize = corrupt_size = 0
        under_per_file = 0
        report = []
        for n, blk in enumerate(blocks):
            reps = self.view.replicas(blk, self.verify)
            states = [d.get("adminState") or "Normal" for d in reps["live"]]
            live = states.count("Normal")
            decommissioned = states.count("Decommissioned")
            decommissioning = len(states) - live - decommissioned
            total = len(states)
            is_corrupt = not reps["live"] and bool(reps["corrupt"])
            present = total > 0 or is_corrupt
            r["replicas"] += live
            r["expected"] += node.replication
            if live < self.min_repl:
                r["under_min"] += 1
            if live > node.replication:
                r["over"] += 1
            name = f"{self.bpid}:{blk.name}"
            if is_corrupt:
                r["corrupt_blocks"] += 1
                r["corrupt_size"] += blk.length
                corrupt += 1
                corrupt_size += blk.length
                self.w(f"\n{path}: CORRUPT blockpool {self.bpid} block blk_{blk.block_id}\n")
            if total >= self.min_repl:
                r["min_repl"] += 1
            if 0 < total < node.replication:
                r["missing_replicas"] += node.replication - total
                r["under"] += 1
                under_per_file += 1
                if not self.show_files:
                    self.w(f"\n{path}: ")
                self.w(
                    f" Under replicated {name}. Target Replicas is {node.replication} but found {live} live "
                    "replica(s), {decommissioned} decommissioned replica(s), "
                    f"{decommissioning} decommissioning replica(s).\n"
                )
            line = f"{n}. {name} len={blk.length}"
            if not present and not is_corrupt:
                line += " MISSING!"
                r["missing"] += 1
                r["missing_size"] += blk.length
                missing += 1
                missize += blk.length
            else:
                line += f" Live_repl={live}"
                if (self.show_locations or self.show_racks or self.show_details) and present:
                    locs = []
                    for d, state in [(d, "LIVE") for d in reps["live"]] + [
                        (d, "CORRUPT") for d in reps["corrupt"]
                    ]:
                        if self.show_racks:
                            loc = f"{d['rack']}/{d['name']}"
                        else:
                            loc = f"DatanodeInfoWithStorage[{d['name']},{d['storageID']},DISK]"
                        if self.show_details:
                            admin = d.get("adminState") or "Normal"
                            if state == "LIVE" and admin == "Decommissioned":
                                state = "DECOMMISSIONED"
                            elif state == "LIVE" and admin != "Normal":
                                state = "DECOMMISSIONING"
                            loc += f"({state})"
                        locs.append(loc)
                    line += f"  [{', '.join(locs)}]"
            report.append(line + "\n")
        if missing or corrupt:
            if not self.show_files:
                if missing:
                    self.w(f"\n{path}: MISSING {missing} blocks of total size {missize} B.")
                if corrupt:
                    self.w(f"\n{path}: CORRUPT {corrupt} blocks of total size {corrupt_size} B.")
            r["corrupt_files"] += 1
            if not e.open_for_write and (self.do_delete or self.do_move):
                self.to_fix.append((path, blocks))
        if self.show_files:
            if missing or corrupt:
                if missing:
                    self.w(f" MISSING {missing} blocks of total size {missize} B\n")
                if corrupt:
                    self.w(f" CORRUPT {corrupt} blocks of total size {corrupt_size} B\n")
            elif under_per_file == 0:
                self.w(" OK\n")
            if self.show_blocks:
                self.w("".join(report) + "\n")

    def _fix(self, path: str, blocks: list) -> None:
        import logging

        log = logging.getLogger("namenode.NameNode")
        if self.do_move:
            self._move_to_lost_found(path, blocks)
        if self.do_delete:
            try:
                self.view.delete(path)
                log.info("Fsck: deleted corrupt file %s", path)
            except OSError as e:
                log.error("Fsck: error deleting corrupted file %s: %s", path, e)

    def _move_to_lost_found(self, path: str, blocks: list) -> None:
        """Copy the readable blocks of a corrupt file into ``/lost+found/<path>/<chain>``."""
        import logging

        from pyhdp.errors import ChecksumError, FsError

        log = logging.getLogger("namenode.NameNode")
        target = "/lost+found" + path
        if self.dfs.exists(target):
            log.warning(
                "Fsck: can't copy the remains of %s to lost+found, because %s already exists.", path, target
            )
            return
        self.dfs.mkdirs(target)
        chain, out = 0, None
        for blk in blocks:
            try:
                data = self.view.read_block(path, blk)
            except (ChecksumError, FsError, OSError):
                data = None
            if data is None:
                if out is not None:
                    out.close()
                    out = None
                continue
            if out is None:
                out = self.dfs.create(f"{target}/{chain}", overwrite=True)
                chain += 1
            out.write(data)
        if out is not None:
            out.close()
        log.info("Fsck: copied the remains of the corrupted file %s to /lost+found", path)

    def replication_result(self) -> str:
        r = self.r
        tb = r["total_blocks"]

        def pct(n: int, total: int) -> str:
            return f" ({jfloat(n * 100 / total)} %)" if total > 0 else ""

        lines = [
            f" Total size:\t{r['size']} B"
            + (f" (Total open files size: {r['open_size']} B)" if r["open_size"] else "")
        ]
        lines.append(
            f" Total files:\t{r['files']}"
            + (f" (Files currently being written: {r['open_files']})" if r["open_files"] else "")
        )
        line = f" Total blocks (validated):\t{tb}"
        if tb > 0:
            line += f" (avg. block size {r['size'] // tb} B)"
        if r["open_blocks"]:
            line += f" (Total open file blocks (not validated): {r['open_blocks']})"
        lines.append(line)
        if r["corrupt_files"] > 0 or r["under_min"] > 0:
            lines.append("  ********************************")
            if r["under_min"] > 0:
                lines.append(f"  UNDER MIN REPL'D BLOCKS:\t{r['under_min']}{pct(r['under_min'], tb)}")
                lines.append(f"  dfs.namenode.replication.min:\t{self.min_repl}")
            if r["corrupt_files"] > 0:
                lines.append(f"  CORRUPT FILES:\t{r['corrupt_files']}")
                if r["missing_size"] > 0:
                    lines.append(f"  MISSING BLOCKS:\t{r['missing']}")
                    lines.append(f"  MISSING SIZE:\t\t{r['missing_size']} B")
                if r["corrupt_blocks"] > 0:
                    lines.append(f"  CORRUPT BLOCKS: \t{r['corrupt_blocks']}")
                    lines.append(f"  CORRUPT SIZE:\t\t{r['corrupt_size']} B")
            lines.append("  ********************************")
        lines.append(f" Minimally replicated blocks:\t{r['min_repl']}{pct(r['min_repl'], tb)}")
        lines.append(f" Over-replicated blocks:\t{r['over']}{pct(r['over'], tb)}")
        lines.append(f" Under-replicated blocks:\t{r['under']}{pct(r['under'], tb)}")
        lines.append(f" Mis-replicated blocks:\t\t{r['mis']}{pct(r['mis'], tb)}")
        lines.append(f" Default replication factor:\t{self.replication}")
        avg = r["replicas"] / tb if tb else 0.0
        lines.append(f" Average block replication:\t{jfloat(avg)}")
        lines.append(f" Missing blocks:\t\t{r['missing']}")
        lines.append(f" Corrupt blocks:\t\t{r['corrupt_blocks']}")
        lines.append(
            f" Missing replicas:\t\t{r['missing_replicas']}"
            + (
                f" ({jfloat(r['missing_replicas'] * 100 / r['expected'])} %)"
                if r["replicas"] > 0 and r["expected"]
                else ""
            )
        )
        lines.append(" Blocks queued for replication:\t0")
        return "\n".join(lines)


EC_RESULT = "\n".join(
    [
        " Total size:\t0 B",
        " Total files:\t0",
        " Total block groups (validated):\t0",
        " Minimally erasure-coded block groups:\t0",
        " Over-erasure-coded block groups:\t0",
        " Under-erasure-coded block groups:\t0",
        " Unsatisfactory placement block groups:\t0",
        " Average block group size:\t0.0",
        " Missing block groups:\t\t0",
        " Corrupt block groups:\t\t0",
        " Missing internal blocks:\t0",
        " Blocks queued for replication:\t0",
    ]
)


def _java_date() -> str:
    from pyhdp.hdfs.namenode.storage import java_date

    return java_date()
