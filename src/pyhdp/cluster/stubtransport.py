"""A stand-in for the SSH transport, for tests and the fan-out benchmark (no network at all).

:class:`StubTransport` answers ``connect`` after ``connect_delay`` seconds (a handshake) and
each command after ``command_delay`` seconds, with output and exit status from a handler;
it records how many connects ran at once, so that the bounded pool can be checked and
measured. Failures per host are scripted with ``failures``: a list of
:class:`~pyhdp.cluster.ssh.HostFailure` raised by the next connects to that host.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from pyhdp.cluster.ssh import HostFailure
from pyhdp.cluster.workers import HostSpec

Handler = Callable[[HostSpec, str], "tuple[int, str]"]


def echo_handler(host: HostSpec, command: str) -> tuple[int, str]:
    return 0, f"ran on {host.name}\n"


class StubConnection:
    def __init__(self, transport: StubTransport, host: HostSpec):
        self.transport = transport
        self.host = host
        self.closed = False
        self.commands: list[str] = []

    def run(self, command: str, on_output, timeout: float | None) -> int:
        t = self.transport
        with t.lock:
            t.running += 1
            t.max_running = max(t.max_running, t.running)
        try:
            if t.command_delay:
                time.sleep(t.command_delay)
            self.commands.append(command)
            code, output = t.handler(self.host, command)
            if output:
                on_output(output.encode())
            return code
        finally:
            with t.lock:
                t.running -= 1

    def sftp(self):
        raise NotImplementedError("the stub transport has no SFTP")

    def close(self) -> None:
        self.closed = True


class StubTransport:
    def __init__(self, connect_delay: float = 0.0, command_delay: float = 0.0, handler: Handler = echo_handler,
                 failures: dict[str, list[HostFailure]] | None = None):
        self.connect_delay = connect_delay
        self.command_delay = command_delay
        self.handler = handler
        self.failures = {k: list(v) for k, v in (failures or {}).items()}
        self.lock = threading.Lock()
        self.connecting = 0
        self.max_connecting = 0
        self.running = 0
        self.max_running = 0
        self.connects: dict[str, int] = {}
        self.connections: list[StubConnection] = []

    def connect(self, host: HostSpec) -> StubConnection:
        with self.lock:
            self.connecting += 1
            self.max_connecting = max(self.max_connecting, self.connecting)
            self.connects[host.name] = self.connects.get(host.name, 0) + 1
            pending = self.failures.get(host.name)
            failure = pending.pop(0) if pending else None
        try:
            if self.connect_delay:
                time.sleep(self.connect_delay)
            if failure is not None:
                raise failure
            conn = StubConnection(self, host)
            with self.lock:
                self.connections.append(conn)
            return conn
        finally:
            with self.lock:
                self.connecting -= 1

    def close(self) -> None:
        pass
