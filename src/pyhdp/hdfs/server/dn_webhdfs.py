"""WebHDFS on the DataNode (``DatanodeWebHdfsMethods``): the second step of OPEN, CREATE,
APPEND and GETFILECHECKSUM, done as a DFS client of the NameNode named by
``namenoderpcaddress`` for the ``user.name`` of the request."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pyhdp.errors import FsError
from pyhdp.hdfs.server.nn_http import error_response, json_response
from pyhdp.hdfs.server.webhdfs_params import ParamError, Params, op_of, webhdfs_path
from pyhdp.net import webhdfs_json as wj

if TYPE_CHECKING:
    from pyhdp.hdfs.server.datanode import DataNode

KNOWN = {"GET": {"OPEN", "GETFILECHECKSUM"}, "PUT": {"CREATE"}, "POST": {"APPEND"}}
CHUNK = 1 << 20


class DataNodeWebHdfs:
    def __init__(self, dn: DataNode):
        self.dn = dn

    def client(self, user: str, nn_addr: str):
        from pyhdp.hdfs.remote import RemoteDistributedFileSystem
        from pyhdp.hdfs.server.common import client_addr

        conf = self.dn.conf.copy()
        conf.set("fs.defaultFS", f"hdfs://{nn_addr}")
        fs = RemoteDistributedFileSystem(conf, nn_addr, user)
        fs.rpc_addr = client_addr(nn_addr)
        fs.umask = 0
        return fs

    async def handle(self, request):
        try:
            params = Params(request.query, self.dn.conf)
            op = op_of(request.method, params, KNOWN.get(request.method, set()))
            path = webhdfs_path(request.match_info.get("path", ""))
            user = params.user()
            nn_addr = params.get("namenoderpcaddress")
            if not nn_addr:
                raise ValueError("namenoderpcaddress is not specified.")
            if nn_addr.rpartition(":")[0] in ("", "0.0.0.0") or not nn_addr.rpartition(":")[2].isdigit():
                raise ParamError("namenoderpcaddress", f"Does not contain a valid host:port authority: {nn_addr}")
            if _norm(nn_addr) != _norm(self.dn.nn_addr):
                # the DataNode acts for its own NameNode only: it is no open proxy to other addresses
                raise PermissionError(f"namenoderpcaddress {nn_addr} is not the NameNode of this DataNode")
            fs = self.client(user, nn_addr)
            return await getattr(self, f"op_{op.lower()}")(request, params, path, fs, nn_addr)
        except Exception as e:  # noqa: BLE001
            return error_response(e)

    async def op_open(self, request, params, path, fs, nn_addr):
        from aiohttp import web

        offset = params.long("offset", 0, minimum=0) or 0
        length = params.long("length", None, minimum=0)
        stream = await asyncio.to_thread(fs.open, path)
        try:
            size = stream._length
            if offset > size:
                raise FsError(f"Offset={offset} out of the range [0, {size}); OPEN, path={path}", path)
            end = size if length is None else min(size, offset + length)
            stream.seek(offset)
            first = await asyncio.to_thread(stream.read, min(CHUNK, end - offset))
            resp = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
            resp.content_length = end - offset
            await resp.prepare(request)
            pos = offset + len(first)
            if first:
                await resp.write(first)
            while pos < end:
                data = await asyncio.to_thread(stream.read, min(CHUNK, end - pos))
                if not data:
                    break
                await resp.write(data)
                pos += len(data)
            await resp.write_eof()
            return resp
        finally:
            stream.close()

    async def op_getfilechecksum(self, request, params, path, fs, nn_addr):
        ck = await asyncio.to_thread(fs.get_file_checksum, path)
        return json_response(wj.file_checksum(ck))

    async def _copy_body(self, request, out) -> None:
        async for chunk in request.content.iter_chunked(CHUNK):
            await asyncio.to_thread(out.write, chunk)
        await asyncio.to_thread(out.close)

    async def op_create(self, request, params, path, fs, nn_addr):
        from aiohttp import web

        perm = params.permission("permission", 0o644)
        repl = params.short("replication", None, minimum=1)
        bs = params.long("blocksize", None, minimum=1)
        out = await asyncio.to_thread(fs.create, path, params.bool("overwrite"), perm, repl, bs,
                                      params.bool("createparent", True))
        try:
            await self._copy_body(request, out)
        except BaseException:
            await asyncio.to_thread(out.close)
            raise
        return web.Response(status=201, headers={"Location": f"hdfs://{nn_addr}{path}", "Content-Length": "0"})

    async def op_append(self, request, params, path, fs, nn_addr):
        from aiohttp import web

        out = await asyncio.to_thread(fs.append, path)
        try:
            await self._copy_body(request, out)
        except BaseException:
            await asyncio.to_thread(out.close)
            raise
        return web.Response(status=200, headers={"Content-Length": "0"})


def _norm(addr: str) -> str:
    from pyhdp.hdfs.server.common import client_addr

    host, _, port = addr.rpartition(":")
    try:
        import socket

        host = socket.gethostbyname(host)
    except OSError:
        pass
    return client_addr(f"{host}:{port}")
