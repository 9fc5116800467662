"""``hdfs getconf`` (Hadoop's ``GetConf`` tool) and ``hadoop conftest`` (``ConfTest``).

Output, messages and exit codes follow Hadoop: values on stdout; ``Configuration K is
missing.`` on stderr with exit -1 (255); usage on stderr with exit 255 for a missing or
unknown option, on stdout with exit 0 for ``-h``/``--help``.
"""

from __future__ import annotations

import os
import sys

from pyhdp.errors import HadoopIllegalArgumentError

DESCRIPTION = "hdfs getconf is utility for getting configuration information from the config file.\n"

#: (option, description) in Hadoop's order.
COMMANDS = [
    ("-namenodes", "gets list of namenodes in the cluster."),
    ("-secondaryNameNodes", "gets list of secondary namenodes in the cluster."),
    ("-backupNodes", "gets list of backup nodes in the cluster."),
    ("-journalNodes", "gets list of journal nodes in the cluster."),
    ("-includeFile", "gets the include file path that defines the datanodes that can join the cluster."),
    ("-excludeFile", "gets the exclude file path that defines the datanodes that need to decommissioned."),
    ("-nnRpcAddresses", "gets the namenode rpc addresses"),
    ("-confKey [key]", "gets a specific key from the configuration"),
]

USAGE = DESCRIPTION + "\nhadoop getconf \n" + "".join(f"\t[{cmd}]\t\t\t{desc}\n" for cmd, desc in COMMANDS)

DEFAULT_NN_PORT = 8020


class GetConfError(Exception):
    """An error a handler prints (its message) before returning -1."""


# --------------------------------------------------------------------------- addresses
def host_name(host: str) -> str:
    """Java's ``InetSocketAddress.getHostName()``: a literal IP is looked up (127.0.0.1 → localhost)."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if ip.is_unspecified:
        return host
    import socket

    try:
        return socket.gethostbyaddr(host)[0]
    except OSError:
        return host


def split_address(address: str, default_port: int = DEFAULT_NN_PORT) -> tuple[str, int]:
    addr = address.strip()
    if "://" in addr:
        addr = addr.split("://", 1)[1].split("/", 1)[0]
    host, sep, port = addr.rpartition(":")
    if not sep or not port.isdigit():
        return addr, default_port
    return host, int(port)


def _nameservices(conf) -> list[str]:
    return conf.get_list("dfs.internal.nameservices") or conf.get_list("dfs.nameservices")


def _ns_addresses(conf, keys: list[str]) -> list[tuple[str, int]]:
    """Addresses under ``keys`` (first set key wins) for every nameservice/namenode id, or unsuffixed."""
    result = []
    services = _nameservices(conf)
    if not services:
        for key in keys:
            value = conf.get_trimmed(key)
            if value:
                return [split_address(value)]
        return []
    for ns in services:
        nn_ids = conf.get_list(f"dfs.ha.namenodes.{ns}")
        suffixes = [f"{ns}.{nn}" for nn in nn_ids] or [ns]
        for suffix in suffixes:
            for key in keys:
                value = conf.get_trimmed(f"{key}.{suffix}")
                if value:
                    result.append(split_address(value))
                    break
    return result


def namenode_rpc_addresses(conf) -> list[tuple[str, int]]:
    """DFSUtil.getNNServiceRpcAddressesForCluster: service RPC, else RPC address, else fs.defaultFS."""
    found = _ns_addresses(conf, ["dfs.namenode.servicerpc-address", "dfs.namenode.rpc-address"])
    if found:
        return found
    default_fs = conf.get_trimmed("fs.defaultFS") or ""
    if default_fs.lower().startswith("hdfs://"):
        authority = default_fs[7:].split("/", 1)[0]
        if authority:
            return [split_address(authority)]
    raise GetConfError(
        "Incorrect configuration: namenode address dfs.namenode.servicerpc-address "
        "or dfs.namenode.rpc-address is not configured."
    )


def _simple_addresses(conf, key: str) -> list[tuple[str, int]]:
    return _ns_addresses(conf, [key])


def journal_nodes(conf) -> list[str]:
    uri = conf.get_trimmed("dfs.namenode.shared.edits.dir") or ""
    if not uri.startswith("qjournal://"):
        return []
    hosts = uri[len("qjournal://") :].split("/", 1)[0]
    seen: list[str] = []
    for part in hosts.split(";"):
        if part.strip():
            name = host_name(split_address(part, 8485)[0])
            if name not in seen:
                seen.append(name)
    return seen


# --------------------------------------------------------------------------- handlers
def _check_no_args(args: list[str]) -> None:
    if args:
        raise HadoopIllegalArgumentError(f"Did not expect argument: {args[0]}")


def _print_hosts(addresses: list[tuple[str, int]]) -> int:
    sys.stdout.write(" ".join(host_name(h) for h, _ in addresses) + "\n")
    return 0


def _handle(option: str, args: list[str], conf) -> int:
    if option == "-confkey":
        if len(args) != 1:
            raise HadoopIllegalArgumentError("usage: -confKey [key]")
        return _print_key(conf, args[0])
    _check_no_args(args)
    if option == "-namenodes":
        return _print_hosts(namenode_rpc_addresses(conf))
    if option == "-secondarynamenodes":
        return _print_hosts(_simple_addresses(conf, "dfs.namenode.secondary.http-address"))
    if option == "-backupnodes":
        return _print_hosts(_simple_addresses(conf, "dfs.namenode.backup.address"))
    if option == "-journalnodes":
        sys.stdout.write(" ".join(journal_nodes(conf)) + "\n")
        return 0
    if option == "-includefile":
        return _print_key(conf, "dfs.hosts")
    if option == "-excludefile":
        return _print_key(conf, "dfs.hosts.exclude")
    if option == "-nnrpcaddresses":
        try:
            addresses = namenode_rpc_addresses(conf)
        except GetConfError:
            addresses = []
        if not addresses:
            raise GetConfError("Did not get namenode service rpc addresses.")
        for host, port in addresses:
            sys.stdout.write(f"{host_name(host)}:{port}\n")
        return 0
    raise AssertionError(option)


def _print_key(conf, key: str) -> int:
    value = conf.get_trimmed(key)
    if value is None:
        raise GetConfError(f"Configuration {key} is missing.")
    sys.stdout.write(value + "\n")
    return 0


_OPTIONS = {cmd.split(" ")[0].lower() for cmd, _ in COMMANDS}


def run(args: list[str], conf) -> int:
    """``hdfs getconf [generic options] -option [args]``."""
    if len(args) == 1 and args[0] in ("-h", "--help"):
        from pyhdp.cli.generic import GENERIC_USAGE

        sys.stdout.write(USAGE + "\n\n" + GENERIC_USAGE)
        return 0
    if not args or args[0].lower() not in _OPTIONS:
        sys.stderr.write(USAGE + "\n")
        return 255
    try:
        return _handle(args[0].lower(), args[1:], conf)
    except (GetConfError, HadoopIllegalArgumentError) as e:
        sys.stderr.write(f"{e}\n")
        return 255


# --------------------------------------------------------------------------- conftest
CONFTEST_USAGE = """Usage: hadoop conftest [-conffile <path>|-h|--help]
  Options:
  \n  -conffile <path>
    If not specified, the files in ${HADOOP_CONF_DIR}
    whose name end with .xml will be verified.
    If specified, that path will be verified.
    You can specify either a file or directory, and
    if a directory specified, the files in that directory
    whose name end with .xml will be verified.
    You can specify this option multiple times.
  -h, --help       Print this help
