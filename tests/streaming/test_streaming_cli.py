"""``mapred streaming`` / ``hadoop jar hadoop-streaming-*.jar`` through the installed commands,
with real executables (awk, cut, sort, python scripts); results checked against plain Python."""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

TEXT = (
    "the quick brown fox\njumps over the lazy dog\nthe dog barks\n"
    "Zebra zebra ZEBRA\n\nend of the text the end\n"
)
JAR = "/opt/hadoop/share/hadoop/tools/lib/hadoop-streaming-3.4.1.jar"  # recognised by name, need not exist

REDUCER = """#!{python}
import sys
cur, total = None, 0
for line in sys.stdin:
    key, _, val = line.rstrip("\\n").partition("\\t")
    if key == cur:
        total += int(val)
    else:
        if cur is not None:
            print(f"{{cur}}\\t{{total}}")
        cur, total = key, int(val)
if cur is not None:
    print(f"{{cur}}\\t{{total}}")
"""


def uri(p: Path) -> str:
    return "file://" + str(p)


def part_files(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.name.startswith("part-"))


def read_output(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in part_files(out))


def counter_value(stderr: str, name: str) -> int:
    m = re.search(rf"^\s+{re.escape(name)}=(\d+)$", stderr, re.M)
    assert m, f"counter {name!r} not in output"
    return int(m.group(1))


@pytest.fixture
def data(mr) -> Path:
    p = mr.dir / "in.txt"
    p.write_text(TEXT)
    return p


@pytest.fixture
def reducer(mr) -> Path:
    p = mr.dir / "sum_reducer.py"
    p.write_text(REDUCER.format(python=sys.executable))
    p.chmod(0o755)
    return p


def expected_counts(text: str) -> bytes:
    c = Counter(text.split())
    return b"".join(b"%s\t%d\n" % (k.encode(), c[k]) for k in sorted(c, key=lambda w: w.encode()))


def test_wordcount_awk_mapper_python_reducer(mr, data, reducer):
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "awk '{for(i=1;i<=NF;i++) print $i\"\\t1\"}'",
        "-reducer",
        str(reducer),
    )
    assert r.returncode == 0, r.stderr
    assert (out / "_SUCCESS").exists()
    assert [p.name for p in part_files(out)] == ["part-00000"]
    assert read_output(out) == expected_counts(TEXT)
    assert f"INFO streaming.StreamJob: Output directory: {uri(out)}" in r.stderr
    assert counter_value(r.stderr, "Map output records") == len(TEXT.split())
    assert counter_value(r.stderr, "Reduce input records") == len(TEXT.split())
    assert counter_value(r.stderr, "Reduce input groups") == len(set(TEXT.split()))


def test_hadoop_jar_by_name_with_combiner_and_two_reducers(mr, data, reducer):
    out = mr.dir / "out"
    r = mr(
        "hadoop",
        "jar",
        JAR,
        "-D",
        "mapreduce.job.reduces=2",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "awk '{for(i=1;i<=NF;i++) print $i\"\\t1\"}'",
        "-combiner",
        str(reducer),
        "-reducer",
        str(reducer),
    )
    assert r.returncode == 0, r.stderr
    parts = part_files(out)
    assert [p.name for p in parts] == ["part-00000", "part-00001"]
    lines = [ln for p in parts for ln in p.read_bytes().splitlines()]
    assert sorted(lines) == sorted(expected_counts(TEXT).splitlines())
    for p in parts:  # each part sorted by key
        keys = [ln.split(b"\t")[0] for ln in p.read_bytes().splitlines()]
        assert keys == sorted(keys)
    # HashPartitioner over Text: (hash & MAX_INT) % 2 with Hadoop's hashBytes
    from pyhdp.mapreduce.sortbuffer import hadoop_hash

    for i, p in enumerate(parts):
        for ln in p.read_bytes().splitlines():
            assert (hadoop_hash(ln.split(b"\t")[0]) & 0x7FFFFFFF) % 2 == i


def test_map_only_cut_gives_trailing_tab_per_map(mr, data):
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "cut -d' ' -f1",
        "-numReduceTasks",
        "0",
    )
    assert r.returncode == 0, r.stderr
    got = read_output(out).splitlines()
    assert got == [(line.split(" ")[0] + "\t").encode() for line in TEXT.splitlines()]
    assert all(p.name.startswith("part-0000") for p in part_files(out))


