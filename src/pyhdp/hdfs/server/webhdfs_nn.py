"""WebHDFS on the NameNode (``NamenodeWebHdfsMethods``): metadata operations answered from the
namespace core, data operations (OPEN, CREATE, APPEND, GETFILECHECKSUM) redirected (307) to a
DataNode, or described with ``noredirect=true``."""

from __future__ import annotations

import posixpath
import random
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from pyhdp.errors import FsError, HadoopIllegalArgumentError, PathNotFoundError, UnsupportedOperationError
from pyhdp.fs.base import BlockLocation
from pyhdp.hdfs.server.nn_http import error_response, json_response
from pyhdp.hdfs.server.webhdfs_params import ParamError, Params, op_of, quote_path, webhdfs_path
from pyhdp.net import webhdfs_json as wj

if TYPE_CHECKING:
    from pyhdp.hdfs.server.namenode import NameNode

GET_OPS = {"OPEN", "GETFILESTATUS", "LISTSTATUS", "LISTSTATUS_BATCH", "GETCONTENTSUMMARY", "GETQUOTAUSAGE",
           "GETFILECHECKSUM", "GETHOMEDIRECTORY", "GETDELEGATIONTOKEN", "GETTRASHROOT", "GETXATTRS", "LISTXATTRS",
           "GETACLSTATUS", "CHECKACCESS", "GETALLSTORAGEPOLICY", "GETSTORAGEPOLICY", "GETFILEBLOCKLOCATIONS",
           "GET_BLOCK_LOCATIONS", "GETSNAPSHOTDIFF", "GETSNAPSHOTTABLEDIRECTORYLIST", "GETSERVERDEFAULTS",
           "GETSTATUS", "GETECPOLICY", "GETSNAPSHOTLIST", "GETLINKTARGET", "GETFILELINKSTATUS",
           "GETDELEGATIONTOKENS", "NULL"}
PUT_OPS = {"CREATE", "MKDIRS", "CREATESYMLINK", "RENAME", "SETREPLICATION", "SETOWNER", "SETPERMISSION",
           "SETTIMES", "RENEWDELEGATIONTOKEN", "CANCELDELEGATIONTOKEN", "MODIFYACLENTRIES", "REMOVEACLENTRIES",
           "REMOVEDEFAULTACL", "REMOVEACL", "SETACL", "SETXATTR", "REMOVEXATTR", "ALLOWSNAPSHOT",
           "DISALLOWSNAPSHOT", "CREATESNAPSHOT", "RENAMESNAPSHOT", "SETSTORAGEPOLICY", "SATISFYSTORAGEPOLICY",
           "ENABLEECPOLICY", "DISABLEECPOLICY", "SETECPOLICY", "NULL"}
POST_OPS = {"APPEND", "CONCAT", "TRUNCATE", "UNSETSTORAGEPOLICY", "UNSETECPOLICY", "NULL"}
DELETE_OPS = {"DELETE", "DELETESNAPSHOT", "NULL"}
KNOWN = {"GET": GET_OPS, "PUT": PUT_OPS, "POST": POST_OPS, "DELETE": DELETE_OPS}


