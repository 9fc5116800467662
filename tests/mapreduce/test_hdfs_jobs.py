"""The engine on the embedded ``hdfs://`` store: block-sized splits and jobs end to end."""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyhdp.conf import Configuration
from pyhdp.mapreduce.input.formats import SplitReader, get_splits
from pyhdp.mapreduce.job.launcher import run_job_file

MB = 1 << 20


@pytest.fixture(scope="module")
def hdfs(tmp_path_factory):
    pytest.importorskip("pyhdp.hdfs.client")
    from pyhdp.fs.registry import get_filesystem

    base = tmp_path_factory.mktemp("hdfs")
    conf = Configuration()
    conf.set("fs.defaultFS", "hdfs://localhost:9000")
    conf.set("hadoop.tmp.dir", str(base / "tmp"))
    conf.set("dfs.blocksize", "1m")
    conf.set("mapreduce.jobhistory.done-dir", str(base / "history"))
    conf.set("mapreduce.local.map.tasks.maximum", "2")
    fs = get_filesystem("hdfs://localhost:9000/", conf)
    fs.mkdirs("/user/t")
    return conf, fs


def read_all(conf, inputs):
    lines = []
    for split in get_splits("text", inputs, conf):
        reader = SplitReader("text", split, conf)
        for chunk in reader.text_chunks():
            lines.extend(chunk.records())
    return sorted(lines)


def expected(data: bytes):
    if not data:
        return []
    out, pos = [], 0
    for line in data.split(b"\n")[:-1] if data.endswith(b"\n") else data.split(b"\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def test_block_splits_read_every_line_once(hdfs):
    conf, fs = hdfs
    rnd = random.Random(7)
    data = b"".join(b"x" * rnd.randrange(0, 300) + b"\n" for _ in range(20000))
    with fs.create("/user/t/blocks.txt", overwrite=True) as f:
        f.write(data)
    splits = get_splits("text", ["/user/t/blocks.txt"], conf)
    n_blocks = -(-len(data) // MB)
    assert len(splits) in (n_blocks, n_blocks - 1)  # slop 1.1 may fold the last block
    assert all(s.path.startswith("hdfs://localhost:9000/") for s in splits)
    assert all(s.hosts for s in splits)
    assert read_all(conf, ["/user/t/blocks.txt"]) == expected(data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.binary(max_size=40).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"") + b"\n"), max_size=60
    ),
    split=st.integers(16, 400),
)
def test_random_files_and_split_sizes(hdfs, lines, split):
    conf, fs = hdfs
    data = b"".join(lines)
    with fs.create("/user/t/rand.txt", overwrite=True) as f:
        f.write(data)
    c = conf.copy()
    c.set("mapreduce.input.fileinputformat.split.maxsize", str(split))
    assert read_all(c, ["hdfs://localhost:9000/user/t/rand.txt"]) == expected(data)


def test_wordcount_on_hdfs(hdfs, tmp_path):
    conf, fs = hdfs
    rnd = random.Random(3)
    words = [f"w{i}" for i in range(300)]
    text = "".join(" ".join(rnd.choice(words) for _ in range(8)) + "\n" for _ in range(40000))
    with fs.create("/user/t/wc.txt", overwrite=True) as f:
        f.write(text.encode())
    job = tmp_path / "wc.py"
    job.write_text(
        "from pyhdp.mapreduce.job import Job\n"
        "class WC(Job):\n"
        "    def mapper(self, _, line):\n"
        "        for w in line.split():\n"
        "            yield w, 1\n"
        "    def combiner(self, w, c):\n"
        "        yield w, sum(c)\n"
        "    reducer = combiner\n"
    )
    err = io.StringIO()
    code = run_job_file(
        str(job), ["/user/t/wc.txt", "/user/t/wc-out", "-D", "mapreduce.job.reduces=2"], conf, err=err
    )
    assert code == 0, err.getvalue()
    names = sorted(st.name for st in fs.list_status("/user/t/wc-out"))
    assert names == ["_SUCCESS", "part-r-00000", "part-r-00001"]
    got = {}
    for name in names[1:]:
        for line in fs.cat(f"/user/t/wc-out/{name}").decode().splitlines():
            k, v = line.split("\t")
            got[k] = int(v)
    assert got == Counter(text.split())
    out = err.getvalue()
    assert "HDFS: Number of bytes read=" in out and "HDFS: Number of bytes written=" in out
    assert "number of splits:3" in out or "number of splits:2" in out


def test_missing_input_hints_at_a_local_path(hdfs, tmp_path, monkeypatch):
    from pyhdp.mapreduce.api import InvalidInputError
    from pyhdp.mapreduce.input.splits import list_input_files

    conf, _fs = hdfs
    (tmp_path / "local-only").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InvalidInputError) as ei:
        list_input_files(["local-only"], conf)
    msg = str(ei.value)
    assert msg.startswith("Input path does not exist: hdfs://localhost:9000/user/")
    assert f"file://{tmp_path}/local-only" in msg
