"""``--daemon start|stop|status`` on this host, through the real commands (no SSH involved)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pyhdp.cluster import daemon
from pyhdp.security import login_user

USER = login_user()


@pytest.fixture
def dhome(pyhdp_home):
    """pyhdp_home with its pid and log dirs known, and a short stop time-out; stops leftovers."""
    pyhdp_home.env["HADOOP_STOP_TIMEOUT"] = "2"
    pyhdp_home.pid_dir = pyhdp_home.data_dir / "pids"
    pyhdp_home.log_dir = pyhdp_home.home / ".pyhdp" / "logs"
    yield pyhdp_home
    for pid_file in pyhdp_home.pid_dir.glob("*.pid") if pyhdp_home.pid_dir.exists() else []:
        pid = daemon.read_pid(str(pid_file))
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass


def pid_of(dhome, name="selftest-daemon") -> int:
    return int((dhome.pid_dir / f"hadoop-{USER}-{name}.pid").read_text())


def alive(pid: int) -> bool:
    return daemon.is_daemon_process(pid, "selftest-daemon")


def test_start_status_start_again_stop(dhome, cli):
    r = cli("pyhdp", "--daemon", "start", "selftest-daemon")
    assert r.returncode == 0, r
    assert r.stdout == ""
    assert f"WARNING: {dhome.pid_dir} does not exist. Creating." in r.stderr
    pid = pid_of(dhome)
    assert alive(pid)
    host = os.uname().nodename
    out = dhome.log_dir / f"hadoop-{USER}-selftest-daemon-{host}.out"
    log = dhome.log_dir / f"hadoop-{USER}-selftest-daemon-{host}.log"
    assert f"selftest-daemon started as process {pid}" in out.read_text()
    deadline = time.monotonic() + 10
    while "INFO cluster.SelfTestDaemon: started" not in (log.read_text() if log.exists() else ""):
        assert time.monotonic() < deadline, "log record did not reach the .log file"
        time.sleep(0.05)

    r = cli("pyhdp", "--daemon", "status", "selftest-daemon")
    assert (r.returncode, r.stdout) == (0, f"selftest-daemon is running as process {pid}.\n")

    r = cli("pyhdp", "--daemon", "start", "selftest-daemon")
    assert r.returncode == 1
    pid_file = dhome.pid_dir / f"hadoop-{USER}-selftest-daemon.pid"
    assert r.stderr == (f"selftest-daemon is running as process {pid}.  Stop it first and ensure {pid_file} "
                        "file is empty before retry.\n")
    assert pid_of(dhome) == pid

    r = cli("pyhdp", "--daemon", "stop", "selftest-daemon")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert not alive(pid)
    assert not pid_file.exists()
    assert "selftest-daemon stopping" in out.read_text()  # SIGTERM let it shut down cleanly

    r = cli("pyhdp", "--daemon", "status", "selftest-daemon")
    assert (r.returncode, r.stdout) == (3, "selftest-daemon is stopped.\n")
    r = cli("pyhdp", "--daemon", "stop", "selftest-daemon")
    assert (r.returncode, r.stdout) == (0, "no selftest-daemon to stop\n")


def test_out_file_is_rotated_at_each_start(dhome, cli):
    for _ in range(3):
        assert cli("pyhdp", "--daemon", "start", "selftest-daemon").returncode == 0
        assert cli("pyhdp", "--daemon", "stop", "selftest-daemon").returncode == 0
    outs = sorted(p.name for p in dhome.log_dir.glob("*.out*"))
    host = os.uname().nodename
    base = f"hadoop-{USER}-selftest-daemon-{host}.out"
    assert outs == [base, base + ".1", base + ".2"]


def test_stale_pid_file_is_replaced_and_unrelated_process_never_signalled(dhome, cli):
    dhome.pid_dir.mkdir(parents=True)
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pid_file = dhome.pid_dir / f"hadoop-{USER}-selftest-daemon.pid"
        pid_file.write_text(f"{bystander.pid}\n")  # a reused pid: some other program
        r = cli("pyhdp", "--daemon", "status", "selftest-daemon")
        assert (r.returncode, r.stdout) == (1, "selftest-daemon is stopped.\n")
        r = cli("pyhdp", "--daemon", "stop", "selftest-daemon")
        assert (r.returncode, r.stdout) == (0, "no selftest-daemon to stop\n")
        assert bystander.poll() is None  # not killed
        assert not pid_file.exists()
        pid_file.write_text("99999999\n")  # a pid that does not exist
        r = cli("pyhdp", "--daemon", "start", "selftest-daemon")
        assert r.returncode == 0, r
        assert pid_of(dhome) != 99999999 and alive(pid_of(dhome))
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()


def test_stop_escalates_to_kill_after_the_timeout(dhome, cli):
    assert cli("pyhdp", "--daemon", "start", "selftest-daemon", "--ignore-sigterm").returncode == 0
    pid = pid_of(dhome)
    r = cli("pyhdp", "--daemon", "stop", "selftest-daemon", env={"HADOOP_STOP_TIMEOUT": "1"})
    assert r.returncode == 0, r
    assert r.stderr == ("WARNING: selftest-daemon did not stop gracefully after 1 seconds: "
                        "Trying to kill with kill -9\n")
    assert not alive(pid)


def test_start_that_dies_at_once_reports_the_out_tail(dhome, cli):
    r = cli("pyhdp", "--daemon", "start", "selftest-daemon", "--fail", "cannot open the store")
    assert r.returncode == 1
    host = os.uname().nodename
    out = dhome.log_dir / f"hadoop-{USER}-selftest-daemon-{host}.out"
    assert f"ERROR: selftest-daemon failed to start (exit code 1); last lines of {out}:" in r.stderr
    assert "  ERROR: cannot open the store" in r.stderr
    assert not (dhome.pid_dir / f"hadoop-{USER}-selftest-daemon.pid").exists()
    r = cli("pyhdp", "--daemon", "status", "selftest-daemon")
    assert r.returncode == 3


def test_daemon_that_exits_zero_at_once_is_not_started(dhome, cli):
    r = cli("pyhdp", "--daemon", "start", "selftest-daemon", "--exit-after", "0")
    assert r.returncode == 1
    assert "selftest-daemon failed to start (exit code 0)" in r.stderr


def test_readiness_notification(dhome, cli):
    r = cli("pyhdp", "--daemon", "start", "selftest-daemon", "--notify")
    assert r.returncode == 0, r
    assert alive(pid_of(dhome))


def test_real_daemon_that_refuses_its_arguments_fails_cleanly(dhome, cli):
    """``hdfs --daemon start namenode -rollback``: the NameNode exits at once; its message is shown."""
    r = cli("hdfs", "--daemon", "start", "namenode", "-rollback")
    assert r.returncode == 1, r
    assert "ERROR: namenode failed to start (exit code 1)" in r.stderr
    assert "Traceback" not in r.stderr
    assert cli("hdfs", "--daemon", "status", "namenode").returncode == 3


def test_bad_daemon_action(dhome, cli):
    r = cli("hdfs", "--daemon", "restart", "namenode")
    assert r.returncode == 1
    assert 'ERROR: --daemon must be followed by either "start", "stop", or "status".' in r.stderr


def test_env_dirs_and_ident_win(dhome, cli, tmp_path):
    pids, logs = tmp_path / "p", tmp_path / "l"
    env = {"HADOOP_PID_DIR": str(pids), "HADOOP_LOG_DIR": str(logs), "HADOOP_IDENT_STRING": "alice"}
    assert cli("pyhdp", "--daemon", "start", "selftest-daemon", env=env).returncode == 0
    try:
        assert (pids / "hadoop-alice-selftest-daemon.pid").exists()
        assert list(logs.glob("hadoop-alice-selftest-daemon-*.out"))
    finally:
        r = cli("pyhdp", "--daemon", "stop", "selftest-daemon", env=env)
    assert r.returncode == 0 and not (pids / "hadoop-alice-selftest-daemon.pid").exists()


def test_zombie_counts_as_stopped(tmp_path):
    """A dead child not yet reaped (a zombie) is not a running daemon."""
    proc = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(0)", "-Dproc_zzz"])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{proc.pid}/stat").exists() and b") Z" not in Path(f"/proc/{proc.pid}/stat").read_bytes():
        assert time.monotonic() < deadline
        time.sleep(0.02)
    try:
        assert not daemon.is_daemon_process(proc.pid, "zzz")
    finally:
        proc.wait()


def test_status_codes_directly(tmp_path):
    files = daemon.DaemonFiles("x", str(tmp_path), str(tmp_path), str(tmp_path / "x.pid"), str(tmp_path / "x.out"),
                               str(tmp_path / "x.log"))
    assert daemon.status_code(files) == (3, None)
    (tmp_path / "x.pid").write_text("garbage\n")
    assert daemon.status_code(files) == (1, None)
    out = io.StringIO()
    assert daemon.status(files, out) == 1 and out.getvalue() == "x is stopped.\n"


def test_rotate_keeps_five(tmp_path):
    f = tmp_path / "d.out"
    for i in range(8):
        f.write_text(str(i))
        daemon.rotate(str(f))
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"d.out.{n}" for n in range(1, 6)]
    assert (tmp_path / "d.out.1").read_text() == "7" and (tmp_path / "d.out.5").read_text() == "3"


def test_two_daemons_of_a_kind_on_one_host_with_generic_options(dhome, cli, tmp_path):
    """``-D hadoop.pid.dir=...`` after the daemon name places its pid file (several DataNodes per host)."""
    a, b = tmp_path / "a", tmp_path / "b"
    assert cli("pyhdp", "--daemon", "start", "selftest-daemon", "-D", f"hadoop.pid.dir={a}").returncode == 0
    assert cli("pyhdp", "--daemon", "start", "selftest-daemon", f"-Dhadoop.pid.dir={b}").returncode == 0
    pa = int((a / f"hadoop-{USER}-selftest-daemon.pid").read_text())
    pb = int((b / f"hadoop-{USER}-selftest-daemon.pid").read_text())
    assert pa != pb and alive(pa) and alive(pb)
    r = cli("pyhdp", "--daemon", "status", "selftest-daemon", "-D", f"hadoop.pid.dir={a}")
    assert r.stdout == f"selftest-daemon is running as process {pa}.\n"
    assert cli("pyhdp", "--daemon", "stop", "selftest-daemon", "-D", f"hadoop.pid.dir={a}").returncode == 0
    assert not alive(pa) and alive(pb)
    assert cli("pyhdp", "--daemon", "stop", "selftest-daemon", "-D", f"hadoop.pid.dir={b}").returncode == 0
    assert not alive(pb)


def test_non_daemon_subcommand_runs_in_the_foreground(dhome, cli):
    """As Hadoop ignores --daemon for a sub-command that is no daemon."""
    r = cli("hdfs", "--daemon", "start", "version")
    assert r.returncode == 0, r
    assert r.stdout.startswith("Hadoop ")
    assert not dhome.pid_dir.exists()
