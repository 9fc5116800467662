"""Hadoop's ``ExampleDriver`` / ``ProgramDriver``: pick an example program by name.

The listing is Hadoop's (every program of the real examples jar, sorted by name); the few
that pyhdp does not implement say so plainly when run.
"""

from __future__ import annotations

import sys
from typing import Any

E = "pyhdp.mapreduce.examples."

#: name → (target "module:function" or None when not implemented, description)
PROGRAMS: dict[str, tuple[str | None, str]] = {
    "aggregatewordcount": (
        E + "aggregatewc:aggregatewordcount",
        "An Aggregate based map/reduce program that counts the words in the input files.",
    ),
    "aggregatewordhist": (
        E + "aggregatewc:aggregatewordhist",
        "An Aggregate based map/reduce program that computes the histogram of the words in the input files.",
    ),
    "bbp": (None, "A map/reduce program that uses Bailey-Borwein-Plouffe to compute exact digits of Pi."),
    "dbcount": (None, "An example job that count the pageview counts from a database."),
    "distbbp": (None, "A map/reduce program that uses a BBP-type formula to compute exact bits of Pi."),
    "grep": (E + "grep:grep", "A map/reduce program that counts the matches of a regex in the input."),
    "join": (E + "join:join", "A job that effects a join over sorted, equally partitioned datasets"),
    "multifilewc": (E + "wordcount:multifilewc", "A job that counts words from several files."),
    "pentomino": (None, "A map/reduce tile laying program to find solutions to pentomino problems."),
    "pi": (E + "pi:pi", "A map/reduce program that estimates Pi using a quasi-Monte Carlo method."),
    "randomtextwriter": (
        E + "generators:randomtextwriter",
        "A map/reduce program that writes 10GB of random textual data per node.",
    ),
    "randomwriter": (
        E + "generators:randomwriter",
        "A map/reduce program that writes 10GB of random data per node.",
    ),
    "secondarysort": (
        E + "secondarysort:secondarysort",
        "An example defining a secondary sort to the reduce.",
    ),
    "sort": (E + "sort:sort", "A map/reduce program that sorts the data written by the random writer."),
    "sudoku": (None, "A sudoku solver."),
    "teragen": (E + "tera:teragen", "Generate data for the terasort"),
    "terasort": (E + "tera:terasort", "Run the terasort"),
    "teravalidate": (E + "tera:teravalidate", "Checking results of terasort"),
    # machine learning (pyhdp.ml; not in Hadoop's jar)
    "hashfeatures": (
        "pyhdp.ml.drivers:hashfeatures",
        "Hash label<TAB>text lines into libsvm feature vectors (pyhdp.ml).",
    ),
    "kmeans": ("pyhdp.ml.drivers:kmeans", "k-means clustering of CSV/libsvm points (pyhdp.ml)."),
    "linreg": ("pyhdp.ml.drivers:linreg", "Linear regression by the normal equations (pyhdp.ml)."),
    "logreg": ("pyhdp.ml.drivers:logreg", "Logistic regression by Newton/IRLS steps (pyhdp.ml)."),
    "mldata": ("pyhdp.ml.datagen:mldata", "Export a data set bundled with scikit-learn as CSV (pyhdp.ml)."),
    "mlgen": ("pyhdp.ml.datagen:mlgen", "Generate blobs/regression/classification CSV data (pyhdp.ml)."),
    "mlpredict": ("pyhdp.ml.drivers:mlpredict", "Map-only prediction with a pyhdp.ml model (pyhdp.ml)."),
    "naivebayes": ("pyhdp.ml.drivers:naivebayes", "Multinomial naive Bayes for text (pyhdp.ml)."),
    "pca": ("pyhdp.ml.drivers:pca", "Principal components via the covariance matrix (pyhdp.ml)."),
    "wordcount": (
        E + "wordcount:wordcount",
        "A map/reduce program that counts the words in the input files.",
    ),
    "wordmean": (
        E + "wordcount:wordmean",
        "A map/reduce program that counts the average length of the words in the input files.",
    ),
    "wordmedian": (
        E + "wordcount:wordmedian",
        "A map/reduce program that counts the median length of the words in the input files.",
    ),
    "wordstandarddeviation": (
        E + "wordcount:wordstandarddeviation",
        "A map/reduce program that counts the standard deviation of the length of the words "
        "in the input files.",
    ),
}


def print_usage(out=None) -> None:
    out = out or sys.stdout
    out.write("Valid program names are:\n")
    for name in sorted(PROGRAMS):
        out.write(f"  {name}: {PROGRAMS[name][1]}\n")


def run(args: list[str], conf: Any) -> int:
    if not args:
        sys.stdout.write("An example program must be given as the first argument.\n")
        print_usage()
        return 255
    name = args[0]
    entry = PROGRAMS.get(name)
    if entry is None:
        sys.stdout.write(f"Unknown program '{name}' chosen.\n")
        print_usage()
        return 255
    target, _desc = entry
    if target is None:
        sys.stderr.write(
            f"The example '{name}' is not implemented by pyhdp (it runs wordcount, wordmean, wordmedian, "
            "wordstandarddeviation, grep, join, pi, sort, teragen, terasort, teravalidate, randomtextwriter, "
            "randomwriter, secondarysort, aggregatewordcount, aggregatewordhist, multifilewc).\n"
        )
        return 1
    from pyhdp.cli.generic import apply_generic_options, parse_generic_options
    from pyhdp.errors import UsageError
    from pyhdp.mapreduce.examples.common import DriverExit

    try:
        gopts, rest = parse_generic_options(args[1:])
    except UsageError as e:
        sys.stderr.write(f"{e}\n")
        return 255
    apply_generic_options(conf, gopts)
    import importlib

    module, _, func = target.partition(":")
    program = getattr(importlib.import_module(module), func)
    try:
        return int(program(rest, conf) or 0)
    except DriverExit as e:
        return e.code
