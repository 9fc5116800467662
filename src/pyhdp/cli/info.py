"""``version``, ``envvars``, ``classpath`` and ``checknative``, in Hadoop 3's layout.

``hadoop version`` prints ``Hadoop X.Y.Z`` first (the Hadoop release whose behaviour pyhdp
follows; tools such as mrjob parse that line), then Hadoop's other lines filled in for
pyhdp, then pyhdp's own version.  ``envvars`` and ``classpath`` point into the package's
HADOOP_HOME-like tree (:mod:`pyhdp.home`), so that tools looking for
``hadoop-streaming-*.jar`` find it.
"""

from __future__ import annotations

import os
import sys


# --------------------------------------------------------------------------- version
def _git_revision(start: str) -> str | None:
    """The commit of the pyhdp source checkout holding the package dir ``start`` (``<checkout>/src/pyhdp``),
    read from ``.git`` without running git; None for an installed copy."""
    d = start
    for _ in range(6):
        git = os.path.join(d, ".git")
        if os.path.isdir(git):
            try:
                if not os.path.samefile(os.path.join(d, "src", "pyhdp"), start):
                    return None  # some other repository around an installed pyhdp
            except OSError:
                return None
            try:
                with open(os.path.join(git, "HEAD")) as f:
                    head = f.read().strip()
                if not head.startswith("ref: "):
                    return head
                ref = head[5:]
                ref_file = os.path.join(git, ref)
                if os.path.exists(ref_file):
                    with open(ref_file) as f:
                        return f.read().strip()
                with open(os.path.join(git, "packed-refs")) as f:
                    for line in f:
                        if line.rstrip().endswith(" " + ref):
                            return line.split()[0]
            except OSError:
                return None
            return None
        parent = os.path.dirname(d)
        if parent == d:
            break
        d = parent
    return None


def _source_checksum(package_dir: str) -> str:
    """MD5 of the package's Python sources (Hadoop: of its Java sources)."""
    import hashlib

    md5 = hashlib.md5(usedforsecurity=False)
    for root, dirs, files in os.walk(package_dir):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                try:
                    with open(os.path.join(root, name), "rb") as f:
                        md5.update(f.read())
                except OSError:
                    pass
    return md5.hexdigest()


def version_lines() -> list[str]:
    import platform
    import time

    import pyhdp
    from pyhdp.home import jar_path

    package_dir = os.path.dirname(os.path.abspath(pyhdp.__file__))
    revision = _git_revision(package_dir) or f"v{pyhdp.__version__}"
    built = time.strftime("%Y-%m-%dT%H:%MZ", time.gmtime(os.path.getmtime(pyhdp.__file__)))
    machine = platform.machine().lower() or "unknown"
    return [
        f"Hadoop {pyhdp.HADOOP_VERSION}",
        f"Source code repository pyhdp -r {revision}",
        f"Compiled by pyhdp on {built}",
        f"Compiled on platform {sys.platform}-{machine}",
        "Compiled with protoc none (pyhdp speaks HTTP, not protobuf RPC)",
        f"From source with checksum {_source_checksum(package_dir)}",
        f"This command was run using {jar_path('common')}",
        f"pyhdp {pyhdp.__version__}: the Hadoop {pyhdp.HADOOP_VERSION} command line in pure Python "
        f"(Python {platform.python_version()}, no JVM)",
    ]


def version(args: list[str], conf) -> int:
    sys.stdout.write("\n".join(version_lines()) + "\n")
    return 0


# --------------------------------------------------------------------------- envvars
def _env_or(name: str, default: str) -> str:
    return os.environ.get(name) or default


