"""Hadoop Streaming: any executable as mapper, combiner or reducer.

* :mod:`.options` — ``StreamJob``'s command line (options, usage texts, error messages).
* :mod:`.command` — how a ``-mapper`` string becomes argv and environment (PipeMapRed rules).
* :mod:`.records` — bytes-level parsing of command output into keys/values, and the reverse.
* :mod:`.pipe` — the pump: big writes of raw input to the command, big reads of its output,
  ``reporter:`` lines on stderr.
* :mod:`.task` — the engine components (``PipeMapper``, ``PipeReducer``, ``PipeCombiner``).
* :mod:`.keyfield` — ``KeyFieldBasedPartitioner`` / ``KeyFieldBasedComparator`` options.
* :mod:`.aggregate` — the ``aggregate`` reducer (ValueAggregatorReducer/Combiner).
* :mod:`.job` — builds the engine's :class:`~pyhdp.mapreduce.api.JobSpec`.
* :mod:`.cli` — ``mapred streaming`` / ``hadoop jar hadoop-streaming-*.jar``.
"""
