"""Deprecated configuration keys and their current names (Hadoop's deprecation table)."""

from __future__ import annotations

DEPRECATED_KEYS: dict[str, str] = {
    "fs.default.name": "fs.defaultFS",
    "dfs.block.size": "dfs.blocksize",
    "dfs.name.dir": "dfs.namenode.name.dir",
    "dfs.name.edits.dir": "dfs.namenode.edits.dir",
    "dfs.data.dir": "dfs.datanode.data.dir",
    "dfs.http.address": "dfs.namenode.http-address",
    "dfs.https.address": "dfs.namenode.https-address",
    "dfs.secondary.http.address": "dfs.namenode.secondary.http-address",
    "dfs.permissions": "dfs.permissions.enabled",
    "dfs.permissions.supergroup": "dfs.permissions.superusergroup",
    "dfs.umaskmode": "fs.permissions.umask-mode",
    "dfs.replication.min": "dfs.namenode.replication.min",
    "dfs.replication.interval": "dfs.namenode.redundancy.interval.seconds",
    "dfs.namenode.replication.interval": "dfs.namenode.redundancy.interval.seconds",
    "dfs.safemode.threshold.pct": "dfs.namenode.safemode.threshold-pct",
    "dfs.safemode.extension": "dfs.namenode.safemode.extension",
    "heartbeat.recheck.interval": "dfs.namenode.heartbeat.recheck-interval",
    "fs.checkpoint.dir": "dfs.namenode.checkpoint.dir",
    "fs.checkpoint.edits.dir": "dfs.namenode.checkpoint.edits.dir",
    "fs.checkpoint.period": "dfs.namenode.checkpoint.period",
    "io.bytes.per.checksum": "dfs.bytes-per-checksum",
    "dfs.max.objects": "dfs.namenode.max.objects",
    "dfs.access.time.precision": "dfs.namenode.accesstime.precision",
    "dfs.balance.bandwidthPerSec": "dfs.datanode.balance.bandwidthPerSec",
    "dfs.datanode.max.xcievers": "dfs.datanode.max.transfer.threads",
    "dfs.socket.timeout": "dfs.client.socket-timeout",
    "dfs.write.packet.size": "dfs.client-write-packet-size",
    "dfs.backup.address": "dfs.namenode.backup.address",
    "topology.script.file.name": "net.topology.script.file.name",
    "hadoop.native.lib": "io.native.lib.available",
    # MapReduce (Hadoop 1 names)
    "mapred.job.tracker": "mapreduce.jobtracker.address",
    "mapred.reduce.tasks": "mapreduce.job.reduces",
    "mapred.map.tasks": "mapreduce.job.maps",
    "mapred.job.name": "mapreduce.job.name",
    "mapred.output.compress": "mapreduce.output.fileoutputformat.compress",
    "mapred.output.compression.codec": "mapreduce.output.fileoutputformat.compress.codec",
    "mapred.compress.map.output": "mapreduce.map.output.compress",
    "mapred.min.split.size": "mapreduce.input.fileinputformat.split.minsize",
    "mapred.max.split.size": "mapreduce.input.fileinputformat.split.maxsize",
    "io.sort.mb": "mapreduce.task.io.sort.mb",
    "io.sort.factor": "mapreduce.task.io.sort.factor",
    "io.sort.spill.percent": "mapreduce.map.sort.spill.percent",
    "mapred.map.max.attempts": "mapreduce.map.maxattempts",
    "mapred.reduce.max.attempts": "mapreduce.reduce.maxattempts",
    "mapred.textoutputformat.separator": "mapreduce.output.textoutputformat.separator",
    "mapred.local.dir": "mapreduce.cluster.local.dir",
    "map.input.file": "mapreduce.map.input.file",
    "mapred.task.id": "mapreduce.task.attempt.id",
    "mapred.tip.id": "mapreduce.task.id",
    "mapred.job.id": "mapreduce.job.id",
    "mapred.map.tasks.speculative.execution": "mapreduce.map.speculative",
    "mapred.reduce.tasks.speculative.execution": "mapreduce.reduce.speculative",
    "mapred.reduce.slowstart.completed.maps": "mapreduce.job.reduce.slowstart.completedmaps",
    "mapred.queue.name": "mapreduce.job.queuename",
    "user.name": "mapreduce.job.user.name",
    "mapred.job.priority": "mapreduce.job.priority",
    # more Hadoop 1 names still common in Streaming scripts and tutorials
    "mapred.job.queue.name": "mapreduce.job.queuename",
    "mapred.task.timeout": "mapreduce.task.timeout",
    "mapred.input.dir": "mapreduce.input.fileinputformat.inputdir",
    "mapred.output.dir": "mapreduce.output.fileoutputformat.outputdir",
    "mapred.input.dir.recursive": "mapreduce.input.fileinputformat.input.dir.recursive",
    "mapred.output.key.comparator.class": "mapreduce.job.output.key.comparator.class",
    "mapred.output.value.groupfn.class": "mapreduce.job.output.group.comparator.class",
    "mapred.text.key.partitioner.options": "mapreduce.partition.keypartitioner.options",
    "mapred.text.key.comparator.options": "mapreduce.partition.keycomparator.options",
    "map.output.key.field.separator": "mapreduce.map.output.key.field.separator",
    "key.value.separator.in.input.line": "mapreduce.input.keyvaluelinerecordreader.key.value.separator",
    "mapred.line.input.format.linespermap": "mapreduce.input.lineinputformat.linespermap",
    "mapred.linerecordreader.maxlength": "mapreduce.input.linerecordreader.line.maxlength",
    "mapred.output.compression.type": "mapreduce.output.fileoutputformat.compress.type",
    "mapred.map.output.compression.codec": "mapreduce.map.output.compress.codec",
    "mapred.output.key.class": "mapreduce.job.output.key.class",
    "mapred.output.value.class": "mapreduce.job.output.value.class",
    "mapred.mapoutput.key.class": "mapreduce.map.output.key.class",
    "mapred.mapoutput.value.class": "mapreduce.map.output.value.class",
    "mapred.reduce.parallel.copies": "mapreduce.reduce.shuffle.parallelcopies",
    "mapred.job.shuffle.input.buffer.percent": "mapreduce.reduce.shuffle.input.buffer.percent",
    "mapred.job.shuffle.merge.percent": "mapreduce.reduce.shuffle.merge.percent",
    "mapred.inmem.merge.threshold": "mapreduce.reduce.merge.inmem.threshold",
    "mapred.job.reduce.input.buffer.percent": "mapreduce.reduce.input.buffer.percent",
    "mapred.userlog.limit.kb": "mapreduce.task.userlog.limit.kb",
    "mapred.max.map.failures.percent": "mapreduce.map.failures.maxpercent",
    "mapred.max.reduce.failures.percent": "mapreduce.reduce.failures.maxpercent",
    "mapred.submit.replication": "mapreduce.client.submit.file.replication",
    "mapred.job.reuse.jvm.num.tasks": "mapreduce.job.jvm.numtasks",
    "mapred.job.map.memory.mb": "mapreduce.map.memory.mb",
    "mapred.job.reduce.memory.mb": "mapreduce.reduce.memory.mb",
    "mapred.map.child.java.opts": "mapreduce.map.java.opts",
    "mapred.reduce.child.java.opts": "mapreduce.reduce.java.opts",
    "mapred.map.child.env": "mapreduce.map.env",
    "mapred.reduce.child.env": "mapreduce.reduce.env",
    "mapred.task.partition": "mapreduce.task.partition",
    "mapred.task.is.map": "mapreduce.task.ismap",
    "map.input.start": "mapreduce.map.input.start",
    "map.input.length": "mapreduce.map.input.length",
    "mapred.work.output.dir": "mapreduce.task.output.dir",
    "mapred.working.dir": "mapreduce.job.working.dir",
    "mapred.cache.files": "mapreduce.job.cache.files",
    "mapred.cache.archives": "mapreduce.job.cache.archives",
    "keep.failed.task.files": "mapreduce.task.files.preserve.failedtasks",
    "job.end.notification.url": "mapreduce.job.end-notification.url",
    "mapreduce.job.counters.limit": "mapreduce.job.counters.max",
}

_warned: set[str] = set()

#: Logger name as Hadoop's (shown as ``Configuration.deprecation`` by the console layout).
LOGGER = "org.apache.hadoop.conf.Configuration.deprecation"


def canonical(key: str) -> str:
    """The current name of ``key``; logs Hadoop's deprecation message once per process when
    ``key`` is deprecated: ``INFO Configuration.deprecation: <old> is deprecated. Instead, use <new>``."""
    new = DEPRECATED_KEYS.get(key)
    if new is None:
        return key
    if key not in _warned:
        _warned.add(key)
        import logging

        logging.getLogger(LOGGER).info("%s is deprecated. Instead, use %s", key, new)
    return new


warn_deprecated = canonical
