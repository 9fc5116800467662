"""Bad configuration and bad options: one clear line, a non-zero exit code, never a traceback
(unless --debug or HADOOP_ROOT_LOGGER=DEBUG asks for it)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import BIN, REPO


def test_malformed_yaml_names_file_and_line(cli, pyhdp_home):
    path = pyhdp_home.write_site("core-site.yaml", "fs.defaultFS: hdfs://x:9000\n  bad: indent: here\n")
    r = cli("hdfs", "getconf", "-confKey", "fs.defaultFS")
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.startswith(f"hdfs: {path}:2: malformed YAML: ")
    assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr


def test_malformed_xml_names_file_and_line(cli, pyhdp_home):
    path = pyhdp_home.write_site(
        "hdfs-site.xml", "<configuration>\n<property>\n<name>a</name>\n</configuration>\n"
    )
    r = cli("hadoop", "fs", "-ls", "/")
    assert r.returncode == 1
    assert r.stderr == f"hadoop: {path}:4: malformed XML: mismatched tag (column 3)\n"


def test_unknown_value_type(cli, pyhdp_home):
    path = pyhdp_home.write_site("hdfs-site.yaml", "dfs.replication:\n  value: 3\n")
    r = cli("hdfs", "getconf", "-confKey", "dfs.replication")
    assert r.returncode == 1
    assert r.stderr == (
        f"hdfs: {path}:2: the value of dfs.replication is a mapping; "
        "it must be a string, number, boolean or list\n"
    )


def test_twin_site_files(cli, pyhdp_home):
    y = pyhdp_home.write_site("core-site.yaml", "a: 1\n")
    x = pyhdp_home.write_site("core-site.xml", "<configuration/>")
    r = cli("hdfs", "getconf", "-confKey", "a")
    assert r.returncode == 1
    assert str(y) in r.stderr and str(x) in r.stderr and len(r.stderr.splitlines()) == 1


def test_bad_D_and_missing_conf_file(cli, tmp_path):
    r = cli("hdfs", "getconf", "-D", "novalue", "-confKey", "x")
    assert (r.returncode, r.stderr) == (255, "-D option requires a property=value argument, got: novalue\n")
    r = cli("hdfs", "getconf", "-D")
    assert (r.returncode, r.stderr) == (255, "Missing argument for option: D\n")
    r = cli("hdfs", "getconf", "-conf", str(tmp_path / "none.xml"), "-confKey", "x")
    assert (r.returncode, r.stderr) == (1, f"hdfs: {tmp_path / 'none.xml'}: configuration file not found\n")


def test_bad_typed_value_names_key_file_and_line(cli, pyhdp_home):
    path = pyhdp_home.write_site("hdfs-site.yaml", "dfs.replication: lots\n")
    r = cli("pyhdp", "doctor", "--no-ports")
    assert r.returncode == 1
    assert f'[FAIL] Invalid value for dfs.replication in {path}, line 1: "lots" is not an integer' in r.stdout


def test_debug_shows_the_traceback(cli, pyhdp_home):
    pyhdp_home.write_site("core-site.yaml", "a: [\n")
    plain = cli("hdfs", "getconf", "-confKey", "a")
    assert "Traceback" not in plain.stderr and plain.returncode == 1
    debug = cli("hdfs", "--debug", "getconf", "-confKey", "a")
    assert "Traceback (most recent call last)" in debug.stderr and debug.returncode == 1
    assert debug.stderr.rstrip().endswith(plain.stderr.rstrip())
    env_debug = cli("hdfs", "getconf", "-confKey", "a", env={"HADOOP_ROOT_LOGGER": "DEBUG,console"})
    assert "Traceback (most recent call last)" in env_debug.stderr


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(min_size=1, max_size=120), name=st.sampled_from(["core-site.yaml", "hdfs-site.xml"]))
def test_garbage_site_files_never_produce_a_traceback(pyhdp_home, data, name):
    path = pyhdp_home.conf_dir / name
    path.write_bytes(data)
    try:
        r = pyhdp_home.run("hdfs", "getconf", "-confKey", "dfs.replication")
    finally:
        path.unlink()
    assert "Traceback" not in r.stderr
    if r.returncode != 0:
        assert r.returncode in (1, 255)
        assert len(r.stderr.splitlines()) <= 2, r.stderr
        assert str(path) in r.stderr


# --------------------------------------------------------------------------- unreadable file
def _unprivileged_runner():
    """(user, python) able to run pyhdp without privileges, or a reason to skip."""
    if os.geteuid() != 0:
        return None, None, "needs root to make a mode-000 file that a real unprivileged user cannot read"
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None, None, "setpriv (util-linux) is not installed"
    user = os.environ.get("PYHDP_TEST_USER", "nobody")
    import pwd

    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        return None, None, f"no user {user!r}"
    for python in (sys.executable, "/usr/bin/python3"):
        # exec through a shell, as the launcher does: the first exec may still carry root's capabilities
        probe = subprocess.run(
            [
                setpriv,
                f"--reuid={pw.pw_uid}",
                f"--regid={pw.pw_gid}",
                "--clear-groups",
                "/bin/sh",
                "-c",
                'exec "$0" -c "import xml.parsers.expat"',
                python,
            ],
            capture_output=True,
        )
        if probe.returncode == 0:
            return pw, python, ""
    return None, None, f"user {user} cannot run {sys.executable} (nor /usr/bin/python3)"


def test_unreadable_config_file_as_unprivileged_user():
    pw, python, reason = _unprivileged_runner()
    if pw is None:
        pytest.skip(reason)
    base = tempfile.mkdtemp(prefix="pyhdp-unreadable-")
    try:
        os.chmod(base, 0o755)
        conf_dir = os.path.join(base, "conf")
        os.mkdir(conf_dir)
        os.chmod(conf_dir, 0o755)
        site = os.path.join(conf_dir, "core-site.xml")
        with open(site, "w") as f:
            f.write("<configuration/>")
        os.chmod(site, 0)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": base,
            "PYHDP_CONF_DIR": conf_dir,
            "PYHDP_PYTHON": python,
            "PYTHONPATH": str(REPO / "src"),
            "XDG_CACHE_HOME": base,
        }
        r = subprocess.run(
            [
                "setpriv",
                f"--reuid={pw.pw_uid}",
                f"--regid={pw.pw_gid}",
                "--clear-groups",
                str(BIN / "hdfs"),
                "getconf",
                "-confKey",
                "fs.defaultFS",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=base,
            timeout=120,
        )
        assert r.returncode == 1, r
        assert r.stderr == f"hdfs: {site}: cannot read configuration file: Permission denied\n"
        # the same file readable again: the command works for that user
        os.chmod(site, 0o644)
        r = subprocess.run(
            [
                "setpriv",
                f"--reuid={pw.pw_uid}",
                f"--regid={pw.pw_gid}",
                "--clear-groups",
                str(BIN / "hdfs"),
                "getconf",
                "-confKey",
                "fs.defaultFS",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=base,
            timeout=120,
        )
        assert (r.returncode, r.stdout) == (0, "hdfs://localhost:9000\n"), r
        # a conf dir the user cannot enter is an error too, not a silent "no site files"
        os.chmod(conf_dir, 0o700)
        r = subprocess.run(
            [
                "setpriv",
                f"--reuid={pw.pw_uid}",
                f"--regid={pw.pw_gid}",
                "--clear-groups",
                str(BIN / "hdfs"),
                "getconf",
                "-confKey",
                "fs.defaultFS",
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=base,
            timeout=120,
        )
        assert r.returncode == 1, r
        assert r.stderr == f"hdfs: {conf_dir}: cannot read configuration directory: Permission denied\n"
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_debug_lists_the_resources_loaded(cli, pyhdp_home, tmp_path):
    site = pyhdp_home.write_site("hdfs-site.yaml", "dfs.replication: 2\n")
    extra = tmp_path / "extra.xml"
    extra.write_text("<configuration/>")
    r = cli("hdfs", "--debug", "getconf", "-conf", str(extra), "-confKey", "dfs.replication")
    assert r.stdout == "2\n"
    assert f"DEBUG: HADOOP_CONF_DIR={pyhdp_home.conf_dir}\n" in r.stderr
    assert (
        f"DEBUG: resources: core-default.yaml, hdfs-default.yaml, mapred-default.yaml, yarn-default.yaml, "
        f"{site}, {extra}\n" in r.stderr
    )


def test_commands_that_need_no_configuration_work_with_a_broken_one(cli, pyhdp_home):
    pyhdp_home.write_site("core-site.yaml", "a: [\n")
    assert cli("hadoop", "version").stdout.startswith("Hadoop 3.4.1\n")
    r = cli("hadoop", "envvars")
    assert r.returncode == 0 and f"HADOOP_CONF_DIR='{pyhdp_home.conf_dir}'" in r.stdout
    assert cli("hadoop", "checknative").returncode == 0
    r = cli("hadoop", "conftest")
    assert r.returncode == 1 and "Line 2: bad conf file: malformed YAML" in r.stderr
    assert cli("hdfs", "getconf", "-confKey", "a").returncode == 1  # needs the configuration
