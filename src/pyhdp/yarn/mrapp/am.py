"""``python -m pyhdp.yarn.mrapp.am job.json``: the MapReduce ApplicationMaster (MRAppMaster).

It registers with the ResourceManager (tracking URL = its own small HTTP server), runs the
runner template (:mod:`pyhdp.mapreduce.runners.base`) with the YARN executor
(:mod:`pyhdp.mapreduce.runners.yarn`), serves the tasks' umbilical (``POST /umbilical``,
signed with the application token) and the job's status (``GET /ws/v1/mapreduce/jobs``,
read by the client for ``map N% reduce M%``), writes the job history like the local runner,
and unregisters with the final status.  SIGTERM (``yarn application -kill``) kills the job:
tasks are stopped and the output is aborted (no ``_SUCCESS``, nothing outside
``_temporary``).  A second attempt (the first AM died) starts the job again from the
beginning unless the first one had already committed it (``_SUCCESS`` present).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

log = logging.getLogger("pyhdp.mapreduce.v2.app.MRAppMaster")


class Status:
    def __init__(self) -> None:
        self.job_id = ""
        self.state = "RUNNING"
        self.runner: Any = None
        self.lock = threading.Lock()
        self.lines: list[str] = []

    def doc(self) -> dict[str, Any]:
        r = self.runner
        run = r.step_run if r is not None else None
        mp = rp = 0.0
        maps = reduces = 0
        if run is not None:
            mp, rp = r._progress(run)
            maps, reduces = len(run.maps), len(run.reduces)
            job_id = run.job_id
        else:
            job_id = self.job_id
        failures = list(getattr(r, "failures", [])) if r is not None else []
        return {
            "job": {
                "id": job_id,
                "state": self.state,
                "mapProgress": round(mp * 100, 2),
                "reduceProgress": round(rp * 100, 2),
                "mapsTotal": maps,
                "reducesTotal": reduces,
                "failures": failures,
            },
            "lines": len(self.lines),
        }


def serve(status: Status, token: bytes, app_id: str) -> ThreadingHTTPServer:
    from pyhdp.yarn import rpc as yrpc

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: Any) -> None:
            pass

        def _send(self, code: int, data: Any) -> None:
            body = json.dumps(data).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            from urllib.parse import parse_qs, urlparse

            q = parse_qs(urlparse(self.path).query)
            doc = status.doc()
            if "from" in q:
                doc["console"] = status.lines[int(q["from"][0]) :]
            self._send(200, doc)

        def do_POST(self) -> None:  # noqa: N802
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n)
            try:
                yrpc.verify_token(token, "POST", self.path, body, self.headers, app_id)
            except Exception as e:  # noqa: BLE001
                self._send(403, yrpc.remote_exception("InvalidToken", str(e)))
                return
            d = json.loads(body)
            r = status.runner
            if r is not None:
                r.report(d["attempt_id"], d["msg"])
            self._send(200, {})

    server = ThreadingHTTPServer((os.environ.get("NM_HOST") or "0.0.0.0", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Tee:
    """The AM's console: to its stderr log, and kept for the client (task failure blocks)."""

    def __init__(self, status: Status):
        self.status = status
        self.partial = ""

    def write(self, text: str) -> int:
        sys.stderr.write(text)
        self.partial += text
        *full, self.partial = self.partial.split("\n")
        self.status.lines.extend(full)
        return len(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return False


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from pyhdp.cli.runtime import setup_logging

    setup_logging()
    from pyhdp.mapreduce.taskrun import conf_from_json
    from pyhdp.yarn import ids
    from pyhdp.yarn.client import AMClient
    from pyhdp.yarn.mrapp.jobfile import spec_from_json

    with open(argv[0] if argv else "job.json") as f:
        job = json.load(f)
    spec = spec_from_json(job["spec"])
    conf = conf_from_json(job["conf"])
    am = AMClient()
    app_id = am.app_id
    attempt_no = ids.parse_attempt_id(am.attempt_id)[2]
    status = Status()
    status.job_id = ids.job_id_of_app(app_id)

    server = serve(status, am.token, app_id)
    host = os.environ.get("NM_HOST") or socket.gethostname()
    port = server.server_address[1]
    umbilical = f"{host}:{port}"
    am.register(host, port, f"http://{umbilical}/")
    log.info(f"Registered {am.attempt_id} with tracking URL http://{umbilical}/")

    from pyhdp.mapreduce.runners.yarn import YarnTaskRunner

    user = os.environ.get("USER") or job.get("user") or "dr.who"
    runner = YarnTaskRunner(am, umbilical, app_id, user, am.rm, status.job_id)
    runner.failures = []
    status.runner = runner
    final, diag = "FAILED", ""
    try:
        if attempt_no > 1 and _previous_attempt_committed(spec, conf):
            final = "SUCCEEDED"
            log.info("The previous attempt committed the job's output")
        else:
            if attempt_no > 1:
                _clean_previous_attempt(spec, conf)
            result = runner.run(spec, conf, console=True, err=Tee(status))
            status.state = result.state
            _write_result(job, conf, {"job_ids": result.job_ids, "state": result.state})
            final = result.state if result.state in ("SUCCEEDED", "FAILED", "KILLED") else "FAILED"
            diag = result.diagnostics
    except Exception as e:  # noqa: BLE001
        import traceback

        traceback.print_exc()
        diag = f"{type(e).__name__}: {e}"
        status.state = "FAILED"
    finally:
        runner.shutdown()
    # KILLED: by the RM (then unregistering changes nothing) or by a SIGTERM sent to this
    # process (``mapred job -kill`` on this host): unregister so that no new attempt starts
    try:
        am.finish(final, diag, f"http://{am.rm}/cluster/app/{app_id}")
    except Exception as e:  # noqa: BLE001
        log.warning(f"Could not unregister: {e}")
    server.shutdown()
    return 0


def _write_result(job: dict[str, Any], conf: Any, doc: dict[str, Any]) -> None:
    """``result.json`` next to ``job.json`` in the staging directory, for the job client."""
    from pyhdp.mapreduce.input.splits import resolve

    if not job.get("staging"):
        return
    try:
        fs, d = resolve(job["staging"], conf)
        fs.write_bytes(d.rstrip("/") + "/result.json", json.dumps(doc).encode(), overwrite=True)
    except OSError as e:
        log.warning(f"Could not write the job result: {e}")


def _output(spec: Any, conf: Any) -> tuple[Any, str]:
    from pyhdp.mapreduce.input.splits import resolve

    return resolve(spec.output, conf)


def _previous_attempt_committed(spec: Any, conf: Any) -> bool:
    fs, path = _output(spec, conf)
    return fs.exists(path.rstrip("/") + "/_SUCCESS")


def _clean_previous_attempt(spec: Any, conf: Any) -> None:
    fs, path = _output(spec, conf)
    if fs.exists(path):
        log.info(f"Deleting {path}, the uncommitted output of the previous attempt")
        fs.delete(path, recursive=True)


if __name__ == "__main__":
    sys.exit(main())
