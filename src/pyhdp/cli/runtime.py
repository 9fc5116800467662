"""What every entry point shares: logging set-up, error reporting, running a target.

Errors reach the user as one Hadoop-style line (``<prog>: <message>``) and an exit code;
the Python traceback only with ``--debug`` or ``HADOOP_ROOT_LOGGER=DEBUG,...``.  A closed
pipe (``hdfs dfs -cat f | head``) ends quietly; Ctrl-C exits 130 as FsShell does.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback

_LEVELS = {
    "ALL": logging.NOTSET,
    "TRACE": logging.DEBUG,
    "DEBUG": logging.DEBUG,
    "INFO": logging.INFO,
    "WARN": logging.WARNING,
    "WARNING": logging.WARNING,
    "ERROR": logging.ERROR,
    "FATAL": logging.CRITICAL,
    "OFF": logging.CRITICAL + 10,
}


def debug_requested() -> bool:
    root = os.environ.get("HADOOP_ROOT_LOGGER", "")
    return root.split(",", 1)[0].strip().upper() in ("DEBUG", "TRACE", "ALL") or bool(os.environ.get("PYHDP_DEBUG"))


class _HadoopFormatter(logging.Formatter):
    """``2026-11-28 16:20:01,123 INFO conf.Configuration: message`` as log4j's console layout."""

    def format(self, record: logging.LogRecord) -> str:
        level = {"WARNING": "WARN", "CRITICAL": "FATAL"}.get(record.levelname, record.levelname)
        when = self.formatTime(record, "%Y-%m-%d %H:%M:%S") + f",{int(record.msecs):03d}"
        text = f"{when} {level} {record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def setup_logging(loglevel: str | None = None) -> None:
    """``--loglevel`` wins over ``HADOOP_ROOT_LOGGER`` (``LEVEL,console``); default WARN on stderr."""
    spec = loglevel or os.environ.get("HADOOP_ROOT_LOGGER", "") or "WARN"
    level_name = spec.split(",", 1)[0].strip().upper()
    level = _LEVELS.get(level_name, logging.WARNING)
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_pyhdp", False):
            root.removeHandler(h)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_HadoopFormatter())
    handler._pyhdp = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)


def report_error(prog: str, exc: BaseException, debug: bool) -> int:
    from pyhdp.errors import PyhdpError

    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    message = str(exc) or type(exc).__name__
    sys.stderr.write(f"{message}\n" if message.startswith(("ERROR", prog)) else f"{prog}: {message}\n")
    if isinstance(exc, PyhdpError):
        return exc.exit_code
    return 1


def load_conf(opts) -> object:
    from pyhdp.conf import load_configuration

    return load_configuration(opts.config)


def run_target(prog: str, name: str, target: str, args: list[str], opts, tool: bool, debug: bool) -> int:
    """Load configuration, apply generic options if ``tool``, call the target, map errors."""
    from pyhdp.cli.main import _import_target
    from pyhdp.errors import ConfigError, UsageError

    try:
        conf = load_conf(opts)
        if tool:
            from pyhdp.cli.generic import apply_generic_options, parse_generic_options

            gopts, args = parse_generic_options(args)
            apply_generic_options(conf, gopts)
        func = _import_target(target)
        code = func(args, conf)
        _flush_stdout()
        return int(code or 0) & 0xFF
    except BrokenPipeError:
        _silence_stdout()
        return 0 if os.environ.get("PYHDP_EPIPE_ZERO", "1") == "1" else 141
    except KeyboardInterrupt:
        sys.stderr.write(f"{name}: Interrupted\n")
        return 130
    except (ConfigError, UsageError) as e:
        if debug:
            traceback.print_exc()
        sys.stderr.write(f"{e}\n")
        return e.exit_code
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if debug:
            traceback.print_exc()
        else:
            sys.stderr.write(f"{name}: {type(e).__name__}: {e}\n" if not str(e) else f"{name}: {e}\n")
            if not isinstance(e, OSError):
                sys.stderr.write("(run with --debug for the Python traceback)\n")
        return 1
    finally:
        try:
            from pyhdp.fs import registry

            registry.close_all()
        except Exception:  # noqa: BLE001
            pass


def _flush_stdout() -> None:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
