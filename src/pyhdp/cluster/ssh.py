"""The SSH transport (paramiko): one connection per host, commands as channels on it, SFTP.

:class:`Transport` and :class:`Connection` are the seam the fan-out uses; tests and the
benchmark swap in a stub transport. Failures raise :class:`HostFailure`, whose ``kind`` is one
of ``auth``, ``hostkey``, ``unreachable``, ``timeout``, ``ssh`` and ``command-timeout`` and
whose message is the cause in words; ``transient`` failures (refused, reset, a dropped
handshake as sshd's ``MaxStartups`` does) are retried with back-off by the fan-out.
"""

from __future__ import annotations

import errno
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Protocol

from pyhdp.cluster.settings import SshSettings
from pyhdp.cluster.workers import HostSpec


class HostFailure(Exception):
    """A host could not run a command; ``str()`` is the cause."""

    def __init__(self, kind: str, cause: str, transient: bool = False):
        super().__init__(cause)
        self.kind = kind
        self.cause = cause
        self.transient = transient


class Connection(Protocol):
    def run(self, command: str, on_output: Callable[[bytes], None], timeout: float | None) -> int:
        """Run ``command`` (stdout and stderr merged, streamed to ``on_output``); its exit status."""

    def sftp(self):
        """A paramiko-like SFTP client (``stat``, ``mkdir``, ``put``, ``posix_rename``, ``chmod``, ``utime``)."""

    def close(self) -> None: ...


class Transport(Protocol):
    def connect(self, host: HostSpec) -> Connection:
        """Open a connection to ``host`` or raise :class:`HostFailure`."""

    def close(self) -> None: ...


def target_of(host: HostSpec, settings: SshSettings) -> tuple[str, str, int]:
    """``(user, address, port)`` for ``host``: its own user/port, else the settings'."""
    from pyhdp.security import login_user

    return host.user or settings.user or login_user(), host.address, host.port or settings.port


_known_hosts_lock = threading.Lock()


