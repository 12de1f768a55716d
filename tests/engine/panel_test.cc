#include "podium/engine/panel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <limits>
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
#include "podium/engine/normalize.h"
#include "podium/engine/score_matrix.h"

namespace podium::engine {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::SizeIs;

// Scores are compared against hand-computed values with this much slack.
constexpr double kScoreTolerance = 1e-9;
constexpr std::nullopt_t kNoMark = std::nullopt;
constexpr double kInf = std::numeric_limits<double>::infinity();

using Row = std::vector<std::optional<double>>;
using MarkCounts = Eigen::Array<std::uint8_t, Eigen::Dynamic, 1>;
using Flags = Eigen::Array<bool, Eigen::Dynamic, 1>;

// ItemMarks holding `rows` (one vector per contestant, one entry per seat).
ItemMarks MakeMarks(const std::vector<Row>& rows, double step) {
  const int columns = rows.empty() ? 0 : static_cast<int>(rows[0].size());
  ItemMarks marks(static_cast<int>(rows.size()), columns, step);
  for (int r = 0; r < static_cast<int>(rows.size()); ++r) {
    for (int c = 0; c < columns; ++c) {
      if (rows[r][c]) marks.Set(r, c, static_cast<std::int32_t>(std::llround(*rows[r][c] / step)));
    }
  }
  return marks;
}

// Per-row outputs for every row of an item; scores start as NaN so rows that
// were not aggregated are visible.
struct PanelResult {
  explicit PanelResult(int rows)
      : score(ScoreVector::Constant(rows, std::nan(""))),
        marks(MarkCounts::Constant(rows, 255)),
        flagged(Flags::Constant(rows, false)) {}
  ScoreVector score;
  MarkCounts marks;
  Flags flagged;
};

void Aggregate(const ItemMarks& marks, const JudgeAdjustment& adjustment, const PanelParams& params,
               int first, int count, PanelResult& result) {
  AggregatePanel(marks, adjustment, params, first, count,
                 PanelOutput{result.score, result.marks, result.flagged});
}

PanelResult AggregateAll(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                         const PanelParams& params) {
  PanelResult result(marks.rows());
  Aggregate(marks, adjustment, params, 0, marks.rows(), result);
  return result;
}

PanelParams Params(PanelRule rule, int trim, double mark_max, double tolerance = kInf) {
  PanelParams params;
  params.rule = rule;
  params.trim = trim;
  params.mark_max = mark_max;
  params.tolerance = tolerance;
  return params;
}

PanelParams Judgement03Params(double item_max) {
  ItemSpec item;
  item.max = item_max;
  item.step = 1;
  item.marking = Marking::kJudgement;
  item.rule = PanelRule::kJudgement03;
  return PanelParams::For(item);
}

std::string RowToString(const Row& row) {
  std::string s;
  for (const auto& mark : row) {
    if (!s.empty()) s += ", ";
    s += mark ? std::to_string(*mark) : "-";
  }
  return "[" + s + "]";
}

// ---------------------------------------------------------------------------
// Hand-computed item scores, one case per rule and situation.

struct PanelCase {
  std::string name;
  PanelParams params;
  double step = 0.5;
  Row row;
  double expected_score = 0;
  int expected_marks = 0;
};

void PrintTo(const PanelCase& c, std::ostream* os) { *os << c.name << " " << RowToString(c.row); }

std::vector<PanelCase> HandComputedCases() {
  const PanelParams mean = Params(PanelRule::kMean, 1, 10);
  const PanelParams trimmed1 = Params(PanelRule::kTrimmed, 1, 10);
  const PanelParams trimmed2 = Params(PanelRule::kTrimmed, 2, 10);
  const PanelParams median = Params(PanelRule::kMedian, 1, 10);
  const PanelParams judgement = Judgement03Params(20);
  return {
      // mean
      {"Mean_FiveMarks", mean, 0.5, {7, 8, 8.5, 9, 10}, 8.5, 5},
      {"Mean_MissingMark", mean, 0.5, {7, kNoMark, 9}, 8, 2},
      {"Mean_OneMark", mean, 0.5, {kNoMark, 6.5, kNoMark}, 6.5, 1},
      {"Mean_NoMarksScoresZero", mean, 0.5, {kNoMark, kNoMark, kNoMark}, 0, 0},
      {"Mean_RepeatingFraction", mean, 0.5, {7, 7, 8}, 22.0 / 3, 3},
      // trimmed, trim 1
      {"TrimmedK1_FiveMarks", trimmed1, 0.5, {7, 8, 8.5, 9, 10}, 8.5, 5},
      {"TrimmedK1_FiveMarksInAnyOrder", trimmed1, 0.5, {10, 7, 9, 8.5, 8}, 8.5, 5},
      {"TrimmedK1_OutlierIsDropped", trimmed1, 0.5, {8, 8, 0, 9, 8}, 8, 5},
      {"TrimmedK1_MissingMark", trimmed1, 0.5, {6, kNoMark, 9, 7.5, 10}, 8.25, 4},
      {"TrimmedK1_ThreeMarksGiveMedian", trimmed1, 0.5, {5, kNoMark, 9, 6, kNoMark}, 6, 3},
      {"TrimmedK1_TwoMarksTrimShrinksToZero",
       trimmed1,
       0.5,
       {6, kNoMark, 9, kNoMark, kNoMark},
       7.5,
       2},
      {"TrimmedK1_OneMark", trimmed1, 0.5, {kNoMark, kNoMark, 4, kNoMark, kNoMark}, 4, 1},
      {"TrimmedK1_NoMarksScoresZero", trimmed1, 0.5, {kNoMark, kNoMark, kNoMark}, 0, 0},
      // trimmed, trim 2
      {"TrimmedK2_SevenMarks", trimmed2, 0.5, {5, 6, 7, 8, 9, 9.5, 10}, 8, 7},
      {"TrimmedK2_SixMarks", trimmed2, 0.5, {1, 2, 3, 4, 5, 6, kNoMark}, 3.5, 6},
      {"TrimmedK2_FiveMarksGiveMedian",
       trimmed2,
       0.5,
       {7, 8, 8.5, 9, 10, kNoMark, kNoMark},
       8.5,
       5},
      {"TrimmedK2_FourMarksTrimShrinksToOne",
       trimmed2,
       0.5,
       {6, kNoMark, 9, 7.5, 10, kNoMark, kNoMark},
       8.25,
       4},
      {"TrimmedK2_ThreeMarksGiveMedian",
       trimmed2,
       0.5,
       {3, kNoMark, 9, kNoMark, 6, kNoMark, kNoMark},
       6,
       3},
      {"TrimmedK2_TwoMarksGiveMean",
       trimmed2,
       0.5,
       {kNoMark, 2, kNoMark, 5, kNoMark, kNoMark, kNoMark},
       3.5,
       2},
      // median
      {"Median_OddCount", median, 0.5, {7, 10, 8, 9, 8.5}, 8.5, 5},
      {"Median_EvenCountMeansMiddleTwo", median, 0.5, {6, kNoMark, 9, 7.5, 10}, 8.25, 4},
      {"Median_TwoMarks", median, 0.5, {4, kNoMark, 5}, 4.5, 2},
      {"Median_OneMark", median, 0.5, {kNoMark, 3.5, kNoMark}, 3.5, 1},
      {"Median_IgnoresOutliers", median, 0.5, {0, 8, 10, 10, 8.5}, 8.5, 5},
      {"Median_NoMarksScoresZero", median, 0.5, {kNoMark, kNoMark}, 0, 0},
      // judgement-0-3 on an item with max 20: score = 20 * mean / 3
      {"Judgement03_FiveMarks", judgement, 1, {2, 3, 2, 2, 3}, 16, 5},
      {"Judgement03_MeanOfOne", judgement, 1, {0, 1, 2}, 20.0 / 3, 3},
      {"Judgement03_AllThrees", judgement, 1, {3, 3, 3}, 20, 3},
      {"Judgement03_AllZeros", judgement, 1, {0, 0, 0}, 0, 3},
      {"Judgement03_MissingMark", judgement, 1, {3, kNoMark, 1}, 40.0 / 3, 2},
      {"Judgement03_NoMarksScoresZero", judgement, 1, {kNoMark, kNoMark, kNoMark}, 0, 0},
  };
}

class AggregatePanelCaseTest : public ::testing::TestWithParam<PanelCase> {};

TEST_P(AggregatePanelCaseTest, ScoresRowAsComputedByHand) {
  const PanelCase& c = GetParam();
  const ItemMarks marks = MakeMarks({c.row}, c.step);
  const PanelResult result =
      AggregateAll(marks, JudgeAdjustment::Identity(marks.columns()), c.params);
  EXPECT_NEAR(result.score(0), c.expected_score, kScoreTolerance)
      << "marks " << RowToString(c.row) << ": expected " << c.expected_score << ", actual "
      << result.score(0);
  EXPECT_EQ(result.marks(0), c.expected_marks) << "marks " << RowToString(c.row);
}

TEST_P(AggregatePanelCaseTest, ExplainKeepsTheMarksThatMakeTheScore) {
  const PanelCase& c = GetParam();
  const ItemMarks marks = MakeMarks({c.row}, c.step);
  const std::vector<SeatMark> seats =
      ExplainPanel(marks, JudgeAdjustment::Identity(marks.columns()), c.params, 0);
  ASSERT_THAT(seats, SizeIs(c.expected_marks));
  double kept_sum = 0;
  int kept = 0;
  for (const SeatMark& seat : seats) {
    ASSERT_TRUE(c.row[seat.column].has_value()) << "seat " << seat.column << " has no mark";
    EXPECT_EQ(seat.raw, *c.row[seat.column]);
    EXPECT_EQ(seat.adjusted, *c.row[seat.column]);
    if (!seat.dropped) {
      kept_sum += seat.adjusted;
      ++kept;
    }
  }
  const double explained = kept > 0 ? c.params.score_scale * kept_sum / kept : 0.0;
  EXPECT_NEAR(explained, c.expected_score, kScoreTolerance)
      << "marks " << RowToString(c.row) << ": expected " << c.expected_score << ", explained "
      << explained;
}

INSTANTIATE_TEST_SUITE_P(AllRules, AggregatePanelCaseTest, ::testing::ValuesIn(HandComputedCases()),
                         [](const ::testing::TestParamInfo<PanelCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------
// Properties that hold for every rule, on many random rows, whatever the
// adjustment (identity, inside [0, max], needing clamps, mixed) and whether
// judges' columns are complete or have gaps.

struct RuleConfig {
  std::string name;
  PanelParams params;
  double step = 0.5;
  int columns = 5;
};

std::vector<RuleConfig> AllRuleConfigs() {
  return {
      {"Mean", Params(PanelRule::kMean, 1, 10, 2), 0.5, 5},
      {"TrimmedK1", Params(PanelRule::kTrimmed, 1, 10, 2), 0.5, 5},
      {"TrimmedK2", Params(PanelRule::kTrimmed, 2, 10, 2), 0.5, 7},
      {"Median", Params(PanelRule::kMedian, 1, 10, 2), 0.5, 6},
      {"Judgement03", Judgement03Params(20), 1, 5},
  };
}

enum class AdjustmentKind { kIdentity, kInsideRange, kNeedsClamp, kMixed };
enum class PresenceKind { kGaps, kComplete, kSomeColumnsComplete };

struct PanelProperty {
  RuleConfig rule;
  AdjustmentKind adjustment;
  PresenceKind presence;
  std::string name;
};

void PrintTo(const PanelProperty& p, std::ostream* os) { *os << p.name; }

std::vector<PanelProperty> AllPanelProperties() {
  const std::pair<AdjustmentKind, std::string> adjustments[] = {
      {AdjustmentKind::kIdentity, "Identity"},
      {AdjustmentKind::kInsideRange, "InsideRange"},
      {AdjustmentKind::kNeedsClamp, "NeedsClamp"},
      {AdjustmentKind::kMixed, "Mixed"}};
  const std::pair<PresenceKind, std::string> presences[] = {
      {PresenceKind::kGaps, "Gaps"},
      {PresenceKind::kComplete, "Complete"},
      {PresenceKind::kSomeColumnsComplete, "SomeColumnsComplete"}};
  std::vector<PanelProperty> all;
  for (const RuleConfig& rule : AllRuleConfigs()) {
    for (const auto& [adjustment, adjustment_name] : adjustments) {
      for (const auto& [presence, presence_name] : presences) {
        all.push_back(
            {rule, adjustment, presence, rule.name + "_" + adjustment_name + "_" + presence_name});
      }
    }
  }
  return all;
}

constexpr std::uint32_t kPanelSeed = 20260315;
// More than one block (256 rows) and not a multiple of it.
constexpr int kManyRows = 700;

// Random marks uniform over [0, mark_max]; gaps (about 15% missing) where the
// presence kind asks for them.
ItemMarks RandomMarks(const RuleConfig& config, PresenceKind presence, int rows,
                      std::mt19937& rng) {
  const int max_quanta = static_cast<int>(std::llround(config.params.mark_max / config.step));
  std::uniform_int_distribution<int> quanta(0, max_quanta);
  std::bernoulli_distribution present(0.85);
  ItemMarks marks(rows, config.columns, config.step);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < config.columns; ++c) {
      const bool complete = presence == PresenceKind::kComplete ||
                            (presence == PresenceKind::kSomeColumnsComplete && c % 2 == 0);
      if (complete || present(rng)) marks.Set(r, c, quanta(rng));
    }
  }
  return marks;
}

JudgeAdjustment MakeAdjustment(AdjustmentKind kind, int columns, double mark_max) {
  JudgeAdjustment adjustment = JudgeAdjustment::Identity(columns);
  for (int c = 0; c < columns; ++c) {
    switch (kind) {
      case AdjustmentKind::kIdentity:
        break;
      case AdjustmentKind::kInsideRange:  // maps [0, max] into itself
        adjustment.scale(c) = 0.9 - 0.02 * c;
        adjustment.offset(c) = 0.05 * mark_max;
        break;
      case AdjustmentKind::kNeedsClamp:  // pushes some marks below 0 or above max
        adjustment.scale(c) = 0.83 + 0.071 * c;
        adjustment.offset(c) = -0.61 + 0.37 * c;
        break;
      case AdjustmentKind::kMixed:
        if (c % 3 == 1) {
          adjustment.scale(c) = 1.2;
          adjustment.offset(c) = -0.5;
        } else if (c % 3 == 2) {
          adjustment.scale(c) = 0.8;
          adjustment.offset(c) = 0.1;
        }
        break;
    }
  }
  return adjustment;
}

class PanelRuleTest : public ::testing::TestWithParam<PanelProperty> {
 protected:
  const RuleConfig& config() const { return GetParam().rule; }
  ItemMarks Marks(int rows, std::uint32_t seed) const {
    std::mt19937 rng(seed);
    return RandomMarks(config(), GetParam().presence, rows, rng);
  }
  JudgeAdjustment Adjustment() const {
    return MakeAdjustment(GetParam().adjustment, config().columns, config().params.mark_max);
  }
};

TEST_P(PanelRuleTest, RowAloneIsBitIdenticalToRowInBlock) {
  std::cout << "seed " << kPanelSeed << "\n";
  const ItemMarks marks = Marks(kManyRows, kPanelSeed);
  const JudgeAdjustment adjustment = Adjustment();
  const PanelResult block = AggregateAll(marks, adjustment, config().params);
  PanelResult alone(kManyRows);
  for (int r = 0; r < kManyRows; ++r) Aggregate(marks, adjustment, config().params, r, 1, alone);
  // An unaligned range that straddles block boundaries.
  PanelResult range(kManyRows);
  Aggregate(marks, adjustment, config().params, 37, 500, range);
  for (int r = 0; r < kManyRows; ++r) {
    EXPECT_EQ(alone.score(r), block.score(r)) << "seed " << kPanelSeed << " row " << r;
    EXPECT_EQ(alone.marks(r), block.marks(r)) << "seed " << kPanelSeed << " row " << r;
    EXPECT_EQ(alone.flagged(r), block.flagged(r)) << "seed " << kPanelSeed << " row " << r;
    if (r >= 37 && r < 537) {
      EXPECT_EQ(range.score(r), block.score(r)) << "seed " << kPanelSeed << " row " << r;
    } else {
      EXPECT_TRUE(std::isnan(range.score(r))) << "row " << r << " outside the range was written";
    }
    if (HasFailure()) break;
  }
}

TEST_P(PanelRuleTest, SameMarksGiveSameScoreInEveryBlock) {
  std::cout << "seed " << kPanelSeed << "\n";
  const ItemMarks one = Marks(1, kPanelSeed);
  ItemMarks marks(kManyRows, config().columns, config().step);
  for (int r = 0; r < kManyRows; ++r) {
    for (int c = 0; c < config().columns; ++c) {
      if (one.present(0, c)) marks.Set(r, c, one.quanta(0, c));
    }
  }
  const PanelResult result = AggregateAll(marks, Adjustment(), config().params);
  for (int r = 1; r < kManyRows; ++r) {
    ASSERT_EQ(result.score(r), result.score(0)) << "seed " << kPanelSeed << " row " << r;
  }
}

// Marks dropped from each end by the rule, from docs/competition-format.md.
int DroppedPerEnd(const PanelParams& params, int n) {
  switch (params.rule) {
    case PanelRule::kTrimmed:
      return std::min(params.trim, (n - 1) / 2);
    case PanelRule::kMedian:
      return (n - 1) / 2;
    default:
      return 0;
  }
}

// Checks one row's outputs against ExplainPanel and the raw marks.
TEST_P(PanelRuleTest, AggregateAgreesWithExplainAndRawMarks) {
  std::cout << "seed " << kPanelSeed + 1 << "\n";
  const ItemMarks marks = Marks(kManyRows, kPanelSeed + 1);
  const JudgeAdjustment adjustment = Adjustment();
  const PanelParams& params = config().params;
  const PanelResult result = AggregateAll(marks, adjustment, params);
  for (int r = 0; r < kManyRows; ++r) {
    SCOPED_TRACE("seed " + std::to_string(kPanelSeed + 1) + " row " + std::to_string(r));
    const std::vector<SeatMark> seats = ExplainPanel(marks, adjustment, params, r);
    ASSERT_EQ(static_cast<int>(seats.size()), result.marks(r));
    double kept_sum = 0;
    int kept = 0;
    double lowest_kept = kInf, highest_kept = -kInf;
    double raw_lo = kInf, raw_hi = -kInf;
    for (const SeatMark& seat : seats) {
      ASSERT_TRUE(marks.present(r, seat.column));
      ASSERT_EQ(seat.raw, marks.value(r, seat.column));
      const double expected_adjusted =
          std::clamp(adjustment.scale(seat.column) * seat.raw + adjustment.offset(seat.column), 0.0,
                     params.mark_max);
      ASSERT_EQ(seat.adjusted, expected_adjusted) << "seat " << seat.column;
      raw_lo = std::min(raw_lo, seat.raw);
      raw_hi = std::max(raw_hi, seat.raw);
      if (seat.dropped) continue;
      kept_sum += seat.adjusted;
      ++kept;
      lowest_kept = std::min(lowest_kept, seat.adjusted);
      highest_kept = std::max(highest_kept, seat.adjusted);
    }
    const int n = static_cast<int>(seats.size());
    const int drop = DroppedPerEnd(params, n);
    ASSERT_EQ(n - kept, 2 * drop);
    // The dropped marks are the extremes.
    int below = 0, above = 0;
    for (const SeatMark& seat : seats) {
      if (!seat.dropped) continue;
      below += seat.adjusted <= lowest_kept ? 1 : 0;
      above += seat.adjusted >= highest_kept ? 1 : 0;
    }
    EXPECT_GE(below, drop);
    EXPECT_GE(above, drop);
    const double expected = kept > 0 ? params.score_scale * kept_sum / kept : 0.0;
    EXPECT_NEAR(result.score(r), expected, kScoreTolerance)
        << "expected " << expected << ", actual " << result.score(r);
    // Raw marks are multiples of 0.5 or 1, so the spread is exact.
    const bool expected_flag = n >= 2 && raw_hi - raw_lo > params.tolerance;
    EXPECT_EQ(result.flagged(r), expected_flag)
        << "raw spread " << raw_hi - raw_lo << ", tolerance " << params.tolerance;
    if (HasFailure()) break;
  }
}

INSTANTIATE_TEST_SUITE_P(AllRules, PanelRuleTest, ::testing::ValuesIn(AllPanelProperties()),
                         [](const ::testing::TestParamInfo<PanelProperty>& info) {
                           return info.param.name;
                         });

TEST(AggregatePanelTest, ScoreStaysWithinZeroAndMaxWhateverTheAdjustment) {
  for (const RuleConfig& config : AllRuleConfigs()) {
    SCOPED_TRACE(config.name);
    std::mt19937 rng(kPanelSeed + 2);
    const ItemMarks marks = RandomMarks(config, PresenceKind::kGaps, kManyRows, rng);
    JudgeAdjustment adjustment = JudgeAdjustment::Identity(config.columns);
    for (int c = 0; c < config.columns; ++c) {
      adjustment.scale(c) = 3.0;
      adjustment.offset(c) = c % 2 == 0 ? -config.params.mark_max : config.params.mark_max;
    }
    const PanelResult result = AggregateAll(marks, adjustment, config.params);
    const double item_max = config.params.mark_max * config.params.score_scale;
    for (int r = 0; r < kManyRows; ++r) {
      ASSERT_GE(result.score(r), 0.0) << "seed " << kPanelSeed + 2 << " row " << r;
      ASSERT_LE(result.score(r), item_max) << "seed " << kPanelSeed + 2 << " row " << r;
    }
  }
}

// ---------------------------------------------------------------------------
// Spread flags.

TEST(AggregatePanelTest, SpreadAboveToleranceIsFlagged) {
  const ItemMarks marks = MakeMarks({{7, 8, 9.5}, {7, 8, 9}, {7, kNoMark, 9.5}}, 0.5);
  const PanelResult result = AggregateAll(marks, JudgeAdjustment::Identity(3),
                                          Params(PanelRule::kTrimmed, 1, 10, /*tolerance=*/2));
  EXPECT_TRUE(result.flagged(0)) << "spread 2.5 > 2";
  EXPECT_FALSE(result.flagged(1)) << "spread 2 is exactly the tolerance";
  EXPECT_TRUE(result.flagged(2)) << "spread 2.5 > 2 with a missing mark";
}

TEST(AggregatePanelTest, SpreadExactlyAtDecimalToleranceIsNotFlagged) {
  // 7.1 and 7.4 as multiples of 0.1 differ by 0.30000000000000071 in doubles.
  const ItemMarks marks = MakeMarks({{7.1, 7.4}, {7.1, 7.5}}, 0.1);
  const PanelResult result = AggregateAll(marks, JudgeAdjustment::Identity(2),
                                          Params(PanelRule::kMean, 1, 10, /*tolerance=*/0.3));
  EXPECT_FALSE(result.flagged(0));
  EXPECT_TRUE(result.flagged(1));
}

TEST(AggregatePanelTest, ZeroToleranceFlagsAnyDisagreement) {
  const ItemMarks marks = MakeMarks({{8, 8, 8}, {8, 8.5, 8}}, 0.5);
  const PanelResult result =
      AggregateAll(marks, JudgeAdjustment::Identity(3), Params(PanelRule::kMedian, 1, 10, 0));
  EXPECT_FALSE(result.flagged(0));
  EXPECT_TRUE(result.flagged(1));
}

TEST(AggregatePanelTest, SingleMarkIsNeverFlagged) {
  const ItemMarks marks = MakeMarks({{kNoMark, 9, kNoMark}, {kNoMark, kNoMark, kNoMark}}, 0.5);
  const PanelResult result =
      AggregateAll(marks, JudgeAdjustment::Identity(3), Params(PanelRule::kMean, 1, 10, 0));
  EXPECT_FALSE(result.flagged(0));
  EXPECT_FALSE(result.flagged(1));
}

TEST(AggregatePanelTest, SpreadIsMeasuredOnRawMarks) {
  // Raw spread 2 (not flagged) although the adjusted spread is 4; raw spread 2.5
  // (flagged) although the adjustment shrinks it to 1.25.
  const ItemMarks marks = MakeMarks({{6, 8}, {6, 8.5}}, 0.5);
  JudgeAdjustment stretch = JudgeAdjustment::Identity(2);
  stretch.scale << 2, 2;
  stretch.offset << -8, -8;
  EXPECT_FALSE(AggregateAll(marks, stretch, Params(PanelRule::kMean, 1, 10, 2)).flagged(0));
  JudgeAdjustment shrink = JudgeAdjustment::Identity(2);
  shrink.scale << 0.5, 0.5;
  EXPECT_TRUE(AggregateAll(marks, shrink, Params(PanelRule::kMean, 1, 10, 2)).flagged(1));
}

TEST(AggregatePanelTest, Judgement03FlagsSpreadAboveOne) {
  const ItemMarks marks = MakeMarks({{1, 2, 2}, {1, 3, 2}, {3, 3, 3}}, 1);
  const PanelResult result =
      AggregateAll(marks, JudgeAdjustment::Identity(3), Judgement03Params(10));
  EXPECT_FALSE(result.flagged(0));
  EXPECT_TRUE(result.flagged(1));
  EXPECT_FALSE(result.flagged(2));
}

// ---------------------------------------------------------------------------
// Adjusted marks and clamping.

TEST(AggregatePanelTest, AdjustedMarksAreClampedToZeroAndMax) {
  // Seat 0: 9 + 3 = 12 -> 10. Seat 1: 2 - 5 = -3 -> 0. Seat 2: 5 as entered.
  const ItemMarks marks = MakeMarks({{9, 2, 5}}, 0.5);
  JudgeAdjustment adjustment = JudgeAdjustment::Identity(3);
  adjustment.offset << 3, -5, 0;
  const PanelParams params = Params(PanelRule::kMean, 1, 10);
  const PanelResult result = AggregateAll(marks, adjustment, params);
  EXPECT_NEAR(result.score(0), 5.0, kScoreTolerance)
      << "expected (10 + 0 + 5) / 3 = 5, actual " << result.score(0);
  EXPECT_THAT(ExplainPanel(marks, adjustment, params, 0),
              ElementsAre(AllOf(Field(&SeatMark::raw, 9.0), Field(&SeatMark::adjusted, 10.0)),
                          AllOf(Field(&SeatMark::raw, 2.0), Field(&SeatMark::adjusted, 0.0)),
                          AllOf(Field(&SeatMark::raw, 5.0), Field(&SeatMark::adjusted, 5.0))));
}

TEST(AggregatePanelTest, ClampingHappensBeforeTrimming) {
  // Adjusted: 10 (from 12), 10 (from 11), 9, 8, 0 (from -1): trimmed k=1 keeps 10, 9, 8.
  const ItemMarks marks = MakeMarks({{9, 8, 9, 8, 1}}, 0.5);
  JudgeAdjustment adjustment = JudgeAdjustment::Identity(5);
  adjustment.offset << 3, 3, 0, 0, -2;
  const PanelResult result = AggregateAll(marks, adjustment, Params(PanelRule::kTrimmed, 1, 10));
  EXPECT_NEAR(result.score(0), 9.0, kScoreTolerance)
      << "expected (10 + 9 + 8) / 3 = 9, actual " << result.score(0);
}

TEST(AggregatePanelTest, Judgement03ClampsAdjustedMarksToThree) {
  // 3 * 1.5 = 4.5 -> 3 and 2 * 1.5 = 3: mean 3, score = max.
  const ItemMarks marks = MakeMarks({{3, 2}}, 1);
  JudgeAdjustment adjustment = JudgeAdjustment::Identity(2);
  adjustment.scale << 1.5, 1.5;
  const PanelResult result = AggregateAll(marks, adjustment, Judgement03Params(20));
  EXPECT_NEAR(result.score(0), 20.0, kScoreTolerance) << "expected 20, actual " << result.score(0);
}

TEST(AggregatePanelTest, OnlyTheRequestedRowsAreWritten) {
  const ItemMarks marks = MakeMarks({{1, 2}, {3, 4}, {5, 6}, {7, 8}}, 0.5);
  PanelResult result(4);
  Aggregate(marks, JudgeAdjustment::Identity(2), Params(PanelRule::kMean, 1, 10), 1, 2, result);
  EXPECT_TRUE(std::isnan(result.score(0)));
  EXPECT_EQ(result.score(1), 3.5);
  EXPECT_EQ(result.score(2), 5.5);
  EXPECT_TRUE(std::isnan(result.score(3)));
  EXPECT_EQ(result.marks(0), 255);
  EXPECT_EQ(result.marks(1), 2);
  EXPECT_EQ(result.marks(3), 255);
}

// ---------------------------------------------------------------------------
// ExplainPanel: which seats were dropped.

std::vector<bool> DroppedFlags(const std::vector<SeatMark>& seats) {
  std::vector<bool> dropped;
  for (const SeatMark& seat : seats) dropped.push_back(seat.dropped);
  return dropped;
}

std::vector<int> Columns(const std::vector<SeatMark>& seats) {
  std::vector<int> columns;
  for (const SeatMark& seat : seats) columns.push_back(seat.column);
  return columns;
}

TEST(ExplainPanelTest, TrimmedK1DropsOneLowestAndOneHighest) {
  const ItemMarks marks = MakeMarks({{8.5, 10, 7, 9, 8}}, 0.5);
  const std::vector<SeatMark> seats =
      ExplainPanel(marks, JudgeAdjustment::Identity(5), Params(PanelRule::kTrimmed, 1, 10), 0);
  EXPECT_THAT(Columns(seats), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(DroppedFlags(seats), ElementsAre(false, true, true, false, false));
}

TEST(ExplainPanelTest, TiedMinimaDropTheEarliestSeatAndTiedMaximaTheLatest) {
  // Lowest 7 at seats 1 and 3: seat 1 is dropped. Highest 9 at seats 2 and 4: seat 4.
  const ItemMarks marks = MakeMarks({{8, 7, 9, 7, 9}}, 0.5);
  const PanelParams params = Params(PanelRule::kTrimmed, 1, 10);
  EXPECT_THAT(DroppedFlags(ExplainPanel(marks, JudgeAdjustment::Identity(5), params, 0)),
              ElementsAre(false, true, false, false, true));
  EXPECT_NEAR(AggregateAll(marks, JudgeAdjustment::Identity(5), params).score(0), 8.0,
              kScoreTolerance);
}

TEST(ExplainPanelTest, AllEqualMarksDropEarliestAtBottomAndLatestAtTop) {
  const ItemMarks marks = MakeMarks({{8, 8, 8, 8, 8, 8, 8}}, 0.5);
  EXPECT_THAT(DroppedFlags(ExplainPanel(marks, JudgeAdjustment::Identity(7),
                                        Params(PanelRule::kTrimmed, 2, 10), 0)),
              ElementsAre(true, true, false, false, false, true, true));
  EXPECT_THAT(DroppedFlags(ExplainPanel(marks, JudgeAdjustment::Identity(7),
                                        Params(PanelRule::kMedian, 1, 10), 0)),
              ElementsAre(true, true, true, false, true, true, true));
}

TEST(ExplainPanelTest, MissingSeatsAreLeftOutAndTrimShrinks) {
  // Four marks with trim 2: the trim shrinks to 1, so 6 (seat 0) and 10 (seat 4) go.
  const ItemMarks marks = MakeMarks({{6, kNoMark, 9, 7.5, 10}}, 0.5);
  const std::vector<SeatMark> seats =
      ExplainPanel(marks, JudgeAdjustment::Identity(5), Params(PanelRule::kTrimmed, 2, 10), 0);
  EXPECT_THAT(Columns(seats), ElementsAre(0, 2, 3, 4));
  EXPECT_THAT(DroppedFlags(seats), ElementsAre(true, false, false, true));
}

TEST(ExplainPanelTest, MedianOfEvenCountKeepsMiddleTwo) {
  const ItemMarks marks = MakeMarks({{10, 6, 9, 7.5}}, 0.5);
  EXPECT_THAT(DroppedFlags(ExplainPanel(marks, JudgeAdjustment::Identity(4),
                                        Params(PanelRule::kMedian, 1, 10), 0)),
              ElementsAre(true, true, false, false));
}

TEST(ExplainPanelTest, MeanAndJudgement03DropNothing) {
  const ItemMarks marks = MakeMarks({{0, 3, 1, 3, 0}}, 1);
  EXPECT_THAT(DroppedFlags(ExplainPanel(marks, JudgeAdjustment::Identity(5),
                                        Params(PanelRule::kMean, 1, 10), 0)),
              ElementsAre(false, false, false, false, false));
  EXPECT_THAT(
      DroppedFlags(ExplainPanel(marks, JudgeAdjustment::Identity(5), Judgement03Params(9), 0)),
      ElementsAre(false, false, false, false, false));
}

TEST(ExplainPanelTest, TrimmingOrdersByAdjustedMarksNotRaw) {
  // Raw 9, 8, 7; adjusted 6, 8, 7. The adjusted extremes are dropped: seat 0 and seat 1.
  const ItemMarks marks = MakeMarks({{9, 8, 7}}, 0.5);
  JudgeAdjustment adjustment = JudgeAdjustment::Identity(3);
  adjustment.offset << -3, 0, 0;
  const PanelParams params = Params(PanelRule::kTrimmed, 1, 10);
  const std::vector<SeatMark> seats = ExplainPanel(marks, adjustment, params, 0);
  EXPECT_THAT(DroppedFlags(seats), ElementsAre(true, true, false));
  EXPECT_EQ(seats[0].raw, 9.0);
  EXPECT_EQ(seats[0].adjusted, 6.0);
  EXPECT_NEAR(AggregateAll(marks, adjustment, params).score(0), 7.0, kScoreTolerance);
}

TEST(ExplainPanelTest, RowWithoutMarksExplainsNothing) {
  const ItemMarks marks = MakeMarks({{kNoMark, kNoMark}}, 0.5);
  EXPECT_THAT(
      ExplainPanel(marks, JudgeAdjustment::Identity(2), Params(PanelRule::kTrimmed, 1, 10), 0),
      SizeIs(0));
}

// ---------------------------------------------------------------------------
// PanelParams::For

TEST(PanelParamsTest, CopiesTheItemRule) {
  ItemSpec item;
  item.max = 20;
  item.marking = Marking::kJudgement;
  item.rule = PanelRule::kTrimmed;
  item.trim = 2;
  item.tolerance = 1.5;
  const PanelParams params = PanelParams::For(item);
  EXPECT_EQ(params.rule, PanelRule::kTrimmed);
  EXPECT_EQ(params.trim, 2);
  EXPECT_EQ(params.mark_max, 20);
  EXPECT_EQ(params.score_scale, 1);
  EXPECT_EQ(params.tolerance, 1.5);
}

TEST(PanelParamsTest, Judgement03MarksAreZeroToThreeWithToleranceOne) {
  ItemSpec item;
  item.max = 15;
  item.step = 1;
  item.rule = PanelRule::kJudgement03;
  item.tolerance = 4;
  const PanelParams params = PanelParams::For(item);
  EXPECT_EQ(params.rule, PanelRule::kJudgement03);
  EXPECT_EQ(params.mark_max, 3);
  EXPECT_EQ(params.score_scale, 5);
  EXPECT_EQ(params.tolerance, 1);
}

TEST(PanelParamsTest, MeasurementIsAPlainMean) {
  ItemSpec item;
  item.max = 100;
  item.marking = Marking::kMeasurement;
  item.rule = PanelRule::kMedian;
  const PanelParams params = PanelParams::For(item);
  EXPECT_EQ(params.rule, PanelRule::kMean);
  EXPECT_EQ(params.mark_max, 100);
}

}  // namespace
}  // namespace podium::engine
