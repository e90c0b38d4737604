"""Start the app as a user does, in a pseudo-terminal, for the benchmarks that time it (bench_tui.py,
bench_history.py): `python -c CODE` in an 80x24 terminal whose output is read (or the app blocks writing to
it), with a pipe on which the child writes its marks ("{fd}" in CODE is the pipe's descriptor)."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, NamedTuple


class Launched(NamedTuple):
    child: subprocess.Popen
    signal: BinaryIO  # the marks the child writes, a line each
    start: float  # time.perf_counter() when it was spawned (system-wide on Linux: the child's stamps compare)


@contextmanager
def launched(code: str, env: Mapping[str, str], cwd: Path | None = None, rows: int = 24, columns: int = 80) -> Iterator[Launched]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    signal_r, signal_w = os.pipe()
    # no first-start question (the learner's name): it would wait for an answer
    env = {**env, "CONSULTSIM_LEARNER": "bench", "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
    done = threading.Event()

    def drain() -> None:
        while not done.is_set():
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break

    threading.Thread(target=drain, daemon=True).start()
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", code.replace("{fd}", str(signal_w))],
        stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, pass_fds=(signal_w,), close_fds=True, start_new_session=True,
    )
    os.close(slave)
    os.close(signal_w)
    try:
        with os.fdopen(signal_r, "rb") as signal:
            yield Launched(child, signal, start)
    finally:
        done.set()
        os.close(master)
