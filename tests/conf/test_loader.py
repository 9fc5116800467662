"""Reading site files: both YAML forms, Hadoop XML with XInclude, errors with file and line, cache."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyhdp.conf import loader
from pyhdp.errors import ConfigError


def write(path, data):
    if isinstance(data, str):
        path.write_text(data)
    else:
        path.write_bytes(data)
    return str(path)


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def entries(path):
    return [(k, v, f) for k, v, f, _d, _l in loader.read_file(path)]


def test_yaml_list_form_with_types(tmp_path):
    p = write(
        tmp_path / "a.yaml",
        """\
configuration:
  - name: dfs.replication
    value: 3
    final: true
    description: Default block replication.
  - name: umask
    value: 022
  - name: flag
    value: yes
  - name: ratio
    value: 0.80
  - name: hosts
    value: [a, b, 3]
  - name: unset
  - name: empty
    value: ""
""",
    )
    got = loader.read_file(p)
    assert [(k, v, f) for k, v, f, _d, _l in got] == [
        ("dfs.replication", "3", True),
        ("umask", "022", False),
        ("flag", "true", False),
        ("ratio", "0.80", False),
        ("hosts", "a,b,3", False),
        ("unset", None, False),
        ("empty", "", False),
    ]
    assert got[0][3] == "Default block replication." and got[0][4] == 2
    assert [e[4] for e in got] == [2, 6, 8, 10, 12, 14, 15]


def test_yaml_plain_mapping_form(tmp_path):
    p = write(tmp_path / "a.yaml", "dfs.replication: 2\nfs.defaultFS: hdfs://nn:9000\nflag: off\n")
    assert entries(p) == [
        ("dfs.replication", "2", False),
        ("fs.defaultFS", "hdfs://nn:9000", False),
        ("flag", "false", False),
    ]


def test_yaml_configuration_key_with_a_mapping_and_empty_files(tmp_path):
    assert entries(write(tmp_path / "a.yaml", "configuration:\n  k: v\n")) == [("k", "v", False)]
    assert entries(write(tmp_path / "b.yaml", "configuration:\n")) == []
    assert entries(write(tmp_path / "c.yaml", "")) == []
    assert entries(write(tmp_path / "d.yaml", "# only a comment\n")) == []


@pytest.mark.parametrize(
    "text,line,fragment",
    [
        ("a: b\n c: d: e\n", 2, "malformed YAML: mapping values are not allowed"),
        ("x:\n  nested: {a: 1}\n", 2, "the value of x is a mapping"),
        ("configuration:\n  - name: a\n    vaule: 1\n", 3, "unknown field 'vaule' in property #1"),
        ("configuration:\n  - value: 1\n", 2, "property #1 has no name"),
        ("configuration:\n  - just a string\n", 2, "property #1 must be a mapping"),
        ("- [1, 2]\n- 3\n", 1, "property #1 must be a mapping"),
        ("k: [a, {b: c}]\n", 1, "may only hold scalars"),
        ('"unterminated: 1\n', 2, "malformed YAML"),
        ("42\n", 1, "expected 'configuration:'"),
    ],
)
def test_yaml_errors_name_file_and_line(tmp_path, text, line, fragment):
    p = write(tmp_path / "core-site.yaml", text)
    with pytest.raises(ConfigError) as e:
        loader.read_file(p)
    assert str(e.value).startswith(f"{p}:{line}: ")
    assert fragment in str(e.value)


def test_not_utf8_names_the_line(tmp_path):
    p = write(tmp_path / "x.yaml", b"a: b\nc: \xff\xfe\n")
    with pytest.raises(ConfigError, match=r"x.yaml:2: not UTF-8 text \(invalid byte 0xff\)"):
        loader.read_file(p)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        loader.read_file(str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigError, match="is a directory"):
        loader.read_file(str(tmp_path))


def test_hadoop_xml(tmp_path):
    p = write(
        tmp_path / "core-site.xml",
        """<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="configuration.xsl"?>
