"""Helpers shared by the MapReduce tests."""

from __future__ import annotations

from pathlib import Path


def write_lines(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines))
    return path


def read_output(out: Path) -> list[str]:
    lines: list[str] = []
    for part in sorted(out.glob("part-*")):
        lines.extend(part.read_text().splitlines())
    return lines
