"""SSH and worker settings: configuration keys, then the ``HADOOP_SSH_OPTS`` parts pyhdp honours.

Keys (``core-default.yaml``): ``pyhdp.ssh.user`` (default: the login user), ``pyhdp.ssh.port``
(22), ``pyhdp.ssh.identity-file`` (empty: the default keys in ``~/.ssh`` and the agent),
``pyhdp.ssh.known-hosts`` (``strict``, ``accept-new`` or ``no``), ``pyhdp.ssh.known-hosts-file``,
``pyhdp.ssh.connect-timeout``, ``pyhdp.ssh.command-timeout``, ``pyhdp.ssh.parallelism`` (10,
Hadoop's ``HADOOP_SSH_PARALLEL``), ``pyhdp.ssh.retries``, ``pyhdp.ssh.retry-backoff``,
``pyhdp.ssh.jump-host``, ``pyhdp.worker.python`` (default: this interpreter's path),
``pyhdp.worker.pythonpath``, ``pyhdp.worker.conf-dir`` and ``pyhdp.worker.env``.

``HADOOP_SSH_PARALLEL`` sets the parallelism, and
``HADOOP_SSH_OPTS`` (an ssh command line fragment) is read when set in the environment and
wins over the keys, as the shell scripts' environment wins in Hadoop: ``-i FILE``,
``-p PORT``, ``-l USER``, ``-J HOST`` and ``-o`` with ``StrictHostKeyChecking``,
``ConnectTimeout``, ``User``, ``Port``, ``IdentityFile``, ``UserKnownHostsFile`` and ``ProxyJump``;
other options are ignored (``BatchMode`` is how pyhdp always behaves).
"""

from __future__ import annotations

import dataclasses
import os
import shlex
import sys

from pyhdp.errors import ConfigError

KNOWN_HOSTS_POLICIES = ("strict", "accept-new", "no")
_STRICT_WORDS = {"yes": "strict", "strict": "strict", "ask": "strict", "accept-new": "accept-new",
                 "no": "no", "off": "no"}

#: Environment variables passed to the commands run on workers (when set here).
DEFAULT_FORWARDED_ENV = ("HADOOP_PID_DIR", "HADOOP_LOG_DIR", "HADOOP_IDENT_STRING", "HADOOP_STOP_TIMEOUT",
                         "HADOOP_USER_NAME", "HADOOP_ROOT_LOGGER", "HADOOP_DAEMON_ROOT_LOGGER")


