"""PySpark (local[2]) reads a text file from a pyhdp NameNode through ``webhdfs://``, counts words
and writes the result directory back through ``webhdfs://``; pyhdp's ``hdfs dfs -cat`` reads it."""

from __future__ import annotations

import collections
import random
import subprocess
import sys
import textwrap

import pytest
from hadoop_java import HadoopJava

from conftest import require_java

JOB = textwrap.dedent('''
    import sys
    from pyspark.sql import SparkSession

    base, classes = sys.argv[1], sys.argv[2]
    spark = (SparkSession.builder.master("local[2]").appName("pyhdp-wordcount")
             .config("spark.driver.extraClassPath", classes)  # the JAX-RS shim, see hadoop_java.py
             .config("spark.ui.enabled", "false")
             .config("spark.sql.shuffle.partitions", "2")
             .getOrCreate())
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    counts = (sc.textFile(base + "/spark/in.txt").flatMap(lambda line: line.split())
              .map(lambda w: (w, 1)).reduceByKey(lambda a, b: a + b, numPartitions=2))
    counts.map(lambda kv: kv[0] + "\\t" + str(kv[1])).saveAsTextFile(base + "/spark/out")
    spark.stop()
''')


@pytest.mark.timeout(900)  # a dozen JVM starts; slow on a loaded 2-core machine
def test_spark_wordcount_through_webhdfs(cluster, tmp_path):
    require_java()
    pytest.importorskip("pyspark")
    jv = HadoopJava(tmp_path / "java")
    rng = random.Random(8)
    words = ["hadoop", "spark", "pyhdp", "webhdfs", "block", "namenode", "datanode", "shuffle", "été", "x"]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(3000)]
    text = "\n".join(lines) + "\n"
    cluster.fs().mkdirs("/spark")
    cluster.fs().write_bytes("/spark/in.txt", text.encode())
    job = tmp_path / "wordcount.py"
    job.write_text(JOB)
    env = dict(jv.env)
    env.pop("TMPDIR", None)
    proc = subprocess.run([sys.executable, str(job), f"webhdfs://127.0.0.1:{cluster.http_port}", str(jv.conf_dir)],
                          env=env, cwd=tmp_path, capture_output=True, timeout=280)
    assert proc.returncode == 0, proc.stderr.decode()[-4000:]

    listing = cluster.cli("hdfs", "dfs", "-ls", "-C", "/spark/out")
    assert listing.returncode == 0, listing.stderr
    names = sorted(listing.stdout.decode().split())
    assert names == ["/spark/out/_SUCCESS", "/spark/out/part-00000", "/spark/out/part-00001"]
    out = cluster.cli("hdfs", "dfs", "-cat", "/spark/out/part-*")
    assert out.returncode == 0, out.stderr
    got = {}
    for line in out.stdout.decode().splitlines():
        word, _, n = line.partition("\t")
        assert word not in got
        got[word] = int(n)
    assert got == dict(collections.Counter(text.split()))
