"""The FileSystem contract run against ``file://`` (LocalFileSystem)."""

from __future__ import annotations

import pytest

from fs.contract import suites
from pyhdp.conf import Configuration
from pyhdp.fs.local import LocalFileSystem


class LocalFixtures(suites.ContractFixtures):
    @pytest.fixture
    def fs(self):
        return LocalFileSystem(Configuration())

    @pytest.fixture
    def root(self, fs, tmp_path):
        d = tmp_path / "contract"
        d.mkdir()
        return str(d)


class TestLocalCreate(LocalFixtures, suites.ContractCreate):
    pass


class TestLocalOpen(LocalFixtures, suites.ContractOpen):
    pass


class TestLocalStatus(LocalFixtures, suites.ContractStatus):
    pass


class TestLocalMkdir(LocalFixtures, suites.ContractMkdir):
    pass


class TestLocalRename(LocalFixtures, suites.ContractRename):
    pass


class TestLocalDelete(LocalFixtures, suites.ContractDelete):
    pass


class TestLocalAppend(LocalFixtures, suites.ContractAppend):
    pass


class TestLocalTruncate(LocalFixtures, suites.ContractTruncate):
    pass


class TestLocalConcat(LocalFixtures, suites.ContractConcat):
    pass


class TestLocalAttributes(LocalFixtures, suites.ContractAttributes):
    pass


def test_every_suite_is_plugged_in():
    plugged = {base for cls in globals().values() if isinstance(cls, type) for base in cls.__mro__}
    assert set(suites.ALL_SUITES) <= plugged


def test_root_and_mount_points_are_never_deleted(monkeypatch):
    """``-rm -r /`` on file:// must not touch the machine (deletion primitives are disarmed here)."""
    import os
    import shutil

    def refuse(*_a, **_k):
        raise AssertionError("a deletion primitive was called")

    monkeypatch.setattr(shutil, "rmtree", refuse)
    monkeypatch.setattr(os, "rmdir", refuse)
    monkeypatch.setattr(os, "unlink", refuse)
    fs = LocalFileSystem(Configuration())
    assert fs.delete("/", recursive=True) is False
    assert fs.delete("/proc", recursive=True) is False
