"""The embedded store: NameNode core and one DataNode volume opened in this process.

Opened once per process and name directory (:func:`open_store`): the shared
``in_use.lock`` is taken on the name and data directories (a daemon takes them
exclusively, so a CLI process and a daemon never both write), the store is formatted on
first use under the exclusive lock, and one SQLite connection serves every call.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import TYPE_CHECKING

from pyhdp.hdfs.namenode.storage import (
    NameStorage,
    data_dirs,
    ensure_formatted_and_lock,
    locked_error,
    name_dirs,
)

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.hdfs.datanode.blockstore import BlockStore
    from pyhdp.hdfs.namenode.admin import FSNamesystem

GROUP_COMMIT_WINDOW = 0.05
_stores: dict[tuple[str, str], EmbeddedStore] = {}
_lock = threading.Lock()


class EmbeddedStore:
    """A namesystem and its block store, wired together as NameNode and DataNode would be."""

    def __init__(self, conf: Configuration, name_dir: str, data_dir: str):
        from pyhdp.hdfs.datanode.blockstore import BlockStore
        from pyhdp.hdfs.namenode.admin import FSNamesystem
        from pyhdp.hdfs.namenode.namespace import NamespaceSettings
        from pyhdp.hdfs.namenode.schema import connect
        from pyhdp.security import login_user

        self.conf = conf
        self.pid = os.getpid()
        self.storage = NameStorage(name_dir)
        settings = NamespaceSettings.from_conf(conf)
        self.version = ensure_formatted_and_lock(self.storage, login_user(), settings.supergroup)
        self.conn = connect(self.storage.db_path)  # migrates an older schema
        self.namesystem: FSNamesystem = FSNamesystem(self.conn, settings)
        # consecutive operations of one command (1,000 -touchz) share a transaction for up to 50 ms
        self.namesystem.group_commit_window = GROUP_COMMIT_WINDOW
        bpc = conf.get_int("dfs.bytes-per-checksum", 512)
        self.blocks: BlockStore = BlockStore(
            data_dir, self.version.block_pool_id, self.version.cluster_id, self.version.namespace_id, bpc
        )
        if not self.blocks.lock.lock(exclusive=False, timeout=2.0):
            self.storage.lock.release()
            raise locked_error(data_dir, self.blocks.lock)
        self.namesystem.on_blocks_removed = self.blocks.delete_blocks
        self.namesystem.block_recovery = lambda rec: self.blocks.recover(
            rec.block_id, rec.old_genstamp, rec.new_genstamp, rec.length
        )
        import weakref

        self.open_streams: weakref.WeakSet = weakref.WeakSet()
        self.datanode_address = conf.get_trimmed("dfs.datanode.address", "127.0.0.1:9866") or "127.0.0.1:9866"
        if self.datanode_address.startswith("0.0.0.0:"):
            self.datanode_address = "127.0.0.1:" + self.datanode_address.split(":", 1)[1]

    def close_streams(self) -> None:
        """Close (complete) the files this process still writes, as Hadoop's DFSClient does at exit."""
        for stream in list(self.open_streams):
            try:
                stream.close()
            except Exception:  # noqa: BLE001 - best effort at exit; the lease stays recoverable
                pass

    def close(self) -> None:
        if self.pid != os.getpid():
            return  # inherited through fork: the parent owns the connection, locks and transaction
        try:
            self.close_streams()
            self.namesystem.flush()
            self.conn.close()
        finally:
            self.blocks.lock.release()
            self.storage.lock.release()


def open_store(conf: Configuration) -> EmbeddedStore:
    """The process-wide embedded store for ``conf``'s name and data directories."""
    name_dir = name_dirs(conf)[0]
    data_dir = data_dirs(conf)[0]
    key = (name_dir, data_dir)
    with _lock:
        store = _stores.get(key)
        if store is None:
            store = EmbeddedStore(conf, name_dir, data_dir)
            _stores[key] = store
        return store


def close_stores() -> None:
    with _lock:
        for store in _stores.values():
            try:
                store.close()
            except Exception:  # noqa: BLE001 - best effort at exit
                pass
        _stores.clear()


def _flush_before_fork() -> None:
    """Commit pending group transactions before a fork: a child must not inherit SQLite's
    in-process record of a held write lock (it could never write the namespace then)."""
    for store in list(_stores.values()):
        if store.pid == os.getpid():
            try:
                store.namesystem.flush()
            except Exception:  # noqa: BLE001 - the fork goes ahead; the timer commits later
                pass


def _forget_inherited_stores() -> None:
    """In a forked child: drop the parent's stores (never commit, unlock or close them here);
    the child opens its own on first use."""
    _stores.clear()


atexit.register(close_stores)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_flush_before_fork, after_in_child=_forget_inherited_stores)
