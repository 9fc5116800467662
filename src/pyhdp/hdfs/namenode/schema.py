"""The SQLite schema of the namespace and how a process opens it.

Tables: ``inodes`` (the tree, with permissions, times, replication, block size, length,
quotas, under-construction flag), ``blocks`` (id, generation stamp, owning file, index,
length, state), ``leases`` (holder with pid and process start time, so any process can
recover the lease of a dead holder), ``corrupt`` (corrupt replicas reported by readers)
and ``meta`` (superuser, safe mode, id counters, store identity).
"""

from __future__ import annotations

import sqlite3
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.hdfs.namenode.storage import VersionInfo

ROOT_ID = 16385  # Hadoop's INodeId.ROOT_INODE_ID
FIRST_BLOCK_ID = 1073741825  # 2^30 + 1, as Hadoop's SequentialBlockIdGenerator
FIRST_GENSTAMP = 1001
SCHEMA_VERSION = 1
ROOT_NS_QUOTA = 2**63 - 1  # Hadoop's root directory carries Long.MAX_VALUE as its name quota

SCHEMA = """
CREATE TABLE inodes(
  id INTEGER PRIMARY KEY,
  parent INTEGER NOT NULL,
  name TEXT NOT NULL,
  is_dir INTEGER NOT NULL,
  perm INTEGER NOT NULL,
  owner TEXT NOT NULL,
  grp TEXT NOT NULL,
  mtime INTEGER NOT NULL,
  atime INTEGER NOT NULL,
  replication INTEGER NOT NULL DEFAULT 0,
  block_size INTEGER NOT NULL DEFAULT 0,
  length INTEGER NOT NULL DEFAULT 0,
  ns_quota INTEGER NOT NULL DEFAULT -1,
  ds_quota INTEGER NOT NULL DEFAULT -1,
  uc INTEGER NOT NULL DEFAULT 0,
  nchildren INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX inodes_child ON inodes(parent, name);
CREATE TABLE blocks(
  id INTEGER PRIMARY KEY,
  genstamp INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  length INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL
);
CREATE INDEX blocks_inode ON blocks(inode, idx);
CREATE TABLE leases(
  inode INTEGER PRIMARY KEY,
  holder TEXT NOT NULL,
  pid INTEGER NOT NULL,
  start_time TEXT NOT NULL,
  host TEXT NOT NULL,
  renewed INTEGER NOT NULL
);
CREATE TABLE corrupt(
  block_id INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

#: columns of ``inodes`` in SELECT order (``SELECT * FROM inodes``)
INODE_COLUMNS = (
    "id",
    "parent",
    "name",
    "is_dir",
    "perm",
    "owner",
    "grp",
    "mtime",
    "atime",
    "replication",
    "block_size",
    "length",
    "ns_quota",
    "ds_quota",
    "uc",
    "nchildren",
)


def connect(db_path: str, busy_timeout_ms: int = 60000) -> sqlite3.Connection:
    """One connection per process: WAL, autocommit (explicit BEGIN), generous busy timeout."""
    conn = sqlite3.connect(
        db_path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=OFF")
    migrate(conn)
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Bring a namespace written by an older pyhdp up to this schema (idempotent)."""
    cols = {row[1] for row in conn.execute("PRAGMA table_info(inodes)")}
    if cols and "nchildren" not in cols:  # no columns: a database about to be created
        conn.execute("BEGIN IMMEDIATE")
        try:
            cols = {row[1] for row in conn.execute("PRAGMA table_info(inodes)")}
            if "nchildren" not in cols:
                conn.execute("ALTER TABLE inodes ADD COLUMN nchildren INTEGER NOT NULL DEFAULT 0")
                conn.execute(
                    "UPDATE inodes SET nchildren = (SELECT count(*) FROM inodes c WHERE c.parent = inodes.id)"
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def create_schema(db_path: str, version: VersionInfo, superuser: str, supergroup: str) -> None:
    """A fresh namespace: ``/`` (superuser:supergroup 755), ``/tmp`` (1777), ``/user/<superuser>``."""
    now = int(time.time() * 1000)
    conn = connect(db_path)
    try:
        conn.executescript(SCHEMA)
        conn.execute("BEGIN IMMEDIATE")
        ins = "INSERT INTO inodes(id,parent,name,is_dir,perm,owner,grp,mtime,atime) VALUES(?,?,?,?,?,?,?,?,?)"
        conn.execute(ins, (ROOT_ID, 0, "", 1, 0o755, superuser, supergroup, now, 0))
        conn.execute("UPDATE inodes SET ns_quota=?, nchildren=2 WHERE id=?", (ROOT_NS_QUOTA, ROOT_ID))
        conn.execute("UPDATE inodes SET nchildren=1 WHERE id=?", (ROOT_ID + 2,))
        conn.execute(ins, (ROOT_ID + 1, ROOT_ID, "tmp", 1, 0o1777, superuser, supergroup, now, 0))
        conn.execute(ins, (ROOT_ID + 2, ROOT_ID, "user", 1, 0o755, superuser, supergroup, now, 0))
        conn.execute(ins, (ROOT_ID + 3, ROOT_ID + 2, superuser, 1, 0o755, superuser, supergroup, now, 0))
        meta = {
            "schema_version": str(SCHEMA_VERSION),
            "superuser": superuser,
            "next_inode_id": str(ROOT_ID + 4),
            "next_block_id": str(FIRST_BLOCK_ID),
            "next_genstamp": str(FIRST_GENSTAMP),
            "safemode": "0",
            "cluster_id": version.cluster_id,
            "namespace_id": str(version.namespace_id),
            "block_pool_id": version.block_pool_id,
            "ctime": str(version.ctime),
            "txid": "0",
        }
        conn.executemany("INSERT INTO meta(key,value) VALUES(?,?)", meta.items())
        conn.execute("COMMIT")
    finally:
        conn.close()
