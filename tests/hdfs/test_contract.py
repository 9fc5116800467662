"""The generic FileSystem contract (tests/fs/contract) run against the embedded hdfs:// store."""

from __future__ import annotations

import itertools

import pytest

from fs.contract import suites

_n = itertools.count()


class DfsFixtures(suites.ContractFixtures):
    @pytest.fixture
    def fs(self, dfs):
        return dfs

    @pytest.fixture
    def root(self, fs):
        d = f"/contract{next(_n)}"
        fs.mkdirs(d)
        return d


class TestDfsCreate(DfsFixtures, suites.ContractCreate):
    pass


class TestDfsOpen(DfsFixtures, suites.ContractOpen):
    pass


class TestDfsStatus(DfsFixtures, suites.ContractStatus):
    pass


class TestDfsMkdir(DfsFixtures, suites.ContractMkdir):
    pass


class TestDfsRename(DfsFixtures, suites.ContractRename):
    pass


class TestDfsDelete(DfsFixtures, suites.ContractDelete):
    pass


class TestDfsAppend(DfsFixtures, suites.ContractAppend):
    pass


class TestDfsTruncate(DfsFixtures, suites.ContractTruncate):
    pass


class TestDfsConcat(DfsFixtures, suites.ContractConcat):
    pass


class TestDfsAttributes(DfsFixtures, suites.ContractAttributes):
    pass


def test_every_suite_is_plugged_in():
    plugged = {base for cls in globals().values() if isinstance(cls, type) for base in cls.__mro__}
    assert set(suites.ALL_SUITES) <= plugged
