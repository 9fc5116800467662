"""The SSH layer against real sshd hosts (network namespaces, or loopback sshd as fallback)."""

from __future__ import annotations

import io
import socket
import time

import pytest

from pyhdp.cluster.fanout import Fanout, PyhdpTask, ShellTask, exit_code
from pyhdp.cluster.settings import SshSettings
from pyhdp.cluster.workers import HostSpec


def specs(hosts):
    return [HostSpec.parse(h.entry) for h in hosts]


def fanout(cluster, **overrides):
    conf = cluster.conf()
    for k, v in overrides.items():
        conf.set(k, v)
    out, err = io.StringIO(), io.StringIO()
    return Fanout(conf, out=out, err=err), out, err


def test_parallel_exec_prefixes_every_line_with_its_host(cluster):
    hosts = cluster.hosts.hosts
    fan, out, err = fanout(cluster)
    with fan:
        results = fan.run(specs(hosts), ShellTask("echo one; echo two >&2; echo $PYHDP_HOST"))
    assert exit_code(results) == 0, err.getvalue()
    lines = out.getvalue().splitlines()
    for h in hosts:
        mine = [line for line in lines if line.startswith(f"{h.entry}: ")]
        # stdout and stderr travel on separate SSH streams: their relative order is not kept
        assert sorted(mine) == sorted([f"{h.entry}: one", f"{h.entry}: two", f"{h.entry}: {h.entry}"]), lines
    assert len(lines) == 3 * len(hosts)
    assert err.getvalue() == ""


def test_commands_really_run_on_each_host(cluster):
    """Each host answers from its own network: its address is one of its own interfaces."""
    cluster.hosts.require_netns()
    hosts = cluster.hosts.hosts
    fan, out, _ = fanout(cluster)
    with fan:
        results = fan.run(specs(hosts), ShellTask("ip -4 -o addr show | awk '{print $4}'"))
    assert exit_code(results) == 0
    for h, r in zip(hosts, results, strict=True):
        addrs = [line.split("/")[0] for line in r.output]
        assert h.address in addrs
        assert all(o.address not in addrs for o in hosts if o is not h)


def test_one_connection_per_host_is_reused(cluster):
    hosts = cluster.hosts.hosts[:2]

    def logins(h):
        log = h.dir / "sshd.log"
        return log.read_text().count("Accepted publickey") if log.exists() else 0

    before = [logins(h) for h in hosts]
    fan, out, _ = fanout(cluster)
    with fan:
        for _ in range(3):
            assert exit_code(fan.run(specs(hosts), ShellTask("echo again"))) == 0
    assert out.getvalue().count("again") == 6
    time.sleep(0.2)  # sshd writes its log line asynchronously
    assert [logins(h) - b for h, b in zip(hosts, before, strict=True)] == [1, 1]


def test_wrong_key_on_one_host_fails_that_host_only(cluster):
    hosts = cluster.hosts.hosts
    bad = hosts[1]
    saved = bad.authorized_keys.read_text()
    bad.authorized_keys.write_text("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFake0 x\n")
    try:
        fan, out, err = fanout(cluster)
        with fan:
            results = fan.run(specs(hosts), ShellTask("echo fine"))
    finally:
        bad.authorized_keys.write_text(saved)
    assert exit_code(results) == 1
    by_host = {r.host.name: r for r in results}
    assert by_host[bad.entry].kind == "auth"
    assert [r.ok for r in results] == [h is not bad for h in hosts]
    error = err.getvalue()
    assert f"{bad.entry}: ERROR: authentication failed for root@{bad.address}" in error
    assert "while running 'echo fine'" in error
    assert by_host[bad.entry].attempts == 1  # auth failures are not retried
    for h in hosts:
        if h is not bad:
            assert f"{h.entry}: fine" in out.getvalue()


def test_unanswering_host_times_out_with_a_clear_error(cluster):
    hosts = cluster.hosts.hosts
    frozen = hosts[2]
    cluster.hosts.freeze(frozen)
    try:
        fan, out, err = fanout(cluster, **{"pyhdp.ssh.connect-timeout": "1s", "pyhdp.ssh.retries": "0"})
        start = time.monotonic()
        with fan:
            results = fan.run(specs(hosts), ShellTask("echo alive"))
        elapsed = time.monotonic() - start
    finally:
        cluster.hosts.thaw(frozen)
    by_host = {r.host.name: r for r in results}
    assert by_host[frozen.entry].kind == "timeout", err.getvalue()
    assert f"{frozen.entry}: ERROR: " in err.getvalue() and "1 s" in err.getvalue()
    assert sum(r.ok for r in results) == len(hosts) - 1
    assert elapsed < 30  # bounded by the time-out, not by TCP's minutes (generous: shared CI machine)


