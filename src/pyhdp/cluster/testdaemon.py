"""``pyhdp selftest-daemon``: a foreground process that idles until stopped, for testing ``--daemon``.

It is a real daemon for the daemon machinery (``pyhdp --daemon start selftest-daemon``) and
for the worker fan-out, with knobs to make it fail the ways real daemons fail::

    pyhdp selftest-daemon [--listen HOST:PORT] [--notify] [--exit-after S] [--exit-code N]
                          [--fail MESSAGE] [--ignore-sigterm]

``--listen`` binds a TCP port (``HOST:PORT`` binds this host's cluster name, ``PYHDP_HOST``) and
answers every connection with ``<host> <pid>`` (so a test can see which network a daemon lives
in; a port in use fails at once as a real daemon does);
``--notify`` uses the readiness protocol of :mod:`pyhdp.cluster.daemon`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import time

LOG = logging.getLogger("cluster.SelfTestDaemon")

USAGE = ("Usage: pyhdp selftest-daemon [--listen HOST:PORT] [--notify] [--exit-after S] [--exit-code N] "
         "[--fail MESSAGE] [--ignore-sigterm]")


def run(args: list[str], conf) -> int:
    from pyhdp.cluster import daemon
    from pyhdp.cluster.workers import this_host
    from pyhdp.errors import UsageError

    listen = fail = None
    exit_after: float | None = None
    exit_code = 0
    notify = ignore_term = False
    i = 0
    try:
        while i < len(args):
            a = args[i]
            if a in ("--listen", "--exit-after", "--exit-code", "--fail"):
                if i + 1 >= len(args):
                    raise UsageError(f"{a} needs a value\n{USAGE}")
                v = args[i + 1]
                i += 2
                if a == "--listen":
                    listen = v
                elif a == "--exit-after":
                    exit_after = float(v)
                elif a == "--exit-code":
                    exit_code = int(v)
                else:
                    fail = v
            elif a == "--notify":
                notify = True
                i += 1
            elif a == "--ignore-sigterm":
                ignore_term = True
                i += 1
            else:
                raise UsageError(f"Unknown option {a}\n{USAGE}")
    except ValueError as e:
        raise UsageError(f"bad value: {e}\n{USAGE}") from None

    host = this_host()
    if notify:
        daemon.will_notify_ready()
    if fail:
        sys.stderr.write(f"ERROR: {fail}\n")
        return 1
    stop = threading.Event()
    if ignore_term:
        signal.signal(signal.SIGTERM, lambda *_: LOG.info("SIGTERM ignored"))
    else:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    server = None
    if listen:
        addr, _, port = listen.rpartition(":")
        if addr == "HOST":  # this host's own address in the cluster (PYHDP_HOST)
            addr = host
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind((addr or "0.0.0.0", int(port)))
        except OSError as e:
            sys.stderr.write(f"ERROR: cannot bind {listen}: {e.strerror}\n")
            return 1
        server.listen(16)
        threading.Thread(target=_serve, args=(server, f"{host} {os.getpid()}\n".encode()), daemon=True).start()
    print(f"selftest-daemon started as process {os.getpid()} on {host}", flush=True)
    LOG.info("started on %s%s", host, f", listening on {listen}" if listen else "")
    if notify:
        daemon.notify_ready()
    deadline = time.monotonic() + exit_after if exit_after is not None else None
    while not stop.is_set():
        if deadline is not None and time.monotonic() >= deadline:
            break
        stop.wait(0.1 if deadline is not None else 1.0)
    LOG.info("stopping")
    print("selftest-daemon stopping", flush=True)
    if server is not None:
        server.close()
    return exit_code


def _serve(server: socket.socket, reply: bytes) -> None:
    while True:
        try:
            conn, _ = server.accept()
        except OSError:
            return
        try:
            conn.sendall(reply)
        except OSError:
            pass
        finally:
            conn.close()
