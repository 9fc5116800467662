"""ML programs on a mini YARN cluster on loopback (``mapreduce.framework.name=yarn``), through
``hadoop jar``: k-means (iterative, the model file fed to every pass) and linear regression."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris

JAR = "/anywhere/share/hadoop/mapreduce/hadoop-mapreduce-examples-3.4.1.jar"
_spec = importlib.util.spec_from_file_location(
    "ml_yarn_minicluster", Path(__file__).resolve().parents[1] / "yarn" / "minicluster.py"
)
_mini = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mini)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlyarn")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HADOOP_", "PYHDP_", "YARN_", "HDFS_", "MAPRED_"))
    }
    env.update(
        {
            "HOME": str(root),
            "PYHDP_PYTHON": sys.executable,
            "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src"),
        }
    )
    c = _mini.MiniYarn(root / "y", env, nodes=2, extra={"mapreduce.framework.name": "yarn"})
    try:
        yield c.start()
    finally:
        c.stop()


def test_kmeans_and_linreg_on_yarn(cluster, tmp_path):
    from sklearn.cluster import KMeans
    from sklearn.linear_model import LinearRegression

    x, y = load_iris(return_X_y=True)
    data = tmp_path / "iris.csv"
    np.savetxt(data, np.hstack([x, y[:, None]]), delimiter=",", fmt="%.17g")
    init = tmp_path / "init.csv"
    np.savetxt(init, x[[0, 1, 2]], delimiter=",", fmt="%.17g")
    out = tmp_path / "km"
    r = cluster.run(
        "hadoop",
        "jar",
        JAR,
        "kmeans",
        "-verbose",
        "-init",
        str(init),
        "-labelCol",
        "4",
        str(data),
        str(out),
        timeout=600,
    )
    assert r.returncode == 0, r.stderr + cluster.logs()
    assert "Submitted application application_" in r.stderr  # the passes really went to YARN
    assert "Iteration 2: inertia=" in r.stdout
    model = json.loads((out / "model.json").read_text())
    ref = KMeans(n_clusters=3, init=x[[0, 1, 2]], n_init=1).fit(x)
    assert model["inertia"] == pytest.approx(ref.inertia_, rel=0.01)

    xd, yd = load_diabetes(return_X_y=True)
    dd = tmp_path / "diabetes.csv"
    np.savetxt(dd, np.hstack([xd, yd[:, None]]), delimiter=",", fmt="%.17g")
    r = cluster.run("hadoop", "jar", JAR, "linreg", str(dd), str(tmp_path / "lr"), timeout=300)
    assert r.returncode == 0, r.stderr + cluster.logs()
    lr = json.loads((tmp_path / "lr" / "model.json").read_text())
    np.testing.assert_allclose(lr["coef"], LinearRegression().fit(xd, yd).coef_, rtol=1e-6)


def test_naivebayes_pca_predict_on_yarn(cluster, tmp_path):
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(0)
    words = {"a": ["goal", "match", "team"], "b": ["cpu", "code", "disk"]}
    lines = []
    for i in range(60):
        c = "ab"[i % 2]
        lines.append(f"{c}\t{' '.join(rng.choice(words[c], size=6))}\n")
    text = tmp_path / "docs.txt"
    text.write_text("".join(lines))
    jar = ("hadoop", "jar", JAR)
    r = cluster.run(
        *jar, "naivebayes", "-features", "256", "-verbose", str(text), str(tmp_path / "nb"), timeout=300
    )
    assert r.returncode == 0, r.stderr + cluster.logs()
    assert "Submitted application application_" in r.stderr
    r = cluster.run(
        *jar,
        "mlpredict",
        "-model",
        str(tmp_path / "nb" / "model.npz"),
        "-inputFormat",
        "text",
        str(text),
        str(tmp_path / "pred"),
        timeout=300,
    )
    assert r.returncode == 0, r.stderr + cluster.logs()
    pred = (tmp_path / "pred" / "part-m-00000").read_text().split()
    assert pred == [ln[0] for ln in lines]  # separable vocabularies: every document right

    x = load_iris().data
    data = tmp_path / "iris.csv"
    np.savetxt(data, x, delimiter=",", fmt="%.17g")
    r = cluster.run(*jar, "pca", "-k", "2", str(data), str(tmp_path / "pca"), timeout=300)
    assert r.returncode == 0, r.stderr + cluster.logs()
    comps = np.array(json.loads((tmp_path / "pca" / "model.json").read_text())["components"])
    for mine, theirs in zip(comps, PCA(n_components=2).fit(x).components_, strict=True):
        assert min(np.abs(mine - theirs).max(), np.abs(mine + theirs).max()) < 1e-6
