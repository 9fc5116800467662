"""Python jobs through the engine and the local runner, checked against plain Python."""

from __future__ import annotations

import io
import json
import os
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from mr_testutil import read_output, write_lines

from pyhdp.mapreduce import history
from pyhdp.mapreduce.api import InvalidInputError, OutputExistsError
from pyhdp.mapreduce.counters import TASK_GROUP
from pyhdp.mapreduce.job.launcher import run_job_file
from pyhdp.mapreduce.job.runtime import JobLoadError
from pyhdp.mapreduce.sortbuffer import hadoop_hash

WORDCOUNT = """
from pyhdp.mapreduce.job import Job

class WordCount(Job):
    def mapper(self, _, line):
        for w in line.split():
            yield w, 1

    def combiner(self, w, counts):
        yield w, sum(counts)

    def reducer(self, w, counts):
        self.increment_counter("wc", "distinct", 1)
        yield w, sum(counts)

if __name__ == "__main__":
    WordCount.run()
"""

CORPUS = [
    "the quick brown fox",
    "jumps over the lazy dog",
    "",
    "the end  of   the  story",
    "naïve café déjà vu",
] * 37


def job_file(tmp_path: Path, source: str, name: str = "job.py") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(source))
    return p


def run(tmp_path, conf, source, args, name="job.py"):
    err = io.StringIO()
    code = run_job_file(str(job_file(tmp_path, source, name)), [str(a) for a in args], conf, err=err)
    return code, err.getvalue()


def expected_counts(lines):
    return Counter(w for line in lines for w in line.split())


def parse_counts(lines):
    out = {}
    for line in lines:
        k, v = line.split("\t")
        assert k not in out
        out[k] = int(v)
    return out


