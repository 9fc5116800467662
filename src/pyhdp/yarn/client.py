"""Clients of the ResourceManager (``YarnClient``) and, for ApplicationMasters, of the
scheduler and NodeManagers (``AMClient``)."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote, urlencode

from pyhdp.errors import PyhdpError
from pyhdp.yarn import rpc as yrpc


class YarnError(PyhdpError):
    pass


def rm_web_address(conf: Any) -> str:
    """The RM endpoint: ``yarn.resourcemanager.webapp.address`` (pyhdp serves every RM protocol
    there), or the ``host:port`` given with ``-jt``."""
    from pyhdp.hdfs.server.common import client_addr

    if str(conf.sources.get("yarn.resourcemanager.address", "")).startswith("from -jt"):
        return client_addr(conf.get_trimmed("yarn.resourcemanager.address"))
    return client_addr(conf.get_trimmed("yarn.resourcemanager.webapp.address") or "127.0.0.1:8088")


class YarnClient:
    def __init__(self, conf: Any, address: str | None = None):
        self.conf = conf
        self.addr = address or rm_web_address(conf)
        self._secret: bytes | None = None

    @property
    def secret(self) -> bytes:
        if self._secret is None:
            from pyhdp.net.auth import load_secret

            self._secret = load_secret(self.conf)
        return self._secret

    def get(self, path: str, **query: str) -> Any:
        qs = ("?" + urlencode({k: v for k, v in query.items() if v is not None})) if query else ""
        return yrpc.call(self.addr, "GET", path + qs)

    def signed(self, method: str, path: str, payload: Any = None) -> Any:
        return yrpc.call(self.addr, method, path, payload, key=self.secret)

    def connecting_message(self) -> str:
        return f"Connecting to ResourceManager at /{self.addr}"

    # ------------------------------------------------------------------ applications
    def new_application(self) -> dict[str, Any]:
        return self.signed("POST", "/ws/v1/cluster/apps/new-application")

    def submit(self, context: dict[str, Any], user: str) -> None:
        import json

        from pyhdp.net import httpclient
        from pyhdp.net.auth import HEADER, sign_request

        body = json.dumps(context).encode()
        path = "/ws/v1/cluster/apps?" + urlencode({"user.name": user})
        resp = httpclient.request(
            self.addr,
            "POST",
            path,
            body,
            {"Content-Type": "application/json", HEADER: sign_request(self.secret, "POST", path, body)},
            timeout=30.0,
        )
        if resp.status == 403:
            try:
                msg = json.loads(resp.body)["RemoteException"]["message"]
            except (ValueError, KeyError):
                msg = resp.body.decode(errors="replace")
            raise YarnError(
                f"Failed to submit {context['application-submission-context']['application-id']} to "
                f"YARN : {msg}"
            )
        if resp.status != 202:
            raise YarnError(
                f"Failed to submit application: HTTP {resp.status} {resp.body.decode(errors='replace')}"
            )

    def app(self, app_id: str) -> dict[str, Any]:
        return self.get(f"/ws/v1/cluster/apps/{quote(app_id)}")["app"]

    def apps(self, **query: str) -> list[dict[str, Any]]:
        data = self.get("/ws/v1/cluster/apps", **query)
        return ((data or {}).get("apps") or {}).get("app") or []

    def attempts(self, app_id: str) -> list[dict[str, Any]]:
        data = self.get(f"/ws/v1/cluster/apps/{quote(app_id)}/appattempts")
        return ((data or {}).get("appAttempts") or {}).get("appAttempt") or []

    def containers(self, app_id: str, attempt_id: str) -> list[dict[str, Any]]:
        data = self.get(f"/ws/v1/cluster/apps/{quote(app_id)}/appattempts/{quote(attempt_id)}/containers")
        return ((data or {}).get("containers") or {}).get("container") or []

    def kill(self, app_id: str, user: str = "") -> tuple[int, str]:
        import json

        from pyhdp.net import httpclient
        from pyhdp.net.auth import HEADER, sign_request

        path = f"/ws/v1/cluster/apps/{quote(app_id)}/state?" + urlencode({"user.name": user})
        body = json.dumps({"state": "KILLED"}).encode()
        resp = httpclient.request(
            self.addr,
            "PUT",
            path,
            body,
            {"Content-Type": "application/json", HEADER: sign_request(self.secret, "PUT", path, body)},
            timeout=30.0,
        )
        try:
            return resp.status, json.loads(resp.body).get("state", "")
        except ValueError:
            return resp.status, ""

    def move(self, app_id: str, queue: str) -> Any:
        return self.signed("PUT", f"/ws/v1/cluster/apps/{quote(app_id)}/queue", {"queue": queue})

    # ------------------------------------------------------------------ cluster
    def nodes(self, states: str | None = None) -> list[dict[str, Any]]:
        data = self.get("/ws/v1/cluster/nodes", states=states) if states else self.get("/ws/v1/cluster/nodes")
        return ((data or {}).get("nodes") or {}).get("node") or []

    def metrics(self) -> dict[str, Any]:
        return self.get("/ws/v1/cluster/metrics")["clusterMetrics"]

    def queue(self, name: str) -> dict[str, Any]:
        return self.get(f"/ws/v1/cluster/queues/{quote(name)}")["queue"]

    def admin(self, op: str) -> Any:
        return self.signed("POST", f"/rpc/admin/{op}", {})


class AMClient:
    """What an ApplicationMaster uses: its token from ``PYHDP_APP_TOKEN``."""

    def __init__(self, attempt_id: str | None = None, rm: str | None = None, token: str | None = None):
        from pyhdp.yarn import ids

        self.attempt_id = attempt_id or os.environ["PYHDP_APP_ATTEMPT_ID"]
        self.app_id = ids.app_of_attempt(self.attempt_id)
        self.rm = rm or os.environ["PYHDP_RM_ADDRESS"]
        self.token = (token or os.environ["PYHDP_APP_TOKEN"]).encode()

    def _rm(self, path: str, payload: dict[str, Any]) -> Any:
        payload = dict(payload, attempt_id=self.attempt_id)
        return yrpc.call(self.rm, "POST", path, payload, key=self.token, app_id=self.app_id)

    def register(self, host: str, rpc_port: int, tracking_url: str) -> Any:
        return self._rm(
            "/rpc/am/register", {"host": host, "rpc_port": rpc_port, "tracking_url": tracking_url}
        )

    def allocate(
        self,
        asks: list[dict[str, Any]],
        releases: list[str],
        progress: float,
        blacklist: list[str] | None = None,
    ) -> dict[str, Any]:
        return self._rm(
            "/rpc/am/allocate",
            {"asks": asks, "releases": releases, "progress": progress, "blacklist": blacklist or []},
        )

    def finish(self, final_status: str, diagnostics: str = "", tracking_url: str = "") -> Any:
        return self._rm(
            "/rpc/am/finish",
            {"final_status": final_status, "diagnostics": diagnostics, "tracking_url": tracking_url},
        )

    def start_container(
        self, nm_http: str, container_id: str, user: str, resource: dict[str, Any], spec: dict[str, Any]
    ) -> Any:
        return yrpc.call(
            nm_http,
            "POST",
            "/rpc/containers/start",
            {"container_id": container_id, "user": user, "resource": resource, "spec": spec},
            key=self.token,
            app_id=self.app_id,
            timeout=60.0,
        )

    def stop_container(self, nm_http: str, container_id: str) -> Any:
        return yrpc.call(
            nm_http,
            "POST",
            "/rpc/containers/stop",
            {"container_id": container_id},
            key=self.token,
            app_id=self.app_id,
            timeout=10.0,
        )


def kill_job(conf: Any, job_id: str, user: str = "") -> bool:
    """Kill the YARN application running MapReduce job ``job_<ts>_<n>`` through the RM (for
    ``mapred job -kill`` of jobs whose history says ``runner: yarn``); True when the RM took it."""
    from pyhdp.security import current_user
    from pyhdp.yarn import ids

    try:
        app_id = ids.app_of_job(job_id)
        ids.parse_app_id(app_id)
    except ValueError:
        return False
    status, _state = YarnClient(conf).kill(app_id, user or current_user(conf))
    return status in (200, 202)
