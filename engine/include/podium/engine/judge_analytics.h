// Judge analytics: how each judge marks compared with the rest of the panel,
// so the chief judge can see which judge needs a word before the final.
#ifndef PODIUM_ENGINE_JUDGE_ANALYTICS_H_
#define PODIUM_ENGINE_JUDGE_ANALYTICS_H_

#include <optional>

namespace podium::engine {

// A judge's Rasch measures (items under normalization: rasch).
struct JudgeRaschMeasure {
  double severity = 0;  // logits; positive: harsher than the average judge
  double standard_error = 0;
  double infit = 1;   // mean squares: near 1 as the model expects; above 1.5
  double outfit = 1;  // erratic, below 0.5 too predictable (halo, central tendency)
};

// One judge on one judged item of a trade.
struct JudgeItemStats {
  int judge = 0;  // competition judge index
  int item = 0;   // competition item index
  int marks = 0;
  // Marks whose panel had another mark, and the mean of (this mark - mean of
  // the panel's other marks) over them, in mark units: negative = harsher.
  int compared = 0;
  double mean_deviation = 0;
  double mean_absolute_deviation = 0;
  // Marks removed by the panel rule (trimmed means and medians drop marks).
  int dropped = 0;
  // Flagged panels (spread above tolerance) where this judge's mark was the
  // one furthest from the panel median.
  int spread_outliers = 0;
  std::optional<JudgeRaschMeasure> rasch;

  double dropped_share() const { return marks == 0 ? 0 : static_cast<double>(dropped) / marks; }
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_JUDGE_ANALYTICS_H_
