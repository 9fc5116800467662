"""``mapred job`` after real runs, and ``hadoop jar`` / ``yarn jar`` dispatch."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest
from tests.conftest import BIN

EXAMPLES = "/x/hadoop-mapreduce-examples-3.4.1.jar"


def uri(p: Path) -> str:
    return "file://" + str(p)


@pytest.fixture
def finished_job(mr):
    src = mr.dir / "in.txt"
    src.write_text("a b c\na b\na\n")
    r = mr("hadoop", "jar", EXAMPLES, "wordcount", uri(src), uri(mr.dir / "out"))
    assert r.returncode == 0, r.stderr
    job_id = re.search(r"Running job: (job_local\d+_\d{4})", r.stderr).group(1)
    return job_id, r


def test_list_status_counter(mr, finished_job):
    job_id, run = finished_job
    r = mr("mapred", "job", "-list", "all")
    assert r.returncode == 0
    lines = r.stdout.splitlines()
    assert lines[0] == "Total jobs:1"
    assert lines[1].split("\t")[0].strip() == "JobId" and "AM info" in lines[1]
    row = [c.strip() for c in lines[2].split("\t")]
    assert row[0] == job_id and row[1] == "word count" and row[2] == "SUCCEEDED"
    r = mr("mapred", "job", "-list")
    assert r.stdout.splitlines()[0] == "Total jobs:0"

    r = mr("mapred", "job", "-status", job_id)
    assert r.returncode == 0
    out = r.stdout.splitlines()
    assert out[0] == "" and out[1] == f"Job: {job_id}"
    assert "Number of maps: 1" in out and "Number of reduces: 1" in out
    assert "map() completion: 1.0" in out and "Job state: SUCCEEDED" in out
    assert re.search(r"^Counters: \d+$", r.stdout, re.M)
    assert "\t\tMap input records=3" in r.stdout

    r = mr(
        "mapred", "job", "-counter", job_id, "org.apache.hadoop.mapreduce.TaskCounter", "MAP_OUTPUT_RECORDS"
    )
    assert r.returncode == 0 and r.stdout == "6\n"
    r = mr("mapred", "job", "-counter", job_id, "Map-Reduce Framework", "Reduce output records")
    assert r.stdout == "3\n"
    r = mr("mapred", "job", "-counter", job_id, "NoSuchGroup", "X")
    assert r.stdout == "0\n"


def test_history_events_attempts(mr, finished_job):
    job_id, _ = finished_job
    r = mr("mapred", "job", "-history", job_id)
    assert r.returncode == 0
    assert r.stdout.startswith(f"Hadoop job: {job_id}\n=====================================\n")
    assert "JobName: word count" in r.stdout and "Status: SUCCEEDED" in r.stdout
    assert re.search(r"^Map\t1\t1\t0\t0\t", r.stdout, re.M)
    assert re.search(r"^Reduce\t1\t1\t0\t0\t", r.stdout, re.M)
    assert "|Map-Reduce Framework          |Map input records" in r.stdout
    r = mr("mapred", "job", "-history", job_id, "-format", "json", "-outfile", str(mr.dir / "h.json"))
    assert r.returncode == 0 and '"job_id"' in (mr.dir / "h.json").read_text()
    r = mr("mapred", "job", "-events", job_id, "0", "10")
    assert r.stdout.splitlines()[:2] == [
        f"Task completion events for {job_id}",
        "Number of events (from 0) are: 2",
    ]
    assert r.stdout.splitlines()[2].startswith(f"SUCCEEDED attempt_{job_id[4:]}_m_000000_0 ")
    r = mr("mapred", "job", "-list-attempt-ids", job_id, "REDUCE", "completed")
    assert r.stdout == f"attempt_{job_id[4:]}_r_000000_0\n"
    r = mr("mapred", "job", "-kill", job_id)
    assert r.returncode == 255
    assert r.stdout == f"Could not kill the job {job_id}, as it has already succeeded.\n"


def test_unknown_job_and_usage(mr):
    r = mr("mapred", "job", "-status", "job_local1_0042")
    assert r.returncode == 255 and r.stdout == "Could not find job job_local1_0042\n"
    r = mr("mapred", "job", "-status", "nonsense")
    assert r.returncode == 255 and "JobId string : nonsense is not properly formed" in r.stderr
    r = mr("mapred", "job")
    assert r.returncode == 255
    assert r.stderr.startswith("Usage: job <command> <args>\n\t[-submit <job-file>]\n\t[-status <job-id>]\n")
    r = mr("mapred", "job", "-counter", "job_local1_0001")
    assert r.returncode == 255 and r.stderr == "Usage: job [-counter <job-id> <group-name> <counter-name>]\n"


def test_kill_running_job(mr, pyhdp_home):
    src = mr.dir / "in.txt"
    src.write_text("x\n")
    proc = subprocess.Popen(
        [
            str(BIN / "mapred"),
            "streaming",
            "-input",
            uri(src),
            "-output",
            uri(mr.dir / "o"),
            "-mapper",
            "sleep 60",
            "-reducer",
            "NONE",
        ],
        cwd=mr.dir,
        env=pyhdp_home.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        job_id = None
        deadline = time.time() + 30
        while time.time() < deadline and job_id is None:
            r = mr("mapred", "job", "-list")
            rows = r.stdout.splitlines()[2:]
            if rows:
                job_id = rows[0].split("\t")[0].strip()
            else:
                time.sleep(0.3)
        assert job_id, "the job never showed up as running"
        r = mr("mapred", "job", "-kill", job_id)
        assert r.returncode == 0 and r.stdout == f"Killed job {job_id}\n"
        proc.wait(timeout=30)
        assert proc.returncode != 0
        assert not (mr.dir / "o" / "_SUCCESS").exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_jar_dispatch(mr, tmp_path):
    r = mr("hadoop", "jar", str(tmp_path / "missing.jar"))
    assert r.returncode == 255
    assert r.stderr == f"JAR does not exist or is not a normal file: {tmp_path / 'missing.jar'}\n"
    import zipfile

    jar = tmp_path / "app.jar"
    with zipfile.ZipFile(jar, "w") as z:
        z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: com.example.App\n")
    r = mr("hadoop", "jar", str(jar))
    assert r.returncode == 1
    assert "com.example.App" in r.stderr and "pyhdp runs Python jobs" in r.stderr
    bad = tmp_path / "bad_job.py"
    bad.write_text("x = 1\nimport no_such_module_here\n")
    r = mr("yarn", "jar", str(bad), "a", "b")
    assert r.returncode != 0
    assert "bad_job.py" in r.stderr and "no_such_module_here" in r.stderr and "Traceback" not in r.stderr


def test_yarn_jar_python_job(mr):
    job = mr.dir / "wc_job.py"
    job.write_text(
        "from pyhdp.mapreduce.job import Job\n\n"
        "class WC(Job):\n"
        "    def mapper(self, _, line):\n"
        "        for w in line.split():\n"
        "            yield w, 1\n\n"
        "    def reducer(self, w, counts):\n"
        "        yield w, sum(counts)\n\n"
        "if __name__ == '__main__':\n"
        "    WC.run()\n"
    )
    src = mr.dir / "in.txt"
    src.write_text("b a b\nc b\n")
    r = mr("yarn", "jar", str(job), uri(src), uri(mr.dir / "out"))
    assert r.returncode == 0, r.stderr
    got = b"".join(p.read_bytes() for p in sorted((mr.dir / "out").glob("part-*"))).decode()
    rows = dict(line.split("\t") for line in got.splitlines())
    assert {k.strip('"'): v for k, v in rows.items()} == {"a": "1", "b": "3", "c": "1"}


def test_logs_and_config(mr, finished_job):
    job_id, _ = finished_job
    attempt = f"attempt_{job_id[4:]}_m_000000_0"
    r = mr("mapred", "job", "-logs", job_id, attempt)
    assert r.returncode == 0, r.stderr
    assert f"Container: {attempt} on localhost" in r.stdout and "LogType:stderr" in r.stdout
    r = mr("mapred", "job", "-config", job_id, str(mr.dir / "job.xml"))
    assert r.returncode == 0
    text = (mr.dir / "job.xml").read_text()
    assert text.startswith("<?xml") and "<name>mapreduce.job.reduces</name>" in text