def test_reducer_none_and_identity_reducer(mr, data):
    out = mr.dir / "none"
    r = mr(
        "mapred", "streaming", "-input", uri(data), "-output", uri(out), "-mapper", "cat", "-reducer", "NONE"
    )
    assert r.returncode == 0, r.stderr
    assert read_output(out).splitlines() == [ln.encode() + b"\t" for ln in TEXT.splitlines()]
    out2 = mr.dir / "ident"
    r = mr("mapred", "streaming", "-input", uri(data), "-output", uri(out2), "-mapper", "cat")
    assert r.returncode == 0, r.stderr
    assert read_output(out2).splitlines() == sorted(ln.encode() + b"\t" for ln in TEXT.splitlines())


def test_keyfield_partitioner_and_comparator(mr):
    rows = [f"{k}.{i % 3}.{(i * 7) % 11}.x{i}" for i, k in enumerate("abcabcabcaab")]
    src = mr.dir / "kf.txt"
    src.write_text("\n".join(rows) + "\n")
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "stream.map.output.field.separator=.",
        "-D",
        "stream.num.map.output.key.fields=3",
        "-D",
        "mapreduce.map.output.key.field.separator=.",
        "-D",
        "mapreduce.partition.keypartitioner.options=-k1,1",
        "-D",
        "mapreduce.job.output.key.comparator.class=org.apache.hadoop.mapred.lib.KeyFieldBasedComparator",
        "-D",
        "mapreduce.partition.keycomparator.options=-k1,1 -k3,3nr",
        "-D",
        "mapreduce.job.reduces=2",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "cat",
        "-partitioner",
        "org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner",
    )
    assert r.returncode == 0, r.stderr
    seen_first: dict[str, int] = {}
    total = 0
    for i, p in enumerate(part_files(out)):
        lines = p.read_text().splitlines()
        total += len(lines)
        keys = [ln.split("\t")[0].split(".") for ln in lines]
        for k in keys:
            assert seen_first.setdefault(k[0], i) == i  # one reducer per first field
        assert keys == sorted(keys, key=lambda k: (k[0], -int(k[2])))
    assert total == len(rows)


def test_aggregate_reducer(mr):
    src = mr.dir / "agg.txt"
    src.write_text("a 3\nb 1\na 4\nc 10\nb 2\n")
    mapper = mr.dir / "agg_map.py"
    mapper.write_text(
        "import sys\n"
        "for line in sys.stdin:\n"
        "    k, v = line.split()\n"
        "    print(f'LongValueSum:{k}\\t{v}')\n"
        "    print(f'UniqValueCount:uniq\\t{k}')\n"
        "    print(f'LongValueMax:max\\t{v}')\n"
    )
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        f"{sys.executable} {mapper}",
        "-reducer",
        "aggregate",
    )
    assert r.returncode == 0, r.stderr
    got = dict(ln.split("\t") for ln in read_output(out).decode().splitlines())
    assert got == {"a": "7", "b": "3", "c": "10", "uniq": "3", "max": "10"}


def test_reporter_counters_status_and_env(mr, data):
    script = mr.dir / "envmap.py"
    script.write_text(
        "import os, sys\n"
        "n = 0\n"
        "for line in sys.stdin:\n"
        "    n += 1\n"
        "sys.stderr.write(f'reporter:counter:MyGroup,Lines,{n}\\n')\n"
        "sys.stderr.write('reporter:status:counted\\n')\n"
        "keys = ['mapreduce_task_id', 'mapreduce_task_attempt_id', 'mapreduce_map_input_file',\n"
        "        'mapreduce_map_input_start', 'mapreduce_map_input_length', 'mapreduce_task_partition',\n"
        "        'map_input_file', 'MY_VAR', 'mapreduce_job_reduces', 'stream_map_streamprocessor']\n"
        "for k in keys:\n"
        "    print(f'{k}\\t{os.environ.get(k, \"MISSING\")}')\n"
    )
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        f"{sys.executable} {script}",
        "-cmdenv",
        "MY_VAR=hello",
        "-numReduceTasks",
        "0",
    )
    assert r.returncode == 0, r.stderr
    assert f"\tMyGroup\n\t\tLines={len(TEXT.splitlines())}\n" in r.stderr
    rows = [ln.split("\t", 1) for ln in read_output(out).decode().splitlines()]
    env: dict[str, list[str]] = {}
    for k, v in rows:
        env.setdefault(k, []).append(v)
    assert all(v != "MISSING" for vals in env.values() for v in vals), env
    assert env["MY_VAR"] == ["hello"] * len(env["MY_VAR"])
    assert all(re.fullmatch(r"task_local\d+_\d{4}_m_\d{6}", v) for v in env["mapreduce_task_id"])
    assert all(v == "file:" + str(data) for v in env["mapreduce_map_input_file"])
    starts = sorted(int(v) for v in env["mapreduce_map_input_start"])
    lengths = [int(v) for v in env["mapreduce_map_input_length"]]
    assert starts[0] == 0 and sum(lengths) == data.stat().st_size
    assert sorted(env["mapreduce_task_partition"]) == [str(i) for i in range(len(starts))]
    assert env["mapreduce_job_reduces"][0] == "0"


