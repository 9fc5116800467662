"""FsShell: ``hadoop fs`` / ``hdfs dfs`` (see :mod:`pyhdp.cli.fsshell.shell`)."""
