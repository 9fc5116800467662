"""Hadoop's ``TrashPolicyDefault``: ``<home>/.Trash/Current/<absolute path>`` and checkpoints.

``fs.trash.interval`` (minutes, 0 = disabled) decides whether ``-rm`` moves to the trash;
``-expunge`` deletes checkpoints older than the interval and turns ``Current`` into a
checkpoint named ``yyMMddHHmmss``.  Log lines go to the ``fs.TrashPolicyDefault`` logger at
INFO, which (as Hadoop's default console logger does) reaches stderr.
"""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

from pyhdp.fs import path as hpath

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileSystem

CURRENT = "Current"
TRASH_DIR_MODE = 0o700

LOG = logging.getLogger("fs.TrashPolicyDefault")


def _enable_info_logging() -> None:
    # Hadoop's default root logger is INFO,console: trash messages are shown unless
    # the user chose a level explicitly.
    if not os.environ.get("HADOOP_ROOT_LOGGER") and LOG.getEffectiveLevel() > logging.INFO:
        LOG.setLevel(logging.INFO)


def _now_ms() -> int:
    return int(time.time() * 1000)


class TrashPolicy:
    def __init__(self, fs: FileSystem, conf: Configuration):
        self.fs = fs
        self.conf = conf
        self.deletion_interval_ms = int(conf.get_float("fs.trash.interval", 0.0) * 60_000)
        _enable_info_logging()

    def is_enabled(self) -> bool:
        return self.deletion_interval_ms > 0

    def move_to_trash(self, path: str) -> bool:
        """Move ``path`` into the trash; False when the trash is off or ``path`` is already in it."""
        if not self.is_enabled():
            return False
        fs = self.fs
        fs.get_file_status(path)
        trash_root = fs.trash_root(path)
        if hpath.is_descendant(path, trash_root):
            return False
        trash_parent = hpath.parent_of(trash_root) or "/"
        if hpath.is_descendant(trash_parent, path):
            raise OSError(f'Cannot move "{fs.make_qualified(path)}" to the trash, as it contains the trash')
        current = hpath.child_path(trash_root, CURRENT)
        trash_path = current + path
        base_trash_path = current + (hpath.parent_of(path) or "")
        cause: BaseException | None = None
        attempts = 0
        while attempts < 2:
            attempts += 1
            try:
                if not fs.mkdirs(base_trash_path or current, TRASH_DIR_MODE):
                    LOG.warning("Can't create(mkdir) trash directory: %s", base_trash_path)
                    return False
            except (FileExistsError, NotADirectoryError):
                exists = base_trash_path
                while not fs.exists(exists):
                    exists = hpath.parent_of(exists) or "/"
                base_trash_path = base_trash_path.replace(exists, exists + str(_now_ms()), 1)
                trash_path = hpath.child_path(base_trash_path, hpath.basename(trash_path))
                attempts -= 1
                continue
            except OSError as e:
                LOG.warning("Can't create trash directory: %s", base_trash_path)
                cause = e
                break
            try:
                orig = trash_path
                while fs.exists(trash_path):
                    trash_path = orig + str(_now_ms())
                if not fs.rename(path, trash_path):
                    raise OSError(f"Failed to rename {path} to {trash_path}")
                LOG.info(
                    "Moved: '%s' to trash at: %s", fs.make_qualified(path), fs.make_qualified(trash_path)
                )
                return True
            except OSError as e:
                cause = e
        msg = f"Failed to move to trash: {fs.make_qualified(path)}"
        if cause is not None:
            msg += f": {cause}"
        raise OSError(msg)

    # ------------------------------------------------------------------ expunge
    def trash_roots(self) -> list[str]:
        root = self.fs.trash_root(self.fs.home_directory())
        return [root] if self.fs.exists(root) else []

    def expunge(self, immediately: bool = False) -> None:
        now = _now_ms()
        for root in self.trash_roots():
            self.delete_checkpoint(root, immediately, now)
            self.create_checkpoint(root, now)
            if immediately:
                self.delete_checkpoint(root, True, now)

    def delete_checkpoint(self, root: str, immediately: bool, now: int) -> None:
        LOG.info("TrashPolicyDefault#deleteCheckpoint for trashRoot: %s", self.fs.make_qualified(root))
        for st in self.fs.list_status(root):
            name = hpath.basename(st.path)
            if name == CURRENT:
                continue
            when = checkpoint_time(name)
            if when is None:
                LOG.warning("Unexpected item in trash: %s. Ignoring.", st.path)
                continue
            if immediately or (now - self.deletion_interval_ms) > when:
                if self.fs.delete(st.path, True):
                    LOG.info("Deleted trash checkpoint: %s", st.path)
                else:
                    LOG.warning("Couldn't delete checkpoint: %s Ignoring.", st.path)

    def create_checkpoint(self, root: str, now: int) -> None:
        current = hpath.child_path(root, CURRENT)
        if not self.fs.exists(current):
            return
        base = hpath.child_path(root, time.strftime("%y%m%d%H%M%S", time.localtime(now / 1000)))
        checkpoint = base
        attempt = 0
        while self.fs.exists(checkpoint) or not self.fs.rename(current, checkpoint):
            attempt += 1
            if attempt > 1000:
                raise OSError(f"Failed to checkpoint trash: {checkpoint}")
            checkpoint = f"{base}-{attempt}"
        LOG.info("Created trash checkpoint: %s", checkpoint)


def checkpoint_time(name: str) -> int | None:
    """ms of a checkpoint name (``yyMMddHHmmss``, or the older ``yyMMddHHmm``), None if not one."""
    stem = name.split("-", 1)[0]
    for fmt, n in (("%y%m%d%H%M%S", 12), ("%y%m%d%H%M", 10)):
        if len(stem) == n and stem.isdigit():
            try:
                return int(time.mktime(time.strptime(stem, fmt)) * 1000)
            except ValueError:
                return None
    return None
