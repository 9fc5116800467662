"""``hadoop jar job.py --runner hadoop``: the Hadoop Streaming calls it builds and runs."""

from __future__ import annotations

import os
import re
import shlex
import stat
import sys
import zipfile
from pathlib import Path

import pytest

from pyhdp.mapreduce.job.hadoop_runner import build_pyhdp_archive, task_args

SPEC = Path("/work/shared/spec/streaming.md")
BIN = Path(__file__).resolve().parents[2] / "bin"

JOB = """
from pyhdp.mapreduce.job import Job, MRStep


class WordCount(Job):
    def add_arguments(self, parser):
        parser.add_argument("--min", type=int, default=1)

    def steps(self):
        return [
            MRStep(mapper=self.words, combiner=self.sum, reducer=self.sum),
            MRStep(mapper=self.swap, reducer=self.order),
        ]

    def words(self, _key, line):
        for w in line.split():
            yield w.lower(), 1

    def sum(self, word, counts):
        yield word, sum(counts)

    def swap(self, word, n):
        if n >= self.options.min:
            yield n, word

    def order(self, n, words):
        for w in sorted(words):
            yield w, n


if __name__ == "__main__":
    WordCount.run()
"""

MAPONLY = """
from pyhdp.mapreduce.job import Job


class Upper(Job):
    def mapper(self, _key, line):
        yield line.upper(), len(line)
"""


@pytest.fixture
def job(tmp_path):
    p = tmp_path / "wc.py"
    p.write_text(JOB)
    text = "".join(f"the quick brown fox {i % 7} jumps over the lazy dog {i % 3}\n" for i in range(300))
    (tmp_path / "in.txt").write_text(text)
    return p


