"""fsspec's own generic behaviour tests (``fsspec.tests.abstract``: copy, get, put) run against the
``pyhdp`` implementation over an embedded store."""

from __future__ import annotations

import pytest

pytest.importorskip("fsspec")
abstract = pytest.importorskip("fsspec.tests.abstract")


class PyhdpFixtures(abstract.AbstractFixtures):
    @pytest.fixture
    def fs(self, embedded):
        import fsspec

        from pyhdp.fs.fsspec_impl import PyhdpFileSystem

        PyhdpFileSystem.clear_instance_cache()
        return fsspec.filesystem("pyhdp")

    @pytest.fixture
    def fs_path(self):
        return "/abstract"


class TestPyhdpCopy(abstract.AbstractCopyTests, PyhdpFixtures):
    pass


class TestPyhdpGet(abstract.AbstractGetTests, PyhdpFixtures):
    pass


class TestPyhdpPut(abstract.AbstractPutTests, PyhdpFixtures):
    pass
