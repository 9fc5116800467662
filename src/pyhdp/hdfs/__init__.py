"""The pyhdp distributed file system: NameNode core, DataNode block store, client."""
