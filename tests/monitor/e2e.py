"""Shared helpers of the monitor's end-to-end tests: free ports, processes, HTTP, configuration."""
import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--program", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--npm-prefix", required=True)
    parser.add_argument("--output", required=True)
    return parser.parse_args()


def free_port(kind=socket.SOCK_STREAM):
    """A loopback port nobody listens on now."""
    with contextlib.closing(socket.socket(socket.AF_INET, kind)) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fail(message):
    print("FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)
    print("ok: " + message)


def write_config(template, path, http_port, statsd_port):
    with open(template) as source:
        text = source.read()
    text = text.replace("@HTTP_PORT@", str(http_port)).replace("@STATSD_PORT@", str(statsd_port))
    with open(path, "w") as target:
        target.write(text)


class program:
    """The instrumented program, serving until the context ends."""

    def __init__(self, executable, config):
        self.process = subprocess.Popen([executable, config], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().split()
        if len(line) != 2 or line[0] != "ready":
            self.process.kill()
            fail("the instrumented program did not start: %r" % line)
        self.port = int(line[1])

    def __enter__(self):
        return self

    def __exit__(self, *problem):
        self.process.stdin.close()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def background(command, log_path, **options):
    """Runs `command` for the duration of the context, its output in `log_path`."""
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **options)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, response.read().decode()


def wait_for(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.25)
    fail("timed out after %d s waiting for %s" % (seconds, what))


def output_dir(path):
    os.makedirs(path, exist_ok=True)
    return path
