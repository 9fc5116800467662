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


def rpc_app(nn: NameNode):
    from aiohttp import web

    async def rpc(request: web.Request) -> web.Response:
        body = await request.read()
        try:
            req = json.loads(body)
        except ValueError:
            return json_response({"e": {"exception": "IllegalArgumentException", "class": "ValueError",
                                        "module": "builtins", "message": "Malformed RPC request"}}, 400)
        ip = request.remote or ""
        if isinstance(req, list):
            out = [nn.dispatch(r, ip) for r in req]
        elif isinstance(req, dict):
            out = nn.dispatch(req, ip)
        else:
            return json_response({"e": {"exception": "IllegalArgumentException", "class": "ValueError",
                                        "module": "builtins", "message": "Malformed RPC request"}}, 400)
        return web.Response(body=_dumps(out), content_type="application/json")

    def dn_endpoint(fn):
        async def handler(request: web.Request) -> web.Response:
            body = await request.read()
            try:
                auth.verify_request(nn.secret, request.method, request.path_qs, body, request.headers.get(auth.HEADER))
                payload = json.loads(body or b"{}")
                if not isinstance(payload, dict) or not isinstance(payload.get("uuid", ""), str):
                    raise ValueError("Malformed DataNode request")
                return json_response(fn(payload))
            except auth.AuthError as e:
                log.warning("Refused DataNode request %s from %s: %s", request.path, request.remote, e)
                return json_response({"RemoteException": {
                    "exception": "SecurityException", "javaClassName": "java.lang.SecurityException",
                    "message": str(e)}}, 403)
            except (KeyError, TypeError) as e:
                return error_response(ValueError(f"Malformed DataNode request: {e}"))
            except Exception as e:  # noqa: BLE001
                return error_response(e)

        return handler

    async def probe(request: web.Request) -> web.Response:
        return json_response({"service": "pyhdp-namenode", "bpid": nn.bpid})

    app = web.Application(client_max_size=256 * 1024 * 1024)
    app.router.add_post("/rpc", rpc)
    app.router.add_get("/", probe)
    app.router.add_post("/dn/register", dn_endpoint(nn.dn_register))
    app.router.add_post("/dn/heartbeat", dn_endpoint(nn.dn_heartbeat))
    app.router.add_post("/dn/blockReport", dn_endpoint(nn.dn_block_report))
    app.router.add_post("/dn/received", dn_endpoint(nn.dn_received))
    app.router.add_post("/dn/bad", dn_endpoint(nn.dn_bad))
    return app


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
