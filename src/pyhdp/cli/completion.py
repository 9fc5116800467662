"""Shell completion for ``hadoop``, ``hdfs``, ``yarn``, ``mapred`` and ``pyhdp``.

``pyhdp completion bash|zsh|fish`` prints a small script that asks the hidden
``pyhdp __complete`` command for candidates, so the answers always come from the live
command tables (``pyhdp.cli.main.TABLES``), FsShell's command table and each command's
usage text.  Paths of ``hdfs dfs`` commands are listed from the file system through the
normal FileSystem API (one ``list_status`` call, time-bounded, silent on any error);
sources of ``-put``/``-copyFromLocal``/... and ``file:`` URIs are listed locally.

Protocol: ``pyhdp __complete SHELL CWORD LINE WORD0 WORD1 ...`` prints one candidate per
line.  ``WORDi`` are the shell's words (``COMP_WORDS``), ``CWORD`` the index of the word
being completed, ``LINE`` the command line up to the cursor when the shell knows it (bash
splits ``hdfs://x`` at ``:``; the line gives the real word back) or ``""``.
"""

from __future__ import annotations

import os
import posixpath
import re
import sys
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyhdp.conf import Configuration

PROGS = ("hadoop", "hdfs", "yarn", "mapred", "pyhdp")
#: Shell options taking a value (hadoop_parse_args), and the ones that do not.
SHELL_VALUE_OPTIONS = ("--config", "--daemon", "--hostnames", "--hosts", "--loglevel")
SHELL_FLAG_OPTIONS = ("--buildpaths", "--debug", "--help", "--workers")
DAEMON_ACTIONS = ("start", "status", "stop")
LOG_LEVELS = ("ALL", "DEBUG", "ERROR", "FATAL", "INFO", "OFF", "TRACE", "WARN")
#: GenericOptionsParser's options (all take a value).
GENERIC_OPTIONS = ("-D", "-archives", "-conf", "-files", "-fs", "-jt", "-libjars")
_GENERIC_LOCAL = ("-conf", "-files", "-libjars", "-archives")
#: FsShell commands whose leading path arguments are local (the last one is the destination).
_LOCAL_FIRST = ("put", "copyFromLocal", "moveFromLocal", "appendToFile")
#: The primaries and operators of ``-find`` expressions.
_FIND_EXPRESSIONS = ("-a", "-and", "-iname", "-name", "-print", "-print0")
#: FsShell commands whose arguments after the first are local.
_LOCAL_REST = ("get", "copyToLocal", "moveToLocal", "getmerge")
#: Where the options of a sub-command are documented: its target → ``module:ATTRIBUTE`` (a usage
#: text, or a dict/list whose keys/first items are the options).  Keyed by target so aliases
#: (``yarn app``) share the entry.
OPTION_SOURCES = {
    "pyhdp.yarn.cli.application:run": "pyhdp.yarn.cli.application:USAGE",
    "pyhdp.yarn.cli.node:run": "pyhdp.yarn.cli.node:USAGE",
    "pyhdp.yarn.cli.logs:run": "pyhdp.yarn.cli.logs:USAGE",
    "pyhdp.yarn.cli.misc:applicationattempt": "pyhdp.yarn.cli.misc:ATTEMPT_USAGE",
    "pyhdp.yarn.cli.misc:container": "pyhdp.yarn.cli.misc:CONTAINER_USAGE",
    "pyhdp.yarn.cli.misc:queue": "pyhdp.yarn.cli.misc:QUEUE_USAGE",
    "pyhdp.yarn.cli.misc:rmadmin": "pyhdp.yarn.cli.misc:RMADMIN_USAGE",
    "pyhdp.mapreduce.cli.job:run": "pyhdp.mapreduce.cli.job:CMD_USAGE",
    "pyhdp.cli.hdfs_cmds.fsck:run": "pyhdp.cli.hdfs_cmds.fsck:USAGE",
    "pyhdp.cli.hdfs_cmds.dfsadmin:run": "pyhdp.cli.hdfs_cmds.dfsadmin_text:USAGES",
    "pyhdp.cli.hdfs_cmds.namenode:run": "pyhdp.cli.hdfs_cmds.namenode:USAGE",
    "pyhdp.cli.hdfs_cmds.datanode:run": "pyhdp.cli.hdfs_cmds.datanode:USAGE",
    "pyhdp.cli.getconf:run": "pyhdp.cli.getconf:COMMANDS",
    "pyhdp.cli.getconf:conftest": "pyhdp.cli.getconf:CONFTEST_USAGE",
    "pyhdp.cluster.cli:run": "pyhdp.cluster.cli:USAGE",
    "pyhdp.mapreduce.streaming.cli:run": "pyhdp.mapreduce.streaming.options:USAGE",
}
#: Values of options taking a list of states: (target, option) → ``module:SEQUENCE``.
VALUE_SOURCES = {
    ("pyhdp.yarn.cli.application:run", "-appStates"): "pyhdp.yarn.records:APP_STATES",
    ("pyhdp.yarn.cli.node:run", "-states"): "pyhdp.yarn.records:NODE_STATES",
}
#: Sub-commands whose non-option arguments are paths of the file system.
REMOTE_PATH_TARGETS = ("pyhdp.cli.hdfs_cmds.fsck:run", "pyhdp.cli.hdfs_cmds.dfsadmin:run")
#: Sub-commands whose first non-option argument is a local file (the jar, a configuration file);
#: the arguments after it are file system paths.
LOCAL_FIRST_TARGETS = ("pyhdp.mapreduce.cli.jar:run", "pyhdp.cli.getconf:conftest")
#: Value placeholders of options (``-input <path>``) naming local files or file system paths.
_LOCAL_PLACEHOLDERS = ("file", "job-file", "cmd", "cmd|JavaClassName", "configuration file", "filename")
_REMOTE_PLACEHOLDERS = ("path", "dirname", "snapshotDir", "src", "dst")
_FSSHELL = "pyhdp.cli.fsshell.shell:"
_OPTION_RE = re.compile(r"(?:^|(?<=[\s\[|({]))(--?[A-Za-z][\w\-]*)(\s+<([^>]*)>)?")
_CHOICES_RE = re.compile(
    r"(?:^|(?<=[\s\[|({]))(-[A-Za-z][\w\-]*)\s+(?:([A-Za-z]+(?:\s*\|\s*[A-Za-z]+)+)|[\[<]+([A-Za-z]+(?:\|[A-Za-z]+)+)[>\]])"
)
_LETTERS_RE = re.compile(r"(?:^|(?<=[\s\[|({]))-\[([A-Za-z]+)\]")
#: Seconds a file system listing may take before completion gives up (PYHDP_COMPLETION_TIMEOUT).
DEFAULT_TIMEOUT = 2.0

