"""Seeded synthetic data sets written straight into any pyhdp file system, in blocks, and
the export of scikit-learn's bundled data sets to CSV (label in the last column).

``hadoop jar hadoop-mapreduce-examples-*.jar mlgen blobs|regression|classification OUT
-rows N -features F [-centers K] [-seed S] [-blockRows B]`` and ``mldata
iris|digits|breast_cancer|diabetes OUT``.  Generated rows are CSV with the target last
(blobs: the true cluster id).  Memory is one block of rows whatever ``-rows`` is.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np

from pyhdp.mapreduce.examples.common import DriverExit, fs_and_path

KINDS = ("blobs", "regression", "classification")
DATASETS = ("iris", "digits", "breast_cancer", "diabetes")


def generate_blocks(
    kind: str, rows: int, features: int, seed: int = 0, centers: int = 3, block_rows: int = 100_000
) -> Iterator[np.ndarray]:
    """Blocks of ``[X | y]`` rows; the same seed gives the same rows for any block size."""
    if kind not in KINDS:
        raise ValueError(f"unknown generator '{kind}' ({', '.join(KINDS)})")
    if rows < 0 or features < 1 or block_rows < 1 or centers < 1:
        raise ValueError("rows must be >= 0 and features, centers, block rows positive")
    params = np.random.default_rng([seed, 0])
    if kind == "blobs":
        mu = params.uniform(-10.0, 10.0, size=(centers, features))
    else:
        coef = params.uniform(0.0, 100.0, size=features) * (params.random(features) < 0.8)
        bias = float(params.normal())
    done = 0
    index = 0
    while done < rows:
        n = min(block_rows, rows - done)
        # one generator per fixed 4096-row group keeps the data independent of block_rows
        parts = []
        while n > 0:
            g = done // 4096
            start = done % 4096
            take = min(n, 4096 - start)
            rng = np.random.default_rng([seed, 1, g])
            if kind == "blobs":
                lab = rng.integers(0, centers, size=4096)
                x = mu[lab] + rng.normal(size=(4096, features))
                block = np.hstack([x, lab[:, None].astype(np.float64)])
            elif kind == "regression":
                x = rng.normal(size=(4096, features))
                y = x @ coef + bias + rng.normal(scale=1.0, size=4096)
                block = np.hstack([x, y[:, None]])
            else:
                x = rng.normal(size=(4096, features))
                z = x @ (coef / 50.0 - 1.0) + rng.logistic(size=4096)
                block = np.hstack([x, (z > 0).astype(np.float64)[:, None]])
            parts.append(block[start : start + take])
            done += take
            n -= take
        index += 1
        yield np.vstack(parts)


def to_csv(block: np.ndarray, label_int: bool) -> bytes:
    buf = io.BytesIO()
    if label_int:
        fmt = ["%.17g"] * (block.shape[1] - 1) + ["%d"]
        np.savetxt(buf, block, delimiter=",", fmt=fmt)
    else:
        np.savetxt(buf, block, delimiter=",", fmt="%.17g")
    return buf.getvalue()


def write_generated(
    uri: str,
    conf: Any,
    kind: str,
    rows: int,
    features: int,
    seed: int = 0,
    centers: int = 3,
    block_rows: int = 100_000,
) -> int:
    """Write the data set to ``uri`` (a file); returns the bytes written."""
    fs, path = fs_and_path(uri, conf)
    total = 0
    with fs.create(path, overwrite=False) as out:
        for block in generate_blocks(kind, rows, features, seed, centers, block_rows):
            data = to_csv(block, kind != "regression")
            out.write(data)
            total += len(data)
    return total


def load_sklearn(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name not in DATASETS:
        raise ValueError(f"unknown data set '{name}' ({', '.join(DATASETS)})")
    d = getattr(datasets, f"load_{name}")()
    return np.asarray(d.data, dtype=np.float64), np.asarray(d.target)


def export_sklearn(name: str, uri: str, conf: Any) -> int:
    x, y = load_sklearn(name)
    block = np.hstack([x, y[:, None].astype(np.float64)])
    data = to_csv(block, name != "diabetes")
    fs, path = fs_and_path(uri, conf)
    fs.write_bytes(path, data, overwrite=False)
    return len(data)


def _exists_error(fs: Any, path: str) -> None:
    sys.stderr.write(f"{fs.make_qualified(path)}: File exists\n")
    raise DriverExit(1)


def mlgen(args: list[str], conf: Any) -> int:
    usage = (
        "Usage: mlgen blobs|regression|classification <out> -rows N -features F "
        "[-centers K] [-seed S] [-blockRows B]\n"
    )
    opts: dict[str, int] = {"-rows": -1, "-features": -1, "-centers": 3, "-seed": 0, "-blockRows": 100_000}
    pos: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in opts:
            try:
                opts[a] = int(args[i + 1])
            except (IndexError, ValueError):
                sys.stderr.write(f"mlgen: {a} needs an integer\n" + usage)
                return 2
            i += 2
            continue
        if a.startswith("-"):
            sys.stderr.write(f"mlgen: unknown option {a}\n" + usage)
            return 2
        pos.append(a)
        i += 1
    if len(pos) != 2 or pos[0] not in KINDS or opts["-rows"] < 0 or opts["-features"] < 1:
        sys.stderr.write(usage)
        return 2
    fs, path = fs_and_path(pos[1], conf)
    if fs.exists(path):
        _exists_error(fs, path)
    n = write_generated(
        pos[1],
        conf,
        pos[0],
        opts["-rows"],
        opts["-features"],
        opts["-seed"],
        opts["-centers"],
        opts["-blockRows"],
    )
    print(f"Wrote {opts['-rows']} rows ({n} bytes) to {fs.make_qualified(path)}", flush=True)
    return 0


def mldata(args: list[str], conf: Any) -> int:
    if len(args) != 2 or args[0] not in DATASETS:
        sys.stderr.write(f"Usage: mldata {'|'.join(DATASETS)} <out.csv>\n")
        return 2
    fs, path = fs_and_path(args[1], conf)
    if fs.exists(path):
        _exists_error(fs, path)
    n = export_sklearn(args[0], args[1], conf)
    print(f"Wrote {args[0]} ({n} bytes) to {fs.make_qualified(path)}", flush=True)
    return 0
