#!/usr/bin/python3
"""The organizer's exports, opened by independent readers.

Runs a competition through `podium serve` (marks, times and penalties entered
over the JSON API with each judge's token, as tablets do), then exports with
`podium export` and checks every file against `podium score` of the same marks:
XLSX with Debian's python3-openpyxl, CSV with Python's csv module, JSON with
json. Also: refused until final, provisional on request and saying so on every
sheet, deterministic CSV/JSON, the audit trail complete, the results notice
rendered by headless Chromium (its screenshot saved to --artifacts) and
printed to PDF.

Usage (ctest runs it as ExportReadersTest):
  /usr/bin/python3 tests/e2e/export_test.py --podium build/bin/podium \
      --data data --artifacts build/export-artifacts

Exit status 0 on success; 1 with a message naming what failed otherwise.
Every wait has a deadline; the server is always killed on the way out.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback

from harness import PodiumServer, TestFailure, check, issue_tokens, log

COMPETITION = "mine-rescue-2026"
PROVISIONAL = "Provisional results, not final"


def run(command, timeout=120):
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def enter_marks(server, tokens, competition_dir):
    """Every mark of scores.csv (a repeated row is the judge's correction) and
    every penalty of penalties.csv, each with its judge's own token."""
    by_judge, corrections, seen = {}, [], set()
    for row in read_rows(os.path.join(competition_dir, "scores.csv")):
        key = (row["judge"], row["contestant"], row["item"])
        mark = {"bib": row["contestant"], "item": row["item"], "value": float(row["value"]),
                "device": "export-test"}
        if row["time"]:
            mark["time_used_seconds"] = float(row["time"])
        if key in seen:
            corrections.append((row["judge"], dict(mark, reason=row["note"] or "更正")))
            continue
        seen.add(key)
        mark["idempotency_key"] = "m-%s-%s-%s" % key
        by_judge.setdefault(row["judge"], []).append(mark)
    events = 0
    for judge, marks in by_judge.items():
        results = server.call("ScoringService/SubmitMarks", tokens[judge], {"marks": marks})
        for r in results.get("results", []):
            check(r.get("code", 0) == 0, "mark %s refused: %s" % (r["idempotency_key"], r))
            events += 1
    for i, (judge, correction) in enumerate(corrections):
        server.call("ScoringService/CorrectMark", tokens[judge],
                    dict(correction, idempotency_key="c-%d" % i))
        events += 1
    for i, row in enumerate(read_rows(os.path.join(competition_dir, "penalties.csv"))):
        server.call("ScoringService/AddPenalty", tokens[row["judge"]],
                    {"idempotency_key": "p-%d" % i, "bib": row["contestant"],
                     "item": row["item"], "penalty": row["penalty"],
                     "count": int(row["count"]), "note": row["note"], "device": "export-test"})
        events += 1
    return events


def export(podium, competition_dir, db, out, *extra):
    return run([podium, "export", competition_dir, "--db", db, "--out", out] + list(extra))


def check_results_against_score(score, sheet_rows, precision_text):
    """Each results row equals `podium score` for that contestant, cell by cell."""
    trade = score["trades"][0]
    expected = trade["standings"]
    check(len(sheet_rows) == len(expected),
          "results has %d rows, podium score %d" % (len(sheet_rows), len(expected)))
    award_names = {}
    for got, want in zip(sheet_rows, expected):
        who = want["contestant"]
        check(got["bib"] == who, "row order differs at %s: %s" % (who, got["bib"]))
        check(got["name"] == want["name"], "%s name %r" % (who, got["name"]))
        check(got["organization"] == want["organization"], "%s organization" % who)
        rank = got["rank"]
        check((rank in (None, "") and want["rank"] is None) or int(rank) == want["rank"],
              "%s rank %r, podium score %r" % (who, rank, want["rank"]))
        check(precision_text(got["total"]) == precision_text(want["total"]),
              "%s total %r, podium score %r" % (who, got["total"], want["total"]))
        for event, value in want["events"].items():
            check(precision_text(got["event:" + event]) == precision_text(value),
                  "%s %s %r, podium score %r" % (who, event, got["event:" + event], value))
        award = got["award"] or None
        check((award is None) == (want["award"] is None),
              "%s award %r, podium score %r" % (who, award, want["award"]))
        if award:
            check(award_names.setdefault(want["award"], award) == award,
                  "award %s has two names" % want["award"])
    return award_names


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--podium", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    import openpyxl  # Debian: python3-openpyxl

    competition_dir = os.path.join(args.data, COMPETITION)
    os.makedirs(args.artifacts, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix="podium-export-test-")
    server = None
    try:
        db = os.path.join(scratch, "contest.db")
        tokens = issue_tokens(args.podium, competition_dir, db)
        server = PodiumServer(args.podium, competition_dir, db).start()
        events = enter_marks(server, tokens, competition_dir)
        log("entered %d marks, corrections and penalties" % events)

        # Not final: refused, and nothing written.
        out = os.path.join(scratch, "early")
        early = export(args.podium, competition_dir, db, out)
        check(early.returncode == 1, "export before final: exit %d" % early.returncode)
        check("not final" in early.stderr and "--provisional" in early.stderr,
              "refusal does not say why: " + early.stderr)
        check(not os.listdir(out) if os.path.isdir(out) else True, "a refused export wrote files")

        # Provisional: every sheet and the notice say so.
        provisional = os.path.join(scratch, "provisional")
        result = export(args.podium, competition_dir, db, provisional, "--provisional")
        check(result.returncode == 0, "provisional export failed: " + result.stderr)
        book = openpyxl.load_workbook(os.path.join(provisional, "results.xlsx"))
        for sheet in book.worksheets:
            check(PROVISIONAL in str(sheet["A2"].value), "sheet %s does not say provisional"
                  % sheet.title)
        for name in os.listdir(provisional):
            if name.endswith(".csv"):
                with open(os.path.join(provisional, name), encoding="utf-8-sig") as f:
                    check(PROVISIONAL in f.readline(), "%s does not say provisional" % name)
        with open(os.path.join(provisional, "notice.html"), encoding="utf-8") as f:
            check(PROVISIONAL in f.read(), "the notice does not say provisional")

        server.call("CompetitionService/SetPhase", tokens["CJ01"],
                    {"phase": "PHASE_FINAL", "reason": "成绩确认", "idempotency_key": "final"})
        server.stop()
        server = None

        final = os.path.join(scratch, "final")
        result = export(args.podium, competition_dir, db, final,
                        "--format", "xlsx,csv,json,html,pdf",
                        "--publish-from", "2026-11-23", "--publish-to", "2026-11-29")
        check(result.returncode == 0, "final export failed: " + result.stderr)
        score = json.loads(run([args.podium, "score", competition_dir, "--format", "json"]).stdout)
        precision = lambda v: "" if v in (None, "") else "%.2f" % float(v)

        # CSV (Python's csv module): results, awards, nominations.
        results_csv = read_rows(os.path.join(final, "results-mine-rescue.csv"))
        headers = {"名次 Rank": "rank", "编号 Bib": "bib", "姓名 Name": "name",
                   "单位 Organization": "organization", "总分 Total": "total", "奖项 Award": "award"}
        data = json.load(open(os.path.join(final, "results.json"), encoding="utf-8"))
        sheets = {s["id"]: s for s in data["sheets"]}
        event_headers = {c["header"]: c["id"] for c in sheets["results-mine-rescue"]["columns"]}
        rows = [{event_headers.get(k, headers.get(k, k)): v for k, v in r.items()}
                for r in results_csv]
        award_names = check_results_against_score(score, rows, precision)
        log("results CSV matches podium score for %d contestants" % len(rows))

        # JSON: the same rows, numbers as numbers.
        check(data["provisional"] is False and data["phase"] == "final", "results.json header")
        json_rows = sheets["results-mine-rescue"]["rows"]
        check_results_against_score(score, json_rows, precision)
        check(all(isinstance(r["total"], (int, float)) for r in json_rows), "JSON totals as text")

        # XLSX (openpyxl): the same cells, numbers stored as numbers, headers frozen.
        book = openpyxl.load_workbook(os.path.join(final, "results.xlsx"))
        ws = book["成绩 矿山救护工"]
        check(ws.freeze_panes == "A4", "header rows not frozen: %s" % ws.freeze_panes)
        header = [c.value for c in ws[3]]
        check(header[:4] == ["名次 Rank", "编号 Bib", "姓名 Name", "单位 Organization"],
              "XLSX header: %s" % header)
        xlsx_rows = []
        for values in ws.iter_rows(min_row=4, values_only=True):
            xlsx_rows.append({event_headers.get(h, headers.get(h, h)): v
                              for h, v in zip(header, values)})
        check_results_against_score(score, xlsx_rows, precision)
        total_cell = ws.cell(row=4, column=header.index("总分 Total") + 1)
        check(isinstance(total_cell.value, float) and total_cell.number_format == "0.00",
              "total not a number with 2 decimals: %r %r" % (total_cell.value,
                                                             total_cell.number_format))
        name_width = ws.column_dimensions["C"].width
        check(name_width >= 8, "name column too narrow for CJK names: %s" % name_width)
        org_width = ws.column_dimensions["D"].width
        longest = max(len(r["organization"]) for r in rows)
        check(org_width >= 2 * longest, "organization column %s narrower than %d CJK characters"
              % (org_width, longest))
        log("XLSX matches podium score; sheets: %s" % ", ".join(book.sheetnames))

        # Awards: exactly the contestants with an award, with their roster fields.
        awards = read_rows(os.path.join(final, "awards.csv"))
        want = {r["contestant"]: r for r in score["trades"][0]["standings"] if r["award"]}
        check(sorted(a["编号 Bib"] for a in awards) == sorted(want),
              "award list differs from podium score")
        for a in awards:
            check(a["奖项 Award"] == award_names[want[a["编号 Bib"]]["award"]],
                  "award of %s" % a["编号 Bib"])
            check(a["eligible"] in ("是", "否"), "roster field missing for %s" % a["编号 Bib"])

        # Nominations: one list per rule, the same people as podium score.
        for nomination in score["nominations"]:
            listed = read_rows(os.path.join(final, "nomination-%s.csv" % nomination["id"]))
            check([r["编号 Bib"] for r in listed] ==
                  [c["contestant"] for c in nomination["contestants"]],
                  "nomination %s differs from podium score" % nomination["id"])

        # Medal tally and teams agree with podium score.
        teams = read_rows(os.path.join(final, "teams-mine-rescue.csv"))
        check([(t["团体 Team"], precision(t["总分 Total"])) for t in teams] ==
              [(t["team"], precision(t["total"])) for t in score["trades"][0]["teams"]],
              "team standings differ from podium score")

        # Audit trail: every event, including the finalization.
        audit = read_rows(os.path.join(final, "audit.csv"))
        check(len(audit) == events + 1, "audit has %d events, expected %d"
              % (len(audit), events + 1))
        check(audit[-1]["类型 Kind"] == "phase" and audit[-1]["分数 Value"] == "final",
              "last audit event: %s" % audit[-1])
        check([int(a["序号 Seq"]) for a in audit] == list(range(1, len(audit) + 1)),
              "audit sequence has gaps")

        # Deterministic: the same ledger gives byte-identical CSV and JSON.
        again = os.path.join(scratch, "again")
        result = export(args.podium, competition_dir, db, again, "--format", "csv,json")
        check(result.returncode == 0, "second export failed: " + result.stderr)
        for name in os.listdir(again):
            with open(os.path.join(again, name), "rb") as a, \
                 open(os.path.join(final, name), "rb") as b:
                check(a.read() == b.read(), "%s differs between two exports" % name)

        # The notice: rendered by Chromium (screenshot to look at) and printed.
        with open(os.path.join(final, "notice.pdf"), "rb") as f:
            check(f.read(5) == b"%PDF-", "notice.pdf is not a PDF")
        notice = os.path.join(final, "notice.html")
        with open(notice, encoding="utf-8") as f:
            html = f.read()
        for text in ("成绩公示", "2026-11-23", "裁判长", "监督员", rows[0]["name"]):
            check(text in html, "the notice lacks %r" % text)
        shot = os.path.join(args.artifacts, "notice.png")
        if os.path.exists(shot):
            os.remove(shot)
        run([args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--user-data-dir=" + os.path.join(scratch, "chromium"),
             "--window-size=1600,1130", "--screenshot=" + shot, "file://" + notice])
        check(os.path.exists(shot) and os.path.getsize(shot) > 10000,
              "Chromium did not render the notice")
        shutil.copy(os.path.join(final, "results.xlsx"), args.artifacts)
        shutil.copy(os.path.join(final, "notice.pdf"), args.artifacts)
        log("notice rendered: %s" % shot)
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
