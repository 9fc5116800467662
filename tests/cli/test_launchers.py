"""The bin/ launchers work straight from the checkout (no install), through symbolic links,
and the package's HADOOP_HOME-like tree has working bin/ scripts too."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from tests.conftest import BIN, REPO


def _clean_env(pyhdp_home) -> dict[str, str]:
    env = {k: v for k, v in pyhdp_home.env.items() if k != "PYTHONPATH"}
    return env


@pytest.mark.parametrize("prog", ["hadoop", "hdfs", "yarn", "mapred", "pyhdp"])
def test_checkout_launchers_need_no_pythonpath(pyhdp_home, tmp_path, prog):
    r = subprocess.run(
        [str(BIN / prog), "version"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(pyhdp_home),
        timeout=120,
    )
    assert r.returncode == 0, r
    assert r.stdout.startswith("Hadoop 3.4.1\n")
    # it ran the checkout's code, not some other installed copy
    assert f"This command was run using {REPO}/src/pyhdp/home/" in r.stdout


def test_launcher_through_a_symbolic_link(pyhdp_home, tmp_path):
    link_dir = tmp_path / "mybin"
    link_dir.mkdir()
    (link_dir / "hdfs").symlink_to(BIN / "hdfs")
    r = subprocess.run(
        [str(link_dir / "hdfs"), "getconf", "-confKey", "dfs.replication"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(pyhdp_home),
        timeout=120,
    )
    assert (r.returncode, r.stdout) == (0, "1\n"), r


def test_home_tree_bin_scripts(pyhdp_home, tmp_path):
    home_bin = REPO / "src" / "pyhdp" / "home" / "bin"
    r = subprocess.run(
        [str(home_bin / "hadoop"), "envvars"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(pyhdp_home),
        timeout=120,
    )
    assert r.returncode == 0, r
    assert f"HADOOP_COMMON_HOME='{REPO}/src/pyhdp/home'" in r.stdout


def test_exit_codes_pass_through(cli):
    assert cli("hdfs", "getconf", "-confKey", "no.such").returncode == 255
    assert cli("hadoop").returncode == 1
    assert cli("hadoop", "version").returncode == 0


@pytest.mark.skipif(shutil.which("hadoop") is None, reason="pyhdp is not installed on PATH")
def test_installed_entry_point(pyhdp_home, tmp_path):
    exe = shutil.which("hadoop")
    r = subprocess.run(
        [exe, "version"], capture_output=True, text=True, cwd=tmp_path, env=pyhdp_home.env, timeout=120
    )
    assert r.returncode == 0 and r.stdout.startswith("Hadoop 3.4.1\n"), r
    assert os.path.basename(exe) == "hadoop"
