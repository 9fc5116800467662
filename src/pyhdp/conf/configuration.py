"""The ``Configuration`` object: key/value settings with Hadoop's precedence and typed getters.

Precedence, lowest first: bundled ``*-default.yaml`` < site files in the conf dir
(``core-site``, ``hdfs-site``, ``mapred-site``, ``yarn-site``) < ``-conf FILE`` < ``-D``.
Values are stored as strings (as Hadoop does); typed getters convert on read and raise
:class:`pyhdp.errors.ConfigError` naming the key and where the value came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Mapping

from pyhdp.errors import ConfigError

DEFAULT_RESOURCES = ("core-default", "hdfs-default", "mapred-default", "yarn-default")

_SIZE_SUFFIX = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50, "e": 1 << 60}
_TIME_SUFFIX_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3, "d": 86400e3}
_VAR = re.compile(r"\$\{([^}$\s]+)\}")
_MAX_SUBST = 20


class Configuration:
    """Settings by key. ``sources[key]`` names the resource that set each value."""

    def __init__(self, load_defaults: bool = True):
        self._props: dict[str, str] = {}
        self.sources: dict[str, str] = {}
        self.finals: set[str] = set()
        self.descriptions: dict[str, str] = {}
        if load_defaults:
            for name in DEFAULT_RESOURCES:
                self._load_default(name)

    # ------------------------------------------------------------------ loading
    def _load_default(self, name: str) -> None:
        from pyhdp.conf import loader

        for key, value, final, desc in loader.read_bundled(name):
            self._set_from_resource(key, value, f"{name}.yaml", final)
            if desc:
                self.descriptions[key] = desc

    def add_resource(self, path: str) -> None:
        """Load a site file (YAML in either form, or Hadoop XML); ``final`` is honoured."""
        from pyhdp.conf import loader

        for key, value, final, _desc in loader.read_file(path):
            self._set_from_resource(key, value, path, final)

    def _set_from_resource(self, key: str, value: str | None, source: str, final: bool) -> None:
        from pyhdp.conf.deprecation import canonical

        key = canonical(key.strip())
        if value is None:
            return
        if key in self.finals:
            import logging

            logging.getLogger("conf.Configuration").warning(
                "%s:an attempt to override final parameter: %s;  Ignoring.", source, key
            )
            return
        self._props[key] = value
        self.sources[key] = source
        if final:
            self.finals.add(key)

    # ------------------------------------------------------------------ raw access
    def set(self, key: str, value: object, source: str = "programmatically") -> None:
        from pyhdp.conf.deprecation import canonical

        key = canonical(key.strip())
        if isinstance(value, bool):
            value = "true" if value else "false"
        self._props[key] = str(value)
        self.sources[key] = source

    def unset(self, key: str) -> None:
        self._props.pop(key, None)
        self.sources.pop(key, None)

    def get_raw(self, key: str) -> str | None:
        from pyhdp.conf.deprecation import canonical

        return self._props.get(canonical(key))

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value with ``${...}`` expanded, or ``default`` when unset."""
        raw = self.get_raw(key)
        if raw is None:
            return default
        return self.expand(raw)

    def __contains__(self, key: str) -> bool:
        return self.get_raw(key) is not None

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key: str, value: object) -> None:
        self.set(key, value)

    def items(self) -> Iterator[tuple[str, str]]:
        for key in sorted(self._props):
            yield key, self.get(key) or ""

    def keys(self) -> Iterable[str]:
        return sorted(self._props)

    def copy(self) -> Configuration:
        new = Configuration(load_defaults=False)
        new._props = dict(self._props)
        new.sources = dict(self.sources)
        new.finals = set(self.finals)
        new.descriptions = self.descriptions
        return new

    def update(self, values: Mapping[str, object], source: str = "programmatically") -> None:
        for k, v in values.items():
            self.set(k, v, source)

    # ------------------------------------------------------------------ expansion
    def expand(self, value: str) -> str:
        for _ in range(_MAX_SUBST):
            match = _VAR.search(value)
            if not match:
                return value
            replacement = self._resolve_var(match.group(1))
            if replacement is None:
                # leave unresolved variables as they are, as Hadoop does; look further right
                rest = self._expand_after(value, match.end())
                return value[: match.end()] + rest
            value = value[: match.start()] + replacement + value[match.end():]
        raise ConfigError(f"Variable substitution depth too large: {_MAX_SUBST} {value}")

    def _expand_after(self, value: str, pos: int) -> str:
        tail = value[pos:]
        return self.expand(tail) if _VAR.search(tail) else tail

    def _resolve_var(self, name: str) -> str | None:
        if name.startswith("env."):
            spec = name[4:]
            if ":-" in spec:
                var, dflt = spec.split(":-", 1)
                return os.environ.get(var) or dflt
            if "-" in spec:
                var, dflt = spec.split("-", 1)
                return os.environ.get(var, dflt)
            return os.environ.get(spec)
        prop = system_property(name)
        if prop is not None:
            return prop
        return self.get_raw(name)

    # ------------------------------------------------------------------ typed getters
    def _bad(self, key: str, value: str, what: str) -> ConfigError:
        src = self.sources.get(key, "configuration")
        return ConfigError(f"Invalid value for {key} in {src}: \"{value}\" is not {what}")

    def get_trimmed(self, key: str, default: str | None = None) -> str | None:
        value = self.get(key)
        return default if value is None else value.strip()

    def get_int(self, key: str, default: int = 0) -> int:
        value = self.get_trimmed(key)
        if value is None or value == "":
            return default
        try:
            return int(value, 16) if value.lower().startswith(("0x", "-0x")) else int(value)
        except ValueError:
            raise self._bad(key, value, "an integer") from None

    def get_float(self, key: str, default: float = 0.0) -> float:
        value = self.get_trimmed(key)
        if value is None or value == "":
            return default
        try:
            return float(value.rstrip("fFdD"))
        except ValueError:
            raise self._bad(key, value, "a number") from None

    def get_bool(self, key: str, default: bool = False) -> bool:
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
            raise self._bad(key, value, "a size (e.g. 128m)") from None

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
            raise self._bad(key, value, "a duration (e.g. 3s)") from None
        return ms / _TIME_SUFFIX_MS[result_unit]

    def get_list(self, key: str, default: list[str] | None = None) -> list[str]:
        value = self.get(key)
        if value is None:
            return list(default or [])
        return [v.strip() for v in value.split(",") if v.strip()]


