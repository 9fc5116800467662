"""The ``Configuration`` object: key/value settings with Hadoop's precedence and typed getters.

Precedence, lowest first: bundled ``*-default.yaml`` < site files in the conf dir
(``core-site``, ``hdfs-site``, ``mapred-site``, ``yarn-site``) < ``-conf FILE`` < ``-D``.
As in Hadoop, a resource may mark a key ``final`` so that later *resources* cannot change
it, while values set programmatically (``-D``, :meth:`Configuration.set`) always win, even
over resources loaded after them (Hadoop's "overlay").  Values are stored as strings, as
Hadoop does; ``${...}`` is expanded on read; typed getters convert on read and raise
:class:`pyhdp.errors.ConfigError` naming the key and the file (and line) the value came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping

from pyhdp.conf.deprecation import DEPRECATED_KEYS, canonical, warn_deprecated
from pyhdp.errors import ConfigError

DEFAULT_RESOURCES = ("core-default", "hdfs-default", "mapred-default", "yarn-default")
SITE_RESOURCES = ("core-site", "hdfs-site", "mapred-site", "yarn-site")

_SIZE_SUFFIX = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50, "e": 1 << 60}
_TIME_SUFFIX_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3, "d": 86400e3}
_TIME_UNITS = {
    "ns": "ns", "nanoseconds": "ns", "us": "us", "microseconds": "us", "ms": "ms", "milliseconds": "ms",
    "s": "s", "seconds": "s", "m": "m", "minutes": "m", "h": "h", "hours": "h", "d": "d", "days": "d",
}  # fmt: skip
#: Hadoop's ``Configuration.MAX_SUBST``: expansion steps before giving up.
MAX_SUBST = 20

_final_logger = None


def _log_final_override(source: str, key: str) -> None:
    global _final_logger
    if _final_logger is None:
        import logging

        _final_logger = logging.getLogger("org.apache.hadoop.conf.Configuration")
    _final_logger.warning("%s:an attempt to override final parameter: %s;  Ignoring.", source, key)


class Configuration:
    """Settings by key.

    ``sources[key]`` names the resource that set each value (a file path, ``core-default.yaml``,
    ``from command line`` ...) and ``lines[key]`` the line in that file when known.
    """

    def __init__(self, load_defaults: bool = True):
        self._props: dict[str, str] = {}
        self._overlay: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.lines: dict[str, int] = {}
        self.finals: set[str] = set()
        self.resources: list[str] = []
        if load_defaults:
            self._load_defaults()

    # ------------------------------------------------------------------ loading
    def _load_defaults(self) -> None:
        from pyhdp.conf.bundled import bundled_defaults

        for name, values, finals in bundled_defaults():
            source = f"{name}.yaml"
            self._props.update(values)
            self.sources.update(dict.fromkeys(values, source))
            self.finals.update(finals)
            self.resources.append(source)

    @property
    def descriptions(self) -> Mapping[str, str]:
        """Descriptions of the bundled keys (loaded on first use)."""
        from pyhdp.conf.bundled import bundled_descriptions

        return bundled_descriptions()

    def add_resource(self, path: str) -> None:
        """Load a site file (YAML in either form, or Hadoop XML); ``final`` is honoured."""
        from pyhdp.conf import loader

        for key, value, final, _desc, line in loader.read_file(path):
            self._set_from_resource(key, value, path, final, line)
        self.resources.append(path)

    def add_entries(self, entries: Iterable[tuple], source: str) -> None:
        """Load already-parsed ``(key, value, final, description[, line])`` entries as one resource."""
        for entry in entries:
            key, value, final = entry[0], entry[1], entry[2]
            line = entry[4] if len(entry) > 4 else 0
            self._set_from_resource(key, value, source, final, line)
        self.resources.append(source)

    def _set_from_resource(
        self, key: str, value: str | None, source: str, final: bool, line: int = 0
    ) -> None:
        key = key.strip()
        if key in DEPRECATED_KEYS:
            key = warn_deprecated(key)
        if value is None or not key:
            return  # Hadoop ignores a property without a value
        if key in self.finals:
            if self._props.get(key) != value:
                _log_final_override(source, key)
            return
        if key not in self._overlay:
            self._props[key] = value
            self.sources[key] = source
            if line:
                self.lines[key] = line
            else:
                self.lines.pop(key, None)
        if final:
            self.finals.add(key)

    # ------------------------------------------------------------------ raw access
    def set(self, key: str, value: object, source: str = "programmatically") -> None:
        """Set ``key`` (wins over every resource, loaded before or after, and over ``final``)."""
        if value is None:
            raise ValueError(f"The value of property {key} must not be null")
        key = key.strip()
        if key in DEPRECATED_KEYS:
            key = warn_deprecated(key)
        if isinstance(value, bool):
            value = "true" if value else "false"
        text = str(value)
        self._props[key] = text
        self._overlay[key] = text
        self.sources[key] = source
        self.lines.pop(key, None)

    def set_if_unset(self, key: str, value: object) -> None:
        if self.get_raw(key) is None:
            self.set(key, value)

    def unset(self, key: str) -> None:
        key = canonical(key)
        self._props.pop(key, None)
        self._overlay.pop(key, None)
        self.sources.pop(key, None)
        self.lines.pop(key, None)

    def get_raw(self, key: str) -> str | None:
        """The value as stored, without ``${...}`` expansion."""
        if key in DEPRECATED_KEYS:
            key = canonical(key)
        return self._props.get(key)

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value with ``${...}`` expanded, or ``default`` when unset."""
        raw = self.get_raw(key)
        if raw is None:
            return default
        return self.expand(raw) if "${" in raw else raw

    def where(self, key: str) -> str:
        """``file`` or ``file, line N``: where the value of ``key`` came from."""
        key = canonical(key)
        src = self.sources.get(key, "configuration")
        line = self.lines.get(key)
        return f"{src}, line {line}" if line else src

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get_raw(key) is not None

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: object) -> None:
        self.set(key, value)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._props))

    def __len__(self) -> int:
        return len(self._props)

    def items(self) -> Iterator[tuple[str, str]]:
        for key in sorted(self._props):
            yield key, self.get(key) or ""

    def keys(self) -> Iterable[str]:
        return sorted(self._props)

    def with_prefix(self, prefix: str) -> dict[str, str]:
        """Expanded values of the keys starting with ``prefix``, the prefix removed
        (Hadoop's ``getPropsWithPrefix``)."""
        return {k[len(prefix) :]: self.get(k) or "" for k in sorted(self._props) if k.startswith(prefix)}

    def copy(self) -> Configuration:
        new = Configuration(load_defaults=False)
        new._props = dict(self._props)
        new._overlay = dict(self._overlay)
        new.sources = dict(self.sources)
        new.lines = dict(self.lines)
        new.finals = set(self.finals)
        new.resources = list(self.resources)
        return new

    def update(self, values: Mapping[str, object], source: str = "programmatically") -> None:
        for k, v in values.items():
            self.set(k, v, source)

    # ------------------------------------------------------------------ expansion
    def expand(self, expr: str) -> str:
        """Hadoop's ``substituteVars``: innermost ``${var}`` first; ``env.NAME``, ``env.NAME:-dflt``
        and ``env.NAME-dflt``, then a (Java) system property, then another key; an unbound variable
        stops expansion and is left as it is; a value referring to itself is returned unexpanded."""
        value = expr
        for _ in range(MAX_SUBST):
            start, end = _find_sub_variable(value)
            if start < 0:
                return value
            var = value[start:end]
            replacement = self._resolve_var(var)
            if replacement is None:
                return value
            ref = "${" + var + "}"
            if ref in replacement:
                return expr  # a loop: give up, as Hadoop does
            value = value[: start - 2] + replacement + value[end + 1 :]
        raise ConfigError(f"Variable substitution depth too large: {MAX_SUBST} {expr}")

    def _resolve_var(self, var: str) -> str | None:
        if var.startswith("env.") and len(var) > 4:
            spec = var[4:]
            for i, c in enumerate(spec):
                if c == ":" and i < len(spec) - 1 and spec[i + 1] == "-":
                    val = os.environ.get(spec[:i])
                    return val if val else spec[i + 2 :]
                if c == "-":
                    val = os.environ.get(spec[:i])
                    return spec[i + 1 :] if val is None else val
            val = os.environ.get(spec)
            if val is not None:
                return val
        else:
            val = system_property(var)
            if val is not None:
                return val
        return self.get_raw(var)

    # ------------------------------------------------------------------ typed getters
    def _bad(self, key: str, value: str, what: str) -> ConfigError:
        return ConfigError(
            f'Invalid value for {canonical(key)} in {self.where(key)}: "{value}" is not {what}'
        )

    def get_trimmed(self, key: str, default: str | None = None) -> str | None:
        value = self.get(key)
        return default if value is None else value.strip()

    def get_int(self, key: str, default: int = 0) -> int:
        """An integer (decimal, or hexadecimal with ``0x``), as ``getInt``/``getLong``."""
        value = self.get_trimmed(key)
        if value is None or value == "":
            return default
        try:
            return parse_int(value)
        except ValueError:
            raise self._bad(key, value, "an integer") from None

    get_long = get_int

    def get_float(self, key: str, default: float = 0.0) -> float:
        value = self.get_trimmed(key)
        if value is None or value == "":
            return default
        try:
            return float(value[:-1] if value[-1:] in ("f", "F", "d", "D") else value)
        except ValueError:
            raise self._bad(key, value, "a number") from None

    def get_bool(self, key: str, default: bool = False) -> bool:
        """``true``/``false`` in any case; anything else gives ``default`` (as ``getBoolean``)."""
        value = self.get_trimmed(key)
        if value is None:
            return default
        low = value.lower()
        if low == "true":
            return True
        if low == "false":
            return False
        return default

    def get_size(self, key: str, default: int = 0) -> int:
        """A byte count with an optional binary suffix (``128m``), as ``getLongBytes``."""
        value = self.get_trimmed(key)
        if value is None or value == "":
            return default
        try:
            return parse_size(value)
        except ValueError:
            raise self._bad(
                key, value, "a size (a number with an optional suffix k, m, g, t, p or e)"
            ) from None

    get_long_bytes = get_size

    def get_duration(self, key: str, default: float, unit: str = "ms", result_unit: str = "s") -> float:
        """A duration: number with optional suffix (ns us ms s m h d); ``unit`` applies without one.

        Returns the value in ``result_unit`` (seconds by default); ``default`` is in ``result_unit``.
        """
        value = self.get_trimmed(key)
        if value is None or value == "":
            return default
        try:
            ms = parse_duration_ms(value, unit)
        except ValueError:
            raise self._bad(
                key, value, "a duration (a number with an optional unit ns, us, ms, s, m, h or d)"
            ) from None
        return ms / _TIME_SUFFIX_MS[result_unit]

    get_time_duration = get_duration

    def get_list(self, key: str, default: list[str] | None = None) -> list[str]:
        """Comma-separated values, each trimmed, empty ones dropped (``getTrimmedStrings``)."""
        value = self.get(key)
        if value is None:
            return list(default or [])
        return [v.strip() for v in value.split(",") if v.strip()]

    get_trimmed_strings = get_list

    def get_choice(self, key: str, choices: Iterable[str], default: str) -> str:
        """One of ``choices`` (case-insensitive, returned as spelled in ``choices``)."""
        value = self.get_trimmed(key)
        if value is None or value == "":
            return default
        options = list(choices)
        for c in options:
            if c.lower() == value.lower():
                return c
        raise self._bad(key, value, "one of " + ", ".join(options))

    # ------------------------------------------------------------------ output
    def write_xml(self, out, keys: Iterable[str] | None = None) -> None:
        """Write Hadoop's ``<configuration>`` XML (as ``Configuration.writeXml``)."""
        from xml.sax.saxutils import escape

        out.write('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<configuration>\n')
        for key in sorted(keys) if keys is not None else sorted(self._props):
            value = self.get(key)
            if value is None:
                continue
            final = "true" if key in self.finals else "false"
            src = escape(self.sources.get(key, "programmatically"))
            out.write(
                f"<property><name>{escape(key)}</name><value>{escape(value)}</value>"
                f"<final>{final}</final><source>{src}</source></property>\n"
            )
        out.write("</configuration>\n")