def test_wordcount_matches_counter(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in" / "a.txt", CORPUS)
    out = tmp_path / "out"
    code, err = run(tmp_path, mr_conf, WORDCOUNT, [src, out])
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["_SUCCESS", "part-r-00000"]
    lines = read_output(out)
    assert parse_counts(lines) == expected_counts(CORPUS)
    assert lines == sorted(lines, key=lambda x: x.split("\t")[0].encode())  # sorted by key bytes
    assert "completed successfully" in err and "Counters:" in err
    assert f"\t\tMap input records={len(CORPUS)}\n" in err
    assert f"\t\tMap output records={sum(expected_counts(CORPUS).values())}\n" in err
    assert f"\t\tReduce output records={len(expected_counts(CORPUS))}\n" in err
    assert f"\twc\n\t\tdistinct={len(expected_counts(CORPUS))}\n" in err


def test_several_reducers_partition_like_hadoop(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", CORPUS)
    out = tmp_path / "out"
    mr_conf.set("mapreduce.job.reduces", "3")
    code, err = run(tmp_path, mr_conf, WORDCOUNT, [src, out])
    assert code == 0, err
    parts = sorted(out.glob("part-r-*"))
    assert [p.name for p in parts] == ["part-r-00000", "part-r-00001", "part-r-00002"]
    seen = {}
    for i, p in enumerate(parts):
        for line in p.read_text().splitlines():
            word = line.split("\t")[0]
            assert (hadoop_hash(word.encode()) & 0x7FFFFFFF) % 3 == i
            seen[word] = int(line.split("\t")[1])
    assert seen == expected_counts(CORPUS)


def test_hadoop_text_hash_values():
    # Text.hashCode() = WritableComparator.hashBytes: 31*h + signed byte, from 1
    assert hadoop_hash(b"") == 1
    assert hadoop_hash(b"a") == 31 + 97
    assert hadoop_hash(b"hello") == (lambda: _java_hash(b"hello"))()
    assert hadoop_hash("é".encode()) == _java_hash("é".encode())


def _java_hash(data: bytes) -> int:
    h = 1
    for b in data:
        b = b - 256 if b > 127 else b
        h = (31 * h + b) % (1 << 32)
    return h - (1 << 32) if h >= 1 << 31 else h


def test_map_only_and_functions(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["a b", "c"])
    out = tmp_path / "out"
    code, err = run(
        tmp_path,
        mr_conf,
        """
        def mapper(key, line):
            yield line.upper(), len(line)
    """,
        [src, out],
    )
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["_SUCCESS", "part-m-00000"]
    assert read_output(out) == ["A B\t3", "C\t1"]


def test_multi_step_json_output(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", CORPUS)
    out = tmp_path / "out"
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job, MRStep

        class TopWord(Job):
            OUTPUT_PROTOCOL = "json"

            def steps(self):
                return [
                    MRStep(mapper=self.words, combiner=self.total, reducer=self.total),
                    MRStep(reducer=self.top),
                ]

            def words(self, _, line):
                for w in line.split():
                    yield w.lower(), 1

            def total(self, w, counts):
                yield w, sum(counts)

            def top(self, w, counts):
                # step 2 gets step 1's output as (word, count) records, keys untouched
                yield w, [sum(counts), w]
    """,
        [src, out],
    )
    assert code == 0, err
    got = {json.loads(k): json.loads(v) for k, v in (line.split("\t") for line in read_output(out))}
    exp = {w.lower(): c for w, c in expected_counts(CORPUS).items()}
    assert got == {w: [c, w] for w, c in exp.items()}
    assert err.count("completed successfully") == 2


def test_secondary_sort_with_group_prefix(tmp_path, mr_conf):
    rows = [
        f"{u},{t},{e}"
        for u, t, e in [
            ("bob", 3, "c"),
            ("amy", 2, "y"),
            ("bob", 1, "a"),
            ("amy", 1, "x"),
            ("bob", 2, "b"),
            ("cid", 9, "z"),
        ]
    ]
    src = write_lines(tmp_path / "in.txt", rows)
    out = tmp_path / "out"
    mr_conf.set("mapreduce.job.reduces", "2")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Sessions(Job):
            GROUP_PREFIX = 1

            def mapper(self, _, line):
                user, t, event = line.split(",")
                yield (user, int(t)), event

            def reducer(self, key, events):
                yield key[0], "".join(events)
    """,
        [src, out],
    )
    assert code == 0, err
    assert sorted(read_output(out)) == ["amy\txy", "bob\tabc", "cid\tz"]


def test_mapper_block_in_mapper_combining(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", CORPUS)
    out = tmp_path / "out"
    mr_conf.set("mapreduce.input.fileinputformat.split.maxsize", "1000")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from collections import Counter
        from pyhdp.mapreduce.job import Job

        class FastWC(Job):
            INPUT_PROTOCOL = "raw_bytes"

            def mapper_init(self):
                self.counts = Counter()

            def mapper_block(self, data):
                self.counts.update(data.split())

            def mapper_final(self):
                yield from self.counts.items()

            def reducer(self, w, counts):
                yield w, sum(counts)
    """,
        [src, out],
    )
    assert code == 0, err
    assert "number of splits:" in err
    got = {
        k.encode("utf-8", "surrogateescape").decode("utf-8"): v
        for k, v in parse_counts(read_output(out)).items()
    }
    assert got == expected_counts(CORPUS)
    assert f"Map input records={len(CORPUS)}" in err


def test_failing_task_retries_then_fails_with_traceback(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["1", "2", "0", "4"])
    out = tmp_path / "out"
    mr_conf.set("mapreduce.map.maxattempts", "2")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Div(Job):
            def mapper(self, _, line):
                yield "x", 10 // int(line)

            def reducer(self, k, vs):
                yield k, sum(vs)
    """,
        [src, out],
    )
    assert code == 1
    assert err.count("Status : FAILED") == 2
    assert "_m_000000_0" in err and "_m_000000_1" in err
    assert "ZeroDivisionError" in err
    assert "Traceback (most recent call last):" in err
    assert "subprocess failed" not in err
    assert "failed with state FAILED due to: Task failed task_local" in err
    # nothing committed: no part files, no _SUCCESS, no _temporary left
    assert not list(out.rglob("part-*")) and not (out / "_SUCCESS").exists()
    assert not (out / "_temporary").exists()


def test_crashing_worker_is_reported(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["a"])
    out = tmp_path / "out"
    mr_conf.set("mapreduce.map.maxattempts", "1")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        import os, sys

        def mapper(key, line):
            sys.stderr.write("about to die\\n")
            sys.stderr.flush()
            os._exit(3)
            yield line, 1

        def reducer(key, values):
            yield key, 1
    """,
        [src, out],
    )
    assert code == 1
    assert "exit code 3" in err and "about to die" in err


def test_job_file_that_does_not_import(tmp_path, mr_conf):
    p = job_file(
        tmp_path,
        "from pyhdp.mapreduce.job import Job\n\nclass X(Job):\n    def mapper(self, k, v)\n        pass\n",
    )
    with pytest.raises(JobLoadError) as ei:
        run_job_file(str(p), ["a", "b"], mr_conf)
    assert f"{p}:4" in str(ei.value) and "SyntaxError" in str(ei.value)
    p2 = job_file(tmp_path, "import os\nimport no_such_module_xyz\n", "bad2.py")
    with pytest.raises(JobLoadError) as ei:
        run_job_file(str(p2), ["a", "b"], mr_conf)
    assert f"{p2}:2" in str(ei.value) and "no_such_module_xyz" in str(ei.value)


def test_output_exists_and_missing_input(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["a"])
    out = tmp_path / "out"
    out.mkdir()
    code, err = run(tmp_path, mr_conf, WORDCOUNT, [src, out])
    assert code == 1
    assert (
        f"org.apache.hadoop.mapred.FileAlreadyExistsException: Output directory file:{out} already exists"
        in err
    )
    code, err = run(tmp_path, mr_conf, WORDCOUNT, [tmp_path / "nope", tmp_path / "out2"])
    assert code == 1
    assert f"Input path does not exist: file:{tmp_path}/nope" in err
    assert not (tmp_path / "out2").exists()


def test_engine_errors_are_typed(tmp_path, mr_conf):
    from pyhdp.mapreduce.api import JobSpec, Step, run_job

    (tmp_path / "out").mkdir()
    with pytest.raises(OutputExistsError):
        run_job(JobSpec([str(tmp_path)], str(tmp_path / "out"), [Step()]), mr_conf, console=False)
    with pytest.raises(InvalidInputError, match="matches 0 files"):
        run_job(
            JobSpec([str(tmp_path / "*.nothing")], str(tmp_path / "o2"), [Step()]), mr_conf, console=False
        )


def test_empty_input_huge_line_and_non_utf8(tmp_path, mr_conf):
    d = tmp_path / "in"
    d.mkdir()
    (d / "empty.txt").write_bytes(b"")
    (d / "_ignored").write_bytes(b"hidden file\n")
    (d / ".also").write_bytes(b"hidden file\n")
    big = b"w" * 3_000_000
    (d / "big.txt").write_bytes(b"x\n" + big + b" y\n")
    (d / "bin.txt").write_bytes(b"caf\xe9 \xff\xfe ok\n")
    out = tmp_path / "out"
    mr_conf.set("mapreduce.input.fileinputformat.split.maxsize", "100000")
    code, err = run(tmp_path, mr_conf, WORDCOUNT, [d, out])
    assert code == 0, err
    got = {}
    for line in (out / "part-r-00000").read_bytes().splitlines():
        k, v = line.split(b"\t")
        got[k] = int(v)
    assert got == {b"x": 1, big: 1, b"y": 1, b"caf\xe9": 1, b"\xff\xfe": 1, b"ok": 1}
    assert "Map input records=3\n" in err
    assert "Total input files to process : 3" in err


def test_spills_and_merge_with_tiny_buffer(tmp_path, mr_conf):
    lines = [f"k{i % 997} v{i}" for i in range(60000)]
    src = write_lines(tmp_path / "in.txt", lines)
    out = tmp_path / "out"
    mr_conf.set("mapreduce.task.io.sort.mb", "1")
    mr_conf.set("mapreduce.task.io.sort.factor", "3")
    mr_conf.set("pyhdp.job.precombine", "false")
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Count(Job):
            def mapper(self, _, line):
                k, v = line.split()
                yield k, v

            def combiner(self, k, vs):
                yield k, ",".join(vs)

            def reducer(self, k, vs):
                yield k, len(",".join(vs).split(","))
    """,
        [src, out],
    )
    assert code == 0, err
    exp = Counter(line.split()[0] for line in lines)
    assert parse_counts(read_output(out)) == dict(exp)
    spilled = int(err.split("Spilled Records=")[1].split("\n")[0])
    assert spilled > 2 * 997  # several spills and a merge pass
    combine_in = int(err.split("Combine input records=")[1].split("\n")[0])
    assert combine_in >= 60000


def test_history_is_written(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["a b a"])
    out = tmp_path / "out"
    code, err = run(tmp_path, mr_conf, WORDCOUNT, [src, out])
    assert code == 0
    job_id = err.split("Running job: ")[1].split()[0]
    doc = history.read_job(mr_conf, job_id)
    assert doc["state"] == "SUCCEEDED" and doc["maps"] == 1 and doc["reduces"] == 1
    assert doc["counters"][TASK_GROUP]["MAP_OUTPUT_RECORDS"] == 3
    assert [j["job_id"] for j in history.list_jobs(mr_conf)] == [job_id]
    assert history.job_counters(mr_conf, job_id).find("Map-Reduce Framework", "Map input records") == 1


def test_python_job_py_in_out(tmp_path):
    """``python job.py IN OUT`` as a user runs it."""
    import subprocess
    import sys

    src = write_lines(tmp_path / "in.txt", CORPUS)
    job = job_file(tmp_path, WORDCOUNT)
    out = tmp_path / "out"
    env = dict(os.environ, HOME=str(tmp_path), PYHDP_CONF_DIR=str(tmp_path / "conf"))
    proc = subprocess.run(
        [
            sys.executable,
            str(job),
            f"file://{src}",
            f"file://{out}",
            "-D",
            f"hadoop.tmp.dir={tmp_path}/t",
            "-D",
            f"mapreduce.jobhistory.done-dir={tmp_path}/h",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "INFO mapreduce.Job: Running job: job_local" in proc.stderr
    assert " map 100% reduce 100%" in proc.stderr
    assert parse_counts(read_output(out)) == expected_counts(CORPUS)


def test_unknown_framework_is_refused(tmp_path, mr_conf):
    from pyhdp.mapreduce.api import JobSpec, JobSubmissionError, Step, run_job

    mr_conf.set("mapreduce.framework.name", "classic")
    with pytest.raises(JobSubmissionError, match="Cannot initialize Cluster"):
        run_job(JobSpec([str(tmp_path)], str(tmp_path / "o"), [Step()]), mr_conf, console=False)


def test_reduce_side_merge_passes_with_many_maps(tmp_path, mr_conf):
    lines = [f"w{i % 50} w{(i * 7) % 13}" for i in range(3000)]
    src = write_lines(tmp_path / "in.txt", lines)
    out = tmp_path / "out"
    mr_conf.set("mapreduce.input.fileinputformat.split.maxsize", "300")  # ~80 maps, more than one pass
    mr_conf.set("mapreduce.reduce.memory.mb", "100")  # 70 MiB of shuffle buffer: 17 segments a pass
    code, err = run(tmp_path, mr_conf, WORDCOUNT, [src, out])
    assert code == 0, err
    maps = int(err.split("number of splits:")[1].split("\n")[0])
    assert maps > 60
    assert parse_counts(read_output(out)) == expected_counts(lines)
    reduce_in = int(err.split("Reduce input records=")[1].split("\n")[0])
    spilled = int(err.split("Spilled Records=")[1].split("\n")[0])
    # one spill per map writes each reduce input record once, the reduce reads it once;
    # anything beyond is the intermediate merge passes writing records again
    assert spilled > 2 * reduce_in


def test_block_reducer_counts_groups(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["b", "a", "b", "c", "a", "b"] * 3000)
    out = tmp_path / "out"
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Distinct(Job):
            INPUT_PROTOCOL = "raw_bytes"
            INTERNAL_PROTOCOL = "bytes"
            NUM_REDUCES = 1

            def mapper(self, _, line):
                yield line, None
    """,
        [src, out],
    )
    assert code == 0, err
    assert "Reduce input groups=3\n" in err
    assert "Reduce input records=18000\n" in err
    assert read_output(out) == ["a"] * 6000 + ["b"] * 9000 + ["c"] * 3000


def test_job_state_does_not_leak_between_tasks(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", [f"x{i}" for i in range(400)])
    out = tmp_path / "out"
    mr_conf.set("mapreduce.input.fileinputformat.split.maxsize", "200")
    mr_conf.set("mapreduce.local.map.tasks.maximum", "1")  # one worker runs every map task
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Lines(Job):
            seen = 0

            def mapper(self, _, line):
                self.seen += 1
                return ()

            def mapper_final(self):
                yield "lines", self.seen

            def reducer(self, k, counts):
                counts = list(counts)
                yield k, f"{sum(counts)} {len(counts)}"
    """,
        [src, out],
    )
    assert code == 0, err
    maps = int(err.split("number of splits:")[1].split("\n")[0])
    assert maps > 5
    assert read_output(out) == [f"lines\t400 {maps}"]


def test_unhashable_keys_with_a_combiner(tmp_path, mr_conf):
    src = write_lines(tmp_path / "in.txt", ["a b", "a c", "b"])
    out = tmp_path / "out"
    code, err = run(
        tmp_path,
        mr_conf,
        """
        from pyhdp.mapreduce.job import Job

        class Pairs(Job):
            OUTPUT_PROTOCOL = "json"

            def mapper(self, _, line):
                for w in line.split():
                    yield [w, len(w)], 1  # a list key: not hashable

            def combiner(self, k, counts):
                yield k, sum(counts)

            def reducer(self, k, counts):
                yield k, sum(counts)
    """,
        [src, out],
    )
    assert code == 0, err
    assert read_output(out) == ['["a",1]\t2', '["b",1]\t2', '["c",1]\t1']


def test_batch_hash_equals_hadoops():
    import random

    from pyhdp.mapreduce.sortbuffer import HashPartitioner, hadoop_hash_batch

    rnd = random.Random(5)
    keys = [rnd.randbytes(rnd.randrange(0, 100)) for _ in range(3000)] + [b"", b"\x80" * 300, "é".encode()]
    assert hadoop_hash_batch(keys) == [_java_hash(k) for k in keys]
    same_len = [rnd.randbytes(10) for _ in range(1000)]
    assert hadoop_hash_batch(same_len) == [_java_hash(k) for k in same_len]
    parts = HashPartitioner().partition_batch(keys, 7)
    assert parts == [(_java_hash(k) & 0x7FFFFFFF) % 7 for k in keys]
