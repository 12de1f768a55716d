// Explanation: how one contestant's total was computed, mark by mark, so that
// every number on a leaderboard can be checked by hand.
#ifndef PODIUM_ENGINE_EXPLAIN_H_
#define PODIUM_ENGINE_EXPLAIN_H_

#include <optional>
#include <string>
#include <vector>

#include "podium/engine/standings.h"

namespace podium::engine {

struct ExplainedMark {
  int judge = 0;           // competition judge index
  double raw = 0;          // as entered
  double adjusted = 0;     // after judge normalization (equal to raw without it)
  bool dropped = false;    // removed by the panel rule
  double judge_scale = 1;  // the normalization applied: adjusted = scale * raw + offset
  double judge_offset = 0;
};

struct ExplainedPenalty {
  int penalty = 0;  // index into the item's penalties
  int count = 0;
  double points = 0;  // count * points per occurrence
};

struct ExplainedItem {
  int item = 0;  // competition item index
  std::vector<ExplainedMark> marks;
  int expected_marks = 0;
  double score = 0;  // aggregated item score
  double weight = 1;
  bool flagged = false;
  std::optional<double> time_used;
  std::vector<ExplainedPenalty> penalties;
};

struct ExplainedEvent {
  int event = 0;  // event index within the trade
  std::vector<ExplainedItem> items;
  double weighted_items = 0;  // sum(weight * item score)
  double penalty_points = 0;
  double raw_score = 0;  // weighted_items - penalty_points
  double score = 0;      // after standardization (equal to raw_score without it)
  double weight = 0;     // percent of the stage total
};

struct ExplainedStage {
  int stage = 0;
  double carried = 0;  // carry% * previous stage total
  double raw_total = 0;
  double total = 0;    // after standardization
  int stage_rank = 0;  // rank among the stage's participants
  bool advanced = false;
};

struct Explanation {
  int contestant = 0;
  int trade = 0;
  std::vector<ExplainedEvent> events;
  std::vector<ExplainedStage> stages;  // stages the contestant took part in
  double time_used = 0;
  double penalty_points = 0;
  StandingRow standing;
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_EXPLAIN_H_
