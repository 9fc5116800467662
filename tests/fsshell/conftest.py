"""Fixtures for FsShell CLI tests: ``dfs(...)`` runs ``hdfs dfs -fs file:/// ...`` in a scratch dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """A scratch tree: d1/{f1,f2,sub/}, d2/g1, zero (empty), big (500 lines)."""
    w = tmp_path / "w"
    (w / "d1" / "sub").mkdir(parents=True)
    (w / "d2").mkdir()
    (w / "d1" / "f1").write_bytes(b"hello\n")
    (w / "d1" / "f2").write_bytes(b"x")
    (w / "d2" / "g1").write_bytes(b"a\nb\n")
    (w / "zero").write_bytes(b"")
    (w / "big").write_text("".join(f"{i}\n" for i in range(1, 501)))
    when = 1704164645  # 2024-01-02 03:04:05 UTC
    for p in w.rglob("*"):
        os.utime(p, (when, when))
    return w


@pytest.fixture
def dfs(cli, work):
    """``dfs("-ls", "d1")`` → CliResult of ``hdfs dfs -fs file:/// -ls d1`` run inside ``work``."""

    def run(*args: str, input: str | bytes | None = None, env: dict | None = None, text: bool = True):
        return cli("hdfs", "dfs", "-fs", "file:///", *args, cwd=work, input=input, env=env, text=text)

    return run
