"""Like Hadoop's TestConfigurationFieldsBase: the code and the bundled defaults agree.

Every key that pyhdp code reads with a literal name (``conf.get_int("dfs.replication")``,
``self.conf.get("...")`` ...) must be documented in a ``*-default.yaml`` with a description,
and every deprecated key must map to a documented key.  When someone reads a new key in
code without adding it to the defaults, this test fails and names the key and the file.
"""

from __future__ import annotations

import pathlib
import re

from pyhdp.conf.bundled import bundled_descriptions, bundled_keys
from pyhdp.conf.deprecation import DEPRECATED_KEYS

SRC = pathlib.Path(__file__).resolve().parents[2] / "src" / "pyhdp"
GETTERS = (
    "get|get_raw|get_int|get_long|get_float|get_bool|get_size|get_long_bytes|get_duration|"
    "get_time_duration|get_list|get_trimmed|get_trimmed_strings|get_choice"
)
READ = re.compile(rf"""\b\w*conf\w*\.(?:{GETTERS})\(\s*(?:key\s*=\s*)?["']([A-Za-z][A-Za-z0-9_.\-]*)["']""")


def keys_read_in_code() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in SRC.rglob("*.py"):
        if "defaults" in path.parts:
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match.group(1), set()).add(str(path.relative_to(SRC.parent)))
    return found


def test_the_scanner_finds_known_reads():
    found = keys_read_in_code()
    assert "dfs.hosts" not in found or found["dfs.hosts"]
    assert "fs.defaultFS" in found  # read by the file-system registry and getconf
    assert "dfs.namenode.shared.edits.dir" in found  # read by getconf


def test_every_key_read_in_code_has_a_default_entry():
    known = bundled_keys()
    missing = {key: sorted(files) for key, files in keys_read_in_code().items() if key not in known}
    assert not missing, "keys read in code but missing from every *-default.yaml:\n" + "\n".join(
        f"  {key}  (read in {', '.join(files)})" for key, files in sorted(missing.items())
    )


def test_every_default_entry_has_a_description():
    descriptions = bundled_descriptions()
    undocumented = sorted(k for k in bundled_keys() if not descriptions.get(k))
    assert not undocumented, f"keys without a description: {undocumented}"


def test_every_deprecated_key_maps_to_a_live_key():
    known = bundled_keys()
    dead = sorted(f"{old} -> {new}" for old, new in DEPRECATED_KEYS.items() if new not in known)
    assert not dead, f"deprecated keys mapping to keys missing from the defaults: {dead}"
    assert not (set(DEPRECATED_KEYS) & set(known)), "a deprecated name is also listed as a live default"


def test_no_key_is_listed_twice_in_the_defaults():
    from pyhdp.conf.bundled import _read_sources
    from pyhdp.conf.loader import parse_yaml_text

    seen: dict[str, str] = {}
    twice = []
    for name, data in _read_sources().items():
        for key, *_ in parse_yaml_text(data.decode(), name):
            if key in seen:
                twice.append(f"{key} ({seen[key]}, {name})")
            seen[key] = name
    assert not twice, f"keys listed twice: {twice}"
