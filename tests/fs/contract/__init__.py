"""FileSystem conformance suites (Hadoop's FS contract tests, in pytest form).

A backend plugs in by subclassing each suite and providing two fixtures::

    from fs.contract.suites import ALL_SUITES, ContractFixtures

    class LocalFixtures(ContractFixtures):
        @pytest.fixture
        def fs(self, tmp_path): ...          # a FileSystem instance
        @pytest.fixture
        def root(self, fs, tmp_path): ...    # an empty scratch directory (absolute path in fs)

    class TestLocalCreate(LocalFixtures, suites.ContractCreate): pass

Tests consult ``fs.capabilities`` (keys as Hadoop's contract options: ``supports-append``,
``rename-overwrites-dest``, ...) and skip with the reason when a capability is absent.
"""