def test_link_down_host_is_unreachable(cluster):
    cluster.hosts.require_netns()
    hosts = cluster.hosts.hosts
    down = hosts[3]
    cluster.hosts.link_down(down)
    try:
        fan, out, err = fanout(cluster, **{"pyhdp.ssh.connect-timeout": "1s", "pyhdp.ssh.retries": "0"})
        with fan:
            results = fan.run(specs(hosts), ShellTask("echo up"))
    finally:
        cluster.hosts.link_up(down)
    failed = [r for r in results if not r.ok]
    assert [r.host.name for r in failed] == [down.entry]
    assert failed[0].kind in ("timeout", "unreachable")
    assert f"{down.entry}: ERROR: " in err.getvalue()


def test_partition_between_master_and_a_host_and_heal(cluster):
    cluster.hosts.require_netns()
    host = cluster.hosts.hosts[0]
    cluster.hosts.partition("master", host)
    try:
        fan, _, err = fanout(cluster, **{"pyhdp.ssh.connect-timeout": "1s", "pyhdp.ssh.retries": "0"})
        with fan:
            assert not fan.run(specs([host]), ShellTask("true"))[0].ok
    finally:
        cluster.hosts.heal()
    fan, out, _ = fanout(cluster)
    with fan:
        assert fan.run(specs([host]), ShellTask("echo healed"))[0].ok
    assert f"{host.entry}: healed" in out.getvalue()


def test_strict_known_hosts_refuses_an_unknown_host(cluster, tmp_path):
    host = cluster.hosts.hosts[0]
    empty = tmp_path / "known_hosts_empty"
    empty.write_text("")
    fan, out, err = fanout(cluster, **{"pyhdp.ssh.known-hosts-file": str(empty)})
    with fan:
        r = fan.run(specs([host]), ShellTask("echo should-not-run"))[0]
    assert r.kind == "hostkey"
    assert "is not in" in err.getvalue() and "accept-new" in err.getvalue()
    assert "should-not-run" not in out.getvalue()
    assert empty.read_text() == ""


def test_accept_new_records_the_key_then_strict_accepts(cluster, tmp_path):
    hosts = cluster.hosts.hosts[:2]
    known = tmp_path / "kh" / "known_hosts"
    fan, out, err = fanout(cluster, **{"pyhdp.ssh.known-hosts-file": str(known),
                                       "pyhdp.ssh.known-hosts": "accept-new"})
    with fan:
        assert exit_code(fan.run(specs(hosts), ShellTask("echo hi"))) == 0, err.getvalue()
    recorded = known.read_text().splitlines()
    assert len(recorded) == 2
    for h in hosts:
        assert any(line.split()[2] == h.host_key_line.split()[2] for line in recorded)
    fan, out, err = fanout(cluster, **{"pyhdp.ssh.known-hosts-file": str(known)})
    with fan:
        assert exit_code(fan.run(specs(hosts), ShellTask("echo again"))) == 0, err.getvalue()


def test_changed_host_key_is_refused_even_with_accept_new(cluster, tmp_path):
    host = cluster.hosts.hosts[0]
    known = tmp_path / "known_hosts"
    other = cluster.hosts.hosts[1].host_key_line.split()
    name = host.host_key_line.split()[0]
    known.write_text(f"{name} {other[1]} {other[2]}\n")
    fan, out, err = fanout(cluster, **{"pyhdp.ssh.known-hosts-file": str(known),
                                       "pyhdp.ssh.known-hosts": "accept-new"})
    with fan:
        r = fan.run(specs([host]), ShellTask("true"))[0]
    assert r.kind == "hostkey"
    assert "does not match" in err.getvalue()


def test_hadoop_ssh_opts_strict_host_key_checking(cluster, tmp_path, monkeypatch):
    known = tmp_path / "kh2"
    monkeypatch.setenv("HADOOP_SSH_OPTS", f"-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile={known}")
    s = SshSettings.from_conf(cluster.conf())
    assert s.known_hosts == "accept-new" and s.known_hosts_file == str(known)
    fan, out, err = fanout(cluster)
    with fan:
        assert fan.run(specs(cluster.hosts.hosts[:1]), ShellTask("true"))[0].ok, err.getvalue()
    assert known.exists()


