"""``yarn jar job.py IN OUT [args]`` / ``hadoop jar job.py ...``: run a Python job file.

The file runs as ``python job.py ARGS`` would run it (``__name__ == "__main__"``, ``sys.argv``
= the file and its arguments, its directory first on ``sys.path``), inside this command's
process so that it uses this command's configuration: the conf loaded for ``hadoop``
(``--config``, site files) is published as :data:`CLI_CONF` for the job API to start from.
A file that does not import gets one clear line naming the file and line.
"""

from __future__ import annotations

import os
import runpy
import sys
import traceback
from typing import Any

#: the configuration of the ``hadoop jar`` / ``yarn jar`` command running a job file
CLI_CONF: Any = None


def _syntax_message(path: str, e: SyntaxError) -> str:
    where = f"{e.filename or path}, line {e.lineno}"
    return f"Error loading job file {path}: {type(e).__name__}: {e.msg} ({where})"


def _import_message(path: str, e: BaseException) -> str:
    tb = traceback.extract_tb(e.__traceback__)
    frames = [f for f in tb if os.path.abspath(f.filename) == os.path.abspath(path)]
    frame = frames[-1] if frames else (tb[-1] if tb else None)
    where = f" ({frame.filename}, line {frame.lineno})" if frame else ""
    return f"Error loading job file {path}: {type(e).__name__}: {e}{where}"


def run_job_file(path: str, args: list[str], conf: Any) -> int:
    global CLI_CONF
    CLI_CONF = conf
    job_dir = os.path.dirname(os.path.abspath(path))
    old_argv, old_path = sys.argv, list(sys.path)
    sys.argv = [path, *args]
    if job_dir not in sys.path:
        sys.path.insert(0, job_dir)
    os.environ.setdefault("PYHDP_JOB_FILE", os.path.abspath(path))
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        code = e.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code & 0xFF
        sys.stderr.write(f"{code}\n")
        return 1
    except SyntaxError as e:
        sys.stderr.write(_syntax_message(path, e) + "\n")
        return 1
    except (ImportError, NameError, AttributeError) as e:
        if os.environ.get("PYHDP_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(_import_message(path, e) + "\n")
        return 1
    finally:
        sys.argv = old_argv
        sys.path[:] = old_path
    return 0
