"""Log aggregation: at the end of an application, each NodeManager copies its containers'
log files into the file system, where ``yarn logs`` reads them after the NM is gone.

Layout: ``${yarn.nodemanager.remote-app-log-dir}/<user>/${...-suffix}/<appId>/<host>_<port>/<containerId>/<file>``
(Hadoop writes one TFile/IFile per node named ``<host>_<port>``; pyhdp keeps a directory of
that name with one plain file per container log).
"""

from __future__ import annotations

import os
from typing import Any


def app_log_root(conf: Any, user: str, app_id: str) -> str:
    root = (conf.get_trimmed("yarn.nodemanager.remote-app-log-dir") or "/tmp/logs").rstrip("/")
    suffix = conf.get_trimmed("yarn.nodemanager.remote-app-log-dir-suffix") or "logs"
    return f"{root}/{user}/{suffix}/{app_id}"


def aggregate(conf: Any, user: str, app_id: str, node_id: str, local_app_log_dir: str) -> int:
    """Upload every container log of the app on this node; returns the number of files."""
    from pyhdp.fs.registry import get_filesystem, split_uri

    if not os.path.isdir(local_app_log_dir):
        return 0
    root = app_log_root(conf, user, app_id)
    fs = get_filesystem(root, conf)
    _s, _a, base = split_uri(root)
    node_dir = f"{base}/{node_id.replace(':', '_')}"
    n = 0
    for cid in sorted(os.listdir(local_app_log_dir)):
        cdir = os.path.join(local_app_log_dir, cid)
        if not os.path.isdir(cdir):
            continue
        fs.mkdirs(f"{node_dir}/{cid}")
        for name in sorted(os.listdir(cdir)):
            path = os.path.join(cdir, name)
            if not os.path.isfile(path):
                continue
            with open(path, "rb") as fin, fs.create(f"{node_dir}/{cid}/{name}", overwrite=True) as fout:
                while True:
                    chunk = fin.read(1 << 20)
                    if not chunk:
                        break
                    fout.write(chunk)
            n += 1
    return n
