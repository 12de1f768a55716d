#!/usr/bin/python3
"""podium-judge against a real `podium serve`.

Logs in (the token file readable by the user alone), enters marks at an
interactive terminal driven through a pseudo-terminal (range, step and list
checks before sending), imports a CSV and an XLSX (written by Debian's
python3-openpyxl) with good and bad rows — a file with a bad row sends nothing
and names every bad row; a good file re-imported counts nothing twice —
corrects a mark with a reason, queues marks while the server is stopped and
sends them exactly once after it restarts, and watches standings as the chief
judge. What reached the server is checked in its ledger over the JSON API.

Usage (ctest runs it as JudgeClientTest):
  /usr/bin/python3 tests/e2e/judge_client_test.py --podium build/bin/podium \
      --judge build/bin/podium-judge --data data

Exit status 0 on success; 1 with a message naming what failed otherwise.
Every wait has a deadline; the server is always killed on the way out.
"""

import argparse
import os
import pty
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback

from harness import PodiumServer, TestFailure, check, issue_tokens, log

COMPETITION = "mine-rescue-2026"
BENCH = "mine-rescue:practical.respirator-bench"
PROMPT_TIMEOUT_S = 15


class Judge:
    """podium-judge with its own home (login and outbox)."""

    def __init__(self, binary, home):
        self.binary = binary
        self.env = dict(os.environ, PODIUM_JUDGE_HOME=home)

    def run(self, *args, timeout=60):
        return subprocess.run([self.binary] + list(args), capture_output=True, text=True,
                              env=self.env, timeout=timeout)

    def interactive(self, *args):
        return Terminal([self.binary] + list(args), self.env)


