// The organizer's result reports, as sheets: standings per trade, team
// standings, team totals, the medal tally, the award list, one list per
// nomination rule, and the audit trail of the ledger.
#ifndef PODIUM_SERVER_REPORTS_RESULTS_H_
#define PODIUM_SERVER_REPORTS_RESULTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "podium/engine/explain.h"
#include "podium/engine/judge_analytics.h"
#include "podium/engine/standings.h"
#include "server/ledger/ledger.h"
#include "server/reports/report.h"

namespace podium::reports {

// Sheets of `standings`, in this order: for each trade its standings
// ("results-<trade>") and, if it has teams, its team standings
// ("teams-<trade>"); then "team-totals", "medal-tally" (when the competition
// has them), "awards", and "nomination-<id>" per rule. Award and nomination
// lists carry every extra roster column (the fields those forms need).
// The caller fills in the workbook's phase, provisional flag and version.
Workbook ResultsWorkbook(const engine::Standings& standings);

// Per judge and judged item ("judges"): deviation from the panel, marks
// dropped, spread outliers, Rasch severity and fit (empty without Rasch).
Sheet JudgeAnalyticsSheet(const engine::Competition& competition,
                          const std::vector<engine::JudgeItemStats>& stats);

// One sheet per skating stage of `trade` ("skating-<trade>" or, with several,
// "skating-<trade>-<stage>"): each dance's placings and breakdown, the
// summary, and the rule 10 and 11 tables where used, stacked with a title
// row each, as the scrutineer's sheets print them.
std::vector<Sheet> SkatingSheets(const engine::Competition& competition, int trade,
                                 const std::vector<engine::ExplainedSkating>& stages);

// Every ledger event in sequence order ("audit").
Sheet AuditSheet(const std::vector<server::LedgerRecord>& records);

// A record's value as people read it: "12.5", "12.5 (94 s)", "overtime x2", "absent".
std::string RecordValue(const server::LedgerRecord& record);

// A status as people read it: "缺考 absent"; "" for a present contestant.
std::string StatusLabel(engine::ContestantStatus status);

// What a standing's note says: status, unfinished (未完成), under review (待复核).
std::string NoteOf(const engine::StandingRow& row);

// "2026-11-22 09:30:05" in the machine's time zone.
std::string FormatLocalTime(std::int64_t ms);

}  // namespace podium::reports

#endif  // PODIUM_SERVER_REPORTS_RESULTS_H_
