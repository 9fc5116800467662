"""The ML MapReduce jobs (Python job API): one data pass each; :mod:`pyhdp.ml.drivers` iterates.

Every pass job parses whole chunks (``mapper_block`` on raw bytes), accumulates a partial
result per split in memory (in-mapper combining: one record per map task), sums partials in
the combiner and in a single reducer, and writes the total as one line: base64 of a pickle
(exact floats, any shape).  The current model reaches the tasks as a ``.npz`` file on the
job's file system (``--model URI``).  :class:`Predict` is map-only.
"""

from __future__ import annotations

import base64
import io
import pickle
import zlib
from functools import reduce
from typing import Any

import numpy as np

from pyhdp.mapreduce.job import Job
from pyhdp.ml import algos
from pyhdp.ml.parse import MalformedInputError, features_parser, parse_labeled_text

GROUP = "ML"


def load_npz(uri: str, conf: Any) -> dict[str, np.ndarray]:
    from pyhdp.mapreduce.input.splits import resolve

    fs, path = resolve(uri, conf)
    with np.load(io.BytesIO(fs.cat(path)), allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def encode_total(total: Any) -> str:
    return base64.b64encode(pickle.dumps(total, 4)).decode("ascii")


def decode_total(line: bytes | str) -> Any:
    return pickle.loads(base64.b64decode(line))


def located(job: Job, e: MalformedInputError) -> MalformedInputError:
    """``e`` naming the input file and line (``mapreduce.map.input.*`` of the task)."""
    conf = job.conf
    path = conf.get("mapreduce.map.input.file") if conf is not None else None
    if not path:
        return e
    start = conf.get_int("mapreduce.map.input.start", 0)
    if e.line is None:
        where = f"{path} (split at byte {start})"
    elif start == 0:
        where = f"line {getattr(job, '_lines_before', 0) + e.line + 1} of {path}"
    else:
        where = f"line {getattr(job, '_lines_before', 0) + e.line + 1} of the split of {path} at byte {start}"
    out = MalformedInputError(f"{e} at {where}")
    out.line = e.line
    return out


def parse_located(job: Job, fn: Any, data: bytes) -> Any:
    try:
        return fn(data)
    except MalformedInputError as e:
        raise located(job, e) from None
    finally:
        job._lines_before = getattr(job, "_lines_before", 0) + data.count(b"\n")  # type: ignore[attr-defined]


class SplitCache:
    """The parsed rows of one input split as raw float64 on the task's local disk (``-cacheDir``
    / the drivers' ``-cache``): later passes of an iterative job skip the text parsing.

    Keyed by the split (file, start, length), the file's length and modification time and the
    parsing options; written under the attempt's name and renamed when the split is complete,
    so a failed attempt never leaves a partial cache.  Read back memory-mapped in blocks.
    """

    BLOCK_ROWS = 65536

    def __init__(self, directory: str, conf: Any, options_key: str):
        import hashlib
        import os

        from pyhdp.mapreduce.input.splits import resolve

        path = conf.get("mapreduce.map.input.file") or ""
        start = conf.get("mapreduce.map.input.start") or "0"
        length = conf.get("mapreduce.map.input.length") or "0"
        try:
            fs, p = resolve(path, conf)
            st = fs.get_file_status(p)
            stamp = f"{st.length}|{st.modification_time}"
        except (OSError, ValueError):
            stamp = "?"
        key = hashlib.sha1(f"{path}|{start}|{length}|{stamp}|{options_key}".encode()).hexdigest()
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, key + ".f64")
        self.meta = self.path + ".json"
        self.hit = os.path.exists(self.meta)
        self._out = None
        self._rows = 0
        self._cols: int | None = None
        self._has_y = False
        if not self.hit:
            attempt = conf.get("mapreduce.task.attempt.id") or str(os.getpid())
            self._tmp = f"{self.path}.{attempt}.tmp"
            self._out = open(self._tmp, "wb")  # noqa: SIM115 - closed in commit()

    def write(self, x: np.ndarray, y: np.ndarray | None) -> None:
        block = x if y is None else np.hstack([x, y[:, None]])
        self._has_y = y is not None
        self._cols = block.shape[1]
        self._out.write(np.ascontiguousarray(block, dtype=np.float64).tobytes())
        self._rows += block.shape[0]

    def commit(self) -> None:
        import json as _json
        import os

        self._out.close()
        os.replace(self._tmp, self.path)
        with open(self.meta + ".tmp", "w") as f:
            _json.dump({"rows": self._rows, "cols": self._cols or 0, "has_y": self._has_y}, f)
        os.replace(self.meta + ".tmp", self.meta)

    def blocks(self):
        import json as _json

        with open(self.meta) as f:
            meta = _json.load(f)
        rows, cols, has_y = meta["rows"], meta["cols"], meta["has_y"]
        if rows == 0:
            return
        mm = np.memmap(self.path, dtype=np.float64, mode="r", shape=(rows, cols))
        for i in range(0, rows, self.BLOCK_ROWS):
            block = np.asarray(mm[i : i + self.BLOCK_ROWS])
            if has_y:
                yield block[:, :-1], block[:, -1]
            else:
                yield block, None
        del mm