@dataclasses.dataclass
class SshSettings:
    user: str | None = None
    port: int = 22
    identity_file: str | None = None
    known_hosts: str = "strict"
    known_hosts_file: str = "~/.ssh/known_hosts"
    connect_timeout: float = 10.0
    command_timeout: float = 0.0  # 0: no limit
    parallelism: int = 10
    retries: int = 2
    retry_backoff: float = 0.5
    jump_host: str | None = None

    @classmethod
    def from_conf(cls, conf, env: dict[str, str] | None = None) -> SshSettings:
        env = os.environ if env is None else env
        s = cls(
            user=(conf.get_trimmed("pyhdp.ssh.user") or None),
            port=conf.get_int("pyhdp.ssh.port", 22),
            identity_file=(conf.get_trimmed("pyhdp.ssh.identity-file") or None),
            known_hosts=(conf.get_trimmed("pyhdp.ssh.known-hosts") or "strict").lower(),
            known_hosts_file=conf.get_trimmed("pyhdp.ssh.known-hosts-file") or "~/.ssh/known_hosts",
            connect_timeout=conf.get_duration("pyhdp.ssh.connect-timeout", 10.0, unit="s"),
            command_timeout=conf.get_duration("pyhdp.ssh.command-timeout", 0.0, unit="s"),
            parallelism=conf.get_int("pyhdp.ssh.parallelism", 10),
            retries=conf.get_int("pyhdp.ssh.retries", 2),
            retry_backoff=conf.get_duration("pyhdp.ssh.retry-backoff", 0.5, unit="s"),
            jump_host=(conf.get_trimmed("pyhdp.ssh.jump-host") or None),
        )
        if s.known_hosts not in KNOWN_HOSTS_POLICIES:
            word = _STRICT_WORDS.get(s.known_hosts)
            if word is None:
                raise ConfigError(f"Invalid value for pyhdp.ssh.known-hosts: \"{s.known_hosts}\" is not one of "
                                  + ", ".join(KNOWN_HOSTS_POLICIES))
            s.known_hosts = word
        if s.parallelism < 1:
            raise ConfigError(f"Invalid value for pyhdp.ssh.parallelism: \"{s.parallelism}\" must be at least 1")
        opts = env.get("HADOOP_SSH_OPTS")
        if opts:
            s.apply_ssh_opts(opts)
        if env.get("HADOOP_SSH_PARALLEL"):
            s.parallelism = _int_opt("HADOOP_SSH_PARALLEL", env["HADOOP_SSH_PARALLEL"])
        if s.retries < 0:
            s.retries = 0
        if s.parallelism < 1:
            raise ConfigError(f"Invalid value for parallelism: \"{s.parallelism}\" must be at least 1")
        return s

    def apply_ssh_opts(self, text: str) -> None:
        """Apply the ``-i``/``-p``/``-l``/``-J``/``-o`` parts of an ssh command line fragment."""
        try:
            words = shlex.split(text)
        except ValueError as e:
            raise ConfigError(f"HADOOP_SSH_OPTS: {e}") from None
        i = 0
        while i < len(words):
            w = words[i]
            if w in ("-i", "-p", "-l", "-o", "-J"):
                if i + 1 >= len(words):
                    raise ConfigError(f"HADOOP_SSH_OPTS: option {w} needs an argument")
                flag, value = w, words[i + 1]
                i += 2
            elif len(w) > 2 and w[:2] in ("-i", "-p", "-l", "-o", "-J"):
                flag, value = w[:2], w[2:]
                i += 1
            else:
                i += 1
                continue
            if flag == "-o":
                key, sep, val = value.partition("=")
                if not sep:
                    key, _, val = value.partition(" ")
                    if not val and i < len(words):
                        val = words[i]
                        i += 1
                self._apply_option(key.strip(), val.strip())
            elif flag == "-i":
                self.identity_file = value
            elif flag == "-p":
                self.port = _int_opt("-p", value)
            elif flag == "-l":
                self.user = value
            elif flag == "-J":
                self.jump_host = value

    def _apply_option(self, key: str, value: str) -> None:
        k = key.lower()
        if k == "stricthostkeychecking":
            policy = _STRICT_WORDS.get(value.lower())
            if policy is None:
                raise ConfigError(f"HADOOP_SSH_OPTS: unsupported StrictHostKeyChecking={value}")
            self.known_hosts = policy
        elif k == "connecttimeout":
            self.connect_timeout = float(value[:-1] if value.lower().endswith("s") else value)
        elif k == "user":
            self.user = value
        elif k == "port":
            self.port = _int_opt("Port", value)
        elif k == "identityfile":
            self.identity_file = value
        elif k == "userknownhostsfile":
            self.known_hosts_file = value
        elif k == "proxyjump":
            self.jump_host = None if value.lower() == "none" else value


def _int_opt(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"HADOOP_SSH_OPTS: bad {name} value \"{value}\"") from None


@dataclasses.dataclass
class WorkerSettings:
    """How to run pyhdp on a worker: interpreter, extra PYTHONPATH, conf dir, environment."""

    python: str
    pythonpath: str | None
    forwarded_env: tuple[str, ...]
    extra_env: dict[str, str]

    @classmethod
    def from_conf(cls, conf) -> WorkerSettings:
        extra: dict[str, str] = {}
        for item in conf.get_list("pyhdp.worker.env"):
            key, sep, value = item.partition("=")
            if not sep or not key.strip():
                raise ConfigError(f"Invalid value for pyhdp.worker.env: \"{item}\" is not NAME=VALUE")
            extra[key.strip()] = value
        forwarded = tuple(conf.get_list("pyhdp.worker.env-forward", list(DEFAULT_FORWARDED_ENV)))
        return cls(
            python=conf.get_trimmed("pyhdp.worker.python") or sys.executable,
            pythonpath=conf.get_trimmed("pyhdp.worker.pythonpath") or None,
            forwarded_env=forwarded,
            extra_env=extra,
        )
