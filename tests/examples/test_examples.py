"""The examples jar through ``hadoop jar``, each answer checked against a plain-Python computation."""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from pathlib import Path

import pytest

from pyhdp.mapreduce.examples.pi import HaltonSequence, estimate
from pyhdp.mapreduce.examples.tera import generate, records_of

JAR = "/anywhere/share/hadoop/mapreduce/hadoop-mapreduce-examples-3.4.1.jar"
TEXT = "a bb ccc bb\ndddd a\tbb\n\nzz a ccc a\n" * 7


def uri(p: Path) -> str:
    return "file://" + str(p)


def read_parts(out: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(out.glob("part-*")))


@pytest.fixture
def text(mr) -> Path:
    p = mr.dir / "in.txt"
    p.write_text(TEXT)
    return p


def test_listing_and_unknown_program(mr):
    r = mr("hadoop", "jar", JAR)
    assert r.returncode == 255
    lines = r.stdout.splitlines()
    assert lines[:2] == [
        "An example program must be given as the first argument.",
        "Valid program names are:",
    ]
    names = [ln.split(":")[0].strip() for ln in lines[2:]]
    assert names == sorted(names) and {"wordcount", "pi", "terasort", "teravalidate", "grep"} <= set(names)
    assert "  pi: A map/reduce program that estimates Pi using a quasi-Monte Carlo method." in lines
    r = mr("yarn", "jar", JAR, "nosuch")
    assert r.returncode == 255 and r.stdout.startswith(
        "Unknown program 'nosuch' chosen.\nValid program names are:"
    )


def test_wordcount(mr, text):
    out = mr.dir / "wc"
    r = mr("hadoop", "jar", JAR, "wordcount", uri(text), uri(out))
    assert r.returncode == 0, r.stderr
    c = Counter(TEXT.split())
    assert read_parts(out) == b"".join(b"%s\t%d\n" % (w.encode(), c[w]) for w in sorted(c))
    assert [p.name for p in sorted(out.glob("part-*"))] == ["part-r-00000"]
    m = re.search(r"Map output records=(\d+)", r.stderr)
    assert m and int(m.group(1)) == len(TEXT.split())
    m = re.search(r"Map output bytes=(\d+)", r.stderr)
    assert m and int(m.group(1)) == sum(len(w) + 5 for w in TEXT.split())  # Text + IntWritable per token
    m = re.search(r"Combine input records=(\d+)", r.stderr)
    assert m and int(m.group(1)) == len(TEXT.split())
    r = mr("hadoop", "jar", JAR, "wordcount", uri(text))
    assert r.returncode == 2 and "Usage: wordcount <in> [<in>...] <out>" in r.stderr


def test_word_mean_median_stddev(mr, text):
    lengths = [len(w) for w in TEXT.split()]
    r = mr("hadoop", "jar", JAR, "wordmean", uri(text), uri(mr.dir / "mean"))
    assert r.returncode == 0, r.stderr
    assert float(re.search(r"The mean is: (\S+)", r.stdout).group(1)) == pytest.approx(
        sum(lengths) / len(lengths)
    )
    r = mr("hadoop", "jar", JAR, "wordmedian", uri(text), uri(mr.dir / "median"))
    assert r.returncode == 0, r.stderr
    s = sorted(lengths)
    assert float(re.search(r"The median is: (\S+)", r.stdout).group(1)) == s[math.ceil(len(s) / 2) - 1]
    r = mr("hadoop", "jar", JAR, "wordstandarddeviation", uri(text), uri(mr.dir / "sd"))
    assert r.returncode == 0, r.stderr
    mean = sum(lengths) / len(lengths)
    sd = math.sqrt(sum(x * x for x in lengths) / len(lengths) - mean * mean)
    got = float(re.search(r"The standard deviation is: (\S+)", r.stdout).group(1))
    assert got == pytest.approx(sd)


def test_grep(mr, text):
    out = mr.dir / "grep"
    r = mr("hadoop", "jar", JAR, "grep", uri(text), uri(out), "[a-c]+")
    assert r.returncode == 0, r.stderr
    c = Counter(m for line in TEXT.splitlines() for m in re.findall("[a-c]+", line))
    rows = [ln.split(b"\t") for ln in read_parts(out).splitlines()]
    assert sorted((int(n), w.decode()) for n, w in rows) == sorted((n, w) for w, n in c.items())
    counts = [int(n) for n, _ in rows]
    assert counts == sorted(counts, reverse=True)
    assert not list(mr.dir.glob("grep-temp-*"))