class WebHdfsHandler:
    def __init__(self, nn: NameNode):
        self.nn = nn
        self.conf = nn.conf

    async def handle(self, request):
        from aiohttp import web

        try:
            params = Params(request.query, self.conf)
            op = op_of(request.method, params, KNOWN.get(request.method, set()))
            path = webhdfs_path(request.match_info.get("path", ""))
            user = params.user()
            fn = getattr(self, f"op_{op.lower()}", None)
            if fn is None:
                raise UnsupportedOperationError(f"{op} is not supported")
            return await fn(request, params, path, user)
        except Exception as e:  # noqa: BLE001 - every error becomes a RemoteException
            return error_response(e)
        finally:
            del web

    # ------------------------------------------------------------------ helpers
    def call(self, user: str, op: str, **kw):
        from pyhdp.hdfs.namenode.protocol import call

        return call(self.nn.ns, self.nn.caller(user, "webhdfs"), op, **kw)

    def status(self, user: str, path: str):
        st = self.call(user, "getFileInfo", path=path)
        if st is None:
            raise PathNotFoundError(f"File does not exist: {path}", path)
        return st

    def _redirect(self, request, params: Params, path: str, user: str, op: str, dn, extra: dict[str, str]):
        if dn is None:
            excluded = params.get("excludedatanodes") or "null"
            raise FsError(f"Failed to find datanode, suggest to check cluster health. excludeDatanodes={excluded}")
        query = {"op": op, "user.name": user, "namenoderpcaddress": self.nn.rpc_client_address}
        query.update({k: v for k, v in extra.items() if v is not None})
        location = f"http://{dn.http_addr}/webhdfs/v1{quote_path(path)}?{urlencode(query)}"
        if params.bool("noredirect"):
            return json_response({"Location": location})
        from aiohttp import web

        return web.Response(status=307, headers={"Location": location, "Content-Type": "application/octet-stream"})

    def _excluded(self, params: Params) -> set[str]:
        return {x.strip() for x in (params.get("excludedatanodes") or "").split(",") if x.strip()}

    def _any_dn(self, params: Params, remote: str | None):
        nodes = self.nn.bm.choose_targets(1, 0, writer_ip=remote, exclude_names=self._excluded(params))
        return nodes[0] if nodes else None

    def _dn_with(self, block_id: int, params: Params):
        excluded = self._excluded(params)
        nodes = [d for d in self.nn.bm.replicas_of(block_id)
                 if d.name not in excluded and d.http_addr not in excluded and d.hostname not in excluded]
        return random.choice(nodes) if nodes else None

    # ------------------------------------------------------------------ GET
    async def op_open(self, request, params, path, user):
        offset = params.long("offset", 0, minimum=0) or 0
        length = params.long("length", None, minimum=0)
        node, blocks = self.call(user, "getBlockLocations", path=path)
        size = sum(b.length for b in blocks)
        if offset > size:
            raise FsError(f"Offset={offset} out of the range [0, {size}); OPEN, path={path}", path)
        dn = None
        for b in blocks:
            if b.offset <= offset < b.offset + b.length:
                dn = self._dn_with(b.block_id, params)
                break
        if dn is None:
            dn = self._any_dn(params, request.remote) if offset >= size or not blocks else None
        if dn is None and blocks:
            raise FsError(f"Could not obtain block containing offset {offset} of {path}: no live replica", path)
        extra = {"offset": str(offset), "length": None if length is None else str(length),
                 "buffersize": params.get("buffersize")}
        return self._redirect(request, params, path, user, "OPEN", dn, extra)

    async def op_getfilechecksum(self, request, params, path, user):
        node, blocks = self.call(user, "getBlockLocations", path=path)
        dn = self._dn_with(blocks[0].block_id, params) if blocks else None
        dn = dn or self._any_dn(params, request.remote)
        return self._redirect(request, params, path, user, "GETFILECHECKSUM", dn, {})

    async def op_getfilestatus(self, request, params, path, user):
        return json_response({"FileStatus": wj.file_status(self.status(user, path))})

    async def op_liststatus(self, request, params, path, user):
        sts = self.call(user, "getListing", path=path)
        single = len(sts) == 1 and sts[0].path == path and not sts[0].is_dir
        items = [wj.file_status(s, "" if single else posixpath.basename(s.path)) for s in sts]
        return json_response({"FileStatuses": {"FileStatus": items}})

    async def op_liststatus_batch(self, request, params, path, user):
        sts = self.call(user, "getListing", path=path)
        start = params.get("startafter") or ""
        single = len(sts) == 1 and sts[0].path == path and not sts[0].is_dir
        names = [("" if single else posixpath.basename(s.path), s) for s in sts]
        if start:
            key = start.encode()
            names = [(n, s) for n, s in names if n.encode() > key]
        limit = max(1, self.conf.get_int("dfs.ls.limit", 1000))
        batch = names[:limit]
        return json_response({"DirectoryListing": {
            "partialListing": {"FileStatuses": {"FileStatus": [wj.file_status(s, n) for n, s in batch]}},
            "remainingEntries": len(names) - len(batch)}})

    async def op_getcontentsummary(self, request, params, path, user):
        return json_response(wj.content_summary(self.call(user, "getContentSummary", path=path)))

    async def op_getquotausage(self, request, params, path, user):
        return json_response(wj.quota_usage(self.call(user, "getContentSummary", path=path)))

    def _home(self, user: str) -> str:
        prefix = self.conf.get_trimmed("dfs.user.home.dir.prefix", "/user") or "/user"
        return f"{prefix.rstrip('/')}/{user}"

    async def op_gethomedirectory(self, request, params, path, user):
        return json_response({"Path": self._home(user)})

    async def op_gettrashroot(self, request, params, path, user):
        return json_response({"Path": f"{self._home(user)}/.Trash"})

    async def op_getdelegationtoken(self, request, params, path, user):
        return json_response({"Token": None})

    async def op_checkaccess(self, request, params, path, user):
        action = params.get("fsaction") or params.get("access") or ""
        if not wj.FSACTION_PATTERN.match(action):
            raise ParamError("fsaction", f'Invalid value: "{action}" does not belong to the domain '
                                         f"{wj.FSACTION_PATTERN.pattern}")
        self.nn.daemon_op("checkAccess", self.nn.caller(user, "webhdfs"), {"path": path, "mode": action}, {})
        return _empty()

    async def op_getallstoragepolicy(self, request, params, path, user):
        return json_response({"BlockStoragePolicies": {"BlockStoragePolicy": wj.STORAGE_POLICIES}})

    async def op_getstoragepolicy(self, request, params, path, user):
        self.status(user, path)
        return json_response({"BlockStoragePolicy": wj.STORAGE_POLICIES[3]})

    async def op_getfileblocklocations(self, request, params, path, user):
        offset = params.long("offset", 0, minimum=0) or 0
        length = params.long("length", None, minimum=0)
        node, blocks = self.call(user, "getBlockLocations", path=path)
        end = None if length is None else offset + length
        out = []
        for b in blocks:
            if b.offset + b.length <= offset or (end is not None and b.offset >= end):
                continue
            nodes = self.nn.bm.replicas_of(b.block_id)
            out.append(BlockLocation(b.offset, b.length, [d.hostname for d in nodes], [d.name for d in nodes],
                                     [f"/default-rack/{d.name}" for d in nodes], b.block_id, b.genstamp,
                                     not nodes and bool(self.nn.bm.corrupt.get(b.block_id))))
        return json_response(wj.block_locations(out))

    op_get_block_locations = op_getfileblocklocations

    async def op_getserverdefaults(self, request, params, path, user):
        c = self.conf
        return json_response({"FsServerDefaults": {
            "blockSize": c.get_size("dfs.blocksize", 134217728), "bytesPerChecksum": c.get_int("dfs.bytes-per-checksum", 512),
            # DataChecksum.Type.id, a number (Hadoop's JSON client casts it to Number)
            "checksumType": {"NULL": 0, "CRC32": 1, "CRC32C": 2}.get(c.get("dfs.checksum.type", "CRC32C").upper(), 2),
            "defaultStoragePolicyId": 7, "encryptDataTransfer": False,
            "fileBufferSize": c.get_int("io.file.buffer.size", 4096), "keyProviderUri": "",
            "replication": c.get_int("dfs.replication", 1), "trashInterval": c.get_int("fs.trash.interval", 0),
            "writePacketSize": c.get_int("dfs.client-write-packet-size", 65536)}})

    # ------------------------------------------------------------------ PUT
    async def op_create(self, request, params, path, user):
        # a body sent to the NameNode is not read (no 100-continue): the data goes to the DataNode
        params.permission("permission")
        params.permission("unmaskedpermission")
        params.short("replication", None, minimum=1)
        params.long("blocksize", None, minimum=1)
        params.bool("overwrite")
        params.bool("createparent", True)
        dn = self._any_dn(params, request.remote)
        extra = {k: params.get(k) for k in ("overwrite", "blocksize", "replication", "permission",
                                            "unmaskedpermission", "buffersize")}
        extra["createflag"] = params.get("createflag") or ""
        extra["createparent"] = "true" if params.bool("createparent", True) else "false"
        return self._redirect(request, params, path, user, "CREATE", dn, extra)

    async def op_mkdirs(self, request, params, path, user):
        perm = params.permission("permission", 0o755)
        return json_response({"boolean": self.call(user, "mkdirs", path=path, masked=perm, create_parent=True)})

    async def op_rename(self, request, params, path, user):
        dst = params.get("destination")
        if not dst:
            raise ParamError("destination", "destination is not specified.")
        dst = webhdfs_path(dst)
        return json_response({"boolean": self.call(user, "rename", src=path, dst=dst)})

    async def op_setreplication(self, request, params, path, user):
        repl = params.short("replication", self.conf.get_int("dfs.replication", 1), minimum=1)
        return json_response({"boolean": self.call(user, "setReplication", path=path, replication=repl)})

    async def op_setowner(self, request, params, path, user):
        owner, group = params.get("owner") or None, params.get("group") or None
        if owner is None and group is None:
            raise HadoopIllegalArgumentError("Both owner and group are empty.")
        self.call(user, "setOwner", path=path, owner=owner, group=group)
        return _empty()

    async def op_setpermission(self, request, params, path, user):
        self.call(user, "setPermission", path=path, permission=params.permission("permission", 0o755))
        return _empty()

    async def op_settimes(self, request, params, path, user):
        mtime = params.long("modificationtime", -1, minimum=-1)
        atime = params.long("accesstime", -1, minimum=-1)
        if mtime == -1 and atime == -1:
            self.status(user, path)
            return _empty()
        self.call(user, "setTimes", path=path, mtime=mtime, atime=atime)
        return _empty()

    async def op_renewdelegationtoken(self, request, params, path, user):
        raise UnsupportedOperationError("Delegation tokens are not used with simple authentication")

    op_canceldelegationtoken = op_renewdelegationtoken

    async def op_createsymlink(self, request, params, path, user):
        raise UnsupportedOperationError("Symlinks not supported")

    async def op_setstoragepolicy(self, request, params, path, user):
        self.status(user, path)
        name = (params.get("storagepolicy") or "").upper()
        if name not in {p["name"] for p in wj.STORAGE_POLICIES}:
            raise HadoopIllegalArgumentError(f"Cannot find a block policy with the name {name}")
        return _empty()

    # ------------------------------------------------------------------ POST
    async def op_append(self, request, params, path, user):
        node, blocks = self.call(user, "getBlockLocations", path=path)
        dn = self._dn_with(blocks[-1].block_id, params) if blocks else None
        dn = dn or self._any_dn(params, request.remote)
        return self._redirect(request, params, path, user, "APPEND", dn, {"buffersize": params.get("buffersize")})

    async def op_concat(self, request, params, path, user):
        sources = [s for s in (params.get("sources") or "").split(",") if s]
        if not sources:
            raise ParamError("sources", "sources is not specified.")
        self.call(user, "concat", target=path, srcs=[webhdfs_path(s) for s in sources])
        return _empty()

    async def op_truncate(self, request, params, path, user):
        newlength = params.long("newlength", None, minimum=0)
        if newlength is None:
            raise ParamError("newlength", "newlength is not specified.")
        from pyhdp.hdfs.namenode.files import Holder

        holder = Holder(f"webhdfs_{user}", 0, "", "webhdfs")
        result = self.nn.core_op("truncate", self.nn.caller(user, "webhdfs"),
                                 {"path": path, "new_length": newlength, "holder": holder}, {}, request.remote)[0]
        return json_response({"boolean": bool(result[0])})

    async def op_unsetstoragepolicy(self, request, params, path, user):
        self.status(user, path)
        return _empty()

    # ------------------------------------------------------------------ DELETE
    async def op_delete(self, request, params, path, user):
        return json_response({"boolean": self.call(user, "delete", path=path, recursive=params.bool("recursive"))})


def _empty():
    from aiohttp import web

    return web.Response(status=200, headers={"Content-Type": "application/octet-stream"})