def test_file_option_ships_script_and_warns(mr, data):
    script = mr.dir / "upper.sh"
    script.write_text("#!/bin/sh\ntr a-z A-Z\n")
    script.chmod(0o644)  # Hadoop makes a shipped program executable
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-file",
        str(script),
        "-mapper",
        "upper.sh",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert (
        "WARN streaming.StreamJob: -file option is deprecated, please use generic option -files instead."
        in r.stderr
    )
    assert read_output(out).splitlines() == [ln.upper().encode() + b"\t" for ln in TEXT.splitlines()]
    r = mr(
        "mapred",
        "streaming",
        "-input",
        uri(data),
        "-output",
        uri(mr.dir / "o2"),
        "-file",
        "nope.sh",
        "-mapper",
        "cat",
    )
    assert r.returncode == 1
    assert f"File: file:{mr.dir}/nope.sh does not exist." in r.stderr


def test_bytes_clean_and_malformed_lines(mr):
    raw = b"\xff\xfe bad utf8\tv\x80\nno tab here\n\tempty key\ncr line\r\n" + b"x" * 3_000_000 + b"\n"
    src = mr.dir / "raw.bin"
    src.write_bytes(raw)
    out = mr.dir / "out"
    r = mr(
        "mapred", "streaming", "-input", uri(src), "-output", uri(out), "-mapper", "cat", "-reducer", "cat"
    )
    assert r.returncode == 0, r.stderr
    expected = []
    for line in raw.replace(b"\r\n", b"\n").split(b"\n")[:-1]:
        expected.append(line if b"\t" in line else line + b"\t")
    assert read_output(out).split(b"\n")[:-1] == sorted(expected, key=lambda ln: ln.split(b"\t")[0])


def test_empty_input(mr):
    src = mr.dir / "empty.txt"
    src.write_bytes(b"")
    out = mr.dir / "out"
    r = mr(
        "mapred", "streaming", "-input", uri(src), "-output", uri(out), "-mapper", "cat", "-reducer", "cat"
    )
    assert r.returncode == 0, r.stderr
    assert (out / "_SUCCESS").exists() and read_output(out) == b""


def test_separators_and_num_key_fields(mr):
    src = mr.dir / "sep.txt"
    src.write_text("b.2.x\na.1.y\nb.1.z\n")
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "stream.map.output.field.separator=.",
        "-D",
        "stream.num.map.output.key.fields=2",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "cat",
        "-reducer",
        "cat",
    )
    assert r.returncode == 0, r.stderr
    assert read_output(out) == b"a.1\ty\nb.1\tz\nb.2\tx\n"


def test_failing_mapper_retries_then_fails(mr, data):
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "mapreduce.map.maxattempts=2",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "sh -c 'echo boom-from-mapper >&2; exit 3'",
    )
    assert r.returncode == 1
    assert (
        "Error: java.lang.RuntimeException: PipeMapRed.waitOutputThreads(): subprocess failed with code 3"
        in r.stderr
    )
    assert "boom-from-mapper" in r.stderr
    assert re.search(r"Task Id : attempt_local\d+_\d+_m_\d+_1, Status : FAILED", r.stderr)
    assert "ERROR streaming.StreamJob: Job not successful!" in r.stderr
    assert r.stderr.rstrip().endswith("Streaming Command Failed!")
    assert not (out / "_SUCCESS").exists()
    assert not (out.exists() and part_files(out))


