"""PathData: display strings kept in the user's form, glob re-relativisation, child names."""

import os

import pytest

from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.conf import Configuration


@pytest.fixture
def local(tmp_path, monkeypatch):
    for rel in ["d1/f1", "d1/f2", "d2/g1"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(rel)
    (tmp_path / "d1" / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "d1")
    conf = Configuration()
    conf.set("fs.defaultFS", "file:///")
    return tmp_path, conf


def displays(items):
    return [str(i) for i in items]


def test_relative_globs_are_relativised_to_the_working_directory(local):
    root, conf = local
    assert displays(PathData.expand_as_glob("f*", conf)) == ["f1", "f2"]
    assert displays(PathData.expand_as_glob("../d*", conf)) == [".", "../d2"]
    assert displays(PathData.expand_as_glob("../d2/*", conf)) == ["../d2/g1"]


def test_absolute_and_scheme_patterns(local):
    root, conf = local
    assert displays(PathData.expand_as_glob(f"{root}/d*", conf)) == [f"{root}/d1", f"{root}/d2"]
    assert displays(PathData.expand_as_glob(f"file:{root}/d2/*", conf)) == [f"file://{root}/d2/g1"]
    assert displays(PathData.expand_as_glob(f"file://{root}/d2/*", conf)) == [f"file://{root}/d2/g1"]


def test_literal_paths_keep_status_and_missing_ones_keep_the_typed_text(local):
    root, conf = local
    [item] = PathData.expand_as_glob("f1", conf)
    assert str(item) == "f1" and item.exists and item.is_file
    [missing] = PathData.expand_as_glob("no\\*pe/", conf)
    assert str(missing) == "no*pe/" and not missing.exists
    assert PathData.expand_as_glob("zz*", conf) == []


def test_children_display_and_status_from_one_listing(local):
    root, conf = local
    [dot] = PathData.expand_as_glob(".", conf)
    assert str(dot) == "."
    kids = dot.children()
    assert displays(kids) == ["f1", "f2", "sub"]
    assert [k.is_dir for k in kids] == [False, False, True]
    [d] = PathData.expand_as_glob(f"{root}/d1/", conf)
    assert displays(d.children())[0] == f"{root}/d1/f1"
    assert d.child("x").path == os.path.join(str(root), "d1", "x")