def _hadoop_pi(maps: int, samples: int) -> str:
    inside = sum(HaltonSequence(i * samples).count_inside(samples)[0] for i in range(maps))
    return estimate(maps, samples, inside)


def test_pi_values_as_hadoop():
    # values printed by Hadoop's QuasiMonteCarlo for these arguments
    assert _hadoop_pi(2, 10) == "3.80000000000000000000"
    assert _hadoop_pi(10, 100) == "3.14800000000000000000"
    assert _hadoop_pi(16, 1000) == "3.14250000000000000000"


def test_pi_cli(mr):
    r = mr("hadoop", "jar", JAR, "pi", "2", "10")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(
        "Number of Maps  = 2\nSamples per Map = 10\nWrote input for Map #0\n"
        "Wrote input for Map #1\nStarting Job\n"
    )
    assert r.stdout.rstrip().endswith("Estimated value of Pi is 3.80000000000000000000")
    assert not list(mr.dir.glob("QuasiMonteCarlo_*"))
    r = mr("hadoop", "jar", JAR, "pi", "2")
    assert (
        r.returncode == 2
        and "Usage: org.apache.hadoop.examples.QuasiMonteCarlo <nMaps> <nSamples>" in r.stderr
    )


def test_teragen_terasort_teravalidate_round_trip(mr):
    gen, srt, val = mr.dir / "gen", mr.dir / "sorted", mr.dir / "report"
    r = mr("hadoop", "jar", JAR, "teragen", "-D", "mapreduce.job.maps=3", "2500", uri(gen))
    assert r.returncode == 0, r.stderr
    data = read_parts(gen)
    assert data == generate(0, 2500)
    recs = records_of(data)
    assert len(recs) == 2500 and all(len(x) == 100 and x.endswith(b"\r\n") for x in recs)
    r = mr("hadoop", "jar", JAR, "terasort", "-D", "mapreduce.job.reduces=3", uri(gen), uri(srt))
    assert r.returncode == 0, r.stderr
    parts = sorted(srt.glob("part-r-*"))
    assert len(parts) == 3 and all(p.stat().st_size > 0 for p in parts)
    assert read_parts(srt) == b"".join(sorted(recs))
    r = mr("hadoop", "jar", JAR, "teravalidate", uri(srt), uri(val))
    assert r.returncode == 0, r.stderr
    checksum = format(sum(zlib.crc32(x) for x in recs), "x")
    assert read_parts(val) == f"checksum\t{checksum}\n".encode()


def test_teravalidate_reports_misorder(mr):
    bad = mr.dir / "bad"
    bad.mkdir()
    recs = records_of(generate(0, 50))
    (bad / "part-r-00000").write_bytes(b"".join(recs))  # unsorted
    r = mr("hadoop", "jar", JAR, "teravalidate", uri(bad), uri(mr.dir / "rep"))
    assert r.returncode == 0, r.stderr
    report = read_parts(mr.dir / "rep").decode()
    assert "error\tmisorder in part-r-00000 between " in report
    assert report.splitlines()[0].startswith("checksum\t")


