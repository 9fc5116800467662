"""start-dfs.sh & co: the order of messages and of daemon commands (stub transport), and the real
scripts over SSH on the test hosts."""

from __future__ import annotations

import io
import os
import socket
from pathlib import Path

from pyhdp.cluster import scripts
from pyhdp.cluster.fanout import Fanout
from pyhdp.cluster.stubtransport import StubTransport
from pyhdp.cluster.workers import HostSpec
from pyhdp.conf import Configuration

SBIN = Path(scripts.__file__).resolve().parent / "sbin"


class RecordingContext(scripts.ScriptContext):
    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.local: list[str] = []

    def here(self, prog, action, daemon):
        self.local.append(f"{prog} --daemon {action} {daemon}")
        self.say(f"[local {prog} {action} {daemon}]")
        return 0


def make_ctx(conf=None, workers=("w1", "w2", "w3"), handler=None):
    conf = conf or Configuration()
    conf.set("pyhdp.ssh.local-direct", "false")
    commands: list[tuple[str, str]] = []

    def record(host, command):
        words = command.split()
        i = words.index("pyhdp.cluster")
        commands.append((host.name, " ".join(words[i + 1:])))
        return handler(host, command) if handler else (0, "")

    out, err = io.StringIO(), io.StringIO()
    fan = Fanout(conf, transport=StubTransport(handler=record), out=out, err=err)
    ctx = RecordingContext(conf, fan, out, err, [HostSpec.parse(w) for w in workers])
    return ctx, commands, out, err


def test_start_dfs_messages_and_hosts():
    ctx, commands, out, err = make_ctx()
    with ctx.fan:
        assert scripts.start_dfs(ctx) == 0
    host = socket.gethostname()
    assert out.getvalue().splitlines() == [
        "Starting namenodes on [localhost]",
        "Starting datanodes",
        f"Starting secondary namenodes [{host}]",
    ]
    assert commands[0] == ("localhost", "hdfs --daemon start namenode")
    assert sorted(commands[1:4]) == [(w, "hdfs --daemon start datanode") for w in ("w1", "w2", "w3")]
    assert commands[4] == (host, "hdfs --daemon start secondarynamenode")


def test_namenode_host_from_configuration_and_no_secondary():
    conf = Configuration()
    conf.set("fs.defaultFS", "hdfs://nn.example:8020")
    conf.set("dfs.namenode.secondary.http-address", "")
    ctx, commands, out, err = make_ctx(conf)
    with ctx.fan:
        scripts.stop_dfs(ctx)
    assert out.getvalue().splitlines() == ["Stopping namenodes on [nn.example]", "Stopping datanodes"]
    assert commands[0] == ("nn.example", "hdfs --daemon stop namenode")
    conf.set("dfs.namenode.rpc-address", "rpc.example:9000")
    assert scripts.namenode_hosts(conf) == ["rpc.example"]


def test_start_all_and_stop_all_order():
    conf = Configuration()
    conf.set("pyhdp.cluster.start-all.delay", "3")
    conf.set("yarn.web-proxy.address", "proxy.example:9046")
    ctx, commands, out, err = make_ctx(conf, workers=("w1",))
    slept: list[float] = []
    with ctx.fan:
        assert scripts.start_all(ctx, sleep=slept.append) == 0
        assert scripts.stop_all(ctx, sleep=slept.append) == 0
    user = os.environ.get("USER") or __import__("pyhdp.security").security.login_user()
    host = socket.gethostname()
    assert out.getvalue().splitlines() == [
        f"WARNING: Attempting to start all Apache Hadoop daemons as {user} in 3 seconds.",
        "WARNING: This is not a recommended production deployment configuration.",
        "WARNING: Use CTRL-C to abort.",
        "Starting namenodes on [localhost]",
        "Starting datanodes",
        f"Starting secondary namenodes [{host}]",
        "Starting resourcemanager",
        "[local yarn start resourcemanager]",
        "Starting nodemanagers",
        "Starting proxy server [proxy.example]",
        f"WARNING: Stopping all Apache Hadoop daemons as {user} in 3 seconds.",
        "WARNING: Use CTRL-C to abort.",
        "Stopping namenodes on [localhost]",
        "Stopping datanodes",
        f"Stopping secondary namenodes [{host}]",
        "Stopping nodemanagers",
        "Stopping resourcemanager",
        "[local yarn stop resourcemanager]",
        "Stopping proxy server [proxy.example]",
    ]
    assert slept == [3.0, 3.0]
    assert ("w1", "yarn --daemon start nodemanager") in commands
    assert ("proxy.example", "yarn --daemon stop proxyserver") in commands
    # one SSH connection per host for the whole start-all + stop-all
    assert ctx.fan._transport.connects == {"localhost": 1, "w1": 1, host: 1, "proxy.example": 1}


def test_failure_on_one_worker_makes_the_script_fail_but_the_rest_start():
    def handler(host, command):
        if host.name == "w2":
            return 1, "datanode is running as process 42.  Stop it first and ensure /p file is empty before retry.\n"
        return 0, ""

    ctx, commands, out, err = make_ctx(handler=handler)
    with ctx.fan:
        assert scripts.start_dfs(ctx) == 1
    assert "w2: datanode is running as process 42." in out.getvalue()
    assert len(commands) == 5


def test_script_usage_errors():
    out, err = io.StringIO(), io.StringIO()
    assert scripts.script_main("start-dfs.sh", ["-bogus"], out=out, err=err) == 1
    assert err.getvalue() == "Usage: start-dfs.sh [-upgrade|-rollback] [-clusterId]\n"
    assert scripts.script_main("stop-yarn.sh", ["--help"], out=out, err=err) == 0
