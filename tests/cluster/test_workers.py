"""Worker lists and SSH settings: pure parsing, no hosts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyhdp.cluster.settings import SshSettings, WorkerSettings
from pyhdp.cluster.workers import (
    HostSpec,
    is_local,
    parse_host_lines,
    parse_hostnames_option,
    resolve_workers,
)
from pyhdp.conf import Configuration
from pyhdp.errors import ConfigError, UsageError

NAME = st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True)


def test_workers_file_with_comments_blank_lines_and_duplicates():
    text = "# the workers\n\nh1\n  h2   # rack 2\nh3 h4\n\th1\n#h5\n"
    assert parse_host_lines(text) == ["h1", "h2", "h3", "h4"]


@given(st.lists(NAME, min_size=1, max_size=20), st.lists(st.sampled_from(["", "# c", "#", "   "]), max_size=5))
def test_workers_file_round_trip(names, noise):
    lines = []
    for i, n in enumerate(names):
        lines.append(n + (f"  # note {i}" if i % 2 else ""))
        lines.extend(noise)
    expected = list(dict.fromkeys(names))
    assert parse_host_lines("\n".join(lines)) == expected


def test_hostnames_option_commas_and_spaces():
    assert parse_hostnames_option("a,b c,,a") == ["a", "b", "c"]


@pytest.mark.parametrize("entry,address,user,port", [
    ("h1", "h1", None, None),
    ("bob@h1", "h1", "bob", None),
    ("h1:2222", "h1", None, 2222),
    ("bob@10.0.0.1:22", "10.0.0.1", "bob", 22),
    ("[::1]:2200", "::1", None, 2200),
])
def test_host_spec(entry, address, user, port):
    h = HostSpec.parse(entry)
    assert (h.name, h.address, h.user, h.port) == (entry, address, user, port)


@pytest.mark.parametrize("entry", ["h1:0", "h1:x", "@h1", "h1:99999"])
def test_bad_host_spec(entry):
    with pytest.raises(UsageError):
        HostSpec.parse(entry)


def test_resolve_default_file_hosts_file_and_errors(tmp_path):
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    assert [h.name for h in resolve_workers(str(conf_dir), env={})] == ["localhost"]
    (conf_dir / "workers").write_text("a\nb\n")
    assert [h.name for h in resolve_workers(str(conf_dir), env={})] == ["a", "b"]
    (conf_dir / "other").write_text("c # x\n")
    assert [h.name for h in resolve_workers(str(conf_dir), hosts_file="other", env={})] == ["c"]
    assert [h.name for h in resolve_workers(str(conf_dir), hosts_file=str(conf_dir / "other"), env={})] == ["c"]
    assert [h.name for h in resolve_workers(str(conf_dir), hostnames="x,y", env={})] == ["x", "y"]
    with pytest.raises(UsageError, match='Cannot find hosts file "nope"'):
        resolve_workers(str(conf_dir), hosts_file="nope", env={})
    with pytest.raises(UsageError, match="Both HADOOP_WORKERS and HADOOP_WORKER_NAMES"):
        resolve_workers(str(conf_dir), hostnames="a", hosts_file="other", env={})
    (conf_dir / "workers").write_text("# nobody\n")
    with pytest.raises(UsageError, match="no worker hosts"):
        resolve_workers(str(conf_dir), env={})
    (tmp_path / "w").write_text("z\n")
    assert [h.name for h in resolve_workers(str(conf_dir), env={"HADOOP_WORKERS": str(tmp_path / "w")})] == ["z"]


def test_workers_cli_errors(cli, pyhdp_home):
    r = cli("hdfs", "--workers", "--hosts", "missing-file", "--daemon", "status", "datanode")
    assert r.returncode != 0
    assert 'ERROR: Cannot find hosts file "missing-file"' in r.stderr
    assert "Traceback" not in r.stderr


def test_is_local():
    assert is_local(HostSpec.parse("localhost"))
    assert is_local(HostSpec.parse("127.0.0.1"))
    assert not is_local(HostSpec.parse("10.200.1.2"))
    assert not is_local(HostSpec.parse("localhost:2222"))  # an explicit port means: go through SSH
    conf = Configuration()
    conf.set("pyhdp.ssh.local-direct", "false")
    assert not is_local(HostSpec.parse("localhost"), conf)


def test_ssh_settings_from_keys_and_hadoop_ssh_opts():
    conf = Configuration()
    s = SshSettings.from_conf(conf, env={})
    assert (s.port, s.known_hosts, s.parallelism, s.connect_timeout, s.identity_file) == (22, "strict", 10, 10.0, None)
    conf.set("pyhdp.ssh.port", "2222")
    conf.set("pyhdp.ssh.known-hosts", "accept-new")
    conf.set("pyhdp.ssh.connect-timeout", "3s")
    s = SshSettings.from_conf(conf, env={})
    assert (s.port, s.known_hosts, s.connect_timeout) == (2222, "accept-new", 3.0)
    opts = "-o BatchMode=yes -o StrictHostKeyChecking=no -o ConnectTimeout=7s -i /k/id -p 2200 -l hdfs -oUser=yarn"
    s = SshSettings.from_conf(conf, env={"HADOOP_SSH_OPTS": opts})
    assert (s.known_hosts, s.connect_timeout, s.identity_file, s.port, s.user) == ("no", 7.0, "/k/id", 2200, "yarn")
    s = SshSettings.from_conf(conf, env={"HADOOP_SSH_OPTS": "-o StrictHostKeyChecking yes -J jump@gw:22"})
    assert (s.known_hosts, s.jump_host) == ("strict", "jump@gw:22")
    assert SshSettings.from_conf(conf, env={"HADOOP_SSH_PARALLEL": "32"}).parallelism == 32


def test_bad_ssh_settings():
    conf = Configuration()
    conf.set("pyhdp.ssh.known-hosts", "maybe")
    with pytest.raises(ConfigError, match="pyhdp.ssh.known-hosts"):
        SshSettings.from_conf(conf, env={})
    conf = Configuration()
    conf.set("pyhdp.ssh.parallelism", "0")
    with pytest.raises(ConfigError, match="parallelism"):
        SshSettings.from_conf(conf, env={})
    with pytest.raises(ConfigError, match="HADOOP_SSH_OPTS"):
        SshSettings.from_conf(Configuration(), env={"HADOOP_SSH_OPTS": "-o StrictHostKeyChecking=perhaps"})


def test_worker_settings():
    import sys

    conf = Configuration()
    w = WorkerSettings.from_conf(conf)
    assert w.python == sys.executable and w.pythonpath is None and "HADOOP_PID_DIR" in w.forwarded_env
    conf.set("pyhdp.worker.env", "A=1, B=x=y")
    assert WorkerSettings.from_conf(conf).extra_env == {"A": "1", "B": "x=y"}
    conf.set("pyhdp.worker.env", "novalue")
    with pytest.raises(ConfigError):
        WorkerSettings.from_conf(conf)


def test_pyhdp_host_expands_per_host(monkeypatch):
    monkeypatch.delenv("PYHDP_HOST", raising=False)
    conf = Configuration()
    conf.set("hadoop.tmp.dir", "/data/${pyhdp.host}")
    c = conf.copy()
    c.set("pyhdp.host", "h7")
    assert c.get("hadoop.pid.dir") == "/data/h7/pids"
    assert conf.get("hadoop.pid.dir") == "/data/localhost/pids"
    monkeypatch.setenv("PYHDP_HOST", "w3")
    assert conf.get("hadoop.pid.dir") == "/data/w3/pids"
