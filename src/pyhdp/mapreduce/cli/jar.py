"""``hadoop jar`` / ``yarn jar`` (Hadoop's RunJar), for what pyhdp can run.

* ``.../hadoop-streaming-*.jar ARGS`` (by file name, any path, present or not; or a jar whose
  manifest names ``org.apache.hadoop.streaming.HadoopStreaming``) → Hadoop Streaming.
* ``.../hadoop-mapreduce-examples-*.jar NAME ARGS`` (or manifest ``ExampleDriver``) → the examples.
* ``job.py ARGS`` → a Python job file, run as ``python job.py ARGS`` would run it, with the
  configuration of this command (``-D`` ... given after the file name, as ToolRunner reads them).
* any other jar → a plain message: pyhdp runs Python jobs, Streaming and the examples, not Java.
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from typing import Any

STREAMING_RE = re.compile(r"^hadoop-streaming(-[^/]*)?\.jar$")
EXAMPLES_RE = re.compile(r"^hadoop-mapreduce-examples(-[^/]*)?\.jar$")
STREAMING_MAIN = "org.apache.hadoop.streaming.HadoopStreaming"
EXAMPLES_MAIN = "org.apache.hadoop.examples.ExampleDriver"


def _manifest_main(path: str) -> str | None:
    try:
        with zipfile.ZipFile(path) as z:
            text = z.read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    joined = text.replace("\r\n ", "").replace("\n ", "")
    for line in joined.splitlines():
        if line.lower().startswith("main-class:"):
            return line.split(":", 1)[1].strip()
    return None


def kind_of(path: str) -> str:
    """``streaming``, ``examples``, ``python``, ``jar``, ``missing`` or ``other``."""
    base = os.path.basename(path)
    if STREAMING_RE.match(base):
        return "streaming"
    if EXAMPLES_RE.match(base):
        return "examples"
    if base.endswith(".py"):
        return "python" if os.path.isfile(path) else "missing"
    if not os.path.isfile(path):
        return "missing"
    main = _manifest_main(path)
    if main == STREAMING_MAIN:
        return "streaming"
    if main == EXAMPLES_MAIN:
        return "examples"
    if zipfile.is_zipfile(path):
        return "jar"
    return "other"


def run(args: list[str], conf: Any) -> int:
    if not args:
        sys.stderr.write("RunJar jarFile [mainClass] args...\n")
        return 255
    jar, rest = args[0], args[1:]
    kind = kind_of(jar)
    if kind == "streaming":
        from pyhdp.mapreduce.streaming.cli import run_jar

        return run_jar(rest, conf)
    if kind == "examples":
        from pyhdp.mapreduce.examples.driver import run as run_examples

        return run_examples(rest, conf)
    if kind == "python":
        from pyhdp.mapreduce.cli.pyjob import run_job_file

        return run_job_file(jar, rest, conf)
    if kind == "missing":
        sys.stderr.write(f"JAR does not exist or is not a normal file: {os.path.realpath(jar)}\n")
        return 255
    if kind == "jar":
        main = _manifest_main(jar)
        what = f" (Main-Class: {main})" if main else (f" (class {rest[0]})" if rest else "")
        sys.stderr.write(
            f"pyhdp cannot run Java code: {jar}{what} is a Java jar. pyhdp runs Python jobs "
            "(hadoop jar job.py IN OUT), Hadoop Streaming (hadoop jar .../hadoop-streaming-*.jar -mapper CMD ...) "
            "and the bundled examples (hadoop jar .../hadoop-mapreduce-examples-*.jar NAME ...); "
            "run this jar with a real Hadoop installation.\n"
        )
        return 1
    sys.stderr.write(f"Error opening job jar: {jar}\n")
    return 255
