"""Whole-chunk readers: many input lines become one NumPy array in a single C-level parse.

Formats (``--input-format``):

* ``csv`` — numeric, comma separated, no header.  With a label column (supervised jobs)
  the label is column ``label_col`` (default: the last one).
* ``libsvm`` — ``label idx:value ...`` with 1-based indices (``n_features`` required).
* ``text`` — ``label<TAB>document`` lines (naive Bayes / feature hashing).

A malformed row raises :class:`MalformedInputError` quoting the row; with ``skip_bad`` the
row is dropped and counted instead (the jobs report the ``ML / MALFORMED_ROWS`` counter).
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np


class MalformedInputError(ValueError):
    """A row that does not parse (the message quotes it); ``line`` is its 0-based index among
    the chunk's lines (blank ones included) when known."""

    line: int | None = None


def _lines(data: bytes) -> list[bytes]:
    return [ln for ln in data.replace(b"\r", b"").split(b"\n") if ln.strip()]


def _numbered(data: bytes) -> list[tuple[int, bytes]]:
    return [(i, ln) for i, ln in enumerate(data.replace(b"\r", b"").split(b"\n")) if ln.strip()]


def _row_error(fmt: str, line: bytes, why: str, index: int | None = None) -> MalformedInputError:
    text = line.decode("utf-8", "replace")
    if len(text) > 200:
        text = text[:200] + "..."
    e = MalformedInputError(f"Malformed {fmt} row '{text}': {why}")
    e.line = index
    return e


def parse_csv(data: bytes, skip_bad: bool = False, n_cols: int | None = None) -> tuple[np.ndarray, int]:
    """``(rows × columns float64 array, number of skipped rows)`` of a chunk of CSV lines."""
    if not data.strip():
        return np.empty((0, n_cols or 0)), 0
    arr = _parse_csv_arrow(data)
    if arr is None:
        arr = _parse_csv_pandas(data)
    if arr is not None and n_cols is not None and arr.shape[1] != n_cols:
        arr = None
    if arr is not None:
        return arr, 0
    return _parse_csv_slow(data, skip_bad, n_cols)


def _parse_csv_arrow(data: bytes) -> np.ndarray | None:
    """pyarrow's CSV reader (correctly rounded floats, several times faster than pandas), if installed."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pc
    except ImportError:
        return None
    try:
        table = pc.read_csv(
            pa.py_buffer(data),
            read_options=pc.ReadOptions(autogenerate_column_names=True),
            parse_options=pc.ParseOptions(newlines_in_values=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    cols = []
    for col in table.columns:
        if col.null_count or not (pa.types.is_floating(col.type) or pa.types.is_integer(col.type)):
            return None
        cols.append(col.to_numpy().astype(np.float64, copy=False))
    if not cols:
        return None
    arr = np.column_stack(cols)
    return None if np.isnan(arr).any() else arr


def _parse_csv_pandas(data: bytes) -> np.ndarray | None:
    try:
        import pandas as pd

        arr = pd.read_csv(
            io.BytesIO(data), header=None, dtype=np.float64, engine="c", skip_blank_lines=True
        ).to_numpy()
    except ImportError:
        try:
            arr = np.loadtxt(io.BytesIO(data), delimiter=",", ndmin=2, dtype=np.float64)
        except ValueError:
            return None
    except Exception:  # noqa: BLE001 - any parser error: the slow path finds the bad row
        return None
    return None if np.isnan(arr).any() else arr


def _parse_csv_slow(data: bytes, skip_bad: bool, n_cols: int | None) -> tuple[np.ndarray, int]:
    rows: list[list[float]] = []
    bad = 0
    width = n_cols
    for index, line in _numbered(data):
        parts = line.split(b",")
        why = None
        if width is not None and len(parts) != width:
            why = f"{len(parts)} fields, expected {width}"
        else:
            try:
                vals = [float(p) for p in parts]
                if any(v != v for v in vals):
                    why = "NaN value"
            except ValueError:
                why = "not a number"
        if why is not None:
            if not skip_bad:
                raise _row_error("CSV", line, why, index)
            bad += 1
            continue
        width = len(vals)
        rows.append(vals)
    if not rows:
        return np.empty((0, width or 0)), bad
    return np.asarray(rows, dtype=np.float64), bad


def split_label(arr: np.ndarray, label_col: int) -> tuple[np.ndarray, np.ndarray]:
    if arr.shape[0] == 0:
        return arr, np.empty(0)
    col = label_col if label_col >= 0 else arr.shape[1] + label_col
    if not 0 <= col < arr.shape[1]:
        raise MalformedInputError(f"label column {label_col} is outside rows of {arr.shape[1]} columns")
    y = arr[:, col]
    x = np.delete(arr, col, axis=1)
    return x, y


def parse_libsvm(data: bytes, n_features: int, skip_bad: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
    """Dense ``(X, y, skipped)`` of libsvm lines (1-based indices below ``n_features``+1)."""
    lines = _numbered(data)
    ys: list[float] = []
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    bad = 0
    for index, line in lines:
        parts = line.split()
        try:
            y = float(parts[0])
            pairs = [p.split(b":", 1) for p in parts[1:]]
            c = [int(p[0]) - 1 for p in pairs]
            v = [float(p[1]) for p in pairs]
            if any(i < 0 or i >= n_features for i in c):
                raise IndexError
        except (ValueError, IndexError):
            if not skip_bad:
                raise _row_error(
                    "libsvm", line, f"expected 'label index:value ...' with 1 <= index <= {n_features}", index
                ) from None
            bad += 1
            continue
        r = len(ys)
        ys.append(y)
        rows.extend([r] * len(c))
        cols.extend(c)
        vals.extend(v)
    x = np.zeros((len(ys), n_features))
    if vals:
        np.add.at(x, (np.asarray(rows), np.asarray(cols)), np.asarray(vals))
    return x, np.asarray(ys, dtype=np.float64), bad


def parse_labeled_text(data: bytes, skip_bad: bool = False) -> tuple[list[str], list[str], int]:
    """``(labels, documents, skipped)`` of ``label<TAB>text`` lines."""
    labels: list[str] = []
    docs: list[str] = []
    bad = 0
    for index, line in _numbered(data):
        label, sep, doc = line.partition(b"\t")
        if not sep or not label.strip():
            if not skip_bad:
                raise _row_error("text", line, "expected 'label<TAB>document'", index)
            bad += 1
            continue
        labels.append(label.decode("utf-8", "replace").strip())
        docs.append(doc.decode("utf-8", "replace"))
    return labels, docs, bad


def features_parser(
    fmt: str, n_features: int | None, label_col: int | None, skip_bad: bool
) -> Callable[[bytes], tuple[np.ndarray, np.ndarray | None, int]]:
    """A chunk → ``(X, y or None, skipped)`` function for numeric formats."""
    if fmt == "csv":

        def csv(data: bytes):
            arr, bad = parse_csv(data, skip_bad)
            if label_col is None:
                return arr, None, bad
            x, y = split_label(arr, label_col)
            return x, y, bad

        return csv
    if fmt == "libsvm":
        if not n_features:
            raise ValueError("libsvm input needs the number of features (-features N)")

        def libsvm(data: bytes):
            x, y, bad = parse_libsvm(data, n_features, skip_bad)
            return x, (y if label_col is not None else None), bad

        return libsvm
    raise ValueError(f"unknown input format '{fmt}' (csv, libsvm)")
