"""The ML example programs (``hadoop jar hadoop-mapreduce-examples-*.jar NAME ...``).

Each driver runs pass jobs (:mod:`pyhdp.ml.jobs`) on the local runner or YARN (whatever
``mapreduce.framework.name`` says), feeds the model of one iteration to the next as an
``.npz`` file under ``OUT/_models/``, prints one line per iteration, and writes the final
model to ``OUT/model.npz`` (arrays) and ``OUT/model.json`` (the same, readable).  The
pass outputs live in ``OUT/_passes/`` and are removed at the end (``-keepPasses`` keeps them).
"""

from __future__ import annotations

import io
import json
import posixpath
import sys
from typing import Any

import numpy as np

from pyhdp.mapreduce.examples.common import DriverExit, fs_and_path
from pyhdp.ml import algos

COMMON_USAGE = "[-inputFormat csv|libsvm] [-features N] [-skipBad] [-cache] [-verbose] [-keepPasses] <in> [<in>...] <out>"
USAGES = {
    "hashfeatures": "Usage: hashfeatures [-features N] [-norm l2|none] [-noAlternateSign] [-skipBad] "
    "<in> [<in>...] <out>   (input lines: label<TAB>text; output: libsvm lines)",
    "kmeans": "Usage: kmeans -k <K> [-init random|k-means|||<centers.csv>] [-initSteps N] [-maxIter N] [-tol T] [-seed S] [-labelCol C] "
    + COMMON_USAGE,
    "linreg": "Usage: linreg [-labelCol C] " + COMMON_USAGE,
    "logreg": "Usage: logreg [-labelCol C] [-C <inverse L2 strength>|-penalty none] [-maxIter N] [-tol T] "
    + COMMON_USAGE,
    "naivebayes": "Usage: naivebayes [-alpha A] [-features N] [-skipBad] [-verbose] [-keepPasses] "
    "<in> [<in>...] <out>   (input lines: label<TAB>text)",
    "pca": "Usage: pca [-k <components>] [-labelCol C] " + COMMON_USAGE,
    "mlpredict": "Usage: mlpredict -model <model.npz> [-labelCol C] [-inputFormat csv|libsvm|text] "
    "[-features N] [-skipBad] <in> [<in>...] <out>",
}
_ALL_FLAGS = {"-skipBad", "-verbose", "-keepPasses", "-noAlternateSign", "-cache"}
_FLAGS = {"-skipBad", "-verbose", "-keepPasses"}
_VALUED = {
    "-k",
    "-init",
    "-maxIter",
    "-tol",
    "-seed",
    "-inputFormat",
    "-features",
    "-labelCol",
    "-C",
    "-penalty",
    "-alpha",
    "-model",
    "-initSteps",
    "-norm",
}


class Options:
    def __init__(self, name: str, args: list[str], allowed: set[str]):
        self.name = name
        self.values: dict[str, str] = {}
        self.flags: set[str] = set()
        self.paths: list[str] = []
        i = 0
        while i < len(args):
            a = args[i]
            if a in _ALL_FLAGS and a in allowed:
                self.flags.add(a)
            elif a in _VALUED and a in allowed:
                if i + 1 >= len(args):
                    self.usage(f"{a} needs a value")
                self.values[a] = args[i + 1]
                i += 1
            elif a.startswith("-") and len(a) > 1:
                self.usage(f"unknown option {a}")
            else:
                self.paths.append(a)
            i += 1
        if len(self.paths) < 2:
            self.usage(None)

    def usage(self, why: str | None):
        if why:
            sys.stderr.write(f"{self.name}: {why}\n")
        sys.stderr.write(USAGES[self.name] + "\n")
        from pyhdp.mapreduce.examples.common import generic_usage

        generic_usage()
        raise DriverExit(2)

    def get(self, opt: str, conv: Any, default: Any) -> Any:
        if opt not in self.values:
            return default
        try:
            return conv(self.values[opt])
        except ValueError:
            self.usage(f"bad value for {opt}: '{self.values[opt]}'")

    @property
    def inputs(self) -> list[str]:
        return self.paths[:-1]

    @property
    def output(self) -> str:
        return self.paths[-1]


