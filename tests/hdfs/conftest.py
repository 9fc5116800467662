"""Fixtures of the embedded HDFS store: a fresh store per test under ``tmp_path``."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyhdp.conf import Configuration


def free_port() -> int:
    """A loopback port nobody listens on, so no NameNode daemon (e.g. one another test or a
    developer started on 9000) answers and the client opens the embedded store."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def authority() -> str:
    return f"localhost:{free_port()}"


@pytest.fixture
def store_conf(tmp_path: Path, authority: str) -> Configuration:
    conf = Configuration()
    conf.set("hadoop.tmp.dir", str(tmp_path / "data"))
    conf.set("fs.defaultFS", f"hdfs://{authority}")
    return conf


@pytest.fixture
def cli(pyhdp_home, authority: str):
    """The shared ``cli`` fixture, with ``fs.defaultFS`` on a port no daemon answers."""
    pyhdp_home.write_site("core-site.yaml", f"fs.defaultFS: hdfs://{authority}\n")
    return pyhdp_home.run


@pytest.fixture
def dfs_factory(store_conf: Configuration, authority: str):
    """``dfs_factory(user=None, settings={key: value})`` → a DistributedFileSystem on the test's store."""
    from pyhdp.hdfs.client import DistributedFileSystem

    made = []

    def make(user: str | None = None, settings: dict | None = None):
        conf = store_conf
        if settings:
            conf = store_conf.copy()
            for k, v in settings.items():
                conf.set(k, v)
        fs = DistributedFileSystem(conf, authority, user=user)
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