Lister = Callable[[str], list[str]]


# --------------------------------------------------------------------------- option specs
def options_of_usage(text: str) -> dict[str, bool]:
    """Options named in a usage text → whether each takes a value (``-t <thread count>``)."""
    found: dict[str, bool] = {}
    for m in _LETTERS_RE.finditer(text):  # "-[defswrz]" (test)
        for letter in m.group(1):
            found.setdefault("-" + letter, False)
    for m in _OPTION_RE.finditer(text):
        name = m.group(1).rstrip("-")
        if len(name) > 1 and name not in ("-", "--"):
            found[name] = found.get(name, False) or bool(m.group(2))
    return found


def _load_attr(spec: str):
    import importlib

    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


def usage_of_target(target: str) -> str:
    """The usage text documenting a sub-command's options ("" when unknown or its module is missing)."""
    spec = OPTION_SOURCES.get(target)
    if spec is None:
        return ""
    try:
        value = _load_attr(spec)
    except Exception:  # noqa: BLE001 - a missing part of pyhdp completes nothing
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "\n".join(str(item[0] if isinstance(item, tuple) else item) for item in value)
    return str(value)


def placeholders_of_usage(text: str) -> dict[str, str]:
    """Options with a value → the value's placeholder (``-input <path>`` → ``path``)."""
    found: dict[str, str] = {}
    for m in _OPTION_RE.finditer(text):
        if m.group(3) is not None:
            found.setdefault(m.group(1), m.group(3))
    return found


