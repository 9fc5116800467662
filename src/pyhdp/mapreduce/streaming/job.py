"""From parsed Streaming options to the engine's :class:`~pyhdp.mapreduce.api.JobSpec` (``StreamJob.setJobConf``)."""

from __future__ import annotations

import os
import random
from urllib.parse import quote_plus

from pyhdp.mapreduce.api import Component, JobSpec, Step
from pyhdp.mapreduce.streaming.options import StreamOptions, StreamUsageError

T = "pyhdp.mapreduce.streaming."

INPUT_FORMATS = {
    "org.apache.hadoop.mapred.TextInputFormat": "text",
    "TextInputFormat": "text",
    "org.apache.hadoop.mapred.KeyValueTextInputFormat": "keyvalue",
    "KeyValueTextInputFormat": "keyvalue",
    "org.apache.hadoop.mapred.SequenceFileInputFormat": "sequencefile",
    "SequenceFileInputFormat": "sequencefile",
    "org.apache.hadoop.mapred.SequenceFileAsTextInputFormat": "sequencefile-as-text",
    "SequenceFileAsTextInputFormat": "sequencefile-as-text",
    "org.apache.hadoop.mapred.lib.NLineInputFormat": "nline",
    "org.apache.hadoop.mapreduce.lib.input.NLineInputFormat": "nline",
    "NLineInputFormat": "nline",
    "org.apache.hadoop.mapreduce.lib.input.TextInputFormat": "text",
    "org.apache.hadoop.mapreduce.lib.input.KeyValueTextInputFormat": "keyvalue",
}
OUTPUT_FORMATS = {
    "org.apache.hadoop.mapred.TextOutputFormat": "text",
    "TextOutputFormat": "text",
    "org.apache.hadoop.mapred.lib.NullOutputFormat": "null",
    "NullOutputFormat": "null",
    "org.apache.hadoop.mapred.SequenceFileOutputFormat": "sequencefile",
    "SequenceFileOutputFormat": "sequencefile",
    "org.apache.hadoop.mapreduce.lib.output.TextOutputFormat": "text",
    "org.apache.hadoop.mapreduce.lib.output.NullOutputFormat": "null",
    "org.apache.hadoop.mapreduce.lib.output.SequenceFileOutputFormat": "sequencefile",
}
KEYFIELD_PARTITIONERS = {
    "org.apache.hadoop.mapred.lib.KeyFieldBasedPartitioner",
    "org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedPartitioner",
    "KeyFieldBasedPartitioner",
}
HASH_PARTITIONERS = {
    "org.apache.hadoop.mapred.lib.HashPartitioner",
    "org.apache.hadoop.mapreduce.lib.partition.HashPartitioner",
    "HashPartitioner",
}
KEYFIELD_COMPARATORS = {
    "org.apache.hadoop.mapred.lib.KeyFieldBasedComparator",
    "org.apache.hadoop.mapreduce.lib.partition.KeyFieldBasedComparator",
    "KeyFieldBasedComparator",
}
IDENTITY_MAPPERS = {"org.apache.hadoop.mapred.lib.IdentityMapper", "IdentityMapper"}
IDENTITY_REDUCERS = {"org.apache.hadoop.mapred.lib.IdentityReducer", "IdentityReducer"}
IO_IDS = ("text", "rawbytes", "typedbytes", "keyonlytext")


def _first(conf, *keys: str) -> str | None:
    for k in keys:
        v = conf.get(k)
        if v is not None and v != "":
            return v
    return None


def _qualify_local(path: str) -> str:
    if "://" in path or path.startswith("file:"):
        return path
    return "file:" + os.path.abspath(path)


def _local_path(path: str) -> str:
    if path.startswith("file://"):
        return path[7:]
    if path.startswith("file:"):
        return path[5:]
    return path


def _unqualify_if_shipped(cmd: str | None, shipped: set[str]) -> str | None:
    """``StreamJob.unqualifyIfLocalPath``: a shipped program is run by its base name."""
    if cmd is None:
        return None
    prog, sep, args = cmd.partition(" ")
    try:
        canon = os.path.realpath(prog)
    except OSError:
        canon = prog
    if canon in shipped:
        prog = os.path.basename(prog)
        return prog + (" " + args if args else "")
    return cmd


