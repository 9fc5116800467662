"""Real test hosts on one machine: network namespaces joined by a bridge, an OpenSSH server in each.

``TestHosts.create(n, workdir)`` makes hosts ``h1..hn``:

- **netns mode** (root, ``ip netns`` and ``/usr/sbin/sshd``): namespace ``pyh<k>h<i>``, a veth
  pair ``pyh<k>v<i>`` (root side) into bridge ``pyh<k>br`` (address 10.200.<k>.1/24), the host
  at 10.200.<k>.<i+1>, its own sshd listening there on port 22. ``k`` is unique per
  pytest-xdist worker and per concurrent session (claimed with a lock file), so parallel
  sessions never share names or subnets. Faults: :meth:`link_down`/:meth:`link_up`,
  :meth:`partition`/:meth:`heal` (nftables table ``pyhdp<k>``, bridge family), :meth:`freeze`.
- **loopback mode** (no root or no ``ip netns``): one sshd per host on 127.201.<k>.<i+1>,
  all on one free port; partitions and links are not available there (tests skip them).

Every host's sshd has its own config, host key, pid file and log under ``workdir/<name>``;
``authorized_keys`` holds a key the fixture makes (``workdir/id_ed25519``) and
``workdir/known_hosts`` lists every host key. Tear-down is in reverse order and runs even
after a failed set-up: daemons started through :meth:`track_pid`, sshd, veths, bridge,
namespaces, nft table.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

SSHD = "/usr/sbin/sshd"
LOCK_DIR = "/tmp/pyhdp-testhosts-locks"


class Unavailable(Exception):
    """The machine cannot make test hosts (the message says why)."""


def _run(*argv: str, check: bool = True, ns: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    if ns is not None:
        argv = ("ip", "netns", "exec", ns, *argv)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def netns_available() -> tuple[bool, str]:
    if os.geteuid() != 0:
        return False, "not root"
    if not shutil.which("ip"):
        return False, "iproute2 (ip) is not installed"
    probe = f"pyhprobe{os.getpid()}"
    try:
        _run("ip", "netns", "add", probe)
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        return False, f"ip netns does not work here: {e}"
    _run("ip", "netns", "del", probe, check=False)
    return True, ""


def sshd_available() -> tuple[bool, str]:
    if not os.path.exists(SSHD):
        return False, f"{SSHD} is missing (apt-get install openssh-server)"
    if not shutil.which("ssh-keygen"):
        return False, "ssh-keygen is missing"
    return True, ""


def wait_port(addr: str, port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((addr, port), timeout=0.5) as s:
                s.settimeout(2)
                if s.recv(4).startswith(b"SSH"):
                    return
        except OSError as e:
            last = e
        time.sleep(0.05)
    raise RuntimeError(f"sshd on {addr}:{port} did not come up within {timeout} s ({last})")


def keygen(path: Path) -> str:
    """An ed25519 key pair at ``path``; returns the public key line."""
    if not path.exists():
        _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pyhdp-test", "-f", str(path))
    return (path.with_suffix(".pub") if path.suffix else Path(str(path) + ".pub")).read_text().strip()


@dataclasses.dataclass
class TestHost:
    name: str  # h1, h2 ...
    address: str
    port: int
    dir: Path
    netns: str | None = None
    veth: str | None = None  # root-namespace end
    sshd: subprocess.Popen | None = None
    host_key_line: str = ""

    @property
    def entry(self) -> str:
        """The workers-file entry for this host: its address (the port is ``pyhdp.ssh.port``,
        the same for all hosts of a set), so that ``${pyhdp.host}`` is a bindable address."""
        return self.address

    keys_dir: Path | None = None  # world-readable: sshd reads authorized_keys as the logging-in user

    @property
    def authorized_keys(self) -> Path:
        return (self.keys_dir or self.dir) / "authorized_keys"


class TestHosts:
    """A set of SSH hosts for tests; use :meth:`create` and :meth:`close` (or ``with``)."""

    def __init__(self, workdir: Path, mode: str, k: int):
        self.workdir = workdir
        self.mode = mode
        self.k = k
        self.hosts: list[TestHost] = []
        self.key = workdir / "id_ed25519"
        self.known_hosts = workdir / "known_hosts"
        self.bridge = f"pyh{k}br"
        self.bridge_address = f"10.200.{k}.1" if mode == "netns" else "127.0.0.1"
        self.nft_table = f"pyhdp{k}"
        self._nft = False
        self._lock_file = None
        self._pids: list[int] = []
        self._partitions: set[tuple[str, str]] = set()
        # public keys only, readable by every user (the pytest tmp dir is private to its owner)
        self.keys_root = Path(f"/tmp/pyhdp-testhosts-keys-{os.getuid()}/{k}")

    # ------------------------------------------------------------------ creation
    @classmethod
    def create(cls, n: int, workdir: Path, mode: str | None = None) -> TestHosts:
        ok, why = sshd_available()
        if not ok:
            raise Unavailable(why)
        if mode is None:
            ok, _why = netns_available()
            mode = "netns" if ok else "loopback"
        lock_file, k = _claim_slot()
        self = cls(Path(workdir), mode, k)
        self._lock_file = lock_file
        try:
            self.workdir.mkdir(parents=True, exist_ok=True)
            shutil.rmtree(self.keys_root, ignore_errors=True)
            self.keys_root.mkdir(mode=0o755, parents=True)
            self.keys_root.parent.chmod(0o755)
            self.keys_root.chmod(0o755)
            self.client_public_key = keygen(self.key)
            if mode == "netns":
                self._cleanup_stale()
                self._make_netns(n)
            else:
                self._make_loopback(n)
            for host in self.hosts:
                wait_port(host.address, host.port)
            self.known_hosts.write_text("".join(h.host_key_line + "\n" for h in self.hosts))
        except BaseException:
            self.close()
            raise
        return self

    def _host_dir(self, name: str) -> Path:
        d = self.workdir / name
        d.mkdir(parents=True, exist_ok=True)
        return d

    def _make_sshd(self, host: TestHost) -> None:
        d = host.dir
        hostkey = d / "ssh_host_ed25519_key"
        pub = keygen(hostkey).split()
        key_type, key_b64 = pub[0], pub[1]
        name = host.address if host.port == 22 else f"[{host.address}]:{host.port}"
        host.host_key_line = f"{name} {key_type} {key_b64}"
        host.keys_dir = self.keys_root / host.name
        host.keys_dir.mkdir(mode=0o755, parents=True, exist_ok=True)
        host.keys_dir.chmod(0o755)
        host.authorized_keys.write_text(self.client_public_key + "\n")
        host.authorized_keys.chmod(0o644)
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True) if os.geteuid() == 0 else None
        conf = d / "sshd_config"
        conf.write_text("\n".join([
            f"Port {host.port}",
            f"ListenAddress {host.address}",
            f"HostKey {hostkey}",
            f"PidFile {d / 'sshd.pid'}",
            f"AuthorizedKeysFile {host.authorized_keys}",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes",
            "PermitRootLogin prohibit-password",
            "StrictModes no",
            "UsePAM no",
            "UseDNS no",
            "MaxStartups 200",
            "MaxSessions 100",
            "LogLevel INFO",
            "Subsystem sftp internal-sftp",
            # bash sources ~/.bashrc for commands run by sshd only at shell level 1; root's
            # .bashrc here may run `pyenv init` (hundreds of ms per command): the test hosts skip it
            "SetEnv SHLVL=1",
            "",
        ]))
        argv = [SSHD, "-D", "-f", str(conf), "-E", str(d / "sshd.log")]
        if host.netns:
            argv = ["ip", "netns", "exec", host.netns, *argv]
        host.sshd = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)

    def _cleanup_stale(self) -> None:
        """Remove what a crashed session with the same slot may have left."""
        out = _run("ip", "netns", "list", check=False).stdout
        for line in out.splitlines():
            name = line.split()[0] if line.split() else ""
            if name.startswith(f"pyh{self.k}h"):
                _run("ip", "netns", "pids", name, check=False)
                for pid in _run("ip", "netns", "pids", name, check=False).stdout.split():
                    with contextlib.suppress(ProcessLookupError, ValueError):
                        os.kill(int(pid), signal.SIGKILL)
                _run("ip", "netns", "del", name, check=False)
        _run("ip", "link", "del", self.bridge, check=False)
        _run("nft", "delete", "table", "bridge", self.nft_table, check=False)

    def _make_netns(self, n: int) -> None:
        _run("ip", "link", "add", self.bridge, "type", "bridge")
        _run("ip", "addr", "add", f"{self.bridge_address}/24", "dev", self.bridge)
        _run("ip", "link", "set", self.bridge, "up")
        for i in range(1, n + 1):
            ns, veth, peer = f"pyh{self.k}h{i}", f"pyh{self.k}v{i}", f"pyh{self.k}p{i}"
            host = TestHost(name=f"h{i}", address=f"10.200.{self.k}.{i + 1}", port=22, dir=self._host_dir(f"h{i}"),
                            netns=ns, veth=veth)
            self.hosts.append(host)
            _run("ip", "netns", "add", ns)
            _run("ip", "link", "add", veth, "type", "veth", "peer", "name", peer)
            _run("ip", "link", "set", peer, "netns", ns)
            _run("ip", "link", "set", veth, "master", self.bridge)
            _run("ip", "link", "set", veth, "up")
            _run("ip", "link", "set", "lo", "up", ns=ns)
            _run("ip", "addr", "add", f"{host.address}/24", "dev", peer, ns=ns)
            _run("ip", "link", "set", peer, "up", ns=ns)
            _run("ip", "route", "add", "default", "via", self.bridge_address, ns=ns)
            self._make_sshd(host)

    def _make_loopback(self, n: int) -> None:
        addrs = [f"127.201.{self.k}.{i + 1}" for i in range(1, n + 1)]
        port = _free_port_on(addrs, 2200 + 50 * (self.k % 100))
        for i, addr in enumerate(addrs, 1):
            host = TestHost(name=f"h{i}", address=addr, port=port, dir=self._host_dir(f"h{i}"))
            self.hosts.append(host)
            self._make_sshd(host)

    # ------------------------------------------------------------------ use
    def host(self, name: str) -> TestHost:
        for h in self.hosts:
            if h.name == name:
                return h
        raise KeyError(name)

    def entries(self, hosts: list[TestHost] | None = None) -> list[str]:
        return [h.entry for h in (hosts or self.hosts)]

    def ssh_conf(self) -> dict[str, str]:
        """Configuration keys that reach these hosts as root with the fixture's key."""
        port = self.hosts[0].port if self.hosts else 22
        return {
            "pyhdp.ssh.user": "root" if os.geteuid() == 0 else _login(),
            "pyhdp.ssh.port": str(port),
            "pyhdp.ssh.identity-file": str(self.key),
            "pyhdp.ssh.known-hosts": "strict",
            "pyhdp.ssh.known-hosts-file": str(self.known_hosts),
            "pyhdp.ssh.connect-timeout": "5s",
        }

    def run_in(self, host: TestHost, *argv: str, timeout: float = 30) -> subprocess.CompletedProcess:
        """Run a command in ``host``'s network (netns mode) or plainly (loopback mode)."""
        return _run(*argv, check=False, ns=host.netns, timeout=timeout)

    def track_pid(self, pid: int) -> None:
        """Kill ``pid`` at tear-down if it still runs (daemons a test started on a host)."""
        self._pids.append(pid)

    # ------------------------------------------------------------------ faults
    def require_netns(self) -> None:
        """Skip (outside CI) or fail (``CI=true``: CI runs as root with ``ip netns``) without netns hosts."""
        if self.mode != "netns":
            import pytest

            why = "needs network-namespace hosts (root and ip netns); these are loopback hosts"
            if os.environ.get("CI", "").lower() == "true" and not os.environ.get("PYHDP_TESTHOSTS_MODE"):
                pytest.fail(why)
            pytest.skip(why)

    def link_down(self, host: TestHost) -> None:
        self.require_netns()
        _run("ip", "link", "set", host.veth, "down")

    def link_up(self, host: TestHost) -> None:
        self.require_netns()
        _run("ip", "link", "set", host.veth, "up")

    def _ensure_nft(self) -> None:
        if self._nft:
            return
        _run("nft", "add", "table", "bridge", self.nft_table)
        for chain, hook in (("cfwd", "forward"), ("cin", "input"), ("cout", "output")):
            _run("nft", "add", "chain", "bridge", self.nft_table, chain,
                 f"{{ type filter hook {hook} priority 0 ; }}")
        self._nft = True

    def _addr(self, who: TestHost | str) -> str:
        if isinstance(who, TestHost):
            return who.address
        if who == "master":
            return self.bridge_address
        return self.host(who).address

    def partition(self, a: TestHost | str, b: TestHost | str) -> None:
        """Drop all traffic between ``a`` and ``b`` (hosts, names, or ``"master"``)."""
        self.require_netns()
        self._ensure_nft()
        x, y = self._addr(a), self._addr(b)
        for chain in ("cfwd", "cin", "cout"):
            _run("nft", "add", "rule", "bridge", self.nft_table, chain, "ip", "saddr", x, "ip", "daddr", y, "drop")
            _run("nft", "add", "rule", "bridge", self.nft_table, chain, "ip", "saddr", y, "ip", "daddr", x, "drop")
        self._partitions.add((x, y))

    def heal(self) -> None:
        """Remove every partition."""
        if self._nft:
            for chain in ("cfwd", "cin", "cout"):
                _run("nft", "flush", "chain", "bridge", self.nft_table, chain, check=False)
        self._partitions.clear()

    def freeze(self, host: TestHost) -> None:
        """Stop ``host``'s sshd (SIGSTOP): connections are accepted by the kernel but never answered."""
        if host.sshd is not None:
            os.kill(host.sshd.pid, signal.SIGSTOP)
            for pid in _children(host.sshd.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGSTOP)

    def thaw(self, host: TestHost) -> None:
        if host.sshd is not None:
            for pid in [host.sshd.pid, *_children(host.sshd.pid)]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)

    # ------------------------------------------------------------------ tear-down
    def close(self) -> None:
        errors: list[str] = []

        def attempt(fn, *args):
            try:
                fn(*args)
            except Exception as e:  # noqa: BLE001 - tear down the rest regardless
                errors.append(f"{getattr(fn, '__name__', fn)}{args}: {e}")

        for pid in reversed(self._pids):
            attempt(_kill_tree, pid)
        for host in reversed(self.hosts):
            if host.sshd is not None:
                attempt(self.thaw, host)
                attempt(_stop_proc, host.sshd)
            if host.netns:
                # anything still running in the namespace (daemons started over SSH)
                for pid in _run("ip", "netns", "pids", host.netns, check=False).stdout.split():
                    attempt(_kill_tree, int(pid))
        for host in reversed(self.hosts):
            if host.veth:
                attempt(_run, "ip", "link", "del", host.veth)
            if host.netns:
                attempt(_run, "ip", "netns", "del", host.netns)
        if self.mode == "netns":
            _run("ip", "link", "del", self.bridge, check=False)
            _run("nft", "delete", "table", "bridge", self.nft_table, check=False)
        shutil.rmtree(self.keys_root, ignore_errors=True)
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None
        self.hosts.clear()
        if errors:
            raise RuntimeError("test hosts tear-down: " + "; ".join(errors))

    def __enter__(self) -> TestHosts:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _claim_slot():
    """A slot number k (1..200) held with an flock for this session; xdist workers start at
    different numbers so that they rarely contend."""
    os.makedirs(LOCK_DIR, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    try:
        first = int(worker.lstrip("gw")) + 1
    except ValueError:
        first = 1
    for offset in range(200):
        k = (first - 1 + offset) % 200 + 1
        f = open(os.path.join(LOCK_DIR, f"{k}.lock"), "w")  # noqa: SIM115 - held for the session
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            f.close()
            continue
        return f, k
    raise Unavailable("no free test-host slot (200 sessions running?)")


def _free_port_on(addrs: list[str], start: int) -> int:
    for port in range(start, start + 2000):
        socks = []
        try:
            for a in addrs:
                s = socket.socket()
                socks.append(s)
                s.bind((a, port))
            return port
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise Unavailable("no free port for loopback sshd hosts")


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _kill_tree(pid: int) -> None:
    for child in _children(pid):
        _kill_tree(child)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _stop_proc(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def _login() -> str:
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name