def test_non_zero_exit_not_failure_when_configured(mr, data):
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "stream.non.zero.exit.is.failure=false",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "sh -c 'cat; exit 4'",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert len(read_output(out).splitlines()) == len(TEXT.splitlines())


def test_reducer_that_never_reads_small_input_succeeds(mr, data):
    out = mr.dir / "out"
    r = mr(
        "mapred", "streaming", "-input", uri(data), "-output", uri(out), "-mapper", "cat", "-reducer", "true"
    )
    assert r.returncode == 0, r.stderr
    assert read_output(out) == b""


def test_reducer_that_never_reads_large_input_fails(mr):
    src = mr.dir / "big.txt"
    src.write_bytes(b"".join(b"line %d some text to make it longer\n" % i for i in range(40_000)))
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "mapreduce.reduce.maxattempts=1",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "cat",
        "-reducer",
        "true",
    )
    assert r.returncode == 1
    assert "Error: java.io.IOException: subprocess exited successfully" in r.stderr
    assert "Broken pipe" in r.stderr


def test_missing_input_output_exists_and_usage(mr, data):
    r = mr(
        "mapred", "streaming", "-input", uri(mr.dir / "nope"), "-output", uri(mr.dir / "o"), "-mapper", "cat"
    )
    assert r.returncode == 5
    assert (
        f"ERROR streaming.StreamJob: Error Launching job : Input path does not exist: {uri(mr.dir / 'nope')}"
        in r.stderr.replace("file:///", "file:///").replace("file:/" + str(mr.dir)[1:], uri(mr.dir))
    )
    out = mr.dir / "exists"
    out.mkdir()
    r = mr("mapred", "streaming", "-input", uri(data), "-output", uri(out), "-mapper", "cat")
    assert r.returncode == 5
    assert "already exists" in r.stderr and "Streaming Command Failed!" in r.stderr
    r = mr("mapred", "streaming")
    assert r.returncode == 1
    assert r.stderr.splitlines()[-3:] == [
        "Required argument: -input <name>",
        "Try -help for more information",
        "Streaming Command Failed!",
    ]
    r = mr("mapred", "streaming", "-input", "x")
    assert "Required argument: -output " in r.stderr
    r = mr("mapred", "streaming", "-help")
    assert r.returncode == 0
    assert r.stdout.startswith("Usage: $HADOOP_HOME/bin/hadoop jar hadoop-streaming.jar [options]\n")
    assert "Generic options supported are:" in r.stdout
    r = mr("mapred", "streaming", "-info")
    assert r.returncode == 0 and "Usage tips:" in r.stdout
    r = mr("mapred", "streaming", "-bogus")
    assert r.returncode == 1
    assert "ERROR streaming.StreamJob: Unrecognized option: -bogus" in r.stderr
    r = mr("mapred", "streaming", "-input", "a", "-output", "b", "-inputformat", "com.example.Nope")
    assert r.returncode == 1 and "-inputformat : class not found : com.example.Nope" in r.stderr


def test_relative_local_path_gets_a_hint(mr, data):
    mr.home.write_site("core-site.yaml", "fs.defaultFS: hdfs://localhost:9000\n")
    r = mr("mapred", "streaming", "-input", "in.txt", "-output", "o", "-mapper", "cat")
    assert r.returncode != 0
    assert "Input path does not exist: hdfs://localhost:9000/user/" in r.stderr
    assert f"file://{data}" in r.stderr


def test_huge_single_line(mr):
    src = mr.dir / "huge.txt"
    line = b"k" * 9_000_000
    src.write_bytes(line + b"\tv\nsmall\t1\n")
    out = mr.dir / "out"
    r = mr(
        "mapred", "streaming", "-input", uri(src), "-output", uri(out), "-mapper", "cat", "-reducer", "cat"
    )
    assert r.returncode == 0, r.stderr
    assert read_output(out) == line + b"\tv\nsmall\t1\n"


@pytest.mark.skipif(not os.path.exists("/usr/bin/sort"), reason="needs sort(1)")
def test_sort_command_as_reducer_sees_grouped_keys(mr, data):
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "awk '{print length($0)\"\\t\"$0}'",
        "-reducer",
        "sort -s -t\t -k1,1",
    )
    assert r.returncode == 0, r.stderr
    keys = [ln.split(b"\t")[0] for ln in read_output(out).splitlines()]
    assert keys == sorted(keys)


