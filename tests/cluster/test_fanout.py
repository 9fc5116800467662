"""The fan-out core with a stub transport: bounded pool, retries, connection reuse, output, errors."""

from __future__ import annotations

import io
import shlex

import pytest

from pyhdp.cluster.fanout import Fanout, PyhdpTask, ShellTask, exit_code
from pyhdp.cluster.settings import SshSettings, WorkerSettings
from pyhdp.cluster.ssh import HostFailure
from pyhdp.cluster.stubtransport import StubTransport
from pyhdp.cluster.workers import HostSpec
from pyhdp.conf import Configuration


def hosts(n: int) -> list[HostSpec]:
    return [HostSpec.parse(f"w{i:03d}") for i in range(n)]


def make(transport, parallelism=10, retries=2, conf=None):
    out, err = io.StringIO(), io.StringIO()
    sleeps: list[float] = []
    fan = Fanout(conf, ssh=SshSettings(parallelism=parallelism, retries=retries, retry_backoff=0.5),
                 worker=WorkerSettings("/opt/py/bin/python3", None, (), {}), transport=transport, out=out, err=err,
                 sleep=sleeps.append)
    return fan, out, err, sleeps


def test_pool_bounds_simultaneous_handshakes():
    t = StubTransport(connect_delay=0.02)
    fan, out, err, _ = make(t, parallelism=4)
    with fan:
        results = fan.run(hosts(30), ShellTask("true"))
    assert exit_code(results) == 0
    assert t.max_connecting <= 4
    assert t.max_connecting >= 2  # it is parallel
    assert sum(t.connects.values()) == 30


def test_results_keep_host_order_and_lines_are_prefixed():
    t = StubTransport(handler=lambda h, c: (0, f"a {h.name}\nb {h.name}\npartial"))
    fan, out, err, _ = make(t)
    hs = hosts(5)
    with fan:
        results = fan.run(hs, ShellTask("x"))
    assert [r.host for r in results] == hs
    lines = out.getvalue().splitlines()
    for h in hs:
        assert [line for line in lines if line.startswith(h.name + ":")] == [
            f"{h.name}: a {h.name}", f"{h.name}: b {h.name}", f"{h.name}: partial"]
    assert results[0].output == ["a w000", "b w000", "partial"]


def test_connections_are_reused_across_runs():
    t = StubTransport()
    fan, *_ = make(t)
    with fan:
        fan.run(hosts(3), ShellTask("one"))
        fan.run(hosts(3), ShellTask("two"))
    assert t.connects == {"w000": 1, "w001": 1, "w002": 1}
    assert [c.commands for c in t.connections][0][-1].endswith("two")
    assert all(c.closed for c in t.connections)


def test_transient_failures_are_retried_with_backoff():
    flaky = [HostFailure("ssh", "closed during handshake", transient=True)] * 2
    t = StubTransport(failures={"w001": list(flaky)})
    fan, out, err, sleeps = make(t, retries=2)
    with fan:
        results = fan.run(hosts(3), ShellTask("true"))
    assert exit_code(results) == 0, err.getvalue()
    assert t.connects["w001"] == 3
    assert results[1].attempts == 3
    assert len(sleeps) == 2 and 0.375 <= sleeps[0] <= 0.625 and 0.75 <= sleeps[1] <= 1.25  # doubled, with jitter


def test_retries_are_bounded_and_the_error_names_host_command_and_cause():
    t = StubTransport(failures={"w002": [HostFailure("unreachable", "connection refused", transient=True)] * 5})
    fan, out, err, sleeps = make(t, retries=1)
    with fan:
        results = fan.run(hosts(4), ShellTask("hdfs --daemon start datanode"))
    assert exit_code(results) == 1
    assert t.connects["w002"] == 2
    assert err.getvalue() == "w002: ERROR: connection refused (while running 'hdfs --daemon start datanode')\n"
    assert [r.ok for r in results] == [True, True, False, True]


def test_auth_failure_is_not_retried():
    t = StubTransport(failures={"w000": [HostFailure("auth", "authentication failed for x@w000")]})
    fan, out, err, sleeps = make(t)
    with fan:
        r = fan.run(hosts(1), ShellTask("true"))[0]
    assert (r.kind, r.attempts, t.connects["w000"], sleeps) == ("auth", 1, 1, [])


