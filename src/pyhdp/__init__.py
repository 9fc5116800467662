"""pyhdp: the Hadoop command-line experience in pure Python, with no JVM."""

__version__ = "0.1.0"

#: The Apache Hadoop release whose behaviour pyhdp follows (``hadoop version``).
HADOOP_VERSION = "3.4.1"
