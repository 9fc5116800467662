"""The HDFS daemons: NameNode (:mod:`.namenode`) and DataNode (:mod:`.datanode`) over HTTP."""