def envvar_items(prog: str, conf) -> list[tuple[str, str]]:
    """The variables ``<prog> envvars`` prints, in Hadoop's order."""
    from pyhdp import home

    root = home.hadoop_home()
    conf_dir = conf.get("pyhdp.conf.dir") if conf is not None else None
    if not conf_dir:
        from pyhdp.conf.configuration import find_conf_dir

        conf_dir = find_conf_dir()
    items = [("JAVA_HOME", os.environ.get("JAVA_HOME", ""))]
    if prog == "hdfs":
        items += [
            ("HADOOP_HDFS_HOME", _env_or("HADOOP_HDFS_HOME", root)),
            ("HDFS_DIR", _env_or("HDFS_DIR", home.HDFS_DIR)),
            ("HDFS_LIB_JARS_DIR", _env_or("HDFS_LIB_JARS_DIR", home.HDFS_LIB_JARS_DIR)),
        ]
    elif prog == "yarn":
        items += [
            ("HADOOP_YARN_HOME", _env_or("HADOOP_YARN_HOME", root)),
            ("YARN_DIR", _env_or("YARN_DIR", home.YARN_DIR)),
            ("YARN_LIB_JARS_DIR", _env_or("YARN_LIB_JARS_DIR", home.YARN_LIB_JARS_DIR)),
        ]
    elif prog == "mapred":
        items += [
            ("HADOOP_MAPRED_HOME", _env_or("HADOOP_MAPRED_HOME", root)),
            ("MAPRED_DIR", _env_or("MAPRED_DIR", home.MAPRED_DIR)),
            ("MAPRED_LIB_JARS_DIR", _env_or("MAPRED_LIB_JARS_DIR", home.MAPRED_LIB_JARS_DIR)),
        ]
    else:
        items += [
            ("HADOOP_COMMON_HOME", _env_or("HADOOP_COMMON_HOME", root)),
            ("HADOOP_COMMON_DIR", _env_or("HADOOP_COMMON_DIR", home.COMMON_DIR)),
            ("HADOOP_COMMON_LIB_JARS_DIR", _env_or("HADOOP_COMMON_LIB_JARS_DIR", home.COMMON_LIB_JARS_DIR)),
            (
                "HADOOP_COMMON_LIB_NATIVE_DIR",
                _env_or("HADOOP_COMMON_LIB_NATIVE_DIR", home.COMMON_LIB_NATIVE_DIR),
            ),
        ]
    items += [
        ("HADOOP_CONF_DIR", conf_dir),
        ("HADOOP_TOOLS_HOME", _env_or("HADOOP_TOOLS_HOME", root)),
        ("HADOOP_TOOLS_DIR", _env_or("HADOOP_TOOLS_DIR", home.TOOLS_DIR)),
        ("HADOOP_TOOLS_LIB_JARS_DIR", _env_or("HADOOP_TOOLS_LIB_JARS_DIR", home.TOOLS_LIB_JARS_DIR)),
    ]
    return items


def _envvars_for(prog: str):
    def run(args: list[str], conf) -> int:
        out = sys.stdout
        for name, value in envvar_items(prog, conf):
            out.write(f"{name}='{value}'\n")
        if os.environ.get("QATESTMODE"):
            out.write(f"MYNAME={os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else prog}\n")
            out.write(f"HADOOP_SHELL_EXECNAME={prog}\n")
        return 0

    return run


def envvars(args: list[str], conf) -> int:
    """``<prog> envvars``: the program is taken from the entry point that called us."""
    return _envvars_for(_current_prog())(args, conf)


def _current_prog() -> str:
    from pyhdp.cli import runtime

    return getattr(runtime, "current_prog", None) or "hadoop"


# --------------------------------------------------------------------------- classpath
CLASSPATH_USAGE = """classpath [--glob|--jar <path>|-h|--help] :
  Prints the classpath needed to get the Hadoop jar and the required
  libraries.
  Options:

  --glob       expand wildcards
  --jar <path> write classpath as manifest in jar named <path>
  -h, --help   print help

"""


def classpath_entries(conf) -> list[str]:
    """``$HADOOP_CONF_DIR`` then the jar directories of the tree, in Hadoop's order."""
    from pyhdp import home

    root = home.hadoop_home()
    conf_dir = (conf.get("pyhdp.conf.dir") if conf is not None else None) or ""
    j = os.path.join
    return [
        conf_dir,
        j(root, home.COMMON_LIB_JARS_DIR, "*"),
        j(root, home.COMMON_DIR, "*"),
        j(root, home.HDFS_DIR),
        j(root, home.HDFS_LIB_JARS_DIR, "*"),
        j(root, home.HDFS_DIR, "*"),
        j(root, home.MAPRED_DIR, "*"),
        j(root, home.YARN_DIR),
        j(root, home.YARN_LIB_JARS_DIR, "*"),
        j(root, home.YARN_DIR, "*"),
    ]


