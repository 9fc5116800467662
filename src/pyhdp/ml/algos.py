"""The math of the ML jobs, free of I/O: per-chunk partial sums and the driver-side solves.

Partial results are dicts of NumPy arrays / floats; :func:`add_partials` sums two of them
(what combiners and reducers do), so every job is one associative reduction per pass.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Partial = dict[str, Any]


def add_partials(a: Partial | None, b: Partial | None) -> Partial | None:
    if a is None:
        return b
    if b is None:
        return a
    out = dict(a)
    for k, v in b.items():
        if k in out:
            if isinstance(v, dict):
                merged = dict(out[k])
                for kk, vv in v.items():
                    merged[kk] = merged[kk] + vv if kk in merged else vv
                out[k] = merged
            else:
                out[k] = out[k] + v
        else:
            out[k] = v
    return out


# ----------------------------------------------------------------------------- k-means


def sq_distances(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    d = (x * x).sum(1)[:, None] - 2.0 * (x @ centers.T) + (centers * centers).sum(1)[None, :]
    np.maximum(d, 0.0, out=d)
    return d


def kmeans_partial(x: np.ndarray, centers: np.ndarray) -> Partial:
    k = centers.shape[0]
    d = sq_distances(x, centers)
    labels = d.argmin(1)
    counts = np.bincount(labels, minlength=k).astype(np.float64)
    onehot = np.zeros((k, x.shape[0]))
    onehot[labels, np.arange(x.shape[0])] = 1.0
    return {
        "sums": onehot @ x,
        "counts": counts,
        "inertia": float(d[np.arange(x.shape[0]), labels].sum()),
        "n": x.shape[0],
        "sx": x.sum(0),
        "sq": (x * x).sum(0),
    }


def kmeans_update(stats: Partial, centers: np.ndarray) -> np.ndarray:
    """New centers (a center with no points keeps its place, as sklearn's Lloyd relocates
    nothing when every cluster is populated)."""
    counts = np.asarray(stats["counts"])
    new = centers.copy()
    nz = counts > 0
    new[nz] = np.asarray(stats["sums"])[nz] / counts[nz][:, None]
    return new


def sample_partial(x: np.ndarray, k: int, rng: np.random.Generator) -> Partial:
    """k rows with the smallest uniform priorities (merging keeps a uniform sample)."""
    pri = rng.random(x.shape[0])
    idx = np.argsort(pri)[:k]
    return {"sample": {"pri": pri[idx], "rows": x[idx]}}


def merge_samples(a: dict, b: dict, k: int) -> dict:
    pri = np.concatenate([a["pri"], b["pri"]])
    rows = np.concatenate([a["rows"], b["rows"]])
    idx = np.argsort(pri)[:k]
    return {"pri": pri[idx], "rows": rows[idx]}


# ----------------------------------------------------------------------------- linear models


def linreg_partial(x: np.ndarray, y: np.ndarray) -> Partial:
    return {
        "xtx": x.T @ x,
        "xty": x.T @ y,
        "sx": x.sum(0),
        "sy": float(y.sum()),
        "syy": float(y @ y),
        "n": x.shape[0],
    }


def linreg_solve(s: Partial) -> tuple[np.ndarray, float]:
    """Least squares with intercept from the sums (centred normal equations)."""
    n = float(s["n"])
    mx = np.asarray(s["sx"]) / n
    my = s["sy"] / n
    sxx = np.asarray(s["xtx"]) - n * np.outer(mx, mx)
    sxy = np.asarray(s["xty"]) - n * mx * my
    try:
        coef = np.linalg.solve(sxx, sxy)
    except np.linalg.LinAlgError:
        coef = np.linalg.lstsq(sxx, sxy, rcond=None)[0]
    return coef, float(my - mx @ coef)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def logreg_partial(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Partial:
    """Gradient, Hessian and log-loss of the unpenalised loss at ``w`` (last entry: intercept)."""
    xa = np.hstack([x, np.ones((x.shape[0], 1))])
    z = xa @ w
    p = _sigmoid(z)
    r = p * (1.0 - p)
    loss = float(np.sum(np.logaddexp(0.0, z) - y * z))
    return {
        "grad": xa.T @ (p - y),
        "hess": (xa * r[:, None]).T @ xa,
        "loss": loss,
        "n": x.shape[0],
        "correct": float(np.sum((z > 0) == (y > 0.5))),
    }


def logreg_newton(s: Partial, w: np.ndarray, c: float | None) -> tuple[np.ndarray, float]:
    """One Newton step for ``0.5/C ||coef||² + Σ logloss`` (sklearn's objective; no penalty on
    the intercept; ``c=None``: unpenalised).  Returns ``(new w, objective at w)``."""
    g = np.asarray(s["grad"], dtype=np.float64).copy()
    h = np.asarray(s["hess"], dtype=np.float64).copy()
    obj = float(s["loss"])
    if c is not None:
        d = w.shape[0] - 1
        g[:d] += w[:d] / c
        h[np.arange(d), np.arange(d)] += 1.0 / c
        obj += 0.5 * float(w[:d] @ w[:d]) / c
    try:
        step = np.linalg.solve(h, g)
    except np.linalg.LinAlgError:
        step = np.linalg.lstsq(h, g, rcond=None)[0]
    return w - step, obj


# ----------------------------------------------------------------------------- naive Bayes


def nb_fit(counts: dict[str, np.ndarray], docs: dict[str, float], alpha: float) -> dict[str, Any]:
    classes = sorted(counts)
    fc = np.vstack([counts[c] for c in classes]) + alpha
    flp = np.log(fc) - np.log(fc.sum(1, keepdims=True))
    nd = np.array([docs[c] for c in classes], dtype=np.float64)
    return {"classes": classes, "feature_log_prob": flp, "class_log_prior": np.log(nd) - np.log(nd.sum())}


# ----------------------------------------------------------------------------- PCA


def pca_partial(x: np.ndarray) -> Partial:
    return {"sx": x.sum(0), "sxx": x.T @ x, "n": x.shape[0]}


def pca_solve(s: Partial, n_components: int | None) -> dict[str, np.ndarray]:
    n = float(s["n"])
    mean = np.asarray(s["sx"]) / n
    cov = (np.asarray(s["sxx"]) - n * np.outer(mean, mean)) / max(n - 1.0, 1.0)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order].T
    # sign convention: largest-|value| entry of each component positive
    signs = np.sign(vecs[np.arange(vecs.shape[0]), np.abs(vecs).argmax(1)])
    signs[signs == 0] = 1.0
    vecs = vecs * signs[:, None]
    k = n_components or vecs.shape[0]
    total = vals.sum()
    return {
        "mean": mean,
        "components": vecs[:k],
        "explained_variance": np.maximum(vals[:k], 0.0),
        "explained_variance_ratio": np.maximum(vals[:k], 0.0) / total if total > 0 else vals[:k] * 0,
    }


# ----------------------------------------------------------------------------- k-means|| init


def kmeans_parallel_partial(
    x: np.ndarray, centers: np.ndarray, phi: float, oversampling: float, rng: np.random.Generator
) -> np.ndarray:
    """Rows picked independently with probability ``min(1, l·d²(x, C) / φ)`` (one k-means|| round)."""
    d = sq_distances(x, centers).min(1)
    p = np.minimum(1.0, oversampling * d / phi) if phi > 0 else np.zeros(len(d))
    return x[rng.random(len(d)) < p]


def _kmeanspp_once(points: np.ndarray, w: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    trials = 2 + int(np.log(k))  # sklearn's greedy k-means++
    chosen = [int(rng.choice(len(points), p=w / w.sum()))]
    d = sq_distances(points, points[chosen]).min(1)
    for _ in range(1, k):
        prob = w * d
        total = prob.sum()
        if total <= 0:
            cands = rng.integers(len(points), size=trials)
        else:
            cands = rng.choice(len(points), size=trials, p=prob / total)
        dc = np.minimum(d[None, :], sq_distances(points[cands], points))
        best = int(np.argmin((dc * w[None, :]).sum(1)))
        chosen.append(int(cands[best]))
        d = dc[best]
    centers = points[chosen].copy()
    for _ in range(100):
        lab = sq_distances(points, centers).argmin(1)
        new = centers.copy()
        for j in range(k):
            m = lab == j
            if w[m].sum() > 0:
                new[j] = (points[m] * w[m][:, None]).sum(0) / w[m].sum()
        if np.allclose(new, centers, rtol=0, atol=1e-12):
            break
        centers = new
    return centers


def kmeanspp_weighted(
    points: np.ndarray, weights: np.ndarray, k: int, rng: np.random.Generator, restarts: int = 10
) -> np.ndarray:
    """Greedy k-means++ seeding on weighted candidates, then weighted Lloyd iterations, best of
    ``restarts`` (the local reduction step of k-means||: cheap, the candidates are few)."""
    w = np.asarray(weights, dtype=np.float64)
    best, best_cost = None, np.inf
    for _ in range(restarts):
        c = _kmeanspp_once(points, w, k, rng)
        cost = float((sq_distances(points, c).min(1) * w).sum())
        if cost < best_cost:
            best, best_cost = c, cost
    return best
