"""Every ML program through ``hadoop jar hadoop-mapreduce-examples-*.jar``, checked against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.preprocessing import StandardScaler


def _standard_cancer():
    x, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(x), y


def test_kmeans_matches_sklearn_with_same_init(ml):
    from sklearn.cluster import KMeans

    x, y = load_iris(return_X_y=True)
    init = x[[0, 1, 2]]  # three close points: several iterations are needed
    data = ml.put_csv("iris.csv", np.hstack([x, y[:, None]]))
    centers = ml.put_csv("init.csv", init)
    r = ml.jar("kmeans", "-init", centers, "-labelCol", "4", data, ml.path("km"))
    assert r.returncode == 0, r
    assert "Iteration 1: inertia=" in r.stdout and "Iteration 2: inertia=" in r.stdout
    model = ml.model(ml.path("km"))
    ref = KMeans(n_clusters=3, init=init, n_init=1, tol=1e-4).fit(x)
    assert model["kind"] == "kmeans" and model["rows"] == 150
    assert model["inertia"] == pytest.approx(ref.inertia_, rel=0.01)
    mine = np.array(sorted(map(tuple, np.round(model["centers"], 3))))
    theirs = np.array(sorted(map(tuple, np.round(ref.cluster_centers_, 3))))
    np.testing.assert_allclose(mine, theirs, atol=0.05)
    # predict: map-only, one cluster id per row
    r = ml.jar("mlpredict", "-model", ml.path("km") + "/model.npz", "-labelCol", "4", data, ml.path("kp"))
    assert r.returncode == 0, r
    pred = [int(v) for v in ml.cat(ml.path("kp") + "/part-m-00000").split()]
    assert len(pred) == 150 and set(pred) == {0, 1, 2}


def test_kmeans_random_init_generated_blobs(ml_file):
    ml = ml_file
    out = ml.path("blobs.csv")
    r = ml.jar("mlgen", "blobs", out, "-rows", "3000", "-features", "5", "-centers", "4", "-seed", "3")
    assert r.returncode == 0, r
    assert "Wrote 3000 rows" in r.stdout
    r = ml.jar("kmeans", "-k", "4", "-seed", "2", "-labelCol", "5", out, ml.path("km"))
    assert r.returncode == 0, r
    m = ml.model(ml.path("km"))
    assert m["rows"] == 3000 and len(m["centers"]) == 4
    # the reported inertia is that of the final centers on the generated data (a local optimum:
    # random init may merge two blobs, so no bound against the true clusters)
    pts = np.loadtxt(out, delimiter=",")[:, :5]
    c = np.array(m["centers"])
    d = ((pts[:, None, :] - c[None]) ** 2).sum(2)
    assert m["inertia"] == pytest.approx(d.min(1).sum(), rel=1e-9)
    assert sum(m["counts"]) == 3000
    np.testing.assert_allclose(np.bincount(d.argmin(1), minlength=4), m["counts"])
    r = ml.jar("mlgen", "blobs", out, "-rows", "10", "-features", "5")
    assert r.returncode == 1 and "File exists" in r.stderr


def test_linreg_matches_sklearn(ml):
    from sklearn.linear_model import LinearRegression

    x, y = load_diabetes(return_X_y=True)
    data = ml.put_csv("diabetes.csv", np.hstack([x, y[:, None]]))
    r = ml.jar("linreg", data, ml.path("lr"))
    assert r.returncode == 0, r
    m = ml.model(ml.path("lr"))
    ref = LinearRegression().fit(x, y)
    np.testing.assert_allclose(m["coef"], ref.coef_, rtol=1e-6)
    assert m["intercept"] == pytest.approx(ref.intercept_, rel=1e-6)
    assert m["r2"] == pytest.approx(ref.score(x, y), rel=1e-6)


def test_logreg_matches_sklearn(ml):
    from sklearn.linear_model import LogisticRegression

    x, y = _standard_cancer()
    data = ml.put_csv("cancer.csv", np.hstack([x, y[:, None]]))
    r = ml.jar("logreg", "-C", "0.5", data, ml.path("lg"))
    assert r.returncode == 0, r
    assert "Converged after" in r.stdout and "Iteration 3: loss=" in r.stdout
    m = ml.model(ml.path("lg"))
    ref = LogisticRegression(C=0.5, tol=1e-12, max_iter=10000).fit(x, y)
    np.testing.assert_allclose(m["coef"], ref.coef_[0], atol=1e-4)
    r = ml.jar("mlpredict", "-model", ml.path("lg") + "/model.npz", "-labelCol", "-1", data, ml.path("lp"))
    assert r.returncode == 0, r
    pred = np.array([int(v) for v in ml.cat(ml.path("lp") + "/part-m-00000").split()])
    assert abs((pred == y).mean() - ref.score(x, y)) <= 0.01


def _text_corpus(seed: int, n: int):
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}x" for i in range(300)]
    classes = ["sport", "tech", "food"]
    probs = np.random.default_rng(0).dirichlet(np.full(300, 0.3), size=3)  # the same topics for both
    labels, docs = [], []
    for _ in range(n):
        c = int(rng.integers(0, 3))
        words = rng.choice(vocab, size=int(rng.integers(5, 30)), p=probs[c])
        labels.append(classes[c])
        docs.append(" ".join(words))
    return labels, docs


def test_naivebayes_matches_multinomialnb(ml):
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.naive_bayes import MultinomialNB

    labels, docs = _text_corpus(1, 400)
    tl, td = _text_corpus(2, 200)
    train = ml.put_text("train.txt", "".join(f"{a}\t{b}\n" for a, b in zip(labels, docs, strict=True)))
    test = ml.put_text("test.txt", "".join(f"{a}\t{b}\n" for a, b in zip(tl, td, strict=True)))
    r = ml.jar("naivebayes", "-features", "4096", "-alpha", "1.0", train, ml.path("nb"))
    assert r.returncode == 0, r
    assert "Documents: 400 classes: 3" in r.stdout
    r = ml.jar(
        "mlpredict", "-model", ml.path("nb") + "/model.npz", "-inputFormat", "text", test, ml.path("np")
    )
    assert r.returncode == 0, r
    pred = ml.cat(ml.path("np") + "/part-m-00000").split()
    hv = HashingVectorizer(n_features=4096, alternate_sign=False, norm=None)
    ref = MultinomialNB(alpha=1.0).fit(hv.transform(docs), labels)
    ref_pred = ref.predict(hv.transform(td))
    acc = np.mean(np.array(pred) == np.array(tl))
    assert len(pred) == 200
    assert abs(acc - np.mean(ref_pred == np.array(tl))) <= 0.01
    assert acc > 0.5


def test_pca_matches_sklearn_up_to_sign(ml):
    from sklearn.decomposition import PCA

    x, y = _standard_cancer()
    data = ml.put_csv("cancer.csv", np.hstack([x, y[:, None]]))
    r = ml.jar("pca", "-k", "3", "-labelCol", "30", data, ml.path("pca"))
    assert r.returncode == 0, r
    m = ml.model(ml.path("pca"))
    ref = PCA(n_components=3).fit(x)
    for mine, theirs in zip(np.array(m["components"]), ref.components_, strict=True):
        assert min(np.abs(mine - theirs).max(), np.abs(mine + theirs).max()) < 1e-6
    np.testing.assert_allclose(m["explained_variance_ratio"], ref.explained_variance_ratio_, rtol=1e-6)


def test_bad_input(ml_file):
    ml = ml_file
    bad = ml.put_text("bad.csv", "1,2,3\n4,5,6\n7,x,9\n10,11,12\n")
    r = ml.jar("linreg", bad, ml.path("o1"))
    assert r.returncode == 1, r
    assert "Malformed CSV row '7,x,9': not a number at line 3 of " in r.stderr
    assert "bad.csv" in r.stderr.split("at line 3 of ")[1].split("\n")[0]
    r = ml.jar("linreg", "-skipBad", bad, ml.path("o2"))
    assert r.returncode == 0, r
    assert ml.model(ml.path("o2"))["rows"] == 3
    # k larger than the number of points
    small = ml.put_text("small.csv", "1,2\n3,4\n5,6\n")
    r = ml.jar("kmeans", "-k", "5", small, ml.path("o3"))
    assert r.returncode == 1 and "k (5) is larger than the number of points (3)" in r.stderr, r
    # missing input, existing output, usage
    r = ml.jar("pca", ml.path("nope.csv"), ml.path("o4"))
    assert r.returncode == 1 and "InvalidInputException: Input path does not exist:" in r.stderr, r
    r = ml.jar("pca", small, ml.path("o2"))
    assert r.returncode == 1 and "FileAlreadyExistsException: Output directory" in r.stderr, r
    r = ml.jar("kmeans", small)
    assert r.returncode == 2 and r.stderr.startswith("Usage: kmeans -k <K>"), r
    r = ml.jar("logreg", "-C", "abc", small, ml.path("o5"))
    assert r.returncode == 2 and "bad value for -C: 'abc'" in r.stderr, r
    r = ml.jar("logreg", small, ml.path("o6"))  # labels 2, 4, 6 are not 0/1
    assert r.returncode == 1 and "labels must be 0 or 1" in r.stderr, r
    r = ml.jar("mldata", "nosuch", ml.path("x.csv"))
    assert r.returncode == 2 and "Usage: mldata iris|digits|breast_cancer|diabetes" in r.stderr


def test_mldata_exports_sklearn_sets(ml_file):
    ml = ml_file
    for name, loader in [("iris", load_iris), ("diabetes", load_diabetes)]:
        out = ml.path(f"{name}.csv")
        r = ml.jar("mldata", name, out)
        assert r.returncode == 0, r
        arr = np.loadtxt(out, delimiter=",")
        x, y = loader(return_X_y=True)
        np.testing.assert_array_equal(arr[:, :-1], x)
        np.testing.assert_array_equal(arr[:, -1], y)


def test_kmeans_parallel_init_finds_sklearn_optimum(ml_file):
    from sklearn.cluster import KMeans

    ml = ml_file
    out = ml.path("blobs.csv")
    r = ml.jar("mlgen", "blobs", out, "-rows", "6000", "-features", "5", "-centers", "6", "-seed", "3")
    assert r.returncode == 0, r
    r = ml.jar("kmeans", "-k", "6", "-init", "k-means||", "-seed", "1", "-labelCol", "5", out, ml.path("km"))
    assert r.returncode == 0, r
    assert "k-means|| round 2: cost=" in r.stdout and "chosen by k-means||" in r.stdout
    x = np.loadtxt(out, delimiter=",")[:, :5]
    ref = KMeans(n_clusters=6, n_init=10, random_state=0).fit(x)
    assert ml.model(ml.path("km"))["inertia"] == pytest.approx(ref.inertia_, rel=0.01)


def test_hashfeatures_matches_hashing_vectorizer(ml):
    from sklearn.feature_extraction.text import HashingVectorizer

    docs = ["The quick brown fox", "jumps over the lazy dog dog dog", "Ünïcode wörds café", "x"]
    text = ml.put_text("docs.txt", "".join(f"c{i}\t{d}\n" for i, d in enumerate(docs)))
    r = ml.jar("hashfeatures", "-features", "1024", text, ml.path("hf"))
    assert r.returncode == 0, r
    lines = ml.cat(ml.path("hf") + "/part-m-00000").splitlines()
    ref = HashingVectorizer(n_features=1024).transform(docs).toarray()
    assert len(lines) == 4
    for i, line in enumerate(lines):
        label, *pairs = line.split()
        assert label == f"c{i}"
        row = np.zeros(1024)
        for p in pairs:
            col, val = p.split(":")
            row[int(col) - 1] = float(val)
        np.testing.assert_allclose(row, ref[i], rtol=1e-12, atol=1e-15)
    r = ml.jar("hashfeatures", "-norm", "l3", text, ml.path("hf2"))
    assert r.returncode == 2 and "Usage: hashfeatures" in r.stderr


def test_kmeans_binary_cache_gives_same_model(ml):
    x, y = load_iris(return_X_y=True)
    data = ml.put_csv("iris.csv", np.hstack([x, y[:, None]]))
    centers = ml.put_csv("init.csv", x[[0, 1, 2]])
    r = ml.jar("kmeans", "-init", centers, "-labelCol", "4", data, ml.path("plain"))
    assert r.returncode == 0, r
    r = ml.jar("kmeans", "-init", centers, "-labelCol", "4", "-cache", "-verbose", data, ml.path("cached"))
    assert r.returncode == 0, r
    assert "CACHED_SPLITS=1" in r.stderr  # later passes read the parsed split, not the CSV
    plain, cached = ml.model(ml.path("plain")), ml.model(ml.path("cached"))
    assert cached["inertia"] == plain["inertia"] and cached["centers"] == plain["centers"]
    assert not list((ml.tmp / "hadoop-tmp" / "ml-cache").glob("run-*"))  # removed by the driver


def test_linreg_on_libsvm_input(ml_file):
    from sklearn.linear_model import LinearRegression

    ml = ml_file
    x, y = load_diabetes(return_X_y=True)
    x = x.copy()
    x[np.abs(x) < 0.01] = 0.0  # sparse rows: zero entries left out of the libsvm lines
    lines = []
    for row, target in zip(x, y, strict=True):
        pairs = " ".join(f"{j + 1}:{float(v)!r}" for j, v in enumerate(row) if v != 0.0)
        lines.append(f"{float(target)!r} {pairs}\n")
    data = ml.put_text("diabetes.svm", "".join(lines))
    r = ml.jar("linreg", "-inputFormat", "libsvm", "-features", "10", data, ml.path("lr"))
    assert r.returncode == 0, r
    m = ml.model(ml.path("lr"))
    np.testing.assert_allclose(m["coef"], LinearRegression().fit(x, y).coef_, rtol=1e-6)
    r = ml.jar("linreg", "-inputFormat", "libsvm", "-features", "5", data, ml.path("lr2"))
    assert r.returncode == 1 and "Malformed libsvm row" in r.stderr and "with 1 <= index <= 5" in r.stderr
