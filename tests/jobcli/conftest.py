"""A pyhdp home whose default file system is ``file:///`` and whose job history is private."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def mr(pyhdp_home, tmp_path: Path):
    """``mr("mapred", "streaming", ...)`` runs a command with local-disk defaults; ``mr.dir`` is scratch."""
    pyhdp_home.write_site(
        "core-site.yaml", f"fs.defaultFS: file:///\nhadoop.tmp.dir: {tmp_path / 'hadoop-tmp'}\n"
    )
    pyhdp_home.write_site(
        "mapred-site.yaml",
        f"mapreduce.jobhistory.done-dir: {tmp_path / 'history'}\n"
        "mapreduce.local.map.tasks.maximum: 2\n"
        "mapreduce.client.progressmonitor.pollinterval: 50\n",
    )
    work = tmp_path / "work"
    work.mkdir()

    def run(*args: str, **kw):
        kw.setdefault("cwd", work)
        return pyhdp_home.run(*args, **kw)

    run.dir = work  # type: ignore[attr-defined]
    run.home = pyhdp_home  # type: ignore[attr-defined]
    return run
