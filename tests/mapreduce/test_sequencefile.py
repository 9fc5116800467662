"""SequenceFile: round trips, splits, Hadoop-made golden files, and Hadoop reading pyhdp's files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pyhdp.mapreduce.io.sequencefile import (
    DEFAULT_CODEC,
    GZIP_CODEC,
    SequenceFileReader,
    SequenceFileWriter,
    read_sequence_file_as_text,
)
from pyhdp.mapreduce.io.writables import read_vlong, vlong_size, write_vlong

DATA = Path(__file__).parent / "data"
GOLDEN_TEXT_INT = [(f"key-{i}-é", i * i - 5000) for i in range(300)]
TEXT, INT = "org.apache.hadoop.io.Text", "org.apache.hadoop.io.IntWritable"
KINDS = [
    ("NONE", DEFAULT_CODEC),
    ("RECORD", DEFAULT_CODEC),
    ("RECORD", GZIP_CODEC),
    ("BLOCK", DEFAULT_CODEC),
    ("BLOCK", GZIP_CODEC),
]


def write(records, compression="NONE", codec=DEFAULT_CODEC, kc=TEXT, vc=INT, block_size=1_000_000) -> bytes:
    buf = io.BytesIO()
    w = SequenceFileWriter(buf, kc, vc, compression, codec, block_size=block_size)
    for k, v in records:
        w.append(k, v)
    w.close()
    return buf.getvalue()


@pytest.mark.parametrize(
    "value", [0, 1, -1, 127, -112, -113, 128, 255, 256, -129, 2**31 - 1, -(2**31), 2**62, -(2**63)]
)
def test_vlong_round_trip(value):
    data = write_vlong(value)
    assert len(data) == vlong_size(value)
    assert read_vlong(data, 0) == (value, len(data))


@pytest.mark.parametrize("compression,codec", KINDS)
def test_round_trip_and_splits(compression, codec):
    records = [(f"k{i}", i) for i in range(3000)]
    data = write(records, compression, codec, block_size=2000)
    assert list(SequenceFileReader(io.BytesIO(data)).records()) == records
    for size in (97, 1000, 4096):
        got = []
        for start in range(0, len(data), size):
            end = min(start + size, len(data))
            got.extend(SequenceFileReader(io.BytesIO(data), start, end).records())
        assert got == records


@pytest.mark.parametrize(
    "name", ["text_int_none", "text_int_record_deflate", "text_int_block_deflate", "text_int_block_gzip"]
)
def test_reads_files_written_by_hadoop(name):
    with open(DATA / f"{name}.seq", "rb") as f:
        reader = SequenceFileReader(f)
        assert (reader.key_class, reader.value_class) == (TEXT, INT)
        assert list(reader.records()) == GOLDEN_TEXT_INT


def test_reads_long_bytes_written_by_hadoop_and_text_hook():
    with open(DATA / "long_bytes_null.seq", "rb") as f:
        assert list(SequenceFileReader(f).records()) == [
            (i * 1000000007, bytes([i, 255, 0])) for i in range(50)
        ]
    with open(DATA / "long_bytes_null.seq", "rb") as f:
        lines = list(read_sequence_file_as_text(f))
    assert lines[1] == b"1000000007\t01 ff 00\n"


def _hadoop_classpath() -> str | None:
    if not shutil.which("javac") or not shutil.which("java"):
        return None
    try:
        import pyspark
    except ImportError:
        return None
    jars = Path(pyspark.__file__).parent / "jars"
    names = ["hadoop-client-api-3.5.0.jar", "hadoop-client-runtime-3.5.0.jar"]
    extra = [
        p.name
        for p in jars.glob("*.jar")
        if p.name.startswith(("slf4j-api", "log4j-", "commons-logging", "jcl-over-slf4j"))
    ]
    if not all((jars / n).exists() for n in names):
        return None
    return ":".join(str(jars / n) for n in names + extra)


@pytest.fixture(scope="module")
def hadoop_tool(tmp_path_factory):
    """``java ... SeqGolden`` compiled once against pyspark's Hadoop jars."""
    cp = _hadoop_classpath()
    if cp is None:
        pytest.skip("needs java, javac and pyspark's Hadoop jars")
    classes = tmp_path_factory.mktemp("seqgolden")
    subprocess.run(
        ["javac", "-d", str(classes), "-cp", cp, str(DATA / "SeqGolden.java")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return ["java", "-cp", f"{classes}:{cp}", "SeqGolden"]


def test_hadoop_reads_pyhdp_files(tmp_path, hadoop_tool):
    records = [(f"w{i}-ü", i * 7 - 100) for i in range(500)]
    paths = []
    for compression, codec in KINDS:
        path = tmp_path / f"x-{compression}-{codec.rsplit('.', 1)[1]}.seq"
        path.write_bytes(write(records, compression, codec, block_size=3000))
        paths.append(path)
    proc = subprocess.run(
        [*hadoop_tool, "read", *map(str, paths)],
        capture_output=True,
        timeout=120,
        env=dict(os.environ, LC_ALL="C.UTF-8"),
    )
    assert proc.returncode == 0, proc.stderr.decode()
    body = "".join(f"{k}\t{v}\n" for k, v in records)
    assert proc.stdout.decode("utf-8") == "".join(f"== {p}\n{body}" for p in paths)
