"""Formats, compression, shipped files, Streaming role mode and killing a running job."""

from __future__ import annotations

import gzip
import io
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

from mr_testutil import read_output, write_lines

from pyhdp.mapreduce.io.sequencefile import SequenceFileReader
from pyhdp.mapreduce.job.launcher import run_job_file


def run(tmp_path, conf, source, args, name="job.py"):
    p = tmp_path / name
    p.write_text(textwrap.dedent(source))
    err = io.StringIO()
    code = run_job_file(str(p), [str(a) for a in args], conf, err=err)
    return code, err.getvalue()


def test_gzip_input_and_output(tmp_path, mr_conf):
    d = tmp_path / "in"
    d.mkdir()
    with gzip.open(d / "a.txt.gz", "wt") as f:
        f.write("b a\nc b\n" * 5000)
    (d / "plain.txt").write_text("a\n")
    out = tmp_path / "out"
    mr_conf.set("mapreduce.output.fileoutputformat.compress", "true")
    mr_conf.set("mapreduce.output.fileoutputformat.compress.codec", "org.apache.hadoop.io.compress.GzipCodec")
    mr_conf.set("mapreduce.input.fileinputformat.split.maxsize", "1000")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        def mapper(_, line):
            for w in line.split():
                yield w, 1

        def reducer(w, counts):
            yield w, sum(counts)
    """,
        [d, out],
    )
    assert code == 0, err
    assert (out / "part-r-00000.gz").exists()
    assert gzip.decompress((out / "part-r-00000.gz").read_bytes()) == b"a\t5001\nb\t10000\nc\t5000\n"
    assert "number of splits:2" in err  # the .gz file is one split whatever the split size


def test_keyvalue_nline_and_sequencefile_formats(tmp_path, mr_conf):
    kv = write_lines(tmp_path / "kv.txt", ["k1\tone", "k2\ttwo\tmore", "nosep"])
    out = tmp_path / "out"
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class KV(Job):
            INPUT_FORMAT = "keyvalue"
            OUTPUT_FORMAT = "sequencefile"

            def mapper(self, key, value):
                yield key, len(value)

            def reducer(self, key, values):
                yield key, sum(values)
    """,
        [kv, out],
    )
    assert code == 0, err
    with open(out / "part-r-00000", "rb") as f:
        r = SequenceFileReader(f)
        assert (r.key_class, r.value_class) == (
            "org.apache.hadoop.io.Text",
            "org.apache.hadoop.io.LongWritable",
        )
        assert list(r.records()) == [("k1", 3), ("k2", 8), ("nosep", 0)]
    # the SequenceFile output read back as input
    out2 = tmp_path / "out2"
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Back(Job):
            INPUT_FORMAT = "sequencefile"

            def mapper(self, key, value):
                yield value, key
    """,
        [out, out2],
        name="back.py",
    )
    assert code == 0, err
    assert sorted(read_output(out2)) == ["0\tnosep", "3\tk1", "8\tk2"]
    # NLineInputFormat: one map per 2 lines
    lines = write_lines(tmp_path / "n.txt", [f"l{i}" for i in range(7)])
    mr_conf.set("mapreduce.input.lineinputformat.linespermap", "2")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class N(Job):
            INPUT_FORMAT = "nline"

            def mapper(self, _, line):
                yield self.conf.get("mapreduce.task.partition"), line
    """,
        [lines, tmp_path / "out3"],
        name="nline.py",
    )
    assert code == 0, err
    assert "number of splits:4" in err
    got = sorted(read_output(tmp_path / "out3"))
    assert len(got) == 7 and {g.split("\t")[1] for g in got} == {f"l{i}" for i in range(7)}


def test_files_are_shipped_to_tasks(tmp_path, mr_conf):
    side = tmp_path / "side" / "stop.txt"
    side.parent.mkdir()
    side.write_text("the\na\n")
    src = write_lines(tmp_path / "in.txt", ["the cat and a dog", "a the"])
    out = tmp_path / "out"
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Stop(Job):
            def mapper_init(self):
                self.stop = set(open("stop.txt").read().split())

            def mapper(self, _, line):
                for w in line.split():
                    if w not in self.stop:
                        yield w, 1

            def reducer(self, w, c):
                yield w, sum(c)
    """,
        [src, out, "--files", str(side)],
    )
    assert code == 0, err
    assert read_output(out) == ["and\t1", "cat\t1", "dog\t1"]


STREAM_JOB = """
from pyhdp.mapreduce.job import Job

