"""Command-line entry points (``hadoop``, ``hdfs``, ``yarn``, ``mapred``, ``pyhdp``)."""
