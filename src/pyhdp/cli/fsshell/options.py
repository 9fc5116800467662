"""Hadoop's ``CommandFormat``: the tiny option parser FsShell scripts depend on.

* Options are whole words (``-ignoreCrc``), scanned only at the start of the arguments.
* ``-`` is an argument (stdin/stdout) and stops option parsing; ``--`` ends options.
* Options with a value take the next argument when it exists, does not start with
  ``-`` and the remaining count is above the minimum; otherwise the value is ``""``.
* Errors are usage errors with Hadoop's texts: ``Illegal option -x``,
  ``Not enough arguments: expected 1 but got 0``, ``Too many arguments: expected 1 but got 2``.
"""

from __future__ import annotations

from pyhdp.errors import UsageError

UNBOUNDED = 1 << 31


class CommandFormat:
    def __init__(self, min_par: int, max_par: int | None, *options: str, ignore_unknown: bool = False):
        self.min_par = min_par
        self.max_par = UNBOUNDED if max_par is None else max_par
        self.options: dict[str, bool] = {o: False for o in options}
        self.values: dict[str, str | None] = {}
        self.ignore_unknown = ignore_unknown

    def add_option_with_value(self, name: str) -> CommandFormat:
        if name in self.options:
            raise ValueError(f"Duplicate option {name}")
        self.values[name] = None
        return self

    def parse(self, args: list[str], pos: int = 0) -> list[str]:
        """Remove the options from ``args`` (in place) and return the remaining arguments."""
        while pos < len(args):
            arg = args[pos]
            if not arg.startswith("-") or arg == "-":
                break
            if arg == "--":
                del args[pos]
                break
            opt = arg[1:]
            if opt in self.options:
                del args[pos]
                self.options[opt] = True
            elif opt in self.values:
                del args[pos]
                if pos < len(args) and len(args) > self.min_par and not args[pos].startswith("-"):
                    value = args.pop(pos)
                else:
                    value = ""
                self.values[opt] = value
            elif self.ignore_unknown:
                pos += 1
            else:
                raise UsageError(f"Illegal option {arg}")
        n = len(args)
        if n < self.min_par:
            raise UsageError(f"Not enough arguments: expected {self.min_par} but got {n}")
        if n > self.max_par:
            raise UsageError(f"Too many arguments: expected {self.max_par} but got {n}")
        return args

    def get_opt(self, name: str) -> bool:
        return self.options.get(name, False)

    def get_opt_value(self, name: str) -> str | None:
        return self.values.get(name)

    def get_opts(self) -> set[str]:
        return {k for k, v in self.options.items() if v}
