"""The bundled defaults: the fast generated module matches the YAML files, and is regenerated."""

from __future__ import annotations

import importlib.util
import shutil

from pyhdp.conf import bundled


def _load_module(path):
    spec = importlib.util.spec_from_file_location("compiled_copy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_default_resource_exists_and_parses():
    sources = bundled._read_sources()
    assert set(sources) == {"core-default", "hdfs-default", "mapred-default", "yarn-default"}
    defaults, descriptions = bundled.parse_sources(sources)
    for name, (values, _finals) in defaults.items():
        assert values, f"{name}.yaml holds no value"
    assert descriptions["dfs.replication"].startswith("pyhdp:")


def test_fast_form_matches_the_yaml_source_of_truth():
    """What Configuration() loads equals a fresh parse of the YAML files."""
    sources = bundled._read_sources()
    parsed, _ = bundled.parse_sources(sources)
    loaded = {name: (values, sorted(finals)) for name, values, finals in bundled.bundled_defaults()}
    assert loaded == {name: (values, sorted(finals)) for name, (values, finals) in parsed.items()}


def test_committed_module_is_current_or_regenerated():
    """The generated module records the CRC of each YAML file; after loading it is current."""
    bundled.bundled_defaults()
    module = _load_module(bundled.COMPILED)
    assert module.CRCS == bundled._crcs(bundled._read_sources())


def test_stale_module_is_detected_and_rewritten(tmp_path, monkeypatch):
    defaults_dir = tmp_path / "defaults"
    shutil.copytree(bundled.DEFAULTS_DIR, defaults_dir)
    compiled = defaults_dir / "_compiled.py"
    monkeypatch.setattr(bundled, "DEFAULTS_DIR", str(defaults_dir))
    with open(defaults_dir / "core-default.yaml", "a") as f:
        f.write("  - name: test.added.key\n    value: added\n    description: A key added by a test.\n")
    sources = bundled._read_sources()
    bundled.write_compiled(sources, path=str(compiled))
    module = _load_module(compiled)
    assert module.DEFAULTS["core-default"][0]["test.added.key"] == "added"
    assert module.CRCS == bundled._crcs(sources)
    assert module.CRCS != bundled._crcs({**sources, "core-default": b"changed"})


def test_configuration_sees_yaml_edits_without_regeneration(tmp_path, monkeypatch):
    """A YAML edit shows up at once even where the generated module cannot be rewritten."""
    defaults_dir = tmp_path / "defaults"
    shutil.copytree(bundled.DEFAULTS_DIR, defaults_dir)
    monkeypatch.setattr(bundled, "DEFAULTS_DIR", str(defaults_dir))
    monkeypatch.setattr(bundled, "COMPILED", str(tmp_path / "readonly" / "x" / "_compiled.py"))
    with open(defaults_dir / "hdfs-default.yaml", "a") as f:
        f.write("  - name: test.fresh.key\n    value: fresh\n    description: x\n")
    from pyhdp.conf import Configuration

    assert Configuration().get("test.fresh.key") == "fresh"
