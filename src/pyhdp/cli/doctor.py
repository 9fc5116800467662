"""``pyhdp doctor``: check the configuration, the local store and the daemons' ports.

What it checks, and only that:

* the conf dir: which one is used and why, whether it exists;
* every site file: it parses (errors with file and line), no YAML/XML twin, deprecated keys,
  keys no default knows (likely typos, with the closest known key), a few values that must
  have a type (replication, block size, the default file system);
* ``-conf``-style extra files given on the command line (``pyhdp doctor FILE...``);
* the local store: ``hadoop.tmp.dir``, the NameNode and DataNode directories (exist or can be
  created, writable, formatted, locked by a daemon);
* the daemons' addresses from the configuration: whether something accepts TCP connections
  there — loopback addresses only (``0.0.0.0`` is checked as 127.0.0.1), others are listed
  as not checked;
* the ``workers`` file, and the optional native helpers (C YAML parser, C CRC32C).

Each finding is ``[ OK ]``, ``[WARN]`` or ``[FAIL]`` with what to do; the exit code is 1 when
anything failed, else 0.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from pyhdp.conf.configuration import SITE_RESOURCES, Configuration, find_conf_dir

#: (key, what listens there) for the port checks.
DAEMON_ADDRESSES = [
    ("fs.defaultFS", "NameNode (client endpoint)"),
    ("dfs.namenode.http-address", "NameNode web UI / WebHDFS"),
    ("dfs.namenode.secondary.http-address", "SecondaryNameNode web UI"),
    ("dfs.datanode.address", "DataNode data transfer"),
    ("dfs.datanode.http.address", "DataNode HTTP"),
    ("dfs.datanode.ipc.address", "DataNode IPC"),
    ("yarn.resourcemanager.address", "ResourceManager (client endpoint)"),
    ("yarn.resourcemanager.webapp.address", "ResourceManager web UI / REST"),
    ("yarn.nodemanager.webapp.address", "NodeManager web UI / REST"),
    ("mapreduce.jobhistory.webapp.address", "JobHistory web UI"),
]


@dataclass
class Report:
    out: object = field(default_factory=lambda: sys.stdout)
    failures: int = 0
    warnings: int = 0

    def ok(self, text: str, fix: str = "") -> None:
        self.out.write(f"[ OK ] {text}\n")

    def warn(self, text: str, fix: str = "") -> None:
        self.warnings += 1
        self.out.write(f"[WARN] {text}\n" + (f"       fix: {fix}\n" if fix else ""))

    def fail(self, text: str, fix: str = "") -> None:
        self.failures += 1
        self.out.write(f"[FAIL] {text}\n" + (f"       fix: {fix}\n" if fix else ""))

    def info(self, text: str) -> None:
        self.out.write(f"       {text}\n")

    def section(self, title: str) -> None:
        self.out.write(f"\n{title}\n")


def _conf_dir_origin(explicit: str | None) -> str:
    if explicit:
        return "--config"
    if os.environ.get("PYHDP_CONF_DIR"):
        return "PYHDP_CONF_DIR"
    if os.environ.get("HADOOP_CONF_DIR"):
        return "HADOOP_CONF_DIR"
    return "the default"


# --------------------------------------------------------------------------- configuration
def check_conf_dir(report: Report, conf_dir: str, origin: str) -> list[str]:
    """Check the conf dir and its site files; returns the site files that parsed."""

    report.section(f"Configuration directory {conf_dir} (from {origin})")
    if not os.path.exists(conf_dir):
        report.ok("it does not exist: pyhdp uses its defaults (standalone mode)")
        return []
    if not os.path.isdir(conf_dir):
        report.fail(f"{conf_dir} is not a directory", "point --config / PYHDP_CONF_DIR at a directory")
        return []
    if not os.access(conf_dir, os.R_OK | os.X_OK):
        report.fail(f"{conf_dir} is not readable", f"chmod u+rx {conf_dir}")
        return []
    good = []
    for name in SITE_RESOURCES:
        variants = [os.path.join(conf_dir, name + ext) for ext in (".yaml", ".yml", ".xml")]
        present = [p for p in variants if os.path.exists(p)]
        if len(present) > 1:
            report.fail(
                f"both {' and '.join(present)} exist",
                "keep one of them: pyhdp reads a site file as YAML or as Hadoop XML, not both",
            )
            continue
        if not present:
            continue
        if check_file(report, present[0]):
            good.append(present[0])
    if not good and report.failures == 0:
        report.ok("no site files: defaults apply")
    return good


def check_file(report: Report, path: str) -> bool:
    from pyhdp.conf import loader
    from pyhdp.conf.bundled import bundled_keys
    from pyhdp.conf.deprecation import DEPRECATED_KEYS
    from pyhdp.errors import ConfigError

    try:
        entries = loader.read_file(path)
    except ConfigError as e:
        message = str(e)
        if "Permission denied" in message:
            fix = f"make it readable (chmod a+r {path}) or run as its owner"
        elif "not found" in message:
            fix = "create the file or correct its name"
        else:
            fix = "correct the file at that line (`hadoop conftest -conffile FILE` lists every problem)"
        report.fail(message, fix)
        return False
    report.ok(f"{path}: {len(entries)} properties")
    known = bundled_keys()
    for key, value, _final, _desc, line in entries:
        where = f"{path}:{line}" if line else path
        if key in DEPRECATED_KEYS:
            report.warn(f"{where}: {key} is deprecated", f"use {DEPRECATED_KEYS[key]} instead")
        elif key not in known and not _dynamic_key(key):
            import difflib

            close = difflib.get_close_matches(key, known, n=1, cutoff=0.85)
            if close:
                report.warn(f"{where}: unknown key {key}", f"did you mean {close[0]}?")
        if value is None:
            report.warn(f"{where}: {key} has no value and is ignored", "add a value or remove the property")
    return True


def _dynamic_key(key: str) -> bool:
    """Keys whose names embed ids (proxy users, nameservices, queues...): not typo candidates."""
    prefixes = (
        "hadoop.proxyuser.", "dfs.namenode.rpc-address.", "dfs.namenode.http-address.",
        "dfs.namenode.servicerpc-address.", "dfs.ha.", "dfs.client.failover.", "yarn.scheduler.capacity.",
        "fs.AbstractFileSystem.", "fs.s3a.", "pyhdp.",
    )  # fmt: skip
    return key.startswith(prefixes)


def check_values(report: Report, conf: Configuration) -> None:
    from pyhdp.errors import ConfigError

    report.section("Values")
    checks = [
        ("dfs.replication", lambda: conf.get_int("dfs.replication", 1), lambda v: v >= 1, "at least 1"),
        ("dfs.blocksize", lambda: conf.get_size("dfs.blocksize", 0), lambda v: v > 0, "positive"),
        (
            "dfs.bytes-per-checksum",
            lambda: conf.get_int("dfs.bytes-per-checksum", 512),
            lambda v: v > 0,
            "positive",
        ),
        ("fs.trash.interval", lambda: conf.get_float("fs.trash.interval", 0), lambda v: v >= 0, "0 or more"),
    ]
    for key, get, valid, what in checks:
        try:
            value = get()
        except ConfigError as e:
            report.fail(str(e), f"set {key} to a valid value")
            continue
        if not valid(value):
            report.fail(f"{key} = {value} in {conf.where(key)} must be {what}", f"change {key}")
        else:
            report.ok(f"{key} = {conf.get(key)}")
    default_fs = conf.get_trimmed("fs.defaultFS") or ""
    scheme = (
        default_fs.split("://", 1)[0].lower() if "://" in default_fs else default_fs.split(":", 1)[0].lower()
    )
    if scheme not in ("hdfs", "file", "webhdfs"):
        report.fail(
            f"fs.defaultFS = {default_fs!r} in {conf.where('fs.defaultFS')}: no FileSystem for scheme {scheme!r}",
            "use hdfs://host:port, webhdfs://host:port or file:///",
        )
    else:
        report.ok(f"fs.defaultFS = {default_fs}")
    try:
        conf.get("hadoop.tmp.dir")
    except ConfigError as e:
        report.fail(str(e), "remove the loop of ${...} references")


# --------------------------------------------------------------------------- store
def _dir_state(path: str) -> tuple[bool, str]:
    """(ok, description) of a directory the store needs: exists and writable, or creatable."""
    if os.path.isdir(path):
        if os.access(path, os.W_OK | os.X_OK):
            return True, "exists and is writable"
        return False, "exists but is not writable by this user"
    if os.path.exists(path):
        return False, "exists but is not a directory"
    parent = path
    while parent and not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if parent and os.path.isdir(parent) and os.access(parent, os.W_OK | os.X_OK):
        return True, "does not exist yet; it will be created on first use"
    return False, f"does not exist and cannot be created (no write access to {parent or '/'})"


def _local_dirs(conf: Configuration, key: str) -> list[str]:
    value = conf.get(key) or ""
    out = []
    for item in value.split(","):
        item = item.strip()
        if item.startswith("[") and "]" in item:
            item = item[item.index("]") + 1 :]
        if item.startswith("file://"):
            item = item[7:]
        elif item.startswith("file:"):
            item = item[5:]
        if item:
            out.append(os.path.expanduser(item))
    return out


def check_store(report: Report, conf: Configuration) -> None:
    report.section("Local store")
    tmp = conf.get("hadoop.tmp.dir") or ""
    ok, state = _dir_state(tmp)
    (report.ok if ok else report.fail)(
        f"hadoop.tmp.dir {tmp}: {state}", "" if ok else f"fix the permissions of {tmp}"
    )
    for key, role in (("dfs.namenode.name.dir", "NameNode"), ("dfs.datanode.data.dir", "DataNode")):
        for d in _local_dirs(conf, key):
            ok, state = _dir_state(d)
            if not ok:
                report.fail(
                    f"{role} directory {d} ({key}): {state}", f"fix the permissions of {d} or change {key}"
                )
                continue
            report.ok(f"{role} directory {d}: {state}")
            if role == "NameNode" and os.path.isdir(d):
                version = os.path.join(d, "current", "VERSION")
                if os.path.exists(version):
                    report.ok(f"{d} is formatted ({_cluster_id(version)})")
                    _check_lock(report, os.path.join(d, "in_use.lock"))
                else:
                    report.ok(
                        f"{d} is not formatted yet: the first command formats it (or `hdfs namenode -format`)"
                    )


def _cluster_id(version_file: str) -> str:
    try:
        with open(version_file) as f:
            for line in f:
                if line.startswith("clusterID="):
                    return "clusterID " + line.split("=", 1)[1].strip()
    except OSError as e:
        return f"VERSION unreadable: {e.strerror}"
    return "no clusterID in VERSION"


def _check_lock(report: Report, lock_path: str) -> None:
    """Whether a daemon holds the store's lock exclusively (tried shared, non-blocking, released at once)."""
    if not os.path.exists(lock_path):
        return
    try:
        import fcntl
    except ImportError:
        return
    try:
        fd = os.open(lock_path, os.O_RDONLY)
    except OSError as e:
        report.warn(f"{lock_path}: cannot open: {e.strerror}")
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        report.ok("the store is not locked by a daemon: commands open it in-process")
    except OSError:
        report.ok("the store is locked by a running daemon: commands go through it")
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- ports
def _host_port(value: str) -> tuple[str, int] | None:
    v = value.strip()
    if "://" in v:
        scheme, rest = v.split("://", 1)
        if scheme.lower() == "file":
            return None
        v = rest.split("/", 1)[0]
        if ":" not in v:
            return (v, 8020) if scheme.lower() == "hdfs" else None
    host, sep, port = v.rpartition(":")
    if not sep or not port.isdigit():
        return None
    return host or "0.0.0.0", int(port)


