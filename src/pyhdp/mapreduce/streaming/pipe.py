"""The pump between a task and its Streaming command (Hadoop's ``PipeMapRed``).

One thread, one ``poll`` loop, no deadlock: raw input chunks go to the command's stdin with
large non-blocking writes; its stdout is read in large chunks and handed on as whole lines
once a few MiB have gathered; its stderr is split into lines, ``reporter:`` lines become
counter increments and status, every other line goes to the task's own stderr (the
attempt's log).  Pipes are enlarged to 1 MiB where the kernel allows it.
"""

from __future__ import annotations

import collections
import errno
import fcntl
import logging
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

LOG = logging.getLogger("streaming.PipeMapRed")

F_SETPIPE_SZ = 1031
READ_SIZE = 1 << 20
SMALL_READ = 64 << 10
SMALL_READ_PAUSE = 0.002
OUTPUT_BATCH = 4 << 20
WRITE_SIZE = 1 << 20


class StreamingTaskError(RuntimeError):
    """A Streaming command failed.

    The class is named after the Java exception Hadoop reports (the engine shows failed
    attempts as ``Error: <class name>: <message>``), and the message ends with the last
    lines the command wrote to stderr, so the console shows why it failed.
    """

    java_class = "java.lang.RuntimeException"

    def __init__(self, message: str, stderr_tail: str = ""):
        text = message
        if message.startswith(self.java_class + ": "):
            text = message[len(self.java_class) + 2 :]
        if stderr_tail.strip():
            text += "\nsubprocess stderr (last lines):\n" + stderr_tail.rstrip("\n")
        super().__init__(text)
        self.hadoop_message = message
        self.stderr_tail = stderr_tail


StreamingTaskError.__name__ = StreamingTaskError.__qualname__ = "java.lang.RuntimeException"


class StreamingIOError(StreamingTaskError):
    java_class = "java.io.IOException"


StreamingIOError.__name__ = StreamingIOError.__qualname__ = "java.io.IOException"


class Reporter:
    """Parses ``reporter:counter:<group>,<counter>,<amount>`` and ``reporter:status:<msg>``."""

    def __init__(
        self,
        prefix: str = "reporter:",
        incr: Callable[[str, str, int], None] | None = None,
        set_status: Callable[[str], None] | None = None,
    ):
        self.prefix = prefix.encode()
        self.incr = incr
        self.set_status = set_status
        self.counters: dict[tuple[str, str], int] = collections.defaultdict(int)
        self.status: str | None = None

    def handle(self, line: bytes) -> bool:
        """True when ``line`` was a reporter line (consumed)."""
        if not line.startswith(self.prefix):
            return False
        text = line[len(self.prefix) :].decode("utf-8", "replace").rstrip("\r\n")
        if text.startswith("counter:"):
            parts = text[len("counter:") :].strip().split(",")
            whole = line.decode("utf-8", "replace").rstrip("\r\n")
            if len(parts) != 3:
                LOG.warning("Cannot parse counter line: %s", whole)
                return True
            try:
                amount = int(parts[2].strip())
            except ValueError:
                LOG.warning("Cannot parse counter increment '%s' from line: %s", parts[2], whole)
                return True
            self.counters[(parts[0], parts[1])] += amount
            if self.incr:
                self.incr(parts[0], parts[1], amount)
        elif text.startswith("status:"):
            self.status = text[len("status:") :].strip()
            if self.set_status:
                self.set_status(self.status)
        else:
            LOG.warning("Cannot parse reporter line: %s", line.decode("utf-8", "replace").rstrip("\r\n"))
        return True


def _enlarge(fd: int) -> None:
    try:
        fcntl.fcntl(fd, F_SETPIPE_SZ, 1 << 20)
    except OSError:
        pass


def _set_nonblocking(fd: int) -> None:
    fl = fcntl.fcntl(fd, fcntl.F_GETFL)
    fcntl.fcntl(fd, fcntl.F_SETFL, fl | os.O_NONBLOCK)


def start_process(argv: list[str], env: dict[str, str], cwd: str) -> subprocess.Popen:
    """Start the command; a missing or non-executable program is Hadoop's ``Cannot run program``."""
    if not argv:
        raise StreamingTaskError(
            'java.io.IOException: Cannot run program "": error=2, No such file or directory'
        )
    try:
        return subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
            env=env,
            cwd=cwd,
            close_fds=True,
        )
    except OSError as e:
        code = e.errno or errno.ENOENT
        text = os.strerror(code)
        raise StreamingIOError(
            f'java.io.IOException: Cannot run program "{argv[0]}" (in directory "{cwd}"): error={code}, {text}'
        ) from None


class PipeResult:
    def __init__(
        self, returncode: int, broken_pipe: bool, unsent: int, stderr_tail: str, bytes_in: int, bytes_out: int
    ):
        self.returncode = returncode
        self.broken_pipe = broken_pipe
        self.unsent = unsent  # input bytes the command never took
        self.stderr_tail = stderr_tail
        self.bytes_in = bytes_in
        self.bytes_out = bytes_out


