"""Permission checks (FSPermissionChecker), quotas and safe mode, with Hadoop's messages."""

from __future__ import annotations

import pytest

from pyhdp.errors import AccessControlError, QuotaExceededError, SafeModeError
from pyhdp.hdfs.namenode.permissions import mode_string, parse_umask


def test_mode_string():
    assert mode_string(0o755) == "rwxr-xr-x"
    assert mode_string(0o1777) == "rwxrwxrwt"
    assert mode_string(0o1770) == "rwxrwx--T"
    assert mode_string(0) == "---------"


def test_parse_umask():
    assert parse_umask("022") == 0o022
    assert parse_umask("0077") == 0o077
    assert parse_umask("u=rwx,g=rx,o=rx") == 0o022
    assert parse_umask("u=rwx,g=,o=") == 0o077


def test_write_denied_in_root(dfs_factory, superuser):
    bob = dfs_factory(user="bob")
    with pytest.raises(AccessControlError) as e:
        bob.mkdirs("/x")
    assert str(e.value) == (
        f'Permission denied: user=bob, access=WRITE, inode="/":{superuser}:supergroup:drwxr-xr-x'
    )
    with pytest.raises(AccessControlError, match=r'access=WRITE, inode="/"'):
        bob.create("/f")


def test_traverse_and_read_denied(dfs_factory, superuser):
    admin = dfs_factory()
    admin.mkdirs("/secret/inner")
    admin.write_bytes("/secret/inner/f", b"s")
    admin.set_permission("/secret", 0o700)
    bob = dfs_factory(user="bob")
    with pytest.raises(AccessControlError) as e:
        bob.get_file_status("/secret/inner/f")
    assert str(e.value) == (
        f'Permission denied: user=bob, access=EXECUTE, inode="/secret":{superuser}:supergroup:drwx------'
    )
    admin.set_permission("/secret", 0o755)
    admin.set_permission("/secret/inner/f", 0o600)
    with pytest.raises(AccessControlError, match=r'access=READ, inode="/secret/inner/f"'):
        bob.open("/secret/inner/f")
    with pytest.raises(AccessControlError, match=r"Permission denied: user=bob, access=READ_EXECUTE"):
        admin.set_permission("/secret/inner", 0o700)
        bob.list_status("/secret/inner")


def test_owner_only_changes(dfs_factory):
    admin = dfs_factory()
    admin.write_bytes("/tmp/a", b"1")
    bob = dfs_factory(user="bob")
    with pytest.raises(
        AccessControlError, match="^Permission denied. user=bob is not the owner of inode=/tmp/a$"
    ):
        bob.set_permission("/tmp/a", 0o777)
    bob.write_bytes("/tmp/b", b"1")
    with pytest.raises(
        AccessControlError, match=r"^User bob is not a super user \(non-super user cannot change owner\).$"
    ):
        bob.set_owner("/tmp/b", "alice", None)
    with pytest.raises(AccessControlError, match="^User bob does not belong to wheelz$"):
        bob.set_owner("/tmp/b", None, "wheelz")
    admin.set_owner("/tmp/b", "carol", "x")  # the superuser may
    assert admin.get_file_status("/tmp/b").owner == "carol"


def test_sticky_bit_on_delete_and_rename(dfs_factory, superuser):
    alice = dfs_factory(user="alice")
    alice.write_bytes("/tmp/alice.txt", b"a")
    bob = dfs_factory(user="bob")
    with pytest.raises(AccessControlError) as e:
        bob.delete("/tmp/alice.txt")
    assert str(e.value) == (
        'Permission denied by sticky bit: user=bob, path="/tmp/alice.txt":alice:supergroup:-rw-r--r--, '
        f'parent="/tmp":{superuser}:supergroup:drwxrwxrwt'
    )
    with pytest.raises(AccessControlError, match="sticky bit"):
        bob.rename("/tmp/alice.txt", "/tmp/mine.txt")
    assert alice.delete("/tmp/alice.txt")


def test_recursive_delete_needs_access_to_subdirs(dfs_factory):
    admin = dfs_factory()
    admin.mkdirs("/pub/locked")
    admin.write_bytes("/pub/locked/f", b"1")
    admin.set_permission("/pub", 0o777)
    admin.set_permission("/pub/locked", 0o755)
    bob = dfs_factory(user="bob")
    with pytest.raises(AccessControlError, match=r'access=ALL, inode="/pub/locked"'):
        bob.delete("/pub/locked", recursive=True)
    assert admin.exists("/pub/locked/f")


def test_permissions_disabled(dfs_factory):
    bob = dfs_factory(user="bob", settings={"dfs.permissions.enabled": "false"})
    assert bob.mkdirs("/anything")


def test_superuser_group_bypasses(dfs_factory, monkeypatch):
    from pyhdp import security

    monkeypatch.setattr(security, "groups_of", lambda user: ("admins",))
    boss = dfs_factory(user="boss", settings={"dfs.permissions.superusergroup": "admins"})
    assert boss.mkdirs("/by-boss")


