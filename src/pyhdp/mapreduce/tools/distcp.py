"""``hadoop distcp [OPTIONS] SRC... DST``: a map-only copy job on the engine (Hadoop's DistCp).

The client builds the copy listing (:mod:`~pyhdp.mapreduce.tools.copylisting`), writes it
in byte-balanced chunks, one per map, runs :class:`~pyhdp.mapreduce.tools.copymapper.CopyMapper`
over them and then commits like Hadoop's CopyCommitter: directory attributes, ``-delete``
of files missing in the source, ``-atomic`` rename of the work directory.
"""

from __future__ import annotations

import logging
import os
import posixpath
import sys
import tempfile
import uuid
from typing import IO, TYPE_CHECKING

from pyhdp.mapreduce.tools.copylisting import (
    CopyEntry,
    InvalidInputError,
    assign_maps,
    build_listing,
    expand_globs,
    read_source_listing,
    resolve,
    target_path,
)
from pyhdp.mapreduce.tools.distcp_options import USAGE, DistCpOptions, InvalidArguments, parse

if TYPE_CHECKING:
    from pyhdp.conf import Configuration
    from pyhdp.fs.base import FileSystem

LOG = logging.getLogger("org.apache.hadoop.tools.DistCp")
COMMIT_LOG = logging.getLogger("org.apache.hadoop.tools.mapred.CopyCommitter")
INVALID_ARGUMENT = 255  # DistCpConstants.INVALID_ARGUMENT (-1)
UNKNOWN_ERROR = 25  # DistCpConstants.UNKNOWN_ERROR (-999) as a process exit status


def run(args: list[str], conf: Configuration, err: IO[str] | None = None) -> int:
    err = err or sys.stderr
    if not args:  # DistCp.run: no arguments at all → the usage alone
        err.write(USAGE)
        return INVALID_ARGUMENT
    try:
        opts = parse(args)
    except InvalidArguments as e:
        LOG.error("Invalid arguments: %s", e)
        err.write(f"Invalid arguments: {e}\n{USAGE}")
        err.flush()
        return INVALID_ARGUMENT
    LOG.info("Input Options: %s", _describe(opts))
    try:
        return execute(opts, conf, err)
    except InvalidInputError as e:
        LOG.error("Invalid input: ")
        err.write(f"org.apache.hadoop.tools.CopyListing$InvalidInputException: {e}\n")
        return INVALID_ARGUMENT
    except InvalidArguments as e:
        err.write(f"Invalid arguments: {e}\n{USAGE}")
        return INVALID_ARGUMENT
    except OSError as e:  # what DistCp.run reports as "Exception encountered" (UNKNOWN_ERROR)
        LOG.error("Exception encountered ")
        err.write(f"java.io.IOException: {e}\n")
        return UNKNOWN_ERROR


def _describe(o: DistCpOptions) -> str:
    return (
        f"DistCpOptions{{atomicCommit={str(o.atomic).lower()}, syncFolder={str(o.update).lower()}, "
        f"deleteMissing={str(o.delete).lower()}, ignoreFailures={str(o.ignore_failures).lower()}, "
        f"overwrite={str(o.overwrite).lower()}, skipCRC={str(o.skip_crc).lower()}, maxMaps={o.max_maps}, "
        f"copyStrategy='{o.strategy}', preserveStatus=[{o.preserve}], "
        f"sourceFileListing={o.source_file_listing}, sourcePaths={o.sources}, targetPath={o.target}, "
        f"logPath={o.log_path}}}"
    )


