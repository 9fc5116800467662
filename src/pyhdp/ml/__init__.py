"""Machine learning on pyhdp's MapReduce: jobs whose models match scikit-learn's.

* :mod:`pyhdp.ml.parse` — whole-chunk readers for CSV / libsvm / ``label<TAB>text`` lines.
* :mod:`pyhdp.ml.hashing` — MurmurHash3 (x86, 32-bit) and sklearn ``HashingVectorizer``'s
  token hashing (same indices and signs).
* :mod:`pyhdp.ml.algos` — the I/O-free math: per-split partial sums and the driver-side
  solves (k-means update, normal equations, IRLS/Newton steps, naive Bayes, PCA).
* :mod:`pyhdp.ml.jobs` — the Python MapReduce jobs (one pass each; drivers iterate).
* :mod:`pyhdp.ml.drivers` — the example programs ``kmeans``, ``linreg``, ``logreg``,
  ``naivebayes``, ``pca``, ``mlpredict`` run by ``hadoop jar hadoop-mapreduce-examples-*.jar``.
* :mod:`pyhdp.ml.datagen` — seeded ``make_blobs``/``make_regression``/``make_classification``
  writers into any pyhdp file system, and export of scikit-learn's bundled data sets.
"""
