"""``hdfs getconf`` and ``hadoop conftest`` with Hadoop's outputs, messages and exit codes."""

from __future__ import annotations

import pytest


def test_confkey_defaults_sites_and_D(cli, pyhdp_home):
    assert cli("hdfs", "getconf", "-confKey", "dfs.blocksize").stdout == "134217728\n"
    pyhdp_home.write_site(
        "hdfs-site.xml",
        "<configuration><property><name>dfs.blocksize</name><value>  64m </value></property></configuration>",
    )
    r = cli("hdfs", "getconf", "-confKey", "dfs.blocksize")
    assert (r.returncode, r.stdout) == (0, "64m\n")  # trimmed, as getTrimmed
    r = cli("hdfs", "getconf", "-D", "dfs.blocksize=1m", "-confKey", "dfs.blocksize")
    assert r.stdout == "1m\n"
    r = cli("hdfs", "getconf", "-Ddfs.blocksize=2m", "-confKey", "dfs.blocksize")
    assert r.stdout == "2m\n"


def test_confkey_expands_variables(cli, pyhdp_home):
    r = cli("hdfs", "getconf", "-confKey", "dfs.namenode.name.dir")
    assert r.stdout == f"file://{pyhdp_home.home}/.pyhdp/data/dfs/name\n"


def test_missing_key_and_argument_errors(cli):
    r = cli("hdfs", "getconf", "-confKey", "no.such.key")
    assert (r.returncode, r.stdout, r.stderr) == (255, "", "Configuration no.such.key is missing.\n")
    for args in (["-confKey"], ["-confKey", "a", "b"]):
        r = cli("hdfs", "getconf", *args)
        assert (r.returncode, r.stderr) == (255, "usage: -confKey [key]\n")
    r = cli("hdfs", "getconf", "-namenodes", "extra")
    assert (r.returncode, r.stderr) == (255, "Did not expect argument: extra\n")


@pytest.mark.parametrize("args", [[], ["-nosuch"]])
def test_usage_goes_to_stderr_with_255(cli, args):
    r = cli("hdfs", "getconf", *args)
    assert r.returncode == 255 and r.stdout == ""
    assert r.stderr.startswith(
        "hdfs getconf is utility for getting configuration information from the config file.\n\n"
        "hadoop getconf \n\t[-namenodes]\t\t\tgets list of namenodes in the cluster.\n"
    )
    assert r.stderr.endswith("\t[-confKey [key]]\t\t\tgets a specific key from the configuration\n\n")


def test_help_goes_to_stdout_with_generic_options(cli):
    r = cli("hdfs", "getconf", "-h")
    assert r.returncode == 0
    assert r.stdout.startswith("hdfs getconf is utility")
    assert "Generic options supported are:" in r.stdout


def test_options_are_case_insensitive(cli):
    assert cli("hdfs", "getconf", "-NAMENODES").stdout == "localhost\n"


def test_namenodes_and_rpc_addresses(cli, pyhdp_home):
    assert cli("hdfs", "getconf", "-namenodes").stdout == "localhost\n"
    assert cli("hdfs", "getconf", "-nnRpcAddresses").stdout == "localhost:9000\n"
    pyhdp_home.write_site("core-site.yaml", "fs.defaultFS: hdfs://nn1.example.com\n")
    assert cli("hdfs", "getconf", "-namenodes").stdout == "nn1.example.com\n"
    assert cli("hdfs", "getconf", "-nnRpcAddresses").stdout == "nn1.example.com:8020\n"
    pyhdp_home.write_site(
        "hdfs-site.yaml",
        """\
dfs.nameservices: ns1
dfs.ha.namenodes.ns1: a,b
dfs.namenode.rpc-address.ns1.a: nna.example.com:8020
dfs.namenode.rpc-address.ns1.b: nnb.example.com:8021
""",
    )
    assert cli("hdfs", "getconf", "-namenodes").stdout == "nna.example.com nnb.example.com\n"
    assert cli("hdfs", "getconf", "-nnRpcAddresses").stdout == "nna.example.com:8020\nnnb.example.com:8021\n"