def options_of_target(target: str) -> dict[str, bool]:
    """The options a sub-command documents, and whether each takes a value."""
    return options_of_usage(usage_of_target(target))


def choices_of_usage(text: str) -> dict[str, list[str]]:
    """Literal values an option lists in a usage text: ``-safemode enter | leave | get``,
    ``-restoreFailedStorage true|false|check``, ``-format <human|json>`` (lower-case words in
    brackets only: ``<jobHistoryFile|jobId>`` are placeholders)."""
    found: dict[str, list[str]] = {}
    for m in _CHOICES_RE.finditer(text):
        opt, bare, bracketed = m.group(1), m.group(2), m.group(3)
        words = [w.strip() for w in (bare or bracketed).split("|")]
        if bracketed and not all(w.islower() for w in words):
            continue
        found.setdefault(opt, words)
    return found


def values_of_option(target: str, option: str, cur: str) -> list[str]:
    """Candidates for the value of ``option``: a listed state (comma-separated lists complete
    their last item) or the literal choices of its usage."""
    spec = VALUE_SOURCES.get((target, option))
    if spec is not None:
        try:
            values = [str(v) for v in _load_attr(spec)]
        except Exception:  # noqa: BLE001
            return []
        done, _, last = cur.rpartition(",")
        head = done + "," if done else ""
        return [head + v for v in values if v.startswith(last.upper()) and v not in done.split(",")]
    return _prefixed(cur, choices_of_usage(usage_of_target(target)).get(option, []))


def fsshell_commands() -> list[str]:
    from pyhdp.cli.fsshell.shell import COMMANDS

    return sorted(COMMANDS)


def fsshell_options(name: str) -> dict[str, bool]:
    """A FsShell command's options, from its USAGE (the spec its -help prints)."""
    try:
        from pyhdp.cli.fsshell.shell import get_class

        cls = get_class(name)
    except Exception:  # noqa: BLE001
        return {}
    if cls is None:
        return {}
    return options_of_usage(cls.USAGE)


# --------------------------------------------------------------------------- path listing
def list_local(cur: str) -> list[str]:
    """Local names completing ``cur`` (a path, ``~/...`` or a ``file:`` URI); dirs end in ``/``."""
    prefix = ""
    path = cur
    for scheme in ("file://", "file:"):
        if cur.startswith(scheme):
            prefix, path = scheme, cur[len(scheme) :]
            break
    head, slash, base = path.rpartition("/")
    if slash:
        directory, shown = os.path.expanduser(head) or "/", prefix + head + "/"
    else:
        directory, shown = ".", prefix
    out = []
    try:
        with os.scandir(directory) as it:
            for entry in it:
                if not entry.name.startswith(base) or (
                    entry.name.startswith(".") and not base.startswith(".")
                ):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                out.append(shown + entry.name + ("/" if is_dir else ""))
    except OSError:
        return []
    return sorted(out)


def fs_lister(conf: Configuration) -> Lister:
    """``cur`` → names from the file system of ``cur`` (``fs.defaultFS`` when it has no scheme)."""

    def lister(cur: str) -> list[str]:
        from pyhdp.fs.registry import get_filesystem, split_uri

        if cur.startswith("file:"):
            return list_local(cur)
        scheme, _, path = split_uri(cur)
        fs = get_filesystem(cur if scheme else "/", conf)
        if scheme:
            shown = cur[: cur.rfind("/") + 1] if path else cur.rstrip("/") + "/"
            path = path or "/"
        else:
            shown = cur[: cur.rfind("/") + 1]
        head, _, base = path.rpartition("/")
        if path.startswith("/"):
            directory = head or "/"
        else:
            directory = posixpath.normpath(posixpath.join(fs.working_directory(), head))
        out = []
        for st in fs.list_status(directory):
            name = st.path.rstrip("/").rsplit("/", 1)[-1]
            if name.startswith(base):
                out.append(shown + name + ("/" if st.is_dir else ""))
        return sorted(out)

    return lister


