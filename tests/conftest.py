"""Fixtures shared by every test directory.

``pyhdp_home`` gives each test its own HOME, conf dir and ``hadoop.tmp.dir`` so no test
touches the user's real ``~/.pyhdp``; ``cli`` runs the real installed commands as
subprocesses in that environment.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / "bin"


@dataclasses.dataclass
class CliResult:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def out(self) -> str:
        return self.stdout

    def __repr__(self) -> str:  # shown by pytest on failure
        return f"CliResult({self.argv!r}, rc={self.returncode}, stdout={self.stdout!r}, stderr={self.stderr!r})"


@dataclasses.dataclass
class PyhdpHome:
    home: Path
    conf_dir: Path
    data_dir: Path
    env: dict[str, str]

    def run(self, prog: str, *args: str, input: str | bytes | None = None, env: dict | None = None,
            cwd: str | os.PathLike | None = None, timeout: float = 120, text: bool = True) -> CliResult:
        """Run ``prog`` (hadoop, hdfs, yarn, mapred, pyhdp) from the checkout's ``bin/``."""
        full_env = dict(self.env)
        if env:
            full_env.update(env)
        argv = [str(BIN / prog), *args]
        if isinstance(input, str) and not text:
            input = input.encode()
        proc = subprocess.run(argv, input=input, capture_output=True, env=full_env, cwd=cwd or self.home,
                              timeout=timeout, text=text)
        return CliResult(argv, proc.returncode, proc.stdout, proc.stderr)

    def write_site(self, name: str, text: str) -> Path:
        path = self.conf_dir / name
        path.write_text(text)
        return path


@pytest.fixture
def pyhdp_home(tmp_path: Path) -> PyhdpHome:
    """An isolated pyhdp installation state: HOME, conf dir and data dir under tmp_path."""
    home = tmp_path / "home"
    conf_dir = home / ".pyhdp" / "conf"
    data_dir = home / ".pyhdp" / "data"
    conf_dir.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))}
    env.update({
        "HOME": str(home),
        "PYHDP_CONF_DIR": str(conf_dir),
        "PYHDP_PYTHON": sys.executable,
        "PYTHONPATH": str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", ""),
    })
    return PyhdpHome(home, conf_dir, data_dir, env)


@pytest.fixture
def cli(pyhdp_home: PyhdpHome):
    """``cli("hdfs", "dfs", "-ls", "/")`` → CliResult, in the isolated environment."""
    return pyhdp_home.run