def test_streaming_on_the_embedded_hdfs_store(cli, pyhdp_home, tmp_path):
    """Default file system (hdfs://localhost:9000, embedded): put, run with relative paths, cat."""
    pyhdp_home.write_site("mapred-site.yaml", f"mapreduce.jobhistory.done-dir: {tmp_path / 'history'}\n")
    local = tmp_path / "words.txt"
    local.write_text(TEXT)
    r = cli("hdfs", "dfs", "-mkdir", "-p", "in")
    assert r.returncode == 0, r.stderr
    r = cli("hdfs", "dfs", "-put", str(local), "in/")
    assert r.returncode == 0, r.stderr
    r = cli(
        "mapred",
        "streaming",
        "-input",
        "in",
        "-output",
        "out",
        "-mapper",
        "awk '{for(i=1;i<=NF;i++) print $i\"\\t1\"}'",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert "HDFS: Number of bytes read=" in r.stderr
    r = cli("hdfs", "dfs", "-cat", "out/part-*")
    assert r.returncode == 0, r.stderr
    assert sorted(r.stdout.splitlines()) == sorted(w + "\t1" for w in TEXT.split())


def test_xml_inputreader_and_lazy_output(mr):
    src = mr.dir / "pages.xml"
    src.write_text("<doc>\n<page>one\n1</page> junk <page>two</page>\n<page>three</page></doc>\n")
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-inputreader",
        "StreamXmlRecord,begin=<page>,end=</page>",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "cat",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert read_output(out) == b"<page>one\t\n1</page>\t\n<page>two</page>\t\n<page>three</page>\t\n"
    assert counter_value(r.stderr, "Map input records") == 3
    r = mr(
        "mapred",
        "streaming",
        "-inputreader",
        "NoSuchReader,begin=a",
        "-input",
        uri(src),
        "-output",
        uri(mr.dir / "o2"),
        "-mapper",
        "cat",
    )
    assert r.returncode == 1 and "-inputreader: class not found: NoSuchReader" in r.stderr
    # -lazyOutput: maps that write nothing leave no part file
    out = mr.dir / "lazy"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "mapreduce.input.fileinputformat.split.maxsize=40",
        "-lazyOutput",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "grep three",
        "-reducer",
        "NONE",
        "-D",
        "stream.non.zero.exit.is.failure=false",
    )
    assert r.returncode != 0  # generic options after streaming options are refused, as Hadoop does
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "stream.non.zero.exit.is.failure=false",
        "-lazyOutput",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "grep three",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    parts = part_files(out)
    assert read_output(out) == b"<page>three</page></doc>\t\n"
    assert all(p.stat().st_size > 0 for p in parts)


TB_MAP = """import sys
data = sys.stdin.buffer.read()
pos = 0
out = sys.stdout.buffer
while pos < len(data):
    assert data[pos] == 7, data[pos]
    n = int.from_bytes(data[pos + 1:pos + 5], "big")
    line = data[pos + 5:pos + 5 + n]
    pos += 5 + n
    for w in line.split():
        out.write(b"\\x07" + len(w).to_bytes(4, "big") + w + b"\\x03" + (1).to_bytes(4, "big"))
"""

TB_RED = """import struct, sys
data = sys.stdin.buffer.read()
pos = 0
counts = {}
keys = []
while pos < len(data):
    n = int.from_bytes(data[pos + 1:pos + 5], "big")
    k = data[pos + 5:pos + 5 + n]
    pos += 5 + n
    assert data[pos] == 3
    v = int.from_bytes(data[pos + 1:pos + 5], "big", signed=True)
    pos += 5
    if k not in counts:
        keys.append(k)
    counts[k] = counts.get(k, 0) + v
for k in keys:
    sys.stdout.buffer.write(b"\\x07" + len(k).to_bytes(4, "big") + k + b"\\x06" + struct.pack(">d", counts[k] / 2))
"""


