"""HADOOP_ROOT_LOGGER and --loglevel set logging as log4j does in Hadoop; HADOOP_USER_NAME."""

from __future__ import annotations

import re

import pytest

from pyhdp import security

LOG_LINE = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} "
DEPRECATION = (
    LOG_LINE + "INFO Configuration.deprecation: fs.default.name is deprecated. Instead, use fs.defaultFS"
)
FS_WARNING = (
    LOG_LINE + r'WARN fs.FileSystem: "localhost:9000" is a deprecated filesystem name\. '
    r'Use "hdfs://localhost:9000/" instead\.'
)


@pytest.fixture
def deprecated_site(pyhdp_home):
    pyhdp_home.write_site("core-site.yaml", "fs.default.name: hdfs://localhost:9000\n")


def test_default_is_info_console_for_hadoop_loggers(cli, deprecated_site):
    r = cli("hdfs", "getconf", "-confKey", "fs.defaultFS")
    assert r.stdout == "hdfs://localhost:9000\n"
    assert re.fullmatch(DEPRECATION + "\n", r.stderr), r.stderr


@pytest.mark.parametrize(
    "env,args",
    [
        ({"HADOOP_ROOT_LOGGER": "WARN,console"}, []),
        ({"HADOOP_ROOT_LOGGER": "INFO,NullAppender"}, []),
        ({}, ["--loglevel", "WARN"]),
        ({"HADOOP_ROOT_LOGGER": "DEBUG,console"}, ["--loglevel", "ERROR"]),  # --loglevel wins
    ],
)
def test_levels_hide_info(cli, deprecated_site, env, args):
    r = cli("hdfs", *args, "getconf", "-confKey", "fs.defaultFS", env=env)
    assert (r.returncode, r.stdout, r.stderr) == (0, "hdfs://localhost:9000\n", "")


def test_warn_level_shows_warnings_and_error_level_hides_them(cli):
    r = cli(
        "hdfs",
        "getconf",
        "-fs",
        "localhost:9000",
        "-confKey",
        "fs.defaultFS",
        env={"HADOOP_ROOT_LOGGER": "WARN,console"},
    )
    assert r.stdout == "hdfs://localhost:9000\n"
    assert re.fullmatch(FS_WARNING + "\n", r.stderr), r.stderr
    r = cli("hdfs", "--loglevel", "ERROR", "getconf", "-fs", "localhost:9000", "-confKey", "fs.defaultFS")
    assert r.stderr == ""


def test_explicit_debug_level_shows_pyhdp_loggers(cli, deprecated_site):
    r = cli("hdfs", "getconf", "-confKey", "fs.defaultFS", env={"HADOOP_ROOT_LOGGER": "DEBUG,console"})
    assert re.search(DEPRECATION, r.stderr)


def test_log_file_appender(cli, deprecated_site, tmp_path):
    env = {"HADOOP_ROOT_LOGGER": "INFO,RFA", "HADOOP_LOG_DIR": str(tmp_path), "HADOOP_LOGFILE": "x.log"}
    r = cli("hdfs", "getconf", "-confKey", "fs.defaultFS", env=env)
    assert r.stderr == ""
    assert re.fullmatch(DEPRECATION + "\n", (tmp_path / "x.log").read_text())


def test_current_user_from_hadoop_user_name(monkeypatch):
    monkeypatch.setenv("HADOOP_USER_NAME", "alice")
    assert security.current_user() == "alice"
    monkeypatch.delenv("HADOOP_USER_NAME")
    assert security.current_user() == security.login_user()


def test_hadoop_user_name_owns_what_the_cli_creates(cli):
    r = cli("hdfs", "dfs", "-mkdir", "-p", "/tmp/made-by-alice", env={"HADOOP_USER_NAME": "alice"})
    assert r.returncode == 0, r
    r = cli("hdfs", "dfs", "-ls", "-d", "/tmp/made-by-alice")
    assert r.returncode == 0, r
    fields = r.stdout.split()
    assert fields[2] == "alice", r.stdout


def test_hadoop_opts_system_properties(cli, deprecated_site):
    r = cli(
        "hdfs",
        "getconf",
        "-confKey",
        "fs.defaultFS",
        env={"HADOOP_OPTS": "-Dhadoop.root.logger=WARN,console"},
    )
    assert r.stderr == ""
    r = cli(
        "hdfs",
        "getconf",
        "-D",
        "x=${my.prop}/y",
        "-confKey",
        "x",
        env={"HADOOP_OPTS": "-Xmx1g -Dmy.prop=from-opts", "HADOOP_ROOT_LOGGER": "WARN,console"},
    )
    assert r.stdout == "from-opts/y\n"
