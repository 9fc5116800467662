"""``file://``: the local file system behind Hadoop's ``LocalFileSystem`` semantics.

Paths are absolute local paths.  Statuses report replication 1 and block size
``fs.local.block.size`` (32 MiB) as Hadoop's RawLocalFileSystem does; owner and group are
the OS names.  Modes requested on create/mkdirs have Hadoop's umask
(``fs.permissions.umask-mode``) applied, not the process umask.  ``.crc`` side files are
not written (FsShell's ``-get -crc`` writes them itself).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat as stat_mod
from typing import IO, TYPE_CHECKING

from pyhdp.errors import (
    AccessControlError,
    FsError,
    PathExistsError,
    PathIsDirectoryError,
    PathIsNotDirectoryError,
    PathIsNotEmptyDirectoryError,
    PathNotFoundError,
)
from pyhdp.fs.base import FileChecksum, FileStatus, FileSystem, FsStatus

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

LOCAL_BLOCK_SIZE = 32 * 1024 * 1024

_user_names: dict[int, str] = {}
_group_names: dict[int, str] = {}


def _user_name(uid: int) -> str:
    name = _user_names.get(uid)
    if name is None:
        try:
            import pwd

            name = pwd.getpwuid(uid).pw_name
        except (KeyError, ImportError):
            name = str(uid)
        _user_names[uid] = name
    return name


def _group_name(gid: int) -> str:
    name = _group_names.get(gid)
    if name is None:
        try:
            import grp

            name = grp.getgrgid(gid).gr_name
        except (KeyError, ImportError):
            name = str(gid)
        _group_names[gid] = name
    return name


def parse_umask(text: str | None) -> int:
    """``fs.permissions.umask-mode``: octal (``022``) or symbolic (``u=rwx,g=rx,o=rx``, the allowed bits)."""
    if not text:
        return 0o022
    text = text.strip()
    if all(c in "01234567" for c in text):
        return int(text, 8) & 0o777
    allowed = 0
    for clause in text.split(","):
        who, _, perms = clause.partition("=")
        bits = sum({"r": 4, "w": 2, "x": 1}.get(c, 0) for c in perms)
        for w in who or "a":
            for shift, letter in ((6, "u"), (3, "g"), (0, "o")):
                if w in (letter, "a"):
                    allowed |= bits << shift
    return 0o777 & ~allowed


class LocalFileSystem(FileSystem):
    scheme = "file"
    capabilities = {
        "supports-append": True,
        "supports-truncate": True,
        "supports-concat": False,
        "supports-set-times": True,
        "supports-set-owner": os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0,
        "supports-permissions": True,
        "supports-sticky-bit": True,
        "supports-replication": False,
        "supports-checksum": False,
        "rename-overwrites-dest": False,
        "supports-strict-exceptions": True,
        "directory-length-is-zero": False,
    }

    def __init__(self, conf: Configuration, authority: str = "", user: str | None = None):
        super().__init__(conf, authority, user)
        self._umask = parse_umask(conf.get("fs.permissions.umask-mode", "022") if conf is not None else "022")

    # ------------------------------------------------------------------ identity
    @property
    def uri(self) -> str:
        return "file:///"

    def home_directory(self) -> str:
        return os.path.expanduser("~")

    def working_directory(self) -> str:
        return os.getcwd()

    def default_block_size(self, path: str = "/") -> int:
        return self.conf.get_size("fs.local.block.size", LOCAL_BLOCK_SIZE) if self.conf else LOCAL_BLOCK_SIZE

    def default_replication(self, path: str = "/") -> int:
        return 1

    # ------------------------------------------------------------------ status
    def _status(self, path: str, st: os.stat_result) -> FileStatus:
        is_dir = stat_mod.S_ISDIR(st.st_mode)
        return FileStatus(
            path=path,
            length=st.st_size,
            is_dir=is_dir,
            replication=1,
            block_size=LOCAL_BLOCK_SIZE,
            modification_time=st.st_mtime_ns // 1_000_000,
            access_time=st.st_atime_ns // 1_000_000,
            permission=st.st_mode & 0o1777,
            owner=_user_name(st.st_uid),
            group=_group_name(st.st_gid),
            file_id=st.st_ino,
        )

    def get_file_status(self, path: str) -> FileStatus:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            raise PathNotFoundError(f"File {path} does not exist", path) from None
        except OSError as e:
            raise _translate(e, path) from None
        return self._status(path, st)

    def list_status(self, path: str) -> list[FileStatus]:
        try:
            entries = sorted(os.scandir(path), key=lambda e: e.name)
        except NotADirectoryError:
            return [self.get_file_status(path)]
        except FileNotFoundError:
            raise PathNotFoundError(f"File {path} does not exist", path) from None
        except OSError as e:
            raise _translate(e, path) from None
        out = []
        base = path if path.endswith("/") else path + "/"
        for entry in entries:
            try:
                st = entry.stat()
            except FileNotFoundError:
                continue  # removed meanwhile, or a dangling symlink
            out.append(self._status(base + entry.name, st))
        return out

    # ------------------------------------------------------------------ data
    def open(self, path: str, buffer_size: int | None = None, verify_checksum: bool = True) -> IO[bytes]:
        if os.path.isdir(path):
            raise PathIsDirectoryError(f"{path} (Is a directory)", path)
        try:
            return open(path, "rb")  # noqa: SIM115 - the caller closes it
        except FileNotFoundError:
            raise PathNotFoundError(f"File {path} does not exist", path) from None
        except OSError as e:
            raise _translate(e, path) from None

    def create(
        self,
        path: str,
        overwrite: bool = False,
        permission: int | None = None,
        replication: int | None = None,
        block_size: int | None = None,
        create_parent: bool = True,
    ) -> IO[bytes]:
        if os.path.isdir(path):
            raise PathIsDirectoryError(f"{path} (Is a directory)", path)
        if not overwrite and os.path.lexists(path):
            raise PathExistsError(f"File already exists: {path}", path)
        parent = os.path.dirname(path) or "/"
        if not os.path.isdir(parent):
            if os.path.exists(parent):
                raise PathIsNotDirectoryError(f"Parent path is not a directory: {parent}", parent)
            if not create_parent:
                raise PathNotFoundError(f"Parent directory doesn't exist: {parent}", parent)
            self.mkdirs(parent)
        mode = (0o666 if permission is None else permission) & ~self._umask & 0o7777
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
        if not overwrite:
            flags |= os.O_EXCL
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            raise PathExistsError(f"File already exists: {path}", path) from None
        except OSError as e:
            raise _translate(e, path) from None
        try:
            os.fchmod(fd, mode)
        except OSError:
            pass
        return os.fdopen(fd, "wb")

    def append(self, path: str) -> IO[bytes]:
        if os.path.isdir(path):
            raise PathIsDirectoryError(f"{path} (Is a directory)", path)
        if not os.path.exists(path):
            raise PathNotFoundError(f"File {path} does not exist", path)
        try:
            return open(path, "ab")  # noqa: SIM115
        except OSError as e:
            raise _translate(e, path) from None

    # ------------------------------------------------------------------ namespace
    def mkdirs(self, path: str, permission: int | None = None) -> bool:
        mode = (0o777 if permission is None else permission) & ~self._umask & 0o7777
        missing = []
        p = path
        while p and p != "/" and not os.path.isdir(p):
            if os.path.lexists(p):
                raise PathIsNotDirectoryError(f"Parent path is not a directory: file:{p}", p)
            missing.append(p)
            p = os.path.dirname(p)
        for d in reversed(missing):
            try:
                os.mkdir(d, 0o700)
                os.chmod(d, mode)
            except FileExistsError:
                if not os.path.isdir(d):
                    raise PathIsNotDirectoryError(f"Parent path is not a directory: file:{d}", d) from None
            except OSError as e:
                raise _translate(e, d) from None
        return True

    def rename(self, src: str, dst: str) -> bool:
        if not os.path.lexists(src):
            return False
        target = dst
        if os.path.isdir(dst) and not os.path.samefile(src, dst):
            target = dst.rstrip("/") + "/" + os.path.basename(src)
        if os.path.lexists(target):
            return False
        parent = os.path.dirname(target) or "/"
        if not os.path.isdir(parent):
            return False
        if os.path.isdir(src) and (target + "/").startswith(src.rstrip("/") + "/"):
            return False
        try:
            os.rename(src, target)
        except OSError as e:
            if e.errno == errno.EXDEV:
                shutil.move(src, target)
                return True
            raise _translate(e, src) from None
        return True

    def delete(self, path: str, recursive: bool = False) -> bool:
        if not os.path.lexists(path):
            return False
        if os.path.realpath(path) == "/" or os.path.ismount(path):
            # Never remove the root (or a mount point) of the local machine, whatever was asked:
            # as HDFS refuses to delete "/", the shell then reports an error for the path.
            return False
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                if not recursive:
                    if any(True for _ in os.scandir(path)):
                        raise PathIsNotEmptyDirectoryError(f"`{path}': Directory is not empty", path)
                    os.rmdir(path)
                else:
                    shutil.rmtree(path)
            else:
                os.unlink(path)
        except FsError:
            raise
        except OSError as e:
            raise _translate(e, path) from None
        return True

    def set_permission(self, path: str, permission: int) -> None:
        try:
            os.chmod(path, permission & 0o7777)
        except FileNotFoundError:
            raise PathNotFoundError(f"File {path} does not exist", path) from None
        except OSError as e:
            raise _translate(e, path) from None

    def set_owner(self, path: str, owner: str | None, group: str | None) -> None:
        uid = gid = -1
        try:
            if owner:
                import pwd

                uid = int(owner) if owner.isdigit() else pwd.getpwnam(owner).pw_uid
            if group:
                import grp

                gid = int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
        except KeyError:
            spec = (owner or "") + (":" + group if group else "")
            what = "user" if owner and uid == -1 else "group"
            raise FsError(f"chown: invalid {what}: \u2018{spec}\u2019", path) from None
        try:
            os.chown(path, uid, gid)
        except FileNotFoundError:
            raise PathNotFoundError(f"File {path} does not exist", path) from None
        except OSError as e:
            raise _translate(e, path) from None

    def set_times(self, path: str, mtime: int, atime: int) -> None:
        try:
            st = os.stat(path)
            a_ns = st.st_atime_ns if atime < 0 else atime * 1_000_000
            m_ns = st.st_mtime_ns if mtime < 0 else mtime * 1_000_000
            os.utime(path, ns=(a_ns, m_ns))
        except FileNotFoundError:
            raise PathNotFoundError(f"File {path} does not exist", path) from None
        except OSError as e:
            raise _translate(e, path) from None

    def truncate(self, path: str, new_length: int) -> bool:
        if os.path.isdir(path):
            raise PathIsDirectoryError(f"Cannot truncate a directory: {path}", path)
        try:
            os.truncate(path, new_length)
        except FileNotFoundError:
            raise PathNotFoundError(f"File {path} does not exist", path) from None
        except OSError as e:
            raise _translate(e, path) from None
        return True

    def set_replication(self, path: str, replication: int) -> bool:
        # Hadoop's local file system accepts and ignores replication (always 1).
        self.get_file_status(path)
        return True

    def concat(self, target: str, sources: list[str]) -> None:
        from pyhdp.errors import UnsupportedOperationError

        raise UnsupportedOperationError("Concat is not supported by ChecksumFileSystem", target)

    def get_file_checksum(self, path: str) -> FileChecksum | None:
        self.get_file_status(path)
        return None

    def get_status(self) -> FsStatus:
        st = os.statvfs("/")
        capacity = st.f_blocks * st.f_frsize
        free = st.f_bfree * st.f_frsize
        return FsStatus(capacity, capacity - free, st.f_bavail * st.f_frsize)

    def access(self, path: str, mode: str) -> None:
        self.get_file_status(path)
        flags = (
            (os.R_OK if "r" in mode else 0)
            | (os.W_OK if "w" in mode else 0)
            | (os.X_OK if "x" in mode else 0)
        )
        if flags and not os.access(path, flags):
            raise AccessControlError(f"Permission denied: {path}", path)

    def trash_root(self, path: str) -> str:
        return os.path.join(self.home_directory(), ".Trash")


def _translate(e: OSError, path: str) -> OSError:
    """An OS error as the pyhdp error with Hadoop's wording."""
    if isinstance(e, FsError):
        return e
    if isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM):
        return AccessControlError(f"{path} (Permission denied)", path)
    if isinstance(e, FileNotFoundError):
        return PathNotFoundError(f"File {path} does not exist", path)
    if isinstance(e, IsADirectoryError):
        return PathIsDirectoryError(f"{path} (Is a directory)", path)
    if isinstance(e, NotADirectoryError):
        return PathIsNotDirectoryError(f"{path} (Not a directory)", path)
    if isinstance(e, FileExistsError):
        return PathExistsError(f"File already exists: {path}", path)
    if e.errno == errno.ENOTEMPTY:
        return PathIsNotEmptyDirectoryError(f"`{path}': Directory is not empty", path)
    return FsError(f"{path}: {e.strerror or e}", path)
