"""Starts and stops a real `tide server` for integration tests (used by test_*.py).

The server gets free loopback ports and a fresh data directory, and is killed if a test
fails before stopping it. TIDE_BIN names the binary (ctest sets it).
"""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

TIDE_BIN = os.environ.get("TIDE_BIN", "build/release/bin/tide")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TideServer:
    def __init__(self, data_dir=None, extra_args=()):
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="tide-it-")
        self.extra_args = list(extra_args)
        self.proc = None
        self.log_path = os.path.join(tempfile.gettempdir(), "tide-it-%d.log" % os.getpid())
        atexit.register(self.kill)

    @property
    def bootstrap(self):
        return "127.0.0.1:%d" % self.kafka_port

    def start(self, kafka_port=None):
        self.kafka_port = kafka_port or free_port()
        self.http_port = free_port()
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [TIDE_BIN, "server", "--data-dir", self.data_dir, "--kafka-listen", self.bootstrap,
             "--http-listen", "127.0.0.1:%d" % self.http_port, "--log-format", "json",
             "--set", "kafka.group.initial.rebalance.delay.ms=0"] + self.extra_args,
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 10
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("tide server exited during start:\n" + self.tail())
            try:
                urllib.request.urlopen("http://127.0.0.1:%d/healthz" % self.http_port, timeout=1).read()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("tide server did not become healthy:\n" + self.tail())

    def metrics(self):
        return urllib.request.urlopen("http://127.0.0.1:%d/metrics" % self.http_port, timeout=5).read().decode()

    def stop(self, timeout=5):
        """SIGTERM; returns the exit status (must be 0 for a clean stop)."""
        if self.proc is None:
            return 0
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=timeout)
        self.proc = None
        return rc

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                return b"".join(f.readlines()[-n:]).decode(errors="replace")
        except OSError:
            return ""

    def tide(self, *args, input=None, check=True):
        """Runs a `tide` CLI command against this server; returns stdout."""
        cmd = [TIDE_BIN] + list(args) + ["-b", self.bootstrap]
        res = subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=60)
        if check and res.returncode != 0:
            raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), res.returncode, res.stderr))
        return res.stdout


def check(condition, message):
    if not condition:
        raise AssertionError(message)
