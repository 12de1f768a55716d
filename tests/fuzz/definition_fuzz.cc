// libFuzzer: a whole competition directory — competition.yaml, the rosters and
// the marks — from one input split at lines "=====" (in that order). What the
// loader accepts is then scored: the engine must take every event it was
// given, recompute, and give the same standings when recomputed from scratch.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "podium/check.h"
#include "podium/engine/scoring_engine.h"
#include "server/definition/loader.h"

namespace fs = std::filesystem;
namespace definition = podium::definition;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fs::path dir =
      fs::temp_directory_path() / ("podium-definition-fuzz-" + std::to_string(getpid()));
  static const char* const kFiles[] = {"competition.yaml", "contestants.csv", "judges.csv",
                                       "scores.csv", "penalties.csv"};
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  for (const char* name : kFiles) {
    const std::size_t cut = rest.find("\n=====\n");
    std::ofstream(dir / name, std::ios::binary) << rest.substr(0, cut);
    rest = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + 7);
  }
  std::vector<podium::engine::Problem> problems;
  auto loaded = definition::LoadCompetition(dir, {}, &problems);
  if (!loaded.ok()) return 0;
  podium::engine::ScoringEngine live(loaded->competition);
  std::vector<podium::engine::Problem> refused;
  definition::ApplyRecordedEvents(loaded->events, live, &refused);
  const auto standings = live.Recompute().standings;
  // The same events, recomputed in one go, give bit-identical standings.
  podium::engine::ScoringEngine again(loaded->competition);
  definition::ApplyRecordedEvents(loaded->events, again, &refused);
  const auto fresh = again.RecomputeAll().standings;
  PODIUM_CHECK(standings->trades.size() == fresh->trades.size());
  for (std::size_t t = 0; t < standings->trades.size(); ++t) {
    const auto& a = standings->trades[t];
    const auto& b = fresh->trades[t];
    PODIUM_CHECK(a.size() == b.size());
    for (int p = 0; p < a.size(); ++p) PODIUM_CHECK(a.row(a.row_at(p)) == b.row(b.row_at(p)));
  }
  return 0;
}