def test_io_typedbytes(mr, data):
    (mr.dir / "tb_map.py").write_text(TB_MAP)
    (mr.dir / "tb_red.py").write_text(TB_RED)
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-io",
        "typedbytes",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        f"{sys.executable} tb_map.py",
        "-reducer",
        f"{sys.executable} tb_red.py",
        "-file",
        str(mr.dir / "tb_map.py"),
        "-file",
        str(mr.dir / "tb_red.py"),
    )
    assert r.returncode == 0, r.stderr
    c = Counter(TEXT.split())
    # typed-bytes strings sort by their raw form: length prefix first, then the bytes
    order = sorted(c, key=lambda w: len(w.encode()).to_bytes(4, "big") + w.encode())
    assert read_output(out).decode().splitlines() == [f"{w}\t{c[w] / 2}" for w in order]


def test_keyfield_partitioner_on_tab_keys_ignores_values(mr):
    rows = [f"{k}\t{i % 4}\tvalue{i}" for i, k in enumerate("pqrstuvw" * 5)]
    src = mr.dir / "tabs.txt"
    src.write_text("\n".join(rows) + "\n")
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "stream.num.map.output.key.fields=2",
        "-D",
        "mapreduce.partition.keypartitioner.options=-k2,2",
        "-D",
        "mapreduce.job.reduces=3",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "cat",
        "-reducer",
        "cat",
        "-partitioner",
        "org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner",
    )
    assert r.returncode == 0, r.stderr
    where: dict[str, int] = {}
    lines = 0
    for i, p in enumerate(part_files(out)):
        for ln in p.read_text().splitlines():
            lines += 1
            assert where.setdefault(ln.split("\t")[1], i) == i
    assert lines == len(rows)
    # Hadoop's hash of field 2 ("0".."3"): 31*0 + byte
    for field, i in where.items():
        assert i == (ord(field) & 0x7FFFFFFF) % 3


def test_generic_files_and_archives_through_the_jar(mr, data):
    import zipfile

    script = mr.dir / "lower.py"
    script.write_text("import sys\nfor line in sys.stdin:\n    sys.stdout.write(line.lower())\n")
    archive = mr.dir / "dict.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("words.txt", "zebra\n")
    reducer = mr.dir / "known.sh"
    reducer.write_text("#!/bin/sh\ngrep -F -f dict/words.txt\n")
    reducer.chmod(0o755)
    out = mr.dir / "out"
    r = mr(
        "hadoop",
        "jar",
        JAR,
        "-files",
        f"{script},{reducer}",
        "-archives",
        f"{archive}#dict",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        f"{sys.executable} lower.py",
        "-reducer",
        "known.sh",
    )
    assert r.returncode == 0, r.stderr
    assert read_output(out).splitlines() == [b"zebra zebra zebra\t"]


