"""CommandFormat: Hadoop's option parser."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.errors import UsageError


def test_flags_are_removed_and_recorded():
    cf = CommandFormat(1, None, "R", "h")
    args = ["-R", "-h", "/a", "/b"]
    assert cf.parse(args) == ["/a", "/b"]
    assert cf.get_opt("R") and cf.get_opt("h") and not cf.get_opt("x")


def test_options_stop_at_first_argument():
    cf = CommandFormat(0, None, "R")
    args = ["/x", "-R"]
    cf.parse(args)
    assert args == ["/x", "-R"]
    assert not cf.get_opt("R")


def test_dash_is_an_argument_and_double_dash_ends_options():
    cf = CommandFormat(0, None, "f")
    assert cf.parse(["-", "-f"]) == ["-", "-f"]
    cf = CommandFormat(0, None, "f")
    assert cf.parse(["--", "-f"]) == ["-f"]
    assert not cf.get_opt("f")


def test_illegal_option_message():
    with pytest.raises(UsageError, match=r"^Illegal option -x$"):
        CommandFormat(0, None, "R").parse(["-x"])


def test_whole_word_options_are_not_combined():
    with pytest.raises(UsageError, match="Illegal option -lR"):
        CommandFormat(0, None, "l", "R").parse(["-lR"])


def test_argument_counts():
    with pytest.raises(UsageError, match=r"^Not enough arguments: expected 1 but got 0$"):
        CommandFormat(1, None).parse([])
    with pytest.raises(UsageError, match=r"^Too many arguments: expected 1 but got 2$"):
        CommandFormat(1, 1).parse(["a", "b"])


def test_option_with_value():
    cf = CommandFormat(1, None, "f")
    cf.add_option_with_value("t")
    assert cf.parse(["-t", "4", "src", "dst"]) == ["src", "dst"]
    assert cf.get_opt_value("t") == "4"


def test_option_value_not_taken_when_it_would_leave_too_few_arguments():
    cf = CommandFormat(1, None)
    cf.add_option_with_value("t")
    assert cf.parse(["-t", "only"]) == ["only"]
    assert cf.get_opt_value("t") == ""


def test_ignore_unknown_keeps_the_option_as_argument():
    cf = CommandFormat(2, None, "R", ignore_unknown=True)
    assert cf.parse(["-R", "-w", "f"]) == ["-w", "f"]
    assert cf.get_opt("R")


@given(st.lists(st.text(alphabet="abc/.", min_size=1), max_size=6))
def test_plain_arguments_pass_through_unchanged(args):
    cf = CommandFormat(0, None, "R")
    assert cf.parse(list(args)) == args
