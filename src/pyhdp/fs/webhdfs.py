"""``webhdfs://host:port/`` — a WebHDFS client (pyhdp's daemons or a real Hadoop cluster).

Operations are a table (op → HTTP method, whether data is redirected to a DataNode), as
HdfsCLI's client does; errors are rebuilt from the ``RemoteException`` bodies, so the CLI
prints Hadoop's messages.  Data goes in the documented two steps: the NameNode answers 307
with a DataNode ``Location``, the bytes are streamed there (chunked uploads, ranged reads).
Authentication: Hadoop's simple mode (``user.name``).
"""

from __future__ import annotations

import http.client
import io
import json
import posixpath
from typing import IO, Any
from urllib.parse import quote, urlencode, urlsplit

from pyhdp.errors import FsError, HadoopIllegalArgumentError, PathNotFoundError
from pyhdp.fs.base import BlockLocation, ContentSummary, FileChecksum, FileStatus, FileSystem
from pyhdp.net import httpclient
from pyhdp.net import webhdfs_json as wj
from pyhdp.net.errors import error_from_remote

DEFAULT_PORT = 9870

#: op -> (HTTP method, redirected to a DataNode)
OPS: dict[str, tuple[str, bool]] = {
    "GETFILESTATUS": ("GET", False), "LISTSTATUS": ("GET", False), "LISTSTATUS_BATCH": ("GET", False),
    "GETCONTENTSUMMARY": ("GET", False), "GETQUOTAUSAGE": ("GET", False), "GETHOMEDIRECTORY": ("GET", False),
    "GETTRASHROOT": ("GET", False), "CHECKACCESS": ("GET", False), "GETFILEBLOCKLOCATIONS": ("GET", False),
    "OPEN": ("GET", True), "GETFILECHECKSUM": ("GET", True),
    "MKDIRS": ("PUT", False), "RENAME": ("PUT", False), "SETREPLICATION": ("PUT", False),
    "SETOWNER": ("PUT", False), "SETPERMISSION": ("PUT", False), "SETTIMES": ("PUT", False),
    "CREATE": ("PUT", True),
    "APPEND": ("POST", True), "CONCAT": ("POST", False), "TRUNCATE": ("POST", False),
    "DELETE": ("DELETE", False),
}