def test_nonzero_exit_of_a_shell_command_is_reported():
    t = StubTransport(handler=lambda h, c: (3 if h.name == "w001" else 0, ""))
    fan, out, err, _ = make(t)
    with fan:
        results = fan.run(hosts(2), ShellTask("false"))
    assert err.getvalue() == "w001: ERROR: 'false' exited with status 3\n"
    assert [r.exit_code for r in results] == [0, 3]


def test_pyhdp_task_command_line_and_missing_interpreter():
    conf = Configuration()
    conf.set("pyhdp.conf.dir", "/etc/pyhdp")
    conf.set("pyhdp.worker.conf-dir", "/srv/${pyhdp.host}/conf")
    t = StubTransport(handler=lambda h, c: (127, "env: '/opt/py/bin/python3': No such file or directory\n"))
    fan, out, err, _ = make(t, conf=conf)
    task = PyhdpTask("hdfs", ["--daemon", "start", "datanode"])
    words = shlex.split(task.remote_command(HostSpec.parse("w7"), fan))
    assert words[:2] == ["env", "PYHDP_HOST=w7"]
    assert words[2:] == ["/opt/py/bin/python3", "-m", "pyhdp.cluster", "hdfs", "--config", "/srv/w7/conf", "--daemon",
                         "start", "datanode"]
    with fan:
        r = fan.run([HostSpec.parse("w7")], task)[0]
    assert not r.ok
    assert "w7: ERROR: /opt/py/bin/python3 not found on the host (set pyhdp.worker.python)" in err.getvalue()


def test_pyhdp_task_forwards_environment(monkeypatch):
    monkeypatch.setenv("HADOOP_PID_DIR", "/var/run/x y")
    fan = Fanout(None, ssh=SshSettings(), worker=WorkerSettings("py", "/src", ("HADOOP_PID_DIR",), {"A": "1"}),
                 transport=StubTransport())
    words = shlex.split(PyhdpTask("hdfs", ["version"]).remote_command(HostSpec.parse("h"), fan))
    assert words[:6] == ["env", "HADOOP_PID_DIR=/var/run/x y", "A=1", "PYHDP_HOST=h", "PYTHONPATH=/src", "py"]


def test_pyhdp_missing_on_worker_is_named():
    t = StubTransport(handler=lambda h, c: (1, "/usr/bin/python3: Error while finding module specification for "
                                               "'pyhdp.cluster.__main__' (ModuleNotFoundError: No module named 'pyhdp')\n"))
    fan, out, err, _ = make(t)
    with fan:
        fan.run(hosts(1), PyhdpTask("hdfs", ["version"]))
    assert "pyhdp is not installed for /opt/py/bin/python3 on the host" in err.getvalue()


def test_daemon_tasks_leave_explaining_to_the_daemon():
    msg = "datanode is running as process 7.  Stop it first and ensure /x.pid file is empty before retry.\n"
    t = StubTransport(handler=lambda h, c: (1, msg))
    fan, out, err, _ = make(t)
    with fan:
        results = fan.run(hosts(1), PyhdpTask("hdfs", ["--daemon", "start", "datanode"]))
    assert exit_code(results) == 1
    assert out.getvalue() == "w000: " + msg
    assert err.getvalue() == ""


@pytest.mark.parametrize("parallelism", [1, 3])
def test_lost_connection_is_dropped_and_remade(parallelism):
    calls = {"n": 0}

    def handler(h, c):
        calls["n"] += 1
        if calls["n"] == 1:
            raise HostFailure("unreachable", "the connection was lost")
        return 0, "ok\n"

    t = StubTransport(handler=handler)
    fan, out, err, _ = make(t, parallelism=parallelism)
    with fan:
        assert not fan.run(hosts(1), ShellTask("x"))[0].ok
        assert fan.run(hosts(1), ShellTask("x"))[0].ok
    assert t.connects["w000"] == 2


def test_preconnect_opens_connections_once_and_keeps_the_bound():
    t = StubTransport(connect_delay=0.02, failures={"w003": [HostFailure("auth", "authentication failed")]})
    fan, out, err, _ = make(t, parallelism=3)
    with fan:
        fan.preconnect(hosts(12))
        results = fan.run(hosts(12), ShellTask("true"))
    assert t.max_connecting <= 3
    assert all(n == 1 for n in t.connects.values()) and len(t.connects) == 12  # the failure is not retried
    assert [r.ok for r in results].count(False) == 1 and results[3].kind == "auth"
    assert err.getvalue().count("w003: ERROR: authentication failed") == 1
