"""``python -m pyhdp.yarn.apps.dshell --shell_command CMD [--num_containers N]``: a small
distributed-shell ApplicationMaster (Hadoop's DistributedShell AM): registers, runs the
command in N containers, unregisters SUCCEEDED when every container exited 0 (else FAILED).
With ``--num_containers 0`` it only registers and unregisters (the smallest application)."""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="dshell")
    p.add_argument("--shell_command", default="")
    p.add_argument("--num_containers", type=int, default=1)
    p.add_argument("--container_memory", type=int, default=128)
    p.add_argument("--heartbeat_ms", type=int, default=200)
    a = p.parse_args(argv)
    from pyhdp.yarn.client import AMClient

    am = AMClient()
    host = os.environ.get("NM_HOST") or socket.gethostname()
    am.register(host, -1, "")
    n = a.num_containers if a.shell_command else 0
    asks = [{"priority": 0, "resource": {"memory": a.container_memory, "vCores": 1}, "count": n}] if n else []
    launched = done = failed = 0
    user = os.environ.get("USER", "dr.who")
    while done < n:
        resp = am.allocate(asks, [], done / n if n else 1.0)
        asks = []
        for c in resp.get("allocated") or []:
            if launched >= n:
                continue
            am.start_container(
                c["node_http_address"],
                c["container_id"],
                user,
                c["resource"],
                {"commands": a.shell_command + " 1><LOG_DIR>/stdout 2><LOG_DIR>/stderr"},
            )
            launched += 1
        for st in resp.get("completed") or []:
            done += 1
            failed += int(st.get("exit_status", 1)) != 0
        time.sleep(a.heartbeat_ms / 1000.0)
    status = "SUCCEEDED" if not failed else "FAILED"
    diag = (
        ""
        if not failed
        else f"Diagnostics., total={n}, completed={done}, allocated={launched}, failed={failed}"
    )
    am.finish(status, diag)
    return 0


if __name__ == "__main__":
    sys.exit(main())