@pytest.fixture
def fake_home(tmp_path):
    """A Hadoop install layout whose ``bin/hadoop`` records its arguments and exits with $FAKE_RC."""
    home = tmp_path / "hadoop-3.3.6"
    lib = home / "share" / "hadoop" / "tools" / "lib"
    lib.mkdir(parents=True)
    (lib / "hadoop-streaming-3.3.6.jar").write_bytes(b"")
    (home / "bin").mkdir()
    script = home / "bin" / "hadoop"
    script.write_text(
        "#!/bin/sh\n"
        f'for a in "$@"; do printf "%s\\0" "$a"; done >> {tmp_path}/calls\n'
        f'printf "\\n" >> {tmp_path}/calls\n'
        'exit "${FAKE_RC:-0}"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return home


def recorded_calls(tmp_path) -> list[list[str]]:
    text = (tmp_path / "calls").read_text()
    return [line.rstrip("\0").split("\0") for line in text.split("\0\n") if line.strip("\0\n")]


def documented_options(cli) -> tuple[set[str], set[str]]:
    info = cli("mapred", "streaming", "-info")
    text = info.stdout + info.stderr
    head, _, generic = text.partition("Generic options supported are:")
    streaming = set(re.findall(r"^\s+(-[A-Za-z]+)\s+<", head, re.M)) | set(
        re.findall(r"^\s+(-[A-Za-z]+)\s+Optional", head, re.M)
    )
    gen = set(re.findall(r"^(-[A-Za-z]+) <", generic, re.M))
    return streaming, gen


def split_options(cmd: list[str], takes_value: set[str]) -> list[str]:
    """Option names of a ``hadoop jar JAR ...`` call, in order (values skipped)."""
    names, i = [], 3
    while i < len(cmd):
        assert cmd[i].startswith("-"), f"stray argument {cmd[i]!r} in {cmd}"
        names.append(cmd[i])
        i += 2 if cmd[i] in takes_value else 1
    return names


def test_dry_run_builds_documented_streaming_calls(cli, job, fake_home, tmp_path):
    r = cli(
        "hadoop",
        "jar",
        str(job),
        "--runner",
        "hadoop",
        "--dry-run",
        "--min",
        "2",
        "--hadoop-bin",
        str(fake_home / "bin" / "hadoop"),
        "in.txt",
        "out",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r
    cmds = [shlex.split(line) for line in r.stdout.splitlines()]
    assert len(cmds) == 2  # two steps
    assert not (tmp_path / "calls").exists()  # nothing ran
    streaming, generic = documented_options(cli)
    assert {
        "-input",
        "-output",
        "-mapper",
        "-combiner",
        "-reducer",
        "-cmdenv",
        "-numReduceTasks",
    } <= streaming
    assert {"-D", "-files", "-archives"} <= generic
    spec_opts = set(re.findall(r"^\| `(-[A-Za-z]+)`", SPEC.read_text(), re.M)) if SPEC.exists() else streaming
    jar = str(fake_home / "share/hadoop/tools/lib/hadoop-streaming-3.3.6.jar")
    for i, cmd in enumerate(cmds):
        assert cmd[:3] == [str(fake_home / "bin" / "hadoop"), "jar", jar]
        names = split_options(cmd, streaming | generic - {"-lazyOutput", "-background", "-verbose"})
        for n in names:
            assert n in streaming | generic, n
            assert n in generic or n in spec_opts, n
        first_streaming = min(k for k, n in enumerate(names) if n not in generic)
        assert all(n not in generic for n in names[first_streaming:]), "generic options must come first"
        opt = {cmd[k]: cmd[k + 1] for k in range(3, len(cmd) - 1) if cmd[k].startswith("-")}
        assert opt["-files"].split(",")[0] == str(job)
        assert opt["-archives"].endswith("pyhdp.zip#pyhdp_lib")
        assert opt["-cmdenv"] == "PYTHONPATH=pyhdp_lib"
        mapper = shlex.split(opt["-mapper"])
        assert mapper[:8] == [
            "python3",
            "-m",
            "pyhdp.mapreduce.task",
            "--job",
            "wc.py:WordCount",
            "--step",
            str(i),
            "--mapper",
        ]
        assert mapper[8:11] == ["--args", "--min", "2"]
        assert "--runner" not in mapper and "--dry-run" not in mapper
        assert shlex.split(opt["-reducer"])[7] == "--reducer"
    assert "-combiner" in cmds[0] and "-combiner" not in cmds[1]
    assert cmds[0][cmds[0].index("-input") + 1] == "in.txt"
    assert cmds[0][cmds[0].index("-output") + 1] == cmds[1][cmds[1].index("-input") + 1] == "out-pyhdp-step1"
    assert cmds[1][cmds[1].index("-output") + 1] == "out"


def test_runs_with_the_hadoop_on_path_and_propagates_failure(cli, job, fake_home, tmp_path):
    env = {"PATH": f"{fake_home / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    r = cli(
        "hadoop",
        "jar",
        str(job),
        "-D",
        "pyhdp.job.runner=hadoop",
        "-D",
        "x.y=1",
        "in.txt",
        "out",
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 0, r
    calls = recorded_calls(tmp_path)
    assert [c[0] for c in calls[:2]] == ["jar", "jar"]
    assert "x.y=1" in calls[0] and "mapreduce.job.name=WordCount (step 1 of 2)" in calls[0]
    assert calls[2][:5] == ["fs", "-rm", "-r", "-f", "-skipTrash"] and calls[2][5] == "out-pyhdp-step1"
    (tmp_path / "calls").unlink()
    r = cli(
        "hadoop",
        "jar",
        str(job),
        "--runner",
        "hadoop",
        "in.txt",
        "out",
        cwd=tmp_path,
        env={**env, "FAKE_RC": "3"},
    )
    assert r.returncode == 3, r
    assert len(recorded_calls(tmp_path)) == 1  # stops after the failed step
    r = cli(
        "hadoop",
        "jar",
        str(job),
        "--runner",
        "hadoop",
        "in.txt",
        "out",
        cwd=tmp_path,
        env={"PYHDP_HADOOP_BIN": str(tmp_path / "nope")},
    )
    assert r.returncode == 2 and "hadoop command not found" in r.stderr


def read_parts(d: Path) -> list[str]:
    return sorted(line for p in sorted(d.glob("part-*")) for line in p.read_text().splitlines())


@pytest.mark.parametrize("job_text,name,extra", [(JOB, "wc.py", ["--min", "3"]), (MAPONLY, "up.py", [])])
def test_pyhdp_streaming_runs_the_call_like_the_local_runner(cli, tmp_path, job_text, name, extra):
    jobfile = tmp_path / name
    jobfile.write_text(job_text)
    text = "".join(f"The quick brown fox {i % 7} jumps over the lazy dog {i % 3}\n" for i in range(300))
    (tmp_path / "in.txt").write_text(text)
    r = cli(
        "hadoop",
        "jar",
        str(jobfile),
        "--runner",
        "hadoop",
        "--python-bin",
        sys.executable,
        *extra,
        f"file://{tmp_path}/in.txt",
        f"file://{tmp_path}/out_h",
        cwd=tmp_path,
        env={"PYHDP_HADOOP_BIN": str(BIN / "hadoop")},
    )
    assert r.returncode == 0, r
    assert "hadoop-streaming" in r.stderr and "-archives" in r.stderr
    r = cli(
        "hadoop",
        "jar",
        str(jobfile),
        *extra,
        f"file://{tmp_path}/in.txt",
        f"file://{tmp_path}/out_l",
        cwd=tmp_path,
    )
    assert r.returncode == 0, r
    local, via = read_parts(tmp_path / "out_l"), read_parts(tmp_path / "out_h")
    assert local and via == local
    assert not (tmp_path / "out_h-pyhdp-step1").exists()


def test_task_args_and_archive(tmp_path):
    args = [
        "--runner",
        "hadoop",
        "--min",
        "2",
        "--hadoop-bin=/x",
        "--dry-run",
        "--python-bin",
        "py",
        "a",
        "b",
    ]
    assert task_args(args) == ["--min", "2", "a", "b"]
    z = zipfile.ZipFile(build_pyhdp_archive(str(tmp_path)))
    names = set(z.namelist())
    assert "pyhdp/__init__.py" in names and "pyhdp/mapreduce/task.py" in names
    assert "pyhdp/conf/defaults/core-default.yaml" in names
    assert not any(n.endswith(".pyc") or "__pycache__" in n for n in names)


def test_shipped_archive_runs_a_task_with_the_standard_library_only(tmp_path, job):
    import subprocess

    lib = tmp_path / "pyhdp_lib"
    zipfile.ZipFile(build_pyhdp_archive(str(tmp_path))).extractall(lib)
    env = {"PYTHONPATH": str(lib)}  # nothing else: no site-packages (-S), no editable install
    cmd = [sys.executable, "-S", "-m", "pyhdp.mapreduce.task", "--job", "wc.py:WordCount", "--step", "0"]
    mapped = subprocess.run(
        [*cmd, "--mapper"], input=b"b a\na\n", capture_output=True, env=env, cwd=job.parent
    )
    assert mapped.returncode == 0, mapped.stderr.decode()
    shuffled = b"".join(sorted(mapped.stdout.splitlines(keepends=True)))
    reduced = subprocess.run(
        [*cmd, "--reducer"], input=shuffled, capture_output=True, env=env, cwd=job.parent
    )
    assert reduced.returncode == 0, reduced.stderr.decode()
    assert reduced.stdout == b'"a"\t2\n"b"\t1\n'


def test_on_the_default_hdfs_with_relative_paths(cli, job, tmp_path):
    assert cli("hdfs", "dfs", "-mkdir", "-p", "in").returncode == 0
    assert cli("hdfs", "dfs", "-put", str(tmp_path / "in.txt"), "in/").returncode == 0
    env = {"PYHDP_HADOOP_BIN": str(BIN / "hadoop")}
    r = cli(
        "hadoop", "jar", str(job), "--runner", "hadoop", "--python-bin", sys.executable, "in", "out", env=env
    )
    assert r.returncode == 0, r
    r2 = cli("hadoop", "jar", str(job), "in", "out_local")
    assert r2.returncode == 0, r2
    via = cli("hdfs", "dfs", "-cat", "out/part-*").stdout
    local = cli("hdfs", "dfs", "-cat", "out_local/part-*").stdout
    assert via and sorted(via.splitlines()) == sorted(local.splitlines())
    assert cli("hdfs", "dfs", "-test", "-e", "out-pyhdp-step1").returncode == 1  # temp step output removed
