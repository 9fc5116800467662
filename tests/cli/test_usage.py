"""Usage texts, shell options and unknown sub-commands, as Hadoop 3's bin scripts print them."""

from __future__ import annotations

import pytest

COLS = {"COLUMNS": "80", "LC_ALL": "", "LC_COLLATE": "en_US.UTF-8"}


def test_hadoop_without_arguments_prints_usage_and_exits_1(cli):
    r = cli("hadoop", env=COLS)
    assert r.returncode == 1
    assert r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[:3] == [
        "Usage: hadoop [OPTIONS] SUBCOMMAND [SUBCOMMAND OPTIONS]",
        " or    hadoop [OPTIONS] CLASSNAME [CLASSNAME OPTIONS]",
        "  where CLASSNAME is a user-provided Java class",
    ]
    assert lines[3:6] == ["", "  OPTIONS is none or any of:", ""]
    # bin/hadoop declares its own options without dashes; the order is `sort`'s
    assert lines[6:14] == [
        "buildpaths                       attempt to add class files from build tree",
        "--config dir                     Hadoop config directory",
        "--debug                          turn on shell script debug mode",
        "--help                           usage information",
        "hostnames list[,of,host,names]   hosts to use in slave mode",
        "hosts filename                   list of hosts to use in slave mode",
        "loglevel level                   set the log4j level for this command",
        "workers                          turn on worker mode",
    ]
    assert lines[14:19] == ["", "  SUBCOMMAND is one of:", "", "", "    Client Commands:"]
    text = r.stdout
    assert (
        "classpath     prints the class path needed to get the Hadoop jar and the\n"
        "              required libraries\n" in text
    )
    assert (
        'jar <jar>     run a jar file. NOTE: please use "yarn jar" to launch YARN\n'
        "              applications, not this command.\n" in text
    )
    assert text.endswith("\nSUBCOMMAND may print help when invoked w/o parameters or with -h.\n")


def test_option_order_follows_the_locale_as_sort_does(cli):
    lines = cli("hadoop", env={"COLUMNS": "80", "LC_ALL": "", "LC_COLLATE": "C"}).stdout.splitlines()
    start = lines.index("  OPTIONS is none or any of:") + 2
    assert [line.split("  ")[0] for line in lines[start : start + 8]] == [
        "--config dir",
        "--debug",
        "--help",
        "buildpaths",
        "hostnames list[,of,host,names]",
        "hosts filename",
        "loglevel level",
        "workers",
    ]


@pytest.mark.parametrize("flag", ["--help", "-help", "-h", "help", "-?"])
def test_hdfs_help_exits_0_with_sections(cli, flag):
    r = cli("hdfs", flag, env=COLS)
    assert r.returncode == 0, r
    lines = r.stdout.splitlines()
    assert lines[0] == "Usage: hdfs [OPTIONS] SUBCOMMAND [SUBCOMMAND OPTIONS]"
    assert lines[1] == ""  # hdfs takes no CLASSNAME
    assert "--daemon (start|status|stop)       operate on a daemon" in lines
    assert (
        "    Admin Commands:" in lines and "    Client Commands:" in lines and "    Daemon Commands:" in lines
    )
    assert (
        lines.index("    Admin Commands:")
        < lines.index("    Client Commands:")
        < lines.index("    Daemon Commands:")
    )
    # one column width for every section: that of the longest sub-command (secondarynamenode)
    assert "dfs                 run a filesystem command on the file system" in lines
    assert "namenode            run the DFS namenode" in lines


def test_narrow_terminal_folds_descriptions(cli):
    r = cli("hdfs", "--help", env={"COLUMNS": "50"})
    assert "getconf             get config values from" in r.stdout.splitlines()
    assert "                    configuration" in r.stdout.splitlines()


