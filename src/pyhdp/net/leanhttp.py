"""A lean HTTP/1.1 server for pyhdp's own small-message endpoints (the NameNode's client port).

The NameNode's client protocol is many tiny request/response pairs on keep-alive
connections; a general web framework costs several times the work of the operation itself.
This :class:`asyncio.Protocol` parses just what pyhdp's clients send (a request line, headers,
a ``Content-Length`` body), calls a synchronous handler and writes one response, with
``TCP_NODELAY``.  Chunked request bodies are refused (411), oversized ones too (413).
WebHDFS and the web pages stay on aiohttp.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable

log = logging.getLogger("pyhdp.net.leanhttp")

MAX_HEADER = 64 * 1024
REASONS = {200: b"OK", 400: b"Bad Request", 403: b"Forbidden", 404: b"Not Found", 405: b"Method Not Allowed",
           411: b"Length Required", 413: b"Payload Too Large", 500: b"Internal Server Error"}

#: handler(method, target, headers (lower-case names), body, peer ip) -> (status, body, content type[, headers])
Handler = Callable[[str, str, dict[str, str], bytes, str], tuple[int, bytes, str]]


class LeanHttpProtocol(asyncio.Protocol):
    def __init__(self, handler: Handler, max_body: int):
        self.handler = handler
        self.max_body = max_body
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.peer = ""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        self.transport = transport
        sock = transport.get_extra_info("socket")
        if sock is not None:
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if peer else ""

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while self.transport is not None and not self.transport.is_closing():
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEADER:
                    self._reply(413, b"", "text/plain", False)
                return
            try:
                head = bytes(self.buf[:end]).decode("latin-1")
                lines = head.split("\r\n")
                method, target, version = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    k, _, v = line.partition(":")
                    headers[k.strip().lower()] = v.strip()
                length = int(headers.get("content-length", "0") or "0")
            except ValueError:
                self._reply(400, b"", "text/plain", False)
                return
            if "chunked" in headers.get("transfer-encoding", "").lower():
                self._reply(411, b"", "text/plain", False)
                return
            if length < 0 or length > self.max_body:
                self._reply(413, b"", "text/plain", False)
                return
            start = end + 4
            if len(self.buf) < start + length:
                return
            body = bytes(self.buf[start: start + length])
            del self.buf[: start + length]
            keep = version == "HTTP/1.1" and headers.get("connection", "").lower() != "close"
            extra: dict[str, str] = {}
            try:
                result = self.handler(method, target, headers, body, self.peer)
                status, out, ctype = result[0], result[1], result[2]
                if len(result) > 3:
                    extra = result[3]  # type: ignore[misc]
            except Exception:  # noqa: BLE001 - a handler bug must not kill the connection silently
                log.exception("Handler failed for %s %s", method, target)
                status, out, ctype = 500, b"", "text/plain"
            self._reply(status, out, ctype, keep, extra)

    def _reply(self, status: int, body: bytes, ctype: str, keep: bool, extra: dict[str, str] | None = None) -> None:
        assert self.transport is not None
        more = "".join(f"{k}: {v}\r\n" for k, v in (extra or {}).items()).encode("latin-1")
        head = (b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s%s\r\n"
                % (status, REASONS.get(status, b"Unknown"), ctype.encode(), len(body), more,
                   b"" if keep else b"Connection: close\r\n"))
        self.transport.write(head + body)
        if not keep:
            self.transport.close()

    def connection_lost(self, exc) -> None:  # type: ignore[override]
        self.transport = None


async def serve(handler: Handler, host: str, port: int, max_body: int = 256 * 1024 * 1024) -> asyncio.AbstractServer:
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: LeanHttpProtocol(handler, max_body), host, port, reuse_address=True,
                                    backlog=1024)
