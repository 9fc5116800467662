"""``StreamJob``'s command line: options, usage texts and error messages, as Hadoop's.

Hadoop parses Streaming options with commons-cli's ``BasicParser``: options match exactly
(single dash, case-sensitive); an option with a value takes the next token even if it
starts with a dash (unless it names another option); ``-input`` and ``-file`` take every
following token up to the next option.  Errors follow ``StreamJob.fail``: the message and
``Try -help for more information`` on stderr, exit 1.
"""

from __future__ import annotations

import dataclasses
import sys

from pyhdp.errors import PyhdpError

#: option name → maximum number of values (0: a flag)
OPTIONS: dict[str, int] = {
    "input": 1 << 30,
    "output": 1,
    "mapper": 1,
    "combiner": 1,
    "reducer": 1,
    "file": 1 << 30,
    "dfs": 1,
    "additionalconfspec": 1,
    "inputformat": 1,
    "outputformat": 1,
    "partitioner": 1,
    "numReduceTasks": 1,
    "inputreader": 1,
    "mapdebug": 1,
    "reducedebug": 1,
    "jobconf": 1,
    "cmdenv": 1,
    "cacheFile": 1 << 30,
    "cacheArchive": 1 << 30,
    "io": 1,
    "background": 0,
    "verbose": 0,
    "info": 0,
    "debug": 0,
    "help": 0,
    "lazyOutput": 0,
}

USAGE = """Usage: $HADOOP_HOME/bin/hadoop jar hadoop-streaming.jar [options]
Options:
  -input          <path> DFS input file(s) for the Map step.
  -output         <path> DFS output directory for the Reduce step.
  -mapper         <cmd|JavaClassName> Optional. Command to be run as mapper.
  -combiner       <cmd|JavaClassName> Optional. Command to be run as combiner.
  -reducer        <cmd|JavaClassName> Optional. Command to be run as reducer.
  -file           <file> Optional. File/dir to be shipped in the Job jar file.
                  Deprecated. Use generic option "-files" instead.
  -inputformat    <TextInputFormat(default)|SequenceFileAsTextInputFormat|JavaClassName>
                  Optional. The input format class.
  -outputformat   <TextOutputFormat(default)|JavaClassName>
                  Optional. The output format class.
  -partitioner    <JavaClassName>  Optional. The partitioner class.
  -numReduceTasks <num> Optional. Number of reduce tasks.
  -inputreader    <spec> Optional. Input recordreader spec.
  -cmdenv         <n>=<v> Optional. Pass env.var to streaming commands.
  -mapdebug       <cmd> Optional. To run this script when a map task fails.
  -reducedebug    <cmd> Optional. To run this script when a reduce task fails.
  -io             <identifier> Optional. Format to use for input to and output
                  from mapper/reducer commands
  -lazyOutput     Optional. Lazily create Output.
  -background     Optional. Submit the job and don't wait till it completes.
  -verbose        Optional. Print verbose output.
  -info           Optional. Print detailed usage.
  -help           Optional. Print help message.
"""

SHORT_TAIL = """
For more details about these options:
Use $HADOOP_HOME/bin/hadoop jar hadoop-streaming.jar -info
"""

DETAILED_TAIL = """
Usage tips:
In -input: globbing on <path> is supported and can have multiple -input

Default Map input format: a line is a record in UTF-8 the key part ends at first
  TAB, the rest of the line is the value

To pass a Custom input format:
  -inputformat package.MyInputFormat

Similarly, to pass a custom output format:
  -outputformat package.MyOutputFormat

The files with extensions .class and .jar/.zip, specified for the -file
  argument[s], end up in "classes" and "lib" directories respectively inside
  the working directory when the mapper and reducer are run. All other files
  specified for the -file argument[s] end up in the working directory when the
  mapper and reducer are run. The location of this working directory is
  unspecified.

To set the number of reduce tasks (num. of output files) as, say 10:
  Use -numReduceTasks 10
To skip the sort/combine/shuffle/sort/reduce step:
  Use -numReduceTasks 0
  Map output then becomes a 'side-effect output' rather than a reduce input.
  This speeds up processing. This also feels more like "in-place" processing
  because the input filename and the map input order are preserved.
  This is equivalent to -reducer NONE

To speed up the last maps:
  -D mapreduce.map.speculative=true
To speed up the last reduces:
  -D mapreduce.reduce.speculative=true
To name the job (appears in the JobTracker Web UI):
  -D mapreduce.job.name='My Job'
To change the local temp directory:
  -D dfs.data.dir=/tmp/dfs
  -D stream.tmpdir=/tmp/streaming
Additional local temp directories with -jt local:
  -D mapreduce.cluster.local.dir=/tmp/local
  -D mapreduce.jobtracker.system.dir=/tmp/system
  -D mapreduce.cluster.temp.dir=/tmp/temp
To treat tasks with non-zero exit status as SUCCEDED:
  -D stream.non.zero.exit.is.failure=false
Use a custom hadoop streaming build along with standard hadoop install:
  $HADOOP_HOME/bin/hadoop jar /path/my-hadoop-streaming.jar [...]\\
    [...] -D stream.shipped.hadoopstreaming=/path/my-hadoop-streaming.jar
For more details about jobconf parameters see:
  http://wiki.apache.org/hadoop/JobConfFile
Truncate the values of the job configuration copiedto the environment at the given length:
   -D stream.jobconf.truncate.limit=-1
To set an environment variable in a streaming command:
   -cmdenv EXAMPLE_DIR=/home/example/dictionaries/

Shortcut:
   setenv HSTREAMING "$HADOOP_HOME/bin/hadoop jar hadoop-streaming.jar"

Example: $HSTREAMING -mapper "/usr/local/bin/perl5 filter.pl"
           -file /local/filter.pl -input "/logs/0604*/*" [...]
  Ships a script, invokes the non-shipped perl interpreter. Shipped files go to
  the working directory so filter.pl is found by perl. Input files are all the
  daily logs for days in month 2006-04
"""