class WebHdfsFileSystem(FileSystem):
    scheme = "webhdfs"
    capabilities = {
        "supports-append": True,
        "supports-concat": True,
        "supports-truncate": True,
        "supports-settimes": True,
        "supports-getfilestatus": True,
        "supports-unix-permissions": True,
        "rename-returns-false-if-source-missing": True,
        "rename-returns-false-if-dest-exists": True,
        "rename-overwrites-dest": False,
        "supports-atomic-rename": True,
        "supports-seek": True,
        "is-case-sensitive": True,
        "is-blobstore": False,
    }

    def __init__(self, conf, authority: str = "", user: str | None = None):
        super().__init__(conf, authority, user)
        host, _, port = (authority or "localhost").rpartition(":") if ":" in (authority or "") else (authority, "", "")
        host = host or "localhost"
        self.addr = f"{'127.0.0.1' if host == 'localhost' else host}:{port or DEFAULT_PORT}"
        self.timeout = conf.get_duration("dfs.webhdfs.socket.read-timeout", 60, unit="s", result_unit="s") \
            if conf else 60.0
        from pyhdp.hdfs.namenode.permissions import parse_umask

        self.umask = parse_umask(conf.get("fs.permissions.umask-mode", "022") if conf else "022")

    # ------------------------------------------------------------------ plumbing
    def _url(self, path: str, op: str, **params: Any) -> str:
        query = {"op": op, "user.name": self.user}
        query.update({k: v for k, v in params.items() if v is not None})
        return f"/webhdfs/v1{quote(path, safe='/')}?{urlencode(query)}"

    def _check(self, resp, path: str | None) -> None:
        if resp.status < 300:
            return
        try:
            body = json.loads(resp.body)["RemoteException"]
        except (ValueError, KeyError, TypeError):
            raise FsError(f"HTTP {resp.status} from {self.addr}: {resp.body[:200]!r}", path) from None
        raise error_from_remote(body, path)

    def _json(self, op: str, path: str, **params: Any) -> Any:
        method, _ = OPS[op]
        resp = httpclient.request(self.addr, method, self._url(path, op, **params), timeout=self.timeout)
        self._check(resp, path)
        return json.loads(resp.body) if resp.body else None

    def _location(self, op: str, path: str, **params: Any) -> str:
        """Step 1 of a data operation: the DataNode URL the NameNode redirects to."""
        method, _ = OPS[op]
        resp = httpclient.request(self.addr, method, self._url(path, op, **params), timeout=self.timeout)
        if resp.status in (301, 302, 303, 307, 308):
            return resp.headers["Location"]
        self._check(resp, path)
        try:
            return json.loads(resp.body)["Location"]
        except (ValueError, KeyError):
            raise FsError(f"No redirect location from {self.addr} for {op} {path}", path) from None

    # ------------------------------------------------------------------ metadata
    def get_file_status(self, path: str) -> FileStatus:
        return wj.status_from_json(self._json("GETFILESTATUS", path)["FileStatus"], path)

    def list_status(self, path: str) -> list[FileStatus]:
        out = []
        start = None
        while True:
            try:
                data = self._json("LISTSTATUS_BATCH", path, startAfter=start)["DirectoryListing"]
            except HadoopIllegalArgumentError:
                items = self._json("LISTSTATUS", path)["FileStatuses"]["FileStatus"]
                return [wj.status_from_json(d, path) for d in items]
            items = data["partialListing"]["FileStatuses"]["FileStatus"]
            out += [wj.status_from_json(d, path) for d in items]
            if not data.get("remainingEntries") or not items:
                return out
            start = items[-1]["pathSuffix"]

    def mkdirs(self, path: str, permission: int | None = None) -> bool:
        perm = (0o777 if permission is None else permission) & ~self.umask
        return bool(self._json("MKDIRS", path, permission=format(perm & 0o1777, "o"))["boolean"])

    def rename(self, src: str, dst: str) -> bool:
        return bool(self._json("RENAME", src, destination=dst)["boolean"])

    def delete(self, path: str, recursive: bool = False) -> bool:
        return bool(self._json("DELETE", path, recursive="true" if recursive else "false")["boolean"])

    def set_permission(self, path: str, permission: int) -> None:
        self._json("SETPERMISSION", path, permission=format(permission & 0o1777, "o"))

    def set_owner(self, path: str, owner: str | None, group: str | None) -> None:
        if owner is None and group is None:
            raise HadoopIllegalArgumentError("username == null && groupname == null")
        self._json("SETOWNER", path, owner=owner, group=group)

    def set_times(self, path: str, mtime: int, atime: int) -> None:
        self._json("SETTIMES", path, modificationtime=int(mtime), accesstime=int(atime))

    def set_replication(self, path: str, replication: int) -> bool:
        return bool(self._json("SETREPLICATION", path, replication=int(replication))["boolean"])

    def get_content_summary(self, path: str) -> ContentSummary:
        return wj.content_summary_from_json(self._json("GETCONTENTSUMMARY", path)["ContentSummary"])

    def access(self, path: str, mode: str) -> None:
        action = "".join(c if c in mode else "-" for c in "rwx")
        self._json("CHECKACCESS", path, fsaction=action)

    def get_block_locations(self, path: str, start: int, length: int) -> list[BlockLocation]:
        return wj.block_locations_from_json(self._json("GETFILEBLOCKLOCATIONS", path, offset=start, length=length))

    def truncate(self, path: str, new_length: int) -> bool:
        return bool(self._json("TRUNCATE", path, newlength=int(new_length))["boolean"])

    def concat(self, target: str, sources: list[str]) -> None:
        self._json("CONCAT", target, sources=",".join(sources))

    def default_replication(self, path: str = "/") -> int:
        return self.conf.get_int("dfs.replication", 1) if self.conf else 3

    def get_file_checksum(self, path: str) -> FileChecksum | None:
        loc = self._location("GETFILECHECKSUM", path)
        resp = _request_url(loc, "GET", None, self.timeout)
        self._check(resp, path)
        return wj.file_checksum_from_json(json.loads(resp.body)["FileChecksum"])

    # ------------------------------------------------------------------ data
    def open(self, path: str, buffer_size: int | None = None, verify_checksum: bool = True) -> IO[bytes]:
        st = self.get_file_status(path)
        if st.is_dir:
            raise PathNotFoundError(f"Path is not a file: {path}", path)
        return WebHdfsInputStream(self, path, st.length)

    def create(self, path: str, overwrite: bool = False, permission: int | None = None,
               replication: int | None = None, block_size: int | None = None,
               create_parent: bool = True) -> IO[bytes]:
        perm = (0o666 if permission is None else permission) & 0o777 & ~self.umask
        loc = self._location("CREATE", path, overwrite="true" if overwrite else "false",
                             permission=format(perm, "o"), replication=replication, blocksize=block_size,
                             createparent="true" if create_parent else "false")
        return WebHdfsOutputStream(self, path, loc, "PUT", 201)

    def append(self, path: str) -> IO[bytes]:
        loc = self._location("APPEND", path)
        return WebHdfsOutputStream(self, path, loc, "POST", 200)


