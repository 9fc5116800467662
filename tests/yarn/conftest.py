from __future__ import annotations

import pytest

from .minicluster import MiniYarn


@pytest.fixture
def yarn_cluster(pyhdp_home, request):
    marker = request.node.get_closest_marker("yarn")
    kw = dict(marker.kwargs) if marker else {}
    root = pyhdp_home.home / "yarn"
    root.mkdir(parents=True)
    cluster = MiniYarn(root, pyhdp_home.env, **kw)
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def pytest_configure(config):
    config.addinivalue_line("markers", "yarn(nodes=2, node_mb=2048, extra={}): MiniYarn settings")
