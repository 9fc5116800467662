"""What every entry point shares: logging set-up, error reporting, running a target.

Errors reach the user as one line and an exit code; the Python traceback only with
``--debug`` or ``HADOOP_ROOT_LOGGER=DEBUG,...``.  A closed pipe (``hdfs dfs -cat f | head``)
ends quietly; Ctrl-C exits 130 as FsShell does.

Logging follows Hadoop's ``log4j.properties``: the root level comes from ``--loglevel LEVEL``
or ``HADOOP_ROOT_LOGGER=LEVEL,appender`` (default ``INFO,console``) and lines look like
``2026-11-28 16:20:01,123 INFO conf.Configuration: message`` (``%d{ISO8601} %p %c{2}: %m``).
Loggers named like Hadoop's (``org.apache.hadoop.mapreduce.Job``, ``streaming.StreamJob``)
therefore print INFO by default, as Hadoop's do; pyhdp's internal loggers (``pyhdp.*``)
and chatty libraries stay at WARN unless a level is asked for explicitly.
"""

from __future__ import annotations

import os
import sys

# log4j level names -> logging levels (numbers, so that this module need not import logging)
_LEVELS = {
    "ALL": 1, "TRACE": 10, "DEBUG": 10, "INFO": 20, "WARN": 30, "WARNING": 30,
    "ERROR": 40, "FATAL": 50, "OFF": 60,
}  # fmt: skip
#: The command being run (``hadoop``, ``hdfs`` ...), for targets shared by several commands.
current_prog: str | None = None
#: The shell options of the running command (``--config`` ...).
current_opts = None
_QUIET_BY_DEFAULT = ("pyhdp", "paramiko", "asyncio", "aiohttp", "urllib3", "filelock")
_spec: str | None = None


def _root_logger_spec(loglevel: str | None) -> str:
    """``--loglevel``, else ``HADOOP_ROOT_LOGGER``, else ``-Dhadoop.root.logger=`` in ``HADOOP_OPTS``."""
    if loglevel:
        return f"{loglevel},console"
    spec = os.environ.get("HADOOP_ROOT_LOGGER", "")
    if not spec and "hadoop.root.logger" in os.environ.get("HADOOP_OPTS", "") + os.environ.get(
        "HADOOP_CLIENT_OPTS", ""
    ):
        from pyhdp.conf.configuration import jvm_options

        spec = jvm_options().get("hadoop.root.logger", "")
    return spec


def debug_requested(loglevel: str | None = None) -> bool:
    """Whether tracebacks are wanted: level DEBUG/TRACE/ALL, or ``PYHDP_DEBUG`` set."""
    level = _root_logger_spec(loglevel).split(",", 1)[0].strip().upper()
    return level in ("DEBUG", "TRACE", "ALL") or bool(os.environ.get("PYHDP_DEBUG"))


def _formatter_class(logging):
    class HadoopFormatter(logging.Formatter):
        """log4j's ``%d{ISO8601} %p %c{2}: %m%n``: ``2026-11-28 16:20:01,123 INFO conf.Configuration: message``."""

        def format(self, record) -> str:
            level = {"WARNING": "WARN", "CRITICAL": "FATAL"}.get(record.levelname, record.levelname)
            when = self.formatTime(record, "%Y-%m-%d %H:%M:%S") + f",{int(record.msecs):03d}"
            name = ".".join(record.name.split(".")[-2:])
            text = f"{when} {level} {name}: {record.getMessage()}"
            if record.exc_info:
                text += "\n" + self.formatException(record.exc_info)
            return text

    return HadoopFormatter


def setup_logging(loglevel: str | None = None) -> None:
    """``--loglevel`` wins over ``HADOOP_ROOT_LOGGER``; the appender ``NullAppender`` silences,
    ``RFA``/``DRFA`` write to ``$HADOOP_LOG_DIR/$HADOOP_LOGFILE`` when both are set, anything
    else (``console``) writes to stderr.

    The ``logging`` module is not imported here (it costs a few milliseconds of start-up):
    it is configured as soon as anything imports it, through a one-shot import hook.
    """
    global _spec
    _spec = _root_logger_spec(loglevel)
    if "logging" in sys.modules:
        _configure(sys.modules["logging"])
    elif not any(isinstance(f, _LoggingImportHook) for f in sys.meta_path):
        sys.meta_path.insert(0, _LoggingImportHook())


class _LoggingImportHook:
    """Finds ``logging`` like the normal path finder, then configures it right after it loads."""

    def find_spec(self, name, path=None, target=None):
        if name != "logging":
            return None
        sys.meta_path.remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_and_configure(module) -> None:
            exec_module(module)
            _configure(module)

        spec.loader.exec_module = exec_and_configure  # type: ignore[method-assign]
        return spec

    def invalidate_caches(self) -> None:
        pass


