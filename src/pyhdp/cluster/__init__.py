"""Cluster management: daemon pid/log files, worker lists, SSH fan-out and the start/stop scripts.

Modules (each imported only when used, so that plain ``hdfs dfs`` pays for none of them):

- :mod:`pyhdp.cluster.daemon` — ``--daemon start|stop|status``: pid files, ``.out``/``.log``
  files and the detached child, with Hadoop's messages.
- :mod:`pyhdp.cluster.workers` — the ``workers`` file, ``--hostnames``/``--hosts``, host names.
- :mod:`pyhdp.cluster.settings` — SSH settings from configuration keys and ``HADOOP_SSH_OPTS``.
- :mod:`pyhdp.cluster.ssh` — the paramiko transport (one connection per host) and its errors.
- :mod:`pyhdp.cluster.fanout` — running one task on many hosts with a bounded pool and
  ``host: line`` output.
- :mod:`pyhdp.cluster.scripts` — ``start-dfs.sh`` ... ``stop-all.sh``.
- :mod:`pyhdp.cluster.sync` — ``pyhdp cluster sync`` (conf dir and cluster secret over SFTP).
"""
