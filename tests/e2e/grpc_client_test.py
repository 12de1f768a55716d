#!/usr/bin/python3
"""An independent podium.v1 client: Python's grpcio against `podium serve`.

Proves the API is usable outside C++. Generates Python stubs from the protos
with grpc_tools, issues tokens with `podium tokens`, starts `podium serve` on a
free port and then, as judges, a display and an organizer: submits marks,
retries one, checks refusals, watches the standings, asks the health service
and stops the server with SIGTERM.

Usage (ctest runs it as GrpcPythonClientTest):
  /usr/bin/python3 tests/e2e/grpc_client_test.py --podium build/bin/podium \
      --proto proto --data data

Exit status 0 on success; 1 with a message naming what failed otherwise.
Every wait has a deadline; the server is always killed on the way out.
"""

import argparse
import glob
import os
import queue
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback

COMPETITION = "mine-rescue-2026"
BENCH = "mine-rescue:practical.respirator-bench"
CPR = "mine-rescue:practical.cpr"
EXAM = "mine-rescue:theory.exam"

START_TIMEOUT_S = 30     # until the server says it is listening
CALL_TIMEOUT_S = 10      # every unary call
MESSAGE_TIMEOUT_S = 10   # every message awaited on a stream
STOP_TIMEOUT_S = 15      # from SIGTERM to exit


