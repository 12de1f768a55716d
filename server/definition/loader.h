// Loads a competition directory (competition.yaml, contestants.csv,
// judges.csv, and optionally scores.csv and penalties.csv) into the engine's
// model and events. Every problem is reported with file, line and what to fix.
#ifndef PODIUM_SERVER_DEFINITION_LOADER_H_
#define PODIUM_SERVER_DEFINITION_LOADER_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "podium/engine/competition.h"
#include "podium/engine/events.h"
#include "podium/engine/scoring_engine.h"
#include "podium/status.h"
#include "server/definition/encoding.h"

namespace podium::definition {

struct LoadOptions {
  // Overrides `rosters.encoding` unless kAuto.
  Encoding encoding = Encoding::kAuto;
  // Marks file to read instead of `rosters.scores`: a path relative to the
  // competition directory (or to the working directory), or absolute.
  std::string scores_file;
  // Read scores.csv and penalties.csv (the definition alone otherwise).
  bool load_marks = true;
};

// An event read from a file, with where it came from.
struct RecordedEvent {
  engine::Event event;
  std::string file;
  int line = 0;
  std::string note;
};

struct LoadedCompetition {
  std::shared_ptr<const engine::Competition> competition;
  std::vector<RecordedEvent> events;  // marks in file order, then penalties
};

// Loads the directory. Errors: kNotFound if DIR or competition.yaml is
// missing; kInvalidArgument naming the first problem (all are appended to
// `problems`), including marks that name unknown bibs, judges or items.
StatusOr<LoadedCompetition> LoadCompetition(const std::filesystem::path& dir,
                                            const LoadOptions& options,
                                            std::vector<engine::Problem>* problems);

// Applies `events` to `engine` in order. A refused event is reported as a
// problem at its file and line (the rest still apply). Returns the number
// refused.
int ApplyRecordedEvents(const std::vector<RecordedEvent>& events, engine::ScoringEngine& engine,
                        std::vector<engine::Problem>* problems);

// Parses a time used: seconds ("845", "845.5"), "mm:ss" or "hh:mm:ss".
StatusOr<double> ParseDuration(std::string_view text);

}  // namespace podium::definition

#endif  // PODIUM_SERVER_DEFINITION_LOADER_H_