def execute(opts: DistCpOptions, conf: Configuration, err: IO[str]) -> int:
    from pyhdp.mapreduce.api import Component, JobSpec, Step, run_job

    listed = read_source_listing(opts.source_file_listing, conf) if opts.source_file_listing else opts.sources
    sources = expand_globs(listed, conf)
    tfs, tpath = resolve(opts.target, conf)
    try:
        tst = tfs.get_file_status(tpath)
    except FileNotFoundError:
        tst = None
    entries = build_listing(opts, sources, conf, tst is not None, bool(tst and tst.is_dir))
    final_uri = tfs.make_qualified(tpath)
    root_uri = final_uri
    work = None
    if opts.atomic:
        work = opts.work_path and resolve(opts.work_path, conf)[1]
        work = work or posixpath.join(posixpath.dirname(tpath) or "/", f".distcp.tmp.{uuid.uuid4().hex[:12]}")
        root_uri = tfs.make_qualified(work)
    onto_file = len(entries) == 1 and entries[0].rel == ""
    if not onto_file:
        tfs.mkdirs(work or tpath)
    elif work:
        tfs.mkdirs(posixpath.dirname(work) or "/")
    total = sum(e.length for e in entries if not e.is_dir)
    LOG.info("Number of paths in the copy list: %d", len(entries))
    LOG.info("Number of bytes in the copy list: %d", total)

    staging = _staging_dir(conf)
    buckets = assign_maps(entries, opts.max_maps)
    inputs = []
    for i, bucket in enumerate(buckets):
        path = os.path.join(staging, f"fileList-{i:05d}")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(e.to_line() + "\n" for e in bucket)
        inputs.append("file:" + path)
    log_uri = opts.log_path or "file:" + os.path.join(staging, "_logs")
    mapper = Component(
        "pyhdp.mapreduce.tools.copymapper:CopyMapper",
        {
            "target": root_uri,
            "update": opts.update,
            "overwrite": opts.overwrite,
            "ignore_failures": opts.ignore_failures,
            "skip_crc": opts.skip_crc,
            "preserve": opts.preserve,
            "verbose": opts.verbose,
        },
    )
    step = Step(
        mapper=mapper,
        num_reduces=0,
        input_format="text",
        output_format="text",
        conf={
            "mapreduce.map.speculative": "false",
            "mapreduce.input.fileinputformat.split.minsize": str(1 << 40),
            "pyhdp.output.lazy": "true",
        },
        name="distcp",
    )
    name = "distcp: " + ",".join(sources) + " to " + opts.target
    spec = JobSpec(inputs=inputs, output=log_uri, steps=[step], name=name[:200], api="new")
    if buckets:
        result = run_job(spec, conf, err=err)
        if not result.succeeded:
            info = result.failure.message if result.failure else result.diagnostics
            LOG.error("Exception encountered ")
            err.write(f"java.io.IOException: DistCp failure: Job {result.job_id} has failed: {info}\n")
            if work:
                tfs.delete(work, True)
            return UNKNOWN_ERROR
    commit(opts, conf, tfs, work or tpath, entries)
    if work:
        if tfs.exists(tpath):
            tfs.delete(tpath, True)
        if not tfs.rename(work, tpath):
            err.write(f"java.io.IOException: Atomic commit failed: rename {root_uri} to {final_uri}\n")
            return UNKNOWN_ERROR
        COMMIT_LOG.info("Atomic commit: %s renamed to %s", root_uri, final_uri)
    if not opts.log_path:
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
    return 0


def _staging_dir(conf: Configuration) -> str:
    base = conf.get("hadoop.tmp.dir") or tempfile.gettempdir()
    base = base[5:] if base.startswith("file:") else base
    parent = os.path.join(base, "mapred", "staging", "distcp")
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix="_distcp", dir=parent)


def commit(
    opts: DistCpOptions, conf: Configuration, tfs: FileSystem, root: str, entries: list[CopyEntry]
) -> None:
    """CopyCommitter: directory attributes (after their children were written), then -delete."""
    from pyhdp.mapreduce.tools.copymapper import apply_preserved

    if opts.preserve:
        for e in entries:
            if e.is_dir:
                apply_preserved(tfs, target_path(root, e.rel), e, opts.preserve)
    if opts.delete:
        delete_missing(tfs, root, {target_path(root, e.rel) for e in entries})


def delete_missing(tfs: FileSystem, root: str, keep: set[str]) -> tuple[int, int]:
    """Delete everything below ``root`` that is not in ``keep`` (and not above a kept path)."""
    ancestors = set()
    for p in keep:
        while p not in ("/", "") and p != root:
            p = posixpath.dirname(p)
            ancestors.add(p)
    files = dirs = 0
    deleted: list[str] = []
    for st in list(tfs.walk(root)):
        p = st.path.rstrip("/") or "/"
        if p == root.rstrip("/") or p in keep or p in ancestors:
            continue
        if any(p.startswith(d + "/") for d in deleted):
            continue
        tfs.delete(p, True)
        deleted.append(p)
        if st.is_dir:
            dirs += 1
        else:
            files += 1
    COMMIT_LOG.info("Deleted from target: files: %d directories: %d", files, dirs)
    return files, dirs