"""

_CONF_SUFFIXES = (".xml", ".yaml", ".yml")


def check_file(path: str) -> list[str]:
    """The problems ``hadoop conftest`` reports for one file (empty: valid)."""
    from pyhdp.conf import loader
    from pyhdp.errors import ConfigError

    problems: list[str] = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        return [f"bad conf file: cannot read it: {e.strerror}"]
    try:
        if path.endswith(".xml"):
            doc = loader.parse_xml_document(data, path)
            problems += [f"Line {line}: {text}" for line, text in doc.issues]
            names = doc.names
        else:
            entries = loader.parse_yaml_text(data.decode("utf-8", errors="strict"), path)
            names = {}
            for key, value, _final, _desc, line in entries:
                names.setdefault(key, []).append(line)
                if value is None:
                    problems.append(f"Line {line}: property {key} has no value")
    except UnicodeDecodeError as e:
        return [f"bad conf file: not UTF-8 text (invalid byte at offset {e.start})"]
    except ConfigError as e:
        message = str(e)
        if message.startswith(path + ":"):
            message = message[len(path) + 1 :]
            line, sep, rest = message.partition(": ")
            if sep and line.isdigit():
                return [f"Line {line}: bad conf file: {rest}"]
            return [f"bad conf file: {message.strip()}"]
        return [f"bad conf file: {message}"]
    for name, lines in names.items():
        if len(lines) > 1:
            problems.append(f"Line {', '.join(map(str, lines))}: duplicated <property>s for {name}")
    return problems


def conftest(args: list[str], conf) -> int:
    """``hadoop conftest [-conffile <path>]...``: validate configuration files."""
    paths: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-h", "--help"):
            sys.stdout.write(CONFTEST_USAGE)
            return 0
        if a == "-conffile":
            if i + 1 >= len(args):
                sys.stderr.write("No argument specified for -conffile option\n")
                return 1
            paths.append(args[i + 1])
            i += 2
            continue
        sys.stderr.write(CONFTEST_USAGE)
        return 1
    if not paths:
        conf_dir = conf.get("pyhdp.conf.dir") if conf is not None else None
        if not conf_dir:
            from pyhdp.conf.configuration import find_conf_dir

            conf_dir = find_conf_dir()
        paths = [conf_dir]
    files: list[str] = []
    for p in paths:
        full = os.path.abspath(p)
        if os.path.isdir(full):
            files += sorted(
                os.path.join(full, n)
                for n in os.listdir(full)
                if n.endswith(_CONF_SUFFIXES) and os.path.isfile(os.path.join(full, n))
            )
        elif os.path.isfile(full):
            files.append(full)
        else:
            sys.stderr.write(f"{full} is neither a file nor directory\n")
            return 1
    if not files:
        sys.stderr.write("No input file to validate\n")
        return 1
    ok = True
    for f in files:
        problems = check_file(f)
        if problems:
            ok = False
            sys.stderr.write(f"{f}:\n" + "".join(f"\t{p}\n" for p in problems))
        else:
            sys.stdout.write(f"{f}: valid\n")
    if ok:
        sys.stdout.write("OK\n")
        return 0
    sys.stderr.write("Invalid file exists\n")
    return 1
