"""The bundled ``*-default.yaml`` files, loaded fast.

The YAML files in ``pyhdp/conf/defaults/`` are the source of truth.  Importing PyYAML and
parsing them costs more than the rest of a ``hdfs dfs -ls`` start-up, so their content is
also kept as a generated Python module, ``pyhdp/conf/defaults/_compiled.py``, which Python
loads from its ``.pyc`` in well under a millisecond.  The module records a CRC-32 of every
YAML file; when a YAML file changes (someone adds a key), the CRCs differ, the YAML is
parsed instead and the module is regenerated in place when the package directory is
writable.  ``python -m pyhdp.conf.bundled`` regenerates it explicitly (build step).
"""

from __future__ import annotations

import os
import zlib

RESOURCES = ("core-default", "hdfs-default", "mapred-default", "yarn-default")
DEFAULTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "defaults")
COMPILED = os.path.join(DEFAULTS_DIR, "_compiled.py")

#: ``(name, values, finals)`` per resource.
Bundled = tuple[str, dict[str, str], frozenset[str]]


def _read_sources() -> dict[str, bytes]:
    sources = {}
    for name in RESOURCES:
        try:
            with open(os.path.join(DEFAULTS_DIR, name + ".yaml"), "rb") as f:
                sources[name] = f.read()
        except FileNotFoundError:
            sources[name] = b""
    return sources


def _crcs(sources: dict[str, bytes]) -> dict[str, int]:
    return {name: zlib.crc32(data) for name, data in sources.items()}


def parse_sources(
    sources: dict[str, bytes],
) -> tuple[dict[str, tuple[dict[str, str], list[str]]], dict[str, str]]:
    """Parse the YAML files: ``({name: (values, finals)}, descriptions)``."""
    from pyhdp.conf.loader import parse_yaml_text

    defaults: dict[str, tuple[dict[str, str], list[str]]] = {}
    descriptions: dict[str, str] = {}
    for name, data in sources.items():
        values: dict[str, str] = {}
        finals: list[str] = []
        for key, value, final, desc, _line in parse_yaml_text(data.decode("utf-8"), f"{name}.yaml"):
            if value is not None:
                values[key] = value
            if final:
                finals.append(key)
            if desc:
                descriptions[key] = desc
            else:
                descriptions.setdefault(key, "")
        defaults[name] = (values, finals)
    return defaults, descriptions


def compiled_text(sources: dict[str, bytes]) -> str:
    defaults, _descriptions = parse_sources(sources)
    return (
        "# Generated from the *-default.yaml files by pyhdp.conf.bundled; do not edit.\n"
        "# fmt: off\n"
        "# The YAML files are the source of truth; this module is regenerated when they change.\n"
        f"CRCS = {_crcs(sources)!r}\n"
        f"DEFAULTS = {defaults!r}\n"
    )


def write_compiled(sources: dict[str, bytes] | None = None, path: str = COMPILED) -> None:
    """(Re)generate the compiled module atomically."""
    text = compiled_text(sources if sources is not None else _read_sources())
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    try:  # a .pyc of the old text could match by mtime and size: drop it
        from importlib.util import cache_from_source

        os.remove(cache_from_source(path))
    except (OSError, NotImplementedError, ValueError):
        pass


def _load_compiled(crcs: dict[str, int]):
    try:
        from pyhdp.conf.defaults import _compiled
    except (ImportError, SyntaxError):
        return None
    if getattr(_compiled, "CRCS", None) != crcs:
        return None
    return _compiled


def bundled_defaults() -> list[Bundled]:
    sources = _read_sources()
    crcs = _crcs(sources)
    compiled = _load_compiled(crcs)
    if compiled is not None:
        defaults = compiled.DEFAULTS
    else:
        defaults, _descriptions = parse_sources(sources)
        try:
            write_compiled(sources)
        except OSError:
            pass  # read-only installation: parse the YAML every time (slower, still correct)
        import sys

        sys.modules.pop("pyhdp.conf.defaults._compiled", None)
    return [(name, values, frozenset(finals)) for name, (values, finals) in defaults.items()]


_descriptions: dict[str, str] | None = None


def bundled_descriptions() -> dict[str, str]:
    """Description of every key of the bundled defaults (parses the YAML: not for start-up paths)."""
    global _descriptions
    if _descriptions is None:
        _descriptions = parse_sources(_read_sources())[1]
    return _descriptions


def bundled_keys() -> dict[str, str]:
    """Every key documented in a ``*-default.yaml`` (with or without a value) -> its resource name."""
    from pyhdp.conf.loader import parse_yaml_text

    keys: dict[str, str] = {}
    for name, data in _read_sources().items():
        for entry in parse_yaml_text(data.decode("utf-8"), f"{name}.yaml"):
            keys.setdefault(entry[0], name)
    return keys


if __name__ == "__main__":
    write_compiled()
    print(f"wrote {COMPILED}")
