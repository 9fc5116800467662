"""Ship what a job needs to its tasks: ``-files``, ``-archives``, ``-pyfiles`` and the job's directory.

Each entry may be a local path or a URI, with an optional ``#name`` giving the name of
the link in the task's working directory (as Hadoop's distributed cache).  Files are
copied into the job's cache dir; archives (``.zip``, ``.tar``, ``.tar.gz``, ``.tgz``,
``.jar``) are unpacked there; ``-pyfiles`` zips and wheels are put on the tasks'
``sys.path`` (directories too).  Returns ``(python_path, links)`` where ``links`` maps a
link name to the cached local path; every attempt's working dir gets those symlinks.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhdp.conf import Configuration


def _split_fragment(entry: str) -> tuple[str, str]:
    path, _, frag = entry.partition("#")
    name = frag or os.path.basename(path.rstrip("/"))
    return path, name


def _fetch(entry: str, conf: Configuration, dest_dir: str) -> tuple[str, str]:
    """Copy ``entry`` into ``dest_dir``; returns (local path, link name)."""
    path, name = _split_fragment(entry)
    os.makedirs(dest_dir, exist_ok=True)
    target = os.path.join(dest_dir, name)
    if "://" not in path and not path.startswith("file:"):
        local = os.path.abspath(os.path.expanduser(path))
        if not os.path.exists(local):
            raise FileNotFoundError(f"File {path} does not exist")
        return local, name
    from pyhdp.mapreduce.input.splits import resolve

    fs, p = resolve(path, conf)
    if fs.scheme == "file":
        if not os.path.exists(p):
            raise FileNotFoundError(f"File {fs.make_qualified(p)} does not exist")
        return p, name
    _copy_down(fs, p, target)
    return target, name


def _copy_down(fs: Any, src: str, dst: str) -> None:
    st = fs.get_file_status(src)
    if st.is_dir:
        os.makedirs(dst, exist_ok=True)
        for child in fs.list_status(src):
            _copy_down(fs, child.path, os.path.join(dst, child.name))
        return
    with fs.open(src) as fin, open(dst, "wb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)


def _unpack(archive: str, dest: str) -> None:
    os.makedirs(dest, exist_ok=True)
    lower = archive.lower()
    if lower.endswith((".zip", ".jar", ".whl")):
        import zipfile

        with zipfile.ZipFile(archive) as z:
            z.extractall(dest)
    else:
        import tarfile

        with tarfile.open(archive) as t:
            try:
                t.extractall(dest, filter="data")
            except TypeError:  # Python < 3.12 without filters
                t.extractall(dest)  # noqa: S202


def localize(spec: Any, conf: Configuration, cache_dir: str) -> tuple[list[str], dict[str, str]]:
    links: dict[str, str] = {}
    python_path = list(spec.python_path)
    files = list(spec.files) + conf.get_list("tmpfiles")
    archives = list(spec.archives) + conf.get_list("tmparchives")
    pyfiles = list(spec.pyfiles)
    for entry in files:
        local, name = _fetch(entry, conf, os.path.join(cache_dir, "files"))
        links[name] = local
    for entry in archives:
        local, name = _fetch(entry, conf, os.path.join(cache_dir, "archives-src"))
        dest = os.path.join(cache_dir, "archives", name)
        _unpack(local, dest)
        links[name] = dest
    for entry in pyfiles:
        local, name = _fetch(entry, conf, os.path.join(cache_dir, "pyfiles"))
        links.setdefault(name, local)
        python_path.append(local)
    return python_path, links


def make_links(work_dir: str, links: dict[str, str]) -> None:
    """Symlink every localized resource into a task's working directory."""
    os.makedirs(work_dir, exist_ok=True)
    for name, target in links.items():
        link = os.path.join(work_dir, name)
        if os.path.lexists(link):
            continue
        try:
            os.symlink(target, link)
        except OSError:
            if os.path.isdir(target):
                shutil.copytree(target, link)
            else:
                shutil.copy2(target, link)