class _PassJob(Job):
    INPUT_PROTOCOL = "raw_bytes"
    OUTPUT_PROTOCOL = "raw"
    NUM_REDUCES = 1
    JOBCONF = {"mapreduce.map.maxattempts": 1, "mapreduce.reduce.maxattempts": 1}
    LABELED = False
    USE_CACHE = True  # passes whose result depends on the chunking (sampling) set False

    def add_arguments(self, p) -> None:
        p.add_argument("--input-format", default="csv")
        p.add_argument("--features", type=int, default=None)
        p.add_argument("--label-col", type=int, default=None)
        p.add_argument("--skip-bad", action="store_true")
        p.add_argument("--model", default=None)
        p.add_argument("--k", type=int, default=0)
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--c", type=float, default=None)
        p.add_argument("--cache-dir", default=None)

    # ------------------------------------------------------------ map side
    def mapper_init(self):
        self.acc = None
        o = self.options
        self.model = load_npz(o.model, self.conf) if o.model else {}
        self.parse = self.make_parser()
        self.cache = (
            SplitCache(o.cache_dir, self.conf, self.cache_key()) if o.cache_dir and self.USE_CACHE else None
        )
        if self.cache is not None and self.cache.hit:
            self.increment_counter(GROUP, "CACHED_SPLITS", 1)

    def cache_key(self) -> str:
        o = self.options
        return f"{o.input_format}|{o.features}|{o.label_col}|{o.skip_bad}|{self.LABELED}"

    def make_parser(self):
        o = self.options
        # supervised jobs: the label column (default last); others: a column to drop, if given
        label_col = o.label_col if o.label_col is not None else (-1 if self.LABELED else None)
        return features_parser(o.input_format, o.features, label_col, o.skip_bad)

    def mapper_block(self, data: bytes):
        if self.cache is not None and self.cache.hit:
            return None  # the split's rows come from the binary cache in mapper_final
        x, y, bad = parse_located(self, self.parse, data)
        if bad:
            self.increment_counter(GROUP, "MALFORMED_ROWS", bad)
        n = len(x)
        if n:
            if self.cache is not None:
                self.cache.write(x, y)
            self.increment_counter(GROUP, "ROWS", n)
            self.acc = self.merge(self.acc, self.partial(x, y))
        return None

    def mapper_final(self):
        if self.cache is not None:
            if self.cache.hit:
                for x, y in self.cache.blocks():
                    self.increment_counter(GROUP, "ROWS", len(x))
                    self.acc = self.merge(self.acc, self.partial(x, y))
            else:
                self.cache.commit()
        if self.acc is not None:
            # pickled here: the engine's value serialiser treats arrays as plain buffers
            yield "total", pickle.dumps(self.acc, 4)

    def partial(self, x: Any, y: Any) -> dict:
        raise NotImplementedError

    def merge(self, a: Any, b: Any) -> Any:
        return algos.add_partials(a, b)

    # ------------------------------------------------------------ reduce side
    def combiner(self, key, values):
        yield key, pickle.dumps(reduce(self.merge, map(pickle.loads, values)), 4)

    def reducer(self, key, values):
        yield key, encode_total(reduce(self.merge, map(pickle.loads, values)))


