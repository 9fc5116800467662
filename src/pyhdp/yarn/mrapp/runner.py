"""``mapreduce.framework.name=yarn``: the job client (Hadoop's ``Job.submit`` +
``monitorAndPrintJob`` against YARNRunner).

Checks the output and input, writes ``job.json`` (spec with absolute paths + job conf) to
the staging directory, asks the RM for an application id, submits the MR ApplicationMaster
(``python -m pyhdp.yarn.mrapp.am job.json``) and prints Hadoop's console while polling the
RM and the AM: ``Submitted application ...``, ``The url to track the job: ...``,
``Running job: ...``, ``map N% reduce M%``, task failures, ``Job ... completed
successfully`` and the counters (read from the job history file the AM writes).
"""

from __future__ import annotations

import json
import sys
import time
from typing import IO, TYPE_CHECKING, Any

from pyhdp.mapreduce.api import JobResult, JobSpec, JobSubmissionError, OutputExistsError, TaskFailure

if TYPE_CHECKING:
    from pyhdp.conf import Configuration


class YarnJobRunner:
    @staticmethod
    def _step_done(con: Any, conf: Any, job_id: str, done: set[str]) -> None:
        """A step other than the last finished: its completion line and counters, as the local runner."""
        from pyhdp.mapreduce import history
        from pyhdp.mapreduce.counters import Counters

        if job_id in done:
            return
        done.add(job_id)
        doc = history.read_job(conf, job_id)
        if doc is None:
            return
        counters = Counters()
        counters.merge(doc.get("counters") or {})
        con.progress(doc.get("map_progress", 1.0), doc.get("reduce_progress", 1.0))
        con.completed(
            job_id,
            doc.get("state", "SUCCEEDED"),
            counters if len(counters) else None,
            doc.get("diagnostics") or "",
        )

    framework = "yarn"

    def run(
        self, spec: JobSpec, conf: Configuration, *, console: bool = True, err: IO[str] | None = None
    ) -> JobResult:
        from pyhdp.mapreduce.console import JobConsole, rich_progress_wanted
        from pyhdp.mapreduce.counters import Counters
        from pyhdp.mapreduce.input.formats import canonical_format, get_splits
        from pyhdp.mapreduce.input.splits import list_input_files, resolve
        from pyhdp.mapreduce.taskrun import conf_to_json
        from pyhdp.net.httpclient import ConnectError
        from pyhdp.security import current_user
        from pyhdp.yarn import ids
        from pyhdp.yarn.client import YarnClient
        from pyhdp.yarn.mrapp.jobfile import spec_to_json

        err = err or sys.stderr
        con = JobConsole(
            err,
            quiet=not console,
            poll_ms=conf.get_int("mapreduce.client.progressmonitor.pollinterval", 1000),
            rich=rich_progress_wanted(conf, err),
        )
        conf = conf.copy()
        if "mapreduce.job.name" not in conf or conf.sources.get("mapreduce.job.name", "").endswith(
            "-default.yaml"
        ):
            conf.set("mapreduce.job.name", spec.name, source="job")
        user = current_user(conf)
        yc = YarnClient(conf)
        con.info("client.DefaultNoHARMFailoverProxyProvider", yc.connecting_message())
        out_fs, out_path = resolve(spec.output, conf)
        if out_fs.exists(out_path):
            raise OutputExistsError(out_fs.make_qualified(out_path))
        step0 = spec.steps[0]
        fmt = canonical_format(step0.input_format) if isinstance(step0.input_format, str) else "text"
        files = list_input_files(list(spec.inputs), conf)
        splits = get_splits(fmt, list(spec.inputs), conf, spec.api)
        try:
            app_id = yc.new_application()["application-id"]
        except ConnectError as e:
            raise JobSubmissionError(f"Failed to connect to the ResourceManager at {yc.addr}: {e}") from e
        job_id = ids.job_id_of_app(app_id)
        staging_root = (conf.get("yarn.app.mapreduce.am.staging-dir") or "/tmp/hadoop-yarn/staging").rstrip(
            "/"
        )
        sfs, sdir = resolve(f"{staging_root}/{user}/.staging/{job_id}", conf)
        sfs.mkdirs(sdir)
        job_file = f"{sdir}/job.json"
        sfs.write_bytes(
            job_file,
            json.dumps(
                {
                    "spec": spec_to_json(spec, conf),
                    "conf": conf_to_json(conf),
                    "user": user,
                    "staging": sfs.make_qualified(sdir),
                }
            ).encode(),
            overwrite=True,
        )
        con.submitting(job_id, len(files), len(splits), spec.api)
        for note in spec.submit_notes:
            con.info("streaming.StreamJob", note)
        am_mb = conf.get_int("yarn.app.mapreduce.am.resource.mb", 1536)
        am_vc = conf.get_int("yarn.app.mapreduce.am.resource.cpu-vcores", 1)
        env = [{"key": k, "value": v} for k, v in spec.env.items()]
        context = {
            "application-submission-context": {
                "application-id": app_id,
                "application-name": conf.get("mapreduce.job.name", spec.name),
                "queue": conf.get("mapreduce.job.queuename") or "default",
                "application-type": "MAPREDUCE",
                "priority": 0,
                "max-app-attempts": conf.get_int("mapreduce.am.max-attempts", 2),
                "resource": {"memory": am_mb, "vCores": am_vc},
                "am-container-spec": {
                    "commands": {
                        "command": "{{PYTHON}} -m pyhdp.yarn.mrapp.am job.json 1><LOG_DIR>/stdout "
                        "2><LOG_DIR>/stderr"
                    },
                    "local-resources": {
                        "entry": [
                            {
                                "key": "job.json",
                                "value": {
                                    "resource": sfs.make_qualified(job_file),
                                    "type": "FILE",
                                    "visibility": "APPLICATION",
                                },
                            }
                        ]
                    },
                    "environment": {"entry": env},
                },
            }
        }
        yc.submit(context, user)
        con.info("impl.YarnClientImpl", f"Submitted application {app_id}")
        tracking = f"http://{yc.addr}/proxy/{app_id}/"
        con.running(job_id, tracking)
        return self._monitor(
            yc, con, conf, app_id, job_id, out_fs.make_qualified(out_path), Counters, sfs, sdir
        )

    def _monitor(
        self,
        yc: Any,
        con: Any,
        conf: Any,
        app_id: str,
        job_id: str,
        output: str,
        counters_cls: Any,
        sfs: Any,
        sdir: str,
    ) -> JobResult:
        from pyhdp.mapreduce import history
        from pyhdp.net import httpclient

        poll = max(con.poll_ms, 50) / 1000.0
        job_ids = [job_id]
        seen_lines = 0
        app: dict[str, Any] = {}
        in_failure = False
        printed: set[str] = set()
        done: set[str] = set()
        max_wait = conf.get_int("yarn.resourcemanager.connect.max-wait.ms", 900000) / 1000.0
        unreachable_since = 0.0
        while True:
            try:
                app = yc.app(app_id)
                unreachable_since = 0.0
            except Exception as e:  # noqa: BLE001 - the RM may be restarting
                now = time.monotonic()
                unreachable_since = unreachable_since or now
                if now - unreachable_since > max_wait:
                    raise JobSubmissionError(
                        f"Could not reach the ResourceManager at {yc.addr} for {max_wait:.0f} s while monitoring "
                        f"{app_id}: {e}"
                    ) from e
                con.info("ipc.Client", f"Retrying connect to server: {yc.addr}: {e}")
                time.sleep(max(poll, 1.0))
                continue
            if app["state"] in ("FINISHED", "FAILED", "KILLED"):
                break
            am = app.get("amRPCAddress") or "N/A"
            if app["state"] == "RUNNING" and am != "N/A":
                try:
                    resp = httpclient.request(am, "GET", f"/?from={seen_lines}", timeout=5.0)
                    doc = json.loads(resp.body)
                    job = doc["job"]
                    if job.get("id") and job["id"] not in job_ids:
                        self._step_done(con, conf, job_ids[-1], done)
                        job_ids.append(job["id"])
                        con.running(job["id"], f"http://{yc.addr}/proxy/{app_id}/")
                    con.uber(job.get("id") or job_id)
                    for line in doc.get("console") or []:
                        seen_lines += 1
                        if "Task Id : " in line:
                            in_failure = True
                            m = line.split("Task Id : ", 1)[1].split(",", 1)[0]
                            printed.add(m)
                        elif line[:4].isdigit() and " INFO " in line[:40] or " WARN " in line[:40]:
                            in_failure = False
                        if in_failure:
                            if "Task Id : " in line:
                                con.info("mapreduce.Job", line.split("mapreduce.Job: ", 1)[-1])
                            else:
                                con.err.write(line + "\n")
                    con.progress(job["mapProgress"] / 100.0, job["reduceProgress"] / 100.0)
                except Exception:  # noqa: BLE001 - the AM may be starting or gone
                    pass
            time.sleep(poll)
        counters = counters_cls()
        state = {"FINISHED": "SUCCEEDED"}.get(app["state"], app["state"])
        if app["state"] == "FINISHED" and app.get("finalStatus") in ("FAILED", "KILLED"):
            state = app["finalStatus"]
        diagnostics = app.get("diagnostics") or ""
        failure = None
        history_file = None
        try:  # every step's job id, as the AM ran them
            final = json.loads(sfs.cat(f"{sdir}/result.json"))
            for jid in final.get("job_ids") or []:
                if jid not in job_ids:
                    self._step_done(con, conf, job_ids[-1], done)
                    job_ids.append(jid)
                    con.running(jid, f"http://{yc.addr}/proxy/{app_id}/")
        except (OSError, ValueError):
            pass
        last = job_ids[-1]
        doc = history.read_job(conf, last)
        if doc is not None:
            counters.merge(doc.get("counters") or {})
            if app["state"] == "FINISHED":
                state = doc.get("state", state)
                diagnostics = doc.get("diagnostics") or diagnostics
            history_file = doc.get("history_file")
            con.progress(
                doc.get("map_progress", 1.0 if state == "SUCCEEDED" else 0.0),
                doc.get("reduce_progress", 1.0 if state == "SUCCEEDED" else 0.0),
            )
            for t in doc.get("tasks") or []:
                for a in t.get("attempts") or []:
                    if a.get("state") == "FAILED" and a["attempt_id"] not in printed:
                        con.task_failed(a["attempt_id"], f"Error: {a.get('error', '')}")
                if t.get("state") == "FAILED" and t.get("attempts"):
                    a = t["attempts"][-1]
                    failure = TaskFailure(
                        t["task_id"], a["attempt_id"], a.get("error", ""), "", a.get("log_dir", "")
                    )
        if state == "KILLED" and not diagnostics:
            diagnostics = "Application killed by user."
        con.completed(last, state, counters if len(counters) else None, diagnostics)
        try:
            sfs.delete(sdir, recursive=True)
        except Exception:  # noqa: BLE001
            pass
        return JobResult(last, job_ids, state, counters, output, failure, diagnostics, history_file)