def bounded(lister: Lister, timeout: float) -> Lister:
    """``lister`` run in a daemon thread: nothing after ``timeout`` seconds or on any error."""

    def run(cur: str) -> list[str]:
        import threading

        result: list[list[str]] = []

        def work() -> None:
            try:
                result.append(lister(cur))
            except BaseException:  # noqa: BLE001 - completion is silent on every error
                pass

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        thread.join(timeout)
        return result[0] if result else []

    return run


# --------------------------------------------------------------------------- the completer
def _is_generic(arg: str) -> bool:
    return (
        arg in GENERIC_OPTIONS
        or (arg[:2] == "--" and arg[1:] in GENERIC_OPTIONS)
        or (arg.startswith("-D") and len(arg) > 2)
    )


def _prefixed(cur: str, names) -> list[str]:
    return [n for n in names if n.startswith(cur)]


def complete(
    words: list[str],
    remote: Lister | None = None,
    local: Lister = list_local,
    conf_keys: Callable[[], Iterable[str]] | None = None,
) -> list[str]:
    """Candidates for the last of ``words`` (``words[0]`` is the command: hdfs, yarn ...).

    ``remote`` lists file system paths (``None``: paths are not completed); ``conf_keys`` gives
    the configuration's keys (for ``-D key=`` and ``getconf -confKey``)."""
    from pyhdp.cli.main import TABLES

    if not words:
        return []
    prog = os.path.basename(words[0])
    table = TABLES.get(prog)
    if table is None:
        return []
    args, cur = words[1:-1], words[-1]
    i = 0
    daemon = False
    while i < len(args):
        a = args[i]
        if a in SHELL_VALUE_OPTIONS:
            daemon = daemon or a == "--daemon"
            if i + 1 == len(args):  # completing the option's value
                if a == "--daemon":
                    return _prefixed(cur, DAEMON_ACTIONS)
                if a == "--loglevel":
                    return _prefixed(cur.upper(), LOG_LEVELS)
                if a in ("--config", "--hosts"):
                    return local(cur)
                return []
            i += 2
        elif a in SHELL_FLAG_OPTIONS:
            i += 1
        else:
            break
    if i >= len(args):  # completing the sub-command (or a shell option)
        if cur.startswith("-"):
            opts = [
                o for o in SHELL_VALUE_OPTIONS + SHELL_FLAG_OPTIONS if prog != "pyhdp" or o != "--buildpaths"
            ]
            return _prefixed(cur, sorted(opts))
        names = [n for n, s in table.items() if not s.hidden and (not daemon or s.kind == "daemon")]
        return _prefixed(cur, sorted(names))
    sub = table.get(args[i])
    if sub is None:  # "hadoop dfsadmin" (forwarded to hdfs), "hadoop org.apache.hadoop.fs.FsShell"
        from pyhdp.cli.main import CLASSNAMES, HADOOP_DEPRECATED

        forwarded = (
            (HADOOP_DEPRECATED[args[i]], args[i])
            if prog == "hadoop" and args[i] in HADOOP_DEPRECATED
            else None
        )
        prog_name = CLASSNAMES.get(args[i]) or forwarded
        sub = TABLES[prog_name[0]].get(prog_name[1]) if prog_name else None
        if sub is None:
            return []
    rest = args[i + 1 :]
    # generic options (ToolRunner) come first
    j = 0
    if sub.tool:
        while j < len(rest) and _is_generic(rest[j]):
            if rest[j].startswith("-D") and len(rest[j]) > 2:  # -Dkey=value
                j += 1
                continue
            if j + 1 == len(rest):  # completing the option's value
                opt = rest[j].lstrip("-")
                if "-" + opt in _GENERIC_LOCAL:
                    return local(cur)
                if opt == "fs":
                    return _prefixed(cur, ["file:///", "hdfs://"])
                if opt == "jt":
                    return _prefixed(cur, ["local"])
                if opt == "D" and conf_keys is not None and "=" not in cur:
                    return sorted(k + "=" for k in conf_keys() if k.startswith(cur))
                return []
            j += 2
    rest = rest[j:]
    generic = list(GENERIC_OPTIONS) if sub.tool and not rest else []
    if sub.target.startswith(_FSSHELL):
        return _complete_fsshell(rest, cur, generic, remote, local)
    options = options_of_target(sub.target)
    if (
        rest
        and rest[-1].lower() == "-confkey"
        and sub.target == "pyhdp.cli.getconf:run"
        and conf_keys is not None
    ):
        return sorted(k for k in conf_keys() if k.startswith(cur))
    if rest and rest[-1].startswith("-"):
        values = values_of_option(sub.target, rest[-1], cur)
        if values or options.get(rest[-1]):
            placeholder = placeholders_of_usage(usage_of_target(sub.target)).get(rest[-1], "")
            local_only = sub.target in LOCAL_FIRST_TARGETS
            if not values and (placeholder in _LOCAL_PLACEHOLDERS or local_only and placeholder):
                return local(cur)
            if not values and placeholder in _REMOTE_PLACEHOLDERS and remote is not None:
                return remote(cur)
            return values  # the value of an option
    if cur.startswith("-"):
        return _prefixed(cur, sorted(set(options) | set(generic)))
    if sub.target in LOCAL_FIRST_TARGETS:
        if not any(not a.startswith("-") for a in rest):
            return local(cur)
        return remote(cur) if remote is not None and sub.target.startswith("pyhdp.mapreduce") else []
    if sub.target in REMOTE_PATH_TARGETS and remote is not None:
        return remote(cur)
    return []


