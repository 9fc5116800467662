"""Unit tests of Streaming's core pieces: option parsing, argv splitting, record parsing,
the counted-lines encoding, KeyFieldBased options, aggregators and the pipe pump."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyhdp.mapreduce.streaming import aggregate, keyfield, shuffle
from pyhdp.mapreduce.streaming.command import add_environment, safe_env_name, split_args
from pyhdp.mapreduce.streaming.options import StreamUsageError, parse_stream_args
from pyhdp.mapreduce.streaming.pipe import Reporter, pump, start_process
from pyhdp.mapreduce.streaming.records import parse_lines, split_lines

# ------------------------------------------------------------------ options


def test_options_multiple_inputs_and_values():
    o = parse_stream_args(
        ["-input", "a", "b", "-input", "c", "-output", "o", "-mapper", "cat -n", "-verbose"]
    )
    assert o.inputs == ["a", "b", "c"]
    assert o.output == "o"
    assert o.mapper == "cat -n"
    assert o.verbose and not o.background


def test_options_value_may_start_with_dash():
    o = parse_stream_args(["-input", "i", "-output", "o", "-mapper", "-x"])
    assert o.mapper == "-x"
    # -input takes every following token that does not name an option (commons-cli)
    assert parse_stream_args(["-input", "a", "-b", "-output", "o"]).inputs == ["a", "-b"]


def test_options_errors_as_hadoop():
    with pytest.raises(StreamUsageError) as e:
        parse_stream_args(["-foo", "-input", "i"])
    assert e.value.logged == "Unrecognized option: -foo" and e.value.usage
    with pytest.raises(StreamUsageError) as e:
        parse_stream_args(["-input", "i", "-mapper"])
    assert e.value.logged == "Missing argument for option: mapper"
    with pytest.raises(StreamUsageError) as e:
        parse_stream_args(["-input", "i", "-mapper", "cat", "extra", "more"])
    assert e.value.message == "Found 2 unexpected arguments on the command line [extra, more]"


# ------------------------------------------------------------------ command


def test_split_args_quotes_as_pipemapred():
    assert split_args("awk '{print $1\"\\t1\"}'") == ["awk", '{print $1"\\t1"}']
    assert split_args('a"b c"d  e') == ["a", "b c", "d", "e"]
    assert split_args("cut -f1 | sort") == ["cut", "-f1", "|", "sort"]
    assert split_args("  x  ") == ["x"]


def test_env_names_and_cmdenv():
    assert safe_env_name("mapreduce.task.attempt.id") == "mapreduce_task_attempt_id"
    assert safe_env_name("a-b:c") == "a_b_c"
    env: dict[str, str] = {}
    add_environment(env, "HADOOP_ROOT_LOGGER= A=1 B=x=y broken")
    assert env == {"HADOOP_ROOT_LOGGER": "", "A": "1", "B": "x=y"}


# ------------------------------------------------------------------ records


def _naive(data: bytes, sep: bytes, n: int) -> tuple[list[bytes], list[bytes]]:
    keys, values = [], []
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not text:
        return keys, values
    lines = text.split(b"\n")
    if text.endswith(b"\n"):
        lines.pop()
    for line in lines:
        parts = line.split(sep)
        if len(parts) <= n:
            keys.append(line)
            values.append(b"")
        else:
            keys.append(sep.join(parts[:n]))
            values.append(sep.join(parts[n:]))
    return keys, values


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.binary(max_size=12).map(lambda b: b.replace(b"\n", b"").replace(b"\r", b"")), max_size=30),
    st.sampled_from([b"\t", b".", b"::"]),
    st.integers(1, 3),
    st.booleans(),
)
def test_parse_lines_matches_per_line_rule(lines, sep, n, final_newline):
    data = b"\n".join(lines) + (b"\n" if final_newline or not lines else b"")
    if not lines:
        data = b""
    assert parse_lines(data, sep, n) == _naive(data, sep, n)


def test_parse_lines_fast_path_and_crlf():
    assert parse_lines(b"a\t1\nb\t2\n") == ([b"a", b"b"], [b"1", b"2"])
    assert parse_lines(b"a\t1\r\nb\r\n") == ([b"a", b"b"], [b"1", b""])
    assert parse_lines(b"a\tb\tc\n") == ([b"a"], [b"b\tc"])
    assert split_lines([b"a.b.c"], b".", 2) == ([b"a.b"], [b"c"])


# ------------------------------------------------------------------ counted lines


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.binary(max_size=6), st.binary(max_size=4)), min_size=1, max_size=40))
def test_encoding_preserves_key_then_value_order(pairs):
    encoded = sorted(shuffle.encode(k, v) for k, v in pairs)
    assert [shuffle.decode(e) for e in encoded] == sorted(pairs)


def test_counted_lines_expand_to_the_same_reducer_input():
    data = b"b\t1\na\t1\nb\t1\nc\nb\t2\n"
    counted = shuffle.CountedLines()
    counted.add_data(data)
    keys, counts = counted.take(b"\t", 1)
    chunk = sorted(zip(keys, counts, strict=False))
    text, total, seen = shuffle.expand(chunk, b"\t")
    expected = sorted(line + (b"" if b"\t" in line else b"\t") for line in data.split(b"\n")[:-1])
    assert text.split(b"\n")[:-1] == expected
    assert total == 5 and counted.records == 5
    assert seen == [b"a", b"b", b"b", b"c"]


# ------------------------------------------------------------------ KeyFieldBased


def test_keyfield_option_parsing():
    specs = keyfield.parse_options("-k1,1 -k2nr")
    assert (specs[0].begin_field, specs[0].end_field, specs[0].numeric) == (1, 1, False)
    assert (specs[1].begin_field, specs[1].end_field, specs[1].numeric, specs[1].reverse) == (
        2,
        0,
        True,
        True,
    )
    glob = keyfield.parse_options("-nr")
    assert len(glob) == 1 and glob[0].numeric and glob[0].reverse
    assert keyfield.parse_options("") == []
    with pytest.raises(keyfield.KeySpecError):
        keyfield.parse_options("-k1,2x")


def test_keyfield_comparator_orders_like_sort():
    cmp = keyfield.KeyFieldBasedComparator("-k1,1 -k2nr")
    keys = [b"b\t3", b"a\t10", b"a\t9", b"b\t20", b"a\t-1"]
    assert sorted(keys, key=cmp) == [b"a\t10", b"a\t9", b"a\t-1", b"b\t20", b"b\t3"]
    dotted = keyfield.KeyFieldBasedComparator("-k2.2,2.3", separator=".")
    assert sorted([b"x.abz", b"y.aaz", b"z.acb"], key=dotted) == [b"y.aaz", b"x.abz", b"z.acb"]


def test_keyfield_partitioner_hashes_selected_fields():
    part = keyfield.KeyFieldBasedPartitioner("-k1,2", separator=".")
    p = part.partition_batch([b"1.2.3.4", b"1.2.9.9", b"1.3.3.4"], 7)
    assert p[0] == p[1]
    # Hadoop: h = 31*h + b over the bytes of "1.2", from 0
    h = 0
    for b in b"1.2":
        h = 31 * h + b
    assert p[0] == (h & 0x7FFFFFFF) % 7
    whole = keyfield.KeyFieldBasedPartitioner("")
    assert whole.partition(b"abc", 5) == (keyfield.java_string_hash("abc") & 0x7FFFFFFF) % 5
    assert keyfield.java_string_hash("abc") == 96354  # "abc".hashCode() in Java


# ------------------------------------------------------------------ aggregate


def test_aggregators_reports():
    s = aggregate.make_aggregator("LongValueSum")
    for v in (b"1", b"2", b"-5"):
        s.add(v)
    assert s.report() == "-2"
    d = aggregate.make_aggregator("DoubleValueSum")
    d.add(b"1.5")
    d.add(b"2")
    assert d.report() == "3.5"
    u = aggregate.make_aggregator("UniqValueCount")
    for v in (b"a", b"b", b"a"):
        u.add(v)
    assert u.report() == "2" and sorted(u.combiner_output()) == ["a", "b"]
    h = aggregate.make_aggregator("ValueHistogram")
    for v in (b"x", b"y", b"x", b"z\t3"):
        h.add(v)
    assert h.report().split("\t")[:4] == ["3", "1", "2", "3"]
    assert aggregate.java_double(1e10) == "1.0E10" and aggregate.java_double(0.5) == "0.5"


# ------------------------------------------------------------------ pump


def _run_pump(argv, chunks):
    out: list[bytes] = []
    rep = Reporter()
    proc = start_process(argv, {"PATH": "/usr/bin:/bin"}, "/")
    res = pump(proc, iter(chunks), out.append, rep, stderr_sink=None)
    return res, b"".join(out), rep


def test_pump_moves_large_data_both_ways():
    data = [bytes([65 + i % 26]) * 100_000 + b"\n" for i in range(60)]
    res, out, _ = _run_pump(["cat"], data)
    assert res.returncode == 0 and out == b"".join(data)


def test_pump_reporter_lines_and_stderr_tail():
    script = (
        "import sys; sys.stderr.write('reporter:counter:G,C,5\\nreporter:status:busy\\nplain\\n"
        "reporter:counter:bad\\n'); sys.stdout.write(sys.stdin.read())"
    )
    res, out, rep = _run_pump([sys.executable, "-c", script], [b"x\n"])
    assert out == b"x\n"
    assert rep.counters[("G", "C")] == 5 and rep.status == "busy"
    assert "plain" in res.stderr_tail and "reporter:" not in res.stderr_tail


def test_pump_command_that_stops_reading():
    res, out, _ = _run_pump(["head", "-c", "10"], [b"y" * 65536 + b"\n"] * 64)
    assert out == b"y" * 10
    assert res.broken_pipe and res.unsent > 0


def test_missing_program_is_cannot_run_program():
    from pyhdp.mapreduce.streaming.pipe import StreamingTaskError

    with pytest.raises(StreamingTaskError) as e:
        start_process(["/no/such/prog"], {}, "/")
    assert 'Cannot run program "/no/such/prog"' in str(e.value)
    assert type(e.value).__name__ == "java.io.IOException"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text("ab \n", max_size=8), min_size=1, max_size=12), st.integers(1, 40))
def test_xml_records_every_record_once_across_splits(bodies, split_size):
    import io

    from pyhdp.mapreduce.streaming.xmlreader import xml_records

    data = b"<r>" + b"junk".join(b"<p>" + b.encode() + b"</p>" for b in bodies) + b"</r>\n"
    whole = list(xml_records(io.BytesIO(data), 0, len(data), b"<p>", b"</p>"))
    assert whole == [b"<p>" + b.encode() + b"</p>" for b in bodies]
    got = []
    for start in range(0, len(data), split_size):
        got.extend(xml_records(io.BytesIO(data), start, min(start + split_size, len(data)), b"<p>", b"</p>"))
    assert got == whole