def _split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.netloc, parts.path + (f"?{parts.query}" if parts.query else "")


def _request_url(url: str, method: str, body: bytes | None, timeout: float):
    addr, target = _split(url)
    return httpclient.request(addr, method, target, body, timeout=timeout)


class WebHdfsInputStream(io.RawIOBase):
    """OPEN with ``offset``; a seek re-opens at the new offset on the next read."""

    def __init__(self, fs: WebHdfsFileSystem, path: str, length: int):
        super().__init__()
        self._fs = fs
        self.path = path
        self._length = length
        self._pos = 0
        self._resp: http.client.HTTPResponse | None = None
        self._conn: http.client.HTTPConnection | None = None
        self._resp_pos = -1

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            offset += self._length
        if offset < 0:
            raise OSError(22, "Cannot seek to a negative offset")
        self._pos = offset
        return offset

    def _open_at(self, pos: int) -> None:
        self._close_resp()
        loc = self._fs._location("OPEN", self.path, offset=pos)
        addr, target = _split(loc)
        host, port = httpclient.split_addr(addr)
        self._conn = http.client.HTTPConnection(host, port, timeout=self._fs.timeout)
        self._conn.request("GET", target)
        resp = self._conn.getresponse()
        if resp.status != 200:
            body = resp.read()

            class _R:
                status = resp.status

            _R.body = body  # type: ignore[attr-defined]
            self._close_resp()
            self._fs._check(_R, self.path)
        self._resp = resp
        self._resp_pos = pos

    def read(self, size: int = -1) -> bytes:  # type: ignore[override]
        if self._pos >= self._length:
            return b""
        if self._resp is None or self._resp_pos != self._pos:
            self._open_at(self._pos)
        assert self._resp is not None
        want = self._length - self._pos if size is None or size < 0 else min(size, self._length - self._pos)
        parts = []
        while want > 0:
            data = self._resp.read(want)
            if not data:
                break
            parts.append(data)
            want -= len(data)
        out = b"".join(parts)
        self._pos += len(out)
        self._resp_pos = self._pos
        return out

    def readinto(self, b) -> int:  # type: ignore[override]
        data = self.read(len(b))
        b[: len(data)] = data
        return len(data)

    def readall(self) -> bytes:
        return self.read(-1)

    def _close_resp(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None
        self._resp = None

    def close(self) -> None:
        self._close_resp()
        super().close()


class WebHdfsOutputStream(io.RawIOBase):
    """Streams the bytes to the DataNode ``Location`` with chunked transfer encoding."""

    def __init__(self, fs: WebHdfsFileSystem, path: str, location: str, method: str, expect: int):
        super().__init__()
        self._fs = fs
        self.path = path
        self._expect = expect
        addr, target = _split(location)
        host, port = httpclient.split_addr(addr)
        self._conn = http.client.HTTPConnection(host, port, timeout=fs.timeout)
        self._conn.putrequest(method, target)
        self._conn.putheader("Content-Type", "application/octet-stream")
        self._conn.putheader("Transfer-Encoding", "chunked")
        self._conn.endheaders()
        self._pos = 0
        self._buf = bytearray()
        self._closed = False

    def writable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def write(self, b) -> int:  # type: ignore[override]
        if self._closed:
            raise ValueError("I/O operation on closed file.")
        n = len(b) if not isinstance(b, memoryview) else b.nbytes
        self._buf += b
        self._pos += n
        if len(self._buf) >= 1 << 20:
            self._send()
        return n

    def _send(self) -> None:
        if self._buf:
            try:
                self._conn.send(b"%x\r\n" % len(self._buf) + bytes(self._buf) + b"\r\n")
            except OSError as e:
                raise FsError(f"Writing {self.path} to the DataNode failed: {e}", self.path) from e
            self._buf = bytearray()

    @property
    def closed(self) -> bool:  # type: ignore[override]
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._send()
            self._conn.send(b"0\r\n\r\n")
            resp = self._conn.getresponse()
            body = resp.read()

            class _R:
                status = resp.status

            _R.body = body  # type: ignore[attr-defined]
            if resp.status != self._expect:
                self._fs._check(_R, self.path)
        finally:
            self._conn.close()
            super().close()


def _parent(path: str) -> str:
    return posixpath.dirname(path.rstrip("/")) or "/"