def classpath(args: list[str], conf) -> int:
    entries = classpath_entries(conf)
    if not args:
        sys.stdout.write(":".join(entries) + "\n")
        return 0
    if args[0] in ("-h", "--help"):
        sys.stdout.write(CLASSPATH_USAGE)
        return 0
    if args[0] == "--glob":
        import glob

        expanded: list[str] = []
        for e in entries:
            expanded.extend(sorted(glob.glob(e)) if e.endswith("*") else [e])
        sys.stdout.write(":".join(expanded) + "\n")
        return 0
    if args[0] == "--jar":
        if len(args) < 2:
            sys.stderr.write("--jar requires a path\n")
            return 1
        import zipfile

        manifest = (
            "Manifest-Version: 1.0\r\nClass-Path: " + " ".join(entries) + "\r\nCreated-By: pyhdp\r\n\r\n"
        )
        with zipfile.ZipFile(args[1], "w") as z:
            z.writestr("META-INF/MANIFEST.MF", manifest)
        return 0
    sys.stderr.write("unrecognized option\n")
    return 1


# --------------------------------------------------------------------------- checknative
CHECKNATIVE_USAGE = """NativeLibraryChecker [-a|-h]
  -a  use -a to check all libraries are available
      by default just check hadoop library (and
      winutils.exe on Windows OS) is available
      exit with error code 1 if check failed
  -h  print this message
"""


def _module_file(name: str) -> str | None:
    import importlib

    try:
        mod = importlib.import_module(name)
    except ImportError:
        return None
    return getattr(mod, "__file__", None) or "built-in"


def native_libraries() -> list[tuple[str, bool, str]]:
    """``(label, available, detail)`` per library, labels spelled as Hadoop prints them.

    "hadoop" is pyhdp's native acceleration: the C CRC32C of the ``crc32c`` package (the part
    of libhadoop pyhdp needs); the codecs are Python's C modules.
    """
    crc = _module_file("crc32c._crc32c") or _module_file("crc32c")
    zlib = _module_file("zlib")
    zstd = _module_file("zstandard") or _module_file("compression.zstd")
    bz2 = _module_file("_bz2")
    ssl = _module_file("_ssl")
    return [
        ("hadoop:  ", crc is not None, crc or ""),
        ("zlib:    ", zlib is not None, zlib or ""),
        ("zstd  :  ", zstd is not None, zstd or ""),
        ("bzip2:   ", bz2 is not None, bz2 or ""),
        ("openssl: ", ssl is not None, ssl or "Cannot load the ssl module of Python"),
        ("ISA-L:   ", False, "pyhdp has no ISA-L support"),
        ("PMDK:    ", False, "pyhdp has no PMDK support"),
    ]


def checknative(args: list[str], conf) -> int:
    check_all = False
    for a in args:
        if a == "-a":
            check_all = True
        elif a == "-h":
            sys.stdout.write(CHECKNATIVE_USAGE + "\n")
            return 0
        else:
            sys.stderr.write(CHECKNATIVE_USAGE)
            return 1
    libs = native_libraries()
    out = sys.stdout
    out.write("Native library checking:\n")
    for label, ok, detail in libs:
        out.write(f"{label}{'true' if ok else 'false'} {detail}\n")
    if check_all:
        return 0 if all(ok for _, ok, _ in libs) else 1
    return 0 if libs[0][1] else 1


# --------------------------------------------------------------------------- jnipath
def jnipath(args: list[str], conf) -> int:
    """``hadoop jnipath``: the native library directory of the tree (pyhdp loads no JNI library)."""
    from pyhdp import home

    native = os.environ.get("JAVA_LIBRARY_PATH") or os.path.join(
        home.hadoop_home(), home.COMMON_LIB_NATIVE_DIR
    )
    sys.stdout.write(native + "\n")
    return 0