class KMeansPass(_PassJob):
    """Assign points to the nearest center; per-cluster sums and counts, inertia."""

    def partial(self, x, y):
        c = self.model["centers"]
        if x.shape[1] != c.shape[1]:
            raise MalformedInputError(f"rows have {x.shape[1]} features, the centers {c.shape[1]}")
        return algos.kmeans_partial(x, c)


class SamplePass(_PassJob):
    """A seeded uniform sample of ``k`` rows (random init of k-means) and the row count."""

    USE_CACHE = False

    def mapper_block(self, data: bytes):
        self._rng = np.random.default_rng([self.options.seed, zlib.crc32(data[:4096]), len(data)])
        return super().mapper_block(data)

    def partial(self, x, y):
        return {**algos.sample_partial(x, self.options.k, self._rng), "n": x.shape[0]}

    def merge(self, a, b):
        if a is None:
            return b
        if b is None:
            return a
        return {"sample": algos.merge_samples(a["sample"], b["sample"], self.options.k), "n": a["n"] + b["n"]}


class KMeansParallelPass(_PassJob):
    """One k-means|| round: rows sampled with probability ``l·d²/φ`` given the current centers."""

    USE_CACHE = False

    def add_arguments(self, p) -> None:
        super().add_arguments(p)
        p.add_argument("--round", type=int, default=0)

    def mapper_block(self, data: bytes):
        o = self.options
        self._rng = np.random.default_rng([o.seed, 1000 + o.round, zlib.crc32(data[:4096]), len(data)])
        return super().mapper_block(data)

    def partial(self, x, y):
        m = self.model
        picked = algos.kmeans_parallel_partial(x, m["centers"], float(m["phi"]), float(m["l"]), self._rng)
        return {"points": picked, "n": x.shape[0]}

    def merge(self, a, b):
        if a is None:
            return b
        if b is None:
            return a
        return {"points": np.vstack([a["points"], b["points"]]), "n": a["n"] + b["n"]}


class LinRegPass(_PassJob):
    LABELED = True

    def partial(self, x, y):
        return algos.linreg_partial(x, y)


class LogRegPass(_PassJob):
    LABELED = True

    def partial(self, x, y):
        bad = (y != 0) & (y != 1)
        if bad.any():
            raise MalformedInputError(f"logistic regression labels must be 0 or 1, got {y[bad][0]!r}")
        w = self.model.get("w")
        if w is None:
            w = np.zeros(x.shape[1] + 1)
        if w.shape[0] != x.shape[1] + 1:
            raise MalformedInputError(f"rows have {x.shape[1]} features, the model {w.shape[0] - 1}")
        return algos.logreg_partial(x, y, w)


class PCAPass(_PassJob):
    def partial(self, x, y):
        return algos.pca_partial(x)


class NaiveBayesPass(_PassJob):
    """Per-class hashed term counts and document counts of ``label<TAB>text`` lines."""

    def make_parser(self):
        from pyhdp.ml.hashing import TokenHasher

        self.hasher = TokenHasher(self.options.features or (1 << 18))
        return None

    def mapper_block(self, data: bytes):
        labels, docs, bad = parse_located(self, lambda d: parse_labeled_text(d, self.options.skip_bad), data)
        if bad:
            self.increment_counter(GROUP, "MALFORMED_ROWS", bad)
        if not labels:
            return None
        self.increment_counter(GROUP, "ROWS", len(labels))
        from pyhdp.ml.hashing import tokenize

        f = self.hasher.n_features
        h = self.hasher
        cols: dict[str, list[int]] = {}
        ndocs: dict[str, float] = {}
        for label, doc in zip(labels, docs, strict=True):
            cols.setdefault(label, []).extend(h(t)[0] for t in tokenize(doc))
            ndocs[label] = ndocs.get(label, 0.0) + 1.0
        counts = {
            lab: np.bincount(np.asarray(c, dtype=np.int64), minlength=f).astype(np.float64)
            for lab, c in cols.items()
        }
        self.acc = self.merge(self.acc, {"counts": counts, "docs": ndocs, "n": len(labels)})
        return None