def build_job(opts: StreamOptions, conf, warn) -> JobSpec:
    """Apply the options to ``conf`` and describe the job; raise StreamUsageError as StreamJob.fail."""
    if not opts.inputs:
        raise StreamUsageError("Required argument: -input <name>")
    if opts.output is None:
        raise StreamUsageError("Required argument: -output ")

    add_env = "HADOOP_ROOT_LOGGER="
    for pair in opts.cmdenv:
        add_env += " " + pair

    shipped: set[str] = set()
    files: list[str] = []
    if opts.files:
        warn("-file option is deprecated, please use generic option -files instead.")
        for f in opts.files:
            qualified = _qualify_local(f)
            local = _local_path(qualified)
            if not os.path.exists(local):
                raise StreamUsageError(f"File: {qualified} does not exist.")
            if not os.access(local, os.R_OK):
                raise StreamUsageError(f"File: {qualified} is not readable.")
            files.append(qualified)
            if os.path.isfile(local):
                shipped.add(os.path.realpath(local))
        tmp = conf.get("tmpfiles") or ""
        conf.set("tmpfiles", ",".join([x for x in [tmp, *files] if x]))
    if opts.dfs:
        warn("-dfs option is deprecated, please use -fs instead.")
        fs = opts.dfs if opts.dfs != "local" else "file:///"
        if "://" not in fs and fs != "file:///":
            fs = "hdfs://" + fs
        conf.set("fs.defaultFS", fs)
    if opts.cache_archives:
        warn("-cacheArchive option is deprecated, please use -archives instead.")
    if opts.cache_files:
        warn("-cacheFile option is deprecated, please use -files instead.")
    for spec in opts.jobconf:
        warn("-jobconf option is deprecated, please use -D instead.")
        k, _, v = spec.partition("=")
        conf.set(k, v)
    if opts.additionalconfspec:
        warn("-additionalconfspec option is deprecated, please use -conf instead.")
        conf.add_resource(opts.additionalconfspec)

    mapper = _unqualify_if_shipped(opts.mapper, shipped)
    combiner = _unqualify_if_shipped(opts.combiner, shipped)
    reducer = _unqualify_if_shipped(opts.reducer, shipped)

    # input format
    xml = False
    if opts.inputreader:
        from pyhdp.mapreduce.streaming.xmlreader import XML_READERS

        parts = opts.inputreader.split(",")
        if parts[0] not in XML_READERS:
            raise StreamUsageError(f"-inputreader: class not found: {parts[0]}")
        conf.set("stream.recordreader.class", "org.apache.hadoop.streaming.StreamXmlRecordReader")
        for nv in parts[1:]:
            k, _, v = nv.partition("=")
            conf.set("stream.recordreader." + k, v)
        xml = True
    input_format = "text"
    if opts.inputformat is not None:
        input_format = INPUT_FORMATS.get(opts.inputformat, "")
        if not input_format:
            raise StreamUsageError(f"-inputformat : class not found : {opts.inputformat}")
    ignore_key = input_format == "text" and not xml

    if opts.io is not None:
        for k in ("stream.map.input", "stream.map.output", "stream.reduce.input", "stream.reduce.output"):
            conf.set(k, opts.io)
    binary_io = any(
        (conf.get(k) or "text") in ("rawbytes", "typedbytes")
        for k in ("stream.map.input", "stream.map.output", "stream.reduce.input", "stream.reduce.output")
    )
    conf.set("stream.addenvironment", add_env)

    num_reduces_guess = (
        0
        if reducer == "NONE"
        else int(
            opts.num_reduce_tasks
            if opts.num_reduce_tasks is not None
            else (conf.get("mapreduce.job.reduces") or "1")
        )
    )
    # Streaming map output travels as distinct counted lines (see shuffle.py) unless turned off
    encoded = (
        mapper is not None
        and mapper not in IDENTITY_MAPPERS
        and num_reduces_guess != 0
        and not binary_io
        and (conf.get("pyhdp.streaming.counted.shuffle") or "true").strip().lower() == "true"
    )

    # commands
    map_comp: Component
    sort_key: Component | None = None
    if mapper is None or mapper in IDENTITY_MAPPERS:
        map_comp = Component(T + "task:StreamIdentityMapper")
        if input_format in ("text", "nline"):
            sort_key = Component(T + "keyfield:numeric_key")
    else:
        conf.set("stream.map.streamprocessor", quote_plus(mapper))
        map_comp = Component(
            T + "task:PipeMapper",
            {"command": mapper, "ignore_key": ignore_key, "encoded": encoded, "xml": xml},
        )

    if opts.num_reduce_tasks is not None:
        try:
            n = int(opts.num_reduce_tasks)
        except ValueError:
            raise StreamUsageError(f'For input string: "{opts.num_reduce_tasks}"') from None
        conf.set("mapreduce.job.reduces", str(n))
    if reducer == "NONE":
        conf.set("mapreduce.job.reduces", "0")
    num_reduces = int(conf.get("mapreduce.job.reduces") or "1")

    comb_comp: Component | None = None
    if combiner is not None:
        conf.set("stream.combine.streamprocessor", quote_plus(combiner))
        comb_comp = Component(T + "task:PipeCombiner", {"command": combiner, "encoded": encoded})
    red_comp: Component | None = None
    if reducer is not None and num_reduces != 0:
        if reducer.lower() == "aggregate":
            red_comp = Component(T + "aggregate:ValueAggregatorReducer", {"encoded": encoded})
            comb_comp = Component(T + "aggregate:ValueAggregatorCombiner", {"encoded": encoded})
        elif reducer in IDENTITY_REDUCERS:
            red_comp = Component(T + "shuffle:StreamIdentityReducer") if encoded else None
        else:
            conf.set("stream.reduce.streamprocessor", quote_plus(reducer))
            red_comp = Component(T + "task:PipeReducer", {"command": reducer, "encoded": encoded})
    elif reducer is None and encoded:
        red_comp = Component(T + "shuffle:StreamIdentityReducer")

    # output format
    output_format = "text"
    if opts.outputformat is not None:
        output_format = OUTPUT_FORMATS.get(opts.outputformat, "")
        if not output_format:
            raise StreamUsageError(f"-outputformat : class not found : {opts.outputformat}")
    if output_format == "sequencefile":
        # Streaming's output key/value class is Text (TypedBytesWritable / BytesWritable for -io)
        ident = (conf.get("stream.reduce.output") or "text").strip().lower()
        cls = "org.apache.hadoop.io.BytesWritable" if ident == "rawbytes" else "org.apache.hadoop.io.Text"
        for key in ("mapreduce.job.output.key.class", "mapreduce.job.output.value.class"):
            if conf.sources.get(key, "-default.yaml").endswith("-default.yaml"):
                conf.set(key, cls)
    if opts.lazy_output:
        conf.set("pyhdp.output.lazy", "true")  # LazyOutputFormat: no empty part files

    # partitioner / comparator
    sep = _first(conf, "mapreduce.map.output.key.field.separator") or "\t"
    part_comp: Component | None = None
    if opts.partitioner is not None:
        if opts.partitioner in KEYFIELD_PARTITIONERS:
            options = _first(conf, "mapreduce.partition.keypartitioner.options") or ""
            target = "shuffle:EncodedKeyFieldPartitioner" if encoded else "keyfield:KeyFieldBasedPartitioner"
            part_comp = Component(T + target, {"options": options, "separator": sep})
        elif opts.partitioner not in HASH_PARTITIONERS:
            raise StreamUsageError(f"-partitioner : class not found : {opts.partitioner}")
    comparator = _first(conf, "mapreduce.job.output.key.comparator.class")
    if comparator:
        if comparator in KEYFIELD_COMPARATORS:
            options = _first(conf, "mapreduce.partition.keycomparator.options") or ""
            target = "shuffle:encoded_comparator" if encoded else "keyfield:KeyFieldBasedComparator"
            sort_key = Component(T + target, {"options": options, "separator": sep})
        else:
            raise StreamUsageError(f"class not found : {comparator}")

    if encoded and part_comp is None and num_reduces > 1:
        part_comp = Component(T + "shuffle:EncodedHashPartitioner")

    if opts.mapdebug:
        conf.set("mapreduce.map.debug.script", opts.mapdebug)
    if opts.reducedebug:
        conf.set("mapreduce.reduce.debug.script", opts.reducedebug)

    step = Step(
        mapper=map_comp,
        combiner=comb_comp,
        reducer=red_comp,
        num_reduces=num_reduces,
        input_format=input_format,
        output_format=output_format,
        partitioner=part_comp,
        sort_key=sort_key,
    )
    tmpfiles = [f for f in (conf.get("tmpfiles") or "").split(",") if f]
    tmparchives = [f for f in (conf.get("tmparchives") or "").split(",") if f]
    tmpfiles += [f for f in opts.cache_files for f in f.split(",") if f]
    tmparchives += [f for f in opts.cache_archives for f in f.split(",") if f]
    name = conf.get("mapreduce.job.name") or f"streamjob{random.randrange(1 << 62)}.jar"
    return JobSpec(
        inputs=list(opts.inputs),
        output=opts.output,
        steps=[step],
        name=name,
        api="old",
        files=_dedupe(tmpfiles),
        archives=_dedupe(tmparchives),
    )


def _dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for x in items:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out
