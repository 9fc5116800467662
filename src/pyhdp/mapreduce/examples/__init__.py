"""The examples jar: ``hadoop jar hadoop-mapreduce-examples-*.jar NAME ...`` (see :mod:`.driver`)."""
