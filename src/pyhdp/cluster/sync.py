"""``pyhdp cluster sync``: push the conf dir and the cluster secret to every worker over SFTP.

Destinations are the worker's view of the configuration: the conf dir goes to
``pyhdp.worker.conf-dir`` (default: the same path as here) and the cluster secret (the file
the daemons read: ``pyhdp.cluster.secret.file``, default ``<first name dir>/current/cluster.secret``,
see :mod:`pyhdp.net.auth`) to where a daemon on the worker will look for it, both
expanded with the worker's ``${pyhdp.host}``. A secret that does not exist yet (no NameNode
started or formatted) is skipped with a note. A file is copied when its size, modification time or mode differ, through
a temporary name renamed into place (a reader never sees half a file), with its mode and
modification time kept, so a second sync copies nothing. Files deleted here are not deleted
on the workers. A worker that is this machine with the same paths is left alone.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat

from pyhdp.cluster.fanout import Emit, Fanout, Task
from pyhdp.cluster.ssh import Connection
from pyhdp.cluster.workers import HostSpec

_SKIP_SUFFIXES = ("~", ".swp", ".tmp", ".pyhdp-sync.tmp")


def conf_files(conf_dir: str) -> list[tuple[str, str]]:
    """``(local path, relative path)`` of the regular files of the conf dir (no dot files)."""
    files = []
    for root, dirs, names in os.walk(conf_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.endswith(_SKIP_SUFFIXES):
                continue
            path = os.path.join(root, name)
            if os.path.isfile(path):
                files.append((path, os.path.relpath(path, conf_dir)))
    return files


def secret_path(conf) -> str | None:
    """Where a daemon with ``conf`` reads the cluster secret (None when that cannot be told)."""
    try:
        from pyhdp.net.auth import secret_path as daemon_secret_path
    except ImportError:  # no HDFS daemons in this install
        value = conf.get_trimmed("pyhdp.cluster.secret.file") or ""
        return os.path.expanduser(value) if value else None
    try:
        return daemon_secret_path(conf)
    except Exception:  # noqa: BLE001 - a configuration without name dirs: no secret to copy
        return None


class SyncTask(Task):
    display = "pyhdp cluster sync"

    def __init__(self, conf, quiet: bool = False):
        self.conf = conf
        self.quiet = quiet  # no summary line (sync-on-start): only failures are printed
        # in sync-on-start, an unreachable host is reported by the daemon start that follows
        self.report_host_failures = not quiet
        self.conf_dir = conf.get("pyhdp.conf.dir") or ""
        self.files = conf_files(self.conf_dir) if self.conf_dir and os.path.isdir(self.conf_dir) else []
        secret = secret_path(conf)
        self.secret = secret if secret and os.path.isfile(secret) else None
        self.missing_secret = secret if secret and not self.secret else None

    def pairs(self, host: HostSpec, fanout: Fanout) -> list[tuple[str, str]]:
        """``(local file, destination path on host)`` for ``host``."""
        dest_dir = fanout.worker_conf_dir(host) or self.conf_dir
        pairs = [(path, posixpath.join(dest_dir, rel.replace(os.sep, "/"))) for path, rel in self.files]
        if self.secret:
            pairs.append((self.secret, secret_path(fanout.host_conf(host)) or self.secret))
        return pairs

    # -- remote
    def run_remote(self, host: HostSpec, fanout: Fanout, conn: Connection, emit: Emit) -> int:
        sftp = conn.sftp()
        made: set[str] = set()
        copied = unchanged = 0
        for local, dest in self.pairs(host, fanout):
            st = os.stat(local)
            try:
                rst = sftp.stat(dest)
                if (rst.st_size == st.st_size and int(rst.st_mtime or 0) == int(st.st_mtime)
                        and stat.S_IMODE(rst.st_mode or 0) == stat.S_IMODE(st.st_mode)):
                    unchanged += 1
                    continue
            except OSError:
                pass
            self._makedirs(sftp, posixpath.dirname(dest), made, private=local == self.secret)
            tmp = dest + ".pyhdp-sync.tmp"
            sftp.put(local, tmp)
            sftp.chmod(tmp, stat.S_IMODE(st.st_mode))
            sftp.utime(tmp, (st.st_atime, st.st_mtime))
            sftp.posix_rename(tmp, dest)
            copied += 1
        if not self.quiet:
            emit(self._summary(host, fanout, copied, unchanged).encode())
        return 0

    @staticmethod
    def _makedirs(sftp, path: str, made: set[str], private: bool) -> None:
        if not path or path in made:
            return
        try:
            if stat.S_ISDIR(sftp.stat(path).st_mode or 0):
                made.add(path)
                return
        except OSError:
            pass
        SyncTask._makedirs(sftp, posixpath.dirname(path), made, private=False)
        try:
            sftp.mkdir(path, 0o700 if private else 0o755)
        except OSError:
            if not stat.S_ISDIR(sftp.stat(path).st_mode or 0):
                raise
        made.add(path)

    # -- local
    def run_local(self, host: HostSpec, fanout: Fanout, emit: Emit) -> int:
        copied = unchanged = 0
        for local, dest in self.pairs(host, fanout):
            if os.path.abspath(local) == os.path.abspath(dest):
                unchanged += 1
                continue
            st = os.stat(local)
            try:
                dst = os.stat(dest)
                if (dst.st_size == st.st_size and int(dst.st_mtime) == int(st.st_mtime)
                        and stat.S_IMODE(dst.st_mode) == stat.S_IMODE(st.st_mode)):
                    unchanged += 1
                    continue
            except OSError:
                pass
            os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
            tmp = dest + ".pyhdp-sync.tmp"
            shutil.copy2(local, tmp)
            os.replace(tmp, dest)
            copied += 1
        if not self.quiet:
            emit(self._summary(host, fanout, copied, unchanged).encode())
        return 0

    def _summary(self, host: HostSpec, fanout: Fanout, copied: int, unchanged: int) -> str:
        dest_dir = fanout.worker_conf_dir(host) or self.conf_dir
        secret = " and the cluster secret" if self.secret else ""
        note = f" (no cluster secret yet at {self.missing_secret})" if self.missing_secret else ""
        return f"conf dir{secret} synced to {dest_dir}: {copied} copied, {unchanged} unchanged{note}\n"