def _is_loopback(host: str) -> str | None:
    """The loopback address to connect to for ``host``, or None when it is not this machine's loopback."""
    if host in ("0.0.0.0", "localhost", "::", "::1") or host.startswith("127."):
        return "127.0.0.1" if host in ("0.0.0.0", "localhost", "::") else host
    return None


def check_ports(report: Report, conf: Configuration, timeout: float = 0.3) -> None:
    import socket

    report.section("Daemon addresses (TCP connect test, loopback only)")
    for key, what in DAEMON_ADDRESSES:
        value = conf.get_trimmed(key)
        if not value:
            continue
        hp = _host_port(value)
        if hp is None:
            continue
        host, port = hp
        if port == 0:
            continue
        target = _is_loopback(host)
        if target is None:
            report.info(f"{what} at {host}:{port} ({key}): not checked, not a loopback address")
            continue
        try:
            with socket.create_connection((target, port), timeout=timeout) as sock:
                if key == "fs.defaultFS" and value.lower().startswith("hdfs:"):
                    _check_namenode_kind(report, sock, host, port, what)
                else:
                    report.ok(f"{what} at {host}:{port} ({key}): accepting connections")
        except OSError:
            report.info(
                f"{what} at {host}:{port} ({key}): nothing listening (fine unless that daemon should run)"
            )