def test_namespace_quota(dfs):
    dfs.mkdirs("/q")
    dfs.set_quota("/q", 2, 2**63 - 1)
    dfs.write_bytes("/q/one", b"")
    with pytest.raises(QuotaExceededError) as e:
        dfs.write_bytes("/q/two", b"")
    assert str(e.value) == (
        "The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3"
    )
    assert not dfs.exists("/q/two")
    cs = dfs.get_content_summary("/q")
    assert (cs.quota, cs.file_count, cs.directory_count) == (2, 1, 1)
    dfs.set_quota("/q", -1, 2**63 - 1)
    dfs.write_bytes("/q/two", b"")


def test_space_quota_charged_per_block(dfs):
    dfs.mkdirs("/s")
    dfs.set_quota("/s", 2**63 - 1, 1024)
    with pytest.raises(QuotaExceededError) as e:
        dfs.write_bytes("/s/f", b"x" * 10)
    assert str(e.value) == (
        "The DiskSpace quota of /s is exceeded: quota = 1024 B = 1 KB but diskspace consumed = "
        "134217728 B = 128 MB"
    )
    dfs.set_quota("/s", 2**63 - 1, 3 * 1048576)
    with dfs.create("/s/g", block_size=1048576) as out:
        out.write(b"y" * (2 * 1048576))
    with pytest.raises(QuotaExceededError, match="DiskSpace quota of /s"):
        with dfs.create("/s/h", block_size=1048576) as out:
            out.write(b"z" * (2 * 1048576))


def test_quota_on_rename_into(dfs):
    dfs.mkdirs("/limited")
    dfs.set_quota("/limited", 2, 2**63 - 1)
    dfs.mkdirs("/big/a/b")
    with pytest.raises(QuotaExceededError, match="quota=2 file count=4"):
        dfs.rename("/big", "/limited/big")
    assert dfs.exists("/big/a/b")


def test_invalid_quota_values(dfs):
    from pyhdp.errors import HadoopIllegalArgumentError

    dfs.mkdirs("/q")
    with pytest.raises(
        HadoopIllegalArgumentError, match="^Invalid values for quota : 0 and 9223372036854775807$"
    ):
        dfs.set_quota("/q", 0, 2**63 - 1)


def test_quota_needs_superuser(dfs_factory):
    dfs_factory().mkdirs("/q")
    bob = dfs_factory(user="bob")
    with pytest.raises(
        AccessControlError, match="^Access denied for user bob. Superuser privilege is required$"
    ):
        bob.set_quota("/q", 5, 2**63 - 1)


def test_safe_mode_refuses_writes(dfs):
    dfs.write_bytes("/f", b"1")
    assert dfs.set_safe_mode("enter") is True
    with pytest.raises(SafeModeError) as e:
        dfs.mkdirs("/x")
    assert str(e.value).splitlines() == [
        "Cannot create directory /x. Name node is in safe mode.",
        'It was turned on manually. Use "hdfs dfsadmin -safemode leave" to turn safe mode off.',
    ]
    with pytest.raises(SafeModeError, match="^Cannot delete /f. Name node is in safe mode."):
        dfs.delete("/f")
    with pytest.raises(SafeModeError, match="^Cannot set permission for /f."):
        dfs.set_permission("/f", 0o600)
    assert dfs.cat("/f") == b"1"  # reads still work
    assert dfs.set_safe_mode("get") is True
    assert dfs.set_safe_mode("leave") is False
    dfs.mkdirs("/x")


def test_storage_type_quota_enforced_for_disk(dfs):
    dfs.mkdirs("/t")
    dfs.set_quota_by_storage_type("/t", "DISK", 1048576)
    with pytest.raises(QuotaExceededError) as e:
        dfs.write_bytes("/t/f", b"x")
    assert str(e.value) == (
        "Quota by storage type : DISK on path : /t is exceeded. quota = 1 MB but space consumed = 128 MB"
    )
    assert dfs.get_content_summary("/t").type_quotas["DISK"][0] == 1048576
    dfs.set_quota_by_storage_type("/t", "SSD", 1)  # nothing is placed on SSD here
    dfs.set_quota_by_storage_type("/t", "DISK", -1)
    dfs.write_bytes("/t/f", b"x")


def test_undone_operation_keeps_its_blocks(dfs):
    """An operation that removed blocks and then failed is rolled back to its savepoint; the
    replicas of those blocks must not be deleted when the group transaction commits."""
    dfs.write_bytes("/keep", b"precious")
    ns = dfs.namesystem
    assert ns.group_commit_window > 0
    with pytest.raises(RuntimeError):
        with ns.write():
            ns._remove_subtree(ns.resolve("/keep").last)
            raise RuntimeError("undo")
    dfs.mkdirs("/other")  # more work in the same group transaction, then commit
    ns.flush()
    assert dfs.cat("/keep") == b"precious"
