"""``mapred job`` (Hadoop's ``org.apache.hadoop.mapreduce.tools.CLI``) over the job history files.

Local jobs are known through the history documents the engine writes under
``mapreduce.jobhistory.done-dir`` (:mod:`pyhdp.mapreduce.history`); a running local job
records its client pid there, which ``-kill`` signals.  Messages and exit codes follow
Hadoop: misuse prints the usage on stderr and exits 255; an unknown job prints
``Could not find job <id>`` and exits 255.
"""

from __future__ import annotations

import datetime
import os
import signal
import sys
from typing import Any

PRIORITIES = "VERY_HIGH HIGH NORMAL LOW VERY_LOW DEFAULT UNDEFINED_PRIORITY"
TASK_STATES = "pending, running, completed, failed, killed"

FULL_USAGE = f"""Usage: job <command> <args>
\t[-submit <job-file>]
\t[-status <job-id>]
\t[-counter <job-id> <group-name> <counter-name>]
\t[-kill <job-id>]
\t[-set-priority <job-id> <priority>]. Valid values for priorities are: {PRIORITIES}
\t[-events <job-id> <from-event-#> <#-of-events>]
\t[-history [all] <jobHistoryFile|jobId> [-outfile <file>] [-format <human|json>]]
\t[-list [all]]
\t[-list-active-trackers]
\t[-list-blacklisted-trackers]
\t[-list-attempt-ids <job-id> <task-type> <task-state>]. Valid values for <task-type> are MAP REDUCE. Valid values for <task-state> are {TASK_STATES}
\t[-kill-task <task-attempt-id>]
\t[-fail-task <task-attempt-id>]
\t[-logs <job-id> <task-attempt-id>]
\t[-config <job-id> <file>]

"""

CMD_USAGE = {
    "-submit": "[-submit <job-file>]",
    "-status": "[-status <job-id>]",
    "-kill": "[-kill <job-id>]",
    "-set-priority": f"[-set-priority <job-id> <priority>]. Valid values for priorities are: {PRIORITIES}",
    "-counter": "[-counter <job-id> <group-name> <counter-name>]",
    "-events": "[-events <job-id> <from-event-#> <#-of-events>]. Event #s start from 1.",
    "-history": "[-history [all] <jobHistoryFile|jobId> [-outfile <file>] [-format <human|json>]]",
    "-list": "[-list [all]]",
    "-kill-task": "[-kill-task <task-attempt-id>]",
    "-fail-task": "[-fail-task <task-attempt-id>]",
    "-list-active-trackers": "[-list-active-trackers]",
    "-list-blacklisted-trackers": "[-list-blacklisted-trackers]",
    "-list-attempt-ids": "[-list-attempt-ids <job-id> <task-type> <task-state>]. Valid values for <task-type> are "
    f"MAP REDUCE. Valid values for <task-state> are {TASK_STATES}",
    "-logs": "[-logs <job-id> <task-attempt-id>].  <task-attempt-id> is optional to get task attempt logs.",
    "-config": "[-config <job-id> <file>]",
}

NARGS = {
    "-submit": (1, 1),
    "-status": (1, 1),
    "-kill": (1, 1),
    "-set-priority": (2, 2),
    "-counter": (3, 3),
    "-events": (3, 3),
    "-list": (0, 1),
    "-kill-task": (1, 1),
    "-fail-task": (1, 1),
    "-list-active-trackers": (0, 0),
    "-list-blacklisted-trackers": (0, 0),
    "-list-attempt-ids": (3, 3),
    "-logs": (1, 2),
    "-config": (2, 2),
    "-history": (1, 6),
}


class _Usage(Exception):
    def __init__(self, cmd: str = ""):
        super().__init__(cmd)
        self.cmd = cmd


def display_usage(cmd: str = "") -> None:
    if cmd in CMD_USAGE:
        sys.stderr.write("Usage: job " + CMD_USAGE[cmd] + "\n")
        return
    from pyhdp.cli.generic import GENERIC_USAGE

    sys.stderr.write(FULL_USAGE)
    sys.stdout.write(GENERIC_USAGE)


def java_float(x: float) -> str:
    from pyhdp.mapreduce.streaming.aggregate import java_double

    return java_double(float(x))


def _check_job_id(job_id: str) -> None:
    from pyhdp.mapreduce.ids import parse_job_id

    parse_job_id(job_id)  # ValueError with Hadoop's message