class ParamikoTransport:
    """Connections with paramiko, configured by :class:`SshSettings`."""

    def __init__(self, settings: SshSettings):
        import logging

        import paramiko  # noqa: F401 - fail early with a clear message if missing

        # paramiko logs every failed handshake with a traceback; the fan-out reports one line per host
        if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
            logging.getLogger("paramiko").setLevel(logging.CRITICAL)
        self.settings = settings
        self._jumps: dict[str, ParamikoConnection] = {}
        self._jump_lock = threading.Lock()

    # -- host keys
    def _known_hosts_path(self) -> str:
        return os.path.expanduser(self.settings.known_hosts_file)

    def _prepare_client(self):
        import paramiko

        client = paramiko.SSHClient()
        policy = self.settings.known_hosts
        if policy == "no":
            client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
            return client
        path = self._known_hosts_path()
        if os.path.exists(path):
            try:
                client.load_host_keys(path)
            except (OSError, paramiko.SSHException) as e:
                raise HostFailure("hostkey", f"cannot read known hosts file {path}: {e}") from None
        if policy == "accept-new":
            client.set_missing_host_key_policy(_AcceptNewPolicy(path))
        else:
            client.set_missing_host_key_policy(paramiko.RejectPolicy())
        return client

    # -- connecting
    def connect(self, host: HostSpec, direct: bool = False) -> ParamikoConnection:
        import paramiko

        user, address, port = target_of(host, self.settings)
        s = self.settings
        where = f"{user}@{address} port {port}"
        client = self._prepare_client()
        sock = None
        if s.jump_host and not direct:
            sock = self._jump_channel(address, port)
        started = time.monotonic()
        try:
            client.connect(
                address, port=port, username=user, key_filename=s.identity_file and os.path.expanduser(s.identity_file),
                look_for_keys=s.identity_file is None, allow_agent=s.identity_file is None,
                timeout=s.connect_timeout, banner_timeout=s.connect_timeout, auth_timeout=s.connect_timeout,
                sock=sock,
            )
        except paramiko.BadHostKeyException:
            client.close()
            raise HostFailure("hostkey", f"the host key of {address} does not match the one in "
                                         f"{self._known_hosts_path()} (remove the old key if the host was "
                                         "re-installed)") from None
        except paramiko.AuthenticationException:
            client.close()
            key = f"key {s.identity_file}" if s.identity_file else "the default keys and agent"
            raise HostFailure("auth", f"authentication failed for {where} (tried {key})") from None
        except paramiko.SSHException as e:
            client.close()
            raise _ssh_failure(e, where, self._known_hosts_path(), s, time.monotonic() - started) from None
        except socket.gaierror as e:
            client.close()
            raise HostFailure("unreachable", f"unknown host {address} ({e.strerror})") from None
        except TimeoutError:
            client.close()
            raise HostFailure("timeout", f"connection to {where} timed out after {s.connect_timeout:g} s") from None
        except (EOFError, ConnectionResetError) as e:
            client.close()
            raise HostFailure("ssh", f"connection to {where} closed during the handshake ({type(e).__name__})",
                              transient=True) from None
        except OSError as e:
            client.close()
            raise _os_failure(e, where) from None
        transport = client.get_transport()
        if transport is not None:
            transport.set_keepalive(15)
        return ParamikoConnection(client, where)

    def _jump_channel(self, address: str, port: int):
        jump = HostSpec.parse(self.settings.jump_host or "")
        with self._jump_lock:
            conn = self._jumps.get(jump.name)
            if conn is None or not conn.active():
                try:
                    conn = self.connect(jump, direct=True)
                except HostFailure as e:
                    raise HostFailure(e.kind, f"jump host {jump.name}: {e.cause}", e.transient) from None
                self._jumps[jump.name] = conn
        try:
            return conn.client.get_transport().open_channel("direct-tcpip", (address, port), ("127.0.0.1", 0),
                                                            timeout=self.settings.connect_timeout)
        except Exception as e:  # noqa: BLE001 - paramiko raises ChannelException/SSHException/EOFError
            raise HostFailure("unreachable", f"jump host {jump.name} cannot reach {address}:{port} ({e})") from None

    def close(self) -> None:
        for conn in self._jumps.values():
            conn.close()
        self._jumps.clear()


def _ssh_failure(e: Exception, where: str, known_hosts: str, s: SshSettings, elapsed: float) -> HostFailure:
    text = str(e)
    if ("No existing session" in text or "Negotiation timed out" in text) and elapsed >= 0.9 * s.connect_timeout:
        # the handshake never completed within the time-out (paramiko reports it at the auth step)
        return HostFailure("timeout", f"SSH handshake with {where} did not complete within {s.connect_timeout:g} s")
    if "not found in known_hosts" in text:
        return HostFailure("hostkey", f"the host key of {where.split('@', 1)[-1].split(' ')[0]} is not in "
                                      f"{known_hosts} (pyhdp.ssh.known-hosts=strict: add it with ssh-keyscan, "
                                      "or set pyhdp.ssh.known-hosts=accept-new)")
    if "banner" in text.lower():
        why = e.__cause__ or e.__context__
        if isinstance(why, (TimeoutError, socket.timeout)) or "timed out" in text.lower() or "timeout" in text.lower():
            return HostFailure("timeout", f"{where} accepted the connection but sent no SSH banner within "
                                          f"{s.connect_timeout:g} s")
        return HostFailure("ssh", f"{where} closed the connection before the SSH handshake ({text})", transient=True)
    if "No existing session" in text:
        return HostFailure("ssh", f"{where} closed the connection during the SSH handshake", transient=True)
    if "timeout" in text.lower() or "timed out" in text.lower():
        return HostFailure("timeout", f"SSH handshake with {where} timed out after {s.connect_timeout:g} s")
    return HostFailure("ssh", f"SSH error with {where}: {text}", transient=True)


