"""``-ls`` and the deprecated ``-lsr`` (Hadoop's ``Ls``)."""

from __future__ import annotations

from pyhdp.cli.fsshell.command import FsCommand
from pyhdp.cli.fsshell.formatting import format_size, local_minutes, perm_string
from pyhdp.cli.fsshell.options import CommandFormat
from pyhdp.cli.fsshell.pathdata import PathData


def printable(text: str) -> str:
    """``PrintableString``: non-printable characters become ``?``."""
    import unicodedata

    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        out.append("?" if cat in ("Cc", "Cf", "Cs", "Co", "Cn") else ch)
    return "".join(out)


class Ls(FsCommand):
    NAME = "ls"
    USAGE = "[-C] [-d] [-h] [-q] [-R] [-t] [-S] [-r] [-u] [-e] [<path> ...]"

    def process_options(self, args: list[str]) -> None:
        cf = CommandFormat(0, None, "C", "d", "h", "q", "R", "t", "S", "r", "u", "e")
        cf.parse(args)
        self.path_only = cf.get_opt("C")
        self.dir_recurse = not cf.get_opt("d")
        self.recursive = cf.get_opt("R") and self.dir_recurse
        self.human = cf.get_opt("h")
        self.hide_nonprintable = cf.get_opt("q")
        self.reverse = cf.get_opt("r")
        self.order_time = cf.get_opt("t")
        self.order_size = not self.order_time and cf.get_opt("S")
        self.use_atime = cf.get_opt("u")
        self.show_ec = cf.get_opt("e")
        self.max_repl, self.max_len, self.max_owner, self.max_group, self.max_ec = 3, 10, 0, 0, 0
        self.line_format = ""
        if not args:
            args.append(".")

    def process_path_argument(self, item: PathData) -> None:
        if self.show_ec and item.fs.scheme == "file":
            raise OSError(f"FileSystem {item.fs.uri} does not support Erasure Coding")
        if self.dir_recurse and item.is_dir:
            self.recurse_path(item)
        else:
            super().process_path_argument(item)

    #: Hadoop 3 lists recursive, unsorted directories in groups of this many entries and sizes the
    #: columns per group (``Ls.getListingGroupSize``); sorted listings are handled in one batch.
    LISTING_GROUP_SIZE = 100

    def recurse_path(self, item: PathData) -> None:
        if not self.recursive or self.order_time or self.order_size or self.reverse:
            super().recurse_path(item)
            return
        children = item.children()
        self.depth += 1
        try:
            n = self.LISTING_GROUP_SIZE
            for start in range(0, len(children), n):
                self.process_paths(item, children[start : start + n])
        finally:
            self.depth -= 1

    def _sort(self, items: list[PathData]) -> list[PathData]:
        # -t/-S: newest/largest first (-r flips only that), ties by path; else by path (-r flips).
        sign = 1 if self.reverse else -1
        if self.order_time:
            if self.use_atime:
                items.sort(key=lambda p: (sign * p.stat.access_time, p.path))
            else:
                items.sort(key=lambda p: (sign * p.stat.modification_time, p.path))
        elif self.order_size:
            items.sort(key=lambda p: (sign * p.stat.length, p.path))
        else:
            items.sort(key=lambda p: p.path, reverse=self.reverse)
        return items

    def process_paths(self, parent: PathData | None, items: list[PathData]) -> None:
        if parent is not None and not self.recursive and items:
            if not self.path_only:
                self.write(f"Found {len(items)} items\n")
            items = self._sort(list(items))
        if not self.path_only:
            self._adjust_column_widths(items)
        if not self.recursive:
            # No recursion: render the whole batch at once.
            self.write("".join([self._line(item) for item in items]))
            return
        # Pre-order: each entry, then (for a directory) its subtree; lines are written in runs.
        buf: list[str] = []
        for item in items:
            buf.append(self._line(item))
            if item.stat.is_dir:
                self.write("".join(buf))
                buf = []
                try:
                    self.recurse_path(item)
                except BrokenPipeError:
                    raise
                except OSError as e:
                    self.display_error(e)
        self.write("".join(buf))

    def process_path(self, item: PathData) -> None:
        self.write(self._line(item))

    def _line(self, item: PathData) -> str:
        text = printable(item.display) if self.hide_nonprintable else item.display
        if self.path_only:
            return text + "\n"
        st = item.stat
        is_dir = st.is_dir
        when = st.access_time if self.use_atime else st.modification_time
        fields = [
            "d" if is_dir else "-",
            perm_string(st.permission) + ("+" if st.has_acl else " "),
            "-" if is_dir else str(st.replication),
        ]
        if self.show_ec:
            fields.append(_ec_name(st))
        fields += [st.owner, st.group, format_size(st.length, self.human), local_minutes(when), text]
        return self.line_format % tuple(fields) + "\n"

    def _adjust_column_widths(self, items: list[PathData]) -> None:
        if items:
            stats = [item.stat for item in items]
            self.max_repl = max(self.max_repl, len(str(max(st.replication for st in stats))))
            self.max_len = max(self.max_len, len(str(max(st.length for st in stats))))
            self.max_owner = max(self.max_owner, max(len(st.owner) for st in stats))
            self.max_group = max(self.max_group, max(len(st.group) for st in stats))
            if self.show_ec:
                self.max_ec = max(self.max_ec, max(len(_ec_name(st)) for st in stats))
        fmt = "%s%s" + f"%{self.max_repl}s "
        if self.show_ec:
            fmt += f"%-{self.max_ec}s "
        fmt += f"%-{self.max_owner}s " if self.max_owner > 0 else "%s"
        fmt += f"%-{self.max_group}s " if self.max_group > 0 else "%s"
        fmt += f"%{self.max_len}s "
        fmt += "%s %s"
        self.line_format = fmt


def _ec_name(st) -> str:
    if not st.erasure_coded:
        return "Replicated"
    return getattr(st, "ec_policy", None) or "EC"


class Lsr(Ls):
    NAME = "lsr"
    USAGE = ""
    REPLACEMENT = "ls -R"

    def process_options(self, args: list[str]) -> None:
        args.insert(0, "-R")
        super().process_options(args)