class WC(Job):
    def mapper(self, _, line):
        for w in line.split():
            yield w, 1

    def combiner(self, w, c):
        yield w, sum(c)

    def reducer(self, w, c):
        self.increment_counter("g", "n", 1)
        yield w, sum(c)
"""


def test_streaming_role_mode(tmp_path):
    job = tmp_path / "wc.py"
    job.write_text(STREAM_JOB)
    base = [sys.executable, "-m", "pyhdp.mapreduce.task", "--job", str(job), "--step", "0"]
    m = subprocess.run([*base, "--mapper"], input=b"a b a\nc\n", capture_output=True, check=True)
    assert m.stdout == b'"a"\t1\n"b"\t1\n"a"\t1\n"c"\t1\n'
    shuffled = b"".join(sorted(m.stdout.splitlines(keepends=True)))
    r = subprocess.run([*base, "--reducer"], input=shuffled, capture_output=True, check=True)
    assert r.stdout == b"a\t2\nb\t1\nc\t1\n"
    assert r.stderr.decode().count("reporter:counter:g,n,1") == 3


def test_kill_a_running_job(tmp_path):
    src = write_lines(tmp_path / "in.txt", [str(i) for i in range(4)])
    job = tmp_path / "slow.py"
    pids = tmp_path / "pids"
    pids.mkdir()
    job.write_text(
        f"PIDS = {str(pids)!r}\n"
        + textwrap.dedent("""
        import os, time
        from pyhdp.mapreduce.job import Job

        class Slow(Job):
            def mapper(self, _, line):
                with open(os.path.join(PIDS, str(os.getpid())), "w"):
                    pass
                time.sleep(60)
                yield line, 1

        if __name__ == "__main__":
            Slow.run()
    """)
    )
    out = tmp_path / "out"
    hist = tmp_path / "h"
    env = dict(os.environ, HOME=str(tmp_path), PYHDP_CONF_DIR=str(tmp_path / "conf"))
    proc = subprocess.Popen(
        [
            sys.executable,
            str(job),
            f"file://{src}",
            f"file://{out}",
            "-D",
            f"hadoop.tmp.dir={tmp_path}/t",
            "-D",
            f"mapreduce.jobhistory.done-dir={hist}",
            "-D",
            "mapreduce.input.fileinputformat.split.maxsize=2",
        ],
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and not list(pids.iterdir()):
        time.sleep(0.1)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, err
    assert "failed with state KILLED" in err
    assert not (out / "_SUCCESS").exists() and not list(out.rglob("part-*"))
    docs = [json.loads(p.read_text()) for p in hist.glob("*.json")]
    assert [d["state"] for d in docs] == ["KILLED"]
    # the task processes are gone with the job
    task_pids = [int(p.name) for p in pids.iterdir()]
    assert task_pids
    for pid in task_pids:
        for _ in range(50):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"task process {pid} survived the kill")


def test_task_timeout(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["x"])
    mr_conf.set("mapreduce.task.timeout", "1500")
    mr_conf.set("mapreduce.map.maxattempts", "1")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        import time

        def mapper(_, line):
            time.sleep(30)
            yield line, 1
    """,
        [src, tmp_path / "out"],
    )
    assert code == 1
    assert "Timed out after 1 secs" in err
    assert "failed with state FAILED" in err