def _complete_fsshell(rest: list[str], cur: str, generic: list[str], remote, local) -> list[str]:
    if not rest:  # the command itself: "hdfs dfs -l<TAB>"
        if cur.startswith("-") or not cur:
            return _prefixed(cur, generic + ["-" + c for c in fsshell_commands()])
        return []
    name = rest[0][1:] if rest[0].startswith("-") else ""
    if name not in fsshell_commands():
        return []
    args = rest[1:]
    if name in ("help", "usage"):
        return _prefixed(cur.lstrip("-"), fsshell_commands())
    options = fsshell_options(name)
    k = 0
    while k < len(args) and args[k].startswith("-") and args[k] not in ("-", "--"):
        if options.get(args[k]):
            if k + 1 == len(args):
                return []  # "-t <thread count>"
            k += 1
        k += 1
    positional = len(args) - k
    if name == "find" and positional >= 1:  # the expression (Hadoop's find: -name, -iname, -print ...)
        if args[-1] in ("-name", "-iname"):
            return []
        if cur.startswith("-") or any(a.startswith("-") for a in args[k:]):
            return _prefixed(cur, list(_FIND_EXPRESSIONS))
    options_open = k == len(args) and (not args or args[-1] != "--")
    if cur.startswith("-") and options_open:
        return _prefixed(cur, sorted(options))
    if name in _LOCAL_FIRST and positional == 0 or name in _LOCAL_REST and positional >= 1:
        return local(cur)
    if cur.startswith("file:"):
        return local(cur)
    return remote(cur) if remote is not None else []


# --------------------------------------------------------------------------- words from the shell
def _split_line(line: str) -> list[str]:
    """The words of a partial command line, the last one possibly empty (cursor after a space)."""
    import shlex

    for closing in ("", '"', "'"):  # an open quote in the word being completed is closed
        try:
            lex = shlex.shlex(line + closing, posix=True)
            lex.whitespace_split = True
            words = list(lex)
            break
        except ValueError:
            continue
    else:
        words = line.split()
    if not line or line[-1].isspace():
        words.append("")
    return words