def pump(
    proc: subprocess.Popen,
    chunks: Iterator[bytes],
    on_output: Callable[[bytes], None],
    reporter: Reporter,
    stderr_sink=None,
    batch: int = OUTPUT_BATCH,
    tail_lines: int = 20,
    line_mode: bool = True,
) -> PipeResult:
    """Feed ``chunks`` to ``proc`` and hand whole output lines to ``on_output`` until it exits."""
    sink = stderr_sink if stderr_sink is not None else getattr(sys.stderr, "buffer", None)
    fin, fout, ferr = proc.stdin.fileno(), proc.stdout.fileno(), proc.stderr.fileno()
    for fd in (fin, fout):
        _enlarge(fd)
    _set_nonblocking(fin)
    poller = select.poll()
    poller.register(fout, select.POLLIN)
    poller.register(ferr, select.POLLIN)
    poller.register(fin, select.POLLOUT)
    fd_open = {fin: True, fout: True, ferr: True}
    pending = memoryview(b"")
    input_done = False
    broken = False
    input_left = False
    out_parts: list[bytes] = []
    out_size = 0
    err_buf = bytearray()
    tail: collections.deque[str] = collections.deque(maxlen=tail_lines)
    bytes_in = bytes_out = 0

    def close_input() -> None:
        if fd_open[fin]:
            fd_open[fin] = False
            try:
                poller.unregister(fin)
            except KeyError:
                pass
            try:
                proc.stdin.close()
            except OSError:
                pass

    def flush_output(final: bool) -> None:
        nonlocal out_parts, out_size
        if not out_parts:
            return
        data = b"".join(out_parts)
        if final or not line_mode:
            out_parts, out_size = [], 0
            if data:
                on_output(data)
            return
        cut = data.rfind(b"\n")
        if cut < 0:
            out_parts, out_size = [data], len(data)
            return
        rest = data[cut + 1 :]
        out_parts, out_size = ([rest], len(rest)) if rest else ([], 0)
        on_output(data[: cut + 1])

    def handle_stderr(data: bytes, final: bool) -> None:
        err_buf.extend(data)
        while True:
            nl = err_buf.find(b"\n")
            if nl < 0:
                if final and err_buf:
                    line = bytes(err_buf)
                    err_buf.clear()
                else:
                    return
            else:
                line = bytes(err_buf[: nl + 1])
                del err_buf[: nl + 1]
            if not reporter.handle(line):
                tail.append(line.decode("utf-8", "replace").rstrip("\n"))
                if sink is not None:
                    try:
                        sink.write(line if line.endswith(b"\n") else line + b"\n")
                        sink.flush()
                    except (OSError, ValueError):
                        pass

    while fd_open[fout] or fd_open[ferr]:
        if fd_open[fin] and not pending:
            if input_done:
                close_input()
            else:
                try:
                    nxt = next(chunks)
                except StopIteration:
                    input_done = True
                    close_input()
                else:
                    pending = memoryview(nxt)
                    continue
        try:
            events = poller.poll()
        except InterruptedError:
            continue
        for fd, ev in events:
            if fd == fin:
                if ev & (select.POLLERR | select.POLLHUP) and not ev & select.POLLOUT:
                    broken = True
                    input_left = True
                    close_input()
                    continue
                try:
                    n = os.write(fin, pending[:WRITE_SIZE])
                except BlockingIOError:
                    continue
                except BrokenPipeError:
                    broken = True
                    input_left = True
                    close_input()
                    continue
                bytes_in += n
                pending = pending[n:]
            elif fd == fout:
                data = os.read(fout, READ_SIZE)
                if not data:
                    poller.unregister(fout)
                    fd_open[fout] = False
                    continue
                bytes_out += len(data)
                out_parts.append(data)
                out_size += len(data)
                if out_size >= batch:
                    flush_output(False)
                elif len(data) < SMALL_READ:
                    # the command writes in small pieces (unbuffered or line-buffered output):
                    # let its output gather in the 1 MiB pipe instead of waking up per write
                    time.sleep(SMALL_READ_PAUSE)
            else:
                data = os.read(ferr, 65536)
                if not data:
                    poller.unregister(ferr)
                    fd_open[ferr] = False
                    continue
                handle_stderr(data, False)
    if fd_open[fin]:
        # the command closed its output but is still alive: give it the rest, then wait
        if pending or not input_done:
            input_left = True
        close_input()
    flush_output(True)
    handle_stderr(b"", True)
    if input_left:
        broken = True
    returncode = proc.wait()
    for stream in (proc.stdout, proc.stderr):
        try:
            stream.close()
        except OSError:
            pass
    unsent = len(pending)
    if not input_done:
        # the rest of the input is "swallowed" (PipeMapper ignores records after the command quit)
        for c in chunks:
            unsent += len(c)
    return PipeResult(returncode, broken, unsent, "\n".join(tail), bytes_in, bytes_out)