def usage_text(detailed: bool) -> str:
    from pyhdp.cli.generic import GENERIC_USAGE

    text = USAGE + "\n" + GENERIC_USAGE
    return text + (DETAILED_TAIL if detailed else SHORT_TAIL)


class StreamUsageError(PyhdpError):
    """``StreamJob.fail``: print ``message`` and the ``-help`` hint on stderr, exit 1.

    ``logged`` is an ``ERROR streaming.StreamJob:`` line printed first (parser errors),
    ``usage`` asks for the usage text on stdout before the hint.
    """

    exit_code = 1

    def __init__(self, message: str, logged: str | None = None, usage: bool = False, detailed: bool = False):
        super().__init__(message)
        self.message = message
        self.logged = logged
        self.usage = usage
        self.detailed = detailed

    def report(self, out=None, err=None) -> None:
        out = out or sys.stdout
        err = err or sys.stderr
        if self.logged:
            import logging

            logging.getLogger("streaming.StreamJob").error(self.logged)
        if self.usage:
            out.write(usage_text(self.detailed))
            out.flush()
        err.write(self.message + "\n")
        err.write("Try -help for more information\n")


@dataclasses.dataclass
class StreamOptions:
    inputs: list[str] = dataclasses.field(default_factory=list)
    output: str | None = None
    mapper: str | None = None
    combiner: str | None = None
    reducer: str | None = None
    files: list[str] = dataclasses.field(default_factory=list)
    dfs: str | None = None
    additionalconfspec: str | None = None
    inputformat: str | None = None
    outputformat: str | None = None
    partitioner: str | None = None
    num_reduce_tasks: str | None = None
    inputreader: str | None = None
    mapdebug: str | None = None
    reducedebug: str | None = None
    jobconf: list[str] = dataclasses.field(default_factory=list)
    cmdenv: list[str] = dataclasses.field(default_factory=list)
    cache_files: list[str] = dataclasses.field(default_factory=list)
    cache_archives: list[str] = dataclasses.field(default_factory=list)
    io: str | None = None
    background: bool = False
    verbose: bool = False
    info: bool = False
    debug: bool = False
    help: bool = False
    lazy_output: bool = False

    @property
    def print_usage(self) -> bool:
        return self.help or self.info


_ATTR = {
    "numReduceTasks": "num_reduce_tasks",
    "cacheFile": "cache_files",
    "cacheArchive": "cache_archives",
    "lazyOutput": "lazy_output",
    "file": "files",
    "input": "inputs",
}


def parse_stream_args(argv: list[str]) -> StreamOptions:
    """Parse Streaming options as commons-cli's BasicParser does; raise :class:`StreamUsageError`."""
    detailed = bool(argv) and argv[0] == "-info"
    values: dict[str, list[str]] = {}
    flags: set[str] = set()
    leftovers: list[str] = []
    i = 0
    n = len(argv)
    while i < n:
        tok = argv[i]
        if tok == "--":
            leftovers.extend(argv[i + 1 :])
            break
        if tok.startswith("-") and tok != "-":
            name = tok[1:]
            if name not in OPTIONS:
                raise StreamUsageError(
                    "", logged=f"Unrecognized option: {tok}", usage=True, detailed=detailed
                )
            maximum = OPTIONS[name]
            i += 1
            if maximum == 0:
                flags.add(name)
                continue
            taken = values.setdefault(name, [])
            count = 0
            while i < n and count < maximum:
                nxt = argv[i]
                if nxt.startswith("-") and nxt[1:] in OPTIONS:
                    break
                taken.append(nxt)
                count += 1
                i += 1
            if count == 0:
                raise StreamUsageError(
                    "", logged=f"Missing argument for option: {name}", usage=True, detailed=detailed
                )
            continue
        leftovers.append(tok)
        i += 1
    if leftovers:
        shown = "[" + ", ".join(leftovers) + "]"
        raise StreamUsageError(f"Found {len(leftovers)} unexpected arguments on the command line {shown}")
    opts = StreamOptions()
    for name in flags:
        setattr(opts, _ATTR.get(name, name), True)
    for name, vals in values.items():
        attr = _ATTR.get(name, name)
        current = getattr(opts, attr)
        if isinstance(current, list):
            current.extend(vals)
        else:
            # commons-cli getOptionValue returns the first value given
            setattr(opts, attr, vals[0])
    return opts
