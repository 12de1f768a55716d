"""What the end-to-end tests share: checks that fail with a message, a
`podium serve` on free loopback ports that can be stopped and started again,
and tokens issued with `podium tokens`. Every wait has a deadline."""

import json
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

START_TIMEOUT_S = 30
CALL_TIMEOUT_S = 30
STOP_TIMEOUT_S = 15


class TestFailure(Exception):
    """A check that did not hold; the message says which."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def log(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def issue_tokens(podium, competition_dir, db):
    """`podium tokens --format json`: token by holder id (P01, CJ01, organizer-1, ...)."""
    issued = subprocess.run([podium, "tokens", competition_dir, "--db", db, "--format", "json"],
                            capture_output=True, text=True, timeout=60)
    check(issued.returncode == 0, "podium tokens failed: " + issued.stderr)
    return {h["id"]: h["token"] for h in json.loads(issued.stdout)}


class PodiumServer:
    """`podium serve` on fixed free ports (gRPC and HTTP), so it can be
    stopped and started again where clients expect it."""

    def __init__(self, podium, competition_dir, db):
        self.grpc_port, self.http_port = free_port(), free_port()
        self.command = [podium, "serve", competition_dir, "--db", db,
                        "--address", "127.0.0.1:%d" % self.grpc_port,
                        "--http", "127.0.0.1:%d" % self.http_port, "--threads", "1"]
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        output = ""
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            output += line
            if "podium serve: pages on" in line:
                return self
        self.kill()
        raise TestFailure("podium serve did not start:\n" + output)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TestFailure("podium serve did not stop on SIGTERM")

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def call(self, method, token, body):
        """A JSON API call; a refusal fails the test with the server's message."""
        request = urllib.request.Request(
            "http://127.0.0.1:%d/api/v1/%s" % (self.http_port, method),
            data=json.dumps(body).encode(),
            headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=CALL_TIMEOUT_S) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise TestFailure("%s refused (%d): %s" % (method, error.code, error.read().decode()))