def test_missing_python_and_missing_pyhdp_are_named(cluster, tmp_path):
    import sys

    host = cluster.hosts.hosts[0]
    fan, out, err = fanout(cluster, **{"pyhdp.worker.python": "/nonexistent/python3"})
    with fan:
        r = fan.run(specs([host]), PyhdpTask("pyhdp", ["version"]))[0]
    assert not r.ok and r.exit_code == 127
    assert f"{host.entry}: ERROR: /nonexistent/python3 not found on the host" in err.getvalue()
    # an interpreter without pyhdp: isolated mode, no site-packages
    bare = tmp_path / "bare-python"
    bare.write_text(f"#!/bin/sh\nexec {sys.executable} -I -S \"$@\"\n")
    bare.chmod(0o755)
    fan, out, err = fanout(cluster, **{"pyhdp.worker.python": str(bare), "pyhdp.worker.pythonpath": ""})
    with fan:
        r = fan.run(specs([host]), PyhdpTask("pyhdp", ["version"]))[0]
    assert not r.ok
    assert f"{host.entry}: ERROR: pyhdp is not installed for {bare} on the host" in err.getvalue()


def test_pyhdp_version_on_all_workers_via_cli(cluster):
    r = cluster.run("pyhdp", "cluster", "exec", "echo", "from", "$PYHDP_HOST")
    assert r.returncode == 0, r
    for h in cluster.hosts.hosts:
        assert f"{h.entry}: from $PYHDP_HOST" in r.stdout  # quoted words stay literal
    r = cluster.run("pyhdp", "cluster", "exec", "echo from $PYHDP_HOST")
    for h in cluster.hosts.hosts:
        assert f"{h.entry}: from {h.entry}" in r.stdout
    r = cluster.run("pyhdp", "cluster", "hosts")
    assert r.stdout.split() == cluster.hosts.entries()


def test_exec_failure_on_one_host_gives_non_zero_exit(cluster):
    first = cluster.hosts.hosts[0].entry
    r = cluster.run("pyhdp", "cluster", "exec", f'test "$PYHDP_HOST" != {first}')
    assert r.returncode == 1
    assert f"{first}: ERROR: 'test \"$PYHDP_HOST\" != {first}' exited with status 1" in r.stderr
    assert r.stderr.count("ERROR") == 1


def test_workers_daemon_start_status_stop_on_hosts(cluster):
    """``pyhdp --workers --daemon start selftest-daemon`` starts one daemon per host, in its network."""
    hosts = cluster.hosts.hosts
    port = 19860 + cluster.hosts.k % 100
    listen = f"HOST:{port}"  # each daemon binds its own host's address
    r = cluster.run("pyhdp", "--workers", "--daemon", "start", "selftest-daemon", "--listen", listen)
    assert r.returncode == 0, r
    for h in hosts:
        with socket.create_connection((h.address, port), timeout=5) as s:
            reply = s.recv(100).decode().split()
        assert reply[0] == h.entry  # the daemon runs with PYHDP_HOST of its host, in its namespace
        pid_file = cluster.host_dir(h.entry) / "data" / "pids" / "hadoop-root-selftest-daemon.pid"
        assert pid_file.read_text().strip() == reply[1]
        assert (cluster.host_dir(h.entry) / "logs" / f"hadoop-root-selftest-daemon-{h.entry}.out").exists()
    r = cluster.run("pyhdp", "--workers", "--daemon", "status", "selftest-daemon")
    assert r.returncode == 0, r
    for h in hosts:
        assert f"{h.entry}: selftest-daemon is running as process " in r.stdout
    # again: refused on every host with Hadoop's message, non-zero
    r = cluster.run("pyhdp", "--workers", "--daemon", "start", "selftest-daemon", "--listen", listen)
    assert r.returncode == 1
    for h in hosts:
        assert f"{h.entry}: selftest-daemon is running as process " in r.stdout
    assert "Stop it first and ensure" in r.stdout
    r = cluster.run("pyhdp", "--workers", "--hostnames", hosts[0].entry, "--daemon", "stop", "selftest-daemon")
    assert r.returncode == 0, r
    r = cluster.run("pyhdp", "--workers", "--daemon", "status", "selftest-daemon")
    assert r.returncode == 1
    assert f"{hosts[0].entry}: selftest-daemon is stopped." in r.stdout
    r = cluster.run("pyhdp", "--workers", "--daemon", "stop", "selftest-daemon")
    assert r.returncode == 0, r
    assert f"{hosts[0].entry}: no selftest-daemon to stop" in r.stdout
    for h in hosts:
        with pytest.raises(OSError):
            socket.create_connection((h.address, port), timeout=2).close()