def words_for(cword: int, line: str, shell_words: list[str]) -> tuple[list[str], str]:
    """The words to complete (the last being the current one) and the part of the current word the
    shell already considers typed in earlier words (bash splits at ``:`` and ``=``)."""
    shell_words = shell_words[: cword + 1]
    while len(shell_words) <= cword:
        shell_words.append("")
    if not line:
        return shell_words, ""
    words = _split_line(line)
    if not words:  # a line that splits into nothing (e.g. only a comment)
        return shell_words, ""
    cur, shell_cur = words[-1], shell_words[-1]
    lead = cur[: len(cur) - len(shell_cur)] if cur.endswith(shell_cur) else ""
    return words, lead


#: Characters bash and zsh would take as syntax in an inserted word (``~`` is kept: it expands).
_SHELL_SPECIAL = re.compile(r"""([\s'"\\$&;|<>()*?!\[\]{}#`])""")


def _quote_of(shell_words: list[str], cword: int) -> str:
    """The quote the current word opens (bash gives it in ``COMP_WORDS``), else ``""``."""
    word = shell_words[cword] if cword < len(shell_words) else ""
    return word[:1] if word[:1] in ("'", '"') else ""


# --------------------------------------------------------------------------- scripts
_BASH = r"""# pyhdp shell completion for bash: hadoop, hdfs, yarn, mapred, pyhdp.
# Install: eval "$(pyhdp completion bash)" in ~/.bashrc, or
#   pyhdp completion bash > ~/.local/share/bash-completion/completions/hdfs
#   (and a symbolic link to it named hadoop, yarn, mapred, pyhdp).
_pyhdp_complete() {
    local line=""
    if [[ -n "${COMP_LINE-}" && -n "${COMP_POINT-}" ]]; then line="${COMP_LINE:0:COMP_POINT}"; fi
    COMPREPLY=()
    mapfile -t COMPREPLY < <(pyhdp __complete bash "$COMP_CWORD" "$line" "${COMP_WORDS[@]}" 2>/dev/null)
    if [[ ${#COMPREPLY[@]} -eq 1 && ( "${COMPREPLY[0]}" == */ || "${COMPREPLY[0]}" == *= ) ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}
complete -F _pyhdp_complete hadoop hdfs yarn mapred pyhdp
"""

_ZSH = r"""# pyhdp shell completion for zsh: hadoop, hdfs, yarn, mapred, pyhdp.
# Install: eval "$(pyhdp completion zsh)" in ~/.zshrc (compinit is loaded when it is not yet).
_pyhdp_complete() {
    local -a candidates dirs others
    candidates=("${(@f)$(pyhdp __complete zsh $((CURRENT - 1)) "" "${(Q)words[@]}" 2>/dev/null)}")
    local c
    for c in "${candidates[@]}"; do
        [[ -z "$c" ]] && continue
        if [[ "$c" == */ || "$c" == *= ]]; then dirs+=("$c"); else others+=("$c"); fi
    done
    (( ${#dirs} )) && compadd -Q -U -S '' -- "${dirs[@]}"
    (( ${#others} )) && compadd -Q -U -- "${others[@]}"
    return 0
}
if (( ! $+functions[compdef] )); then
    autoload -U compinit && compinit
fi
compdef _pyhdp_complete hadoop hdfs yarn mapred pyhdp
"""

_FISH = r"""# pyhdp shell completion for fish.  Install: pyhdp completion fish | source
# or save it as ~/.config/fish/completions/hdfs.fish (and hadoop.fish, yarn.fish ...).
function __pyhdp_complete
    set -l before (commandline -opc)
    set -l cur (commandline -ct)
    pyhdp __complete fish (count $before) "" $before "$cur" 2>/dev/null
end
for cmd in hadoop hdfs yarn mapred pyhdp
    complete -c $cmd -f -a '(__pyhdp_complete)'
end
"""