def _load(conf: Any, job_id: str) -> dict | None:
    from pyhdp.mapreduce.history import read_job

    _check_job_id(job_id)
    return read_job(conf, job_id)


def _counters(doc: dict):
    from pyhdp.mapreduce.counters import Counters

    data = doc.get("counters")
    return None if data is None else Counters.from_json(data)


def _job_file(conf: Any, doc: dict) -> str:
    from pyhdp.mapreduce.history import history_dir

    base = history_dir(conf)
    if "://" not in base and not base.startswith("file:"):
        base = "file:" + os.path.abspath(base)
    return f"{base.rstrip('/')}/{doc['job_id']}_conf.xml"


def format_status(conf: Any, doc: dict) -> str:
    state = doc.get("state", "")
    reason = " "
    if state == "FAILED":
        reason = doc.get("diagnostics") or " "
    lines = [
        f"Job: {doc['job_id']}",
        f"Job File: {_job_file(conf, doc)}",
        f"Job Tracking URL : {doc.get('tracking_url') or 'http://localhost:8080/'}",
        "Uber job : false",
        f"Number of maps: {doc.get('maps', 0)}",
        f"Number of reduces: {doc.get('reduces', 0)}",
        f"map() completion: {java_float(doc.get('map_progress', 0.0))}",
        f"reduce() completion: {java_float(doc.get('reduce_progress', 0.0))}",
        f"Job state: {state}",
        "retired: false",
        f"reason for failure: {reason}",
        f"Job Priority: {doc.get('priority') or 'DEFAULT'}",
    ]
    return "\n".join(lines)


def _status(conf: Any, job_id: str) -> int:
    doc = _load(conf, job_id)
    if doc is None:
        sys.stdout.write(f"Could not find job {job_id}\n")
        return 255
    sys.stdout.write("\n" + format_status(conf, doc) + "\n")
    counters = _counters(doc)
    if counters is not None:
        sys.stdout.write(counters.dump() + "\n")
    else:
        sys.stdout.write("Counters not available. Job is retired.\n")
    return 0


def _counter(conf: Any, job_id: str, group: str, name: str) -> int:
    doc = _load(conf, job_id)
    if doc is None:
        sys.stdout.write(f"Could not find job {job_id}\n")
        return 255
    counters = _counters(doc)
    if counters is None:
        sys.stdout.write(f"Counters not available for retired job {job_id}\n")
        return 255
    value = counters.find(group, name)
    sys.stdout.write(f"{value or 0}\n")
    return 0


def _kill(conf: Any, job_id: str) -> int:
    doc = _load(conf, job_id)
    if doc is None:
        sys.stdout.write(f"Could not find job {job_id}\n")
        return 255
    state = doc.get("state")
    if state == "FAILED":
        sys.stdout.write(f"Could not mark the job {job_id} as killed, as it has already failed.\n")
        return 255
    if state == "KILLED":
        sys.stdout.write(f"The job {job_id} has already been killed.\n")
        return 255
    if state == "SUCCEEDED":
        sys.stdout.write(f"Could not kill the job {job_id}, as it has already succeeded.\n")
        return 255
    pid = doc.get("pid")
    try:
        if pid:
            os.kill(int(pid), signal.SIGTERM)
    except (ProcessLookupError, PermissionError, ValueError):
        sys.stdout.write(f"Could not kill job {job_id}\n")
        return 255
    sys.stdout.write(f"Killed job {job_id}\n")
    return 0


def _fmt_time(ms: int | None) -> str:
    if not ms:
        return ""
    return datetime.datetime.fromtimestamp(ms / 1000).strftime("%d-%b-%Y %H:%M:%S")