def parse_size(value: str) -> int:
    v = value.strip().lower()
    if v and v[-1] in _SIZE_SUFFIX:
        return int(float(v[:-1]) * _SIZE_SUFFIX[v[-1]])
    return int(v)


def parse_duration_ms(value: str, unit: str = "ms") -> float:
    v = value.strip().lower()
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)?", v)
    if not m:
        raise ValueError(value)
    return float(m.group(1)) * _TIME_SUFFIX_MS[m.group(2) or unit]


def system_property(name: str) -> str | None:
    """The few Java system properties Hadoop configuration files refer to."""
    if name == "user.name":
        from pyhdp.security import login_user

        return login_user()
    if name == "user.home":
        return os.path.expanduser("~")
    if name == "java.io.tmpdir":
        return "/tmp"
    return None


def find_conf_dir(explicit: str | None = None) -> str:
    """``--config DIR``, else ``PYHDP_CONF_DIR``, else ``HADOOP_CONF_DIR``, else ``~/.pyhdp/conf``."""
    return (
        explicit
        or os.environ.get("PYHDP_CONF_DIR")
        or os.environ.get("HADOOP_CONF_DIR")
        or os.path.join(os.path.expanduser("~"), ".pyhdp", "conf")
    )


SITE_RESOURCES = ("core-site", "hdfs-site", "mapred-site", "yarn-site")


def load_configuration(
    conf_dir: str | None = None,
    extra_files: Iterable[str] = (),
    overrides: Mapping[str, str] | None = None,
) -> Configuration:
    """Defaults, then the site files of the conf dir, then ``-conf`` files, then ``-D``."""
    from pyhdp.conf import loader

    conf = Configuration()
    directory = find_conf_dir(conf_dir)
    for name in SITE_RESOURCES:
        path = loader.site_file(directory, name)
        if path:
            conf.add_resource(path)
    for path in extra_files:
        conf.add_resource(path)
    for key, value in (overrides or {}).items():
        conf.set(key, value, source="command line")
    conf.set("pyhdp.conf.dir", directory, source="runtime")
    return conf
