"""``hadoop distcp`` command line: Hadoop's DistCp option names, checks and usage text.

Core logic only (no I/O): :func:`parse` turns argv into :class:`DistCpOptions` or raises
:class:`InvalidArguments` whose message is what DistCp prints after ``Invalid arguments: ``.
"""

from __future__ import annotations

import dataclasses

DEFAULT_MAPS = 20
PRESERVE_FLAGS = "rbugpcaxt"

USAGE = """usage: distcp OPTIONS [source_path...] <target_path>
              OPTIONS
 -atomic                       Commit all changes or none
 -delete                       Delete from target, files missing in
                               source. Delete is applicable only with
                               update or overwrite options
 -f <arg>                      List of files that need to be copied
 -i                            Ignore failures during copy
 -log <arg>                    Folder on DFS where distcp execution logs
                               are saved
 -m <arg>                      Max number of concurrent maps to use for
                               copy
 -overwrite                    Choose to overwrite target files
                               unconditionally, even if they exist.
 -p <arg>                      preserve status (rbugpcaxt)(replication,
                               block-size, user, group, permission,
                               checksum-type, ACL, XATTR, timestamps). If
                               -p is specified with no <arg>, then
                               preserves replication, block size, user,
                               group, permission, checksum type and
                               timestamps. raw.* xattrs are preserved when
                               both the source and destination paths are
                               in the /.reserved/raw hierarchy (HDFS
                               only). raw.* xattrpreservation is
                               independent of the -p flag. Refer to the
                               DistCp documentation for more details.
 -skipcrccheck                 Whether to skip CRC checks between source
                               and target paths.
 -strategy <arg>               Copy strategy to use. Default is dividing
                               work based on file sizes
 -tmp <arg>                    Intermediate work path to be used for
                               atomic commit
 -update                       Update target, copying only missing files
                               or directories
 -v                            Log additional info (path, size) in the
                               SKIP/COPY log
"""

_WITH_ARG = {"-f", "-log", "-m", "-strategy", "-tmp", "-bandwidth", "-numListstatusThreads", "-filters"}
_FLAGS = {"-atomic", "-delete", "-i", "-overwrite", "-skipcrccheck", "-update", "-v", "-async", "-direct"}


class InvalidArguments(ValueError):
    """Bad command line; ``str()`` is the text after ``Invalid arguments: ``."""


@dataclasses.dataclass
class DistCpOptions:
    sources: list[str]
    target: str
    source_file_listing: str | None = None
    update: bool = False
    overwrite: bool = False
    delete: bool = False
    ignore_failures: bool = False
    skip_crc: bool = False
    atomic: bool = False
    verbose: bool = False
    log_path: str | None = None
    work_path: str | None = None
    max_maps: int = DEFAULT_MAPS
    strategy: str = "uniformsize"
    preserve: str = ""  # subset of PRESERVE_FLAGS

    @property
    def sync_folder(self) -> bool:
        return self.update

    def preserves(self, flag: str) -> bool:
        return flag in self.preserve


def parse(argv: list[str]) -> DistCpOptions:
    opts: dict = {}
    rest: list[str] = []
    preserve: str | None = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("-p") and a not in _WITH_ARG and a not in _FLAGS and (a == "-p" or a[2:].isalpha()):
            flags = a[2:]
            bad = [c for c in flags if c not in PRESERVE_FLAGS]
            if bad:
                raise InvalidArguments(f"{bad[0]} is not a valid preserve attribute")
            preserve = flags or "rbugpct"
        elif a in _FLAGS:
            opts[a] = True
        elif a in _WITH_ARG:
            if i + 1 >= len(argv):
                raise InvalidArguments(f"Missing argument for option: {a[1:]}")
            opts[a] = argv[i + 1]
            i += 1
        elif a.startswith("-") and len(a) > 1:
            raise InvalidArguments(f"Unrecognized option: {a}")
        else:
            rest.append(a)
        i += 1
    if not rest:
        raise InvalidArguments("Target path not specified")
    listing = opts.get("-f")
    sources, target = rest[:-1], rest[-1]
    if not sources and not listing:
        raise InvalidArguments("Neither source file listing nor source paths present")
    if sources and listing:
        raise InvalidArguments("Both source file listing and source paths present")
    o = DistCpOptions(sources=sources, target=target, source_file_listing=listing)
    o.update = bool(opts.get("-update"))
    o.overwrite = bool(opts.get("-overwrite"))
    o.delete = bool(opts.get("-delete"))
    o.ignore_failures = bool(opts.get("-i"))
    o.skip_crc = bool(opts.get("-skipcrccheck"))
    o.atomic = bool(opts.get("-atomic"))
    o.verbose = bool(opts.get("-v"))
    o.log_path = opts.get("-log")
    o.work_path = opts.get("-tmp")
    o.preserve = preserve or ""
    if "-m" in opts:
        try:
            o.max_maps = max(1, int(opts["-m"]))
        except ValueError:
            raise InvalidArguments(f"Number of maps is invalid: {opts['-m']}") from None
    if "-strategy" in opts:
        s = opts["-strategy"]
        if s not in ("uniformsize", "dynamic", "uniform"):
            raise InvalidArguments(f"Unable to find strategy {s}")
        o.strategy = s
    if o.update and o.overwrite:
        raise InvalidArguments("Overwrite and update options are mutually exclusive")
    if o.delete and not (o.update or o.overwrite):
        raise InvalidArguments("Delete missing is applicable only with update or overwrite options")
    if o.skip_crc and not o.update:
        raise InvalidArguments("Skip CRC is valid only with update options")
    if o.atomic and (o.update or o.overwrite):
        raise InvalidArguments("Atomic commit can't be used with sync folder or overwrite options")
    if o.work_path and not o.atomic:
        raise InvalidArguments("-tmp work-path can only be specified along with -atomic")
    return o