def test_aggregatewordcount_and_hist(mr, text):
    r = mr("hadoop", "jar", JAR, "aggregatewordcount", uri(text), uri(mr.dir / "agg"), "2", "textinputformat")
    assert r.returncode == 0, r.stderr
    c = Counter(TEXT.split())
    got = dict(ln.split("\t") for ln in read_parts(mr.dir / "agg").decode().splitlines())
    assert got == {w: str(n) for w, n in c.items()}
    r = mr("hadoop", "jar", JAR, "aggregatewordhist", uri(text), uri(mr.dir / "hist"))
    assert r.returncode == 0, r.stderr
    fields = read_parts(mr.dir / "hist").decode().split("\t")
    counts = sorted(c.values())
    assert fields[:5] == [
        "WORD_HISTOGRAM",
        str(len(counts)),
        str(counts[0]),
        str(counts[len(counts) // 2]),
        str(counts[-1]),
    ]


def test_secondarysort(mr):
    src = mr.dir / "pairs.txt"
    pairs = [(5, 3), (1, 9), (5, 1), (1, 2), (3, 3), (5, 2), (-4, 7)]
    src.write_text("".join(f"{a} {b}\n" for a, b in pairs))
    r = mr("hadoop", "jar", JAR, "secondarysort", uri(src), uri(mr.dir / "ss"))
    assert r.returncode == 0, r.stderr
    expected = []
    for first in sorted({a for a, _ in pairs}):
        expected.append("-" * 48)
        expected.extend(f"{first}\t{b}" for a, b in sorted(pairs) if a == first)
    assert read_parts(mr.dir / "ss").decode().splitlines() == expected


def test_randomwriter_then_sort(mr):
    from pyhdp.mapreduce.io.sequencefile import SequenceFileReader

    rw, so = mr.dir / "rw", mr.dir / "so"
    r = mr(
        "hadoop",
        "jar",
        JAR,
        "randomwriter",
        "-D",
        "mapreduce.randomwriter.totalbytes=60000",
        "-D",
        "mapreduce.randomwriter.bytespermap=30000",
        uri(rw),
    )
    assert r.returncode == 0, r.stderr
    assert "Running 2 maps." in r.stdout

    def records(d: Path):
        out = []
        for p in sorted(d.glob("part-*")):
            with open(p, "rb") as f:
                out.extend(SequenceFileReader(f).records())
        return out

    original = records(rw)
    assert sum(len(k) + len(v) for k, v in original) >= 60000
    r = mr("hadoop", "jar", JAR, "sort", "-r", "2", uri(rw), uri(so))
    assert r.returncode == 0, r.stderr
    assert records(so) == sorted(original) or sorted(records(so)) == sorted(original)
    for p in sorted(so.glob("part-*")):
        with open(p, "rb") as f:
            keys = [k for k, _ in SequenceFileReader(f).records()]
        assert keys == sorted(keys)


def test_randomtextwriter_text_output(mr):
    out = mr.dir / "rt"
    r = mr(
        "hadoop",
        "jar",
        JAR,
        "randomtextwriter",
        "-D",
        "mapreduce.randomtextwriter.totalbytes=20000",
        "-D",
        "mapreduce.randomtextwriter.bytespermap=10000",
        "-outFormat",
        "org.apache.hadoop.mapreduce.lib.output.TextOutputFormat",
        uri(out),
    )
    assert r.returncode == 0, r.stderr
    lines = read_parts(out).decode().splitlines()
    assert lines and all(len(ln.split("\t")) == 2 for ln in lines)
    assert all(5 <= len(ln.split("\t")[0].split()) <= 10 for ln in lines)


def test_output_exists_is_refused(mr, text):
    (mr.dir / "exists").mkdir()
    r = mr("hadoop", "jar", JAR, "wordcount", uri(text), uri(mr.dir / "exists"))
    assert r.returncode == 1
    assert "FileAlreadyExistsException: Output directory" in r.stderr and "already exists" in r.stderr


def test_sort_on_text_lines_total_order(mr):
    src = mr.dir / "tera.txt"
    data = generate(0, 3000)
    src.write_bytes(data)
    out = mr.dir / "sorted"
    r = mr("hadoop", "jar", JAR, "sort", "-r", "3", "-totalOrder", "0.1", "1000", "10", uri(src), uri(out))
    assert r.returncode == 0, r.stderr
    parts = sorted(out.glob("part-r-*"))
    assert len(parts) == 3 and all(p.stat().st_size for p in parts)
    assert read_parts(out) == b"".join(sorted(records_of(data)))


@pytest.mark.parametrize("op", ["inner", "outer", "override"])
def test_join(mr, op):
    left = {"a": ["1", "4"], "b": ["2"], "c": ["3"]}
    right = {"a": ["x"], "c": ["y"], "d": ["z"]}
    (mr.dir / "l.txt").write_text("".join(f"{k}\t{v}\n" for k, vs in left.items() for v in vs))
    (mr.dir / "r.txt").write_text("".join(f"{k}\t{v}\n" for k, vs in right.items() for v in vs))
    out = mr.dir / "joined"
    r = mr(
        "hadoop",
        "jar",
        JAR,
        "join",
        "-joinOp",
        op,
        "-inFormat",
        "KeyValueTextInputFormat",
        "-outFormat",
        "TextOutputFormat",
        uri(mr.dir / "l.txt"),
        uri(mr.dir / "r.txt"),
        uri(out),
    )
    assert r.returncode == 0, r.stderr
    expected = []
    for k in sorted(set(left) | set(right)):
        lv, rv = left.get(k, []), right.get(k, [])
        if op == "override":
            expected += [f"{k}\t{v}" for v in (rv or lv)]
        elif op == "inner" and lv and rv:
            expected += [f"{k}\t[{a},{b}]" for a in lv for b in rv]
        elif op == "outer":
            expected += [f"{k}\t[{a},{b}]" for a in (lv or [""]) for b in (rv or [""])]
    assert sorted(read_parts(out).decode().splitlines()) == sorted(expected)
