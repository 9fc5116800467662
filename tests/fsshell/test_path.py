"""Hadoop Path parsing, normalisation and the display strings PathData keeps."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyhdp.fs import path as hpath


@pytest.mark.parametrize(
    "text,scheme,authority,path",
    [
        ("/a/b", None, None, "/a/b"),
        ("a//b/", None, None, "a/b"),
        ("hdfs://nn:9000/x", "hdfs", "nn:9000", "/x"),
        ("hdfs:///x", "hdfs", "", "/x"),
        ("file:/tmp/x", "file", None, "/tmp/x"),
        ("a/./b/../c", None, None, "a/c"),
        ("/..", None, None, "/.."),
        ("../x", None, None, "../x"),
    ],
)
def test_parse(text, scheme, authority, path):
    p = hpath.HPath.parse(text)
    assert (p.scheme, p.authority, p.path) == (scheme, authority, path)


def test_empty_path_is_an_error():
    with pytest.raises(hpath.InvalidPathStringError, match="Can not create a Path from an empty string"):
        hpath.HPath.parse("")


def test_join_resolves_against_working_directory():
    assert hpath.join("/user/bob", "d/f") == "/user/bob/d/f"
    assert hpath.join("/user/bob", "../alice") == "/user/alice"
    assert hpath.join("/user/bob", ".") == "/user/bob"
    assert hpath.join("/user/bob", "/abs") == "/abs"


@pytest.mark.parametrize(
    "cwd,path,is_dir,expected",
    [
        ("/user/bob", "/user/bob", True, "."),
        ("/user/bob", "/user/bob/f", False, "f"),
        ("/user/bob", "/user/bob/d/f", False, "d/f"),
        ("/user/bob", "/user", True, ".."),
        ("/user/bob", "/user/alice/f", False, "../alice/f"),
        ("/user/bob", "/tmp/x", False, "../../tmp/x"),
    ],
)
def test_relativize(cwd, path, is_dir, expected):
    assert hpath.relativize(cwd, path, is_dir) == expected


def test_child_display_keeps_the_user_form():
    assert hpath.child_display(".", "f") == "f"
    assert hpath.child_display("/", "tmp") == "/tmp"
    assert hpath.child_display("hdfs://nn:9000/", "tmp") == "hdfs://nn:9000/tmp"
    assert hpath.child_display("d1", "f") == "d1/f"


_segment = st.text(alphabet="abc", min_size=1, max_size=3)


@given(st.lists(st.one_of(_segment, st.just("."), st.just("..")), min_size=1, max_size=8))
def test_normalize_is_idempotent_and_clean(segments):
    text = "/" + "/".join(segments)
    once = hpath.normalize(text)
    assert hpath.normalize(once) == once
    assert "//" not in once and "/./" not in once + "/"
    assert once == "/" or not once.endswith("/")


@given(st.lists(_segment, min_size=1, max_size=5), st.lists(_segment, min_size=0, max_size=5))
def test_relativize_then_join_roundtrips(cwd_parts, path_parts):
    cwd = "/" + "/".join(cwd_parts)
    path = "/" + "/".join(path_parts) if path_parts else "/"
    rel = hpath.relativize(cwd, path, is_dir=True)
    assert hpath.join(cwd, rel) == path
