"""``python -m pyhdp.yarn.mrapp.yarnchild task.json``: one task attempt in a YARN container
(Hadoop's YarnChild).

Map outputs go to ``$LOCAL_DIRS/output/<attempt>`` (the application's directory on this
node, kept until the application ends) and are announced as
``shuffle://<nm http address><path>``; a reduce first fetches its partition of every map
output from the NodeManager holding it (``/mapOutput``, signed with the application's
token) into its own directory, then runs as usual.  Progress, status, counters and the
result go to the ApplicationMaster's umbilical (``$PYHDP_UMBILICAL``).
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from typing import Any
from urllib.parse import urlencode


class Umbilical:
    def __init__(self, addr: str, app_id: str, token: bytes, attempt_id: str):
        self.addr, self.app_id, self.token, self.attempt_id = addr, app_id, token, attempt_id
        self.last = 0.0

    def send(self, msg: dict[str, Any], force: bool = False) -> None:
        from pyhdp.yarn import rpc as yrpc

        now = time.monotonic()
        if not force and msg.get("type") == "progress" and now - self.last < 0.3:
            return
        self.last = now
        for i in range(5):
            try:
                yrpc.call(
                    self.addr,
                    "POST",
                    "/umbilical",
                    {"attempt_id": self.attempt_id, "msg": msg},
                    key=self.token,
                    app_id=self.app_id,
                    timeout=30.0,
                )
                return
            except Exception:  # noqa: BLE001
                if msg.get("type") != "done" or i == 4:
                    if msg.get("type") == "done":
                        raise
                    return
                time.sleep(0.2 * (i + 1))


def fetch_map_outputs(desc: dict[str, Any], app_id: str, token: bytes, into: str) -> None:
    """Replace ``shuffle://`` map outputs by local single-partition copies."""
    from pyhdp.mapreduce.mapoutput import write_index
    from pyhdp.net import httpclient
    from pyhdp.net.auth import HEADER, sign_request
    from pyhdp.yarn.rpc import APP_HEADER

    p = int(desc["partition"])
    n = int(desc["num_reduces"])
    os.makedirs(into, exist_ok=True)
    local = []
    for i, loc in enumerate(desc["map_outputs"]):
        if not str(loc).startswith("shuffle://"):
            local.append(loc)
            continue
        rest = loc[len("shuffle://") :]
        nm, _, path = rest.partition("/")
        qs = "/mapOutput?" + urlencode({"app": app_id, "path": "/" + path, "reduce": str(p)})
        last: Exception | None = None
        for attempt in range(3):
            try:
                resp = httpclient.request(
                    nm,
                    "GET",
                    qs,
                    None,
                    {HEADER: sign_request(token, "GET", qs, b""), APP_HEADER: app_id},
                    timeout=60.0,
                )
                if resp.status != 200:
                    raise OSError(f"shuffle from {nm} failed: HTTP {resp.status} {resp.body[:200]!r}")
                break
            except Exception as e:  # noqa: BLE001
                last = e
                time.sleep(0.3 * (attempt + 1))
        else:
            raise OSError(
                f"Shuffle Error: Exceeded MAX_FAILED_UNIQUE_FETCHES; bailing-out. Failed to fetch from "
                f"{nm}: {last}"
            )
        data = resp.body
        count = int(resp.headers.get("X-Map-Records", "0"))
        out = os.path.join(into, f"map_{i}.out")
        with open(out, "wb") as f:
            f.write(data)
        entries = [(0, 0, 0)] * n
        entries[p] = (0, len(data), count)
        write_index(out + ".index", entries)
        local.append(out)
    desc["map_outputs"] = local


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with open(argv[0] if argv else "task.json") as f:
        task = json.load(f)
    desc, app_id = task["desc"], task["app_id"]
    token = os.environ["PYHDP_APP_TOKEN"].encode()
    umb = Umbilical(os.environ["PYHDP_UMBILICAL"], app_id, token, desc["attempt_id"])
    app_dir = (os.environ.get("LOCAL_DIRS") or os.getcwd()).split(",")[0]
    desc["work_dir"] = os.getcwd()
    desc["local_dir"] = os.path.join(app_dir, "output", desc["attempt_id"])
    try:
        if desc["type"] == "r":
            fetch_map_outputs(desc, app_id, token, os.path.join(desc["local_dir"], "shuffle"))
        from pyhdp.mapreduce.taskrun import run_attempt

        result = run_attempt(desc, umb.send)
        if desc["type"] == "m" and result.get("map_output"):
            result["map_output"] = f"shuffle://{os.environ.get('NM_HTTP_ADDRESS', '')}{result['map_output']}"
        result.update(type="done", ok=True)
        code = 0
    except BaseException as e:  # noqa: BLE001 - every failure is the attempt's
        traceback.print_exc()
        tb = "".join(traceback.format_exception(type(e), e, e.__traceback__))
        result = {
            "type": "done",
            "ok": False,
            "error": f"{type(e).__name__}: {e}",
            "traceback": tb,
            "stderr_tail": tb,
        }
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    umb.send(result, force=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
