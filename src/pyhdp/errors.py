"""Exceptions shared by every layer of pyhdp.

File-system errors subclass Python's built-in ``OSError`` family, so code written
against the :class:`pyhdp.fs.base.FileSystem` API can catch ``FileNotFoundError``
or ``PermissionError`` without knowing pyhdp.  The message of each error is the
text Hadoop would print after ``<cmd>: `` (for example the NameNode's
``Permission denied: user=bob, access=WRITE, inode="/x":root:supergroup:drwxr-xr-x``).
"""

from __future__ import annotations


class PyhdpError(Exception):
    """Base class of pyhdp's own errors. ``exit_code`` is what the CLI returns."""

    exit_code = 1


class ConfigError(PyhdpError):
    """A configuration file or option could not be read or parsed."""


class UsageError(PyhdpError):
    """Bad command-line usage (Hadoop's IllegalArgumentException: exit -1 = 255)."""

    exit_code = 255


# --------------------------------------------------------------- file system


class FsError(OSError):
    """An error of a file-system operation; ``str(err)`` is Hadoop's message."""

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:  # OSError's __str__ would add "[Errno ...]"
        return self.message


class PathNotFoundError(FsError, FileNotFoundError):
    """The path does not exist (Hadoop FileNotFoundException)."""


class PathExistsError(FsError, FileExistsError):
    """The path already exists (Hadoop FileAlreadyExistsException)."""


class PathIsDirectoryError(FsError, IsADirectoryError):
    """A file was needed but the path is a directory."""


class PathIsNotDirectoryError(FsError, NotADirectoryError):
    """A directory was needed but the path (or a parent) is a file
    (Hadoop ParentNotDirectoryException / PathIsNotDirectoryException)."""


class PathIsNotEmptyDirectoryError(FsError):
    """Non-recursive delete of a non-empty directory."""


class AccessControlError(FsError, PermissionError):
    """Permission denied (Hadoop AccessControlException)."""


class QuotaExceededError(FsError):
    """Name or space quota exceeded (NSQuotaExceededException / DSQuotaExceededException)."""


class SafeModeError(FsError):
    """The NameNode is in safe mode (SafeModeException)."""


class ChecksumError(FsError):
    """Checksum verification failed (Hadoop ChecksumException)."""


class LeaseError(FsError):
    """A file is open for write by another client (AlreadyBeingCreatedException)."""


class StoreLockedError(FsError):
    """The embedded store's directories are locked by another writer (a daemon)."""


class UnsupportedOperationError(FsError):
    """The file system does not support this operation."""


class InvalidPathError(FsError):
    """A path that is not valid for the file system (InvalidPathException)."""


class HadoopIllegalArgumentError(FsError):
    """An argument the file system refused (HadoopIllegalArgumentException)."""


#: Java exception class names as they appear in WebHDFS ``RemoteException`` bodies.
JAVA_EXCEPTION_NAMES: dict[type[BaseException], str] = {
    PathNotFoundError: "FileNotFoundException",
    PathExistsError: "FileAlreadyExistsException",
    PathIsDirectoryError: "IOException",
    PathIsNotDirectoryError: "ParentNotDirectoryException",
    PathIsNotEmptyDirectoryError: "PathIsNotEmptyDirectoryException",
    AccessControlError: "AccessControlException",
    QuotaExceededError: "QuotaExceededException",
    SafeModeError: "SafeModeException",
    ChecksumError: "ChecksumException",
    LeaseError: "AlreadyBeingCreatedException",
    UnsupportedOperationError: "UnsupportedOperationException",
    InvalidPathError: "InvalidPathException",
    HadoopIllegalArgumentError: "HadoopIllegalArgumentException",
}
