"""A full disk is a real small tmpfs: a failed put leaves nothing under the real name, gives one
clear error line, and the store keeps working (as root; skipped with a reason otherwise)."""

from __future__ import annotations

import os
import subprocess

import pytest

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a tmpfs needs root (CI runs as root)")


@pytest.fixture
def tiny_volume(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mnt)], capture_output=True, text=True
    )
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_put_on_full_disk(cli, pyhdp_home, authority, tiny_volume):
    pyhdp_home.write_site(
        "core-site.yaml", f"fs.defaultFS: hdfs://{authority}\nhadoop.tmp.dir: {tiny_volume}/data\n"
    )
    big = pyhdp_home.home / "big"
    big.write_bytes(os.urandom(5_000_000))
    r = cli("hdfs", "dfs", "-put", str(big), "/big")
    assert r.returncode == 1
    assert r.stderr == (
        f"put: No space left on device: the DataNode volume {tiny_volume}/data/dfs/data is full; "
        "free space there or set dfs.datanode.data.dir to a larger volume\n"
    )
    listing = cli("hdfs", "dfs", "-ls", "-R", "/").stdout
    assert "/big" not in listing  # neither /big nor /big._COPYING_
    rbw = list((tiny_volume / "data" / "dfs" / "data").rglob("rbw/blk_*"))
    assert rbw == []  # the partial replica gave its space back
    small = pyhdp_home.home / "small"
    small.write_bytes(b"still works\n")
    assert cli("hdfs", "dfs", "-put", str(small), "/small").returncode == 0
    assert cli("hdfs", "dfs", "-cat", "/small").stdout == "still works\n"
    assert cli("hdfs", "fsck", "/").returncode == 0