def _os_failure(e: OSError, where: str) -> HostFailure:
    import paramiko

    if isinstance(e, paramiko.ssh_exception.NoValidConnectionsError):
        codes = {getattr(err, "errno", None) for err in e.errors.values()}
        if codes <= {errno.ECONNREFUSED}:
            return HostFailure("unreachable", f"connection to {where} refused (is sshd running there?)", transient=True)
        text = "; ".join(sorted({str(err.strerror or err) for err in e.errors.values()}))
        return HostFailure("unreachable", f"cannot connect to {where}: {text}")
    if e.errno == errno.ECONNREFUSED:
        return HostFailure("unreachable", f"connection to {where} refused (is sshd running there?)", transient=True)
    if e.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN):
        return HostFailure("unreachable", f"cannot connect to {where}: {e.strerror}")
    if e.errno == errno.ETIMEDOUT:
        return HostFailure("timeout", f"connection to {where} timed out")
    return HostFailure("unreachable", f"cannot connect to {where}: {e.strerror or e}")


class _AcceptNewPolicy:
    """``StrictHostKeyChecking=accept-new``: unknown hosts are added to the known hosts file;
    a changed key is still refused (paramiko raises BadHostKeyException before asking us)."""

    def __init__(self, path: str):
        self.path = path

    def missing_host_key(self, client, hostname: str, key) -> None:
        client.get_host_keys().add(hostname, key.get_name(), key)
        line = f"{hostname} {key.get_name()} {key.get_base64()}\n"
        with _known_hosts_lock:
            os.makedirs(os.path.dirname(self.path) or ".", mode=0o700, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a") as f:
                f.write(line)


class ParamikoConnection:
    """One SSH connection; every command is a new channel on it."""

    def __init__(self, client, where: str):
        self.client = client
        self.where = where
        self._sftp = None

    def active(self) -> bool:
        t = self.client.get_transport()
        return t is not None and t.is_active()

    def run(self, command: str, on_output: Callable[[bytes], None], timeout: float | None) -> int:
        import paramiko

        deadline = time.monotonic() + timeout if timeout else None
        try:
            transport = self.client.get_transport()
            if transport is None or not transport.is_active():
                raise HostFailure("unreachable", f"the connection to {self.where} was lost", transient=True)
            chan = transport.open_session(timeout=30)
            chan.set_combine_stderr(True)
            chan.exec_command(command)
            while True:
                if deadline is not None and time.monotonic() >= deadline:
                    chan.close()
                    raise HostFailure("command-timeout", f"the command gave no exit status within {timeout:g} s "
                                                         "(pyhdp.ssh.command-timeout)")
                chan.settimeout(0.2)
                try:
                    data = chan.recv(65536)
                except TimeoutError:
                    if not transport.is_active():
                        raise HostFailure("unreachable", f"the connection to {self.where} was lost") from None
                    continue
                if not data:
                    break
                on_output(data)
            while not chan.exit_status_ready():
                if deadline is not None and time.monotonic() >= deadline:
                    chan.close()
                    raise HostFailure("command-timeout", f"no exit status within {timeout:g} s")
                if not transport.is_active():
                    raise HostFailure("unreachable", f"the connection to {self.where} was lost")
                chan.status_event.wait(0.2)
            code = chan.recv_exit_status()
            chan.close()
            return code
        except HostFailure:
            raise
        except (paramiko.SSHException, EOFError, OSError) as e:
            raise HostFailure("unreachable", f"the connection to {self.where} failed: {e or type(e).__name__}") from None

    def sftp(self):
        if self._sftp is None:
            self._sftp = self.client.open_sftp()
        return self._sftp

    def close(self) -> None:
        try:
            if self._sftp is not None:
                self._sftp.close()
        finally:
            self.client.close()
