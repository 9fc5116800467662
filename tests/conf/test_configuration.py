"""Unit tests of pyhdp.conf.Configuration: precedence, final, overlay, expansion, deprecation, getters."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhdp.cli.generic import apply_generic_options, parse_generic_options
from pyhdp.conf import Configuration, load_configuration
from pyhdp.conf.configuration import MAX_SUBST, find_conf_dir, parse_duration_ms, parse_size
from pyhdp.errors import ConfigError, UsageError


def write(path, text: str):
    path.write_text(text)
    return str(path)


# --------------------------------------------------------------------------- precedence
def test_defaults_are_loaded_with_hadoop_names_and_pyhdp_differences():
    conf = Configuration()
    assert conf.get("fs.defaultFS") == "hdfs://localhost:9000"  # pyhdp difference
    assert conf.get("dfs.replication") == "1"  # pyhdp difference
    assert conf.get("dfs.blocksize") == "134217728"
    assert conf.get("dfs.namenode.http-address") == "127.0.0.1:9870"
    assert conf.get("mapreduce.framework.name") == "local"
    assert conf.get("yarn.resourcemanager.address") == "0.0.0.0:8032"
    assert conf.sources["dfs.blocksize"] == "hdfs-default.yaml"


def test_precedence_defaults_site_conf_file_then_D(tmp_path):
    confdir = tmp_path / "conf"
    confdir.mkdir()
    write(confdir / "hdfs-site.yaml", "dfs.replication: 2\ndfs.blocksize: 1m\nio.file.buffer.size: 8192\n")
    extra = write(
        tmp_path / "extra.xml",
        "<configuration><property><name>dfs.replication</name><value>3</value>"
        "</property><property><name>dfs.blocksize</name><value>2m</value></property></configuration>",
    )
    conf = load_configuration(str(confdir))
    assert conf.get("dfs.replication") == "2"
    opts, rest = parse_generic_options(["-conf", extra, "-D", "dfs.replication=5", "-ls", "/"])
    assert rest == ["-ls", "/"]
    apply_generic_options(conf, opts)
    assert conf.get("dfs.replication") == "5"  # -D beats -conf
    assert conf.get("dfs.blocksize") == "2m"  # -conf beats site
    assert conf.get("io.file.buffer.size") == "8192"  # site beats default
    assert conf.get("dfs.bytes-per-checksum") == "512"  # default
    assert conf.sources["dfs.replication"] == "from command line"
    assert conf.sources["dfs.blocksize"] == extra


def test_final_blocks_later_resources_but_not_D(tmp_path, caplog):
    site = write(
        tmp_path / "hdfs-site.yaml",
        "configuration:\n  - name: dfs.replication\n    value: 2\n    final: true\n",
    )
    later = write(tmp_path / "later.yaml", "dfs.replication: 7\n")
    conf = Configuration()
    conf.add_resource(site)
    with caplog.at_level(logging.WARNING):
        conf.add_resource(later)
    assert conf.get("dfs.replication") == "2"
    assert f"{later}:an attempt to override final parameter: dfs.replication;  Ignoring." in caplog.text
    opts, _ = parse_generic_options(["-Ddfs.replication=9"])
    apply_generic_options(conf, opts)
    assert conf.get("dfs.replication") == "9"


def test_final_override_with_the_same_value_is_silent(tmp_path, caplog):
    a = write(tmp_path / "a.yaml", "configuration:\n  - {name: k, value: v, final: true}\n")
    b = write(tmp_path / "b.yaml", "k: v\n")
    conf = Configuration(load_defaults=False)
    conf.add_resource(a)
    with caplog.at_level(logging.WARNING):
        conf.add_resource(b)
    assert "override final" not in caplog.text


def test_programmatic_set_wins_over_resources_loaded_later(tmp_path):
    conf = Configuration()
    conf.set("dfs.replication", 4)
    conf.add_resource(write(tmp_path / "x.yaml", "dfs.replication: 2\n"))
    assert conf.get("dfs.replication") == "4"


def test_property_without_value_is_ignored(tmp_path):
    conf = Configuration()
    conf.add_resource(
        write(
            tmp_path / "x.xml",
            "<configuration><property><name>dfs.replication</name>"
            "</property><property><name>e</name><value/></property></configuration>",
        )
    )
    assert conf.get("dfs.replication") == "1"
    assert conf.get("e") == ""


# --------------------------------------------------------------------------- conf dir
def test_conf_dir_order(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("PYHDP_CONF_DIR", raising=False)
    monkeypatch.delenv("HADOOP_CONF_DIR", raising=False)
    assert find_conf_dir() == str(tmp_path / ".pyhdp" / "conf")
    monkeypatch.setenv("HADOOP_CONF_DIR", "/h")
    assert find_conf_dir() == "/h"
    monkeypatch.setenv("PYHDP_CONF_DIR", "/p")
    assert find_conf_dir() == "/p"
    assert find_conf_dir("/explicit") == "/explicit"


def test_yaml_and_xml_twins_are_an_error_naming_both(tmp_path):
    write(tmp_path / "core-site.yaml", "a: b\n")
    write(tmp_path / "core-site.xml", "<configuration/>")
    with pytest.raises(ConfigError) as e:
        load_configuration(str(tmp_path))
    assert str(tmp_path / "core-site.yaml") in str(e.value)
    assert str(tmp_path / "core-site.xml") in str(e.value)


def test_all_four_site_files_are_read(tmp_path):
    for name in ("core", "hdfs", "mapred", "yarn"):
        write(tmp_path / f"{name}-site.yaml", f"test.{name}: here\n")
    conf = load_configuration(str(tmp_path))
    assert [conf.get(f"test.{n}") for n in ("core", "hdfs", "mapred", "yarn")] == ["here"] * 4
    assert conf.get("pyhdp.conf.dir") == str(tmp_path)


# --------------------------------------------------------------------------- expansion
@pytest.fixture
def conf():
    return Configuration(load_defaults=False)


def test_expansion_of_keys_env_and_system_properties(conf, monkeypatch):
    from pyhdp.security import login_user

    monkeypatch.setenv("PYHDP_T_SET", "envval")
    monkeypatch.setenv("PYHDP_T_EMPTY", "")
    monkeypatch.delenv("PYHDP_T_UNSET", raising=False)
    conf.set("base", "/data")
    conf.set("dir", "${base}/x")
    assert conf.expand("${dir}/y") == "/data/x/y"
    assert conf.expand("${env.PYHDP_T_SET}") == "envval"
    assert conf.expand("${env.PYHDP_T_UNSET:-dflt}") == "dflt"
    assert conf.expand("${env.PYHDP_T_EMPTY:-dflt}") == "dflt"
    assert conf.expand("${env.PYHDP_T_EMPTY-dflt}") == ""
    assert conf.expand("${env.PYHDP_T_UNSET-dflt}") == "dflt"
    assert conf.expand("${user.name}") == login_user()
    assert conf.expand("${java.io.tmpdir}") == "/tmp"


def test_system_property_wins_over_a_key_of_the_same_name(conf):
    conf.set("java.io.tmpdir", "/elsewhere")
    assert conf.expand("${java.io.tmpdir}") == "/tmp"


def test_unbound_variable_stops_expansion_as_hadoop(conf):
    conf.set("b", "B")
    assert conf.expand("${nope}") == "${nope}"
    # Hadoop returns as soon as it meets an unbound variable: later ones stay unexpanded
    assert conf.expand("${nope}/${b}") == "${nope}/${b}"
    assert conf.expand("${b}/${nope}") == "B/${nope}"


def test_innermost_variable_first_and_odd_syntax(conf):
    conf.set("b", "x")
    conf.set("ax", "AX")
    assert conf.expand("${a${b}}") == "AX"
    assert conf.expand("${}") == "${}"
    assert conf.expand("$ {b}") == "$ {b}"
    assert conf.expand("${b") == "${b"


def test_self_reference_returns_the_original(conf):
    conf.set("loop", "x${loop}")
    assert conf.get("loop") == "x${loop}"


def test_substitution_depth_limit(conf):
    for i in range(MAX_SUBST + 2):
        conf.set(f"k{i}", f"${{k{i + 1}}}")
    conf.set(f"k{MAX_SUBST + 2}", "end")
    with pytest.raises(ConfigError, match=f"Variable substitution depth too large: {MAX_SUBST} "):
        conf.get("k0")
    conf.set("short0", "${short1}")
    conf.set("short1", "end")
    assert conf.get("short0") == "end"


def test_default_paths_expand(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    conf = Configuration()
    assert conf.get("hadoop.tmp.dir") == f"{tmp_path}/.pyhdp/data"
    assert conf.get("dfs.namenode.name.dir") == f"file://{tmp_path}/.pyhdp/data/dfs/name"
    assert conf.get("dfs.namenode.edits.dir") == conf.get("dfs.namenode.name.dir")


# --------------------------------------------------------------------------- deprecation
def test_deprecated_keys_map_with_hadoop_message(tmp_path, caplog):
    from pyhdp.conf import deprecation

    deprecation._warned.discard("dfs.block.size")
    conf = Configuration()
    with caplog.at_level(logging.INFO, logger="org.apache.hadoop.conf.Configuration.deprecation"):
        conf.add_resource(write(tmp_path / "x.yaml", "dfs.block.size: 2m\n"))
        assert conf.get("dfs.block.size") == "2m"
    assert conf.get("dfs.blocksize") == "2m"
    messages = [r.getMessage() for r in caplog.records if r.name.endswith("deprecation")]
    assert messages == ["dfs.block.size is deprecated. Instead, use dfs.blocksize"]  # once only


def test_set_with_deprecated_name(conf):
    conf.set("fs.default.name", "file:///")
    assert conf.get("fs.defaultFS") == "file:///"


# --------------------------------------------------------------------------- typed getters
def test_typed_getters(conf):
    conf.update(
        {
            "i": " 0x1F ",
            "n": "-12",
            "s": "128m",
            "d": "3s",
            "d2": "250",
            "b": "TRUE",
            "bb": "maybe",
            "f": "0.999f",
            "l": " a, b ,,c ",
        }
    )
    assert conf.get_int("i") == 31
    assert conf.get_int("n") == -12
    assert conf.get_int("missing", 7) == 7
    assert conf.get_size("s") == 128 * 1024 * 1024
    assert conf.get_duration("d", 0) == 3.0
    assert conf.get_duration("d2", 0, unit="ms") == 0.25
    assert conf.get_bool("b") is True
    assert conf.get_bool("bb", True) is True
    assert conf.get_float("f") == pytest.approx(0.999)
    assert conf.get_list("l") == ["a", "b", "c"]
    assert conf.get("l") == " a, b ,,c "  # get() does not trim, as Hadoop


def test_typed_getter_error_names_key_file_and_line(tmp_path):
    conf = Configuration()
    path = write(tmp_path / "hdfs-site.yaml", "# comment\ndfs.replication: three\n")
    conf.add_resource(path)
    with pytest.raises(ConfigError) as e:
        conf.get_int("dfs.replication")
    assert str(e.value) == f'Invalid value for dfs.replication in {path}, line 2: "three" is not an integer'
    conf.set("dfs.blocksize", "12q")
    with pytest.raises(ConfigError, match='Invalid value for dfs.blocksize in programmatically: "12q"'):
        conf.get_size("dfs.blocksize")


@pytest.mark.parametrize(
    "text,expected", [("1k", 1024), ("2g", 2 << 30), ("10", 10), ("1.5k", 1536), ("0x10", 16)]
)
def test_parse_size(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    "text,unit,ms",
    [
        ("3s", "ms", 3000),
        ("2m", "ms", 120000),
        ("5", "s", 5000),
        ("1h", "ms", 3600000),
        ("10ms", "s", 10),
        ("1d", "ms", 86400000),
    ],
)
def test_parse_duration(text, unit, ms):
    assert parse_duration_ms(text, unit) == ms


def test_bad_D_is_a_usage_error():
    with pytest.raises(UsageError, match="-D option requires a property=value argument, got: foo"):
        parse_generic_options(["-D", "foo"])
    with pytest.raises(UsageError, match="Missing argument for option: conf"):
        parse_generic_options(["-conf"])


def test_generic_options_forms(tmp_path):
    f = tmp_path / "data.txt"
    f.write_text("x")
    opts, rest = parse_generic_options(
        [
            "-Da=1",
            "-D",
            "b=x=y",
            "-fs",
            "file:///",
            "-jt",
            "local",
            "-files",
            f"{f}#alias",
            "cmd",
            "-D",
            "c=3",
        ]
    )
    assert rest == ["cmd", "-D", "c=3"]  # generic options stop at the first other argument
    conf = Configuration()
    apply_generic_options(conf, opts)
    assert conf.get("a") == "1" and conf.get("b") == "x=y"
    assert conf.get("fs.defaultFS") == "file:///"
    assert conf.get("mapreduce.framework.name") == "local"
    assert conf.get("tmpfiles") == f"file:{f}#alias"
    with pytest.raises(FileNotFoundError, match="File /no/such does not exist."):
        apply_generic_options(conf, parse_generic_options(["-files", "/no/such"])[0])


def test_write_xml_round_trip(tmp_path):
    import io

    conf = Configuration(load_defaults=False)
    conf.set("a", "x<y&z")
    conf.set("b", "${a}!")
    out = io.StringIO()
    conf.write_xml(out)
    path = write(tmp_path / "dump.xml", out.getvalue())
    again = Configuration(load_defaults=False)
    again.add_resource(path)
    assert again.get("a") == "x<y&z" and again.get("b") == "x<y&z!"


def test_substitution_depth_boundary_matches_hadoop(conf):
    """Checked against Hadoop 3's Configuration: 19 hops expand, 20 hops fail."""
    for i in range(19):
        conf.set(f"s{i}", f"${{s{i + 1}}}")
    conf.set("s19", "end")
    assert conf.get("s0") == "end"
    for i in range(20):
        conf.set(f"u{i}", f"${{u{i + 1}}}")
    conf.set("u20", "end")
    with pytest.raises(ConfigError, match=r"^Variable substitution depth too large: 20 \$\{u1\}$"):
        conf.get("u0")


