"""What both daemons share: addresses from configuration, the asyncio run loop with
graceful SIGTERM, readiness for ``--daemon start``, Hadoop's STARTUP/SHUTDOWN banners."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import Awaitable, Callable

from pyhdp.errors import ConfigError

log = logging.getLogger("pyhdp.hdfs.server")


def nn_rpc_address(conf) -> str:
    """``host:port`` of the NameNode's client endpoint: ``dfs.namenode.rpc-address``, else the
    authority of ``fs.defaultFS`` (port 8020 when omitted)."""
    addr = (conf.get_trimmed("dfs.namenode.rpc-address", "") or "").strip()
    if not addr:
        from pyhdp.fs.registry import default_uri

        scheme, authority = default_uri(conf)
        if scheme != "hdfs" or not authority:
            raise ConfigError(
                f"Invalid URI for NameNode address (check fs.defaultFS): {conf.get('fs.defaultFS')} is not of "
                "scheme 'hdfs'.")
        addr = authority
    if ":" not in addr:
        addr += ":8020"
    return addr


def client_addr(addr: str) -> str:
    """An address to connect to: ``localhost``/``0.0.0.0`` become ``127.0.0.1``."""
    host, _, port = addr.rpartition(":")
    if host in ("", "0.0.0.0", "localhost", "::", "[::]"):
        host = "127.0.0.1"
    return f"{host}:{port}"


def bind_addr(addr: str, bind_host: str | None = None) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    try:
        port_n = int(port)
    except ValueError:
        raise ConfigError(f"Does not contain a valid host:port authority: {addr}") from None
    if bind_host:
        host = bind_host
    if host in ("", "localhost"):
        host = "127.0.0.1"
    return host, port_n


def advertised_ip(host: str) -> str:
    if host in ("0.0.0.0", "", "::"):
        try:
            return socket.gethostbyname(socket.gethostname())
        except OSError:
            return "127.0.0.1"
    try:
        return socket.gethostbyname(host)
    except OSError:
        return host


def startup_banner(name: str, args: list[str]) -> None:
    from pyhdp import __version__

    host = socket.gethostname()
    lines = [
        "STARTUP_MSG: ",
        "/************************************************************",
        f"STARTUP_MSG: Starting {name}",
        f"STARTUP_MSG:   host = {host}/{advertised_ip('0.0.0.0')}",
        f"STARTUP_MSG:   args = {args}",
        f"STARTUP_MSG:   version = {__version__}",
        f"STARTUP_MSG:   python = {sys.version.split()[0]}",
        "************************************************************/",
    ]
    log.info("\n".join(lines))


def shutdown_banner(name: str) -> None:
    host = socket.gethostname()
    log.info("SHUTDOWN_MSG: \n/************************************************************\n"
             f"SHUTDOWN_MSG: Shutting down {name} at {host}/{advertised_ip('0.0.0.0')}\n"
             "************************************************************/")


def run_daemon(main: Callable[[asyncio.Event], Awaitable[None]]) -> int:
    """Run ``main(stop_event)`` until SIGTERM/SIGINT sets the event; then it cleans up."""

    import faulthandler

    try:
        faulthandler.register(signal.SIGQUIT, all_threads=True)  # kill -3 dumps the threads, as a JVM does
    except (AttributeError, ValueError, OSError):
        pass

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            try:
                loop.add_signal_handler(sig, stop.set)
            except (NotImplementedError, RuntimeError):
                pass
        await main(stop)

    try:
        asyncio.run(runner())
    except KeyboardInterrupt:
        return 130
    return 0


def notify_ready() -> None:
    try:
        from pyhdp.cluster import daemon

        daemon.notify_ready()
    except ImportError:
        pass


def will_notify_ready() -> None:
    try:
        from pyhdp.cluster import daemon

        daemon.will_notify_ready()
    except ImportError:
        pass


def pid_host() -> str:
    return f"{os.getpid()}@{socket.gethostname()}"


async def start_site(app, host: str, port: int, what: str):
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True, backlog=1024)
    try:
        await site.start()
    except OSError as e:
        await runner.cleanup()
        raise ConfigError(f"Failed to start {what} on {host}:{port}: Port in use or not available: {e.strerror}"
                          ) from e
    return runner