def _find_sub_variable(value: str) -> tuple[int, int]:
    """Hadoop's ``findSubVariable``: bounds of the name of the first innermost ``${name}``,
    or (-1, -1).  A ``}`` right after ``${``, a space or a ``$`` restart the search after them."""
    match_start = 1
    n = len(value)
    while True:
        left = value.find("{", match_start)
        if not (left > 0 and left + 2 < n):
            return -1, -1
        if value[left - 1] != "$":
            match_start = left + 1
            continue
        sub_start = left + 1
        for i in range(sub_start, n):
            c = value[i]
            if c == "}" and i > sub_start:
                return sub_start, i
            if c in "} $":
                match_start = i + 1
                break
        else:
            return -1, -1


def parse_int(value: str) -> int:
    v = value.strip()
    neg = v.startswith("-")
    body = v[1:] if neg else v
    if body[:2].lower() == "0x":
        n = int(body[2:], 16)
        return -n if neg else n
    if not body.isdigit():
        raise ValueError(value)
    return int(v)


def parse_size(value: str) -> int:
    v = value.strip().lower()
    if v and v[-1] in _SIZE_SUFFIX:
        num = v[:-1].strip()
        return int(float(num) * _SIZE_SUFFIX[v[-1]]) if "." in num else int(num) * _SIZE_SUFFIX[v[-1]]
    return parse_int(v)


