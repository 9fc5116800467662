"""Python errors ↔ Hadoop ``RemoteException``.

:func:`remote_exception` gives ``(status, body)`` of WebHDFS's ``ExceptionHandler`` for an
error raised by the NameNode core; :func:`error_from_remote` rebuilds a pyhdp error from a
``RemoteException`` body (a pyhdp daemon or a real Hadoop cluster).  The pyhdp protocol
also carries the Python class name, so errors round-trip exactly.
"""

from __future__ import annotations

from typing import Any

import pyhdp.errors as E

#: simple Java name -> fully-qualified name
JAVA_CLASSES = {
    "FileNotFoundException": "java.io.FileNotFoundException",
    "IOException": "java.io.IOException",
    "FileAlreadyExistsException": "org.apache.hadoop.fs.FileAlreadyExistsException",
    "ParentNotDirectoryException": "org.apache.hadoop.fs.ParentNotDirectoryException",
    "PathIsNotEmptyDirectoryException": "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException",
    "AccessControlException": "org.apache.hadoop.security.AccessControlException",
    "SafeModeException": "org.apache.hadoop.hdfs.server.namenode.SafeModeException",
    "NSQuotaExceededException": "org.apache.hadoop.hdfs.protocol.NSQuotaExceededException",
    "DSQuotaExceededException": "org.apache.hadoop.hdfs.protocol.DSQuotaExceededException",
    "QuotaExceededException": "org.apache.hadoop.hdfs.protocol.QuotaExceededException",
    "ChecksumException": "org.apache.hadoop.fs.ChecksumException",
    "AlreadyBeingCreatedException": "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException",
    "LeaseExpiredException": "org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException",
    "UnsupportedOperationException": "java.lang.UnsupportedOperationException",
    "InvalidPathException": "org.apache.hadoop.fs.InvalidPathException",
    "HadoopIllegalArgumentException": "org.apache.hadoop.HadoopIllegalArgumentException",
    "IllegalArgumentException": "java.lang.IllegalArgumentException",
    "SecurityException": "java.lang.SecurityException",
    "PathIsNotDirectoryException": "org.apache.hadoop.fs.PathIsNotDirectoryException",
    "DisallowedDatanodeException": "org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException",
    "RetriableException": "org.apache.hadoop.ipc.RetriableException",
    "NullPointerException": "java.lang.NullPointerException",
}

_BY_JAVA: dict[str, type[BaseException]] = {
    "FileNotFoundException": E.PathNotFoundError,
    "FileAlreadyExistsException": E.PathExistsError,
    "ParentNotDirectoryException": E.PathIsNotDirectoryError,
    "PathIsNotDirectoryException": E.PathIsNotDirectoryError,
    "PathIsNotEmptyDirectoryException": E.PathIsNotEmptyDirectoryError,
    "AccessControlException": E.AccessControlError,
    "SafeModeException": E.SafeModeError,
    "NSQuotaExceededException": E.QuotaExceededError,
    "DSQuotaExceededException": E.QuotaExceededError,
    "QuotaExceededException": E.QuotaExceededError,
    "ChecksumException": E.ChecksumError,
    "AlreadyBeingCreatedException": E.LeaseError,
    "LeaseExpiredException": E.LeaseError,
    "UnsupportedOperationException": E.UnsupportedOperationError,
    "InvalidPathException": E.InvalidPathError,
    "HadoopIllegalArgumentException": E.HadoopIllegalArgumentError,
    "IllegalArgumentException": E.HadoopIllegalArgumentError,
    "SecurityException": E.AccessControlError,
}


class RemoteError(E.FsError):
    """An error of a remote server whose class pyhdp does not know (``RemoteException``)."""

    def __init__(self, message: str, exception: str = "IOException", path: str | None = None):
        super().__init__(message, path)
        self.exception = exception


