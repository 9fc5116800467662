"""Reading configuration files: YAML (Hadoop's XML shape as a list, or a plain mapping) and Hadoop XML.

Every reader returns entries ``(key, value_or_None, final, description, line)``.  Errors are
:class:`pyhdp.errors.ConfigError` whose message names the file and, where known, the line:
``/etc/pyhdp/core-site.yaml:3: malformed YAML: mapping values are not allowed here``.

YAML site files are cached (parsed entries, keyed by path, size and mtime) under
``$XDG_CACHE_HOME/pyhdp/conf`` so that a command does not pay for importing PyYAML when no
file changed; XML is parsed with the C expat parser every time (it is fast).
"""

from __future__ import annotations

import os

from pyhdp.errors import ConfigError

Entry = tuple[str, "str | None", bool, str, int]

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
_PROPERTY_FIELDS = {"name", "value", "final", "description", "source", "tag"}
_MAX_INCLUDE_DEPTH = 16


# --------------------------------------------------------------------------- files
def site_file(directory: str, name: str) -> str | None:
    """See :func:`pyhdp.conf.configuration.site_file`."""
    from pyhdp.conf.configuration import site_file as _site_file

    return _site_file(directory, name)


def read_file(path: str) -> list[Entry]:
    """The entries of a YAML or XML configuration file (XML when it ends in ``.xml`` or starts with ``<``)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read configuration file: {e.strerror}") from None
    import stat as _stat

    if _stat.S_ISDIR(st.st_mode):
        raise ConfigError(f"{path}: is a directory, not a configuration file")
    is_yaml_name = path.endswith((".yaml", ".yml"))
    if is_yaml_name:
        cached = _cache_get(path, st)
        if cached is not None:
            return cached
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read configuration file: {e.strerror}") from None
    if path.endswith(".xml") or (not is_yaml_name and data.lstrip()[:1] == b"<"):
        return parse_xml(data, path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: not UTF-8 text (invalid byte 0x{data[e.start]:02x})") from None
    entries = parse_yaml_text(text, path)
    if is_yaml_name:
        _cache_put(path, st, entries)
    return entries


# --------------------------------------------------------------------------- YAML
def parse_yaml_text(text: str, path: str) -> list[Entry]:
    """Entries of a YAML configuration text (either form); ``path`` names it in errors."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else path
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{where}: malformed YAML: {problem}") from None
    except (ValueError, UnicodeError) as e:  # e.g. control characters the reader refuses
        raise ConfigError(f"{path}: malformed YAML: {e}") from None
    if root is None:
        return []
    body = root
    if isinstance(root, yaml.MappingNode) and len(root.value) == 1:
        k, v = root.value[0]
        if isinstance(k, yaml.ScalarNode) and k.value == "configuration":
            if isinstance(v, yaml.ScalarNode) and v.tag.endswith(":null"):
                return []
            body = v
    if isinstance(body, yaml.SequenceNode):
        return [_list_property(item, i, path, yaml) for i, item in enumerate(body.value, 1)]
    if isinstance(body, yaml.MappingNode):
        entries = []
        for k, v in body.value:
            line = k.start_mark.line + 1
            if not isinstance(k, yaml.ScalarNode) or k.tag.endswith(":null") or not k.value.strip():
                raise ConfigError(f"{path}:{line}: a property name must be a non-empty string")
            entries.append((k.value.strip(), _value(v, path, k.value, yaml), False, "", line))
        return entries
    line = body.start_mark.line + 1
    raise ConfigError(
        f"{path}:{line}: expected 'configuration:' with a list of properties (name, value, final, "
        "description), or a mapping of property names to values"
    )