_DURATION = re.compile(r"(-?\d+(?:\.\d+)?)\s*([a-z]*)")


def parse_duration_ms(value: str, unit: str = "ms") -> float:
    m = _DURATION.fullmatch(value.strip().lower())
    if not m:
        raise ValueError(value)
    suffix = m.group(2)
    if suffix:
        if suffix not in _TIME_UNITS:
            raise ValueError(value)
        suffix = _TIME_UNITS[suffix]
    return float(m.group(1)) * _TIME_SUFFIX_MS[suffix or unit]


def system_property(name: str) -> str | None:
    """The Java system properties Hadoop configuration files refer to, and pyhdp's own.

    ``user.name`` (``HADOOP_USER_NAME`` aside: the OS login name, as the JVM reports it),
    ``user.home``, ``java.io.tmpdir``, ``hadoop.home.dir`` (the package's HADOOP_HOME-like
    tree), ``hadoop.log.dir`` / ``yarn.log.dir`` (``HADOOP_LOG_DIR`` / ``YARN_LOG_DIR``, else
    ``~/.pyhdp/logs``) and ``pyhdp.cpus`` (the number of cores).
    """
    if name == "user.name":
        from pyhdp.security import login_user

        return login_user()
    if name == "user.home":
        return os.path.expanduser("~")
    if name == "java.io.tmpdir":
        return "/tmp"
    if name == "hadoop.log.dir":
        return os.environ.get("HADOOP_LOG_DIR") or os.path.join(os.path.expanduser("~"), ".pyhdp", "logs")
    if name == "yarn.log.dir":
        return (
            os.environ.get("YARN_LOG_DIR")
            or os.environ.get("HADOOP_LOG_DIR")
            or os.path.join(os.path.expanduser("~"), ".pyhdp", "logs")
        )
    if name == "hadoop.home.dir":
        from pyhdp.home import hadoop_home

        return hadoop_home()
    if name == "pyhdp.cpus":
        return str(os.cpu_count() or 1)
    return jvm_options().get(name)


