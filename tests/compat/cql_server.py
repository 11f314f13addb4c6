"""Starts and stops `medallion cql-server` for the compatibility tests.

The binary comes from MEDALLION_BIN (CTest sets it). The server is started
on 127.0.0.1 with --port 0; its first stdout line is
`cql-server: listening on 127.0.0.1:PORT`, from which the port is read. The
rest of stdout and all of stderr go to a log file next to the data dir,
printed when a test fails to start the server.
"""

import os
import re
import select
import signal
import subprocess
import threading
import time

LISTENING = re.compile(r"^cql-server: listening on ([0-9.]+):(\d+)\s*$")


def medallion_bin():
    path = os.environ.get("MEDALLION_BIN")
    if not path:
        raise RuntimeError("MEDALLION_BIN is not set: point it at the built medallion binary")
    return path


class CqlServer:
    def __init__(self, data_dir, log_path, extra_args=(), binary=None, port=0):
        self.binary = binary or medallion_bin()
        self.want_port = port
        self.data_dir = data_dir
        self.log_path = log_path
        self.extra_args = list(extra_args)
        self.proc = None
        self.port = None
        self.first_line = None
        self._drain = None

    def command(self):
        return [self.binary, "cql-server", "--data", self.data_dir,
                "--host", "127.0.0.1", "--port", str(self.want_port)] + self.extra_args

    def start(self, timeout=60):
        """Starts the server; returns the port. Raises RuntimeError (with the
        log) when it exits or does not print its listening line in time."""
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=subprocess.PIPE,
                                     stderr=log, stdin=subprocess.DEVNULL)
        log.close()
        line = self._read_first_line(timeout)
        self.first_line = line
        m = LISTENING.match(line or "")
        if not m:
            self.kill()
            raise RuntimeError("cql-server did not start: first stdout line %r\n--- log ---\n%s"
                               % (line, self.log()))
        self.port = int(m.group(2))
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()
        return self.port

    def _read_first_line(self, timeout):
        fd = self.proc.stdout.fileno()
        buf = b""
        deadline = time.monotonic() + timeout
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            buf += chunk
        first, _, rest = buf.partition(b"\n")
        if rest:
            with open(self.log_path, "ab") as f:
                f.write(b"[stdout] " + rest)
        return first.decode("utf-8", "replace")

    def _drain_stdout(self):
        fd = self.proc.stdout.fileno()
        with open(self.log_path, "ab") as f:
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                f.write(b"[stdout] " + chunk)
                f.flush()

    def log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()[-20000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, grace=10):
        """SIGTERM, then SIGKILL after `grace` seconds. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self._finish()

    def kill(self):
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        return self._finish()

    def _finish(self):
        code = self.proc.returncode
        if self._drain is not None:
            self._drain.join(5)
            self._drain = None
        if self.proc.stdout:
            self.proc.stdout.close()
        return code
