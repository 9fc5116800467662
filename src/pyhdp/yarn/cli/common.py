"""What the ``yarn`` client commands share: commons-cli style options, the RM client line,
Hadoop's number formats."""

from __future__ import annotations

import datetime
import sys
from typing import Any


class UsageError(Exception):
    pass


def parse(
    args: list[str], with_arg: set[str], flags: set[str], multi: set[str] = frozenset()
) -> dict[str, Any]:
    """``-opt value`` / ``-flag`` options (case-sensitive, single dash as commons-cli)."""
    out: dict[str, Any] = {}
    i = 0
    known = {o.lower(): o for o in with_arg | flags}
    while i < len(args):
        a = args[i]
        name = a.lstrip("-")
        key = known.get(name.lower()) if a.startswith("-") else None
        if key is None:
            if a.startswith("-"):
                raise UsageError(f"Unrecognized option: {a}")
            out.setdefault("_rest", []).append(a)
            i += 1
            continue
        if key in flags:
            out[key] = True
            i += 1
            continue
        if i + 1 >= len(args):
            raise UsageError(f"Missing argument for option: {name}")
        if key in multi:
            vals = []
            i += 1
            while i < len(args) and not args[i].startswith("-"):
                vals.append(args[i])
                i += 1
            out[key] = vals
            continue
        out[key] = args[i + 1]
        i += 2
    return out


def stamp() -> str:
    now = datetime.datetime.now()
    return now.strftime("%Y-%m-%d %H:%M:%S") + f",{now.microsecond // 1000:03d}"


def connecting(client: Any) -> None:
    sys.stderr.write(
        f"{stamp()} INFO client.DefaultNoHARMFailoverProxyProvider: {client.connecting_message()}\n"
    )


def percent(fraction: float) -> str:
    """Java ``DecimalFormat("###.##%")``."""
    v = round(fraction * 100, 2)
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def client(conf: Any):
    from pyhdp.yarn.client import YarnClient

    c = YarnClient(conf)
    connecting(c)
    return c


def guard(fn):
    """Turn a refused connection or an RM error into one line and exit code 255."""

    def wrapper(args: list[str], conf: Any) -> int:
        from pyhdp.net.httpclient import ConnectError
        from pyhdp.yarn.rpc import RpcError

        try:
            return fn(args, conf)
        except ConnectError as e:
            sys.stderr.write(f"{e}\n")
            return 255
        except RpcError as e:
            sys.stderr.write(f'Exception in thread "main" {e.exception}: {e.message}\n')
            return 255

    wrapper.__doc__ = fn.__doc__
    return wrapper