def test_port_in_use_on_one_host_is_reported_for_that_host(cluster):
    cluster.hosts.require_netns()
    hosts = cluster.hosts.hosts[:2]
    port = 19760 + cluster.hosts.k % 100
    blocker = cluster.hosts.run_in(hosts[1], "true")  # warm-up of ip netns exec
    assert blocker.returncode == 0
    import subprocess

    squatter = subprocess.Popen(["ip", "netns", "exec", hosts[1].netns, "python3", "-c",
                                 f"import socket,time; s=socket.socket(); s.bind(('0.0.0.0',{port})); s.listen(); "
                                 "print('bound', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    cluster.hosts.track_pid(squatter.pid)
    try:
        assert squatter.stdout.readline().strip() == "bound"
        names = ",".join(h.entry for h in hosts)
        r = cluster.run("pyhdp", "--workers", "--hostnames", names, "--daemon", "start", "selftest-daemon",
                        "--listen", f"0.0.0.0:{port}")
        assert r.returncode == 1
        assert f"{hosts[1].entry}: ERROR: selftest-daemon failed to start (exit code 1)" in r.stdout
        assert f"{hosts[1].entry}:   ERROR: cannot bind 0.0.0.0:{port}: Address already in use" in r.stdout
        assert f"{hosts[0].entry}: ERROR" not in r.stdout
    finally:
        squatter.kill()
        squatter.wait()
        cluster.run("pyhdp", "--workers", "--hostnames", hosts[0].entry, "--daemon", "stop", "selftest-daemon")


def test_cluster_sync_copies_conf_and_secret_to_each_host(cluster):
    secret = cluster.base / "master-secret"
    secret.write_text("s3cr3t\n")
    secret.chmod(0o600)
    cluster.set(**{"pyhdp.worker.conf-dir": f"{cluster.base}/hosts/${{pyhdp.host}}/conf",
                   "pyhdp.cluster.secret.file": f"{cluster.base}/secrets/${{pyhdp.host}}/secret"})
    # the master's own view of the secret path is pyhdp.host=localhost
    master_secret = cluster.base / "secrets" / "localhost" / "secret"
    master_secret.parent.mkdir(parents=True)
    master_secret.write_text("s3cr3t\n")
    master_secret.chmod(0o600)
    (cluster.conf_dir / "sub").mkdir()
    (cluster.conf_dir / "sub" / "extra.txt").write_text("x\n")
    r = cluster.run("pyhdp", "cluster", "sync")
    assert r.returncode == 0, r
    for h in cluster.hosts.hosts:
        dest = cluster.host_dir(h.entry) / "conf"
        assert (dest / "core-site.yaml").read_text() == (cluster.conf_dir / "core-site.yaml").read_text()
        assert (dest / "workers").read_text() == (cluster.conf_dir / "workers").read_text()
        assert (dest / "sub" / "extra.txt").read_text() == "x\n"
        copied_secret = cluster.base / "secrets" / h.entry / "secret"
        assert copied_secret.read_text() == "s3cr3t\n"
        assert copied_secret.stat().st_mode & 0o777 == 0o600
        assert f"{h.entry}: conf dir and the cluster secret synced to {dest}: 4 copied, 0 unchanged" in r.stdout
    # idempotent: nothing copied the second time; a change is copied
    r = cluster.run("pyhdp", "cluster", "sync")
    assert r.returncode == 0, r
    assert r.stdout.count("0 copied, 4 unchanged") == len(cluster.hosts.hosts)
    (cluster.conf_dir / "sub" / "extra.txt").write_text("changed\n")
    r = cluster.run("pyhdp", "cluster", "sync")
    assert r.stdout.count("1 copied, 3 unchanged") == len(cluster.hosts.hosts), r
    for h in cluster.hosts.hosts:
        assert (cluster.host_dir(h.entry) / "conf" / "sub" / "extra.txt").read_text() == "changed\n"


def test_worker_reads_its_synced_conf_dir(cluster):
    """After sync, a worker command runs with ``--config`` = its own conf dir."""
    cluster.set(**{"pyhdp.worker.conf-dir": f"{cluster.base}/hosts/${{pyhdp.host}}/conf"})
    assert cluster.run("pyhdp", "cluster", "sync").returncode == 0
    h = cluster.hosts.hosts[0]
    (cluster.host_dir(h.entry) / "conf" / "marker").write_text("only on h1\n")
    r = cluster.run("pyhdp", "cluster", "--hostnames", h.entry, "exec", "true")
    assert r.returncode == 0
    fan, out, err = fanout(cluster)
    task = PyhdpTask("pyhdp", ["version"])
    assert f"--config {cluster.host_dir(h.entry)}/conf" in task.remote_command(specs([h])[0], fan)


def test_jump_host_reaches_a_host_cut_off_from_the_master(cluster):
    """``pyhdp.ssh.jump-host`` (ssh -J): h2 is partitioned from the master but reachable through h1."""
    cluster.hosts.require_netns()
    jump, target = cluster.hosts.hosts[0], cluster.hosts.hosts[1]
    cluster.hosts.partition("master", target)
    try:
        fan, out, err = fanout(cluster, **{"pyhdp.ssh.connect-timeout": "1s", "pyhdp.ssh.retries": "0"})
        with fan:
            assert not fan.run(specs([target]), ShellTask("true"))[0].ok
        fan, out, err = fanout(cluster, **{"pyhdp.ssh.jump-host": f"root@{jump.address}"})
        with fan:
            r = fan.run(specs([target]), ShellTask("echo via jump; echo $SSH_CLIENT"))[0]
        assert r.ok, err.getvalue()
        assert f"{target.entry}: via jump" in out.getvalue()
        assert r.output[1].split()[0] == jump.address  # the target saw the jump host as its client
    finally:
        cluster.hosts.heal()


def test_unprivileged_ssh_user_and_an_unreachable_interpreter(cluster):
    """As the unprivileged user ``pyhdp-test`` (made by ``.ci/run``): the login works, and a
    worker interpreter that user cannot run gives one clear error naming the host and the key."""
    import os
    import pwd

    try:
        pwd.getpwnam("pyhdp-test")
    except KeyError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the user pyhdp-test should exist in CI (.ci/run makes it)")
        pytest.skip("no user pyhdp-test here (.ci/run makes it)")
    if os.geteuid() != 0:
        pytest.skip("the hosts' sshd runs as this user: other users cannot log in")
    host = cluster.hosts.hosts[0]
    fan, out, err = fanout(cluster, **{"pyhdp.ssh.user": "pyhdp-test", "pyhdp.worker.python": "/root/no-access/python3"})
    with fan:
        r = fan.run(specs([host]), ShellTask("id -un"))[0]
        assert r.ok, err.getvalue()
        assert r.output == ["pyhdp-test"]
        r = fan.run(specs([host]), PyhdpTask("hdfs", ["--daemon", "status", "datanode"]))[0]
    assert not r.ok and r.exit_code in (126, 127)
    assert f"{host.entry}: ERROR: /root/no-access/python3 " in err.getvalue()
    assert "(set pyhdp.worker.python)" in err.getvalue()


def test_command_timeout_names_the_host_and_the_reconnect_works(cluster):
    host = cluster.hosts.hosts[0]
    fan, out, err = fanout(cluster, **{"pyhdp.ssh.command-timeout": "1s"})
    with fan:
        r = fan.run(specs([host]), ShellTask("echo started; sleep 30"))[0]
        assert r.kind == "command-timeout"
        assert f"{host.entry}: started" in out.getvalue()
        assert f"{host.entry}: ERROR: the command gave no exit status within 1 s" in err.getvalue()
        assert fan.run(specs([host]), ShellTask("echo next"))[0].ok  # a fresh connection


def test_master_address_counts_as_local_and_hosts_do_not(cluster):
    from pyhdp.cluster.workers import is_local

    cluster.hosts.require_netns()
    assert is_local(HostSpec.parse(cluster.hosts.bridge_address))
    assert not any(is_local(h) for h in specs(cluster.hosts.hosts))