@pytest.mark.parametrize("prog", ["yarn", "mapred"])
def test_other_programs_print_their_usage(cli, prog):
    r = cli(prog)
    assert r.returncode == 1
    assert r.stdout.startswith(
        f"Usage: {prog} [OPTIONS] SUBCOMMAND [SUBCOMMAND OPTIONS]\n or    {prog} [OPTIONS]"
    )
    assert "version" in r.stdout


def test_mapred_lists_only_the_generic_shell_options(cli):
    lines = cli("mapred", "--help", env=COLS).stdout.splitlines()
    start = lines.index("  OPTIONS is none or any of:") + 2
    assert lines[start : start + 4] == [
        "--config dir   Hadoop config directory",
        "--debug        turn on shell script debug mode",
        "--help         usage information",
        "",
    ]


def test_unknown_subcommand(cli):
    r = cli("hdfs", "nosuch")
    assert r.returncode == 1
    assert r.stderr == "ERROR: nosuch is not COMMAND nor fully qualified CLASSNAME.\n"
    assert r.stdout.startswith("Usage: hdfs [OPTIONS]")


def test_unknown_dashed_subcommand(cli):
    r = cli("hadoop", "-ls")
    assert r.returncode == 1
    assert r.stderr == "ERROR: -ls is not COMMAND nor fully qualified CLASSNAME.\n"


def test_java_class_names(cli):
    r = cli("hadoop", "org.example.NoSuchMain")
    assert r.returncode == 1
    assert r.stderr == (
        "Error: Could not find or load main class org.example.NoSuchMain\n"
        "Caused by: java.lang.ClassNotFoundException: org.example.NoSuchMain\n"
    )
    r = cli("hadoop", "org.apache.hadoop.util.VersionInfo")
    assert r.returncode == 0 and r.stdout.startswith("Hadoop 3.4.1\n")
    r = cli("hadoop", "org.apache.hadoop.hdfs.tools.GetConf", "-confKey", "dfs.replication")
    assert (r.returncode, r.stdout) == (0, "1\n")


def test_deprecated_hadoop_forms_warn_and_forward(cli):
    r = cli("hadoop", "dfsgroups")
    assert r.stderr.startswith(
        "WARNING: Use of this script to execute dfsgroups is deprecated.\n"
        'WARNING: Attempting to execute replacement "hdfs groups" instead.\n\n'
    )


def test_config_option_errors(cli, tmp_path):
    r = cli("hdfs", "--config", str(tmp_path / "none"), "getconf", "-namenodes")
    assert r.returncode == 1
    assert r.stderr == f'ERROR: Cannot find configuration directory "{tmp_path / "none"}"\n'
    assert r.stdout.startswith("Usage: hdfs")
    r = cli("hdfs", "--config")
    assert r.returncode == 1 and r.stderr == "ERROR: No parameter provided for --config \n"
    r = cli("hdfs", "--daemon", "restart", "namenode")
    assert r.returncode == 1
    assert r.stderr == 'ERROR: --daemon must be followed by either "start", "stop", or "status".\n'


def test_config_option_selects_the_conf_dir(cli, tmp_path):
    d = tmp_path / "other"
    d.mkdir()
    (d / "hdfs-site.yaml").write_text("dfs.replication: 6\n")
    r = cli("hdfs", "--config", str(d), "getconf", "-confKey", "dfs.replication")
    assert (r.returncode, r.stdout) == (0, "6\n")


def test_removed_mapred_commands(cli):
    r = cli("mapred", "jobtracker")
    assert r.returncode == 1
    assert r.stderr == (
        "Sorry, the jobtracker command is no longer supported.\n"
        'You may find similar functionality with the "yarn" shell command.\n'
    )
    assert r.stdout.startswith("Usage: mapred")


def test_hadoop_jar_without_arguments(cli):
    r = cli("hadoop", "jar")
    assert (r.returncode, r.stdout) == (0, "Usage: hadoop jar <jar> [mainClass] args...\n")
    r = cli("hadoop", "jar", "--help", env={"YARN_OPTS": "-Xmx1g"})
    assert r.stderr == 'WARNING: Use "yarn jar" to launch YARN applications.\n'
