"""DistCp's option parser as an object."""

from __future__ import annotations

import pytest

from pyhdp.mapreduce.tools.distcp_options import DEFAULT_MAPS, InvalidArguments, parse


def test_defaults_and_flags():
    o = parse(["/a", "/b", "/t"])
    assert (o.sources, o.target, o.max_maps, o.preserve) == (["/a", "/b"], "/t", DEFAULT_MAPS, "")
    o = parse(["-update", "-delete", "-skipcrccheck", "-m", "7", "-pugt", "-i", "-log", "/l", "/a", "/t"])
    assert (o.update, o.delete, o.skip_crc, o.max_maps, o.preserve, o.ignore_failures, o.log_path) == (
        True,
        True,
        True,
        7,
        "ugt",
        True,
        "/l",
    )
    assert parse(["-p", "/a", "/t"]).preserve == "rbugpct"
    assert parse(["-f", "/list", "/t"]).source_file_listing == "/list"
    assert parse(["-strategy", "dynamic", "-atomic", "/a", "/t"]).atomic


@pytest.mark.parametrize(
    "argv,msg",
    [
        (["-m", "x", "/a", "/t"], "Number of maps is invalid: x"),
        (["-strategy", "fast", "/a", "/t"], "Unable to find strategy fast"),
        (["-skipcrccheck", "/a", "/t"], "Skip CRC is valid only with update options"),
        (
            ["-atomic", "-update", "/a", "/t"],
            "Atomic commit can't be used with sync folder or overwrite options",
        ),
        (["-f", "/l", "/a", "/t"], "Both source file listing and source paths present"),
        (["-m"], "Missing argument for option: m"),
    ],
)
def test_errors(argv, msg):
    with pytest.raises(InvalidArguments) as ei:
        parse(argv)
    assert str(ei.value) == msg
