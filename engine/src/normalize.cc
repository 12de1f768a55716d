#include "podium/engine/normalize.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace podium::engine {

namespace {

// Exact products of 64-bit moments (GCC/Clang extension; quiet under -Wpedantic).
__extension__ using Int128 = __int128;

constexpr double kMadToSd = 1.4826;

// Median of `v` (reordered). Mean of the middle two for an even count.
double MedianInPlace(std::vector<double>& v) {
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + mid);
  return (lower + upper) / 2;
}

double MadInPlace(std::vector<double>& v, double median) {
  for (double& x : v) x = std::abs(x - median);
  return MedianInPlace(v) * kMadToSd;
}

// Variance of quanta from exact moments, computed exactly in 128 bits first.
double QuantaVariance(std::int64_t n, std::int64_t sum, std::int64_t sum_squares) {
  const Int128 numerator = static_cast<Int128>(n) * sum_squares - static_cast<Int128>(sum) * sum;
  return static_cast<double>(numerator) / (static_cast<double>(n) * static_cast<double>(n));
}

}  // namespace

JudgeAdjustment JudgeAdjustment::Identity(int columns) {
  return {Eigen::VectorXd::Ones(columns), Eigen::VectorXd::Zero(columns)};
}

JudgeAdjustment ZScoreAdjustment(const ItemMarks& marks) {
  const int columns = marks.columns();
  JudgeAdjustment adjustment = JudgeAdjustment::Identity(columns);
  const std::int64_t n = marks.count().sum();
  if (n < kMinMarksToNormalize) return adjustment;
  const double step = marks.step();
  const double pooled_mean = static_cast<double>(marks.sum().sum()) / static_cast<double>(n);
  const double pooled_sd =
      std::sqrt(QuantaVariance(n, marks.sum().sum(), marks.sum_squares().sum()));
  for (int c = 0; c < columns; ++c) {
    const std::int64_t count = marks.count()(c);
    if (count < kMinMarksToNormalize) continue;
    const double mean = static_cast<double>(marks.sum()(c)) / static_cast<double>(count);
    const double sd = std::sqrt(QuantaVariance(count, marks.sum()(c), marks.sum_squares()(c)));
    // A judge who gave everyone the same mark keeps the spread, loses the bias.
    const double scale = sd > 0 ? pooled_sd / sd : 1.0;
    adjustment.scale(c) = scale;
    adjustment.offset(c) = (pooled_mean - scale * mean) * step;
  }
  return adjustment;
}

JudgeAdjustment RobustAdjustment(const ItemMarks& marks) {
  const int columns = marks.columns();
  JudgeAdjustment adjustment = JudgeAdjustment::Identity(columns);
  std::vector<double> pooled;
  pooled.reserve(static_cast<size_t>(marks.total_count()));
  std::vector<std::vector<double>> per_judge(columns);
  for (int c = 0; c < columns; ++c) {
    per_judge[c].reserve(static_cast<size_t>(marks.count()(c)));
    for (int r = 0; r < marks.rows(); ++r) {
      if (marks.present(r, c)) per_judge[c].push_back(marks.value(r, c));
    }
    pooled.insert(pooled.end(), per_judge[c].begin(), per_judge[c].end());
  }
  if (static_cast<int>(pooled.size()) < kMinMarksToNormalize) return adjustment;
  const double pooled_median = MedianInPlace(pooled);
  const double pooled_mad = MadInPlace(pooled, pooled_median);
  for (int c = 0; c < columns; ++c) {
    std::vector<double>& v = per_judge[c];
    if (static_cast<int>(v.size()) < kMinMarksToNormalize) continue;
    const double median = MedianInPlace(v);
    const double mad = MadInPlace(v, median);
    // With no pooled spread (most marks identical) only shift: scaling by 0
    // would collapse the judge's marks.
    const double scale = mad > 0 && pooled_mad > 0 ? pooled_mad / mad : 1.0;
    adjustment.scale(c) = scale;
    adjustment.offset(c) = pooled_median - scale * median;
  }
  return adjustment;
}

JudgeAdjustment ComputeAdjustment(Normalization normalization, const ItemMarks& marks) {
  switch (normalization) {
    case Normalization::kJudgeZScore:
      return ZScoreAdjustment(marks);
    case Normalization::kJudgeRobust:
      return RobustAdjustment(marks);
    case Normalization::kNone:
    case Normalization::kRasch:  // adjusts measures, not marks: see rasch.h
      break;
  }
  return JudgeAdjustment::Identity(marks.columns());
}

bool LocationAndScale(const Eigen::Ref<const ScoreVector>& values,
                      const Eigen::Array<bool, Eigen::Dynamic, 1>& include, Estimator estimator,
                      double* location, double* scale) {
  const Eigen::Index n = include.count();
  if (n < 2) return false;
  if (estimator == Estimator::kSd) {
    const double mean = include.select(values.array(), 0.0).sum() / static_cast<double>(n);
    const double variance =
        include.select((values.array() - mean).square(), 0.0).sum() / static_cast<double>(n);
    *location = mean;
    *scale = std::sqrt(variance);
    return true;
  }
  std::vector<double> v;
  v.reserve(static_cast<size_t>(n));
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    if (include(i)) v.push_back(values(i));
  }
  *location = MedianInPlace(v);
  *scale = MadInPlace(v, *location);
  return true;
}

void Standardize(const Standardization& standardization,
                 const Eigen::Array<bool, Eigen::Dynamic, 1>& include,
                 Eigen::Ref<ScoreVector> values) {
  if (!standardization.enabled) return;
  double location = 0;
  double scale = 0;
  if (!LocationAndScale(values, include, standardization.estimator, &location, &scale)) {
    // A lone score has no spread to scale by: it sits at the centre, so it is
    // on the same scale as everyone who joins it later.
    values.array() = include.select(standardization.centre, values.array());
    return;
  }
  const double factor = scale > 0 ? standardization.spread / scale : 0.0;
  values.array() =
      include.select(standardization.centre + factor * (values.array() - location), values.array());
}

}  // namespace podium::engine