def jvm_options() -> dict[str, str]:
    """``-Dname=value`` entries of ``HADOOP_OPTS`` and ``HADOOP_CLIENT_OPTS`` (later wins): the Java
    system properties users give Hadoop's JVM, which ``${name}`` expansion sees as Hadoop's does."""
    props: dict[str, str] = {}
    for var in ("HADOOP_OPTS", "HADOOP_CLIENT_OPTS"):
        for word in os.environ.get(var, "").split():
            if word.startswith("-D") and "=" in word:
                key, _, value = word[2:].partition("=")
                if key:
                    props[key] = value
    return props


def find_conf_dir(explicit: str | None = None) -> str:
    """``--config DIR``, else ``PYHDP_CONF_DIR``, else ``HADOOP_CONF_DIR``, else ``~/.pyhdp/conf``."""
    return (
        explicit
        or os.environ.get("PYHDP_CONF_DIR")
        or os.environ.get("HADOOP_CONF_DIR")
        or os.path.join(os.path.expanduser("~"), ".pyhdp", "conf")
    )


def site_file(directory: str, name: str) -> str | None:
    """The ``name`` site file of ``directory`` (``.yaml``, ``.yml`` or ``.xml``), or None.

    A directory holding two versions of the same file is an error naming both.
    """
    found = []
    for ext in (".yaml", ".yml", ".xml"):
        path = os.path.join(directory, name + ext)
        try:
            os.stat(path)
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            raise ConfigError(f"{directory}: the configuration directory is not a directory") from None
        except PermissionError:
            raise ConfigError(
                f"{directory}: cannot read configuration directory: Permission denied"
            ) from None
        found.append(path)
    if len(found) > 1:
        raise ConfigError(
            f"both {found[0]} and {found[1]} exist: keep only one of them "
            "(pyhdp reads a site file as YAML or as Hadoop XML, not both)"
        )
    return found[0] if found else None


def load_configuration(
    conf_dir: str | None = None,
    extra_files: Iterable[str] = (),
    overrides: Mapping[str, str] | None = None,
) -> Configuration:
    """Defaults, then the site files of the conf dir, then ``-conf`` files, then ``-D``."""
    conf = Configuration()
    directory = find_conf_dir(conf_dir)
    for name in SITE_RESOURCES:
        path = site_file(directory, name)
        if path:
            conf.add_resource(path)
    for path in extra_files:
        conf.add_resource(path)
    for key, value in (overrides or {}).items():
        conf.set(key, value, source="from command line")
    conf._props["pyhdp.conf.dir"] = os.path.abspath(directory)
    conf.sources["pyhdp.conf.dir"] = "runtime"
    return conf
