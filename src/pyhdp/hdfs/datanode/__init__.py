"""DataNode side: the block store and checksums."""