def _check_namenode_kind(report: Report, sock, host: str, port: int, what: str) -> None:
    """pyhdp's NameNode speaks HTTP on the fs.defaultFS port; Hadoop's speaks its binary IPC and
    answers an HTTP request with "It looks like you are making an HTTP request to a Hadoop IPC port"."""
    try:
        sock.settimeout(2.0)
        sock.sendall(f"GET / HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
        reply = sock.recv(4096)
    except OSError:
        reply = b""
    if b"Hadoop IPC port" in reply:
        report.fail(
            f"{what} at {host}:{port} (fs.defaultFS) is a real Hadoop NameNode (Hadoop IPC), which pyhdp does not speak",
            f"set fs.defaultFS to webhdfs://{host}:9870 (the NameNode's HTTP address) to use it through WebHDFS",
        )
    elif reply.startswith(b"HTTP/"):
        report.ok(f"{what} at {host}:{port} (fs.defaultFS): a NameNode answering over HTTP")
    else:
        report.warn(
            f"{what} at {host}:{port} (fs.defaultFS): something accepts connections but does not answer HTTP",
            "check which program listens there (e.g. `ss -ltnp`)",
        )


# --------------------------------------------------------------------------- workers, helpers
def check_workers(report: Report, conf_dir: str) -> None:
    report.section("Workers")
    path = os.path.join(conf_dir, "workers")
    if not os.path.exists(path):
        report.ok("no workers file: the only worker is localhost")
        return
    try:
        with open(path) as f:
            hosts = [line.split("#", 1)[0].strip() for line in f]
    except OSError as e:
        report.fail(f"{path}: cannot read: {e.strerror}", f"chmod u+r {path}")
        return
    hosts = [h for h in hosts if h]
    bad = [h for h in hosts if any(c.isspace() for c in h)]
    if bad:
        report.fail(f"{path}: more than one word on a line: {bad[0]!r}", "list one host name per line")
    elif not hosts:
        report.warn(f"{path} lists no host", "add one worker host per line, or remove the file")
    else:
        report.ok(f"{path}: {len(hosts)} host(s): {', '.join(hosts[:5])}{' ...' if len(hosts) > 5 else ''}")


def check_helpers(report: Report) -> None:
    report.section("Native helpers")
    try:
        import yaml

        if getattr(yaml, "__with_libyaml__", False):
            report.ok("PyYAML with the C parser (libyaml)")
        else:
            report.warn(
                "PyYAML without libyaml: YAML site files parse slowly", "install libyaml and reinstall PyYAML"
            )
    except ImportError:
        report.fail("PyYAML is not installed: YAML site files cannot be read", "pip install pyyaml")
    try:
        import crc32c  # noqa: F401

        report.ok("crc32c (C CRC32C for block checksums)")
    except ImportError:
        report.fail("the crc32c package is missing: block checksums cannot be computed", "pip install crc32c")


# --------------------------------------------------------------------------- entry point
USAGE = "Usage: pyhdp doctor [-conf FILE]... [-D key=value]... [--no-ports]\n"


def run(args: list[str], conf: Configuration) -> int:
    ports = True
    extra = []
    for a in args:
        if a == "--no-ports":
            ports = False
        elif a in ("-h", "--help", "-help"):
            sys.stdout.write(USAGE + (__doc__ or ""))
            return 0
        elif a.startswith("-"):
            sys.stderr.write(f"doctor: Illegal option {a}\n{USAGE}")
            return 255
        else:
            extra.append(a)
    from pyhdp.cli import runtime

    opts = runtime.current_opts
    explicit = getattr(opts, "config", None)
    conf_dir = os.path.abspath(find_conf_dir(explicit))
    report = Report()
    report.out.write("pyhdp doctor: what pyhdp would use, and what to fix\n")
    check_conf_dir(report, conf_dir, _conf_dir_origin(explicit))
    for path in extra:
        report.section(f"Extra file {path}")
        check_file(report, path)
    load_error = getattr(conf, "load_error", None)
    if load_error is not None and report.failures == 0:
        report.fail(str(load_error))
    if report.failures == 0:
        check_values(report, conf)
        check_store(report, conf)
        if ports:
            check_ports(report, conf)
    else:
        report.section("Values, store and daemons: not checked until the files above parse")
    check_workers(report, conf_dir)
    check_helpers(report)
    report.out.write(
        f"\n{report.failures} problem(s), {report.warnings} warning(s).\n"
        if report.failures or report.warnings
        else "\nNo problems found.\n"
    )
    return 1 if report.failures else 0
