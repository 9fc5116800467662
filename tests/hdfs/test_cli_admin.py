"""The admin commands through the installed ``hdfs`` launcher, each with its real effect."""

from __future__ import annotations

import os
import re


def test_format_prompts_and_flags(cli, pyhdp_home):
    assert cli("hdfs", "dfs", "-mkdir", "/keep").returncode == 0
    r = cli("hdfs", "namenode", "-format", input="N\n")
    name_dir = pyhdp_home.data_dir / "dfs" / "name"
    assert r.returncode == 1
    assert (
        f"Re-format filesystem in Storage Directory root= {name_dir}; location= null ? (Y or N) " in r.stderr
    )
    assert f"Format aborted in Storage Directory root= {name_dir}; location= null" in r.stderr
    r = cli("hdfs", "namenode", "-format", "-nonInteractive")
    assert r.returncode == 1 and "Running in non-interactive mode" in r.stderr
    assert "/keep" in cli("hdfs", "dfs", "-ls", "/").stdout
    r = cli("hdfs", "namenode", "-format", "-force", "-clusterid", "CID-test-1")
    assert r.returncode == 0, r
    assert "Formatting using clusterid: CID-test-1" in r.stderr
    assert "has been successfully formatted" in r.stderr
    assert "clusterID=CID-test-1" in (name_dir / "current" / "VERSION").read_text()
    assert "/keep" not in cli("hdfs", "dfs", "-ls", "/").stdout
    r = cli("hdfs", "namenode", "-format", input="y\n")
    assert r.returncode == 0


def test_dfsadmin_usage_and_help(cli):
    r = cli("hdfs", "dfsadmin")
    assert r.returncode == 255 and r.stderr.startswith("Usage: hdfs dfsadmin\nNote: Administrative commands")
    r = cli("hdfs", "dfsadmin", "-safemode")
    assert r.returncode == 255
    assert r.stderr == "Usage: hdfs dfsadmin [-safemode enter | leave | get | wait | forceExit]\n"
    r = cli("hdfs", "dfsadmin", "-help", "clrQuota")
    assert r.stdout.startswith(
        "-clrQuota <dirname>...<dirname>: Clear the quota for each directory <dirName>."
    )
    r = cli("hdfs", "dfsadmin", "-bogus")
    assert r.returncode == 255 and r.stderr.startswith("bogus: Unknown command\nUsage: hdfs dfsadmin")


def test_set_quota_really_refuses_creates(cli):
    cli("hdfs", "dfs", "-mkdir", "/q")
    r = cli("hdfs", "dfsadmin", "-setQuota", "2", "/q")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    assert cli("hdfs", "dfs", "-touchz", "/q/a").returncode == 0
    r = cli("hdfs", "dfs", "-touchz", "/q/b")
    assert r.returncode == 1
    assert (
        "touchz: The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3"
        in r.stderr
    )
    assert cli("hdfs", "dfsadmin", "-clrQuota", "/q").returncode == 0
    assert cli("hdfs", "dfs", "-touchz", "/q/b").returncode == 0


def test_set_quota_errors(cli):
    cli("hdfs", "dfs", "-mkdir", "/q")
    cli("hdfs", "dfs", "-touchz", "/q/file")
    r = cli("hdfs", "dfsadmin", "-setQuota", "1", "/q/file")
    assert r.returncode == 255 and "setQuota: `/q/file': Is not a directory" in r.stderr
    r = cli("hdfs", "dfsadmin", "-setQuota", "0", "/q")
    assert r.returncode == 255
    assert r.stderr == (
        "setQuota: Invalid values for quota : 0 and 9223372036854775807\n"
        "Usage: hdfs dfsadmin [-setQuota <quota> <dirname>...<dirname>]\n"
    )
    r = cli("hdfs", "dfsadmin", "-setQuota", "3", "/missing")
    assert r.returncode == 255 and "setQuota: `/missing': No such file or directory" in r.stderr
    r = cli("hdfs", "dfsadmin", "-setSpaceQuota", "abc", "/q")
    assert r.returncode == 255 and 'setSpaceQuota: "abc" is not a valid value for a quota.' in r.stderr


