"""Hadoop glob syntax (GlobPattern, GlobExpander, Globber) on the pure parts and LocalFileSystem."""

import fnmatch
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pyhdp.conf import Configuration
from pyhdp.fs.glob import GlobPattern, GlobSyntaxError, expand, glob_status, has_wildcard, unescape
from pyhdp.fs.local import LocalFileSystem


@pytest.mark.parametrize(
    "pattern,name,ok",
    [
        ("*", "abc", True),
        ("*", ".hidden", True),
        ("a?c", "abc", True),
        ("a?c", "ac", False),
        ("[a-c]x", "bx", True),
        ("[a-c]x", "dx", False),
        ("[^a]x", "bx", True),
        ("[^a]x", "ax", False),
        ("[!a]x", "ax", False),
        ("{foo,ba*}", "bar", True),
        ("{foo,ba*}", "fo", False),
        ("{a,{b,c}}d", "cd", True),
        ("a\\*", "a*", True),
        ("a\\*", "ab", False),
        ("a.b", "axb", False),
        ("a+b", "a+b", True),
        ("(x)", "(x)", True),
        ("$x^", "$x^", True),
    ],
)
def test_component_matching(pattern, name, ok):
    assert GlobPattern(pattern).matches(name) is ok


@pytest.mark.parametrize(
    "pattern,message",
    [
        ("[a", "Illegal file pattern: error parsing regexp: Unclosed character class at pos 2: `[a`"),
        ("{a,b", "Illegal file pattern: error parsing regexp: Unclosed group at pos 4: `{a,b`"),
        ("a\\", "Illegal file pattern: error parsing regexp: Missing escaped character at pos 2: `a\\`"),
    ],
)
def test_syntax_errors_use_hadoop_wording(pattern, message):
    with pytest.raises(GlobSyntaxError) as e:
        GlobPattern(pattern)
    assert str(e.value) == message


def test_has_wildcard_and_unescape():
    assert has_wildcard("/a/*/b")
    assert has_wildcard("/a/{b,c}")
    assert not has_wildcard("/a/b")
    assert not has_wildcard("/a/\\*")
    assert has_wildcard("/a/{b/c,d}")
    assert has_wildcard("/a/[b")
    assert unescape("a\\*b\\[") == "a*b["


def test_expander_splits_groups_with_slash_only():
    assert expand("/a/{b/c,d}/e") == ["/a/b/c/e", "/a/d/e"]
    assert expand("/a/{b,c}") == ["/a/{b,c}"]


@given(
    st.text(alphabet="abcxyz.-_", min_size=1, max_size=8),
    st.text(alphabet="abcxyz.-_*?", min_size=1, max_size=6),
)
def test_star_and_question_mark_agree_with_fnmatch(name, pattern):
    # Without [ ] { } \ the Hadoop syntax is plain shell globbing on one component.
    expected = re.fullmatch(fnmatch.translate(pattern).replace("(?s:", "(?:"), name) is not None
    assert GlobPattern(pattern).matches(name) is expected


@given(st.text(alphabet="abc-_.", min_size=1, max_size=8))
def test_escaped_literal_matches_only_itself(name):
    escaped = "".join("\\" + c for c in name)
    assert GlobPattern(escaped).matches(name)
    assert not GlobPattern(escaped).matches(name + "x")


@pytest.fixture
def tree(tmp_path):
    for rel in ["d1/f1", "d1/f2", "d2/g1", "d2/sub/h", "x.txt"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(rel)
    return tmp_path


def _names(stats, base):
    return [s.path[len(str(base)) :] for s in stats]


def test_globber_on_local_files(tree):
    fs = LocalFileSystem(Configuration())
    assert _names(glob_status(fs, f"{tree}/d*/*"), tree) == ["/d1/f1", "/d1/f2", "/d2/g1", "/d2/sub"]
    assert _names(glob_status(fs, f"{tree}/{{d1/f1,x.txt}}"), tree) == ["/d1/f1", "/x.txt"]
    assert _names(glob_status(fs, f"{tree}/d[12]/[fg]1"), tree) == ["/d1/f1", "/d2/g1"]
    assert glob_status(fs, f"{tree}/nope*") == []
    assert glob_status(fs, f"{tree}/nope") is None
    assert _names(glob_status(fs, f"{tree}/x.txt"), tree) == ["/x.txt"]
    # a wildcard component below a file matches nothing
    assert glob_status(fs, f"{tree}/x.txt/*") == []
