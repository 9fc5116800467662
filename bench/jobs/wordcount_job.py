"""A plain user-written word count job on pyhdp's public Python job API.

Written the way a user would write it (mrjob's shape, no fast path): the mapper emits one
``(word, 1)`` record per word, the combiner and the reducer sum.  Runs with

    hadoop jar bench/jobs/wordcount_job.py file:///abs/in file:///abs/out
    python bench/jobs/wordcount_job.py file:///abs/in file:///abs/out

Output: ``word<TAB>count`` lines in ``part-r-*`` files.
"""

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