_PIECES = st.sampled_from(
    [
        "$",
        "{",
        "}",
        "a",
        "b",
        ".",
        "c",
        " ",
        "-",
        ":",
        "${a}",
        "${b}",
        "${a.b}",
        "${env.HOME}",
        "${c",
        "${env.PYHDP_NOPE:-d}",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    values=st.dictionaries(
        st.sampled_from(["a", "b", "c", "a.b"]), st.lists(_PIECES, max_size=8).map("".join), max_size=4
    ),
    expr=st.lists(_PIECES, max_size=10).map("".join),
)
def test_expansion_never_fails_except_for_depth(values, expr):
    conf = Configuration(load_defaults=False)
    conf.update(values)
    try:
        out = conf.expand(expr)
    except ConfigError as e:
        assert str(e).startswith("Variable substitution depth too large: 20 ")
    else:
        assert isinstance(out, str)
        if "${" not in expr:
            assert out == expr


@pytest.mark.parametrize(
    "old,new",
    [
        ("mapred.output.dir", "mapreduce.output.fileoutputformat.outputdir"),
        ("mapred.text.key.partitioner.options", "mapreduce.partition.keypartitioner.options"),
        ("map.output.key.field.separator", "mapreduce.map.output.key.field.separator"),
        ("mapred.job.queue.name", "mapreduce.job.queuename"),
    ],
)
def test_hadoop1_names_used_by_streaming_scripts(old, new):
    conf = Configuration()
    apply_generic_options(conf, parse_generic_options(["-D", f"{old}=v"])[0])
    assert conf.get(new) == "v" and conf.get(old) == "v"
