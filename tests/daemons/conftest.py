"""Fixtures of the daemon tests: real NameNode/DataNode processes (see :mod:`minicluster`)."""

from __future__ import annotations

import pytest
from minicluster import MiniCluster


@pytest.fixture
def cluster_factory(tmp_path):
    made: list[MiniCluster] = []

    def make(datanodes: int = 3, conf: dict | None = None, start: bool = True) -> MiniCluster:
        c = MiniCluster(tmp_path / f"c{len(made)}", datanodes, conf)
        made.append(c)
        return c.start() if start else c

    yield make
    for c in made:
        c.stop()


@pytest.fixture
def cluster(cluster_factory) -> MiniCluster:
    """NameNode + 3 DataNodes, replication 3, 1 MiB blocks."""
    return cluster_factory()