class Run:
    """One driver run: scratch dirs under the output dir, pass jobs, model files."""

    def __init__(self, opts: Options, conf: Any):
        self.opts = opts
        self.conf = conf
        self.fs, path = fs_and_path(opts.output, conf)
        if self.fs.exists(path):
            sys.stderr.write(
                'Exception in thread "main" org.apache.hadoop.mapred.FileAlreadyExistsException: '
                f"Output directory {self.fs.make_qualified(path)} already exists\n"
            )
            raise DriverExit(1)
        for inp in opts.inputs:
            ifs, ip = fs_and_path(inp, conf)
            if not ifs.exists(ip):
                sys.stderr.write(
                    'Exception in thread "main" org.apache.hadoop.mapreduce.lib.input.InvalidInputException: '
                    f"Input path does not exist: {ifs.make_qualified(ip)}\n"
                )
                raise DriverExit(1)
        self.out = path
        self.fs.mkdirs(path)
        self.n_pass = 0
        self._cache_dir: str | None = None

    def qualified(self, *parts: str) -> str:
        return self.fs.make_qualified(posixpath.join(self.out, *parts))

    def job_args(self, label: bool = True) -> list[str]:
        o = self.opts
        args = ["--input-format", o.get("-inputFormat", str, "csv")]
        if "-features" in o.values:
            args += ["--features", str(o.get("-features", int, 0))]
        if label and "-labelCol" in o.values:
            args += ["--label-col", str(o.get("-labelCol", int, -1))]
        if "-skipBad" in o.flags:
            args.append("--skip-bad")
        if "-cache" in o.flags:
            args += ["--cache-dir", self.cache_dir]
        return args

    @property
    def cache_dir(self) -> str:
        """Task-local binary cache of parsed splits (``-cache``): under ``hadoop.tmp.dir``, one
        directory per driver run, removed when the driver ends (local runner; on YARN each
        NodeManager host keeps its own copy under the same path until the driver removes it
        from the client host only)."""
        import os

        if self._cache_dir is None:
            base = self.conf.get("hadoop.tmp.dir") or "/tmp"
            self._cache_dir = os.path.join(base, "ml-cache", f"run-{os.getpid()}-{id(self):x}")
            import atexit

            atexit.register(self.drop_cache)  # also when the driver stops on an error
        return self._cache_dir

    def drop_cache(self) -> None:
        import shutil

        if self._cache_dir is not None:
            shutil.rmtree(self._cache_dir, ignore_errors=True)

    def write_model(self, name: str, arrays: dict[str, Any]) -> str:
        buf = io.BytesIO()
        np.savez(buf, **{k: np.asarray(v) for k, v in arrays.items()})
        path = posixpath.join(self.out, name)
        self.fs.write_bytes(path, buf.getvalue(), overwrite=True)
        return self.fs.make_qualified(path)

    def run_pass(self, job_cls: type, args: list[str]) -> Any:
        from pyhdp.mapreduce.job.launcher import submit
        from pyhdp.ml.jobs import decode_total

        self.n_pass += 1
        out = posixpath.join(self.out, "_passes", f"pass-{self.n_pass:04d}")
        argv = [*self.opts.inputs, self.fs.make_qualified(out), *args]
        if "-verbose" not in self.opts.flags:
            argv.append("--quiet")
        rc = submit(job_cls, argv, self.conf, err=sys.stderr)
        if rc != 0:
            self.drop_cache()
            raise DriverExit(rc)
        total = None
        for st in sorted(self.fs.list_status(out), key=lambda s: s.name):
            if st.name.startswith("part-"):
                for line in self.fs.cat(st.path).splitlines():
                    if line.strip():
                        total = algos.add_partials(total, decode_total(line)) if total else decode_total(line)
        if total is None:
            sys.stderr.write(f"{self.opts.name}: the input has no rows\n")
            raise DriverExit(1)
        return total

    def finish(self, kind: str, arrays: dict[str, Any], info: dict[str, Any]) -> None:
        self.drop_cache()
        self.write_model("model.npz", {"kind": kind, **arrays})
        doc = {"kind": kind, **info}
        for k, v in arrays.items():
            doc[k] = np.asarray(v).tolist()
        self.fs.write_bytes(
            posixpath.join(self.out, "model.json"), (json.dumps(doc, indent=1) + "\n").encode()
        )
        if "-keepPasses" not in self.opts.flags:
            for d in ("_passes", "_models"):
                self.fs.delete(posixpath.join(self.out, d), recursive=True)
        self.fs.write_bytes(posixpath.join(self.out, "_SUCCESS"), b"")
        print(f"Model written to {self.qualified('model.npz')}", flush=True)


def _say(msg: str) -> None:
    print(msg, flush=True)