def test_space_quota_really_refuses_put(cli, pyhdp_home):
    src = pyhdp_home.home / "data15bytes"
    src.write_bytes(b"123456789012345")
    cli("hdfs", "dfs", "-mkdir", "/sq")
    assert cli("hdfs", "dfsadmin", "-setSpaceQuota", "1k", "/sq").returncode == 0
    r = cli("hdfs", "dfs", "-put", str(src), "/sq/")
    assert r.returncode == 1
    assert (
        "put: The DiskSpace quota of /sq is exceeded: quota = 1024 B = 1 KB but diskspace consumed = "
        "134217728 B = 128 MB"
    ) in r.stderr
    assert cli("hdfs", "dfs", "-ls", "/sq").stdout == ""  # nothing left behind, not even ._COPYING_
    count = cli("hdfs", "dfs", "-count", "-q", "/sq").stdout.split()
    assert count[:4] == ["none", "inf", "1024", "1024"]
    assert cli("hdfs", "dfsadmin", "-clrSpaceQuota", "/sq").returncode == 0
    assert cli("hdfs", "dfs", "-put", str(src), "/sq/").returncode == 0


def test_safe_mode_really_refuses_writes(cli, pyhdp_home):
    assert cli("hdfs", "dfsadmin", "-safemode", "get").stdout == "Safe mode is OFF\n"
    assert cli("hdfs", "dfsadmin", "-safemode", "enter").stdout == "Safe mode is ON\n"
    r = cli("hdfs", "dfs", "-mkdir", "/x")
    assert r.returncode == 1 and "mkdir: Cannot create directory /x. Name node is in safe mode." in r.stderr
    r = cli("hdfs", "dfsadmin", "-report")
    assert r.stdout.startswith("Safe mode is ON\nConfigured Capacity: ")
    import subprocess

    from tests.conftest import BIN

    waiter = subprocess.Popen(
        [str(BIN / "hdfs"), "dfsadmin", "-safemode", "wait"],
        env=pyhdp_home.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert cli("hdfs", "dfsadmin", "-safemode", "leave").stdout == "Safe mode is OFF\n"
    out, _err = waiter.communicate(timeout=60)
    assert (waiter.returncode, out) == (0, "Safe mode is OFF\n")
    assert cli("hdfs", "dfs", "-mkdir", "/x").returncode == 0
    assert cli("hdfs", "dfsadmin", "-safemode", "wait").stdout == "Safe mode is OFF\n"


def test_safemode_needs_superuser(cli):
    r = cli("hdfs", "dfsadmin", "-safemode", "enter", env={"HADOOP_USER_NAME": "bob"})
    assert r.returncode == 255
    assert r.stderr == "safemode: Access denied for user bob. Superuser privilege is required\n"


def test_report_layout(cli):
    cli("hdfs", "dfs", "-touchz", "/f")
    out = cli("hdfs", "dfsadmin", "-report").stdout
    assert re.search(r"^Configured Capacity: \d+ \([\d.]+ [KMGT]?B\)$", out, re.M)
    assert "\n-------------------------------------------------\nLive datanodes (1):\n\n" in out
    assert re.search(r"^Name: 127\.0\.0\.1:9866 \(.+\)$", out, re.M)
    assert "Decommission Status : Normal" in out and "Num of Blocks: 0" in out
    assert "Erasure Coded Block Groups: \n" in out


def test_permission_denied_for_non_superuser(cli):
    from pyhdp.security import login_user

    r = cli("hdfs", "dfs", "-mkdir", "/bobdir", env={"HADOOP_USER_NAME": "bob"})
    assert r.returncode == 1
    assert (
        f'mkdir: Permission denied: user=bob, access=WRITE, inode="/":{login_user()}:supergroup:drwxr-xr-x'
        in r.stderr
    )
    assert cli("hdfs", "dfs", "-mkdir", "/tmp/bobdir", env={"HADOOP_USER_NAME": "bob"}).returncode == 0
    ls = cli("hdfs", "dfs", "-ls", "/tmp").stdout
    assert re.search(r"drwxr-xr-x\s+- bob supergroup\s+0 .* /tmp/bobdir", ls)


def test_blocksize_option_and_fsck_blocks(cli, pyhdp_home):
    src = pyhdp_home.home / "three-mb"
    src.write_bytes(os.urandom(3 * 1048576 + 10))
    r = cli("hdfs", "dfs", "-D", "dfs.blocksize=1m", "-put", str(src), "/b")
    assert r.returncode == 0, r
    r = cli("hdfs", "fsck", "/b", "-files", "-blocks", "-locations")
    assert r.returncode == 0
    assert "/b 3145738 bytes, replicated: replication=1, 4 block(s):  OK\n" in r.stdout
    assert re.search(
        r"^3\. BP-\d+-[\d.]+-\d+:blk_\d+_\d+ len=10 Live_repl=1  \[DatanodeInfoWithStorage\["
        r"127\.0\.0\.1:9866,DS-[0-9a-f-]+,DISK\]\]$",
        r.stdout,
        re.M,
    )
    assert r.stdout.rstrip().endswith("The filesystem under path '/b' is HEALTHY")
    r = cli("hdfs", "dfs", "-D", "dfs.blocksize=1024", "-put", str(src), "/c")
    assert r.returncode == 1
    assert "Specified block size is less than configured minimum value" in r.stderr


def test_checksum_matches_hdfs(cli, pyhdp_home):
    src = pyhdp_home.home / "world"
    src.write_bytes(b"world\n")
    cli("hdfs", "dfs", "-put", str(src), "/w")
    r = cli("hdfs", "dfs", "-checksum", "/w")
    assert (
        r.stdout == "/w\tMD5-of-0MD5-of-512CRC32C\t000002000000000000000000a74dcf6d5ba98e50ae0182c9d5d886fe\n"
    )


def _corrupt_first_block(pyhdp_home, offset: int = 100) -> None:
    blocks = sorted(p for p in (pyhdp_home.data_dir / "dfs" / "data").rglob("blk_*") if p.suffix != ".meta")
    with open(blocks[0], "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ 0x5A]))


def test_corrupt_block_cat_get_and_fsck(cli, pyhdp_home):
    src = pyhdp_home.home / "payload"
    src.write_bytes(os.urandom(4000))
    cli("hdfs", "dfs", "-mkdir", "/data")
    assert cli("hdfs", "dfs", "-put", str(src), "/data/f").returncode == 0
    assert cli("hdfs", "fsck", "/").returncode == 0
    _corrupt_first_block(pyhdp_home)
    r = cli("hdfs", "dfs", "-cat", "/data/f")
    assert r.returncode == 1
    assert re.search(
        r"cat: Checksum error: /data/f:BP-[\d.-]+:blk_1073741825_1001 at 0 exp: -?\d+ got: -?\d+", r.stderr
    ), r.stderr
    local = pyhdp_home.home / "copy"
    r = cli("hdfs", "dfs", "-get", "/data/f", str(local))
    assert r.returncode == 1 and not local.exists()
    assert not list(pyhdp_home.home.glob("copy*"))
    r = cli("hdfs", "fsck", "/")
    assert r.returncode == 1
    assert "/data/f: CORRUPT blockpool BP-" in r.stdout and " block blk_1073741825\n" in r.stdout
    assert "\nStatus: CORRUPT\n" in r.stdout and "  CORRUPT FILES:\t1\n" in r.stdout
    assert r.stdout.rstrip().endswith("The filesystem under path '/' is CORRUPT")
    r = cli("hdfs", "fsck", "/", "-list-corruptfileblocks")
    assert "The list of corrupt files under path '/' are:\nblk_1073741825\t/data/f\n" in r.stdout
    r = cli("hdfs", "fsck", "/data", "-delete")
    assert r.returncode == 1
    assert cli("hdfs", "dfs", "-test", "-e", "/data/f").returncode == 1
    assert cli("hdfs", "fsck", "/").returncode == 0


def test_fsck_finds_corruption_nobody_read_with_verify_and_missing_replicas(cli, pyhdp_home):
    src = pyhdp_home.home / "p"
    src.write_bytes(os.urandom(2000))
    cli("hdfs", "dfs", "-put", str(src), "/v")
    _corrupt_first_block(pyhdp_home, 1500)
    assert cli("hdfs", "fsck", "/v").returncode == 0  # nothing reported yet, as on HDFS
    r = cli("hdfs", "fsck", "/v", "-verify")
    assert r.returncode == 1 and "is CORRUPT" in r.stdout
    cli("hdfs", "dfs", "-put", str(src), "/gone")
    for p in (pyhdp_home.data_dir / "dfs" / "data").rglob("blk_1073741826*"):
        p.unlink()
    r = cli("hdfs", "fsck", "/gone", "-files", "-blocks")
    assert (
        r.returncode == 1 and " MISSING!" in r.stdout and "MISSING 1 blocks of total size 2000 B" in r.stdout
    )


def test_fsck_missing_path_and_bad_option(cli):
    r = cli("hdfs", "fsck", "/nope")
    assert r.returncode == 0 and r.stdout.rstrip().endswith("Path '/nope' does not exist")
    r = cli("hdfs", "fsck", "/", "-bogus")
    assert r.returncode == 255 and "fsck: Illegal option '-bogus'" in r.stderr


def test_fsck_move_saves_readable_blocks_to_lost_found(cli, pyhdp_home):
    src = pyhdp_home.home / "two-blocks"
    payload = os.urandom(1048576 + 3000)
    src.write_bytes(payload)
    assert cli("hdfs", "dfs", "-D", "dfs.blocksize=1m", "-put", str(src), "/m").returncode == 0
    second = sorted(p for p in (pyhdp_home.data_dir / "dfs" / "data").rglob("blk_1073741826") if p.is_file())[
        0
    ]
    with open(second, "r+b") as f:
        f.write(b"\xff\xfe")
    r = cli("hdfs", "fsck", "/m", "-move", "-verify")
    assert r.returncode == 1 and "is CORRUPT" in r.stdout
    saved = cli("hdfs", "dfs", "-cat", "/lost+found/m/0", text=False)
    assert saved.returncode == 0 and saved.stdout == payload[:1048576]
    assert cli("hdfs", "dfs", "-test", "-e", "/m").returncode == 0  # -move alone keeps the file


def test_list_open_files_shows_leases(cli, pyhdp_home):
    import subprocess
    import sys

    code = (
        "import sys,time\nfrom pyhdp.conf import load_configuration\nfrom pyhdp.fs.registry import get_filesystem\n"
        "fs=get_filesystem('/', load_configuration(None))\nout=fs.create('/open/f')\nout.write(b'x')\n"
        "out.hflush()\nprint('ready',flush=True)\nsys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        env=pyhdp_home.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        r = cli("hdfs", "dfsadmin", "-listOpenFiles")
        lines = r.stdout.splitlines()
        assert lines[0] == "Client Host         \tClient Name         \tOpen File Path"
        assert re.match(r"^127\.0\.0\.1 +\tDFSClient_NONMAPREDUCE_\d+_1\t +/open/f$", lines[1])
    finally:
        holder.communicate("", timeout=60)
    assert cli("hdfs", "dfsadmin", "-listOpenFiles").stdout.splitlines()[1:] == []


def test_small_admin_commands_have_their_effect(cli, pyhdp_home):
    first = cli("hdfs", "dfsadmin", "-rollEdits").stdout
    second = cli("hdfs", "dfsadmin", "-rollEdits").stdout
    txids = [int(re.search(r"New segment starts at txid (\d+)", o).group(1)) for o in (first, second)]
    assert txids[1] == txids[0] + 1 and first.startswith("Successfully rolled edit logs.\n")
    r = cli("hdfs", "dfsadmin", "-saveNamespace")
    assert r.returncode == 255
    assert r.stderr == "saveNamespace: Safe mode should be turned ON in order to create namespace image.\n"
    cli("hdfs", "dfsadmin", "-safemode", "enter")
    assert cli("hdfs", "dfsadmin", "-saveNamespace").stdout == "Save namespace successful\n"
    wal = pyhdp_home.data_dir / "dfs" / "name" / "current" / "namespace.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # checkpointed into the image
    cli("hdfs", "dfsadmin", "-safemode", "leave")
    assert (
        cli("hdfs", "dfsadmin", "-restoreFailedStorage", "true").stdout
        == "restoreFailedStorage is set to true\n"
    )
    assert (
        cli("hdfs", "dfsadmin", "-restoreFailedStorage", "check").stdout
        == "restoreFailedStorage is set to true\n"
    )
    r = cli("hdfs", "dfsadmin", "-restoreFailedStorage", "maybe")
    assert (r.returncode, r.stderr) == (255, "restoreFailedStorage valid args are true|false|check\n")
    log_dir = pyhdp_home.home / "logs"
    r = cli("hdfs", "dfsadmin", "-D", f"hadoop.log.dir={log_dir}", "-metasave", "meta.txt")
    assert r.stdout.startswith("Created metasave file meta.txt in the log directory of namenode hdfs://")
    assert "files and directories" in (log_dir / "meta.txt").read_text()
    assert (
        cli("hdfs", "dfsadmin", "-setBalancerBandwidth", "10m").stdout
        == "Balancer bandwidth is set to 10485760\n"
    )
    r = cli("hdfs", "dfsadmin", "-refreshNodes", env={"HADOOP_USER_NAME": "bob"})
    assert r.stderr == "refreshNodes: Access denied for user bob. Superuser privilege is required\n"


def test_store_locked_by_another_writer_gives_one_line(cli, pyhdp_home):
    import subprocess
    import sys

    assert cli("hdfs", "dfs", "-mkdir", "/x").returncode == 0  # formats the store
    name_dir = pyhdp_home.data_dir / "dfs" / "name"
    code = (
        "import sys\nfrom pyhdp.hdfs.namenode.storage import StorageLock\n"
        f"lock = StorageLock({str(name_dir)!r})\nassert lock.try_lock(exclusive=True)\nlock.write_owner()\n"
        "print('locked', flush=True)\nsys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        env=pyhdp_home.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        r = cli("hdfs", "dfs", "-ls", "/")
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr.startswith(
            f"ls: Cannot lock storage {name_dir}. The directory is already locked by {holder.pid}@"
        )
        assert len(r.stderr.splitlines()) == 1 and "Traceback" not in r.stderr
    finally:
        holder.communicate("", timeout=60)
    assert cli("hdfs", "dfs", "-ls", "/").returncode == 0


def test_fsck_block_id(cli, pyhdp_home):
    src = pyhdp_home.home / "p"
    src.write_bytes(b"hello\n")
    cli("hdfs", "dfs", "-put", str(src), "/b1")
    r = cli("hdfs", "fsck", "-blockId", "blk_1073741825")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0].startswith("FSCK started by ") and lines[1] == ""
    assert lines[2:5] == ["Block Id: blk_1073741825", "Block belongs to: /b1", "No. of Expected Replica: 1"]
    assert lines[-1] == "Block replica on datanode/rack: 127.0.0.1/default-rack is HEALTHY"
    r = cli("hdfs", "fsck", "-blockId", "blk_999")
    assert r.stdout.splitlines()[-1] == "Block blk_999 does not exist" and r.returncode == 0
    r = cli("hdfs", "fsck", "-blockId", "BP-1")
    assert r.stdout.splitlines()[-1] == "Incorrect blockId format: BP-1" and r.returncode == 255


def test_closed_pipe_ends_quietly(pyhdp_home, cli):
    import subprocess

    from tests.conftest import BIN

    cli("hdfs", "dfs", "-mkdir", "/p")  # the store exists
    for args in (["dfsadmin", "-help"], ["fsck", "/", "-files"]):
        head = subprocess.run(
            f"{BIN / 'hdfs'} {' '.join(args)} | head -1",
            shell=True,
            env=pyhdp_home.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "Broken pipe" not in head.stderr and "Traceback" not in head.stderr
        assert len(head.stdout.splitlines()) == 1


def test_fsck_counts_open_files_apart(cli, pyhdp_home):
    import subprocess
    import sys

    code = (
        "import sys\nfrom pyhdp.conf import load_configuration\nfrom pyhdp.fs.registry import get_filesystem\n"
        "fs=get_filesystem('/', load_configuration(None))\nout=fs.create('/w')\nout.write(b'x'*600)\n"
        "out.hflush()\nprint('ready',flush=True)\nsys.stdin.read()\n"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code],
        env=pyhdp_home.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        r = cli("hdfs", "fsck", "/")
        assert " Total files:\t0 (Files currently being written: 1)\n" in r.stdout
        assert "(Total open file blocks (not validated): 1)" in r.stdout and r.returncode == 0
        r = cli("hdfs", "fsck", "/", "-openforwrite", "-files")
        assert "/w 0 bytes, replicated: replication=1, 1 block(s), OPENFORWRITE: " in r.stdout
    finally:
        holder.communicate("", timeout=60)
