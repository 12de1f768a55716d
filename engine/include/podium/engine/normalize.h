// Judge normalization (per item) and score standardization (per event or
// stage total). Formulas are in engine/README.md.
#ifndef PODIUM_ENGINE_NORMALIZE_H_
#define PODIUM_ENGINE_NORMALIZE_H_

#include "podium/engine/eigen_types.h"
#include "podium/engine/model.h"
#include "podium/engine/score_matrix.h"

namespace podium::engine {

// Per panel seat, the affine map applied to that judge's marks:
// adjusted = scale * mark + offset (mark units).
struct JudgeAdjustment {
  Eigen::VectorXd scale;
  Eigen::VectorXd offset;

  static JudgeAdjustment Identity(int columns);
};

// Judges need at least this many marks on an item before they are rescaled.
inline constexpr int kMinMarksToNormalize = 2;

// judge-zscore: each judge's marks standardized by the judge's mean and SD
// (population) and mapped to the item's pooled mean and SD. Reads only the
// exact moments, so it costs O(columns).
JudgeAdjustment ZScoreAdjustment(const ItemMarks& marks);
// judge-robust: the same with medians and MAD (x 1.4826). O(marks).
JudgeAdjustment RobustAdjustment(const ItemMarks& marks);
JudgeAdjustment ComputeAdjustment(Normalization normalization, const ItemMarks& marks);

// Location and scale of `values` where `include` is true: mean and population
// SD, or median and MAD x 1.4826. Returns false if fewer than 2 are included.
bool LocationAndScale(const Eigen::Ref<const ScoreVector>& values,
                      const Eigen::Array<bool, Eigen::Dynamic, 1>& include, Estimator estimator,
                      double* location, double* scale);

// Rescales the included entries to centre + spread * (x - location) / scale;
// with zero scale they all become `centre`. Others are left as they are.
void Standardize(const Standardization& standardization,
                 const Eigen::Array<bool, Eigen::Dynamic, 1>& include,
                 Eigen::Ref<ScoreVector> values);

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_NORMALIZE_H_
