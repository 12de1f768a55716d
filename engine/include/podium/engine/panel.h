// Panel aggregation: turns each contestant's row of (adjusted) marks on an
// item into the item score, and flags panels whose judges disagree.
#ifndef PODIUM_ENGINE_PANEL_H_
#define PODIUM_ENGINE_PANEL_H_

#include <cstdint>
#include <vector>

#include "podium/engine/eigen_types.h"
#include "podium/engine/model.h"
#include "podium/engine/normalize.h"
#include "podium/engine/score_matrix.h"

namespace podium::engine {

// How one item aggregates. Built once from the ItemSpec.
struct PanelParams {
  PanelRule rule = PanelRule::kMean;
  int trim = 1;
  double mark_max = 100;   // adjusted marks are clamped to [0, mark_max]
  double score_scale = 1;  // item score = scale * aggregate (judgement-0-3: max / 3)
  double tolerance = 0;    // raw spread above this flags the panel
  static PanelParams For(const ItemSpec& item);
};

// Per-row outputs of an aggregation, written for the rows aggregated.
struct PanelOutput {
  Eigen::Ref<ScoreVector> score;                                    // item score (0 if no mark)
  Eigen::Ref<Eigen::Array<std::uint8_t, Eigen::Dynamic, 1>> marks;  // marks present
  Eigen::Ref<Eigen::Array<bool, Eigen::Dynamic, 1>> flagged;        // spread > tolerance
};

// Aggregates rows [first, first + count). Vectorized over blocks of rows; one
// row aggregated alone gives bit-identical results to the same row in a block.
void AggregatePanel(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                    const PanelParams& params, int first, int count, PanelOutput out);

// One seat's mark on one contestant, as the explanation shows it.
struct SeatMark {
  int column = 0;
  double raw = 0;
  double adjusted = 0;
  bool dropped = false;  // removed by trimming
};

// The marks behind one row's item score, in seat order; the same rule as
// AggregatePanel decides which are dropped (ties: the later seat is dropped
// from the top, the earlier from the bottom).
std::vector<SeatMark> ExplainPanel(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                                   const PanelParams& params, int row);

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_PANEL_H_
