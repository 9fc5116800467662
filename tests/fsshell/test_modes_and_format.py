"""chmod modes, -stat formatting and number/size formatting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyhdp.cli.fsshell.commands.stat import format_stat
from pyhdp.cli.fsshell.formatting import TableBuilder, format_percent, long2string, perm_string
from pyhdp.cli.fsshell.modes import ChmodParser
from pyhdp.fs.base import FileStatus


@pytest.mark.parametrize(
    "mode,existing,is_dir,expected",
    [
        ("755", 0o644, False, 0o755),
        ("1777", 0o755, True, 0o1777),
        ("0644", 0o1755, False, 0o644),
        ("644", 0o1755, True, 0o1644),  # no sticky digit: sticky kept
        ("u+x", 0o644, False, 0o744),
        ("go-rx", 0o755, True, 0o700),
        ("a=r", 0o777, False, 0o444),
        ("u+x,g=rw,o-r", 0o644, False, 0o760),
        ("+t", 0o755, True, 0o1755),
        ("-w", 0o644, False, 0o444),
        ("a+X", 0o644, False, 0o644),  # X: not a dir and not executable
        ("a+X", 0o744, False, 0o755),
        ("a+X", 0o644, True, 0o755),
        ("=", 0o755, False, 0o000),
    ],
)
def test_chmod(mode, existing, is_dir, expected):
    assert ChmodParser(mode).apply(existing, is_dir) == expected


@pytest.mark.parametrize("mode", ["999", "r+def", "rdef", "75", "", "u+z", "8644", "u+x;g+w"])
def test_invalid_modes(mode):
    with pytest.raises(ValueError):
        ChmodParser(mode)


@given(st.integers(min_value=0, max_value=0o777), st.integers(min_value=0, max_value=0o1777), st.booleans())
def test_octal_modes_set_exactly(mode, existing, is_dir):
    got = ChmodParser(format(mode, "03o")).apply(existing, is_dir)
    assert got == mode | (existing & 0o1000)


@given(st.integers(min_value=0, max_value=0o777), st.booleans())
def test_symbolic_plus_then_minus_all_clears(existing, is_dir):
    assert ChmodParser("a-rwx").apply(existing, is_dir) == 0
    assert ChmodParser("a+rwx").apply(existing, is_dir) == 0o777


def test_perm_string_and_sticky():
    assert perm_string(0o755) == "rwxr-xr-x"
    assert perm_string(0o1777) == "rwxrwxrwt"
    assert perm_string(0o1776) == "rwxrwxrwT"


@pytest.mark.parametrize(
    "n,text",
    [
        (0, "0"),
        (1023, "1023"),
        (1024, "1 K"),
        (1536, "1.5 K"),
        (128 << 20, "128 M"),
        (1048575, "1.0 M"),
        ((3 << 30) + 1, "3.0 G"),
        (1280, "1.3 K"),
        (-2048, "-2 K"),
    ],
)
def test_long2string(n, text):
    assert long2string(n) == text


def test_percent_uses_half_up():
    assert format_percent(0.125, 0) == "13%"
    assert format_percent(float("nan"), 0) == "NaN%"


def test_table_builder_alignment():
    t = TableBuilder(["Filesystem", "Size"], [False, True])
    t.add_row("file:///", "12")
    assert t.render() == "Filesystem  Size\nfile:///      12\n"
    empty = TableBuilder(["A"], [False])
    assert empty.render() == ""


def _status(**kw):
    base = dict(
        path="/d/f",
        length=1366,
        is_dir=False,
        replication=3,
        block_size=134217728,
        modification_time=1709284560000,
        access_time=1709284500000,
        permission=0o644,
        owner="alice",
        group="supergroup",
    )
    base.update(kw)
    return FileStatus(**base)


def test_stat_specifiers():
    st_ = _status()
    out = format_stat("%a %A %b %F %g %n %o %r %u %x %X %y %Y", st_, "f")
    assert out == (
        "644 rw-r--r-- 1366 regular file supergroup f 134217728 3 alice "
        "2024-03-01 09:15:00 1709284500000 2024-03-01 09:16:00 1709284560000"
    )
    assert format_stat("%F", _status(is_dir=True), "d") == "directory"


def test_stat_unknown_and_trailing_percent():
    st_ = _status()
    assert format_stat("%%|%z|%", st_, "f") == "%|z|"
