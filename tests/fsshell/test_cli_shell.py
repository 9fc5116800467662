"""FsShell as a whole: usage, help, unknown commands, option errors, exit codes."""

import subprocess
import sys
from pathlib import Path

import pytest

COMPAT = Path("/work/shared/compat")


def test_no_arguments_prints_usage_and_exits_255(cli):
    r = cli("hdfs", "dfs")
    assert r.returncode == 255
    assert r.stderr.startswith(
        "Usage: hadoop fs [generic options]\n\t[-appendToFile [-n] <localsrc> ... <dst>]\n"
    )
    assert "\t[-usage [cmd ...]]\n\nGeneric options supported are:\n" in r.stderr
    assert "[-lsr" not in r.stderr and "[-dus" not in r.stderr and "[-rmr" not in r.stderr
    assert r.stdout == ""


def test_usage_of_commands(cli):
    r = cli("hadoop", "fs", "-usage", "ls", "lsr")
    assert r.returncode == 0
    assert r.stdout == (
        "Usage: hadoop fs [generic options] -ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]\n"
        "Usage: hadoop fs [generic options] -lsr\n"
    )


def test_help_of_one_command(cli):
    r = cli("hdfs", "dfs", "-help", "mkdir")
    assert r.returncode == 0
    assert r.stdout.startswith("-mkdir [-p] <path> ... :\n  Create a directory in specified location.\n")
    assert "  -p  Do not fail if the directory already exists" in r.stdout


def test_unknown_help_topic(cli):
    r = cli("hdfs", "dfs", "-help", "bogus")
    assert r.returncode == 255
    assert r.stderr.startswith("-help: `bogus': Unknown command\nUsage: hadoop fs [generic options]\n")
    assert r.stderr.endswith("Usage: hadoop fs [generic options] -help [cmd ...]\n")


def test_missing_dash_suggests_the_command(cli):
    r = cli("hdfs", "dfs", "ls")
    assert r.returncode == 255
    assert r.stderr.startswith("ls: Unknown command\nDid you mean -ls?  This command begins with a dash.\n")


def test_unknown_command(cli):
    r = cli("hdfs", "dfs", "-nope")
    assert r.returncode == 255
    assert r.stderr.startswith("-nope: Unknown command\nUsage: hadoop fs")


@pytest.mark.parametrize(
    "args,first_line,usage",
    [
        (
            ["-ls", "-x"],
            "-ls: Illegal option -x",
            "-ls [-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]",
        ),
        (["-mkdir"], "-mkdir: Not enough arguments: expected 1 but got 0", "-mkdir [-p] <path> ..."),
        (["-head", "a", "b"], "-head: Too many arguments: expected 1 but got 2", "-head <file>"),
        (
            ["-chmod", "999", "f"],
            "-chmod: chmod : mode '999' does not match the expected pattern.",
            "-chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...",
        ),
        (
            ["-chown", "a%", "f"],
            "-chown: 'a%' does not match expected pattern for [owner][:group].",
            "-chown [-R] [OWNER][:[GROUP]] PATH...",
        ),
        (
            ["-chown", ":", "f"],
            "-chown: ':' does not specify owner or group.",
            "-chown [-R] [OWNER][:[GROUP]] PATH...",
        ),
        (
            ["-chgrp", "%", "f"],
            "-chgrp: '%' does not match expected pattern for group",
            "-chgrp [-R] GROUP PATH...",
        ),
        (["-test", "f"], "-test: No test flag given", "-test -[defswrz] <path>"),
        (["-test", "-d", "-f", "f"], "-test: Only one test flag is allowed", "-test -[defswrz] <path>"),
        (["-setrep", "0", "f"], "-setrep: replication must be >= 1", "-setrep [-R] [-w] <rep> <path> ..."),
        (
            ["-truncate", "--", "-1", "f"],
            "-truncate: length must be >= 0",
            "-truncate [-w] <length> <path> ...",
        ),
        (
            ["-touch", "-t", "bad", "f"],
            "-touch: Unable to parse the specified timestamp bad. The expected format is yyyyMMdd:HHmmss",
            "-touch [-a] [-m] [-t TIMESTAMP (yyyyMMdd:HHmmss) ] [-c] <path> ...",
        ),
        (
            ["-count", "-q", "-t", "foo", "f"],
            "-count: No enum constant org.apache.hadoop.fs.StorageType.FOO",
            "-count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] [-s] <path> ...",
        ),
    ],
)
def test_usage_errors(dfs, args, first_line, usage):
    r = dfs(*args)
    assert r.returncode == 255, r
    assert r.stderr.split("\n", 1)[0] == first_line
    assert r.stderr.endswith(f"Usage: hadoop fs [generic options] {usage}\n")


def test_setrep_bad_number_warns_then_usage(dfs):
    r = dfs("-setrep", "abc", "d1")
    assert r.returncode == 255
    assert r.stderr.startswith(
        'setrep: Illegal replication, a positive integer expected\n-setrep: For input string: "abc"\n'
    )


def test_deprecated_dfs_spelling(cli):
    r = cli("hadoop", "dfs", "-usage", "mkdir")
    assert r.returncode == 0
    assert r.stdout == "Usage: hadoop fs [generic options] -mkdir [-p] <path> ...\n"
    assert "WARNING: Use of this script to execute dfs is deprecated." in r.stderr


@pytest.mark.skipif(not (COMPAT / "run_cli_tests.py").exists(), reason="compat corpus not available")
def test_hadoop_help_corpus_passes_completely(pyhdp_home, tmp_path):
    """Hadoop's own FsShell CLI corpus (testConf.xml): all 32 tests."""
    out = subprocess.run(
        [
            sys.executable,
            str(COMPAT / "run_cli_tests.py"),
            str(COMPAT / "hadoop-cli" / "testConf.xml"),
            "--fs-cmd",
            f"{Path(__file__).resolve().parents[2] / 'bin' / 'hdfs'} dfs",
            "--cwd",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=pyhdp_home.env,
        timeout=600,
    )
    last = out.stdout.strip().splitlines()[-1]
    assert last == "32 passed, 0 failed", out.stdout[-3000:]