def _value(node, path: str, key: str, yaml) -> str | None:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        tag = node.tag
        if tag.endswith(":null"):
            return None
        if tag.endswith(":bool"):
            return "true" if node.value.lower() in ("yes", "true", "on", "y") else "false"
        return node.value
    if isinstance(node, yaml.SequenceNode):
        parts = []
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode):
                raise ConfigError(
                    f"{path}:{item.start_mark.line + 1}: a list in the value of {key} may only hold scalars"
                )
            parts.append(_value(item, path, key, yaml) or "")
        return ",".join(parts)
    kind = "a mapping" if isinstance(node, yaml.MappingNode) else type(node).__name__
    raise ConfigError(
        f"{path}:{line}: the value of {key} is {kind}; it must be a string, number, boolean or list"
    )


def _list_property(item, index: int, path: str, yaml) -> Entry:
    line = item.start_mark.line + 1
    if not isinstance(item, yaml.MappingNode):
        raise ConfigError(f"{path}:{line}: property #{index} must be a mapping with 'name' and 'value'")
    fields = {}
    for k, v in item.value:
        if not isinstance(k, yaml.ScalarNode) or k.value not in _PROPERTY_FIELDS:
            name = k.value if isinstance(k, yaml.ScalarNode) else "?"
            raise ConfigError(
                f"{path}:{k.start_mark.line + 1}: unknown field '{name}' in property #{index} "
                "(expected name, value, final, description)"
            )
        fields[k.value] = v
    name_node = fields.get("name")
    if name_node is None:
        raise ConfigError(f"{path}:{line}: property #{index} has no name")
    if (
        not isinstance(name_node, yaml.ScalarNode)
        or not name_node.value.strip()
        or name_node.tag.endswith(":null")
    ):
        raise ConfigError(
            f"{path}:{name_node.start_mark.line + 1}: the name of property #{index} must be a non-empty string"
        )
    name = name_node.value.strip()
    value = _value(fields["value"], path, name, yaml) if "value" in fields else None
    final = False
    if "final" in fields:
        fv = _value(fields["final"], path, name + " (final)", yaml)
        final = (fv or "").strip().lower() == "true"
    desc = ""
    if "description" in fields:
        desc = (_value(fields["description"], path, name + " (description)", yaml) or "").strip()
    return name, value, final, desc, line