<configuration>
  <!-- a comment -->
  <property>
    <name> fs.defaultFS </name>
    <value>hdfs://nn:8020</value>
    <final>true</final>
    <description>The NameNode.</description>
  </property>
  <property><name>keep.spaces</name><value> v </value></property>
  <property><name>empty</name><value/></property>
  <property><name>novalue</name></property>
  <property name="attr.form" value="1"/>
</configuration>
""",
    )
    got = loader.read_file(p)
    assert [(k, v, f) for k, v, f, _d, _l in got] == [
        ("fs.defaultFS", "hdfs://nn:8020", True),
        ("keep.spaces", " v ", False),
        ("empty", "", False),
        ("novalue", None, False),
        ("attr.form", "1", False),
    ]
    assert got[0][3] == "The NameNode." and got[0][4] == 5


def test_xml_errors(tmp_path):
    p = write(tmp_path / "bad.xml", "<configuration>\n<property><name>a</name>\n</configuration>\n")
    with pytest.raises(ConfigError, match=r"bad.xml:3: malformed XML: mismatched tag"):
        loader.read_file(p)
    p = write(tmp_path / "root.xml", "<?xml version='1.0'?>\n<conf/>\n")
    with pytest.raises(
        ConfigError, match=r"root.xml:2: bad conf file: top-level element not <configuration>"
    ):
        loader.read_file(p)


def test_xinclude(tmp_path):
    write(
        tmp_path / "inc.xml",
        "<configuration><property><name>b</name><value>2</value></property></configuration>",
    )
    main = write(
        tmp_path / "main.xml",
        """<configuration xmlns:xi="http://www.w3.org/2001/XInclude">
  <property><name>a</name><value>1</value></property>
  <xi:include href="inc.xml"/>
  <xi:include href="missing.xml"><xi:fallback/></xi:include>
</configuration>""",
    )
    assert entries(main) == [("a", "1", False), ("b", "2", False)]
    bad = write(
        tmp_path / "bad.xml",
        """<configuration xmlns:xi="http://www.w3.org/2001/XInclude">
  <xi:include href="missing.xml"/>
</configuration>""",
    )
    with pytest.raises(ConfigError, match="Fetch fail on include for 'missing.xml' with no fallback"):
        loader.read_file(bad)
    loop = write(
        tmp_path / "loop.xml",
        '<configuration xmlns:xi="http://www.w3.org/2001/XInclude">'
        '<xi:include href="loop.xml"/></configuration>',
    )
    with pytest.raises(ConfigError, match="nested too deeply"):
        loader.read_file(loop)


def test_yaml_cache_is_used_and_invalidated(tmp_path):
    p = write(tmp_path / "a.yaml", "k: 1\n")
    assert entries(p) == [("k", "1", False)]
    cache_dir = tmp_path / "cache" / "pyhdp" / "conf"
    assert len(os.listdir(cache_dir)) == 1
    write(tmp_path / "a.yaml", "k: 22\n")  # size changes
    assert entries(p) == [("k", "22", False)]
    st = os.stat(p)
    write(tmp_path / "a.yaml", "k: 33\n")  # same size: the mtime (ns) tells
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert entries(p) == [("k", "33", False)]


def test_cached_yaml_errors_are_not_cached(tmp_path):
    p = write(tmp_path / "a.yaml", "a: b\n c: d: e\n")
    for _ in range(2):
        with pytest.raises(ConfigError):
            loader.read_file(p)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), ext=st.sampled_from([".yaml", ".xml", ".yml"]))
def test_random_bytes_never_raise_anything_but_config_error(tmp_path, data, ext):
    p = write(tmp_path / f"garbage{ext}", data)
    try:
        got = loader.read_file(p)
    except ConfigError as e:
        assert str(e).startswith(p)
    else:
        for key, value, final, desc, line in got:
            assert isinstance(key, str) and key
            assert value is None or isinstance(value, str)
            assert isinstance(final, bool) and isinstance(desc, str) and isinstance(line, int)


yaml_ish = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=yaml_ish)
def test_random_yaml_documents_never_raise_anything_but_config_error(tmp_path, doc):
    import yaml

    p = write(tmp_path / "doc.yaml", yaml.safe_dump(doc))
    try:
        loader.read_file(p)
    except ConfigError as e:
        assert str(e).startswith(p)
