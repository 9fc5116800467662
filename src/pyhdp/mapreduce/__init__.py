"""MapReduce: the engine, the local runner and the Python job API.

Layout (engine separate from the runners that schedule tasks, so YARN reuses it):

* :mod:`pyhdp.mapreduce.api` — **the entry point for front ends**: :class:`~pyhdp.mapreduce.api.JobSpec`,
  :class:`~pyhdp.mapreduce.api.Step`, :class:`~pyhdp.mapreduce.api.Component`,
  :func:`~pyhdp.mapreduce.api.run_job` → :class:`~pyhdp.mapreduce.api.JobResult`,
  :class:`~pyhdp.mapreduce.api.JobSubmissionError` (``OutputExistsError``, ``InvalidInputError``).
  The docstring of that module documents the task-side protocols (``run_map(ctx)``,
  ``run_reduce(ctx)``, ``combine(groups)``) and the contexts.
* :mod:`pyhdp.mapreduce.context` — ``MapContext`` / ``ReduceContext`` given to task logic.
* :mod:`pyhdp.mapreduce.input` — ``FileInputFormat`` listing and splits (``splits``), text
  / key-value / N-line readers (``text``), SequenceFile input.
* :mod:`pyhdp.mapreduce.io.sequencefile` — Hadoop SequenceFile reader/writer and Writables;
  ``read_sequence_file_as_text(stream)`` is the hook FsShell ``-text`` calls.
* :mod:`pyhdp.mapreduce.sortbuffer`, :mod:`pyhdp.mapreduce.merge`, :mod:`pyhdp.mapreduce.mapoutput`
  — map-side collect/partition/sort/spill/combine, bounded-memory k-way merge, the MapOutput
  file format (``file.out`` + ``file.out.index``; servable by an HTTP shuffle).
* :mod:`pyhdp.mapreduce.output` — TextOutputFormat, SequenceFileOutputFormat, FileOutputCommitter.
* :mod:`pyhdp.mapreduce.counters` — Hadoop counter groups/names, the ``Counters: N`` dump,
  the ``reporter:counter:`` parser.
* :mod:`pyhdp.mapreduce.console` — Hadoop's client console log and progress lines (reusable
  by the CLI).
* :mod:`pyhdp.mapreduce.history` — job history files; ``list_jobs(conf)``, ``read_job(conf, job_id)``.
* :mod:`pyhdp.mapreduce.task` — ``python -m pyhdp.mapreduce.task``: one task attempt (``--spec``),
  a pool worker (``--worker``), or a Python job role on stdin/stdout (``--job F --step N --mapper``)
  as Hadoop Streaming runs it.
* :mod:`pyhdp.mapreduce.runners` — ``local`` (process pool).
* :mod:`pyhdp.mapreduce.job` — the Python job API (``Job`` class, ``Job.run()``);
  ``pyhdp.mapreduce.job.launcher.run_job_file(path, args, conf)`` is what ``hadoop jar job.py``
  and ``yarn jar job.py`` call.

Hooks for other parts of pyhdp:

* FsShell ``-text``: ``pyhdp.mapreduce.io.sequencefile.read_sequence_file_as_text(stream)``
  (check the first bytes with ``is_sequence_file(head)``).
* ``mapred job``: ``pyhdp.mapreduce.history.list_jobs(conf)``, ``read_job(conf, job_id)``,
  ``job_counters(conf, job_id)``; a running local job's document has its client ``pid``
  (SIGTERM kills the job cleanly: state KILLED).
* Console: ``pyhdp.mapreduce.console.JobConsole``; counters: ``pyhdp.mapreduce.counters``.
* Partition like Hadoop: ``pyhdp.mapreduce.sortbuffer.hadoop_hash`` (one key),
  ``hadoop_hash_batch(keys)`` (many new keys at once, numpy when installed) /
  ``HashPartitioner``.

Deliberate differences from Hadoop's LocalJobRunner: tasks run in worker processes in
parallel and failed attempts are retried (as on YARN); ``Job Counters`` are printed;
no speculative execution; a reduce merges up to 50 map outputs per pass (Hadoop's
in-memory shuffle merge) while ``mapreduce.task.io.sort.factor`` bounds the on-disk passes.
"""
