"""``version``, ``envvars``, ``classpath`` and ``checknative``."""

from __future__ import annotations

import os
import re
import zipfile

import pytest
from tests.conftest import REPO


@pytest.mark.parametrize("prog", ["hadoop", "hdfs", "yarn", "mapred"])
def test_version_layout(cli, prog):
    r = cli(prog, "version")
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0] == "Hadoop 3.4.1"  # mrjob and friends parse this line
    assert re.fullmatch(r"Source code repository \S+ -r \S+", lines[1])
    assert re.fullmatch(r"Compiled by \S+ on \d{4}-\d\d-\d\dT\d\d:\d\dZ", lines[2])
    assert lines[3].startswith("Compiled on platform ")
    assert lines[4].startswith("Compiled with protoc ")
    assert re.fullmatch(r"From source with checksum [0-9a-f]{32}", lines[5])
    assert (
        lines[6]
        == f"This command was run using {REPO}/src/pyhdp/home/share/hadoop/common/hadoop-common-3.4.1.jar"
    )
    assert re.match(r"pyhdp \d+\.\d+", lines[7])


def _envvars(cli, prog, *extra):
    r = cli(prog, *extra, "envvars")
    assert r.returncode == 0, r
    out = {}
    for line in r.stdout.splitlines():
        key, _, value = line.partition("=")
        assert value.startswith("'") and value.endswith("'"), line
        out[key] = value[1:-1]
    return list(out), out


def test_hadoop_envvars_point_into_the_package_tree(cli, pyhdp_home):
    keys, env = _envvars(cli, "hadoop")
    assert keys == [
        "JAVA_HOME",
        "HADOOP_COMMON_HOME",
        "HADOOP_COMMON_DIR",
        "HADOOP_COMMON_LIB_JARS_DIR",
        "HADOOP_COMMON_LIB_NATIVE_DIR",
        "HADOOP_CONF_DIR",
        "HADOOP_TOOLS_HOME",
        "HADOOP_TOOLS_DIR",
        "HADOOP_TOOLS_LIB_JARS_DIR",
    ]
    assert env["HADOOP_CONF_DIR"] == str(pyhdp_home.conf_dir)
    tools = os.path.join(env["HADOOP_TOOLS_HOME"], env["HADOOP_TOOLS_LIB_JARS_DIR"])
    jar = os.path.join(tools, "hadoop-streaming-3.4.1.jar")
    assert os.path.isfile(jar)
    with zipfile.ZipFile(jar) as z:  # a real (placeholder) archive
        assert (
            "Main-Class: org.apache.hadoop.streaming.HadoopStreaming"
            in z.read("META-INF/MANIFEST.MF").decode()
        )
    assert os.path.isdir(os.path.join(env["HADOOP_COMMON_HOME"], env["HADOOP_COMMON_DIR"]))


def test_other_envvars(cli, tmp_path):
    keys, env = _envvars(cli, "mapred")
    assert keys[:4] == ["JAVA_HOME", "HADOOP_MAPRED_HOME", "MAPRED_DIR", "MAPRED_LIB_JARS_DIR"]
    assert os.path.isfile(
        os.path.join(env["HADOOP_MAPRED_HOME"], env["MAPRED_DIR"], "hadoop-mapreduce-examples-3.4.1.jar")
    )
    keys, _ = _envvars(cli, "hdfs")
    assert keys[1:4] == ["HADOOP_HDFS_HOME", "HDFS_DIR", "HDFS_LIB_JARS_DIR"]
    keys, _ = _envvars(cli, "yarn")
    assert keys[1:4] == ["HADOOP_YARN_HOME", "YARN_DIR", "YARN_LIB_JARS_DIR"]
    _, env = _envvars(cli, "hadoop", "--config", str(tmp_path))
    assert env["HADOOP_CONF_DIR"] == str(tmp_path)


def test_classpath(cli, pyhdp_home):
    r = cli("hadoop", "classpath")
    assert r.returncode == 0
    entries = r.stdout.strip().split(":")
    assert entries[0] == str(pyhdp_home.conf_dir)
    assert any(e.endswith("share/hadoop/common/*") for e in entries)
    r = cli("hadoop", "classpath", "--glob")
    assert any(e.endswith("hadoop-common-3.4.1.jar") for e in r.stdout.strip().split(":"))
    r = cli("hadoop", "classpath", "-h")
    assert r.stdout.startswith("classpath [--glob|--jar <path>|-h|--help] :\n")
    r = cli("hadoop", "classpath", "--bogus")
    assert (r.returncode, r.stderr) == (1, "unrecognized option\n")


def test_checknative(cli):
    r = cli("hadoop", "checknative")
    lines = r.stdout.splitlines()
    assert lines[0] == "Native library checking:"
    assert [line.split(" ")[0] for line in lines[1:]] == [
        "hadoop:",
        "zlib:",
        "zstd",
        "bzip2:",
        "openssl:",
        "ISA-L:",
        "PMDK:",
    ]
    assert lines[1].startswith("hadoop:  true ")  # the C CRC32C is pyhdp's native part
    assert r.returncode == 0
    assert cli("hadoop", "checknative", "-a").returncode == 1  # ISA-L and PMDK are never there
    r = cli("hadoop", "checknative", "-h")
    assert r.returncode == 0 and r.stdout.startswith("NativeLibraryChecker [-a|-h]\n")
    assert cli("hadoop", "checknative", "-x").returncode == 1


def test_jnipath(cli):
    r = cli("hadoop", "jnipath")
    assert r.returncode == 0
    assert r.stdout == f"{REPO}/src/pyhdp/home/lib/native\n"