def test_namenodes_without_hdfs(cli):
    r = cli("hdfs", "getconf", "-fs", "file:///", "-namenodes")
    assert r.returncode == 255
    assert r.stderr == (
        "Incorrect configuration: namenode address dfs.namenode.servicerpc-address "
        "or dfs.namenode.rpc-address is not configured.\n"
    )
    r = cli("hdfs", "getconf", "-fs", "file:///", "-nnRpcAddresses")
    assert (r.returncode, r.stderr) == (255, "Did not get namenode service rpc addresses.\n")


def test_other_node_lists_and_files(cli, pyhdp_home):
    assert cli("hdfs", "getconf", "-backupNodes").stdout == "0.0.0.0\n"
    assert cli("hdfs", "getconf", "-journalNodes").stdout == "\n"
    assert cli("hdfs", "getconf", "-includeFile").stdout == "\n"
    pyhdp_home.write_site(
        "hdfs-site.yaml",
        """\
dfs.namenode.secondary.http-address: snn.example.com:9868
dfs.namenode.shared.edits.dir: qjournal://jn1.example.com:8485;jn2.example.com:8485/mycluster
dfs.hosts.exclude: /etc/pyhdp/dfs.exclude
""",
    )
    assert cli("hdfs", "getconf", "-secondaryNameNodes").stdout == "snn.example.com\n"
    assert cli("hdfs", "getconf", "-journalNodes").stdout == "jn1.example.com jn2.example.com\n"
    assert cli("hdfs", "getconf", "-excludeFile").stdout == "/etc/pyhdp/dfs.exclude\n"


# --------------------------------------------------------------------------- conftest
def test_conftest_valid_directory(cli, pyhdp_home):
    pyhdp_home.write_site(
        "core-site.xml", "<configuration><property><name>a</name><value>1</value></property></configuration>"
    )
    pyhdp_home.write_site("hdfs-site.yaml", "dfs.replication: 2\n")
    r = cli("hadoop", "conftest")
    assert r.returncode == 0, r
    assert r.stdout == (
        f"{pyhdp_home.conf_dir}/core-site.xml: valid\n{pyhdp_home.conf_dir}/hdfs-site.yaml: valid\nOK\n"
    )


def test_conftest_reports_each_problem_with_its_line(cli, tmp_path):
    bad = tmp_path / "core-site.xml"
    bad.write_text(
        '<?xml version="1.0"?>\n<configuration>\n<property><name>a</name><value>1</value></property>\n'
        "<property><name>a</name><value>2</value></property>\n<property><name>b</name></property>\n"
        "<property><value>x</value></property>\n<foo/>\n</configuration>\n"
    )
    r = cli("hadoop", "conftest", "-conffile", str(bad))
    assert r.returncode == 1
    assert r.stderr == (
        f"{bad}:\n\tLine 5: <property> has no <value>\n\tLine 6: <property> has no <name>\n"
        "\tLine 7: element not <property>\n\tLine 3, 4: duplicated <property>s for a\n"
        "Invalid file exists\n"
    )


def test_conftest_malformed_and_missing(cli, tmp_path):
    bad = tmp_path / "x.yaml"
    bad.write_text("a: b\n c: d: e\n")
    r = cli("hadoop", "conftest", "-conffile", str(bad))
    assert r.returncode == 1
    assert r.stderr.startswith(f"{bad}:\n\tLine 2: bad conf file: malformed YAML: ")
    r = cli("hadoop", "conftest", "-conffile", str(tmp_path / "nope"))
    assert (r.returncode, r.stderr) == (1, f"{tmp_path / 'nope'} is neither a file nor directory\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    r = cli("hadoop", "conftest", "-conffile", str(empty))
    assert (r.returncode, r.stderr) == (1, "No input file to validate\n")
    r = cli("hadoop", "conftest", "-conffile")
    assert (r.returncode, r.stderr) == (1, "No argument specified for -conffile option\n")
