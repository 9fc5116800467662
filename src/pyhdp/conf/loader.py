"""Reading configuration files: YAML (XML-like list or plain mapping) and Hadoop XML.

Every reader yields ``(key, value_or_None, final, description)``.  Errors name the file
and, where the parser knows it, the line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from importlib import resources

from pyhdp.errors import ConfigError

Entry = tuple[str, "str | None", bool, str]


def read_bundled(name: str) -> Iterator[Entry]:
    """A ``*-default.yaml`` shipped inside the package (missing ones are empty)."""
    try:
        text = resources.files("pyhdp.conf.defaults").joinpath(f"{name}.yaml").read_text("utf-8")
    except FileNotFoundError:
        return iter(())
    return _read_yaml_text(text, f"{name}.yaml")


def site_file(directory: str, name: str) -> str | None:
    """The ``name`` site file of ``directory`` (``.yaml``, ``.yml`` or ``.xml``), or None.

    A directory holding both a YAML and an XML version is an error naming both.
    """
    found = [
        os.path.join(directory, name + ext)
        for ext in (".yaml", ".yml", ".xml")
        if os.path.isfile(os.path.join(directory, name + ext))
    ]
    if len(found) > 1:
        raise ConfigError(
            f"Both {found[0]} and {found[1]} exist; keep one of them (pyhdp reads YAML or Hadoop XML, not both)"
        )
    return found[0] if found else None


def read_file(path: str) -> Iterator[Entry]:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read configuration file: {e.strerror}") from None
    if path.endswith(".xml") or data.lstrip().startswith(b"<"):
        return iter(list(_read_xml(data, path)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None
    return iter(list(_read_yaml_text(text, path)))


def _scalar(value: object, where: str, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, (int, float, str)) for v in value):
        return ",".join(str(v) for v in value)
    raise ConfigError(f"{where}: value of {key} must be a string, number, boolean or list, not {type(value).__name__}")


def _read_yaml_text(text: str, path: str) -> Iterator[Entry]:
    import yaml

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{where}: malformed YAML: {problem}") from None
    if doc is None:
        return
    if isinstance(doc, dict) and set(doc) == {"configuration"}:
        doc = doc["configuration"] or []
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield str(key), _scalar(value, path, str(key)), False, ""
        return
    if not isinstance(doc, list):
        raise ConfigError(f"{path}: expected 'configuration:' with a list of properties, or a mapping of keys")
    for i, item in enumerate(doc, 1):
        if not isinstance(item, dict) or "name" not in item:
            raise ConfigError(f"{path}: property #{i} must be a mapping with 'name' and 'value'")
        unknown = set(item) - {"name", "value", "final", "description", "source", "tag"}
        if unknown:
            raise ConfigError(f"{path}: property {item['name']}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        final = item.get("final", False)
        if isinstance(final, str):
            final = final.strip().lower() == "true"
        yield (
            str(item["name"]),
            _scalar(item.get("value"), path, str(item["name"])),
            bool(final),
            str(item.get("description") or ""),
        )


def _read_xml(data: bytes, path: str) -> Iterator[Entry]:
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        line, _col = e.position
        raise ConfigError(f"{path}:{line}: malformed XML: {e.msg if hasattr(e, 'msg') else e}") from None
    if root.tag != "configuration":
        raise ConfigError(f"{path}: bad conf file: top-level element not <configuration>")
    for prop in root:
        if prop.tag != "property":
            continue
        name = prop.get("name")
        value = prop.get("value")
        final = (prop.get("final") or "").strip() == "true"
        desc = ""
        for child in prop:
            text = child.text or ""
            if child.tag == "name":
                name = text.strip()
            elif child.tag == "value":
                value = text
            elif child.tag == "final":
                final = text.strip() == "true"
            elif child.tag == "description":
                desc = text.strip()
        if name:
            yield name, value, final, desc
