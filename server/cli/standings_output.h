// Renders standings snapshots and explanations for people (terminal tables,
// text) and programs (JSON, CSV).
#ifndef PODIUM_SERVER_CLI_STANDINGS_OUTPUT_H_
#define PODIUM_SERVER_CLI_STANDINGS_OUTPUT_H_

#include <string>

#include "podium/engine/explain.h"
#include "podium/engine/standings.h"

namespace podium::cli {

// `trade` < 0: every trade.
std::string StandingsTable(const engine::Standings& standings, int trade);
std::string StandingsJson(const engine::Standings& standings, int trade);
// UTF-8 with BOM (so Excel opens Chinese text correctly), CRLF line ends.
std::string StandingsCsv(const engine::Standings& standings, int trade);

std::string ExplanationText(const engine::Standings& standings,
                            const engine::Explanation& explanation);

// `value` with `precision` decimals, e.g. "95.37".
std::string FormatScore(double value, int precision);

}  // namespace podium::cli

#endif  // PODIUM_SERVER_CLI_STANDINGS_OUTPUT_H_
