// Explanation: how one contestant's total was computed, mark by mark, so that
// every number on a leaderboard can be checked by hand.
#ifndef PODIUM_ENGINE_EXPLAIN_H_
#define PODIUM_ENGINE_EXPLAIN_H_

#include <optional>
#include <string>
#include <vector>

#include "podium/engine/skating.h"
#include "podium/engine/standings.h"

namespace podium::engine {

struct ExplainedMark {
  int judge = 0;           // competition judge index
  double raw = 0;          // as entered
  double adjusted = 0;     // after judge normalization (equal to raw without it)
  bool dropped = false;    // removed by the panel rule
  double judge_scale = 1;  // the normalization applied: adjusted = scale * raw + offset
  double judge_offset = 0;
  std::optional<double> judge_severity;  // Rasch: the judge's severity, logits
};

// The measures behind a Rasch fair mark (normalization: rasch).
struct ExplainedRasch {
  bool applied = false;  // false: the plain panel aggregate stands, see `note`
  std::string note;      // why it was not applied (too few marks, disconnected plan)
  double measure = 0;    // the contestant's ability, logits
  double standard_error = 0;
  double item_difficulty = 0;
  double fair_mark = 0;  // expected mark from a judge of average severity
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
  std::optional<ExplainedRasch> rasch;  // set for items under a Rasch model
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

// A stage decided by the skating system: the judges' placings of the
// finalists in every dance and the tables a scrutineer checks by hand.
struct ExplainedSkating {
  int stage = 0;                           // stage index within the trade
  int event = 0;                           // its skating event, index within the trade
  std::vector<int> contestants;            // competition indices: the table rows
  std::vector<int> dances;                 // competition item indices
  std::vector<std::vector<int>> judges;    // per dance: competition judge per placing column
  std::vector<PlacingMatrix> placings;     // per dance: contestants x judges (complete only)
  std::optional<MultiDanceResult> result;  // unset until every placing is in
  std::string note;                        // why there is no result yet
};

struct ExplainedStage {
  int stage = 0;
  double carried = 0;  // carry% * previous stage total
  double raw_total = 0;
  double total = 0;    // after standardization
  int stage_rank = 0;  // rank among the stage's participants
  bool advanced = false;
  std::optional<ExplainedSkating> skating;  // a skating stage (the total is the place)
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