def test_input_and_output_formats(mr):
    from pyhdp.mapreduce.io.sequencefile import SequenceFileReader

    src = mr.dir / "kv.txt"
    src.write_text("k1\tv1\nk2\tv2 x\n")
    r = mr(
        "mapred",
        "streaming",
        "-inputformat",
        "KeyValueTextInputFormat",
        "-input",
        uri(src),
        "-output",
        uri(mr.dir / "kv"),
        "-mapper",
        "cat",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert read_output(mr.dir / "kv") == b"k1\tv1\nk2\tv2 x\n"
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "mapreduce.input.lineinputformat.linespermap=1",
        "-inputformat",
        "org.apache.hadoop.mapred.lib.NLineInputFormat",
        "-input",
        uri(src),
        "-output",
        uri(mr.dir / "nl"),
        "-mapper",
        "cat",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert [p.read_bytes() for p in part_files(mr.dir / "nl")] == [b"0\tk1\tv1\n", b"6\tk2\tv2 x\n"]
    r = mr(
        "mapred",
        "streaming",
        "-outputformat",
        "org.apache.hadoop.mapred.lib.NullOutputFormat",
        "-input",
        uri(src),
        "-output",
        uri(mr.dir / "null"),
        "-mapper",
        "cat",
    )
    assert r.returncode == 0, r.stderr
    assert not part_files(mr.dir / "null")
    r = mr(
        "mapred",
        "streaming",
        "-outputformat",
        "org.apache.hadoop.mapred.SequenceFileOutputFormat",
        "-input",
        uri(src),
        "-output",
        uri(mr.dir / "seq"),
        "-mapper",
        "cat",
    )
    assert r.returncode == 0, r.stderr
    with open(mr.dir / "seq" / "part-00000", "rb") as f:
        assert f.read(4) == b"SEQ\x06"
        f.seek(0)
        assert list(SequenceFileReader(f).records()) == [("k1", "v1"), ("k2", "v2 x")]
    # and back in, as text
    r = mr(
        "mapred",
        "streaming",
        "-inputformat",
        "SequenceFileAsTextInputFormat",
        "-input",
        uri(mr.dir / "seq"),
        "-output",
        uri(mr.dir / "back"),
        "-mapper",
        "cat",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert read_output(mr.dir / "back") == b"k1\tv1\nk2\tv2 x\n"


def test_identity_mapper_verbose_and_cmdenv_with_space(mr, data):
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-verbose",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "org.apache.hadoop.mapred.lib.IdentityMapper",
        "-cmdenv",
        "A=b c",
    )
    assert r.returncode == 0, r.stderr
    assert "STREAM: addTaskEnvironment=HADOOP_ROOT_LOGGER= A=b c" in r.stdout
    assert "STREAM: ==== JobConf properties:" in r.stdout
    rows = [ln.split(b"\t", 1) for ln in read_output(out).splitlines()]
    offsets = [int(k) for k, _ in rows]
    assert offsets == sorted(offsets)  # LongWritable keys sort numerically
    assert [v for _, v in rows] == [ln.encode() for ln in TEXT.splitlines()]


def test_background_returns_at_once(mr, data):
    out = mr.dir / "bg"
    r = mr(
        "mapred",
        "streaming",
        "-background",
        "-input",
        uri(data),
        "-output",
        uri(out),
        "-mapper",
        "cat",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    assert "INFO streaming.StreamJob: Job is running in background." in r.stderr
    import time

    deadline = time.time() + 60
    while time.time() < deadline and not (out / "_SUCCESS").exists():
        time.sleep(0.2)
    assert (out / "_SUCCESS").exists()
    assert len(read_output(out).splitlines()) == len(TEXT.splitlines())


def test_io_rawbytes_map_only(mr):
    src = mr.dir / "two.txt"
    src.write_text("ab\ncd\n")
    out = mr.dir / "out"
    r = mr(
        "mapred",
        "streaming",
        "-io",
        "rawbytes",
        "-input",
        uri(src),
        "-output",
        uri(out),
        "-mapper",
        "cat",
        "-reducer",
        "NONE",
    )
    assert r.returncode == 0, r.stderr
    # the mapper echoes two frames (Text in Writable form: vint length + bytes): read back as one
    # key/value pair of BytesWritable, shown as hex bytes
    assert read_output(out) == b"02 61 62\t02 63 64\n"


def test_missing_program_fails_the_job(mr, data):
    r = mr(
        "mapred",
        "streaming",
        "-D",
        "mapreduce.map.maxattempts=1",
        "-input",
        uri(data),
        "-output",
        uri(mr.dir / "o"),
        "-mapper",
        "no_such_command_xyz --flag",
    )
    assert r.returncode == 1
    assert 'Error: java.io.IOException: Cannot run program "no_such_command_xyz"' in r.stderr
    assert "ERROR streaming.StreamJob: Job not successful!" in r.stderr


def test_counted_shuffle_is_invisible(mr, data, reducer):
    """Output and the record/byte/group counters are the same with and without counted lines."""
    results = {}
    for mode in ("true", "false"):
        out = mr.dir / f"out-{mode}"
        r = mr(
            "mapred",
            "streaming",
            "-D",
            f"pyhdp.streaming.counted.shuffle={mode}",
            "-D",
            "mapreduce.job.reduces=2",
            "-input",
            uri(data),
            "-output",
            uri(out),
            "-mapper",
            "awk '{for(i=1;i<=NF;i++) print $i\"\\t1\"}'",
            "-reducer",
            str(reducer),
        )
        assert r.returncode == 0, r.stderr
        counters = {
            name: counter_value(r.stderr, name)
            for name in (
                "Map output records",
                "Map output bytes",
                "Reduce input records",
                "Reduce input groups",
                "Reduce output records",
            )
        }
        results[mode] = ([p.read_bytes() for p in part_files(out)], counters)
    assert results["true"] == results["false"]
    assert results["true"][1]["Map output bytes"] == sum(len(w) + 1 for w in TEXT.split())