def _read_centers_csv(uri: str, conf: Any) -> np.ndarray:
    from pyhdp.ml.parse import parse_csv

    fs, path = fs_and_path(uri, conf)
    arr, _ = parse_csv(fs.cat(path))
    return arr


def _kmeans_parallel_init(run: Run, base: list[str], k: int, seed: int, steps: int) -> np.ndarray:
    """k-means|| (Bahmani et al.): one random center, ``steps`` rounds each of a cost pass and a
    sampling pass (oversampling l = 2k), a pass weighting the candidates by the points nearest
    to them, then weighted k-means++ and Lloyd on the candidates in the driver."""
    from pyhdp.ml.jobs import KMeansParallelPass, KMeansPass, SamplePass

    first = run.run_pass(SamplePass, [*base, "--k", "1", "--seed", str(seed)])
    if first["n"] < k:
        sys.stderr.write(f"kmeans: k ({k}) is larger than the number of points ({first['n']})\n")
        raise DriverExit(1)
    cand = first["sample"]["rows"]
    for rnd in range(1, steps + 1):
        model = run.write_model(f"_models/init-cost-{rnd}.npz", {"centers": cand})
        phi = run.run_pass(KMeansPass, [*base, "--model", model])["inertia"]
        model = run.write_model(f"_models/init-{rnd}.npz", {"centers": cand, "phi": phi, "l": 2.0 * k})
        got = run.run_pass(
            KMeansParallelPass, [*base, "--model", model, "--seed", str(seed), "--round", str(rnd)]
        )
        cand = np.unique(np.vstack([cand, got["points"]]), axis=0)
        _say(f"k-means|| round {rnd}: cost={phi:.10g} candidates={len(cand)}")
    if len(cand) < k:
        sys.stderr.write(
            f"kmeans: k-means|| found only {len(cand)} distinct candidate centers for k={k} "
            "(raise -initSteps or use -init random)\n"
        )
        raise DriverExit(1)
    model = run.write_model("_models/init-weights.npz", {"centers": cand})
    weights = np.asarray(run.run_pass(KMeansPass, [*base, "--model", model])["counts"])
    keep = weights > 0
    if keep.sum() >= k:
        cand, weights = cand[keep], weights[keep]
    centers = algos.kmeanspp_weighted(cand, weights + 1e-12, k, np.random.default_rng(seed))
    _say(f"Initial centers: {k} chosen by k-means|| from {len(cand)} weighted candidates (seed {seed})")
    return centers


def kmeans(args: list[str], conf: Any) -> int:
    from pyhdp.ml.jobs import KMeansPass, SamplePass

    o = Options(
        "kmeans",
        args,
        _FLAGS
        | {
            "-k",
            "-init",
            "-maxIter",
            "-tol",
            "-seed",
            "-inputFormat",
            "-features",
            "-labelCol",
            "-initSteps",
            "-cache",
        },
    )
    k = o.get("-k", int, 0)
    init = o.get("-init", str, "random")
    max_iter = o.get("-maxIter", int, 300)
    tol = o.get("-tol", float, 1e-4)
    seed = o.get("-seed", int, 0)
    if init in ("random", "k-means||", "kmeans||") and k < 1:
        o.usage("-k must be a positive number of clusters")
    run = Run(o, conf)
    base = run.job_args()
    if init in ("k-means||", "kmeans||"):
        centers = _kmeans_parallel_init(run, base, k, seed, o.get("-initSteps", int, 2))
    elif init == "random":
        total = run.run_pass(SamplePass, [*base, "--k", str(k), "--seed", str(seed)])
        centers = total["sample"]["rows"]
        if total["n"] < k:
            sys.stderr.write(f"kmeans: k ({k}) is larger than the number of points ({total['n']})\n")
            raise DriverExit(1)
        _say(f"Initial centers: {k} points sampled at random (seed {seed}) from {total['n']} rows")
    else:
        centers = _read_centers_csv(init, conf)
        if k and centers.shape[0] != k:
            sys.stderr.write(f"kmeans: {init} holds {centers.shape[0]} centers, -k is {k}\n")
            raise DriverExit(1)
        k = centers.shape[0]
        _say(f"Initial centers: {k} read from {init}")
    tol_abs = None
    shift = float("inf")
    stats: dict = {}
    it = 0
    for it in range(1, max_iter + 1):
        model = run.write_model(f"_models/centers-{it:04d}.npz", {"centers": centers})
        stats = run.run_pass(KMeansPass, [*base, "--model", model])
        if tol_abs is None:
            n = float(stats["n"])
            var = np.asarray(stats["sq"]) / n - (np.asarray(stats["sx"]) / n) ** 2
            tol_abs = float(np.mean(var)) * tol
            if stats["n"] < k:
                sys.stderr.write(f"kmeans: k ({k}) is larger than the number of points ({stats['n']})\n")
                raise DriverExit(1)
        new = algos.kmeans_update(stats, centers)
        shift = float(((new - centers) ** 2).sum())
        _say(f"Iteration {it}: inertia={stats['inertia']:.10g} center_shift={shift:.6g}")
        centers = new
        if shift <= tol_abs:
            break
    if shift > 0:  # inertia of the final centers (sklearn's last E-step)
        model = run.write_model("_models/centers-final.npz", {"centers": centers})
        stats = run.run_pass(KMeansPass, [*base, "--model", model])
    _say(
        f"Converged after {it} iterations: inertia={stats['inertia']:.10g}"
        if shift <= (tol_abs or 0)
        else f"Stopped after {it} iterations (maxIter): inertia={stats['inertia']:.10g}"
    )
    run.finish(
        "kmeans",
        {"centers": centers, "counts": stats["counts"]},
        {"inertia": stats["inertia"], "iterations": it, "rows": int(stats["n"])},
    )
    return 0


