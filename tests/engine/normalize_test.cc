#include "podium/engine/normalize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <optional>
#include <ostream>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/eigen_types.h"
#include "podium/engine/model.h"
#include "podium/engine/score_matrix.h"

namespace podium::engine {
namespace {

// Hand-computed scales, offsets and standardized scores are compared with this slack.
constexpr double kTolerance = 1e-9;
constexpr double kMadToSd = 1.4826;
constexpr std::nullopt_t kNoMark = std::nullopt;

using Column = std::vector<std::optional<double>>;
using Mask = Eigen::Array<bool, Eigen::Dynamic, 1>;

// ItemMarks with one vector per judge (column), one entry per contestant (row).
ItemMarks MarksByJudge(const std::vector<Column>& judges, double step = 0.5) {
  const int rows = judges.empty() ? 0 : static_cast<int>(judges[0].size());
  ItemMarks marks(rows, static_cast<int>(judges.size()), step);
  for (int c = 0; c < static_cast<int>(judges.size()); ++c) {
    for (int r = 0; r < rows; ++r) {
      if (judges[c][r])
        marks.Set(r, c, static_cast<std::int32_t>(std::llround(*judges[c][r] / step)));
    }
  }
  return marks;
}

void ExpectAdjustment(const JudgeAdjustment& adjustment, int column, double scale, double offset) {
  SCOPED_TRACE("judge column " + std::to_string(column));
  EXPECT_NEAR(adjustment.scale(column), scale, kTolerance)
      << "scale: expected " << scale << ", actual " << adjustment.scale(column);
  EXPECT_NEAR(adjustment.offset(column), offset, kTolerance)
      << "offset: expected " << offset << ", actual " << adjustment.offset(column);
}

void ExpectIdentity(const JudgeAdjustment& adjustment, int column) {
  SCOPED_TRACE("judge column " + std::to_string(column));
  EXPECT_EQ(adjustment.scale(column), 1.0);
  EXPECT_EQ(adjustment.offset(column), 0.0);
}

ScoreVector Vector(std::initializer_list<double> values) {
  ScoreVector v(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (const double x : values) v(i++) = x;
  return v;
}

Mask Include(std::initializer_list<bool> values) {
  Mask m(static_cast<Eigen::Index>(values.size()));
  Eigen::Index i = 0;
  for (const bool x : values) m(i++) = x;
  return m;
}

// ---------------------------------------------------------------------------
// judge-zscore

TEST(ZScoreAdjustmentTest, MapsEachJudgeToPooledMeanAndPopulationSd) {
  // Judge 0: 6 7 8 9, mean 7.5, variance 1.25. Judge 1: 8 8.5 9.5 10, mean 9,
  // variance 0.625. Pooled: mean 66 / 8 = 8.25, variance 12 / 8 = 1.5.
  const ItemMarks marks = MarksByJudge({{6, 7, 8, 9}, {8, 8.5, 9.5, 10}});
  const JudgeAdjustment adjustment = ZScoreAdjustment(marks);
  ASSERT_EQ(adjustment.scale.size(), 2);
  ExpectAdjustment(adjustment, 0, std::sqrt(1.5 / 1.25), 8.25 - std::sqrt(1.5 / 1.25) * 7.5);
  ExpectAdjustment(adjustment, 1, std::sqrt(1.5 / 0.625), 8.25 - std::sqrt(1.5 / 0.625) * 9);
  // x' = (x - m) / s * S + M for judge 0's mark 6.
  const double adjusted = adjustment.scale(0) * 6 + adjustment.offset(0);
  EXPECT_NEAR(adjusted, (6 - 7.5) / std::sqrt(1.25) * std::sqrt(1.5) + 8.25, kTolerance);
}

TEST(ZScoreAdjustmentTest, JudgeWithFewerThanTwoMarksIsLeftAsEntered) {
  // Judge 1 has one mark and judge 2 none; the single mark still counts in the
  // pool: 6 7 8 9 3 -> mean 6.6, variance 21.2 / 5 = 4.24.
  const ItemMarks marks = MarksByJudge(
      {{6, 7, 8, 9}, {3, kNoMark, kNoMark, kNoMark}, {kNoMark, kNoMark, kNoMark, kNoMark}});
  const JudgeAdjustment adjustment = ZScoreAdjustment(marks);
  ExpectAdjustment(adjustment, 0, std::sqrt(4.24 / 1.25), 6.6 - std::sqrt(4.24 / 1.25) * 7.5);
  ExpectIdentity(adjustment, 1);
  ExpectIdentity(adjustment, 2);
}

TEST(ZScoreAdjustmentTest, JudgeWithAllEqualMarksIsShiftedToPooledMean) {
  // Pool: 6 7 8 9 7 7 7 7 -> mean 7.25. Judge 1 keeps scale 1 and moves by +0.25.
  const ItemMarks marks = MarksByJudge({{6, 7, 8, 9}, {7, 7, 7, 7}});
  const JudgeAdjustment adjustment = ZScoreAdjustment(marks);
  ExpectAdjustment(adjustment, 1, 1.0, 0.25);
  EXPECT_NEAR(adjustment.scale(1) * 7 + adjustment.offset(1), 7.25, kTolerance);
  // Pool variance 5.5 / 8; judge 0 variance 1.25.
  ExpectAdjustment(adjustment, 0, std::sqrt(0.6875 / 1.25), 7.25 - std::sqrt(0.6875 / 1.25) * 7.5);
}

TEST(ZScoreAdjustmentTest, ItemWithFewerThanTwoMarksIsIdentity) {
  const JudgeAdjustment one = ZScoreAdjustment(MarksByJudge({{kNoMark, 4}, {kNoMark, kNoMark}}));
  ExpectIdentity(one, 0);
  ExpectIdentity(one, 1);
  const JudgeAdjustment none = ZScoreAdjustment(MarksByJudge({{kNoMark}, {kNoMark}, {kNoMark}}));
  ASSERT_EQ(none.scale.size(), 3);
  for (int c = 0; c < 3; ++c) ExpectIdentity(none, c);
}

TEST(ZScoreAdjustmentTest, OffsetIsInMarkUnitsForAnyStep) {
  // Step 0.1: judge 0 marks 1.0 1.2 (mean 1.1, SD 0.1), judge 1 marks 2.0 2.4 (mean 2.2,
  // SD 0.2). Pool mean 1.65, variance (0.65^2 + 0.45^2 + 0.35^2 + 0.75^2) / 4 = 0.3275.
  const ItemMarks marks = MarksByJudge({{1.0, 1.2}, {2.0, 2.4}}, 0.1);
  const JudgeAdjustment adjustment = ZScoreAdjustment(marks);
  ExpectAdjustment(adjustment, 0, std::sqrt(0.3275) / 0.1, 1.65 - std::sqrt(0.3275) / 0.1 * 1.1);
  ExpectAdjustment(adjustment, 1, std::sqrt(0.3275) / 0.2, 1.65 - std::sqrt(0.3275) / 0.2 * 2.2);
}

// ---------------------------------------------------------------------------
// judge-robust

TEST(RobustAdjustmentTest, MapsEachJudgeToPooledMedianAndMad) {
  // Judge 0: 5 6 7 9 10, median 7, MAD 2. Judge 1: 6 8 8.5 9 10, median 8.5, MAD 0.5.
  // Pooled: median (8 + 8.5) / 2 = 8.25, MAD (1.25 + 1.75) / 2 = 1.5.
  // (Every MAD carries the 1.4826 factor, which cancels in the scale.)
  const ItemMarks marks = MarksByJudge({{5, 6, 7, 9, 10}, {6, 8, 8.5, 9, 10}});
  const JudgeAdjustment adjustment = RobustAdjustment(marks);
  ExpectAdjustment(adjustment, 0, 0.75, 3.0);
  ExpectAdjustment(adjustment, 1, 3.0, -17.25);
}

TEST(RobustAdjustmentTest, EvenCountsUseMeanOfMiddleTwoAndZeroMadShiftsOnly) {
  // Judge 0: 4 6 8 10, median 7, MAD (1 + 3) / 2 = 2. Judge 1: 9 9 9 2, median 9,
  // MAD 0 (only shifted). Pool: 2 4 6 8 9 9 9 10, median 8.5, MAD (0.5 + 1.5) / 2 = 1.
  const ItemMarks marks = MarksByJudge({{4, 6, 8, 10}, {9, 9, 9, 2}});
  const JudgeAdjustment adjustment = RobustAdjustment(marks);
  ExpectAdjustment(adjustment, 0, 0.5, 5.0);
  ExpectAdjustment(adjustment, 1, 1.0, -0.5);
}

TEST(RobustAdjustmentTest, JudgeWithFewerThanTwoMarksIsLeftAsEntered) {
  const ItemMarks marks =
      MarksByJudge({{5, 6, 7}, {kNoMark, 2, kNoMark}, {kNoMark, kNoMark, kNoMark}});
  const JudgeAdjustment adjustment = RobustAdjustment(marks);
  ExpectIdentity(adjustment, 1);
  ExpectIdentity(adjustment, 2);
  // Pool 5 6 7 2: median 5.5, deviations 0.5 0.5 1.5 3.5 -> MAD 1. Judge 0: median 6, MAD 1.
  ExpectAdjustment(adjustment, 0, 1.0, -0.5);
}

TEST(RobustAdjustmentTest, ItemWithFewerThanTwoMarksIsIdentity) {
  const JudgeAdjustment adjustment =
      RobustAdjustment(MarksByJudge({{kNoMark, 4}, {kNoMark, kNoMark}}));
  ExpectIdentity(adjustment, 0);
  ExpectIdentity(adjustment, 1);
}

TEST(ComputeAdjustmentTest, DispatchesOnNormalization) {
  const ItemMarks marks = MarksByJudge({{5, 6, 7, 9, 10}, {6, 8, 8.5, 9, 10}});
  const JudgeAdjustment none = ComputeAdjustment(Normalization::kNone, marks);
  ExpectIdentity(none, 0);
  ExpectIdentity(none, 1);
  const JudgeAdjustment zscore = ComputeAdjustment(Normalization::kJudgeZScore, marks);
  EXPECT_EQ(zscore.scale, ZScoreAdjustment(marks).scale);
  EXPECT_EQ(zscore.offset, ZScoreAdjustment(marks).offset);
  const JudgeAdjustment robust = ComputeAdjustment(Normalization::kJudgeRobust, marks);
  ExpectAdjustment(robust, 0, 0.75, 3.0);
}

// ---------------------------------------------------------------------------
// Properties of both normalizations on random marks.

struct NormalizationCase {
  std::string name;
  Normalization normalization;
  Estimator estimator;  // what the normalization equalizes
};

void PrintTo(const NormalizationCase& c, std::ostream* os) { *os << c.name; }

constexpr std::uint32_t kNormalizeSeed = 777001;

// 60 contestants, 4 judges with different biases and spreads, ~20% missing.
ItemMarks RandomBiasedMarks(std::mt19937& rng) {
  constexpr int kRows = 60;
  const double bias[] = {-1.5, 0, 1, 2.5};
  const double spread[] = {1, 2, 0.5, 1.5};
  std::normal_distribution<double> noise(0, 1);
  std::uniform_real_distribution<double> skill(4, 16);
  std::bernoulli_distribution present(0.8);
  ItemMarks marks(kRows, 4, 0.5);
  for (int r = 0; r < kRows; ++r) {
    const double level = skill(rng);
    for (int c = 0; c < 4; ++c) {
      if (!present(rng)) continue;
      const double x = std::clamp(level + bias[c] + spread[c] * noise(rng), 0.0, 20.0);
      marks.Set(r, c, static_cast<std::int32_t>(std::llround(x / 0.5)));
    }
  }
  return marks;
}

class NormalizationTest : public ::testing::TestWithParam<NormalizationCase> {};

TEST_P(NormalizationTest, AdjustedJudgesShareThePooledLocationAndScale) {
  const NormalizationCase& param = GetParam();
  std::cout << "seed " << kNormalizeSeed << "\n";
  std::mt19937 rng(kNormalizeSeed);
  const ItemMarks marks = RandomBiasedMarks(rng);
  const JudgeAdjustment adjustment = ComputeAdjustment(param.normalization, marks);

  const int rows = marks.rows();
  ScoreVector all(rows * marks.columns());
  Mask all_present(rows * marks.columns());
  for (int c = 0; c < marks.columns(); ++c) {
    for (int r = 0; r < rows; ++r) {
      all(c * rows + r) = marks.value(r, c);
      all_present(c * rows + r) = marks.present(r, c);
    }
  }
  double pooled_location = 0;
  double pooled_scale = 0;
  ASSERT_TRUE(LocationAndScale(all, all_present, param.estimator, &pooled_location, &pooled_scale));

  for (int c = 0; c < marks.columns(); ++c) {
    ScoreVector adjusted(rows);
    Mask present(rows);
    for (int r = 0; r < rows; ++r) {
      adjusted(r) = adjustment.scale(c) * marks.value(r, c) + adjustment.offset(c);
      present(r) = marks.present(r, c);
    }
    double location = 0;
    double scale = 0;
    ASSERT_TRUE(LocationAndScale(adjusted, present, param.estimator, &location, &scale));
    EXPECT_NEAR(location, pooled_location, kTolerance)
        << "seed " << kNormalizeSeed << " judge " << c << ": expected " << pooled_location
        << ", actual " << location;
    EXPECT_NEAR(scale, pooled_scale, kTolerance)
        << "seed " << kNormalizeSeed << " judge " << c << ": expected " << pooled_scale
        << ", actual " << scale;
  }
}

TEST_P(NormalizationTest, AdjustmentDoesNotDependOnTheOrderMarksArrived) {
  const NormalizationCase& param = GetParam();
  std::cout << "seed " << kNormalizeSeed << "\n";
  std::mt19937 rng(kNormalizeSeed + 1);
  const ItemMarks reference = RandomBiasedMarks(rng);
  // Re-enter the same marks in a shuffled order, each first entered wrong and then corrected.
  std::vector<std::pair<int, int>> cells;
  for (int r = 0; r < reference.rows(); ++r) {
    for (int c = 0; c < reference.columns(); ++c) {
      if (reference.present(r, c)) cells.emplace_back(r, c);
    }
  }
  std::shuffle(cells.begin(), cells.end(), rng);
  ItemMarks shuffled(reference.rows(), reference.columns(), reference.step());
  for (const auto& [r, c] : cells) shuffled.Set(r, c, (reference.quanta(r, c) + 7) % 41);
  for (const auto& [r, c] : cells) shuffled.Set(r, c, reference.quanta(r, c));
  const JudgeAdjustment expected = ComputeAdjustment(param.normalization, reference);
  const JudgeAdjustment actual = ComputeAdjustment(param.normalization, shuffled);
  EXPECT_EQ(actual.scale, expected.scale) << "seed " << kNormalizeSeed + 1;
  EXPECT_EQ(actual.offset, expected.offset) << "seed " << kNormalizeSeed + 1;
}

TEST_P(NormalizationTest, SameBiasedJudgesAreAllMappedTogether) {
  // Judge 1 gives everyone judge 0's mark + 2: after normalization they agree.
  const ItemMarks marks = MarksByJudge({{4, 5, 7, 10}, {6, 7, 9, 12}});
  const JudgeAdjustment adjustment = ComputeAdjustment(GetParam().normalization, marks);
  for (int r = 0; r < marks.rows(); ++r) {
    const double a = adjustment.scale(0) * marks.value(r, 0) + adjustment.offset(0);
    const double b = adjustment.scale(1) * marks.value(r, 1) + adjustment.offset(1);
    EXPECT_NEAR(a, b, kTolerance) << "row " << r << ": judge 0 " << a << ", judge 1 " << b;
  }
  // Same spread, so the same scale; the offsets differ by exactly the bias.
  EXPECT_EQ(adjustment.scale(0), adjustment.scale(1));
  EXPECT_NEAR(adjustment.offset(0) - adjustment.offset(1), 2 * adjustment.scale(0), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(
    AllNormalizations, NormalizationTest,
    ::testing::Values(NormalizationCase{"JudgeZScore", Normalization::kJudgeZScore, Estimator::kSd},
                      NormalizationCase{"JudgeRobust", Normalization::kJudgeRobust,
                                        Estimator::kMad}),
    [](const ::testing::TestParamInfo<NormalizationCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------
// LocationAndScale

TEST(LocationAndScaleTest, SdIsMeanAndPopulationSdOfIncludedValues) {
  // 2 4 4 4 5 5 7 9: mean 5, population SD 2. The excluded 1000 does not count.
  const ScoreVector values = Vector({2, 4, 1000, 4, 4, 5, 5, 7, 9});
  const Mask include = Include({true, true, false, true, true, true, true, true, true});
  double location = 0;
  double scale = 0;
  ASSERT_TRUE(LocationAndScale(values, include, Estimator::kSd, &location, &scale));
  EXPECT_NEAR(location, 5.0, kTolerance) << "expected 5, actual " << location;
  EXPECT_NEAR(scale, 2.0, kTolerance) << "expected 2, actual " << scale;
}

TEST(LocationAndScaleTest, MadIsMedianAndScaledMedianAbsoluteDeviation) {
  // 1 2 3 4 10: median 3, deviations 2 1 0 1 7 -> 1.
  double location = 0;
  double scale = 0;
  ASSERT_TRUE(LocationAndScale(Vector({10, 1, 3, 2, 4}), Include({true, true, true, true, true}),
                               Estimator::kMad, &location, &scale));
  EXPECT_NEAR(location, 3.0, kTolerance);
  EXPECT_NEAR(scale, kMadToSd, kTolerance) << "expected " << kMadToSd << ", actual " << scale;
  // Even count: 1 2 3 4 -> median 2.5, deviations 1.5 0.5 0.5 1.5 -> 1.
  ASSERT_TRUE(LocationAndScale(Vector({4, 1, -50, 3, 2}), Include({true, true, false, true, true}),
                               Estimator::kMad, &location, &scale));
  EXPECT_NEAR(location, 2.5, kTolerance);
  EXPECT_NEAR(scale, kMadToSd, kTolerance);
}

TEST(LocationAndScaleTest, FewerThanTwoIncludedIsNotEnough) {
  double location = 42;
  double scale = 42;
  EXPECT_FALSE(LocationAndScale(Vector({1, 2, 3}), Include({false, true, false}), Estimator::kSd,
                                &location, &scale));
  EXPECT_FALSE(LocationAndScale(Vector({1, 2, 3}), Include({false, false, false}), Estimator::kMad,
                                &location, &scale));
  EXPECT_EQ(location, 42);
  EXPECT_EQ(scale, 42);
}

// ---------------------------------------------------------------------------
// Standardize

Standardization Standard(double centre, double spread, Estimator estimator) {
  Standardization s;
  s.enabled = true;
  s.centre = centre;
  s.spread = spread;
  s.estimator = estimator;
  return s;
}

void ExpectScores(const ScoreVector& actual, const std::vector<double>& expected) {
  ASSERT_EQ(actual.size(), static_cast<Eigen::Index>(expected.size()));
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_NEAR(actual(static_cast<Eigen::Index>(i)), expected[i], kTolerance)
        << "entry " << i << ": expected " << expected[i] << ", actual "
        << actual(static_cast<Eigen::Index>(i));
  }
}

TEST(StandardizeTest, SdRescalesToCentreAndSpread) {
  // Included 2 4 4 4 5 5 7 9: mean 5, SD 2 -> 700 + 30 * (x - 5) / 2. 1000 and -3 are excluded.
  ScoreVector values = Vector({2, 4, 1000, 4, 4, 5, 5, -3, 7, 9});
  const Mask include = Include({true, true, false, true, true, true, true, false, true, true});
  Standardize(Standard(700, 30, Estimator::kSd), include, values);
  ExpectScores(values, {655, 685, 1000, 685, 685, 700, 700, -3, 730, 760});
}

TEST(StandardizeTest, MadRescalesByMedianAndMad) {
  // 1 2 3 4 10: median 3, MAD 1.4826 -> 100 + 10 * (x - 3) / 1.4826.
  ScoreVector values = Vector({10, 1, 3, 2, 4});
  Standardize(Standard(100, 10, Estimator::kMad), Include({true, true, true, true, true}), values);
  ExpectScores(values, {100 + 70 / kMadToSd, 100 - 20 / kMadToSd, 100, 100 - 10 / kMadToSd,
                        100 + 10 / kMadToSd});
}

TEST(StandardizeTest, ZeroSpreadPutsEveryoneAtTheCentre) {
  ScoreVector values = Vector({80, 12, 80, 80});
  Standardize(Standard(700, 30, Estimator::kSd), Include({true, false, true, true}), values);
  ExpectScores(values, {700, 12, 700, 700});
  ScoreVector robust = Vector({80, 80, 80, 95});  // MAD 0 although not all equal
  Standardize(Standard(700, 30, Estimator::kMad), Include({true, true, true, true}), robust);
  ExpectScores(robust, {700, 700, 700, 700});
}

TEST(StandardizeTest, DisabledChangesNothing) {
  ScoreVector values = Vector({1, 2, 3});
  Standardization s = Standard(700, 30, Estimator::kSd);
  s.enabled = false;
  Standardize(s, Include({true, true, true}), values);
  EXPECT_EQ(values, Vector({1, 2, 3}));
}

TEST(StandardizeTest, ExcludedEntriesAreNeverRead) {
  // NaN in an excluded entry must not leak into the location or scale.
  ScoreVector values = Vector({60, std::nan(""), 80});
  Standardize(Standard(700, 30, Estimator::kSd), Include({true, false, true}), values);
  EXPECT_NEAR(values(0), 670, kTolerance);
  EXPECT_TRUE(std::isnan(values(1)));
  EXPECT_NEAR(values(2), 730, kTolerance);
}

// ---------------------------------------------------------------------------
// ItemMarks moments

constexpr std::uint32_t kMomentsSeed = 4242;

TEST(ItemMarksTest, MomentsMatchRecountAfterRandomSetAndClear) {
  std::cout << "seed " << kMomentsSeed << "\n";
  std::mt19937 rng(kMomentsSeed);
  constexpr int kRows = 37;
  constexpr int kColumns = 5;
  ItemMarks marks(kRows, kColumns, 0.5);
  std::uniform_int_distribution<int> row(0, kRows - 1);
  std::uniform_int_distribution<int> column(0, kColumns - 1);
  std::uniform_int_distribution<int> quanta(0, 200);
  std::bernoulli_distribution clear(0.3);
  for (int step = 0; step < 5000; ++step) {
    const int r = row(rng);
    const int c = column(rng);
    if (clear(rng)) {
      marks.Clear(r, c);
    } else {
      marks.Set(r, c, quanta(rng));
    }
    if (step % 50 != 0) continue;
    ItemMarks recounted = marks;
    recounted.RecountMoments();
    ASSERT_EQ(marks.count(), recounted.count()) << "seed " << kMomentsSeed << " step " << step;
    ASSERT_EQ(marks.sum(), recounted.sum()) << "seed " << kMomentsSeed << " step " << step;
    ASSERT_EQ(marks.sum_squares(), recounted.sum_squares())
        << "seed " << kMomentsSeed << " step " << step;
    // And both agree with a plain count over the present cells.
    for (int cc = 0; cc < kColumns; ++cc) {
      std::int64_t n = 0, sum = 0, sum_squares = 0;
      for (int rr = 0; rr < kRows; ++rr) {
        if (!marks.present(rr, cc)) continue;
        ++n;
        sum += marks.quanta(rr, cc);
        sum_squares += std::int64_t{marks.quanta(rr, cc)} * marks.quanta(rr, cc);
      }
      ASSERT_EQ(marks.count()(cc), n) << "seed " << kMomentsSeed << " step " << step;
      ASSERT_EQ(marks.sum()(cc), sum) << "seed " << kMomentsSeed << " step " << step;
      ASSERT_EQ(marks.sum_squares()(cc), sum_squares)
          << "seed " << kMomentsSeed << " step " << step;
    }
  }
  EXPECT_EQ(marks.total_count(), marks.count().sum());
}

TEST(ItemMarksTest, SetReplacesAndClearOfEmptyCellIsNoOp) {
  ItemMarks marks(2, 1, 0.5);
  marks.Set(0, 0, 10);
  marks.Set(0, 0, 14);  // a correction
  marks.Clear(1, 0);    // nothing there
  EXPECT_EQ(marks.count()(0), 1);
  EXPECT_EQ(marks.sum()(0), 14);
  EXPECT_EQ(marks.sum_squares()(0), 196);
  EXPECT_EQ(marks.value(0, 0), 7.0);
  marks.Clear(0, 0);
  EXPECT_FALSE(marks.present(0, 0));
  EXPECT_EQ(marks.quanta(0, 0), 0);
  EXPECT_EQ(marks.count()(0), 0);
  EXPECT_EQ(marks.sum()(0), 0);
  EXPECT_EQ(marks.sum_squares()(0), 0);
}

TEST(ItemMarksTest, ZeroMarkIsPresent) {
  ItemMarks marks(1, 2, 1);
  marks.Set(0, 1, 0);
  EXPECT_FALSE(marks.present(0, 0));
  EXPECT_TRUE(marks.present(0, 1));
  EXPECT_EQ(marks.count()(1), 1);
  EXPECT_EQ(marks.total_count(), 1);
}

}  // namespace
}  // namespace podium::engine
