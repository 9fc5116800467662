"""Fixtures of the cluster tests: real SSH hosts (see ``hosts.py``) and a pyhdp set-up that reaches them.

``test_hosts`` (session) makes four hosts: network namespaces with sshd when root and
``ip netns`` are available, else sshd on loopback addresses; without sshd the tests skip,
except in CI (``CI=true``), where they fail. ``PYHDP_TESTHOSTS_MODE=loopback`` forces the
loopback fallback where namespaces would work.

``cluster`` (per test) is the ``pyhdp_home`` environment plus a ``core-site.yaml`` that
reaches the hosts (SSH user, key, known hosts), gives each host its own data and log dirs
(``${pyhdp.host}``), and a ``workers`` file listing the hosts.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hosts import TestHosts, Unavailable  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
N_HOSTS = 4


@pytest.fixture(scope="session")
def test_hosts(tmp_path_factory) -> TestHosts:
    try:
        # PYHDP_TESTHOSTS_MODE=loopback forces the fallback (to test it where netns works)
        hosts = TestHosts.create(N_HOSTS, tmp_path_factory.mktemp("testhosts"),
                                 mode=os.environ.get("PYHDP_TESTHOSTS_MODE") or None)
    except Unavailable as e:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"cannot make SSH test hosts in CI: {e}")
        pytest.skip(f"cannot make SSH test hosts: {e}")
    yield hosts
    hosts.close()


def write_yaml(path: Path, values: dict[str, str]) -> None:
    import yaml

    path.write_text(yaml.safe_dump({k: str(v) for k, v in values.items()}, default_flow_style=False))


@dataclasses.dataclass
class ClusterEnv:
    home: object  # tests.conftest.PyhdpHome
    hosts: TestHosts
    base: Path
    site: dict[str, str]

    @property
    def conf_dir(self) -> Path:
        return self.home.conf_dir

    def host_dir(self, host_name: str) -> Path:
        return self.base / "hosts" / host_name

    def set(self, **values: str) -> None:
        self.site.update({k.replace("__", "."): v for k, v in values.items()})
        self.write()

    def write(self) -> None:
        write_yaml(self.conf_dir / "core-site.yaml", self.site)

    def workers(self, entries: list[str]) -> None:
        (self.conf_dir / "workers").write_text("# test workers\n" + "\n".join(entries) + "\n\n")

    def run(self, prog: str, *args: str, **kw):
        return self.home.run(prog, *args, **kw)

    def conf(self):
        from pyhdp.conf import load_configuration

        return load_configuration(str(self.conf_dir))


@pytest.fixture
def cluster(pyhdp_home, test_hosts, tmp_path) -> ClusterEnv:
    base = tmp_path / "cluster"
    base.mkdir()
    site = dict(test_hosts.ssh_conf())
    site.update({
        "hadoop.tmp.dir": f"{base}/hosts/${{pyhdp.host}}/data",
        "hadoop.log.dir": f"{base}/hosts/${{pyhdp.host}}/logs",
        "pyhdp.worker.pythonpath": str(REPO / "src"),
        "pyhdp.worker.python": sys.executable,
        "pyhdp.ssh.command-timeout": "60s",
        "pyhdp.cluster.start-all.delay": "0",
    })
    env = ClusterEnv(pyhdp_home, test_hosts, base, site)
    env.write()
    env.workers(test_hosts.entries())
    pyhdp_home.env["HADOOP_STOP_TIMEOUT"] = "2"
    yield env
    # stop whatever a test left running on the hosts (the self-test daemon), by pid file
    for pid_file in base.glob("hosts/*/data/pids/*.pid"):
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, 9)
        except (ValueError, IndexError, OSError):
            pass
