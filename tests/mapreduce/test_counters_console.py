"""Counters (names, order, dump) and the job console (Hadoop's lines, progress rounding, rich bars)."""

from __future__ import annotations

import io

from pyhdp.mapreduce.console import JobConsole, percent, progress_line
from pyhdp.mapreduce.counters import (
    FS_GROUP,
    INPUT_GROUP,
    JOB_GROUP,
    OUTPUT_GROUP,
    TASK_GROUP,
    Counters,
    format_reporter_counter,
    parse_reporter_line,
)


def sample() -> Counters:
    c = Counters()
    c.fs("hdfs", "BYTES_READ", 10)
    c.fs("file", "BYTES_WRITTEN", 5)
    c.fs("file", "BYTES_READ", 7)
    c.task("SHUFFLED_MAPS", 1)
    c.task("MAP_OUTPUT_BYTES", 73)
    c.task("MAP_INPUT_RECORDS", 3)
    c.task("MAP_OUTPUT_RECORDS", 7)
    c.incr(JOB_GROUP, "TOTAL_LAUNCHED_MAPS", 1)
    c.incr("zeta", "b", 2)
    c.incr("zeta", "a", 1)
    c.incr("MyGroup", "x", 4)
    c.incr("Shuffle Errors", "BAD_ID", 0)
    c.incr(INPUT_GROUP, "BYTES_READ", 51)
    c.incr(OUTPUT_GROUP, "BYTES_WRITTEN", 40)
    return c


def test_dump_has_hadoops_order_names_and_indentation():
    assert sample().dump().split("\n") == [
        "Counters: 14",
        "\tFile System Counters",
        "\t\tFILE: Number of bytes read=7",
        "\t\tFILE: Number of bytes written=5",
        "\t\tHDFS: Number of bytes read=10",
        "\tJob Counters ",
        "\t\tLaunched map tasks=1",
        "\tMap-Reduce Framework",
        "\t\tMap input records=3",
        "\t\tMap output records=7",
        "\t\tMap output bytes=73",
        "\t\tShuffled Maps =1",
        "\tMyGroup",
        "\t\tx=4",
        "\tShuffle Errors",
        "\t\tBAD_ID=0",
        "\tFile Input Format Counters ",
        "\t\tBytes Read=51",
        "\tFile Output Format Counters ",
        "\t\tBytes Written=40",
        "\tzeta",
        "\t\ta=1",
        "\t\tb=2",
    ]


def test_merge_and_find_by_display_names():
    c = sample()
    c.merge(sample())
    assert c.get(TASK_GROUP, "MAP_OUTPUT_RECORDS") == 14
    assert c.find("Map-Reduce Framework", "Map output records") == 14
    assert c.find(TASK_GROUP, "MAP_OUTPUT_RECORDS") == 14
    assert c.find("File System Counters", "FILE: Number of bytes read") == 14
    assert c.find(FS_GROUP, "HDFS_BYTES_READ") == 20
    assert c.find("nope", "x") is None
    assert Counters.from_json(c.to_json()).dump() == c.dump()


def test_reporter_lines():
    assert parse_reporter_line("reporter:counter:Grp,Name,12\n") == ("counter", ("Grp", "Name", 12))
    assert parse_reporter_line("reporter:status:half way ") == ("status", ("half way",))
    assert parse_reporter_line("reporter:counter:bad") == ("invalid", ("reporter:counter:bad",))
    assert parse_reporter_line("something else") is None
    assert parse_reporter_line(format_reporter_counter("a,b", "c", 3)) == ("counter", ("a;b", "c", 3))


def test_progress_rounding_is_half_up():
    assert percent(0.125) == "13%"
    assert percent(0.995) == "100%"
    assert percent(0.004) == "0%"
    assert percent(2 / 3) == "67%"
    assert progress_line(1.0, 0.67) == " map 100% reduce 67%"


def test_console_lines():
    buf = io.StringIO()
    con = JobConsole(buf, quiet=False)
    con.running("job_local1_0001")
    con.uber("job_local1_0001")
    assert con.progress(0.5, 0.0) and not con.progress(0.5, 0.0)
    con.task_failed("attempt_local1_0001_m_000000_0", "Error: boom")
    con.completed("job_local1_0001", "FAILED", sample(), "Task failed task_local1_0001_m_000000\n")
    text = buf.getvalue()
    assert "INFO mapreduce.Job: Running job: job_local1_0001\n" in text
    assert "INFO mapreduce.Job: Job job_local1_0001 running in uber mode : false\n" in text
    assert text.count("INFO mapreduce.Job:  map 50% reduce 0%\n") == 1
    assert "Task Id : attempt_local1_0001_m_000000_0, Status : FAILED\nError: boom\n" in text
    assert (
        "Job job_local1_0001 failed with state FAILED due to: Task failed task_local1_0001_m_000000" in text
    )
    assert "INFO mapreduce.Job: Counters: 14\n\tFile System Counters\n" in text


def test_console_quiet_and_rich():
    buf = io.StringIO()
    JobConsole(buf, quiet=True).running("job_x_0001")
    assert buf.getvalue() == ""
    buf = io.StringIO()
    con = JobConsole(buf, quiet=False, rich=True)
    con.running("job_x_0001")
    con.task_info("mapred.LocalJobRunner", "Starting task: attempt_x_0001_m_000000_0")
    con.progress(1.0, 0.5)
    con.completed("job_x_0001", "SUCCEEDED", None)
    text = buf.getvalue()
    assert "Starting task" not in text
    assert "Job job_x_0001 completed successfully" in text
    assert " map 100% reduce 50%" in text
