// Renders standings snapshots and explanations for people (terminal tables,
// text) and programs (JSON, CSV).
#ifndef PODIUM_SERVER_CLI_STANDINGS_OUTPUT_H_
#define PODIUM_SERVER_CLI_STANDINGS_OUTPUT_H_

#include <string>
#include <vector>

#include "podium/engine/explain.h"
#include "podium/engine/standings.h"
#include "server/reports/report.h"

namespace podium::cli {

// `trade` < 0: every trade.
std::string StandingsTable(const engine::Standings& standings, int trade);
std::string StandingsJson(const engine::Standings& standings, int trade);
// UTF-8 with BOM (so Excel opens Chinese text correctly), CRLF line ends.
std::string StandingsCsv(const engine::Standings& standings, int trade);

std::string ExplanationText(const engine::Standings& standings,
                            const engine::Explanation& explanation);

// Rows of text cells (the header first) as an aligned table, each line
// prefixed with `indent`.
std::string RenderTextRows(const std::vector<std::vector<std::string>>& rows,
                           const std::string& indent);

// A skating stage's tables (each dance, the summary, rules 10 and 11 where
// used) as a scrutineer checks them, rows labelled by bib.
std::string SkatingText(const engine::Competition& competition,
                        const engine::ExplainedSkating& skating);

// A report sheet as a terminal table (numbers right-aligned).
std::string SheetTable(const reports::Sheet& sheet, int precision);

// `value` with `precision` decimals, e.g. "95.37".
std::string FormatScore(double value, int precision);

}  // namespace podium::cli

#endif  // PODIUM_SERVER_CLI_STANDINGS_OUTPUT_H_