def linreg(args: list[str], conf: Any) -> int:
    from pyhdp.ml.jobs import LinRegPass

    o = Options("linreg", args, _FLAGS | {"-inputFormat", "-features", "-labelCol"})
    run = Run(o, conf)
    s = run.run_pass(LinRegPass, run.job_args())
    coef, intercept = algos.linreg_solve(s)
    n = float(s["n"])
    xtx, xty, sx = np.asarray(s["xtx"]), np.asarray(s["xty"]), np.asarray(s["sx"])
    sse = (
        s["syy"]
        + coef @ xtx @ coef
        + n * intercept**2
        - 2 * coef @ xty
        - 2 * intercept * s["sy"]
        + 2 * intercept * coef @ sx
    )
    sst = s["syy"] - s["sy"] ** 2 / n
    mse = max(float(sse), 0.0) / n
    r2 = 1.0 - max(float(sse), 0.0) / sst if sst > 0 else float("nan")
    _say(f"Rows: {int(n)} mse={mse:.10g} r2={r2:.10g}")
    run.finish("linreg", {"coef": coef, "intercept": intercept}, {"mse": mse, "r2": r2, "rows": int(n)})
    return 0


def logreg(args: list[str], conf: Any) -> int:
    from pyhdp.ml.jobs import LogRegPass

    o = Options(
        "logreg",
        args,
        _FLAGS | {"-inputFormat", "-features", "-labelCol", "-C", "-penalty", "-maxIter", "-tol", "-cache"},
    )
    penalty = o.get("-penalty", str, "l2")
    if penalty not in ("l2", "none"):
        o.usage(f"-penalty must be l2 or none, got '{penalty}'")
    c = None if penalty == "none" else o.get("-C", float, 1.0)
    if c is not None and c <= 0:
        o.usage("-C must be positive")
    max_iter = o.get("-maxIter", int, 100)
    tol = o.get("-tol", float, 1e-10)
    run = Run(o, conf)
    w = None
    prev = None
    s: dict = {}
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        args_ = run.job_args()
        if w is not None:
            args_ += ["--model", run.write_model(f"_models/w-{it:04d}.npz", {"w": w})]
        s = run.run_pass(LogRegPass, args_)
        if w is None:
            w = np.zeros(np.asarray(s["grad"]).shape[0])
        new, obj = algos.logreg_newton(s, w, c)
        step = float(np.max(np.abs(new - w)))
        _say(
            f"Iteration {it}: loss={obj / float(s['n']):.12g} accuracy={s['correct'] / float(s['n']):.6f} "
            f"step={step:.6g}"
        )
        w = new
        if prev is not None and abs(prev - obj) <= tol * max(1.0, abs(obj)) or step < 1e-12:
            converged = True
            break
        prev = obj
    _say(("Converged" if converged else "Stopped (maxIter)") + f" after {it} iterations")
    run.finish(
        "logreg",
        {"coef": w[:-1], "intercept": w[-1]},
        {"iterations": it, "C": c, "rows": int(s["n"]), "converged": converged},
    )
    return 0


