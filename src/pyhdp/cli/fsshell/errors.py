"""FsShell's path errors: Hadoop's ``PathIOException`` family, also Python built-ins.

``str(err)`` is Hadoop's ``PathIOException.getMessage()``::

    `<path>': <reason>
    `<path>' to `<target>': <reason>
    `<path>': <reason>: `<fully qualified path>'
    `<path>': <reason>: <detail>

Commands raise these; only :meth:`pyhdp.cli.fsshell.command.Command.display_error` prints.
"""

from __future__ import annotations

from pyhdp.errors import FsError


class PathIOException(FsError):
    """A failed operation on a path (``Input/output error`` unless a subclass says otherwise)."""

    REASON = "Input/output error"

    def __init__(
        self,
        path: str,
        reason: str | None = None,
        target: str | None = None,
        detail: str | None = None,
        operation: str | None = None,
        qualified: str | None = None,
    ):
        self.path_str = path
        self.qualified = qualified
        self.reason = reason or self.REASON
        self.target = target
        self.detail = detail
        self.operation = operation
        super().__init__(self.hadoop_message(), path)

    def hadoop_message(self) -> str:
        parts = []
        if self.operation:
            parts.append(self.operation + " ")
        parts.append(f"`{self.path_str}'")
        if self.target is not None:
            parts.append(f" to `{self.target}'")
        parts.append(": " + self.reason)
        if self.qualified:
            parts.append(f": `{self.qualified}'")
        if self.detail:
            parts.append(": " + self.detail)
        return "".join(parts)

    def with_target(self, target: str) -> PathIOException:
        self.target = target
        self.message = self.hadoop_message()
        return self


class PathNotFoundException(PathIOException, FileNotFoundError):
    REASON = "No such file or directory"


class PathExistsException(PathIOException, FileExistsError):
    REASON = "File exists"


class PathIsDirectoryException(PathIOException, IsADirectoryError):
    REASON = "Is a directory"


class PathIsNotDirectoryException(PathIOException, NotADirectoryError):
    REASON = "Is not a directory"


class PathIsNotEmptyDirectoryException(PathIOException):
    REASON = "Directory is not empty"


class PathAccessDeniedException(PathIOException, PermissionError):
    REASON = "Permission denied"


class PathPermissionException(PathIOException, PermissionError):
    REASON = "Operation not permitted"


class PathOperationException(PathIOException):
    REASON = "Operation not supported"


class CommandInterrupted(Exception):
    """Raised through the command tree on Ctrl-C / SIGTERM (exit 130)."""
