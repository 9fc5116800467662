"""Signed JSON calls between YARN processes (HMAC of :mod:`pyhdp.net.auth`).

Two keys: the cluster secret (NodeManager ↔ ResourceManager, clients and admin calls) and
per-application tokens ``HMAC(secret, "app:" + app_id)`` that the RM hands to an
ApplicationMaster (env ``PYHDP_APP_TOKEN``): with it the AM talks to the RM scheduler and
starts or stops its containers on NodeManagers, tasks report to their AM, and reducers fetch
that application's map outputs, but nothing of other applications.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from pyhdp.net.auth import HEADER, AuthError, sign_request, verify_request

APP_HEADER = "X-Pyhdp-App"


class RpcError(Exception):
    def __init__(self, status: int, exception: str, message: str):
        super().__init__(message)
        self.status = status
        self.exception = exception
        self.message = message


def app_token(secret: bytes, app_id: str) -> bytes:
    return hmac.new(secret, f"app:{app_id}".encode(), hashlib.sha256).hexdigest().encode()


def key_for(secret: bytes, app_id: str | None) -> bytes:
    return app_token(secret, app_id) if app_id else secret


def verify(
    secret: bytes, method: str, path_qs: str, body: bytes, headers: Any, app_id: str | None = None
) -> None:
    """Accept the cluster secret, or the token of ``app_id`` when the caller names that app."""
    sig = headers.get(HEADER)
    claimed = headers.get(APP_HEADER)
    if claimed:
        if app_id is not None and claimed != app_id:
            raise AuthError(f"Token of {claimed} cannot be used for {app_id}")
        verify_request(app_token(secret, claimed), method, path_qs, body, sig)
        return
    verify_request(secret, method, path_qs, body, sig)


def call(
    addr: str,
    method: str,
    path: str,
    payload: Any = None,
    *,
    key: bytes | None = None,
    app_id: str | None = None,
    timeout: float = 30.0,
) -> Any:
    """One signed JSON request; returns the decoded answer, raises :class:`RpcError`."""
    from pyhdp.net import httpclient

    body = b"" if payload is None else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if key is not None:
        headers[HEADER] = sign_request(key, method, path, body)
        if app_id:
            headers[APP_HEADER] = app_id
    resp = httpclient.request(addr, method, path, body if body else None, headers, timeout=timeout)
    data: Any = None
    if resp.body:
        try:
            data = json.loads(resp.body)
        except ValueError:
            data = resp.body.decode("utf-8", "replace")
    if resp.status >= 400:
        exc, msg = "RemoteException", str(data)
        if isinstance(data, dict) and "RemoteException" in data:
            exc = data["RemoteException"].get("exception", exc)
            msg = data["RemoteException"].get("message", msg)
        raise RpcError(resp.status, exc, msg)
    return data


def remote_exception(exception: str, message: str, java_class: str = "") -> dict[str, Any]:
    return {
        "RemoteException": {
            "exception": exception,
            "message": message,
            "javaClassName": java_class or f"org.apache.hadoop.yarn.webapp.{exception}",
        }
    }


def verify_token(token: bytes, method: str, path_qs: str, body: bytes, headers: Any, app_id: str) -> None:
    """For a holder of one application token (the AM): the request must be signed with it."""
    if headers.get(APP_HEADER) != app_id:
        raise AuthError(f"Requests to this ApplicationMaster need the token of {app_id}")
    verify_request(token, method, path_qs, body, headers.get(HEADER))