def _duration(ms: int) -> str:
    secs = max(int(ms // 1000), 0)
    hours, rem = divmod(secs, 3600)
    mins, secs = divmod(rem, 60)
    parts = []
    if hours:
        parts.append(f"{hours}hrs, ")
    if mins or hours:
        parts.append(f"{mins}mins, ")
    parts.append(f"{secs}sec")
    return "".join(parts)


def _list(conf: Any, show_all: bool) -> int:
    from pyhdp.mapreduce.history import list_jobs

    jobs = list_jobs(conf)
    if not show_all:
        jobs = [j for j in jobs if j.get("state") in ("PREP", "RUNNING")]
    header = "%23s\t%20s\t%10s\t%14s\t%12s\t%12s\t%10s\t%15s\t%15s\t%8s\t%8s\t%10s\t%10s\n"
    out = sys.stdout
    out.write(f"Total jobs:{len(jobs)}\n")
    out.write(
        header
        % (
            "JobId",
            "JobName",
            "State",
            "StartTime",
            "UserName",
            "Queue",
            "Priority",
            "UsedContainers",
            "RsvdContainers",
            "UsedMem",
            "RsvdMem",
            "NeededMem",
            "AM info",
        )
    )
    for j in jobs:
        name = (j.get("name") or "")[:20]
        out.write(
            header
            % (
                j["job_id"],
                name,
                j.get("state", ""),
                str(int(j.get("start_time") or 0)),
                j.get("user", ""),
                j.get("queue") or "default",
                j.get("priority") or "DEFAULT",
                "N/A",
                "N/A",
                "N/A",
                "N/A",
                "N/A",
                "",
            )
        )
    return 0


def _events(conf: Any, job_id: str, start: str, count: str) -> int:
    doc = _load(conf, job_id)
    if doc is None:
        sys.stdout.write(f"Could not find job {job_id}\n")
        return 255
    try:
        first, n = int(start), int(count)
    except ValueError:
        raise _Usage("-events") from None
    events = []
    for task in doc.get("tasks", []):
        for att in task.get("attempts", []):
            if att.get("state") in ("SUCCEEDED", "FAILED", "KILLED"):
                events.append((att.get("finish_time") or 0, att))
    events.sort(key=lambda e: e[0])
    chosen = [a for _t, a in events][first : first + n] if first >= 0 else []
    tracker = (doc.get("tracking_url") or "http://localhost:8080/").rstrip("/")
    sys.stdout.write(f"Task completion events for {job_id}\n")
    sys.stdout.write(f"Number of events (from {first}) are: {len(chosen)}\n")
    for att in chosen:
        aid = att["attempt_id"]
        sys.stdout.write(f"{att.get('state')} {aid} {tracker}/tasklog?plaintext=true&attemptid={aid}\n")
    return 0


def _attempt_ids(conf: Any, job_id: str, kind: str, state: str) -> int:
    types = {"MAP": "MAP", "REDUCE": "REDUCE"}
    if kind.upper() not in types:
        sys.stdout.write(f"Invalid type: {kind}. Valid types for task are: MAP, REDUCE.\n")
        return 255
    states = {
        "pending": ("NEW", "SCHEDULED"),
        "running": ("RUNNING",),
        "completed": ("SUCCEEDED",),
        "failed": ("FAILED",),
        "killed": ("KILLED",),
    }
    if state.lower() not in states:
        sys.stdout.write(f"Invalid state: {state}. Valid states for task are: {TASK_STATES}.\n")
        return 255
    doc = _load(conf, job_id)
    if doc is None:
        sys.stdout.write(f"Could not find job {job_id}\n")
        return 255
    wanted = states[state.lower()]
    for task in doc.get("tasks", []):
        if task.get("type") != kind.upper():
            continue
        for att in task.get("attempts", []):
            if att.get("state") in wanted:
                sys.stdout.write(att["attempt_id"] + "\n")
    return 0


def _logs(conf: Any, job_id: str, attempt: str | None) -> int:
    doc = _load(conf, job_id)
    if doc is None:
        sys.stdout.write(f"Could not find job {job_id}\n")
        return 255
    found = False
    for task in doc.get("tasks", []):
        for att in task.get("attempts", []):
            if attempt and att["attempt_id"] != attempt:
                continue
            log_dir = att.get("log_dir") or ""
            if not os.path.isdir(log_dir):
                continue
            found = True
            for name in sorted(os.listdir(log_dir)):
                path = os.path.join(log_dir, name)
                if not os.path.isfile(path):
                    continue
                with open(path, "rb") as f:
                    data = f.read()
                sys.stdout.write(f"Container: {att['attempt_id']} on localhost\n")
                sys.stdout.write("LogAggregationType: LOCAL\n")
                sys.stdout.write("=" * 76 + "\n")
                sys.stdout.write(f"LogType:{name}\nLogLength:{len(data)}\nLog Contents:\n")
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.write(f"\nEnd of LogType:{name}\n\n")
    if not found:
        sys.stderr.write(f"Unable to get log information for job: {job_id}\n")
        return 255
    return 0


def _config(conf: Any, job_id: str, path: str) -> int:
    doc = _load(conf, job_id)
    if doc is None:
        sys.stdout.write(f"Could not find job {job_id}\n")
        return 255
    from xml.sax.saxutils import escape

    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>', "<configuration>"]
    for key, value in sorted((doc.get("conf") or {}).items()):
        lines.append(
            f"<property><name>{escape(key)}</name><value>{escape(str(value))}</value>"
            "<final>false</final><source>job.xml</source></property>"
        )
    lines.append("</configuration>")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return 0


def history_text(conf: Any, doc: dict, show_all: bool) -> str:
    """``-history`` in the human format (first block, counters table, task summary, analysis)."""
    out: list[str] = []
    submit = doc.get("submit_time") or 0
    launch = doc.get("start_time") or submit
    finish = doc.get("finish_time") or launch
    out.append(f"Hadoop job: {doc['job_id']}")
    out.append("=====================================")
    out.append(f"User: {doc.get('user', '')}")
    out.append(f"JobName: {doc.get('name', '')}")
    out.append(f"JobConf: {_job_file(conf, doc)}")
    out.append(f"Submitted At: {_fmt_time(submit)}")
    out.append(f"Launched At: {_fmt_time(launch)} ({_duration(launch - submit)})")
    out.append(f"Finished At: {_fmt_time(finish)} ({_duration(finish - launch)})")
    out.append(f"Status: {doc.get('state', '')}")
    out.append("Counters: \n")
    out.append(
        f"|{'Group Name':<30}|{'Counter name':<30}|{'Map Value':<10}|{'Reduce Value':<10}|{'Total Value':<10}"
    )
    out.append("-" * 87)
    counters = _counters(doc)
    if counters is not None:
        for _g, gdisplay, items in counters.ordered():
            for _n, cdisplay, value in items:
                out.append(f"|{gdisplay.strip():<30}|{cdisplay.strip():<30}|{'0':<10}|{'0':<10}|{value:,}")
    out.append("\n=====================================")
    out.append("")
    out.append("Task Summary")
    out.append("============================")
    out.append("Kind\tTotal\tSuccessful\tFailed\tKilled\tStartTime\tFinishTime")
    out.append("")
    out.append("Setup\t0\t0\t0\t0\t")
    tasks = doc.get("tasks") or []
    for kind, label in (("MAP", "Map"), ("REDUCE", "Reduce")):
        ts = [t for t in tasks if t.get("type") == kind]
        if not ts:
            out.append(f"{label}\t0\t0\t0\t0\t")
            continue
        ok = sum(1 for t in ts if t.get("state") == "SUCCEEDED")
        failed = sum(1 for t in ts if t.get("state") == "FAILED")
        killed = sum(1 for t in ts if t.get("state") == "KILLED")
        start = min(t.get("start_time") or 0 for t in ts)
        end = max(t.get("finish_time") or 0 for t in ts)
        out.append(
            f"{label}\t{len(ts)}\t{ok}\t{failed}\t{killed}\t{_fmt_time(start)}\t{_fmt_time(end)} "
            f"({_duration(end - start)})"
        )
    out.append("Cleanup\t0\t0\t0\t0\t")
    out.append("============================")
    out.append("")
    out.append("")
    out.append("Analysis")
    out.append("=========")
    for kind, label in (("MAP", "map"), ("REDUCE", "reduce")):
        ts = [t for t in tasks if t.get("type") == kind and t.get("state") == "SUCCEEDED"]
        if not ts:
            continue
        times = [((t.get("finish_time") or 0) - (t.get("start_time") or 0), t) for t in ts]
        best = min(times, key=lambda x: x[0])
        avg = sum(x[0] for x in times) / len(times)
        out.append("")
        out.append(f"Time taken by best performing {label} task {best[1]['task_id']}: {_duration(best[0])}")
        out.append(f"Average time taken by {label} tasks: {_duration(int(avg))}")
        out.append(f"Worse performing {label} tasks: ")
        out.append("TaskId\t\tTimetaken")
        for ms, t in sorted(times, key=lambda x: -x[0])[:10]:
            out.append(f"{t['task_id']} {_duration(ms)}")
        last = max(ts, key=lambda t: t.get("finish_time") or 0)
        out.append(
            f"The last {label} task {last['task_id']} finished at (relative to the Job launch time): "
            f"{_fmt_time(last.get('finish_time'))} ({_duration((last.get('finish_time') or 0) - launch)})"
        )
    out.append("=========")
    for state in ("FAILED", "KILLED"):
        bad = [t for t in tasks if t.get("state") == state]
        if bad:
            out.append("")
            out.append(f"{state} task list for {doc['job_id']}")
            out.append("TaskId\t\tStartTime\tFinishTime\tError")
            out.append("====================================================")
            for t in bad:
                err = ""
                for att in t.get("attempts", []):
                    err = att.get("error") or err
                out.append(
                    f"{t['task_id']}\t{_fmt_time(t.get('start_time'))}\t{_fmt_time(t.get('finish_time'))}"
                    f"\t{err}"
                )
    if show_all:
        out.append("")
        out.append(f"SUCCEEDED task list for {doc['job_id']}")
        out.append("TaskId\t\tStartTime\tFinishTime\tError")
        out.append("====================================================")
        for t in tasks:
            if t.get("state") == "SUCCEEDED":
                out.append(
                    f"{t['task_id']}\t{_fmt_time(t.get('start_time'))}\t{_fmt_time(t.get('finish_time'))}\t"
                )
    return "\n".join(out) + "\n"


def _history(conf: Any, args: list[str]) -> int:
    show_all = False
    outfile = None
    fmt = "human"
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "all" and not rest:
            show_all = True
        elif a == "-outfile" and i + 1 < len(args):
            outfile = args[i + 1]
            i += 1
        elif a == "-format" and i + 1 < len(args):
            fmt = args[i + 1]
            i += 1
        else:
            rest.append(a)
        i += 1
    if len(rest) != 1 or fmt not in ("human", "json"):
        raise _Usage("-history")
    target = rest[0]
    doc = None
    if os.path.isfile(target):
        import json

        with open(target, "rb") as f:
            doc = json.loads(f.read())
    else:
        doc = _load(conf, target)
    if doc is None:
        sys.stdout.write(f"Could not find job {target}\n")
        return 255
    if fmt == "json":
        import json

        text = json.dumps({k: v for k, v in doc.items() if k != "conf"}, indent=2, sort_keys=True) + "\n"
    else:
        text = history_text(conf, doc, show_all)
    if outfile:
        with open(outfile, "w") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def run(args: list[str], conf: Any) -> int:
    try:
        return _run(args, conf)
    except _Usage as u:
        display_usage(u.cmd)
        return 255
    except ValueError as e:
        # JobID.forName / TaskAttemptID.forName
        sys.stderr.write(f"{e}\n")
        return 255


def _run(args: list[str], conf: Any) -> int:
    if not args:
        raise _Usage("")
    cmd, rest = args[0], args[1:]
    if cmd not in NARGS:
        raise _Usage("")
    lo, hi = NARGS[cmd]
    if not lo <= len(rest) <= hi:
        raise _Usage(cmd)
    if cmd == "-status":
        return _status(conf, rest[0])
    if cmd == "-counter":
        return _counter(conf, *rest)
    if cmd == "-kill":
        return _kill(conf, rest[0])
    if cmd == "-list":
        if rest and rest[0] != "all":
            raise _Usage("-list")
        return _list(conf, bool(rest))
    if cmd == "-events":
        return _events(conf, *rest)
    if cmd == "-history":
        return _history(conf, rest)
    if cmd == "-list-attempt-ids":
        return _attempt_ids(conf, *rest)
    if cmd == "-logs":
        return _logs(conf, rest[0], rest[1] if len(rest) > 1 else None)
    if cmd == "-config":
        return _config(conf, *rest)
    if cmd == "-list-active-trackers":
        sys.stdout.write("tracker_localhost:0\n")
        return 0
    if cmd == "-list-blacklisted-trackers":
        return 0
    if cmd == "-set-priority":
        doc = _load(conf, rest[0])
        if doc is None:
            sys.stdout.write(f"Could not find job {rest[0]}\n")
            return 255
        if rest[1] not in PRIORITIES.split():
            raise _Usage("-set-priority")
        sys.stdout.write("Changed job priority.\n")
        return 0
    if cmd in ("-kill-task", "-fail-task"):
        from pyhdp.mapreduce.ids import is_attempt_id

        if not is_attempt_id(rest[0]):
            sys.stderr.write(f"TaskAttemptId string : {rest[0]} is not properly formed\n")
            return 255
        verb = "kill" if cmd == "-kill-task" else "fail"
        sys.stdout.write(f"Could not {verb} task {rest[0]}\n")
        return 255
    if cmd == "-submit":
        sys.stderr.write(
            f"pyhdp cannot submit a Java job.xml ({rest[0]}); use 'yarn jar job.py IN OUT' or "
            "'mapred streaming'.\n"
        )
        return 255
    raise _Usage("")
