"""Hadoop's GenericOptionsParser: ``-conf``, ``-D``, ``-fs``, ``-jt``, ``-files``, ``-libjars``, ``-archives``.

Generic options come before the tool's own arguments.  ``parse_generic_options`` returns
them and the remaining arguments; ``apply_generic_options`` turns them into configuration
(``-fs`` sets ``fs.defaultFS``, ``-jt`` sets ``mapreduce.framework.name``/the RM address,
``-files``/``-libjars``/``-archives`` set ``tmpfiles``/``tmpjars``/``tmparchives`` as Hadoop does).
"""

from __future__ import annotations

import dataclasses

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


@dataclasses.dataclass
class GenericOptions:
    conf_files: list[str] = dataclasses.field(default_factory=list)
    defines: dict[str, str] = dataclasses.field(default_factory=dict)
    fs: str | None = None
    jt: str | None = None
    files: list[str] = dataclasses.field(default_factory=list)
    libjars: list[str] = dataclasses.field(default_factory=list)
    archives: list[str] = dataclasses.field(default_factory=list)


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


def apply_generic_options(conf, opts: GenericOptions) -> None:
    """Apply ``opts`` to ``conf`` in Hadoop's order: ``-conf`` files, then ``-fs``/``-jt``, then ``-D``."""
    for path in opts.conf_files:
        conf.add_resource(path)
    if opts.fs:
        fs = opts.fs
        if "://" not in fs and fs != "local" and not fs.startswith("file:"):
            fs = "hdfs://" + fs
        if fs == "local":
            fs = "file:///"
        conf.set("fs.defaultFS", fs, source="from command line")
    if opts.jt:
        if opts.jt == "local":
            conf.set("mapreduce.framework.name", "local", source="from command line")
        else:
            conf.set("mapreduce.framework.name", "yarn", source="from command line")
            conf.set("yarn.resourcemanager.address", opts.jt, source="from command line")
    if opts.files:
        conf.set("tmpfiles", ",".join(opts.files), source="from command line")
    if opts.libjars:
        conf.set("tmpjars", ",".join(opts.libjars), source="from command line")
    if opts.archives:
        conf.set("tmparchives", ",".join(opts.archives), source="from command line")
    for key, value in opts.defines.items():
        conf.set(key, value, source="from command line")
