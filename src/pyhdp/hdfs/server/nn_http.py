"""The NameNode's aiohttp applications: the client/DataNode endpoint and the web server."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from pyhdp.net import auth
from pyhdp.net.errors import remote_exception

if TYPE_CHECKING:
    from pyhdp.hdfs.server.namenode import NameNode

log = logging.getLogger("pyhdp.hdfs.server.namenode")


def _dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def json_response(obj, status: int = 200, headers: dict | None = None):
    from aiohttp import web

    return web.Response(body=_dumps(obj), status=status, content_type="application/json", headers=headers)


def error_response(exc: BaseException):
    status, body = remote_exception(exc)
    return json_response(body, status)


def rpc_handler(nn: NameNode):
    """The client/DataNode endpoint (served by :mod:`pyhdp.net.leanhttp`): ``POST /rpc`` (one call or a
    batch), ``POST /dn/...`` (HMAC-signed DataNode protocol), ``GET /`` (who is this)."""
    dn_routes = {"/dn/register": nn.dn_register, "/dn/heartbeat": nn.dn_heartbeat,
                 "/dn/blockReport": nn.dn_block_report, "/dn/received": nn.dn_received, "/dn/bad": nn.dn_bad}
    json_type = "application/json"

    def malformed(message: str) -> tuple[int, bytes, str]:
        return 400, _dumps({"e": {"exception": "IllegalArgumentException", "class": "ValueError",
                                  "module": "builtins", "message": message}}), json_type

    def remote(exc: BaseException) -> tuple[int, bytes, str]:
        status, body = remote_exception(exc)
        return status, _dumps(body), json_type

    def handle(method: str, target: str, headers: dict[str, str], body: bytes, peer: str) -> tuple[int, bytes, str]:
        path = target.split("?", 1)[0]
        if method == "POST" and path == "/rpc":
            try:
                req = json.loads(body)
            except ValueError:
                return malformed("Malformed RPC request")
            if isinstance(req, list):
                return 200, _dumps([nn.dispatch(r, peer) if isinstance(r, dict) else {"e": {
                    "exception": "IllegalArgumentException", "class": "ValueError", "module": "builtins",
                    "message": "Malformed RPC request"}} for r in req]), json_type
            if not isinstance(req, dict):
                return malformed("Malformed RPC request")
            return 200, _dumps(nn.dispatch(req, peer)), json_type
        fn = dn_routes.get(path)
        if method == "POST" and fn is not None:
            try:
                auth.verify_request(nn.secret, method, target, body, headers.get(auth.HEADER.lower()))
                payload = json.loads(body or b"{}")
                if not isinstance(payload, dict) or not isinstance(payload.get("uuid", ""), str):
                    raise ValueError("Malformed DataNode request")
                return 200, _dumps(fn(payload)), json_type
            except auth.AuthError as e:
                log.warning("Refused DataNode request %s from %s: %s", path, peer, e)
                return 403, _dumps({"RemoteException": {
                    "exception": "SecurityException", "javaClassName": "java.lang.SecurityException",
                    "message": str(e)}}), json_type
            except (KeyError, TypeError) as e:
                return remote(ValueError(f"Malformed DataNode request: {e}"))
            except Exception as e:  # noqa: BLE001
                return remote(e)
        if method == "GET" and path == "/":
            return 200, _dumps({"service": "pyhdp-namenode", "bpid": nn.bpid}), json_type
        if method == "GET" and path == "/imagetransfer":
            try:
                auth.verify_request(nn.secret, method, target, body, headers.get(auth.HEADER.lower()))
            except auth.AuthError as e:
                log.warning("Refused an image transfer to %s: %s", peer, e)
                return 403, _dumps({"RemoteException": {
                    "exception": "SecurityException", "javaClassName": "java.lang.SecurityException",
                    "message": str(e)}}), json_type
            data, txid = nn.image()
            version = nn.storage.read_version().to_text().replace("\n", "\\n")
            return 200, data, "application/octet-stream", {"X-Image-Txid": str(txid), "X-Image-Version": version}
        return 404, _dumps({"RemoteException": {"exception": "FileNotFoundException",
                                                "javaClassName": "java.io.FileNotFoundException",
                                                "message": f"No such endpoint: {method} {path}"}}), json_type

    return handle


def http_app(nn: NameNode):
    from aiohttp import web

    from pyhdp.hdfs.server import status, webhdfs_nn

    app = web.Application()
    handler = webhdfs_nn.WebHdfsHandler(nn)
    for method in ("GET", "PUT", "POST", "DELETE"):
        app.router.add_route(method, "/webhdfs/v1", handler.handle)
        app.router.add_route(method, "/webhdfs/v1/{path:.*}", handler.handle)
    app.router.add_get("/", status.page(nn))
    app.router.add_get("/dfshealth.html", status.page(nn))
    app.router.add_get("/jmx", status.jmx(nn))
    return app
