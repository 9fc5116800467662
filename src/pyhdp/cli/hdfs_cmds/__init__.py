"""``hdfs`` administrative sub-commands: namenode -format, dfsadmin, fsck, datanode."""
