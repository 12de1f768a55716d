// Synthetic competitions of any size, for benchmarks, load tests and demos:
// contestants with a latent ability, judges with a severity bias, marks drawn
// from both. Deterministic for a given seed.
#ifndef PODIUM_ENGINE_SYNTHETIC_H_
#define PODIUM_ENGINE_SYNTHETIC_H_

#include <cstdint>
#include <functional>

#include "podium/engine/competition.h"
#include "podium/engine/events.h"
#include "podium/engine/model.h"

namespace podium::engine {

struct SyntheticOptions {
  int contestants = 1000;
  int trades = 1;
  int items = 7;      // judgement items per trade: the first 2 form the theory event
  int judges = 5;     // panel size per item (one panel marks every contestant)
  int team_size = 5;  // consecutive bibs form a team; 0 = no teams
  Normalization normalization = Normalization::kJudgeZScore;
  double judge_severity_sd = 1.0;  // spread of judges' biases, in marks (items have max 20)
  double mark_noise_sd = 0.8;
  double fill = 1.0;  // share of marks present (a live contest is < 1)
  std::uint64_t seed = 20261122;
};

struct SyntheticDefinition {
  CompetitionSpec spec;
  Roster roster;
};

// A competition with `trades` trades sharing the contestants evenly; each
// trade has events theory (30%) and practical (70%), trimmed-mean panels,
// a tie-break on the practical score, team totals (sum), and awards by share.
SyntheticDefinition MakeSyntheticDefinition(const SyntheticOptions& options);

// Calls `emit` for every mark of the synthetic competition, contestant by
// contestant, item by item, judge by judge (skipping a 1 - fill share).
void GenerateSyntheticMarks(const Competition& competition, const SyntheticOptions& options,
                            const std::function<void(const MarkEvent&)>& emit);

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_SYNTHETIC_H_
