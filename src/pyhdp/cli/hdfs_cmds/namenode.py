"""``hdfs namenode [-format [-clusterid cid] [-force] [-nonInteractive]]`` and ``secondarynamenode``.

Formatting works on the embedded store's name directory (and clears the local DataNode
volume, whose blocks belong to the old namespace).  Running the NameNode as a daemon comes
with the next release.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

USAGE = """Usage: hdfs namenode [-backup] |
\t[-checkpoint] |
\t[-format [-clusterid cid ] [-force] [-nonInteractive] ] |
\t[-upgrade [-clusterid cid] [-renameReserved<k-v pairs>] ] |
\t[-upgradeOnly [-clusterid cid] [-renameReserved<k-v pairs>] ] |
\t[-rollback] |
\t[-rollingUpgrade <rollback|started> ] |
\t[-importCheckpoint] |
\t[-initializeSharedEdits] |
\t[-bootstrapStandby [-force] [-nonInteractive] [-skipSharedEditsCheck] ] |
\t[-recover [ -force] ] |
\t[-metadataVersion ]
"""


def _log(name: str) -> logging.Logger:
    """A logger that shows INFO as Hadoop's daemon scripts do, unless the user chose a level."""
    logger = logging.getLogger(name)
    if not os.environ.get("HADOOP_ROOT_LOGGER") and logging.getLogger().level == logging.WARNING:
        logger.setLevel(logging.INFO)
    return logger


def confirm_prompt(prompt: str) -> bool:
    """``ToolRunner.confirmPrompt``: ask on stderr until y/yes/n/no; end of input means no."""
    while True:
        sys.stderr.write(f"{prompt} (Y or N) ")
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            sys.stderr.write("\n")
            return False
        resp = line.rstrip("\r\n")
        if resp.lower() in ("y", "yes"):
            return True
        if resp.lower() in ("n", "no"):
            return False
        sys.stderr.write(f"Invalid input: {resp}\n")


def run(args: list[str], conf: Configuration) -> int:
    if not args:
        from pyhdp.hdfs.server.namenode import run as run_daemon  # the foreground NameNode daemon

        return run_daemon([], conf)
    if args[0].lower() in ("-h", "-help", "--help"):
        sys.stderr.write(USAGE)
        return 0
    if args[0].lower() != "-format":
        if args[0].lower() in ("-backup", "-checkpoint", "-upgrade", "-upgradeonly", "-rollback", "-rollingupgrade",
                               "-importcheckpoint", "-initializesharededits", "-bootstrapstandby", "-recover",
                               "-metadataversion", "-finalize"):
            sys.stderr.write(f"{args[0]} is not supported by pyhdp's NameNode yet\n")
            return 1
        sys.stderr.write(USAGE)
        return 255
    force, interactive = False, True
    cluster_id = None
    i = 1
    while i < len(args):
        a = args[i].lower()
        if a == "-force":
            force = True
        elif a == "-noninteractive":
            interactive = False
        elif a == "-clusterid":
            if i + 1 >= len(args) or args[i + 1].startswith("-") or not args[i + 1]:
                sys.stderr.write("Must specify a valid cluster ID after the -clusterid flag\n")
                return 1
            cluster_id = args[i + 1]
            i += 1
        else:
            sys.stderr.write(USAGE)
            return 255
        i += 1
    return format_namenode(conf, cluster_id, force, interactive)


def format_namenode(conf: Configuration, cluster_id: str | None, force: bool, interactive: bool) -> int:
    from pyhdp.hdfs.namenode.storage import (
        NameStorage,
        StorageLock,
        data_dirs,
        format_storage,
        locked_error,
        name_dirs,
        new_version,
    )
    from pyhdp.security import login_user

    log_nn = _log("namenode.NameNode")
    log_fs = _log("namenode.FSNamesystem")
    log_st = _log("common.Storage")
    host = socket.gethostname()
    log_nn.info("STARTUP_MSG: \n/************************************************************\n"
                "STARTUP_MSG: Starting NameNode\nSTARTUP_MSG:   host = %s\nSTARTUP_MSG:   args = [-format]\n"
                "************************************************************/", host)
    version = new_version(cluster_id)
    log_fs.info("Formatting using clusterid: %s", version.cluster_id)
    supergroup = conf.get_trimmed("dfs.permissions.superusergroup", "supergroup") or "supergroup"
    status = 0
    for d in name_dirs(conf):
        storage = NameStorage(d)
        if not storage.lock.try_lock(exclusive=True):
            err = locked_error(d, storage.lock)
            sys.stderr.write(f"{err}\n")
            return 1
        try:
            if not storage.is_empty():
                if force:
                    sys.stderr.write(f"Data exists in Storage Directory root= {d}; location= null. Formatting anyway.\n")
                elif not interactive:
                    sys.stderr.write(f"Running in non-interactive mode, and data appears to exist in Storage "
                                     f"Directory root= {d}; location= null. Not formatting.\n")
                    status = 1
                    break
                elif not confirm_prompt(f"Re-format filesystem in Storage Directory root= {d}; location= null ?"):
                    sys.stderr.write(f"Format aborted in Storage Directory root= {d}; location= null\n")
                    status = 1
                    break
                storage.clear()
            format_storage(storage, login_user(), supergroup, version)
            log_st.info("Storage directory %s has been successfully formatted.", d)
        finally:
            storage.lock.release()
    if status == 0:
        for dd in data_dirs(conf):
            lock = StorageLock(dd)
            if os.path.isdir(dd) and lock.try_lock(exclusive=True):
                import shutil

                shutil.rmtree(os.path.join(dd, "current"), ignore_errors=True)
                lock.release()
                log_st.info("Cleared DataNode volume %s of the blocks of the previous namespace.", dd)
    _log("util.ExitUtil").info("Exiting with status %d", status)
    log_nn.info("SHUTDOWN_MSG: \n/************************************************************\n"
                "SHUTDOWN_MSG: Shutting down NameNode at %s/%s\n"
                "************************************************************/", host, _ip())
    return status


def _ip() -> str:
    try:
        return socket.gethostbyname(socket.gethostname())
    except OSError:
        return "127.0.0.1"


def run_secondary(args: list[str], conf: Configuration) -> int:
    # checkpoints of the NameNode daemon's namespace
    from pyhdp.hdfs.server.secondary import run as run_daemon

    return run_daemon(args, conf)
