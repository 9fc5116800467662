"""Property tests on path names: any valid HDFS name round-trips through create, list, status,
rename and delete; invalid names are refused with Hadoop's message."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyhdp.errors import InvalidPathError
from pyhdp.hdfs.namenode.namespace import is_valid_name

_counter = itertools.count()

component = st.text(
    alphabet=st.characters(blacklist_characters="/:\x00", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
).filter(lambda s: s not in (".", "..") and len(s.encode()) <= 255)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(component, min_size=1, max_size=4, unique=True), leaf=component)
def test_names_round_trip(dfs, names, leaf):
    base = f"/t{next(_counter)}"
    d = base + "/" + "/".join(names)
    assert dfs.mkdirs(d)
    f = d + "/" + leaf
    dfs.write_bytes(f, leaf.encode())
    st_ = dfs.get_file_status(f)
    assert st_.path == f and st_.name == leaf and st_.length == len(leaf.encode())
    assert [s.name for s in dfs.list_status(d)] == [leaf]
    assert dfs.cat(f) == leaf.encode()
    moved = base + "/moved-" + str(len(leaf))
    assert dfs.rename(f, moved)
    assert dfs.cat(moved) == leaf.encode() and not dfs.exists(f)
    assert dfs.delete(base, recursive=True) and not dfs.exists(base)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(component, min_size=2, max_size=12, unique=True))
def test_listing_sorted_by_utf8_bytes(dfs, names):
    base = f"/s{next(_counter)}"
    dfs.mkdirs(base)
    for n in names:
        dfs.write_bytes(f"{base}/{n}", b"")
    assert [s.name for s in dfs.list_status(base)] == sorted(names, key=lambda n: n.encode())


@pytest.mark.parametrize("bad", ["/a:b", "/x/./y", "/x/../y", "/a//b/c/..", "/c:"])
def test_invalid_names_refused(dfs, bad):
    assert not is_valid_name(bad) or ".." in bad
    with pytest.raises(InvalidPathError, match=f"^Pathname {bad} from {bad} is not a valid DFS filename.$"):
        dfs.mkdirs(bad)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["a", "", ".", "..", "b:c", "d"]), max_size=5))
def test_is_valid_name_matches_dfsutil(parts):
    path = "/" + "/".join(parts)
    segs = path.split("/")
    expected = all(p not in (".", "..") and ":" not in p for p in segs) and all(
        p or i in (0, len(segs) - 1) for i, p in enumerate(segs)
    )
    assert is_valid_name(path) == expected
