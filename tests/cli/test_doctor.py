"""``pyhdp doctor``: finds real problems, says what to fix, exits 1 when something is wrong."""

from __future__ import annotations

import socket


def test_clean_installation(cli):
    r = cli("pyhdp", "doctor")
    assert r.returncode == 0, r
    assert (
        "[ OK ] it does not exist: pyhdp uses its defaults" in r.stdout or "[ OK ] no site files" in r.stdout
    )
    assert "[ OK ] dfs.replication = 1" in r.stdout
    assert r.stdout.rstrip().endswith("No problems found.")


def test_parse_errors_twins_typos_and_deprecations(cli, pyhdp_home):
    bad = pyhdp_home.write_site("core-site.yaml", "a: b\n c: d: e\n")
    pyhdp_home.write_site("yarn-site.yaml", "x: 1\n")
    pyhdp_home.write_site("yarn-site.xml", "<configuration/>")
    pyhdp_home.write_site("hdfs-site.yaml", "dfs.replicaton: 3\ndfs.block.size: 2m\n")
    r = cli("pyhdp", "doctor")
    assert r.returncode == 1
    out = r.stdout
    assert f"[FAIL] {bad}:2: malformed YAML: " in out
    assert (
        f"[FAIL] both {pyhdp_home.conf_dir}/yarn-site.yaml and {pyhdp_home.conf_dir}/yarn-site.xml exist"
        in out
    )
    assert "[WARN] " + f"{pyhdp_home.conf_dir}/hdfs-site.yaml:1: unknown key dfs.replicaton" in out
    assert "fix: did you mean dfs.replication?" in out
    assert f"{pyhdp_home.conf_dir}/hdfs-site.yaml:2: dfs.block.size is deprecated" in out
    assert "fix: use dfs.blocksize instead" in out
    assert "2 problem(s)" in out


def test_store_directory_problems(cli, pyhdp_home, tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    pyhdp_home.write_site("core-site.yaml", f"hadoop.tmp.dir: {not_a_dir}\n")
    r = cli("pyhdp", "doctor", "--no-ports")
    assert r.returncode == 1
    assert f"[FAIL] hadoop.tmp.dir {not_a_dir}: exists but is not a directory" in r.stdout


def test_formatted_store_is_recognised(cli):
    assert cli("hdfs", "dfs", "-ls", "/").returncode == 0  # formats the embedded store on first use
    r = cli("pyhdp", "doctor", "--no-ports")
    assert r.returncode == 0, r
    assert "is formatted (clusterID " in r.stdout


def test_port_checks_loopback_only(cli, pyhdp_home):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    try:
        pyhdp_home.write_site(
            "hdfs-site.yaml",
            f"dfs.namenode.http-address: 127.0.0.1:{port}\ndfs.datanode.http.address: 10.1.2.3:9864\n",
        )
        r = cli("pyhdp", "doctor")
    finally:
        server.close()
    assert (
        f"[ OK ] NameNode web UI / WebHDFS at 127.0.0.1:{port} (dfs.namenode.http-address): accepting"
        in r.stdout
    )
    assert (
        "DataNode HTTP at 10.1.2.3:9864 (dfs.datanode.http.address): not checked, not a loopback address"
        in r.stdout
    )


def test_workers_file(cli, pyhdp_home):
    pyhdp_home.write_site("workers", "# comment\nw1\nw2  # two\n\n")
    r = cli("pyhdp", "doctor", "--no-ports")
    assert f"[ OK ] {pyhdp_home.conf_dir}/workers: 2 host(s): w1, w2" in r.stdout
    pyhdp_home.write_site("workers", "w1 w2\n")
    r = cli("pyhdp", "doctor", "--no-ports")
    assert r.returncode == 1 and "more than one word on a line" in r.stdout


def test_bad_option(cli):
    r = cli("pyhdp", "doctor", "--bogus")
    assert r.returncode == 255 and r.stderr.startswith("doctor: Illegal option --bogus\n")


def _serve_once(reply: bytes):
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def answer():
        for _ in range(4):
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(1024)
                    conn.sendall(reply)
                except OSError:
                    pass

    threading.Thread(target=answer, daemon=True).start()
    return server


def test_real_hadoop_namenode_gets_the_webhdfs_hint(cli, pyhdp_home):
    server = _serve_once(
        b"HTTP/1.1 404 Not Found\r\nContent-type: text/plain\r\n\r\n"
        b"It looks like you are making an HTTP request to a Hadoop IPC port. "
        b"This is not the correct port for the web interface on this daemon.\r\n"
    )
    port = server.getsockname()[1]
    try:
        pyhdp_home.write_site("core-site.yaml", f"fs.defaultFS: hdfs://localhost:{port}\n")
        r = cli("pyhdp", "doctor")
    finally:
        server.close()
    assert r.returncode == 1
    assert f"at localhost:{port} (fs.defaultFS) is a real Hadoop NameNode" in r.stdout
    assert "fix: set fs.defaultFS to webhdfs://localhost:9870" in r.stdout


def test_http_namenode_is_fine(cli, pyhdp_home):
    server = _serve_once(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
    port = server.getsockname()[1]
    try:
        pyhdp_home.write_site("core-site.yaml", f"fs.defaultFS: hdfs://localhost:{port}\n")
        r = cli("pyhdp", "doctor")
    finally:
        server.close()
    assert (
        f"[ OK ] NameNode (client endpoint) at localhost:{port} (fs.defaultFS): a NameNode answering over HTTP"
        in r.stdout
    )