class Predict(Job):
    """Map-only: one prediction line per input row, in input order within each split."""

    INPUT_PROTOCOL = "raw_bytes"
    OUTPUT_PROTOCOL = "raw"
    JOBCONF = {"mapreduce.map.maxattempts": 1}

    def add_arguments(self, p) -> None:
        _PassJob.add_arguments(self, p)

    def mapper_init(self):
        o = self.options
        self.model = load_npz(o.model, self.conf)
        self.kind = str(self.model["kind"])
        if self.kind == "naivebayes":
            from pyhdp.ml.hashing import TokenHasher

            self.hasher = TokenHasher(self.model["feature_log_prob"].shape[1])
        else:
            self.parse = features_parser(o.input_format, o.features, o.label_col, o.skip_bad)

    def mapper_block(self, data: bytes):
        m = self.model
        if self.kind == "naivebayes":
            from pyhdp.ml.hashing import tokenize

            _labels, docs, bad = parse_located(
                self, lambda d: parse_labeled_text(d, self.options.skip_bad), data
            )
            flp = m["feature_log_prob"]
            classes = m["classes"]
            out = []
            for doc in docs:
                cols = [self.hasher(t)[0] for t in tokenize(doc)]
                score = m["class_log_prior"] + (flp[:, cols].sum(1) if cols else 0.0)
                out.append(("", str(classes[int(np.argmax(score))])))
        else:
            x, _y, bad = parse_located(self, self.parse, data)
            if self.kind == "kmeans":
                pred = [str(i) for i in algos.sq_distances(x, m["centers"]).argmin(1)]
            elif self.kind == "linreg":
                pred = [repr(float(v)) for v in x @ m["coef"] + float(m["intercept"])]
            elif self.kind == "logreg":
                pred = [str(int(v)) for v in (x @ m["coef"] + float(m["intercept"])) > 0]
            elif self.kind == "pca":
                z = (x - m["mean"]) @ m["components"].T
                pred = [",".join(repr(float(v)) for v in row) for row in z]
            else:
                raise ValueError(f"unknown model kind {self.kind}")
            out = [("", p) for p in pred]
        if bad:
            self.increment_counter(GROUP, "MALFORMED_ROWS", bad)
        return out


class HashFeatures(Job):
    """Map-only feature hashing of ``label<TAB>text`` lines into libsvm lines (sklearn's
    ``HashingVectorizer``: same columns (1-based here), signs and l2 norm)."""

    INPUT_PROTOCOL = "raw_bytes"
    OUTPUT_PROTOCOL = "raw"
    JOBCONF = {"mapreduce.map.maxattempts": 1}

    def add_arguments(self, p) -> None:
        p.add_argument("--features", type=int, default=1 << 20)
        p.add_argument("--no-alternate-sign", action="store_true")
        p.add_argument("--norm", default="l2")
        p.add_argument("--skip-bad", action="store_true")

    def mapper_init(self):
        from pyhdp.ml.hashing import TokenHasher

        self.hasher = TokenHasher(self.options.features)

    def mapper_block(self, data: bytes):
        o = self.options
        labels, docs, bad = parse_located(self, lambda d: parse_labeled_text(d, o.skip_bad), data)
        if bad:
            self.increment_counter(GROUP, "MALFORMED_ROWS", bad)
        out = []
        for label, doc in zip(labels, docs, strict=True):
            vec = self.hasher.transform(doc, alternate_sign=not o.no_alternate_sign)
            items = sorted((c, v) for c, v in vec.items() if v != 0)
            if o.norm == "l2" and items:
                scale = float(np.sqrt(sum(v * v for _, v in items)))
                items = [(c, v / scale) for c, v in items]
            out.append(("", label + "".join(f" {c + 1}:{v!r}" for c, v in items)))
        return out
