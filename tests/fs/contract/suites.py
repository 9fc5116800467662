"""The contract suites; see the package docstring for how a backend plugs in."""

from __future__ import annotations

import pytest

from pyhdp.fs.base import FileSystem


def join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])


class ContractFixtures:
    """Override ``fs`` and ``root`` in the backend's subclass."""

    @pytest.fixture
    def fs(self) -> FileSystem:  # pragma: no cover - always overridden
        raise NotImplementedError

    @pytest.fixture
    def root(self, fs) -> str:  # pragma: no cover - always overridden
        raise NotImplementedError

    @staticmethod
    def require(fs: FileSystem, capability: str) -> None:
        if not fs.capabilities.get(capability, False):
            pytest.skip(f"{type(fs).__name__} does not declare {capability}")

    @staticmethod
    def write(fs: FileSystem, path: str, data: bytes, overwrite: bool = False) -> None:
        with fs.create(path, overwrite=overwrite) as f:
            f.write(data)

    @staticmethod
    def read(fs: FileSystem, path: str) -> bytes:
        with fs.open(path) as f:
            return f.read()


class ContractCreate(ContractFixtures):
    def test_create_then_read_back(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"hello world")
        assert self.read(fs, p) == b"hello world"
        st = fs.get_file_status(p)
        assert st.length == 11 and not st.is_dir and st.is_file and st.path == p

    def test_create_empty_file(self, fs, root):
        p = join(root, "empty")
        fs.create(p).close()
        assert fs.get_file_status(p).length == 0
        assert self.read(fs, p) == b""

    def test_create_existing_without_overwrite_fails(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"1")
        with pytest.raises(FileExistsError):
            fs.create(p, overwrite=False)
        assert self.read(fs, p) == b"1"

    def test_overwrite_replaces_content(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"long content")
        self.write(fs, p, b"x", overwrite=True)
        assert self.read(fs, p) == b"x"

    def test_create_over_directory_fails(self, fs, root):
        d = join(root, "d")
        fs.mkdirs(d)
        with pytest.raises((IsADirectoryError, FileExistsError)):
            fs.create(d, overwrite=True)
        assert fs.get_file_status(d).is_dir

    def test_create_makes_missing_parents(self, fs, root):
        p = join(root, "a", "b", "f")
        self.write(fs, p, b"x")
        assert fs.get_file_status(join(root, "a", "b")).is_dir

    def test_create_under_a_file_fails(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"x")
        with pytest.raises((NotADirectoryError, FileExistsError, FileNotFoundError)):
            fs.create(join(p, "child"))

    def test_binary_data_roundtrip(self, fs, root):
        data = bytes(range(256)) * 1000
        p = join(root, "bin")
        self.write(fs, p, data)
        assert self.read(fs, p) == data


class ContractOpen(ContractFixtures):
    def test_open_missing_file(self, fs, root):
        with pytest.raises(FileNotFoundError):
            fs.open(join(root, "missing"))

    def test_open_directory(self, fs, root):
        with pytest.raises((IsADirectoryError, FileNotFoundError)):
            fs.open(root).read()

    def test_seek_and_partial_reads(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"0123456789")
        with fs.open(p) as f:
            f.seek(4)
            assert f.read(3) == b"456"
            f.seek(0)
            assert f.read() == b"0123456789"


class ContractStatus(ContractFixtures):
    def test_missing_path(self, fs, root):
        with pytest.raises(FileNotFoundError):
            fs.get_file_status(join(root, "nope"))
        assert not fs.exists(join(root, "nope"))

    def test_list_status_is_sorted_and_complete(self, fs, root):
        for name in ["b", "a", "c"]:
            self.write(fs, join(root, name), name.encode())
        fs.mkdirs(join(root, "d"))
        listing = fs.list_status(root)
        assert [s.path for s in listing] == [join(root, n) for n in ["a", "b", "c", "d"]]
        assert [s.is_dir for s in listing] == [False, False, False, True]

    def test_list_status_of_a_file_is_the_file(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"x")
        assert [s.path for s in fs.list_status(p)] == [p]

    def test_list_missing_directory(self, fs, root):
        with pytest.raises(FileNotFoundError):
            fs.list_status(join(root, "nope"))

    def test_content_summary(self, fs, root):
        self.write(fs, join(root, "f1"), b"abc")
        self.write(fs, join(root, "d", "f2"), b"defg")
        cs = fs.get_content_summary(root)
        assert (cs.length, cs.file_count, cs.directory_count) == (7, 2, 2)


class ContractMkdir(ContractFixtures):
    def test_mkdirs_creates_parents_and_is_idempotent(self, fs, root):
        d = join(root, "a", "b", "c")
        assert fs.mkdirs(d)
        assert fs.get_file_status(d).is_dir
        assert fs.mkdirs(d)

    def test_mkdirs_over_file_fails(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"x")
        with pytest.raises((FileExistsError, NotADirectoryError)):
            fs.mkdirs(p)
        with pytest.raises((FileExistsError, NotADirectoryError)):
            fs.mkdirs(join(p, "sub"))

    def test_mkdirs_applies_umask(self, fs, root):
        self.require(fs, "supports-permissions")
        d = join(root, "perm")
        fs.mkdirs(d)
        assert fs.get_file_status(d).permission & 0o777 == 0o755


