"""Fixtures of the embedded HDFS store: a fresh store per test under ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhdp.conf import Configuration


@pytest.fixture
def store_conf(tmp_path: Path) -> Configuration:
    conf = Configuration()
    conf.set("hadoop.tmp.dir", str(tmp_path / "data"))
    conf.set("fs.defaultFS", "hdfs://localhost:9000")
    return conf


@pytest.fixture
def dfs_factory(store_conf: Configuration):
    """``dfs_factory(user=None, settings={key: value})`` → a DistributedFileSystem on the test's store."""
    from pyhdp.hdfs.client import DistributedFileSystem

    made = []

    def make(user: str | None = None, settings: dict | None = None):
        conf = store_conf
        if settings:
            conf = store_conf.copy()
            for k, v in settings.items():
                conf.set(k, v)
        fs = DistributedFileSystem(conf, "localhost:9000", user=user)
        made.append(fs)
        return fs

    yield make
    from pyhdp.hdfs.embedded import close_stores

    close_stores()


@pytest.fixture
def dfs(dfs_factory):
    return dfs_factory()


@pytest.fixture
def superuser() -> str:
    from pyhdp.security import login_user

    return login_user()