class TestFailure(Exception):
    """A check that did not hold; the message says which."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def log(message):
    print(message, flush=True)


def generate_stubs(proto_root, out_dir):
    """Runs grpc_tools.protoc over proto_root/podium/v1/*.proto into out_dir."""
    import grpc_tools  # Debian: python3-grpc-tools

    os.makedirs(out_dir, exist_ok=True)

    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    protos = sorted(glob.glob(os.path.join(proto_root, "podium", "v1", "*.proto")))
    check(protos, "no protos under %s/podium/v1" % proto_root)
    command = [sys.executable, "-m", "grpc_tools.protoc", "-I", proto_root]
    if os.path.isdir(well_known):
        command += ["-I", well_known]
    command += ["-I", "/usr/include", "--python_out", out_dir, "--grpc_python_out", out_dir]
    result = subprocess.run(command + protos, capture_output=True, text=True, timeout=120)
    check(result.returncode == 0,
          "grpc_tools.protoc failed (%d):\n%s" % (result.returncode, result.stderr))
    sys.path.insert(0, out_dir)


TOKEN_ROW = re.compile(r"^(?P<role>.+?)\s{2,}(?P<id>\S+)\s{2,}(?P<name>.+?)\s{2,}(?P<token>\S+)\s*$")


def issue_tokens(podium, data_dir, db):
    """Runs `podium tokens` and parses its table: role, id, name, token."""
    result = subprocess.run([podium, "tokens", data_dir, "--db", db],
                            capture_output=True, text=True, timeout=60)
    check(result.returncode == 0,
          "podium tokens exited %d:\n%s" % (result.returncode, result.stderr))
    tokens = {}
    roles = {}
    lines = result.stdout.splitlines()
    check(len(lines) > 2 and set(lines[1].replace(" ", "")) == {"-"},
          "podium tokens printed no table:\n" + result.stdout)
    for line in lines[2:]:
        if not line.strip():
            continue
        match = TOKEN_ROW.match(line)
        check(match is not None, "cannot parse the token row %r" % line)
        token = match.group("token")
        check(re.fullmatch(r"[a-z2-7]{32}", token) is not None,
              "token of %s is not 32 base32 characters: %r" % (match.group("id"), token))
        tokens[match.group("id")] = token
        roles[match.group("id")] = match.group("role")
    for subject, role in [("CJ01", "chief judge"), ("M01", "judge"), ("P01", "judge"),
                          ("P05", "judge"), ("display-1", "display"),
                          ("organizer-1", "organizer")]:
        check(roles.get(subject) == role,
              "podium tokens: expected %s with role %r, got %r" % (subject, role,
                                                                  roles.get(subject)))
    check(len(tokens) == 35, "expected 35 tokens (33 judges, a display, an organizer), got %d"
          % len(tokens))
    return tokens


def drain(stream, lines):
    """Copies a child's output stream, line by line, into a queue."""
    for line in iter(stream.readline, ""):
        lines.put(line)
    lines.put(None)


def start_server(podium, data_dir, db):
    """Starts `podium serve` on a free port; returns (process, address, stdout queue)."""
    process = subprocess.Popen(
        [podium, "serve", data_dir, "--db", db, "--address", "127.0.0.1:0", "--threads", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = queue.Queue(), queue.Queue()
    threading.Thread(target=drain, args=(process.stdout, out), daemon=True).start()
    threading.Thread(target=drain, args=(process.stderr, err), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT_S
    seen = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TestFailure("podium serve did not report listening within %d s; said: %r"
                              % (START_TIMEOUT_S, seen))
        try:
            line = out.get(timeout=remaining)
        except queue.Empty:
            continue
        if line is None:
            process.wait(timeout=5)
            errors = []
            while not err.empty():
                errors.append(err.get_nowait())
            raise TestFailure("podium serve exited %s before listening: %r %r"
                              % (process.returncode, seen, errors))
        seen.append(line.rstrip("\n"))
        match = re.match(r"podium serve: listening on (\S+):(\d+)", line)
        if match:
            return process, "%s:%s" % (match.group(1), match.group(2)), out


class Stream:
    """Reads a server stream on a thread, so every message is awaited with a deadline."""

    def __init__(self, call):
        self.call = call
        self.messages = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        import grpc
        try:
            for message in self.call:
                self.messages.put(message)
        except grpc.RpcError as error:
            self.messages.put(error)
        self.messages.put(None)

    def next(self, what):
        try:
            message = self.messages.get(timeout=MESSAGE_TIMEOUT_S)
        except queue.Empty:
            raise TestFailure("no %s within %d s" % (what, MESSAGE_TIMEOUT_S))
        check(message is not None, "the stream ended while waiting for %s" % what)
        if isinstance(message, Exception):
            raise TestFailure("the stream failed while waiting for %s: %s %s"
                              % (what, message.code(), message.details()))
        return message

    def close(self):
        self.call.cancel()
        self.thread.join(timeout=MESSAGE_TIMEOUT_S)


def expect_refused(call, code, text, what):
    """Runs call(); it must fail with `code` and a message containing `text`."""
    import grpc
    try:
        call()
    except grpc.RpcError as error:
        check(error.code() == code, "%s: expected %s, got %s (%s)"
              % (what, code, error.code(), error.details()))
        check(text in (error.details() or ""), "%s: message %r does not name %r"
              % (what, error.details(), text))
        log("ok: %s refused with %s: %s" % (what, code.name, error.details()))
        return
    raise TestFailure("%s: expected %s, but it was accepted" % (what, code))


def health_check(channel):
    """grpc.health.v1.Health/Check for the whole server; returns the status number."""
    try:
        from grpc_health.v1 import health_pb2, health_pb2_grpc  # python3-grpcio-health-checking
    except ImportError:
        health_pb2 = None
    if health_pb2 is not None:
        stub = health_pb2_grpc.HealthStub(channel)
        return stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT_S).status
    # No health stubs installed: a raw call. HealthCheckRequest{} is empty;
    # HealthCheckResponse is field 1 (status, an enum varint): SERVING = 1 is 08 01.
    log("note: grpc_health is not installed; calling grpc.health.v1.Health/Check as raw bytes")
    check_call = channel.unary_unary("/grpc.health.v1.Health/Check")
    response = check_call(b"", timeout=CALL_TIMEOUT_S)
    if response == b"":
        return 0  # UNKNOWN: the default value is not sent
    check(len(response) == 2 and response[0] == 0x08,
          "unexpected HealthCheckResponse bytes %r" % response)
    return response[1]


def run(args, work):
    generate_stubs(args.proto, os.path.join(work, "stubs"))
    import grpc
    from podium.v1 import common_pb2, competition_pb2, competition_pb2_grpc
    from podium.v1 import scoring_pb2, scoring_pb2_grpc, standings_pb2, standings_pb2_grpc
    log("ok: stubs generated with grpc_tools.protoc")

    data_dir = os.path.join(args.data, COMPETITION)
    db = os.path.join(work, "contest.db")
    tokens = issue_tokens(args.podium, data_dir, db)
    log("ok: podium tokens issued %d tokens" % len(tokens))

    def auth(subject):
        return (("authorization", "Bearer " + tokens[subject]),)

    process = None
    try:
        process, address, server_out = start_server(args.podium, data_dir, db)
        log("ok: podium serve listening on %s" % address)
        channel = grpc.insecure_channel(address)
        grpc.channel_ready_future(channel).result(timeout=CALL_TIMEOUT_S)
        scoring = scoring_pb2_grpc.ScoringServiceStub(channel)
        standings = standings_pb2_grpc.StandingsServiceStub(channel)
        competition = competition_pb2_grpc.CompetitionServiceStub(channel)

        info = competition.GetCompetition(competition_pb2.GetCompetitionRequest(),
                                          metadata=auth("display-1"), timeout=CALL_TIMEOUT_S)
        check(info.id == COMPETITION, "GetCompetition: id %r" % info.id)
        check(info.lifecycle.phase == common_pb2.PHASE_OPEN, "the competition is not open")

        # Five judges mark one bib; each mark is acknowledged with a new sequence.
        values = {"P01": 12, "P02": 12.5, "P03": 13, "P04": 11.5, "P05": 12}
        sequences = []
        for judge, value in values.items():
            request = scoring_pb2.SubmitMarkRequest(
                idempotency_key="py-%s-K001" % judge, bib="K001", item=BENCH, value=value,
                device="python-client")
            reply = scoring.SubmitMark(request, metadata=auth(judge), timeout=CALL_TIMEOUT_S)
            check(reply.state == scoring_pb2.WRITE_STATE_ACCEPTED and not reply.duplicate,
                  "SubmitMark as %s: %s" % (judge, reply))
            sequences.append(reply.sequence)
        check(sequences == [1, 2, 3, 4, 5], "sequences %r, expected 1..5" % sequences)
        log("ok: five judges' marks acknowledged with sequences %r" % sequences)

        # A retry is the original.
        retry = scoring.SubmitMark(
            scoring_pb2.SubmitMarkRequest(idempotency_key="py-P01-K001", bib="K001", item=BENCH,
                                          value=12, device="python-client"),
            metadata=auth("P01"), timeout=CALL_TIMEOUT_S)
        check(retry.duplicate and retry.sequence == 1,
              "a retry should be the original (sequence 1, duplicate): %s" % retry)
        log("ok: retry answered as a duplicate of sequence %d" % retry.sequence)

        # Refusals: exact codes, and messages that name the thing.
        expect_refused(lambda: scoring.SubmitMark(
            scoring_pb2.SubmitMarkRequest(idempotency_key="py-P01-cpr", bib="K001", item=CPR,
                                          value=10),
            metadata=auth("P01"), timeout=CALL_TIMEOUT_S),
            grpc.StatusCode.PERMISSION_DENIED, "not assigned to item '%s'" % CPR,
            "P01 marking cpr")
        expect_refused(lambda: scoring.SubmitMark(
            scoring_pb2.SubmitMarkRequest(idempotency_key="py-P01-K001", bib="K001", item=BENCH,
                                          value=14),
            metadata=auth("P01"), timeout=CALL_TIMEOUT_S),
            grpc.StatusCode.ALREADY_EXISTS, "'py-P01-K001'", "a key reused for another mark")
        expect_refused(lambda: scoring.SubmitMark(
            scoring_pb2.SubmitMarkRequest(idempotency_key="py-anon", bib="K001", item=BENCH,
                                          value=14),
            timeout=CALL_TIMEOUT_S),
            grpc.StatusCode.UNAUTHENTICATED, "no token", "a mark without a token")
        expect_refused(lambda: standings.GetStandings(
            standings_pb2.GetStandingsRequest(), metadata=auth("P01"), timeout=CALL_TIMEOUT_S),
            grpc.StatusCode.PERMISSION_DENIED, "judges do not see standings",
            "a judge reading standings")

        # The display watches: a snapshot, then a delta per new mark.
        watch = Stream(standings.WatchStandings(standings_pb2.WatchStandingsRequest(),
                                                metadata=auth("display-1"), timeout=60))
        try:
            first = watch.next("the first watch message")
            check(first.WhichOneof("update") == "snapshot",
                  "the first watch message is a %s, not a snapshot" % first.WhichOneof("update"))
            check(first.snapshot.version == 5, "snapshot version %d, expected 5"
                  % first.snapshot.version)
            log("ok: watch began with a snapshot at version %d" % first.snapshot.version)
            version = first.snapshot.version
            for judge, bib, item, value in [("M01", "K001", EXAM, 80),
                                            ("P06", "K002", "respirator-wear", 9)]:
                scoring.SubmitMark(
                    scoring_pb2.SubmitMarkRequest(idempotency_key="py-%s-%s" % (judge, bib),
                                                  bib=bib, item=item, value=value),
                    metadata=auth(judge), timeout=CALL_TIMEOUT_S)
                update = watch.next("the delta for %s's mark on %s" % (judge, bib))
                check(update.WhichOneof("update") == "delta",
                      "expected a delta after %s's mark, got a %s"
                      % (judge, update.WhichOneof("update")))
                delta = update.delta
                check(delta.from_version == version and delta.to_version > version,
                      "delta %d->%d does not follow version %d"
                      % (delta.from_version, delta.to_version, version))
                rows = [row for trade in delta.trades for row in trade.rows if row.bib == bib]
                check(rows, "the delta %d->%d has no row for %s"
                      % (delta.from_version, delta.to_version, bib))
                if bib == "K001":
                    # 80 x 30 % + trimmed mean(12, 12, 12.5) x 70 %.
                    check(abs(rows[0].total - 32.52) < 1e-9,
                          "K001's total is %r, expected 32.52" % rows[0].total)
                    check(rows[0].rank == 1, "K001's rank is %d, expected 1" % rows[0].rank)
                version = delta.to_version
                log("ok: delta %d->%d names %s" % (delta.from_version, delta.to_version, bib))
            check(version == 7, "the watch ended at version %d, expected 7" % version)
        finally:
            watch.close()

        shown = standings.GetStandings(standings_pb2.GetStandingsRequest(trade="mine-rescue",
                                                                         limit=1),
                                       metadata=auth("display-1"), timeout=CALL_TIMEOUT_S)
        check(shown.version == 7 and len(shown.trades) == 1 and len(shown.trades[0].rows) == 1
              and shown.trades[0].rows[0].bib == "K001",
              "GetStandings(limit 1): %s" % shown)

        status = health_check(channel)
        check(status == 1, "health status %d, expected 1 (SERVING)" % status)
        log("ok: grpc.health.v1 reports SERVING")
        channel.close()

        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise TestFailure("podium serve did not exit within %d s of SIGTERM" % STOP_TIMEOUT_S)
        check(code == 0, "podium serve exited %d on SIGTERM, expected 0" % code)
        said = []
        while True:
            try:
                line = server_out.get(timeout=MESSAGE_TIMEOUT_S)
            except queue.Empty:
                break
            if line is None:
                break
            said.append(line.rstrip("\n"))
        check(any("stopping on signal %d" % signal.SIGTERM in line for line in said),
              "podium serve did not say it was stopping: %r" % said)
        log("ok: podium serve exited 0 on SIGTERM")
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_S)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--podium", required=True, help="the built podium binary")
    parser.add_argument("--proto", required=True, help="the proto root (holds podium/v1)")
    parser.add_argument("--data", required=True, help="the sample competitions directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="podium_grpc_client_") as work:
        try:
            run(args, work)
        except TestFailure as failure:
            print("FAIL: %s" % failure, file=sys.stderr, flush=True)
            return 1
        except Exception as error:  # an RPC that failed outright, a timeout, ...
            details = ""
            if hasattr(error, "code") and hasattr(error, "details"):
                details = " (%s: %s)" % (error.code(), error.details())
            traceback.print_exc()
            print("FAIL: %s%s" % (type(error).__name__, details), file=sys.stderr, flush=True)
            return 1
    log("PASS: podium.v1 works from Python's grpcio")
    return 0


if __name__ == "__main__":
    sys.exit(main())