class ContractRename(ContractFixtures):
    def test_rename_file(self, fs, root):
        src, dst = join(root, "a"), join(root, "b")
        self.write(fs, src, b"x")
        assert fs.rename(src, dst)
        assert not fs.exists(src)
        assert self.read(fs, dst) == b"x"

    def test_rename_into_existing_directory(self, fs, root):
        src, d = join(root, "a"), join(root, "d")
        self.write(fs, src, b"x")
        fs.mkdirs(d)
        assert fs.rename(src, d)
        assert self.read(fs, join(d, "a")) == b"x"

    def test_rename_missing_source(self, fs, root):
        try:
            assert fs.rename(join(root, "missing"), join(root, "b")) is False
        except FileNotFoundError:
            pass
        assert not fs.exists(join(root, "b"))

    def test_rename_onto_existing_file(self, fs, root):
        src, dst = join(root, "a"), join(root, "b")
        self.write(fs, src, b"new")
        self.write(fs, dst, b"old")
        try:
            result = fs.rename(src, dst)
        except FileExistsError:
            result = False
        if fs.capabilities.get("rename-overwrites-dest"):
            assert result and self.read(fs, dst) == b"new"
        else:
            assert not result and self.read(fs, dst) == b"old" and fs.exists(src)

    def test_rename_directory_into_itself_refused(self, fs, root):
        d = join(root, "d")
        fs.mkdirs(join(d, "sub"))
        try:
            assert not fs.rename(d, join(d, "sub"))
        except OSError:
            pass
        assert fs.get_file_status(join(d, "sub")).is_dir

    def test_rename_directory_moves_subtree(self, fs, root):
        self.write(fs, join(root, "d", "x", "f"), b"1")
        assert fs.rename(join(root, "d"), join(root, "e"))
        assert self.read(fs, join(root, "e", "x", "f")) == b"1"
        assert not fs.exists(join(root, "d"))


class ContractDelete(ContractFixtures):
    def test_delete_file(self, fs, root):
        p = join(root, "f")
        self.write(fs, p, b"x")
        assert fs.delete(p)
        assert not fs.exists(p)

    def test_delete_missing_returns_false(self, fs, root):
        assert fs.delete(join(root, "missing")) is False

    def test_delete_non_empty_dir_needs_recursive(self, fs, root):
        self.write(fs, join(root, "d", "f"), b"x")
        with pytest.raises(OSError):
            fs.delete(join(root, "d"), recursive=False)
        assert fs.exists(join(root, "d", "f"))
        assert fs.delete(join(root, "d"), recursive=True)
        assert not fs.exists(join(root, "d"))

    def test_delete_empty_dir(self, fs, root):
        fs.mkdirs(join(root, "e"))
        assert fs.delete(join(root, "e"), recursive=False)


class ContractAppend(ContractFixtures):
    def test_append(self, fs, root):
        self.require(fs, "supports-append")
        p = join(root, "f")
        self.write(fs, p, b"abc")
        with fs.append(p) as f:
            f.write(b"def")
        assert self.read(fs, p) == b"abcdef"

    def test_append_missing(self, fs, root):
        self.require(fs, "supports-append")
        with pytest.raises(FileNotFoundError):
            fs.append(join(root, "missing"))


class ContractTruncate(ContractFixtures):
    def test_truncate(self, fs, root):
        self.require(fs, "supports-truncate")
        p = join(root, "f")
        self.write(fs, p, b"0123456789")
        fs.truncate(p, 4)
        assert self.read(fs, p) == b"0123"


class ContractConcat(ContractFixtures):
    def test_concat(self, fs, root):
        self.require(fs, "supports-concat")
        t, a, b = join(root, "t"), join(root, "a"), join(root, "b")
        self.write(fs, t, b"1")
        self.write(fs, a, b"2")
        self.write(fs, b, b"3")
        fs.concat(t, [a, b])
        assert self.read(fs, t) == b"123"
        assert not fs.exists(a) and not fs.exists(b)


class ContractAttributes(ContractFixtures):
    def test_set_times(self, fs, root):
        self.require(fs, "supports-set-times")
        p = join(root, "f")
        self.write(fs, p, b"x")
        fs.set_times(p, 1_600_000_000_000, 1_500_000_000_000)
        st = fs.get_file_status(p)
        assert st.modification_time == 1_600_000_000_000
        assert st.access_time == 1_500_000_000_000
        fs.set_times(p, -1, 1_400_000_000_000)
        st = fs.get_file_status(p)
        assert st.modification_time == 1_600_000_000_000
        assert st.access_time == 1_400_000_000_000

    def test_set_permission_and_sticky_bit(self, fs, root):
        self.require(fs, "supports-permissions")
        p = join(root, "f")
        self.write(fs, p, b"x")
        fs.set_permission(p, 0o600)
        assert fs.get_file_status(p).permission & 0o7777 == 0o600
        if fs.capabilities.get("supports-sticky-bit"):
            fs.mkdirs(join(root, "d"))
            fs.set_permission(join(root, "d"), 0o1777)
            assert fs.get_file_status(join(root, "d")).permission == 0o1777

    def test_new_file_mode_applies_umask(self, fs, root):
        self.require(fs, "supports-permissions")
        p = join(root, "f")
        self.write(fs, p, b"x")
        assert fs.get_file_status(p).permission & 0o777 == 0o644

    def test_set_owner(self, fs, root):
        self.require(fs, "supports-set-owner")
        p = join(root, "f")
        self.write(fs, p, b"x")
        st = fs.get_file_status(p)
        fs.set_owner(p, st.owner, st.group)
        assert fs.get_file_status(p).owner == st.owner

    def test_set_permission_missing(self, fs, root):
        with pytest.raises(FileNotFoundError):
            fs.set_permission(join(root, "missing"), 0o644)


ALL_SUITES = (
    ContractCreate,
    ContractOpen,
    ContractStatus,
    ContractMkdir,
    ContractRename,
    ContractDelete,
    ContractAppend,
    ContractTruncate,
    ContractConcat,
    ContractAttributes,
)
