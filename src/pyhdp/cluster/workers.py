"""Which hosts a command runs on: the ``workers`` file, ``--hostnames`` and ``--hosts FILE``.

A host entry is what Hadoop's ``workers`` file holds (a name or address), optionally
``user@host`` and ``host:port`` (pyhdp extensions, handy for test hosts on loopback).
Comments start with ``#``; blank lines are skipped; several names on one line are allowed
(Hadoop's ``sed 's/#.*$//;/^$/d'`` then one name per word); duplicates are dropped.

The *name* of a host is the entry as written; it prefixes the host's output lines
(``h1: ...``) and is given to the processes started there as ``PYHDP_HOST``, which the
configuration exposes as ``${pyhdp.host}`` so that one shared configuration can give
each host its own data dirs and bind addresses.
"""

from __future__ import annotations

import dataclasses
import os
import socket

from pyhdp.errors import UsageError

#: Names that always mean "this machine" (run without SSH).
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0", "localhost.localdomain"})


@dataclasses.dataclass(frozen=True)
class HostSpec:
    """One worker entry: ``name`` as written, plus the parsed address, user and port."""

    name: str
    address: str
    user: str | None = None
    port: int | None = None

    @classmethod
    def parse(cls, entry: str) -> HostSpec:
        text = entry.strip()
        if not text:
            raise UsageError("ERROR: empty host name")
        user = None
        rest = text
        if "@" in rest:
            user, _, rest = rest.rpartition("@")
            if not user or not rest:
                raise UsageError(f"ERROR: bad host entry \"{entry}\"")
        port = None
        if rest.startswith("["):  # [v6addr]:port
            addr, _, tail = rest[1:].partition("]")
            if tail.startswith(":"):
                port = _port(tail[1:], entry)
            rest = addr
        elif rest.count(":") == 1:
            rest, _, p = rest.partition(":")
            port = _port(p, entry)
        if not rest:
            raise UsageError(f"ERROR: bad host entry \"{entry}\"")
        return cls(name=text, address=rest, user=user, port=port)


def _port(text: str, entry: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise UsageError(f"ERROR: bad port in host entry \"{entry}\"") from None
    if not 0 < port < 65536:
        raise UsageError(f"ERROR: bad port in host entry \"{entry}\"")
    return port


def parse_host_lines(text: str) -> list[str]:
    """Host names from the text of a workers file (comments, blank lines, several per line)."""
    names: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        for word in line.split():
            if word not in names:
                names.append(word)
    return names


def parse_hostnames_option(value: str) -> list[str]:
    """``--hostnames a,b c`` → ``["a", "b", "c"]`` (commas or spaces, as Hadoop accepts)."""
    names: list[str] = []
    for word in value.replace(",", " ").split():
        if word not in names:
            names.append(word)
    return names


def find_hosts_file(name: str, conf_dir: str) -> str:
    """``--hosts FILE``: the file as given, else in the conf dir (``hadoop_populate_workers_file``)."""
    if os.path.isfile(name):
        return name
    candidate = os.path.join(conf_dir, name)
    if os.path.isfile(candidate):
        return candidate
    raise UsageError(f'ERROR: Cannot find hosts file "{name}"')


def default_workers_file(conf_dir: str, env: dict[str, str] | None = None) -> str:
    env = os.environ if env is None else env
    return env.get("HADOOP_WORKERS") or os.path.join(conf_dir, "workers")


def resolve_workers(conf_dir: str, hostnames: str | None = None, hosts_file: str | None = None,
                    env: dict[str, str] | None = None) -> list[HostSpec]:
    """The worker hosts for ``--workers``: ``--hostnames``, else ``--hosts FILE``, else ``workers``.

    Without a workers file the list is ``localhost`` (what Hadoop's shipped file holds).
    """
    env = os.environ if env is None else env
    if hostnames and hosts_file:
        raise UsageError("ERROR: Both HADOOP_WORKERS and HADOOP_WORKER_NAMES were defined. Aborting.")
    if hostnames is None and env.get("HADOOP_WORKER_NAMES"):
        hostnames = env["HADOOP_WORKER_NAMES"]
    if hostnames is not None:
        names = parse_hostnames_option(hostnames)
    else:
        path = find_hosts_file(hosts_file, conf_dir) if hosts_file else default_workers_file(conf_dir, env)
        try:
            with open(path, encoding="utf-8") as f:
                names = parse_host_lines(f.read())
        except FileNotFoundError:
            if hosts_file or env.get("HADOOP_WORKERS"):
                raise UsageError(f'ERROR: Cannot find hosts file "{path}"') from None
            names = ["localhost"]
        except OSError as e:
            raise UsageError(f'ERROR: Cannot read hosts file "{path}": {e.strerror}') from None
    if not names:
        raise UsageError("ERROR: no worker hosts (the workers file is empty)")
    return [HostSpec.parse(n) for n in names]


def this_host() -> str:
    """This process's host name in the cluster: ``PYHDP_HOST`` if set, else the OS host name."""
    return os.environ.get("PYHDP_HOST") or socket.gethostname()


def _is_own_address(text: str) -> bool:
    """An IP literal assigned to one of this machine's interfaces (a bind test, no DNS).
    Loopback addresses other than 127.0.0.1/::1 do not count: test hosts live there."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    if ip.is_loopback or ip.is_unspecified:
        return False
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as s:
            s.bind((text, 0))
        return True
    except OSError:
        return False


def is_local(host: HostSpec, conf=None) -> bool:
    """True when ``host`` is this machine (no DNS look-up): localhost, an address of one of our
    interfaces, our host name, or ``PYHDP_HOST``. ``pyhdp.ssh.local-direct=false`` forces SSH even for those."""
    if conf is not None and not conf.get_bool("pyhdp.ssh.local-direct", True):
        return False
    if host.user is not None or host.port is not None:
        return False
    name = host.address.lower()
    if name in LOCAL_NAMES:
        return True
    if _is_own_address(name):
        return True
    own = {socket.gethostname().lower()}
    if os.environ.get("PYHDP_HOST"):
        own.add(os.environ["PYHDP_HOST"].lower())
    return name in own
