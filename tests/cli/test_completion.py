"""Shell completion: the completer's answers, the hidden ``pyhdp __complete`` command on a real
embedded store, and the generated bash script run by a real bash."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhdp.cli import completion
from pyhdp.cli.main import TABLES

BIN = Path(__file__).resolve().parents[2] / "bin"


# --------------------------------------------------------------------------- unit: the completer
def test_sub_commands_come_from_the_tables():
    got = completion.complete(["hdfs", ""])
    expected = sorted(n for n, s in TABLES["hdfs"].items() if not s.hidden)
    assert got == expected
    assert "dfs" in got and "namenode" in got
    assert completion.complete(["yarn", "app"]) == [
        "application",
        "applicationattempt",
    ]  # not the alias "app"
    assert "__complete" not in completion.complete(["pyhdp", ""])
    assert completion.complete(["pyhdp", "comp"]) == ["completion"]
    assert completion.complete(["nosuchprog", ""]) == []
    assert completion.complete(["hdfs", "nosuch", "-"]) == []
    # forwarded forms and Java class names complete as what they run
    assert completion.complete(["hadoop", "org.apache.hadoop.fs.FsShell", "-mkd"]) == ["-mkdir"]
    assert completion.complete(["hadoop", "dfsadmin", "-safemode", "l"]) == ["leave"]
    assert completion.complete(["hadoop", "dfs", "-touch"]) == ["-touch", "-touchz"]


def test_shell_options_and_their_values():
    assert "--config" in completion.complete(["hdfs", "--"])
    assert "--loglevel" in completion.complete(["hdfs", "--"])
    assert "--buildpaths" not in completion.complete(["pyhdp", "--"])
    assert completion.complete(["hdfs", "--daemon", "st"]) == ["start", "status", "stop"]
    assert completion.complete(["hdfs", "--loglevel", "d"]) == ["DEBUG"]
    # after --daemon start only daemons are offered
    assert completion.complete(["hdfs", "--daemon", "start", ""]) == [
        "datanode",
        "namenode",
        "secondarynamenode",
    ]
    assert completion.complete(["yarn", "--loglevel", "INFO", "--daemon", "stop", "res"]) == [
        "resourcemanager"
    ]


def test_fsshell_commands_and_generic_options():
    got = completion.complete(["hdfs", "dfs", "-l"])
    assert got == ["-libjars", "-ls", "-lsr"]
    everything = completion.complete(["hadoop", "fs", "-"])
    for name in ("-D", "-conf", "-fs", "-files", "-put", "-copyFromLocal", "-getmerge", "-test"):
        assert name in everything
    # generic options are applied first, then the command
    assert completion.complete(["hdfs", "dfs", "-D", "a=b", "-fs", "file:///", "-mkd"]) == ["-mkdir"]
    assert completion.complete(["hdfs", "dfs", "-Dk=v", "-ca"]) == ["-cat"]
    assert completion.complete(["hdfs", "dfs", "-fs", "h"]) == ["hdfs://"]
    assert completion.complete(["hdfs", "dfs", "-D", ""]) == []


def test_fsshell_options_come_from_each_command_usage():
    assert completion.complete(["hdfs", "dfs", "-ls", "-"]) == sorted(
        ["-C", "-d", "-h", "-q", "-R", "-t", "-S", "-r", "-u", "-e"]
    )
    assert completion.complete(["hdfs", "dfs", "-rm", "-s"]) == ["-safely", "-skipTrash"]
    assert completion.complete(["hdfs", "dfs", "-test", "-"]) == ["-d", "-e", "-f", "-r", "-s", "-w", "-z"]
    assert completion.complete(["hdfs", "dfs", "-rmdir", "--"]) == ["--ignore-fail-on-non-empty"]
    # an option with a value: nothing to propose for the value
    assert completion.complete(["hdfs", "dfs", "-put", "-t", ""], remote=lambda c: ["/x"]) == []
    # -find: paths, then the expression
    assert completion.complete(["hdfs", "dfs", "-find", "-"]) == []  # its USAGE names no option
    assert completion.complete(["hdfs", "dfs", "-find", "/", "-pr"]) == ["-print", "-print0"]
    assert completion.complete(["hdfs", "dfs", "-find", "/", "-name", ""]) == []
    assert completion.complete(["hdfs", "dfs", "-find", "/u"], remote=lambda c: ["R:" + c]) == ["R:/u"]
    # -help / -usage take command names
    assert completion.complete(["hdfs", "dfs", "-help", "ch"]) == ["checksum", "chgrp", "chmod", "chown"]


def test_other_commands_options_from_their_usage():
    app = completion.complete(["yarn", "application", "-"])
    for opt in ("-list", "-kill", "-status", "-appStates", "-movetoqueue"):
        assert opt in app
    job = completion.complete(["mapred", "job", "-"])
    for opt in ("-list", "-kill", "-status", "-set-priority", "-history", "-list-attempt-ids"):
        assert opt in job
    assert "-of-events" not in job  # part of "<#-of-events>", not an option
    assert completion.complete(["yarn", "node", "-s"]) == ["-showDetails", "-states", "-status"]
    assert "-files" in completion.complete(["hdfs", "fsck", "/", "-"])
    assert completion.complete(["yarn", "application", "-kill", ""]) == []  # an application id


def test_option_values_states_and_choices():
    assert completion.complete(["hdfs", "dfsadmin", "-safemode", ""]) == [
        "enter",
        "leave",
        "get",
        "wait",
        "forceExit",
    ]
    assert completion.complete(["hdfs", "dfsadmin", "-restoreFailedStorage", "f"]) == ["false"]
    assert completion.complete(["mapred", "job", "-history", "x", "-format", ""]) == ["human", "json"]
    assert completion.complete(["yarn", "application", "-list", "-appStates", "RUNNING,F"]) == [
        "RUNNING,FINISHED", "RUNNING,FAILED"]  # fmt: skip
    assert "DECOMMISSIONED" in completion.complete(["yarn", "node", "-list", "-states", ""])
    assert completion.choices_of_usage("-history [all] <jobHistoryFile|jobId> [-format <human|json>]") == {
        "-format": ["human", "json"]}  # fmt: skip


def test_configuration_keys_for_define_and_getconf():
    keys = lambda: ["dfs.replication", "dfs.replication.max", "fs.defaultFS"]  # noqa: E731
    assert completion.complete(["hdfs", "dfs", "-D", "dfs.rep"], conf_keys=keys) == [
        "dfs.replication.max=", "dfs.replication="]  # fmt: skip
    assert completion.complete(["hdfs", "dfs", "-D", "fs.defaultFS=x"], conf_keys=keys) == []
    assert completion.complete(["hdfs", "getconf", "-confKey", "fs."], conf_keys=keys) == ["fs.defaultFS"]


def test_options_of_usage_parses_value_options():
    opts = completion.options_of_usage(
        "[-f] [-p | -p[topax]] [-t <thread count>] [-r|-R] <#-of-events> -[ab]"
    )
    assert opts == {"-a": False, "-b": False, "-f": False, "-p": False, "-t": True, "-r": False, "-R": False}


def test_path_arguments_use_the_right_lister():
    remote = lambda cur: ["R:" + cur]  # noqa: E731
    local = lambda cur: ["L:" + cur]  # noqa: E731
    assert completion.complete(["hdfs", "dfs", "-ls", "/us"], remote, local) == ["R:/us"]
    assert completion.complete(["hdfs", "dfs", "-ls", "-R", "/us"], remote, local) == ["R:/us"]
    assert completion.complete(["hdfs", "dfs", "-put", "sr"], remote, local) == ["L:sr"]
    assert completion.complete(["hdfs", "dfs", "-put", "-f", "a", "/d"], remote, local) == ["R:/d"]
    assert completion.complete(["hdfs", "dfs", "-get", "/src", "lo"], remote, local) == ["L:lo"]
    assert completion.complete(["hdfs", "dfs", "-cat", "file:/et"], remote, local) == ["L:file:/et"]
    assert completion.complete(["hdfs", "dfs", "-conf", "x"], remote, local) == ["L:x"]
    assert completion.complete(["hdfs", "--config", "d"], remote, local) == ["L:d"]
    assert completion.complete(["hdfs", "fsck", "/u"], remote, local) == ["R:/u"]


def test_option_values_that_are_paths():
    remote = lambda cur: ["R:" + cur]  # noqa: E731
    local = lambda cur: ["L:" + cur]  # noqa: E731
    assert completion.complete(["mapred", "streaming", "-input", "/d"], remote, local) == ["R:/d"]
    assert completion.complete(["mapred", "streaming", "-input", "/a", "-output", "/o"], remote, local) == [
        "R:/o"
    ]
    assert completion.complete(["mapred", "streaming", "-mapper", "ca"], remote, local) == ["L:ca"]
    assert completion.complete(["mapred", "streaming", "-file", "x"], remote, local) == ["L:x"]
    assert completion.complete(["mapred", "streaming", "-numReduceTasks", ""], remote, local) == []
    assert "-inputformat" in completion.complete(["mapred", "streaming", "-in"], remote, local)
    assert completion.complete(["hadoop", "jar", "x"], remote, local) == ["L:x"]
    assert completion.complete(["yarn", "jar", "x.jar", "wordcount", "/in"], remote, local) == ["R:/in"]
    assert completion.complete(["hadoop", "conftest", "-conffile", "c"], remote, local) == ["L:c"]
    assert completion.complete(["mapred", "job", "-history", "x", "-outfile", "o"], remote, local) == ["L:o"]
    assert completion.complete(["hdfs", "dfsadmin", "-setQuota", ""], remote, local) == []  # <quota>
    assert completion.complete(["hdfs", "dfsadmin", "-setQuota", "10", "/u"], remote, local) == ["R:/u"]


def test_list_local(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "data.txt").write_text("x")
    (tmp_path / ".hidden").write_text("x")
    monkeypatch.chdir(tmp_path)
    assert completion.list_local("da") == ["data.txt", "data/"]
    assert completion.list_local("") == ["data.txt", "data/"]
    assert completion.list_local(".h") == [".hidden"]
    assert completion.list_local(f"{tmp_path}/d") == [f"{tmp_path}/data.txt", f"{tmp_path}/data/"]
    assert completion.list_local(f"file://{tmp_path}/data") == [
        f"file://{tmp_path}/data.txt",
        f"file://{tmp_path}/data/",
    ]
    assert completion.list_local("nosuchdir/x") == []


def test_words_from_a_bash_line_rejoin_colons():
    words, lead = completion.words_for(
        7, "hdfs dfs -ls hdfs://nn:9000/us", ["hdfs", "dfs", "-ls", "hdfs", ":", "//nn", ":", "9000/us"]
    )
    assert words == ["hdfs", "dfs", "-ls", "hdfs://nn:9000/us"]
    assert lead == "hdfs://nn:"
    words, lead = completion.words_for(3, "hdfs dfs -ls ", ["hdfs", "dfs", "-ls", ""])
    assert words == ["hdfs", "dfs", "-ls", ""] and lead == ""
    words, _ = completion.words_for(3, 'hdfs dfs -put "my f', ["hdfs", "dfs", "-put", '"my f'])
    assert words[-1] == "my f"


def test_bounded_lister_is_silent_on_errors_and_hangs():
    def boom(cur):
        raise RuntimeError("no NameNode")

    assert completion.bounded(boom, 5)("/x") == []
    release = threading.Event()
    assert completion.bounded(lambda cur: release.wait(30) and ["/late"], 0.2)("/x") == []
    release.set()


# --------------------------------------------------------------------------- CLI: pyhdp __complete
def _complete(cli, *words: str, line: str = "", env=None, cwd=None):
    r = cli("pyhdp", "__complete", "bash", str(len(words) - 1), line, *words, env=env, cwd=cwd)
    assert r.returncode == 0, r
    assert r.stderr == "", r
    return r.stdout.splitlines()


def test_hidden_command_on_a_real_embedded_store(cli, pyhdp_home):
    for path in ("/user/alice/data", "/user/alice/logs", "/tmp"):
        r = cli("hdfs", "dfs", "-mkdir", "-p", path)
        assert r.returncode == 0, r
    assert cli("hdfs", "dfs", "-put", "-", "/user/alice/data.csv", input="a,b\n").returncode == 0
    assert _complete(cli, "hdfs", "dfs", "-ls", "/us") == ["/user/"]
    assert _complete(cli, "hdfs", "dfs", "-ls", "/user/alice/") == [
        "/user/alice/data.csv", "/user/alice/data/", "/user/alice/logs/"]  # fmt: skip
    assert _complete(cli, "hadoop", "fs", "-cat", "/user/alice/da") == [
        "/user/alice/data.csv",
        "/user/alice/data/",
    ]
    assert _complete(cli, "hdfs", "dfs", "-ls", "/nosuch/x") == []  # quiet
    assert _complete(cli, "hdfs", "dfs", "-l") == ["-libjars", "-ls", "-lsr"]
    # relative paths are relative to the home directory in the file system
    user = cli("hdfs", "dfs", "-mkdir", "-p", "rel/sub")
    assert user.returncode == 0, user
    assert _complete(cli, "hdfs", "dfs", "-ls", "re") == ["rel/"]
    assert _complete(cli, "hdfs", "dfs", "-ls", "rel/") == ["rel/sub/"]
    assert _complete(cli, "hdfs", "dfs", "-ls", "rel/sub/../s") == ["rel/sub/../sub/"]
    assert _complete(cli, "hdfs", "dfs", "-ls", "hdfs:///user/alice/l") == ["hdfs:///user/alice/logs/"]


def test_hidden_command_local_sources_and_generic_fs(cli, pyhdp_home, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "part-0.txt").write_text("x")
    (src / "my file").write_text("x")
    assert _complete(cli, "hdfs", "dfs", "-put", "pa", cwd=src) == ["part-0.txt"]
    assert _complete(cli, "hdfs", "dfs", "-copyFromLocal", f"file://{src}/p") == [f"file://{src}/part-0.txt"]
    assert _complete(cli, "hdfs", "dfs", "-put", "my", cwd=src) == ["my\\ file"]  # escaped for bash
    # -fs file:/// makes the listing local, through the FileSystem API
    assert _complete(cli, "hdfs", "dfs", "-fs", "file:///", "-ls", f"{src}/pa") == [f"{src}/part-0.txt"]
    # bash splits at ":": the line gives the whole word, the answer is the rest of bash's word
    line = f"hdfs dfs -ls file://{src}/p"
    assert _complete(cli, "hdfs", "dfs", "-ls", "file", ":", f"//{src}/p", line=line) == [
        f"//{src}/part-0.txt"
    ]


def test_hidden_command_respects_config_dir(cli, pyhdp_home, tmp_path):
    other = tmp_path / "otherconf"
    other.mkdir()
    (other / "core-site.yaml").write_text("fs.defaultFS: file:///\n")
    local_dir = tmp_path / "only-local"
    local_dir.mkdir()
    (local_dir / "abc.txt").write_text("x")
    # with --config the listing comes from the local file system, without it from the store
    assert _complete(cli, "hdfs", "--config", str(other), "dfs", "-ls", f"{local_dir}/a") == [
        f"{local_dir}/abc.txt"
    ]
    assert _complete(cli, "hdfs", "dfs", "-ls", f"{local_dir}/a") == []


def test_hidden_command_is_quiet_when_the_namenode_hangs(cli):
    with socket.socket() as server:  # accepts connections, never answers
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        port = server.getsockname()[1]
        words = ["hdfs", "dfs", "-fs", f"hdfs://127.0.0.1:{port}", "-ls", "/us"]
        out = _complete(cli, *words, env={"PYHDP_COMPLETION_TIMEOUT": "1"})
    assert out == []


def test_hidden_command_completes_real_configuration_keys(cli, pyhdp_home):
    pyhdp_home.write_site("core-site.yaml", "my.own.key: 1\n")
    assert _complete(cli, "hdfs", "dfs", "-D", "my.own") == ["my.own.key="]
    assert "dfs.replication" in _complete(cli, "hdfs", "getconf", "-confKey", "dfs.repl")


def test_hidden_command_as_zsh_and_fish_call_it(cli, pyhdp_home, tmp_path):
    assert cli("hdfs", "dfs", "-mkdir", "-p", "/user/dave/in dir").returncode == 0
    # fish: CWORD = number of tokens before the current one, which may be empty; no escaping
    r = cli("pyhdp", "__complete", "fish", "3", "", "hdfs", "dfs", "-ls", "")
    assert r.returncode == 0 and r.stdout.splitlines() == [], r  # relative: no home directory yet
    r = cli("pyhdp", "__complete", "fish", "3", "", "hdfs", "dfs", "-ls", "/user/dave/")
    assert r.stdout.splitlines() == ["/user/dave/in dir/"], r
    # zsh: unquoted words; candidates escaped for compadd -Q
    r = cli("pyhdp", "__complete", "zsh", "3", "", "hdfs", "dfs", "-ls", "/user/dave/in")
    assert r.stdout.splitlines() == ["/user/dave/in\\ dir/"], r


def test_hidden_command_bad_input_is_quiet(cli):
    r = cli("pyhdp", "__complete", "bash", "notanumber", "")
    assert r.returncode == 1 and r.stdout == "" and r.stderr == ""
    r = cli("pyhdp", "__complete", "bash", "1", "", "nosuchprog", "x")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""


# --------------------------------------------------------------------------- the scripts
def test_completion_command_usage(cli):
    r = cli("pyhdp", "completion")
    assert r.returncode == 1 and "Usage: pyhdp completion bash|zsh|fish" in r.stderr
    r = cli("pyhdp", "completion", "tcsh")
    assert r.returncode == 1 and r.stdout == ""
    r = cli("pyhdp", "completion", "--help")
    assert r.returncode == 0 and 'eval "$(pyhdp completion bash)"' in r.stdout
    for shell in ("bash", "zsh", "fish"):
        r = cli("pyhdp", "completion", shell)
        assert r.returncode == 0, r
        assert "__complete" in r.stdout and "mapred" in r.stdout


def _bash(pyhdp_home, script: str) -> str:
    env = dict(pyhdp_home.env)
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
    proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc
    return proc.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_generated_bash_script_in_real_bash(cli, pyhdp_home, tmp_path):
    assert cli("hdfs", "dfs", "-mkdir", "-p", "/user/carol").returncode == 0
    src = tmp_path / "local"
    src.mkdir()
    (src / "st*r").write_text("x")
    (src / "st ar").write_text("x")
    pyhdp_home.env["SRC_DIR"] = str(src)
    out = _bash(
        pyhdp_home,
        """
        source <(pyhdp completion bash)
        complete -p hdfs yarn mapred hadoop pyhdp
        COMP_WORDS=(hdfs dfs -l); COMP_CWORD=2; _pyhdp_complete hdfs; echo "A:${COMPREPLY[*]}"
        COMP_WORDS=(hdfs dfs -ls /us); COMP_CWORD=3; _pyhdp_complete hdfs; echo "B:${COMPREPLY[*]}"
        COMP_WORDS=(yarn --daemon start ""); COMP_CWORD=3; _pyhdp_complete yarn; echo "C:${COMPREPLY[*]}"
        COMP_LINE="hdfs dfs -ls hdfs://localhost:9000/us"; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(hdfs dfs -ls hdfs : //localhost : 9000/us); COMP_CWORD=7; _pyhdp_complete hdfs
        echo "D:${COMPREPLY[*]}"
        shopt -s nullglob; cd "$SRC_DIR"
        COMP_LINE="hdfs dfs -put st"; COMP_POINT=${#COMP_LINE}
        COMP_WORDS=(hdfs dfs -put st); COMP_CWORD=3; _pyhdp_complete hdfs; echo "E:${COMPREPLY[*]}"
    """,
    )
    lines = out.splitlines()
    for prog in ("hadoop", "hdfs", "yarn", "mapred", "pyhdp"):
        assert any(
            line.startswith("complete -F _pyhdp_complete") and line.endswith(f" {prog}") for line in lines
        )
    assert "A:-libjars -ls -lsr" in lines
    assert "B:/user/" in lines
    assert "C:nodemanager resourcemanager" in lines
    assert "D:9000/user/" in lines
    assert "E:st\\ ar st\\*r" in lines  # escaped, not globbed away


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_are_valid(cli, tmp_path, shell):
    exe = shutil.which(shell)
    if exe is None:
        pytest.skip(f"{shell} is not installed here: its script's syntax cannot be checked")
    r = cli("pyhdp", "completion", shell)
    script = tmp_path / f"completion.{shell}"
    script.write_text(r.stdout)
    proc = subprocess.run([exe, "-n", str(script)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc


def test_paths_listed_from_a_running_namenode(tmp_path):
    import sys

    sys.path.insert(0, str(BIN.parent / "tests" / "daemons"))
    from minicluster import MiniCluster

    cluster = MiniCluster(tmp_path / "c", datanodes=0)
    try:
        cluster.start_namenode()
        r = cluster.cli("hdfs", "dfs", "-mkdir", "-p", "/warehouse/sales", "/warehouse/stock", "/wal")
        assert r.returncode == 0, r
        words = ["hdfs", "dfs", "-ls", "/warehouse/s"]
        r = cluster.cli("pyhdp", "__complete", "bash", "3", "", *words)
        assert r.returncode == 0 and r.stderr == b"", r
        assert r.stdout.decode().splitlines() == ["/warehouse/sales/", "/warehouse/stock/"]
        uri = f"hdfs://localhost:{cluster.rpc_port}/w"
        r = cluster.cli("pyhdp", "__complete", "bash", "3", "", "hdfs", "dfs", "-ls", uri)
        assert r.stdout.decode().splitlines() == [uri + "al/", uri + "arehouse/"], r
    finally:
        cluster.stop()


_VOCAB = [
    "hdfs",
    "hadoop",
    "yarn",
    "mapred",
    "pyhdp",
    "dfs",
    "fs",
    "-ls",
    "-put",
    "-get",
    "-D",
    "-fs",
    "-conf",
    "--config",
    "--daemon",
    "--loglevel",
    "start",
    "-",
    "--",
    "-t",
    "application",
    "-appStates",
    "job",
    "dfsadmin",
    "-safemode",
    "fsck",
    "jar",
    "streaming",
    "-input",
    "getconf",
    "-confKey",
    "-help",
    "",
    "/",
    "file:",
    "hdfs://",
    "a=b",
    "-Dx=y",
    "org.apache.hadoop.fs.FsShell",
    "__complete",
    "completion",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_VOCAB), st.text(max_size=6)), min_size=1, max_size=8))
def test_complete_never_raises(words):
    got = completion.complete(words, remote=lambda cur: [], local=lambda cur: [], conf_keys=lambda: ["k"])
    assert isinstance(got, list) and all(isinstance(c, str) for c in got)
    assert completion.words_for(len(words) - 1, " ".join(words), list(words))[0]