SCRIPTS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}

USAGE = """Usage: pyhdp completion bash|zsh|fish
Prints the shell completion script of hadoop, hdfs, yarn, mapred and pyhdp.
  bash: eval "$(pyhdp completion bash)"   (in ~/.bashrc), or save it as
        ~/.local/share/bash-completion/completions/hdfs (and links named hadoop, yarn, mapred, pyhdp)
  zsh:  eval "$(pyhdp completion zsh)"    (in ~/.zshrc)
  fish: pyhdp completion fish | source   (or save as ~/.config/fish/completions/hdfs.fish)
"""


def run(args: list[str], conf: Configuration) -> int:  # noqa: ARG001
    """``pyhdp completion SHELL``."""
    if len(args) == 1 and args[0] in ("-h", "-help", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    if len(args) != 1 or args[0] not in SCRIPTS:
        sys.stderr.write(USAGE)
        return 1
    sys.stdout.write(SCRIPTS[args[0]])
    return 0


def _conf_for(words: list[str], conf: Configuration) -> Configuration:
    """``conf`` with the line's ``--config DIR`` and generic ``-D``/``-fs``/``-conf`` applied."""
    if "--config" in words:
        k = words.index("--config")
        if k + 1 < len(words) - 1 and os.path.isdir(words[k + 1]):
            from pyhdp.conf import load_configuration

            conf = load_configuration(words[k + 1])
    from pyhdp.cli.main import TABLES

    table = TABLES.get(os.path.basename(words[0]), {})
    for k, w in enumerate(words[1:-1], 1):
        sub = table.get(w)
        if sub is not None:
            if sub.tool:
                from pyhdp.cli.generic import apply_generic_options, parse_generic_options

                try:
                    gopts, _ = parse_generic_options(words[k + 1 : -1])
                    if gopts.fs or gopts.defines or gopts.conf_files:
                        conf = conf.copy()
                        gopts.files = gopts.libjars = gopts.archives = []
                        gopts.jt = None
                        apply_generic_options(conf, gopts)
                except Exception:  # noqa: BLE001
                    pass
            break
    return conf


def run_complete(args: list[str], conf: Configuration) -> int:
    """``pyhdp __complete SHELL CWORD LINE WORD...``: candidates, one a line; silent on errors."""
    try:
        devnull = open(os.devnull, "w")  # noqa: SIM115 - for the rest of this short process
        sys.stderr = devnull
        os.dup2(devnull.fileno(), 2)
    except OSError:
        pass
    try:
        if len(args) < 3 or not args[1].isdigit():
            return 1
        words, lead = words_for(int(args[1]), args[2], args[3:])
        try:
            timeout = float(os.environ.get("PYHDP_COMPLETION_TIMEOUT", DEFAULT_TIMEOUT))
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        remote = bounded(lambda cur: fs_lister(_conf_for(words, conf))(cur), timeout)
        candidates = complete(words, remote=remote, conf_keys=lambda: _conf_for(words, conf).keys())
        if lead:
            candidates = [c[len(lead) :] for c in candidates if c.startswith(lead)]
        quote = _quote_of(args[3:], int(args[1]))
        if quote:  # inside quotes the shell inserts the text as it is
            candidates = [quote + c for c in candidates]
        elif args[0] in ("bash", "zsh"):
            candidates = [_SHELL_SPECIAL.sub(r"\\\1", c) for c in candidates]
        sys.stdout.write("".join(c + "\n" for c in candidates))
        sys.stdout.flush()
    except BaseException:  # noqa: BLE001 - never a traceback under the user's prompt
        return 1
    finally:
        threading = sys.modules.get("threading")
        if threading is not None and any(t.daemon and t.is_alive() for t in threading.enumerate()):
            os._exit(0)  # a listing still hangs: do not wait for it
    return 0
