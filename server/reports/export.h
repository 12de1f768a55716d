// Exports: the organizer's files by name, built from one standings snapshot
// and the ledger, for `podium export` and the gateway alike.
//   results.xlsx      every results sheet in one workbook
//   <sheet id>.csv    one per sheet: results-<trade>, teams-<trade>, team-totals,
//                     medal-tally, awards, nomination-<id>
//   judges.csv        judge analytics (deviation, dropped, outliers, Rasch)
//   skating-<trade>.csv   the skating system's tables of a placings-judged final
//   results.json      every sheet
//   notice.html       the public results notice; notice.pdf the same printed
//   audit.csv, audit.xlsx   every ledger event
#ifndef PODIUM_SERVER_REPORTS_EXPORT_H_
#define PODIUM_SERVER_REPORTS_EXPORT_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "podium/engine/judge_analytics.h"
#include "podium/engine/scoring_engine.h"
#include "podium/engine/standings.h"
#include "podium/status.h"
#include "server/core/contest_state.h"
#include "server/reports/notice.h"
#include "server/reports/report.h"

namespace podium::reports {

struct ExportSource {
  std::shared_ptr<const engine::Standings> standings;
  server::Lifecycle lifecycle;
  std::filesystem::path ledger_file;  // read (read-only) for the audit trail
  // Sheets that need the engine, not just the standings: see EngineSheets().
  std::vector<Sheet> engine_sheets;
};

// `engine`'s judge analytics over every trade, in trade order.
std::vector<engine::JudgeItemStats> AllJudgeAnalytics(const engine::ScoringEngine& engine);

// What ExportSource::engine_sheets holds: the judge analytics ("judges") and
// every skating stage's tables ("skating-<trade>..."). Taken with the
// standings, on the engine's thread.
std::vector<Sheet> EngineSheets(const engine::ScoringEngine& engine);

struct ExportOptions {
  bool provisional = false;  // allow results that are not final; every page says so
  NoticeOptions notice;
  std::filesystem::path chromium = "/usr/bin/chromium";  // prints notice.pdf
};

// The results workbook of `source`.
// Errors: kFailedPrecondition if the competition is not final and
// `provisional` is false (the message says how to go on).
StatusOr<Workbook> ResultsForExport(const ExportSource& source, bool provisional);

// The names of every file `formats` (xlsx, csv, json, html, pdf) give for
// `book`, in a fixed order. Errors: kInvalidArgument naming an unknown format.
StatusOr<std::vector<std::string>> ExportFileNames(const Workbook& book,
                                                   const std::vector<std::string>& formats);

struct ExportedFile {
  std::string bytes;
  std::string content_type;
};

// One file by name. Errors: kNotFound for a name ExportFileNames never
// gives; kFailedPrecondition for notice.pdf without Chromium; the ledger's
// errors for the audit trail; kUnavailable if a temporary file fails.
StatusOr<ExportedFile> ExportFile(const std::string& name, const Workbook& book,
                                  const ExportSource& source, const ExportOptions& options);

}  // namespace podium::reports

#endif  // PODIUM_SERVER_REPORTS_EXPORT_H_