def _configure(logging) -> None:
    spec = _spec or ""
    level_name, _, appenders = spec.partition(",")
    level_name = level_name.strip().upper()
    explicit = bool(level_name)
    level = _LEVELS.get(level_name, 20)
    names = [a.strip() for a in appenders.split(",") if a.strip()] or ["console"]
    if all(a == "NullAppender" for a in names):
        handler = logging.NullHandler()
    elif (
        any(a in ("RFA", "DRFA") for a in names)
        and os.environ.get("HADOOP_LOG_DIR")
        and os.environ.get("HADOOP_LOGFILE")
    ):
        handler = logging.FileHandler(
            os.path.join(os.environ["HADOOP_LOG_DIR"], os.environ["HADOOP_LOGFILE"])
        )
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_formatter_class(logging)())
    handler._pyhdp = True
    root = logging.getLogger()
    for h in list(root.handlers):
        if getattr(h, "_pyhdp", False):
            root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _QUIET_BY_DEFAULT:
        logging.getLogger(name).setLevel(0 if explicit else max(level, 30))


def report_error(prog: str, exc: BaseException, debug: bool) -> int:
    """Print ``exc`` as one line (the traceback first with ``debug``); returns its exit code.

    Usage errors carry Hadoop's exact text and print as they are; other errors get the
    program's name in front (``hdfs: /etc/pyhdp/core-site.yaml:3: malformed YAML: ...``).
    """
    from pyhdp.errors import PyhdpError, UsageError

    if debug:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    message = str(exc) or type(exc).__name__
    if isinstance(exc, UsageError) or message.startswith(("ERROR", f"{prog}:")):
        sys.stderr.write(f"{message}\n")
    else:
        sys.stderr.write(f"{prog}: {message}\n")
    return exc.exit_code if isinstance(exc, PyhdpError) else 1


def load_conf(opts) -> object:
    from pyhdp.conf import load_configuration

    return load_configuration(opts.config)


class TargetMissing(Exception):
    """The module implementing a sub-command is not part of this pyhdp (yet)."""


def import_target(target: str):
    import importlib

    module, _, func = target.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            raise TargetMissing(module) from e
        raise
    try:
        return getattr(mod, func)
    except AttributeError:
        raise TargetMissing(target) from None


def run_target(
    prog: str,
    name: str,
    target: str,
    args: list[str],
    opts,
    tool: bool,
    debug: bool,
    conf_errors_ok: bool = False,
) -> int:
    """Load configuration, apply generic options if ``tool``, call the target, map errors.

    With ``conf_errors_ok`` (``pyhdp doctor``) a configuration that does not load gives the
    target the bundled defaults, with the error as ``conf.load_error``.
    """
    from pyhdp.errors import ConfigError, PyhdpError, UsageError

    global current_prog, current_opts
    current_prog, current_opts = prog, opts
    try:
        try:
            conf = load_conf(opts)
        except ConfigError as e:
            if not conf_errors_ok:
                raise
            from pyhdp.conf import Configuration
            from pyhdp.conf.configuration import find_conf_dir

            conf = Configuration()
            conf.set(
                "pyhdp.conf.dir", os.path.abspath(find_conf_dir(getattr(opts, "config", None))), "runtime"
            )
            conf.load_error = e  # type: ignore[attr-defined]
        if tool:
            from pyhdp.cli.generic import apply_generic_options, parse_generic_options

            gopts, args = parse_generic_options(args)
            apply_generic_options(conf, gopts)
        if getattr(opts, "debug", False):
            _debug_lines(prog, name, target, conf)
        func = import_target(target)
        code = func(args, conf)
        _flush_stdout()
        return int(code or 0) & 0xFF
    except BrokenPipeError:
        _silence_stdout()
        return 0 if os.environ.get("PYHDP_EPIPE_ZERO", "1") == "1" else 141
    except KeyboardInterrupt:
        sys.stderr.write(f"{name}: Interrupted\n")
        return 130
    except TargetMissing:
        if debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"ERROR: {prog} {name} is not available in this version of pyhdp.\n")
        return 1
    except (ConfigError, UsageError, PyhdpError) as e:
        return report_error(prog, e, debug)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if debug:
            import traceback

            traceback.print_exc()
        else:
            sys.stderr.write(f"{name}: {e}\n" if str(e) else f"{name}: {type(e).__name__}\n")
            if not isinstance(e, OSError):
                sys.stderr.write(
                    f"(an internal error: {type(e).__name__}; run with --debug for the Python traceback)\n"
                )
        return 1
    finally:
        _close_filesystems()


def _debug_lines(prog: str, name: str, target: str, conf) -> None:
    """``--debug``: what the shell scripts' debug mode shows, for pyhdp (``DEBUG: ...`` on stderr)."""
    w = sys.stderr.write
    w(f"DEBUG: HADOOP_CONF_DIR={conf.get('pyhdp.conf.dir') or ''}\n")
    w(f"DEBUG: resources: {', '.join(getattr(conf, 'resources', []))}\n")
    w(f"DEBUG: HADOOP_ROOT_LOGGER={_spec or 'INFO,console'}\n")
    w(f"DEBUG: {prog} {name} -> {target}\n")


def _close_filesystems() -> None:
    mod = sys.modules.get("pyhdp.fs.registry")
    if mod is None:
        return  # nothing was opened: do not import the registry just to close nothing
    try:
        mod.close_all()
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
