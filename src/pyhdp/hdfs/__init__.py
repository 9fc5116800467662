"""The pyhdp distributed file system: NameNode core, DataNode block store, client.

Layout
------
``namenode/``  the namespace core (plain synchronous state over SQLite in WAL mode):
               ``storage`` (name dir, ``in_use.lock``, VERSION, format), ``schema``,
               ``namespace`` (tree, status, mkdirs/delete/rename/attributes, transactions),
               ``files`` (create, addBlock, complete, append, truncate, concat, leases),
               ``admin`` (quotas, safe mode, bad blocks, statistics, fsck walk),
               ``permissions`` (FSPermissionChecker), ``quota`` (usage, Hadoop's messages),
               ``protocol`` (the typed operation table served in-process and over HTTP).
``datanode/``  ``blockstore`` (Hadoop's on-disk layout, rbw/finalized, recovery) and
               ``checksum`` (CRC32C chunks, ``.meta`` header, MD5-of-MD5-of-CRC file checksum).
``client``     :class:`DistributedFileSystem`; ``embedded`` opens the store in-process;
``streams``    checksummed block writes and verified reads.

Semantics worth knowing
-----------------------
* The first command formats the store (exclusive lock; racing processes format once); the
  OS user who formatted is the superuser, ``dfs.permissions.superusergroup`` members too.
* CLI processes share the store under a shared ``in_use.lock``; a NameNode daemon takes it
  exclusively, and an embedded client then gets :class:`pyhdp.errors.StoreLockedError`.
* Consecutive metadata operations of one process share a SQLite transaction for up to
  50 ms (group commit).  Writers of other processes are serialized behind it, so the
  namespace stays consistent; other processes may see this process's metadata changes up
  to 50 ms late.  Block allocation, hflush, closing a file that holds data, and process
  exit commit at once, so a file whose ``close()`` returned is visible everywhere.
* Every read verifies CRC32C per ``dfs.bytes-per-checksum`` bytes; a mismatch raises
  :class:`pyhdp.errors.ChecksumError` naming file, block and offset and records the replica
  as corrupt (``hdfs fsck`` then reports CORRUPT).
* Leases name the holder's pid and process start time: a later process recovers the lease
  of a dead writer (its last block is kept up to the last valid checksum chunk).
"""
