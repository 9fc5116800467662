"""From a ``-mapper`` string to a running process: argv, program lookup and environment.

Hadoop (``PipeMapRed``) runs the command without a shell: the string is split on spaces,
a ``'...'`` or ``"..."`` section is one argument (quotes removed, no escapes, no
variables, no globbing, no pipes).  A relative program is looked up in the task's working
directory first, then in ``PATH``.  The environment is the task's own plus every job
configuration key with each character outside ``[A-Za-z0-9]`` turned into ``_``, plus
``stream.addenvironment`` (``HADOOP_ROOT_LOGGER=`` and the ``-cmdenv`` pairs).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Mapping

LOG = logging.getLogger("streaming.PipeMapRed")

_UNSAFE = re.compile(r"[^A-Za-z0-9]")


def split_args(cmd: str) -> list[str]:
    """``PipeMapRed.splitArgs``: spaces separate, quotes group and also end a token."""
    out: list[str] = []
    state = None  # None outside, "'" or '"' inside quotes
    start = 0
    n = len(cmd)
    for c in range(n + 1):
        last = c == n
        end_token = False
        if not last:
            ch = cmd[c]
            if ch in ("'", '"'):
                if state is None:
                    state = ch
                    end_token = True
                elif state == ch:
                    state = None
                    end_token = True
            elif ch == " " and state is None:
                end_token = True
        if last or end_token:
            if c != start:
                out.append(cmd[start:c])
            start = c + 1
    return out


def safe_env_name(name: str) -> str:
    return _UNSAFE.sub("_", name)


def resolve_program(argv: list[str], work_dir: str, path: str | None = None) -> list[str]:
    """Make argv[0] absolute: the task's working directory first, then ``PATH`` (as Hadoop)."""
    if not argv:
        return argv
    prog = argv[0]
    if os.path.isabs(prog):
        return argv
    local = os.path.join(work_dir, prog)
    if os.path.isfile(local):
        try:
            os.chmod(local, os.stat(local).st_mode | 0o111)
        except OSError:
            pass
        return [os.path.abspath(local), *argv[1:]]
    if "/" in prog:
        return argv
    search = os.pathsep.join(
        p for p in (work_dir, path if path is not None else os.environ.get("PATH", "")) if p
    )
    found = shutil.which(prog, path=search)
    if found:
        return [found, *argv[1:]]
    return argv


def add_environment(env: dict[str, str], spec: str | None) -> None:
    """``stream.addenvironment``: ``a=b c=d`` split on single spaces (so values cannot hold spaces)."""
    if not spec:
        return
    for entry in spec.split(" "):
        if not entry:
            continue
        name, sep, value = entry.partition("=")
        if not sep:
            LOG.warning("Skip env entry:%s", entry)
            continue
        env[name] = value


def build_environment(
    conf_items: Mapping[str, str],
    task_env: Mapping[str, str],
    work_dir: str,
    add_env: str | None,
    truncate_limit: int = -1,
    base: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The command's environment: ``base`` (the task's) + job conf + task variables + ``-cmdenv``."""
    env = dict(os.environ if base is None else base)
    for key, value in conf_items.items():
        name = safe_env_name(key)
        if truncate_limit >= 0 and len(value) > truncate_limit:
            value = value[:truncate_limit]
            LOG.warning(
                "Environment variable %s truncated to %d to  fit system limits.", name, truncate_limit
            )
        env[name] = value
    for key, value in task_env.items():
        env[safe_env_name(key)] = str(value)
    add_environment(env, add_env)
    tmp = os.path.join(work_dir, "tmp")
    try:
        os.makedirs(tmp, exist_ok=True)
        env["TMPDIR"] = tmp
    except OSError:
        pass
    return env
