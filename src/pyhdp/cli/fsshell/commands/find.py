"""``-find <path> ... <expression> ...`` (Hadoop's ``find.Find``).

Primaries: ``-name pattern``, ``-iname pattern`` (glob on the base name), ``-print``,
``-print0``; operators ``-a``/``-and`` and juxtaposition (AND, short-circuit).  Without an
action the expression is followed by ``-print``.  The walk is pre-order, children in
listing order, starting with each path itself.
"""

from __future__ import annotations

from collections.abc import Callable

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData
from pyhdp.errors import UsageError
from pyhdp.fs.glob import GlobPattern

Predicate = Callable[[PathData], bool]


class Find(FsCommand):
    NAME = "find"
    USAGE = "<path> ... <expression> ..."

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(1, None, "L", "H", ignore_unknown=True)
        cf.parse(args)
        index = 0
        while index < len(args) and not args[index].startswith("-"):
            index += 1
        tokens = args[index:]
        del args[index:]
        if not args:
            args.append(".")
        self.recursive = True
        self.expression, has_action = self._parse(tokens)
        if not has_action:
            expr = self.expression
            self.expression = lambda item: expr(item) and self._print(item, "\n")

    def _parse(self, tokens: list[str]) -> tuple[Predicate, bool]:
        terms: list[Predicate] = []
        has_action = False
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            i += 1
            if tok in ("-a", "-and"):
                continue
            if tok in ("-name", "-iname"):
                if i >= len(tokens):
                    raise UsageError("Not enough arguments: expected 1 but got 0")
                insensitive = tok == "-iname"
                pattern = GlobPattern(tokens[i].lower() if insensitive else tokens[i])
                i += 1
                if insensitive:
                    terms.append(lambda item, p=pattern: p.matches(item.name.lower()))
                else:
                    terms.append(lambda item, p=pattern: p.matches(item.name))
            elif tok in ("-print", "-print0"):
                suffix = "\n" if tok == "-print" else "\0"
                terms.append(lambda item, s=suffix: self._print(item, s))
                has_action = True
            else:
                raise OSError(f"Unexpected argument: {tok}")
        if not terms:
            return (lambda item: True), False

        def conjunction(item: PathData) -> bool:
            return all(t(item) for t in terms)

        return conjunction, has_action

    def _print(self, item: PathData, suffix: str) -> bool:
        self.write(f"{item}{suffix}")
        return True

    def process_path(self, item: PathData) -> None:
        self.expression(item)
