"""Appends that add no bytes, or resume a torn last chunk, must leave the replica readable."""

from __future__ import annotations


def test_empty_append_keeps_file_readable(cli, pyhdp_home):
    src = pyhdp_home.home / "f"
    data = "".join(f"{i}\n" for i in range(1, 301))  # 1092 bytes: the last 512-byte chunk is torn
    src.write_text(data)
    assert cli("hdfs", "dfs", "-put", str(src), "/f").returncode == 0
    empty = pyhdp_home.home / "empty"
    empty.write_bytes(b"")
    assert cli("hdfs", "dfs", "-appendToFile", str(empty), "/f").returncode == 0
    out = cli("hdfs", "dfs", "-cat", "/f")
    assert out.returncode == 0, out
    assert out.stdout == data
    # a later non-empty append completes the torn chunk and rewrites its checksum
    assert cli("hdfs", "dfs", "-appendToFile", "-", "/f", input="x\ny\n").returncode == 0
    out = cli("hdfs", "dfs", "-cat", "/f")
    assert out.stdout == data + "x\ny\n"


def test_append_after_truncate_mid_chunk(cli, pyhdp_home):
    src = pyhdp_home.home / "g"
    src.write_bytes(b"a" * 2000)
    assert cli("hdfs", "dfs", "-put", str(src), "/g").returncode == 0
    assert cli("hdfs", "dfs", "-truncate", "-w", "700", "/g").returncode == 0
    assert cli("hdfs", "dfs", "-appendToFile", "-", "/g", input="b" * 10).returncode == 0
    out = cli("hdfs", "dfs", "-cat", "/g")
    assert out.returncode == 0, out
    assert out.stdout == "a" * 700 + "b" * 10
