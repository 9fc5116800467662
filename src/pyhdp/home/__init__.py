"""pyhdp's HADOOP_HOME-like tree, shipped inside the package.

Tools written for Hadoop look for files by name under ``$HADOOP_HOME``: ``bin/hadoop``,
``share/hadoop/tools/lib/hadoop-streaming-*.jar``, ``share/hadoop/mapreduce/
hadoop-mapreduce-examples-*.jar``, ``etc/hadoop``.  This directory holds those names; the
jars are small placeholder archives that ``hadoop jar`` recognises by name (they hold no
Java code).  ``hadoop envvars`` and ``hadoop classpath`` report paths in this tree.
"""

from __future__ import annotations

import os

HOME = os.path.dirname(os.path.abspath(__file__))

COMMON_DIR = "share/hadoop/common"
COMMON_LIB_JARS_DIR = "share/hadoop/common/lib"
COMMON_LIB_NATIVE_DIR = "lib/native"
HDFS_DIR = "share/hadoop/hdfs"
HDFS_LIB_JARS_DIR = "share/hadoop/hdfs/lib"
YARN_DIR = "share/hadoop/yarn"
YARN_LIB_JARS_DIR = "share/hadoop/yarn/lib"
MAPRED_DIR = "share/hadoop/mapreduce"
MAPRED_LIB_JARS_DIR = "share/hadoop/mapreduce/lib"
TOOLS_DIR = "share/hadoop/tools"
TOOLS_LIB_JARS_DIR = "share/hadoop/tools/lib"


def hadoop_home() -> str:
    """The tree's root (``HADOOP_HOME`` as pyhdp reports it)."""
    return HOME


def jar_path(kind: str) -> str:
    """Path of a placeholder jar: ``streaming``, ``examples`` or ``common``."""
    import pyhdp

    v = pyhdp.HADOOP_VERSION
    rel = {
        "streaming": f"{TOOLS_LIB_JARS_DIR}/hadoop-streaming-{v}.jar",
        "examples": f"{MAPRED_DIR}/hadoop-mapreduce-examples-{v}.jar",
        "common": f"{COMMON_DIR}/hadoop-common-{v}.jar",
    }[kind]
    return os.path.join(HOME, rel)
