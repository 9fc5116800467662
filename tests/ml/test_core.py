"""pyhdp.ml core objects against scikit-learn (no MapReduce: partial sums over chunks)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.utils import murmurhash3_32

from pyhdp.ml import algos
from pyhdp.ml.datagen import generate_blocks, to_csv
from pyhdp.ml.hashing import TokenHasher, murmur3_32
from pyhdp.ml.parse import MalformedInputError, parse_csv, parse_labeled_text, parse_libsvm, split_label


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64), st.integers(0, 2**32 - 1))
def test_murmur3_matches_sklearn(data, seed):
    assert murmur3_32(data, seed) == murmurhash3_32(data, seed=seed)


def test_token_hasher_matches_hashing_vectorizer():
    from sklearn.feature_extraction.text import HashingVectorizer

    docs = ["The quick brown fox jumps over the lazy dog", "Größe straße café naïve ünïcode", "a bb ccc bb"]
    hv = HashingVectorizer(n_features=97, norm=None, alternate_sign=True)
    ref = hv.transform(docs).toarray()
    h = TokenHasher(97)
    for i, doc in enumerate(docs):
        row = np.zeros(97)
        for col, v in h.transform(doc, alternate_sign=True).items():
            row[col] = v
        np.testing.assert_array_equal(row, ref[i])


def _chunks(a: np.ndarray, n: int):
    return np.array_split(a, n)


def test_parse_csv_and_errors():
    arr, bad = parse_csv(b"1,2,3\n4.5,-5e3,6\n")
    assert bad == 0 and arr.tolist() == [[1, 2, 3], [4.5, -5000, 6]]
    with pytest.raises(MalformedInputError, match=r"row '4,5': 2 fields, expected 3"):
        parse_csv(b"1,2,3\n4,5\n7,8,9\n")
    with pytest.raises(MalformedInputError, match=r"row '4,x,5': not a number") as info:
        parse_csv(b"1,2,3\n\n4,x,5\n")
    assert info.value.line == 2  # 0-based, blank lines counted
    arr, bad = parse_csv(b"1,2,3\n4,x,5\n7,8,9,1\n\n10,11,12\n", skip_bad=True)
    assert bad == 2 and arr.tolist() == [[1, 2, 3], [10, 11, 12]]
    x, y = split_label(np.array([[1.0, 2, 3]]), -1)
    assert x.tolist() == [[1, 2]] and y.tolist() == [3]


def test_parse_libsvm_and_text():
    x, y, bad = parse_libsvm(b"1 1:2 3:4\n0 2:1.5\n", 3)
    assert bad == 0 and y.tolist() == [1, 0] and x.tolist() == [[2, 0, 4], [0, 1.5, 0]]
    with pytest.raises(MalformedInputError, match="1 <= index <= 3"):
        parse_libsvm(b"1 4:1\n", 3)
    labels, docs, bad = parse_labeled_text(b"spam\tbuy now\nno tab here\nham\thello\n", skip_bad=True)
    assert labels == ["spam", "ham"] and docs == ["buy now", "hello"] and bad == 1
    with pytest.raises(MalformedInputError, match="label<TAB>document"):
        parse_labeled_text(b"no tab\n")


def test_kmeans_partials_equal_whole_lloyd_step():
    x = load_iris().data
    centers = x[[0, 50, 100]].copy()
    total = None
    for part in _chunks(x, 4):
        total = algos.add_partials(total, algos.kmeans_partial(part, centers))
    whole = algos.kmeans_partial(x, centers)
    np.testing.assert_allclose(total["sums"], whole["sums"])
    assert total["counts"].sum() == 150
    d = ((x[:, None, :] - centers[None]) ** 2).sum(2)
    assert total["inertia"] == pytest.approx(d.min(1).sum(), rel=1e-12)
    new = algos.kmeans_update(total, centers)
    lab = d.argmin(1)
    np.testing.assert_allclose(new, np.vstack([x[lab == j].mean(0) for j in range(3)]))


def test_sample_merge_is_k_smallest():
    rng = np.random.default_rng(0)
    a = algos.sample_partial(np.arange(20.0)[:, None], 3, rng)["sample"]
    b = algos.sample_partial(np.arange(20.0, 40.0)[:, None], 3, rng)["sample"]
    m = algos.merge_samples(a, b, 3)
    allp = np.concatenate([a["pri"], b["pri"]])
    assert sorted(m["pri"]) == sorted(np.sort(allp)[:3])


def test_linreg_solve_matches_sklearn():
    x, y = load_diabetes(return_X_y=True)
    total = None
    for px, py in zip(_chunks(x, 3), _chunks(y, 3), strict=True):
        total = algos.add_partials(total, algos.linreg_partial(px, py))
    coef, b = algos.linreg_solve(total)
    ref = LinearRegression().fit(x, y)
    np.testing.assert_allclose(coef, ref.coef_, rtol=1e-6)
    assert b == pytest.approx(ref.intercept_, rel=1e-6)


@pytest.mark.parametrize("c", [1.0, 0.05])
def test_logreg_newton_matches_sklearn(c):
    x, y = load_breast_cancer(return_X_y=True)
    x = StandardScaler().fit_transform(x)
    w = np.zeros(x.shape[1] + 1)
    for _ in range(30):
        total = None
        for px, py in zip(_chunks(x, 3), _chunks(y.astype(float), 3), strict=True):
            total = algos.add_partials(total, algos.logreg_partial(px, py, w))
        w, _obj = algos.logreg_newton(total, w, c)
    ref = LogisticRegression(C=c, tol=1e-12, max_iter=10000).fit(x, y)
    np.testing.assert_allclose(w[:-1], ref.coef_[0], atol=1e-4, rtol=1e-4)
    assert w[-1] == pytest.approx(ref.intercept_[0], abs=1e-4)


def test_nb_fit_matches_multinomialnb():
    from sklearn.naive_bayes import MultinomialNB

    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, size=(60, 12)).astype(float)
    y = np.array(["a", "b", "c"])[rng.integers(0, 3, size=60)]
    counts = {c: x[y == c].sum(0) for c in "abc"}
    docs = {c: float((y == c).sum()) for c in "abc"}
    m = algos.nb_fit(counts, docs, 0.5)
    ref = MultinomialNB(alpha=0.5).fit(x, y)
    np.testing.assert_allclose(m["feature_log_prob"], ref.feature_log_prob_)
    np.testing.assert_allclose(m["class_log_prior"], ref.class_log_prior_)


def test_pca_solve_matches_sklearn_up_to_sign():
    from sklearn.decomposition import PCA

    x = StandardScaler().fit_transform(load_breast_cancer().data)
    total = None
    for part in _chunks(x, 5):
        total = algos.add_partials(total, algos.pca_partial(part))
    m = algos.pca_solve(total, 5)
    ref = PCA(n_components=5).fit(x)
    for mine, theirs in zip(m["components"], ref.components_, strict=True):
        assert min(np.abs(mine - theirs).max(), np.abs(mine + theirs).max()) < 1e-8
    np.testing.assert_allclose(m["explained_variance"], ref.explained_variance_, rtol=1e-8)


@pytest.mark.parametrize("kind", ["blobs", "regression", "classification"])
def test_generators_seeded_and_block_size_independent(kind):
    a = np.vstack(list(generate_blocks(kind, 10_000, 4, seed=5, block_rows=3000)))
    b = np.vstack(list(generate_blocks(kind, 10_000, 4, seed=5, block_rows=10_000)))
    c = np.vstack(list(generate_blocks(kind, 10_000, 4, seed=6, block_rows=10_000)))
    assert a.shape == (10_000, 5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    back, _ = parse_csv(to_csv(a, kind != "regression"))
    np.testing.assert_allclose(back, a, rtol=1e-12, atol=1e-15)  # pandas fast float parser: ~16 digits


def test_parse_csv_paths_agree(monkeypatch):
    """The pyarrow fast path (when installed), the pandas path and the per-line path give the same rows."""
    from pyhdp.ml import parse

    rng = np.random.default_rng(0)
    a = np.hstack([rng.normal(size=(500, 4)), rng.integers(0, 3, size=(500, 1))])
    data = to_csv(a, True)
    fast, _ = parse.parse_csv(data)
    slow, _ = parse._parse_csv_slow(data, False, None)
    np.testing.assert_array_equal(slow, a)  # Python's float() is correctly rounded
    np.testing.assert_allclose(fast, a, rtol=1e-12, atol=1e-15)
    monkeypatch.setattr(parse, "_parse_csv_arrow", lambda data: None)
    via_pandas, _ = parse.parse_csv(data)
    np.testing.assert_allclose(via_pandas, a, rtol=1e-12, atol=1e-15)
    with pytest.raises(MalformedInputError, match="row '1,,3': NaN value|row '1,,3': not a number"):
        parse.parse_csv(b"1,2,3\n1,,3\n")