def java_name(exc: BaseException) -> str:
    for cls in type(exc).__mro__:
        name = E.JAVA_EXCEPTION_NAMES.get(cls)  # type: ignore[arg-type]
        if name is not None:
            if name == "QuotaExceededException":
                n = type(exc).__name__
                if n.startswith("NS"):
                    return "NSQuotaExceededException"
                if n.startswith("DS"):
                    return "DSQuotaExceededException"
            return name
    if isinstance(exc, RemoteError):
        return exc.exception
    if isinstance(exc, FileNotFoundError):
        return "FileNotFoundException"
    if isinstance(exc, FileExistsError):
        return "FileAlreadyExistsException"
    if isinstance(exc, PermissionError):
        return "AccessControlException"
    if isinstance(exc, NotImplementedError):
        return "UnsupportedOperationException"
    if isinstance(exc, (ValueError, TypeError)):
        return "IllegalArgumentException"
    if isinstance(exc, OSError):
        return "IOException"
    return "NullPointerException" if isinstance(exc, AttributeError) else "IOException"


def http_status(name: str, exc: BaseException | None = None) -> int:
    """``ExceptionHandler.toResponse``: 403 Security, 404 FileNotFound, 403 other IOException,
    400 UnsupportedOperation/IllegalArgument, else 500."""
    if name == "SecurityException":
        return 403
    if name == "FileNotFoundException":
        return 404
    if name in ("UnsupportedOperationException", "IllegalArgumentException"):
        return 400
    if exc is not None and not isinstance(exc, OSError) and name in ("IOException", "NullPointerException"):
        return 500
    return 403


def message_of(exc: BaseException) -> str:
    return str(exc) if str(exc) else type(exc).__name__


def remote_exception(exc: BaseException) -> tuple[int, dict[str, Any]]:
    name = java_name(exc)
    body = {"RemoteException": {"exception": name, "javaClassName": JAVA_CLASSES.get(name, "java.io.IOException"),
                                "message": message_of(exc)}}
    return http_status(name, exc), body


def rpc_error(exc: BaseException) -> dict[str, Any]:
    """The pyhdp protocol's error: Java name for other clients, Python class to rebuild it exactly."""
    return {"exception": java_name(exc), "class": type(exc).__name__, "module": type(exc).__module__,
            "message": message_of(exc), "path": getattr(exc, "path", None)}


_PY_BUILTINS = {c.__name__: c for c in (ValueError, TypeError, FileNotFoundError, FileExistsError,
                                        PermissionError, NotADirectoryError, IsADirectoryError,
                                        NotImplementedError, OSError, KeyError)}


def error_from_rpc(err: dict[str, Any]) -> BaseException:
    cls_name, module, message = err.get("class", ""), err.get("module", ""), err.get("message", "")
    path = err.get("path")
    cls: type[BaseException] | None = None
    if module == "pyhdp.errors":
        c = getattr(E, cls_name, None)
        if isinstance(c, type) and issubclass(c, BaseException):
            cls = c
    elif module.startswith("pyhdp."):
        try:
            import importlib

            c = getattr(importlib.import_module(module), cls_name, None)
            if isinstance(c, type) and issubclass(c, E.FsError):
                cls = c
        except ImportError:
            cls = None
    elif module == "builtins":
        cls = _PY_BUILTINS.get(cls_name)
    if cls is not None:
        try:
            if issubclass(cls, E.FsError):
                return cls(message, path)
            return cls(message)
        except TypeError:
            pass
    return error_from_remote({"exception": err.get("exception", "IOException"), "message": message}, path)


def error_from_remote(body: dict[str, Any], path: str | None = None) -> BaseException:
    """A ``RemoteException`` JSON object (the inner dict) → the pyhdp error."""
    name = body.get("exception") or "IOException"
    message = body.get("message") or name
    cls = _BY_JAVA.get(name)
    if cls is None:
        return RemoteError(message, name, path)
    return cls(message, path)
