"""CopyMapper and the copy listing as objects: failures, checks, byte-balanced maps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyhdp.conf import Configuration
from pyhdp.fs.base import FileChecksum
from pyhdp.mapreduce.counters import Counters
from pyhdp.mapreduce.tools.copylisting import CopyEntry, assign_maps
from pyhdp.mapreduce.tools.copymapper import CopyError, CopyMapper, verify_copy


class FakeCtx:
    def __init__(self, lines: list[str]):
        self.conf = Configuration()
        self.counters = Counters()
        self.task_attempt_id = "attempt_1_0001_m_000000_0"
        self.lines = lines
        self.emitted: list[str] = []

    def records(self):
        for i, line in enumerate(self.lines):
            yield i, line.encode()

    def emit(self, key, value):
        self.emitted.append(value)

    def report_progress(self, force=False):
        pass


def entry_for(path, length=None) -> CopyEntry:
    import os

    st_ = os.stat(path)
    return CopyEntry(
        f"file:{path}",
        "/" + os.path.basename(path),
        False,
        st_.st_size if length is None else length,
        0,
        0,
        0o644,
        "u",
        "g",
        1,
        1 << 20,
    )


def test_copy_and_counters(tmp_path):
    (tmp_path / "a").write_bytes(b"abc" * 1000)
    ctx = FakeCtx([entry_for(tmp_path / "a").to_line()])
    CopyMapper(f"file:{tmp_path}/out").run_map(ctx)
    assert (tmp_path / "out" / "a").read_bytes() == b"abc" * 1000
    assert ctx.counters.get("DistCp Counters", "Bytes Copied") == 3000
    assert ctx.counters.get("DistCp Counters", "Files Copied") == 1
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a"]  # no temp file left


def test_changed_source_fails_the_task(tmp_path):
    (tmp_path / "a").write_bytes(b"abcdef")
    ctx = FakeCtx([entry_for(tmp_path / "a", length=10).to_line()])  # listed at 10 bytes
    with pytest.raises(CopyError) as ei:
        CopyMapper(f"file:{tmp_path}/out").run_map(ctx)
    msg = str(ei.value)
    assert msg.startswith(f"File copy failed: file:{tmp_path}/a --> file:{tmp_path}/out/a")
    assert "Mismatch in length of source:" in msg and "(10)" in msg and "(6)" in msg
    assert not (tmp_path / "out" / "a").exists()
    assert list((tmp_path / "out").iterdir()) == []


def test_ignore_failures_counts_and_goes_on(tmp_path):
    (tmp_path / "a").write_bytes(b"abcdef")
    (tmp_path / "b").write_bytes(b"ok")
    ctx = FakeCtx([entry_for(tmp_path / "a", length=10).to_line(), entry_for(tmp_path / "b").to_line()])
    CopyMapper(f"file:{tmp_path}/out", ignore_failures=True).run_map(ctx)
    assert ctx.counters.get("DistCp Counters", "Files Failed") == 1
    assert ctx.counters.get("DistCp Counters", "Bytes Failed") == 10
    assert ctx.counters.get("DistCp Counters", "Files Copied") == 1
    assert ctx.emitted[0].startswith(f"FAIL: file:{tmp_path}/a - CopyError: Mismatch in length")
    assert (tmp_path / "out" / "b").read_bytes() == b"ok"


def test_checksum_mismatch_message():
    a = FileChecksum("MD5-of-0MD5-of-512CRC32C", b"\x01" * 16, 28)
    b = FileChecksum("MD5-of-0MD5-of-512CRC32C", b"\x02" * 16, 28)
    with pytest.raises(CopyError, match=r"^Checksum mismatch between s and t\. .*-pb"):
        verify_copy("s", 5, a, "t", 5, b, False)
    verify_copy("s", 5, a, "t", 5, b, True)  # -skipcrccheck
    verify_copy("s", 5, a, "t", 5, FileChecksum("COMPOSITE-CRC32C", b"x", 4), False)  # not comparable
    verify_copy("s", 5, None, "t", 5, None, False)


@given(st.lists(st.integers(0, 10_000), min_size=1, max_size=60), st.integers(1, 25))
def test_assign_maps_balances_and_keeps_everything(sizes, m):
    entries = [
        CopyEntry(f"file:/s/{i}", f"/{i}", False, n, 0, 0, 0o644, "u", "g", 1, 1) for i, n in enumerate(sizes)
    ]
    buckets = assign_maps(entries, m)
    assert len(buckets) == min(m, len(entries))
    assert sorted(e.rel for b in buckets for e in b) == sorted(e.rel for e in entries)
    loads = [sum(e.length + 1 for e in b) for b in buckets]
    assert max(loads) - min(loads) <= max(sizes) + 1
