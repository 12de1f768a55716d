// Writes a competition definition back out as files: competition.yaml from a
// spec, and the CSV rosters. `podium generate` uses it; a loaded definition
// written out and loaded again gives the same competition.
#ifndef PODIUM_SERVER_DEFINITION_WRITER_H_
#define PODIUM_SERVER_DEFINITION_WRITER_H_

#include <filesystem>
#include <string>

#include "podium/engine/model.h"
#include "podium/status.h"

namespace podium::definition {

std::string CompetitionYaml(const engine::CompetitionSpec& spec);
std::string ContestantsCsv(const engine::Roster& roster);
std::string JudgesCsv(const engine::Roster& roster);

// Writes competition.yaml, contestants.csv and judges.csv into `dir`
// (created if missing). Errors: kFailedPrecondition naming the file that
// could not be written.
Status WriteDefinition(const std::filesystem::path& dir, const engine::CompetitionSpec& spec,
                       const engine::Roster& roster);

}  // namespace podium::definition

#endif  // PODIUM_SERVER_DEFINITION_WRITER_H_
