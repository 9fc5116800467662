"""The Python job API.

A job is a Python file with a class::

    from pyhdp.mapreduce.job import Job

    class WordCount(Job):
        def mapper(self, _, line):
            for word in line.split():
                yield word, 1

        def combiner(self, word, counts):
            yield word, sum(counts)

        def reducer(self, word, counts):
            yield word, sum(counts)

    if __name__ == "__main__":
        WordCount.run()

Run it with ``python wordcount.py IN OUT``, ``hadoop jar wordcount.py IN OUT`` or
``yarn jar wordcount.py IN OUT``; or write module-level ``mapper``/``reducer`` functions.
Fast paths: ``mapper_block(self, text)`` receives many whole lines at once, and state kept
between ``mapper_init``/``mapper_final`` gives in-mapper combining.  Multi-step jobs
return ``[MRStep(mapper=..., reducer=...), ...]`` from ``steps()``.  See
:class:`pyhdp.mapreduce.job.core.Job` for protocols, formats and options.
"""

from pyhdp.mapreduce.job.core import Job, MRStep

__all__ = ["Job", "MRStep"]