# --------------------------------------------------------------------------- XML
class XmlDocument:
    """A parsed Hadoop XML configuration file: its entries, plus the problems
    ``hadoop conftest`` reports (``(line, text)``) and duplicated names (``name -> [lines]``)."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.issues: list[tuple[int, str]] = []
        self.names: dict[str, list[int]] = {}


def parse_xml(data: bytes, path: str) -> list[Entry]:
    return parse_xml_document(data, path).entries


def parse_xml_document(data: bytes, path: str, depth: int = 0) -> XmlDocument:
    """Parse Hadoop XML (``<configuration><property><name>..``), following ``xi:include``."""
    from xml.parsers import expat

    doc = XmlDocument()
    parser = expat.ParserCreate(namespace_separator=" ")
    stack: list[str] = []
    prop: dict | None = None
    field: str | None = None
    text: list[str] = []
    includes: list[dict] = []

    def start(tag: str, attrs: dict) -> None:
        nonlocal prop, field, text
        line = parser.CurrentLineNumber
        if tag == f"{XINCLUDE_NS} include":
            missing = _include(doc, attrs, path, line, depth)
            includes.append({"missing": missing, "line": line, "fallback": False})
            stack.append(tag)
            return
        if tag == f"{XINCLUDE_NS} fallback":
            if includes:
                includes[-1]["fallback"] = True
            stack.append(tag)
            return
        if not stack:
            if tag != "configuration":
                raise ConfigError(f"{path}:{line}: bad conf file: top-level element not <configuration>")
        elif tag == "configuration":
            pass  # an included document's root, or nested: its properties count
        elif stack[-1] == "configuration":
            if tag == "property":
                prop = {"line": line}
                if "name" in attrs:
                    prop["name"] = attrs["name"]
                if "value" in attrs:
                    prop["value"] = attrs["value"]
                if "final" in attrs:
                    prop["final"] = attrs["final"]
            else:
                doc.issues.append((line, "element not <property>"))
        elif stack[-1] == "property" and prop is not None:
            field = tag
            text = []
        stack.append(tag)

    def end(tag: str) -> None:
        nonlocal prop, field
        stack.pop()
        if tag == f"{XINCLUDE_NS} include":
            inc = includes.pop()
            if inc["missing"] and not inc["fallback"]:
                raise ConfigError(
                    f"{path}:{inc['line']}: Fetch fail on include for '{inc['missing']}' with no fallback "
                    f"while loading '{path}'"
                )
            return
        if prop is not None and field == tag and stack and stack[-1] == "property":
            prop[tag] = "".join(text)
            field = None
        elif tag == "property" and prop is not None:
            _finish_property(doc, prop)
            prop = None

    def chars(data: str) -> None:
        if field is not None:
            text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as e:
        raise ConfigError(
            f"{path}:{e.lineno}: malformed XML: {expat.ErrorString(e.code)} (column {e.offset + 1})"
        ) from None
    return doc


def _finish_property(doc: XmlDocument, prop: dict) -> None:
    line = prop["line"]
    name = (prop.get("name") or "").strip()
    if not name:
        doc.issues.append((line, "<property> has no <name>"))
        return
    value = prop.get("value")
    if value is None:
        doc.issues.append((line, "<property> has no <value>"))
    final = (prop.get("final") or "").strip() == "true"
    doc.names.setdefault(name, []).append(line)
    doc.entries.append((name, value, final, (prop.get("description") or "").strip(), line))


def _include(doc: XmlDocument, attrs: dict, path: str, line: int, depth: int) -> str | None:
    """Read the included file into ``doc``; returns its href when it does not exist."""
    href = attrs.get("href")
    if not href:
        raise ConfigError(f"{path}:{line}: xi:include without href")
    target = href[5:] if href.startswith("file:") else href
    if not os.path.isabs(target):
        target = os.path.join(os.path.dirname(os.path.abspath(path)), target)
    if depth >= _MAX_INCLUDE_DEPTH:
        raise ConfigError(f"{path}:{line}: xi:include nested too deeply (a loop?) at {href}")
    try:
        with open(target, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return href  # an error unless the include holds an <xi:fallback>, checked at its end
    except OSError as e:
        raise ConfigError(f"{target}: cannot read configuration file: {e.strerror}") from None
    sub = parse_xml_document(data, target, depth + 1)
    doc.entries.extend(sub.entries)
    doc.issues.extend(sub.issues)
    for name, lines in sub.names.items():
        doc.names.setdefault(name, []).extend(lines)
    return None


# --------------------------------------------------------------------------- cache
def _cache_file(path: str) -> str | None:
    import zlib

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if not base or base == os.path.join("~", ".cache"):
        return None
    abspath = os.path.abspath(path)
    return os.path.join(base, "pyhdp", "conf", f"{zlib.crc32(abspath.encode()):08x}.marshal")


def _cache_get(path: str, st: os.stat_result) -> list[Entry] | None:
    import marshal

    cache = _cache_file(path)
    if cache is None:
        return None
    try:
        with open(cache, "rb") as f:
            stored_path, mtime, ctime, size, ino, entries = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (
        stored_path != os.path.abspath(path)
        or mtime != st.st_mtime_ns
        or ctime != st.st_ctime_ns
        or size != st.st_size
        or ino != st.st_ino
    ):
        return None
    if not os.access(path, os.R_OK):
        return None  # the file became unreadable: report it as read_file would
    return [tuple(e) for e in entries]  # type: ignore[misc]


def _cache_put(path: str, st: os.stat_result, entries: list[Entry]) -> None:
    import marshal

    cache = _cache_file(path)
    if cache is None:
        return
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        tmp = f"{cache}.{os.getpid()}.tmp"
        with open(tmp, "wb") as f:
            key = (os.path.abspath(path), st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
            marshal.dump((*key, list(entries)), f)
        os.replace(tmp, cache)
    except OSError:
        pass