def test_several_inputs_and_pyfiles(tmp_path, mr_conf):
    import zipfile

    a = write_lines(tmp_path / "a" / "1.txt", ["alpha"])
    b = write_lines(tmp_path / "b" / "2.txt", ["beta"])
    lib = tmp_path / "lib.zip"
    with zipfile.ZipFile(lib, "w") as z:
        z.writestr("shout.py", "def shout(s):\n    return s.upper() + '!'\n")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class J(Job):
            def mapper(self, _, line):
                from shout import shout
                yield shout(line), self.conf.get("mapreduce.map.input.file").rsplit("/", 1)[1]
    """,
        [a, b, tmp_path / "out", "--pyfiles", str(lib)],
    )
    assert code == 0, err
    assert sorted(read_output(tmp_path / "out")) == ["ALPHA!\t1.txt", "BETA!\t2.txt"]
    assert "Total input files to process : 2" in err


def test_counter_limit_and_map_output_compression(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["a b c", "a"])
    mr_conf.set("mapreduce.map.output.compress", "true")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        def mapper(_, line):
            for w in line.split():
                yield w, 1

        def reducer(w, counts):
            yield w, sum(counts)
    """,
        [src, tmp_path / "out"],
    )
    assert code == 0, err
    assert read_output(tmp_path / "out") == ["a\t2", "b\t1", "c\t1"]
    mr_conf.set("mapreduce.job.counters.max", "60")
    mr_conf.set("mapreduce.map.maxattempts", "1")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Many(Job):
            def mapper(self, _, line):
                for i in range(100):
                    self.increment_counter("mine", f"c{i}")
                yield line, 1
    """,
        [src, tmp_path / "out2"],
        name="many.py",
    )
    assert code == 1
    assert "LimitExceededException: Too many counters:" in err and "max=60" in err


def test_streaming_role_mode_with_raw_byte_keys(tmp_path):
    job = tmp_path / "fast.py"
    job.write_text(
        textwrap.dedent("""
        from collections import Counter
        from pyhdp.mapreduce.job import Job

        class FastWC(Job):
            INPUT_PROTOCOL = "raw_bytes"
            INTERNAL_PROTOCOL = "bytes"

            def mapper_init(self):
                self.counts = Counter()

            def mapper_block(self, data):
                self.counts.update(data.split())

            def mapper_final(self):
                yield from sorted(self.counts.items())

            def reducer(self, w, counts):
                yield w, sum(counts)
    """)
    )
    base = [sys.executable, "-m", "pyhdp.mapreduce.task", "--job", str(job), "--step", "0"]
    m = subprocess.run([*base, "--mapper"], input=b"b a b\n\xff a\n", capture_output=True, check=True)
    assert m.stdout == b"a\t2\nb\t2\n\xff\t1\n"
    shuffled = b"a\t2\na\t3\nb\t2\n\xff\t1\n"
    r = subprocess.run([*base, "--reducer"], input=shuffled, capture_output=True, check=True)
    assert r.stdout == b"a\t5\nb\t2\n\xff\t1\n"


def test_failures_maxpercent_tolerates_a_failed_map(tmp_path, mr_conf):
    d = tmp_path / "in"
    for i, text in enumerate(["a b", "boom", "a c", "c"]):
        write_lines(d / f"{i}.txt", [text])
    mr_conf.set("mapreduce.map.maxattempts", "2")
    mr_conf.set("mapreduce.map.failures.maxpercent", "25")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        def mapper(_, line):
            if line == "boom":
                raise RuntimeError("bad record")
            for w in line.split():
                yield w, 1

        def reducer(w, counts):
            yield w, sum(counts)
    """,
        [d, tmp_path / "out"],
    )
    assert code == 0, err
    assert read_output(tmp_path / "out") == ["a\t2", "b\t1", "c\t2"]
    assert "Failed map tasks=2" in err and "tolerated by mapreduce.map.failures.maxpercent" in err
    # without the allowance the same job fails
    mr_conf.set("mapreduce.map.failures.maxpercent", "0")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        def mapper(_, line):
            if line == "boom":
                raise RuntimeError("bad record")
            yield line, 1
    """,
        [d, tmp_path / "out2"],
        name="j2.py",
    )
    assert code == 1


def test_archives_are_unpacked_for_tasks(tmp_path, mr_conf):
    import tarfile

    payload = tmp_path / "payload"
    payload.mkdir()
    (payload / "words.txt").write_text("keep\n")
    archive = tmp_path / "dict.tgz"
    with tarfile.open(archive, "w:gz") as t:
        t.add(payload / "words.txt", arcname="words.txt")
    src = write_lines(tmp_path / "in.txt", ["keep drop", "keep"])
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Filter(Job):
            def mapper_init(self):
                self.keep = set(open("dict/words.txt").read().split())

            def mapper(self, _, line):
                for w in line.split():
                    if w in self.keep:
                        yield w, 1

            def reducer(self, w, c):
                yield w, sum(c)
    """,
        [src, tmp_path / "out", "--archives", f"{archive}#dict"],
    )
    assert code == 0, err
    assert read_output(tmp_path / "out") == ["keep\t2"]