class Terminal:
    """A program on a pseudo-terminal: wait for a prompt, type a line."""

    def __init__(self, command, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(command[0], command, env)
        self.output = ""

    def expect(self, text, timeout=PROMPT_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while text not in self.output:
            remaining = deadline - time.monotonic()
            check(remaining > 0, "terminal never showed %r; it showed:\n%s" % (text, self.output))
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                check(chunk, "the program ended before showing %r:\n%s" % (text, self.output))
                self.output += chunk.decode("utf-8", "replace")
        # Consume through the match so the next expect looks further on.
        at = self.output.index(text) + len(text)
        seen, self.output = self.output[:at], self.output[at:]
        return seen

    def type(self, line):
        os.write(self.fd, (line + "\n").encode())

    def wait(self, timeout=PROMPT_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.2)
                if ready:
                    self.output += os.read(self.fd, 4096).decode("utf-8", "replace")
            except OSError:
                pass
        os.kill(self.pid, signal.SIGKILL)
        raise TestFailure("the program did not end:\n" + self.output)


def history(server, tokens, bib, item=BENCH, judge="P01"):
    answer = server.call("ScoringService/GetMarkHistory", tokens["CJ01"],
                         {"bib": bib, "item": item, "judge": judge})
    return answer.get("events", [])


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\n".join(",".join(r) for r in rows) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--podium", required=True)
    parser.add_argument("--judge", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    import openpyxl  # Debian: python3-openpyxl

    competition_dir = os.path.join(args.data, COMPETITION)
    scratch = tempfile.mkdtemp(prefix="podium-judge-test-")
    server = None
    try:
        db = os.path.join(scratch, "contest.db")
        tokens = issue_tokens(args.podium, competition_dir, db)
        server = PodiumServer(args.podium, competition_dir, db).start()
        address = "127.0.0.1:%d" % server.grpc_port

        # Login: a bad token is refused and nothing kept; a good one kept 0600.
        p01 = Judge(args.judge, os.path.join(scratch, "p01"))
        r = p01.run("login", "--server", address, "--token", "not-a-token")
        check(r.returncode == 1 and "unknown token" in r.stderr, "bad token: %s" % r.stderr)
        check(not os.path.exists(os.path.join(scratch, "p01", "config.json")),
              "a refused login was kept")
        r = p01.run("login", "--server", address, "--token", tokens["P01"])
        check(r.returncode == 0 and "P01" in r.stdout, "login: %s %s" % (r.stdout, r.stderr))
        mode = stat.S_IMODE(os.stat(os.path.join(scratch, "p01", "config.json")).st_mode)
        check(mode == 0o600, "the token file has mode %o" % mode)
        r = p01.run("sheet")
        check(r.returncode == 0 and BENCH in r.stdout, "sheet: " + r.stdout + r.stderr)
        log("login and sheet: ok")

        # Interactive entry through a pseudo-terminal.
        term = p01.interactive("enter", "--item", "respirator-bench")
        term.expect("编号 Bib: ")
        term.type("K999")
        term.expect("is not on your list")
        term.expect("编号 Bib: ")
        term.type("K001")
        term.expect("分数 Mark")
        term.type("15.5")
        term.expect("outside [0, 15]")
        term.expect("编号 Bib: ")
        term.type("K001")
        term.expect("分数 Mark")
        term.type("12.3")
        term.expect("not a multiple of the step 0.5")
        term.expect("编号 Bib: ")
        term.type("K001")
        term.expect("分数 Mark")
        term.type("12.5")
        term.expect("[y/N]: ")
        term.type("y")
        term.expect("已发送 sent 1")
        term.expect("编号 Bib: ")
        term.type("K002")
        term.expect("分数 Mark")
        term.type("11")
        term.expect("[y/N]: ")
        term.type("n")
        term.expect("未发送 not sent")
        term.expect("编号 Bib: ")
        term.type("")
        check(term.wait() == 0, "enter did not end cleanly:\n" + term.output)
        events = history(server, tokens, "K001")
        check(len(events) == 1 and events[0]["value"] == 12.5, "K001 history: %s" % events)
        check(history(server, tokens, "K002") == [], "a declined mark was sent")
        log("interactive entry: ok")

        # A CSV with bad rows: every bad row named, nothing sent.
        bad_csv = os.path.join(scratch, "bad.csv")
        write_csv(bad_csv, [["bib", "item", "value", "note"],
                            ["K003", "respirator-bench", "13", ""],
                            ["K004", "respirator-bench", "16", ""],
                            ["K005", "cpr", "10", ""],
                            ["K006", "respirator-bench", "abc", ""],
                            ["K200", "respirator-bench", "10", ""]])
        r = p01.run("import", bad_csv)
        check(r.returncode == 1, "bad import exit %d" % r.returncode)
        for line, why in ((3, "outside"), (4, "not on P01's sheet"), (5, "not a number"),
                          (6, "not on P01's list")):
            check("line %d:" % line in r.stdout and why in r.stdout,
                  "bad row %d (%s) not reported:\n%s" % (line, why, r.stdout))
        check("nothing was sent" in r.stdout, r.stdout)
        check(history(server, tokens, "K003") == [], "a row of a refused file was sent")

        # The fixed file: sent; re-imported: nothing counts twice.
        good_csv = os.path.join(scratch, "good.csv")
        write_csv(good_csv, [["编号", "项目", "分数", "备注"],
                             ["K003", "respirator-bench", "13", "纸质评分表第1页"],
                             ["K004", "practical.respirator-bench", "14.5", ""],
                             ["K005", BENCH, "9", ""]])
        report = os.path.join(scratch, "report.csv")
        r = p01.run("import", good_csv, "--report", report)
        check(r.returncode == 0 and "已发送 sent 3" in r.stdout, "good import: " + r.stdout + r.stderr)
        with open(report, encoding="utf-8-sig") as f:
            lines = f.read().splitlines()
        check(len(lines) == 4 and all(",sent," in l for l in lines[1:]), "report: %s" % lines)
        r = p01.run("import", good_csv)
        check(r.returncode == 0, "re-import: " + r.stdout + r.stderr)
        for bib in ("K003", "K004", "K005"):
            check(len(history(server, tokens, bib)) == 1, "%s counted twice" % bib)
        log("CSV import: ok")

        # An XLSX from openpyxl, numbers as numbers.
        xlsx = os.path.join(scratch, "marks.xlsx")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["bib", "item", "value"])
        sheet.append(["K006", "respirator-bench", 12])
        sheet.append(["K007", "respirator-bench", 10.5])
        book.save(xlsx)
        r = p01.run("import", xlsx)
        check(r.returncode == 0 and "已发送 sent 2" in r.stdout, "xlsx import: " + r.stdout + r.stderr)
        check(history(server, tokens, "K007")[0]["value"] == 10.5, "K007 from XLSX")
        log("XLSX import: ok")

        # A correction needs a reason and keeps it.
        r = p01.run("correct", "--bib", "K001", "--item", "respirator-bench", "--value", "13",
                    "--reason", "")
        check(r.returncode == 2 and "reason" in r.stderr, "correction without reason: " + r.stderr)
        r = p01.run("correct", "--bib", "K001", "--item", "respirator-bench", "--value", "13",
                    "--reason", "录入错误")
        check(r.returncode == 0, "correct: " + r.stdout + r.stderr)
        events = history(server, tokens, "K001")
        check(len(events) == 2 and events[1].get("reason") == "录入错误", "correction: %s" % events)

        # Server down: marks are kept; after the restart they go exactly once.
        server.stop()
        offline_csv = os.path.join(scratch, "offline.csv")
        write_csv(offline_csv, [["bib", "value"], ["K008", "11"], ["K009", "12.5"]])
        r = p01.run("import", offline_csv, "--item", "respirator-bench")
        check(r.returncode == 1 and "等待 waiting 2" in r.stdout and "cannot reach" in r.stdout,
              "offline import: " + r.stdout + r.stderr)
        term = p01.interactive("enter", "--item", "respirator-bench")
        term.expect("编号 Bib: ")
        term.type("K010")
        term.expect("分数 Mark")
        term.type("8.5")
        term.expect("[y/N]: ")
        term.type("y")
        term.expect("等待 waiting 3")
        term.expect("编号 Bib: ")
        term.type("")
        term.wait()
        r = p01.run("status")
        check(r.returncode == 1 and "等待 waiting 3" in r.stdout, "status offline: " + r.stdout)
        server.start()
        r = p01.run("sync", "--wait", "60")
        check(r.returncode == 0 and "已发送 sent 3" in r.stdout, "sync: " + r.stdout + r.stderr)
        r = p01.run("sync")
        check(r.returncode == 0 and "已发送 sent 0" in r.stdout, "second sync: " + r.stdout)
        for bib in ("K008", "K009", "K010"):
            check(len(history(server, tokens, bib)) == 1, "%s not sent exactly once" % bib)
        r = p01.run("status")
        check(r.returncode == 0 and "等待 waiting 0" in r.stdout, "status after sync: " + r.stdout)
        log("offline queue drained exactly once: ok")

        # Watching: the chief judge sees the standings; a judge is refused.
        chief = Judge(args.judge, os.path.join(scratch, "cj01"))
        r = chief.run("login", "--server", address, "--token", tokens["CJ01"])
        check(r.returncode == 0, "chief login: " + r.stderr)
        r = chief.run("watch", "--updates", "1", "--limit", "100", timeout=30)
        check(r.returncode == 0 and "K001" in r.stdout and "version" in r.stdout,
              "watch: " + r.stdout + r.stderr)
        # A watch survives a server restart: it reconnects from its version
        # and keeps drawing.
        watcher = subprocess.Popen([args.judge, "watch", "--updates", "2", "--limit", "100"],
                                   env=chief.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True)
        first = watcher.stdout.readline()
        deadline = time.monotonic() + PROMPT_TIMEOUT_S
        while "version" not in first and time.monotonic() < deadline:
            first = watcher.stdout.readline()
        check("version" in first, "watch drew nothing before the restart")
        server.stop()
        server.start()
        server.call("ScoringService/SubmitMark", tokens["P01"],
                    {"idempotency_key": "after-restart", "bib": "K011", "item": BENCH,
                     "value": 9})
        try:
            out, err = watcher.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            watcher.kill()
            raise TestFailure("watch did not resume after the restart")
        check(watcher.returncode == 0 and "reconnecting from version" in err and "K011" in out,
              "watch after restart (%d): %s %s" % (watcher.returncode, out[-300:], err))
        r = p01.run("watch", "--updates", "1", timeout=30)
        check(r.returncode == 1 and "judges do not see standings" in r.stderr,
              "judge watch: " + r.stderr)
        log("watch: ok")

        # TLS on the gRPC port: with the server's certificate the client talks;
        # without it, it refuses to.
        server.stop()
        cert, key = os.path.join(scratch, "cert.pem"), os.path.join(scratch, "key.pem")
        made = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                               "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=podium",
                               "-addext", "subjectAltName=IP:127.0.0.1"],
                              capture_output=True, text=True, timeout=60)
        check(made.returncode == 0, "openssl: " + made.stderr)
        server.command += ["--tls-cert", cert, "--tls-key", key]
        server.start()
        tls = Judge(args.judge, os.path.join(scratch, "tls"))
        r = tls.run("login", "--server", address, "--token", tokens["P02"], timeout=60)
        check(r.returncode == 1, "a login without the CA worked over TLS: " + r.stdout)
        r = tls.run("login", "--server", address, "--token", tokens["P02"], "--ca", cert)
        check(r.returncode == 0 and "P02" in r.stdout, "TLS login: " + r.stdout + r.stderr)
        r = tls.run("sheet")
        check(r.returncode == 0 and BENCH in r.stdout, "sheet over TLS: " + r.stdout + r.stderr)
        log("TLS: ok")
        log("PASS")
        return 0
    except TestFailure as failure:
        log("FAIL: %s" % failure)
        return 1
    except Exception:  # a crash of the test itself
        traceback.print_exc()
        return 1
    finally:
        if server:
            server.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
