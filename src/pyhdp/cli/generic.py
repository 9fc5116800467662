"""Hadoop's GenericOptionsParser: ``-conf``, ``-D``, ``-fs``, ``-jt``, ``-files``, ``-libjars``, ``-archives``.

Generic options come before the tool's own arguments.  ``parse_generic_options`` returns
them and the remaining arguments; ``apply_generic_options`` turns them into configuration
(``-fs`` sets ``fs.defaultFS``, ``-jt`` sets ``mapreduce.framework.name``/the RM address,
``-files``/``-libjars``/``-archives`` set ``tmpfiles``/``tmpjars``/``tmparchives`` as Hadoop does).
"""

from __future__ import annotations

from pyhdp.errors import UsageError

GENERIC_USAGE = """Generic options supported are:
-conf <configuration file>        specify an application configuration file
-D <property=value>               define a value for a given property
-fs <file:///|hdfs://namenode:port> specify default filesystem URL to use, overrides 'fs.defaultFS' property from configurations.
-jt <local|resourcemanager:port>  specify a ResourceManager
-files <file1,...>                specify a comma-separated list of files to be copied to the map reduce cluster
-libjars <jar1,...>               specify a comma-separated list of jar files to be included in the classpath
-archives <archive1,...>          specify a comma-separated list of archives to be unarchived on the compute machines

The general command line syntax is:
command [genericOptions] [commandOptions]

"""


class GenericOptions:
    """The generic options of one command line (a plain class: no dataclasses import at start-up)."""

    def __init__(self) -> None:
        self.conf_files: list[str] = []
        self.defines: dict[str, str] = {}
        self.fs: str | None = None
        self.jt: str | None = None
        self.files: list[str] = []
        self.libjars: list[str] = []
        self.archives: list[str] = []

    def __repr__(self) -> str:
        return f"GenericOptions({self.__dict__!r})"


_WITH_VALUE = ("-conf", "-fs", "-jt", "-files", "-libjars", "-archives", "-D")


def parse_generic_options(args: list[str]) -> tuple[GenericOptions, list[str]]:
    """Strip leading generic options (also ``--conf``-style double dashes, and ``-Dk=v``)."""
    opts = GenericOptions()
    i = 0
    while i < len(args):
        a = args[i]
        norm = a[1:] if a.startswith("--") and a[2:3].isalpha() and a[1:] in _WITH_VALUE else a
        if norm.startswith("-D") and len(norm) > 2:
            _define(opts, norm[2:])
            i += 1
            continue
        if norm not in _WITH_VALUE:
            break
        if i + 1 >= len(args):
            raise UsageError(f"Missing argument for option: {norm[1:]}")
        value = args[i + 1]
        if norm == "-D":
            _define(opts, value)
        elif norm == "-conf":
            opts.conf_files.append(value)
        elif norm == "-fs":
            opts.fs = value
        elif norm == "-jt":
            opts.jt = value
        elif norm == "-files":
            opts.files.extend(v for v in value.split(",") if v)
        elif norm == "-libjars":
            opts.libjars.extend(v for v in value.split(",") if v)
        elif norm == "-archives":
            opts.archives.extend(v for v in value.split(",") if v)
        i += 2
    return opts, args[i:]


def _define(opts: GenericOptions, text: str) -> None:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"-D option requires a property=value argument, got: {text}")
    opts.defines[key.strip()] = value


def _fix_fs_name(name: str) -> str:
    """FileSystem.fixName: ``local`` and bare ``host:port`` are deprecated forms (with Hadoop's warnings)."""
    import logging

    log = logging.getLogger("org.apache.hadoop.fs.FileSystem")
    if name == "local":
        log.warning('"local" is a deprecated filesystem name. Use "file:///" instead.')
        return "file:///"
    if "/" not in name:
        log.warning('"%s" is a deprecated filesystem name. Use "hdfs://%s/" instead.', name, name)
        return "hdfs://" + name
    return name


def validate_files(files: list[str], what: str) -> str:
    """GenericOptionsParser.validateFiles: local paths must exist and become ``file:/abs/path``
    (a ``#name`` fragment is kept); paths with a scheme are kept as given."""
    result = []
    for item in files:
        path, hash_, fragment = item.partition("#")
        if "://" in path or (path.startswith("file:") and not path.startswith("file://")):
            result.append(item)
            continue
        import os

        local = os.path.abspath(os.path.expanduser(path))
        if not os.path.exists(local):
            raise FileNotFoundError(f"File {path} does not exist.")
        result.append("file:" + local + (hash_ + fragment if hash_ else ""))
    return ",".join(result)


def apply_generic_options(conf, opts: GenericOptions) -> None:
    """Apply ``opts`` to ``conf`` in Hadoop's order (GenericOptionsParser.processGeneralOptions):
    ``-fs``, ``-jt``, ``-conf`` files, ``-D``, then ``-libjars``, ``-files``, ``-archives``.
    ``-D`` values are set programmatically, so they win over every file, ``final`` included."""
    if opts.fs:
        conf.set("fs.defaultFS", _fix_fs_name(opts.fs), source="programmatically")
    if opts.jt:
        if opts.jt.lower() == "local":
            conf.set("mapreduce.framework.name", "local", source="from -jt command line option")
        else:
            conf.set("mapreduce.framework.name", "yarn", source="from -jt command line option")
            conf.set("yarn.resourcemanager.address", opts.jt, source="from -jt command line option")
    for path in opts.conf_files:
        conf.add_resource(path)
    for key, value in opts.defines.items():
        conf.set(key, value, source="from command line")
    if opts.libjars:
        conf.set(
            "tmpjars", validate_files(opts.libjars, "libjars"), source="from -libjars command line option"
        )
    if opts.files:
        conf.set("tmpfiles", validate_files(opts.files, "files"), source="from -files command line option")
    if opts.archives:
        conf.set(
            "tmparchives",
            validate_files(opts.archives, "archives"),
            source="from -archives command line option",
        )
    conf.set("mapreduce.client.genericoptionsparser.used", "true", source="programmatically")