def naivebayes(args: list[str], conf: Any) -> int:
    from pyhdp.ml.jobs import NaiveBayesPass

    o = Options("naivebayes", args, _FLAGS | {"-alpha", "-features"})
    alpha = o.get("-alpha", float, 1.0)
    features = o.get("-features", int, 1 << 18)
    if features < 1 or alpha < 0:
        o.usage("-features must be positive and -alpha not negative")
    run = Run(o, conf)
    extra = ["--features", str(features)] + (["--skip-bad"] if "-skipBad" in o.flags else [])
    s = run.run_pass(NaiveBayesPass, extra)
    model = algos.nb_fit(s["counts"], s["docs"], alpha)
    _say(f"Documents: {int(s['n'])} classes: {len(model['classes'])} ({', '.join(model['classes'][:20])})")
    arrays = {
        "classes": np.asarray(model["classes"]),
        "feature_log_prob": model["feature_log_prob"],
        "class_log_prior": model["class_log_prior"],
    }
    run.write_model("model.npz", {"kind": "naivebayes", **arrays})
    info = {
        "kind": "naivebayes",
        "classes": model["classes"],
        "alpha": alpha,
        "features": features,
        "documents": int(s["n"]),
        "class_log_prior": model["class_log_prior"].tolist(),
    }
    run.fs.write_bytes(posixpath.join(run.out, "model.json"), (json.dumps(info, indent=1) + "\n").encode())
    if "-keepPasses" not in o.flags:
        run.fs.delete(posixpath.join(run.out, "_passes"), recursive=True)
    run.fs.write_bytes(posixpath.join(run.out, "_SUCCESS"), b"")
    _say(f"Model written to {run.qualified('model.npz')}")
    return 0


def pca(args: list[str], conf: Any) -> int:
    from pyhdp.ml.jobs import PCAPass

    o = Options("pca", args, _FLAGS | {"-k", "-inputFormat", "-features", "-labelCol"})
    k = o.get("-k", int, 0)
    if k < 0:
        o.usage("-k must not be negative")
    run = Run(o, conf)
    s = run.run_pass(PCAPass, run.job_args())
    if k > np.asarray(s["sx"]).shape[0]:
        sys.stderr.write(
            f"pca: k ({k}) is larger than the number of features ({np.asarray(s['sx']).shape[0]})\n"
        )
        raise DriverExit(1)
    model = algos.pca_solve(s, k or None)
    ratios = ", ".join(f"{r:.6f}" for r in model["explained_variance_ratio"][:10])
    _say(f"Rows: {int(s['n'])} explained_variance_ratio: {ratios}")
    run.finish("pca", model, {"rows": int(s["n"])})
    return 0


def mlpredict(args: list[str], conf: Any) -> int:
    from pyhdp.mapreduce.job.launcher import submit
    from pyhdp.ml.jobs import Predict

    o = Options("mlpredict", args, {"-model", "-labelCol", "-inputFormat", "-features", "-skipBad"})
    if "-model" not in o.values:
        o.usage("-model is required")
    fs, path = fs_and_path(o.values["-model"], conf)
    if not fs.exists(path):
        sys.stderr.write(f"mlpredict: model {o.values['-model']} does not exist\n")
        raise DriverExit(1)
    argv = [
        *o.inputs,
        o.output,
        "--model",
        fs.make_qualified(path),
        "--input-format",
        o.get("-inputFormat", str, "csv"),
    ]
    if "-features" in o.values:
        argv += ["--features", str(o.get("-features", int, 0))]
    if "-labelCol" in o.values:
        argv += ["--label-col", str(o.get("-labelCol", int, -1))]
    if "-skipBad" in o.flags:
        argv.append("--skip-bad")
    return submit(Predict, argv, conf, err=sys.stderr)


def hashfeatures(args: list[str], conf: Any) -> int:
    from pyhdp.mapreduce.job.launcher import submit
    from pyhdp.ml.jobs import HashFeatures

    o = Options("hashfeatures", args, {"-features", "-norm", "-noAlternateSign", "-skipBad"})
    features = o.get("-features", int, 1 << 20)
    norm = o.get("-norm", str, "l2")
    if features < 1 or norm not in ("l2", "none"):
        o.usage("-features must be positive and -norm l2 or none")
    argv = [*o.inputs, o.output, "--features", str(features), "--norm", norm]
    if "-noAlternateSign" in o.flags:
        argv.append("--no-alternate-sign")
    if "-skipBad" in o.flags:
        argv.append("--skip-bad")
    return submit(HashFeatures, argv, conf, err=sys.stderr)
