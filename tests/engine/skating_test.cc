#include "podium/engine/skating.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Where the worked examples come from. Each test names its source, rule and
// example. Except for [DancePartner], the numbers were taken from public
// transcriptions of the rule books, cross-checked where two exist, and every
// judge's column was checked to be a permutation before use (docs/skating.md,
// "Sources of the worked examples").
//
// [WDSF] "The Skating System", the teaching document linked from the WDSF
//   competition rules, https://www.worlddancesport.org/Document/99473179446/The-Skating-System.pdf
//   (reproduced as Svenska Danssportförbundet, "The Skating System", version 1,
//   2024-09-01). Examples of rules 5-8, couples 51-56, 61-66, 71-76, 81-86.
//   Numbers from the transcription in github.com/placerte/skating-system,
//   tests/test_skating_rules_audit.py, which also gives the printed count and
//   sum tables.
// [TSO] Deutscher Tanzsportverband, Turnier- und Sportordnung, Anhang 2
//   "Majoritätssystem": R. Pickelmann's translation of A. Dawson, "The Skating
//   System" (1963), examples adapted to five dances,
//   https://tso.turnierprotokoll.de/tso_anh2.htm. Examples of rules 9-11.
//   Numbers from the transcription in github.com/sdobber/BallroomSkatingSystem.jl
//   (test/runtests.jl, docs/src/examples.md; the two agree).
// [Wikipedia] "Skating system", https://en.wikipedia.org/wiki/Skating_system,
//   revision oldid=1067820918. Single-dance examples, transcribed alike in
//   both repositories above.
// [DancePartner] "Tabulating DanceSport Competition Marks",
//   http://www.dancepartner.com/articles/dancesport-skating-system.asp (also
//   https://www.dancecomp.com/2021/10/the-skating-system/). Rule 1 example,
//   read from the page itself.

// Placings as the rule books print them: one row per contestant, one column per judge.
PlacingMatrix Rows(const std::vector<std::vector<int>>& rows) {
  PlacingMatrix placings(static_cast<Eigen::Index>(rows.size()),
                         static_cast<Eigen::Index>(rows[0].size()));
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t j = 0; j < rows[r].size(); ++j) placings(r, j) = rows[r][j];
  }
  return placings;
}

// Rows of `judges` marks per item, items side by side (W-A..W-E, T-A..T-E, ...).
std::vector<PlacingMatrix> SplitDances(const std::vector<std::vector<int>>& rows, int judges) {
  const PlacingMatrix all = Rows(rows);
  std::vector<PlacingMatrix> dances;
  for (Eigen::Index first = 0; first < all.cols(); first += judges) {
    dances.push_back(all.middleCols(first, judges));
  }
  return dances;
}

// A printed final summary gives only the places in each item. One judge per
// item whose placings are those places reproduces them exactly (rules 5-8
// with one judge follow that judge), so rules 9 and 10 see the printed table.
std::vector<PlacingMatrix> OneJudgePerDance(const std::vector<std::vector<int>>& places) {
  return SplitDances(places, 1);
}

Eigen::MatrixXi Ints(const std::vector<std::vector<int>>& rows) { return Rows(rows); }

Eigen::MatrixXd Doubles(const std::vector<std::vector<int>>& rows) {
  return Rows(rows).cast<double>();
}

std::vector<double> Iota(int n) {
  std::vector<double> values(n);
  std::iota(values.begin(), values.end(), 1.0);
  return values;
}

// ---------------------------------------------------------------------------
// Rules 5-8: one item.

// [WDSF] rule 5 example, couples 51-56, 5 judges: each place goes to the one
// couple with a majority (3) of that place or better.
TEST(SkatingSingleDanceTest, WdsfRule5ExampleMajority) {
  const PlacingMatrix placings = Rows({
      {1, 1, 1, 2, 1},  // 51
      {4, 2, 2, 1, 2},  // 52
      {3, 3, 3, 5, 4},  // 53
      {2, 4, 5, 4, 3},  // 54
      {5, 6, 4, 3, 5},  // 55
      {6, 5, 6, 6, 6},  // 56
  });
  const StatusOr<SingleDanceResult> result = SkateSingleDance(placings);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->majority, 3);
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(5, 5, 5, 5, 5, 5));
  EXPECT_THAT(result->deciding_column, ElementsAre(1, 2, 3, 4, 5, 6));
  // The printed table, every column.
  EXPECT_EQ(result->breakdown.count, Ints({{4, 5, 5, 5, 5, 5},
                                           {1, 4, 4, 5, 5, 5},
                                           {0, 0, 3, 4, 5, 5},
                                           {0, 1, 2, 4, 5, 5},
                                           {0, 0, 1, 2, 4, 5},
                                           {0, 0, 0, 0, 1, 5}}));
  EXPECT_EQ(result->breakdown.sum, Doubles({{4, 6, 6, 6, 6, 6},
                                            {1, 7, 7, 11, 11, 11},
                                            {0, 0, 9, 13, 18, 18},
                                            {0, 2, 5, 13, 18, 18},
                                            {0, 0, 3, 7, 17, 23},
                                            {0, 0, 0, 0, 5, 29}}));
}

// [WDSF] rule 6 example, couples 61-66, 7 judges (majority 4). In column
// "1-3" both 63 (5) and 64 (4) have a majority: the larger takes 3rd. Then
// nobody left has a majority of "1-4", so "1-5" is read (rule 8), where 65
// (5) beats 66 (4). The transcriber reports that the printed narrative says
// "4th place and higher" for that last step where the table (and the result)
// need "5th place and higher"; the table is followed here.
TEST(SkatingSingleDanceTest, WdsfRule6ExampleLargerMajority) {
  const PlacingMatrix placings = Rows({
      {1, 1, 2, 1, 4, 2, 1},  // 61
      {6, 2, 1, 5, 2, 1, 2},  // 62
      {2, 4, 3, 3, 6, 3, 3},  // 63
      {3, 3, 5, 2, 1, 5, 4},  // 64
      {4, 5, 6, 4, 3, 6, 5},  // 65
      {5, 6, 4, 6, 5, 4, 6},  // 66
  });
  const StatusOr<SingleDanceResult> result = SkateSingleDance(placings);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->majority, 4);
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(5, 5, 6, 6, 8, 8));
  EXPECT_THAT(result->deciding_column, ElementsAre(1, 2, 3, 3, 5, 5));
  EXPECT_EQ(result->breakdown.count, Ints({{4, 6, 6, 7, 7, 7},
                                           {2, 5, 5, 5, 6, 7},
                                           {0, 1, 5, 6, 6, 7},
                                           {1, 2, 4, 5, 7, 7},
                                           {0, 0, 1, 3, 5, 7},
                                           {0, 0, 0, 2, 4, 7}}));
  EXPECT_EQ(result->breakdown.sum, Doubles({{4, 8, 8, 12, 12, 12},
                                            {2, 8, 8, 8, 13, 19},
                                            {0, 2, 14, 18, 18, 24},
                                            {1, 3, 9, 13, 23, 23},
                                            {0, 0, 3, 11, 21, 33},
                                            {0, 0, 0, 8, 18, 36}}));
}

// [WDSF] rule 7 example, couples 71-76, 7 judges. 72 and 73 both have 4 of
// "1-2": the lower sum (6 against 7) gives 72 2nd. 74 and 75 both have 4 of
// "1-4" with equal sums (14), so for those two only "1-5" is read: 74 has 6,
// 75 has 5. (The transcriber reports a misprint "#85" for 75 in the
// narrative.) 76 then has the majority of "1-5" alone.
TEST(SkatingSingleDanceTest, WdsfRule7ExampleLowerSumThenNextPlace) {
  const PlacingMatrix placings = Rows({
      {3, 1, 6, 1, 1, 2, 1},  // 71
      {2, 2, 1, 5, 3, 1, 3},  // 72
      {1, 5, 4, 2, 2, 6, 2},  // 73
      {5, 4, 2, 4, 6, 5, 4},  // 74
      {4, 6, 3, 3, 5, 4, 6},  // 75
      {6, 3, 5, 6, 4, 3, 5},  // 76
  });
  const StatusOr<SingleDanceResult> result = SkateSingleDance(placings);
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(5, 7, 7, 7, 7, 5));
  EXPECT_THAT(result->deciding_column, ElementsAre(1, 2, 2, 5, 5, 5));
  EXPECT_EQ(result->breakdown.count, Ints({{4, 5, 6, 6, 6, 7},
                                           {2, 4, 6, 6, 7, 7},
                                           {1, 4, 4, 5, 6, 7},
                                           {0, 1, 1, 4, 6, 7},
                                           {0, 0, 2, 4, 5, 7},
                                           {0, 0, 2, 3, 5, 7}}));
  EXPECT_EQ(result->breakdown.sum, Doubles({{4, 6, 9, 9, 9, 15},
                                            {2, 6, 12, 12, 17, 17},
                                            {1, 7, 7, 11, 16, 22},
                                            {0, 2, 2, 14, 24, 30},
                                            {0, 0, 6, 14, 19, 31},
                                            {0, 0, 6, 10, 20, 32}}));
  // What the scrutineer writes: counts as far as each place needed, sums
  // where rule 7 needed them.
  const TextTable table =
      RenderBreakdown(result->breakdown, result->place, {"71", "72", "73", "74", "75", "76"});
  ASSERT_EQ(table.size(), 7u);
  EXPECT_THAT(table[0], ElementsAre("", "1", "1-2", "1-3", "1-4", "1-5", "1-6", "place"));
  EXPECT_THAT(table[1], ElementsAre("71", "4", "-", "-", "-", "-", "-", "1"));
  EXPECT_THAT(table[2], ElementsAre("72", "2", "4(6)", "-", "-", "-", "-", "2"));
  EXPECT_THAT(table[3], ElementsAre("73", "1", "4(7)", "-", "-", "-", "-", "3"));
  EXPECT_THAT(table[4], ElementsAre("74", "0", "1", "1", "4(14)", "6", "-", "4"));
  EXPECT_THAT(table[5], ElementsAre("75", "0", "0", "2", "4(14)", "5", "-", "5"));
  EXPECT_THAT(table[6], ElementsAre("76", "0", "0", "2", "3", "5", "-", "6"));
}

// [WDSF] rule 8 example, couples 81-86, 7 judges. Nobody has a majority of
// "1" or "1-2", so the first place is found in "1-3" (81 has 6, 82 has 4);
// the later places come one column at a time by the larger majority.
TEST(SkatingSingleDanceTest, WdsfRule8ExampleNoMajorityTakesInNextPlace) {
  const PlacingMatrix placings = Rows({
      {3, 3, 3, 2, 5, 2, 3},  // 81
      {4, 4, 4, 3, 2, 3, 2},  // 82
      {2, 2, 6, 6, 4, 1, 4},  // 83
      {1, 6, 1, 5, 1, 4, 6},  // 84
      {5, 5, 5, 1, 3, 6, 1},  // 85
      {6, 1, 2, 4, 6, 5, 5},  // 86
  });
  const StatusOr<SingleDanceResult> result = SkateSingleDance(placings);
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(8, 8, 6, 6, 6, 6));
  EXPECT_THAT(result->deciding_column, ElementsAre(3, 3, 4, 4, 5, 5));
  EXPECT_EQ(result->breakdown.count, Ints({{0, 2, 6, 6, 7, 7},
                                           {0, 2, 4, 7, 7, 7},
                                           {1, 3, 3, 5, 5, 7},
                                           {3, 3, 3, 4, 5, 7},
                                           {2, 2, 3, 3, 6, 7},
                                           {1, 2, 2, 3, 5, 7}}));
  EXPECT_EQ(result->breakdown.sum, Doubles({{0, 4, 16, 16, 21, 21},
                                            {0, 4, 10, 22, 22, 22},
                                            {1, 5, 5, 13, 13, 25},
                                            {3, 3, 3, 7, 12, 24},
                                            {2, 2, 5, 5, 20, 26},
                                            {1, 3, 3, 7, 17, 29}}));
}

// [Wikipedia] "clear majority": 5 judges, competitors 11-13.
TEST(SkatingSingleDanceTest, WikipediaClearMajority) {
  const StatusOr<SingleDanceResult> result =
      SkateSingleDance(Rows({{1, 1, 2, 1, 2}, {2, 2, 1, 3, 1}, {3, 3, 3, 2, 3}}));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(1, 2, 3));
  EXPECT_THAT(result->rule, ElementsAre(5, 5, 5));
}

// [Wikipedia] "no majority": nobody has 3 firsts, so "1-2" is read (rule 8),
// where 12 (5) has a larger majority than 11 (4).
TEST(SkatingSingleDanceTest, WikipediaNoMajority) {
  const StatusOr<SingleDanceResult> result =
      SkateSingleDance(Rows({{1, 1, 2, 2, 3}, {2, 2, 1, 1, 2}, {3, 3, 3, 3, 1}}));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(2, 1, 3));
  EXPECT_THAT(result->rule, ElementsAre(8, 8, 5));
  EXPECT_THAT(result->deciding_column, ElementsAre(2, 2, 3));
}

// [Wikipedia] "multiple majorities": 12 and 13 both have 3 of "1-2"; the
// lower sum (4 against 6) places 12.
TEST(SkatingSingleDanceTest, WikipediaMultipleMajorities) {
  const StatusOr<SingleDanceResult> result = SkateSingleDance(Rows({
      {1, 1, 1, 5, 2},
      {2, 3, 3, 1, 1},
      {3, 2, 2, 2, 5},
      {4, 4, 5, 3, 3},
      {5, 5, 4, 4, 4},
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(result->rule, ElementsAre(5, 7, 7, 8, 8));
}

// [Wikipedia] "shared places, won with 2nd places": 12 wins on five 2nds;
// 11 and 13 are equal in every column and share 2nd and 3rd.
TEST(SkatingSingleDanceTest, WikipediaSharedPlace) {
  const StatusOr<SingleDanceResult> result = SkateSingleDance(Rows({
      {1, 1, 3, 3, 4},
      {2, 2, 2, 2, 2},
      {3, 3, 4, 1, 1},
      {4, 4, 1, 4, 3},
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(2.5, 1, 2.5, 4));
  EXPECT_THAT(result->rule, ElementsAre(7, 8, 7, 5));
  EXPECT_THAT(result->deciding_column, ElementsAre(4, 2, 4, 4));
}

// [Wikipedia] "only the tied competitors": 12 and 13 are tied in "1-2" and
// "1-3" and are separated in "1-4"; 14, with all five 3rds, does not join
// their tie although it has the larger majority of "1-3".
TEST(SkatingSingleDanceTest, WikipediaOnlyTiedCompetitorsGoOn) {
  const StatusOr<SingleDanceResult> result = SkateSingleDance(Rows({
      {1, 1, 1, 2, 5},
      {2, 4, 5, 1, 2},
      {5, 2, 2, 5, 1},
      {3, 3, 3, 3, 3},
      {4, 5, 4, 4, 4},
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(1, 2, 3, 4, 5));
  EXPECT_THAT(result->rule, ElementsAre(5, 7, 7, 5, 5));
  EXPECT_THAT(result->deciding_column, ElementsAre(1, 4, 4, 3, 4));
}

// Hand-checked: with 4 judges the majority is 3, not 2. A and B have two
// firsts each (no majority), and are equal in every column: they share 1st
// and 2nd.
TEST(SkatingSingleDanceTest, EvenNumberOfJudgesNeedsMoreThanHalf) {
  const StatusOr<SingleDanceResult> result =
      SkateSingleDance(Rows({{1, 1, 2, 2}, {2, 2, 1, 1}, {3, 3, 3, 3}}));
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->majority, 3);
  EXPECT_THAT(result->place, ElementsAre(1.5, 1.5, 3));
  EXPECT_THAT(result->rule, ElementsAre(7, 7, 5));

  // Three firsts of four are a majority.
  const StatusOr<SingleDanceResult> clear =
      SkateSingleDance(Rows({{1, 1, 1, 2}, {2, 2, 2, 1}, {3, 3, 3, 3}}));
  ASSERT_THAT(clear, IsOk());
  EXPECT_THAT(clear->place, ElementsAre(1, 2, 3));
  EXPECT_THAT(clear->rule, ElementsAre(5, 5, 5));
}

// Hand-checked: when every judge gives the same order, that is the result.
TEST(SkatingSingleDanceTest, IdenticalJudgesGiveTheirOrder) {
  const StatusOr<SingleDanceResult> result = SkateSingleDance(Rows({
      {3, 3, 3, 3, 3},
      {1, 1, 1, 1, 1},
      {4, 4, 4, 4, 4},
      {2, 2, 2, 2, 2},
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(3, 1, 4, 2));
  EXPECT_THAT(result->rule, ElementsAre(5, 5, 5, 5));
  EXPECT_THAT(result->deciding_column, ElementsAre(3, 1, 4, 2));
}

// Hand-checked: a Latin square gives every contestant every place once, so
// all four are equal in every column and share 1st-4th (2.5 each).
TEST(SkatingSingleDanceTest, CompleteTieSharesAllPlaces) {
  const StatusOr<SingleDanceResult> result = SkateSingleDance(Rows({
      {1, 2, 3, 4},
      {2, 3, 4, 1},
      {3, 4, 1, 2},
      {4, 1, 2, 3},
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(2.5, 2.5, 2.5, 2.5));
  EXPECT_THAT(result->rule, ElementsAre(7, 7, 7, 7));
  EXPECT_THAT(result->deciding_column, ElementsAre(4, 4, 4, 4));
  // Three tied in the middle share 2nd-4th: 3 each, a whole number.
  const StatusOr<SingleDanceResult> three = SkateSingleDance(Rows({
      {1, 1, 1},
      {2, 3, 4},
      {3, 4, 2},
      {4, 2, 3},
  }));
  ASSERT_THAT(three, IsOk());
  EXPECT_THAT(three->place, ElementsAre(1, 3, 3, 3));
}

TEST(SkatingSingleDanceTest, SingleContestantIsFirst) {
  const StatusOr<SingleDanceResult> result = SkateSingleDance(Rows({{1, 1, 1}}));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(1));
  EXPECT_THAT(result->rule, ElementsAre(5));
  EXPECT_THAT(RenderSingleDance(Rows({{1, 1, 1}}), *result),
              ElementsAre(ElementsAre("", "A", "B", "C", "1", "place"),
                          ElementsAre("1", "1", "1", "1", "3", "1")));
}

TEST(SkatingSingleDanceTest, RejectsDuplicatePlacing) {
  PlacingMatrix placings = Rows({
      {1, 1, 1},
      {2, 2, 2},
      {3, 3, 3},
      {4, 4, 4},
      {5, 5, 5},
      {6, 6, 6},
  });
  placings(4, 2) = 6;
  EXPECT_THAT(SkateSingleDance(placings),
              StatusIs(StatusCode::kInvalidArgument,
                       "judge 3: placings are not 1..6 each once (6 appears twice)"));
}

TEST(SkatingSingleDanceTest, RejectsPlacingOutOfRange) {
  EXPECT_THAT(SkateSingleDance(Rows({{1, 1}, {2, 3}, {3, 2}, {4, 0}})),
              StatusIs(StatusCode::kInvalidArgument,
                       "judge 2: placings are not 1..4 each once (0 is out of range)"));
  EXPECT_THAT(SkateSingleDance(Rows({{1, 1}, {2, 5}})),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("(5 is out of range)")));
}

TEST(SkatingSingleDanceTest, RejectsEmptyShapes) {
  EXPECT_THAT(SkateSingleDance(PlacingMatrix(0, 3)),
              StatusIs(StatusCode::kInvalidArgument, "no contestants"));
  EXPECT_THAT(SkateSingleDance(PlacingMatrix(3, 0)),
              StatusIs(StatusCode::kInvalidArgument, "no judges: need at least 1"));
}

// ---------------------------------------------------------------------------
// Rules 9-11: several items.

// [TSO] rule 9 example, couples 16-66, five dances: the place sums differ.
TEST(SkatingMultiDanceTest, TsoRule9ExamplePlaceSums) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(OneJudgePerDance({
      {1, 2, 1, 2, 2},  // 16
      {3, 1, 2, 1, 4},  // 26
      {2, 3, 3, 3, 3},  // 36
      {4, 4, 4, 4, 1},  // 46
      {5, 5, 5, 5, 6},  // 56
      {6, 6, 6, 6, 5},  // 66
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(8, 11, 14, 17, 26, 29));
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(9, 9, 9, 9, 9, 9));
  EXPECT_FALSE(result->rule10.examined.any());
}

// [TSO] rule 10 example "more places of the place under review", couples
// 17-67, four dances: 17 and 27 tie on 9 for 1st (17 has two 1sts, 27 one);
// 37 and 47 on 15 for 3rd (47 has two "3rd or better", 37 one); 57 and 67
// on 18 for 5th (67 has three "5th or better", 57 two).
TEST(SkatingMultiDanceTest, TsoRule10ExampleMorePlaces) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(OneJudgePerDance({
      {1, 1, 2, 5},  // 17
      {3, 3, 1, 2},  // 27
      {2, 5, 4, 4},  // 37
      {4, 2, 3, 6},  // 47
      {6, 6, 5, 1},  // 57
      {5, 4, 6, 3},  // 67
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(9, 9, 15, 15, 18, 18));
  EXPECT_THAT(result->place, ElementsAre(1, 2, 4, 3, 6, 5));
  EXPECT_THAT(result->rule, ElementsAre(10, 10, 10, 10, 10, 10));
  const TextTable table =
      RenderBreakdown(result->rule10, result->place, {"17", "27", "37", "47", "57", "67"});
  EXPECT_THAT(table[1], ElementsAre("17", "2", "-", "-", "-", "-", "-", "1"));
  EXPECT_THAT(table[2], ElementsAre("27", "1", "-", "-", "-", "-", "-", "2"));
  EXPECT_THAT(table[3], ElementsAre("37", "-", "-", "1", "-", "-", "-", "4"));
  EXPECT_THAT(table[4], ElementsAre("47", "-", "-", "2", "-", "-", "-", "3"));
  EXPECT_THAT(table[5], ElementsAre("57", "-", "-", "-", "-", "2", "-", "6"));
  EXPECT_THAT(table[6], ElementsAre("67", "-", "-", "-", "-", "3", "-", "5"));
}

// [TSO] rule 10 example "equal number of places, lower sum", couples
// 19-69: 29 and 39 tie on 11 for 2nd and both have three "2nd or better";
// their sums are 4 and 5. 49 and 59 tie on 23 for 4th with two "4th or
// better" each, summing 7 and 8.
TEST(SkatingMultiDanceTest, TsoRule10ExampleLowerSumOfThosePlaces) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(OneJudgePerDance({
      {1, 1, 2, 3, 2},  // 19
      {3, 4, 1, 2, 1},  // 29
      {2, 2, 3, 1, 3},  // 39
      {6, 3, 4, 5, 5},  // 49
      {5, 5, 5, 4, 4},  // 59
      {4, 6, 6, 6, 6},  // 69
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(9, 11, 11, 23, 23, 28));
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(9, 10, 10, 10, 10, 9));
  const TextTable table =
      RenderBreakdown(result->rule10, result->place, {"19", "29", "39", "49", "59", "69"});
  ASSERT_EQ(table.size(), 5u);  // header and the four tied couples
  EXPECT_THAT(table[1], ElementsAre("29", "-", "3(4)", "-", "-", "-", "-", "2"));
  EXPECT_THAT(table[2], ElementsAre("39", "-", "3(5)", "-", "-", "-", "-", "3"));
  EXPECT_THAT(table[3], ElementsAre("49", "-", "-", "-", "2(7)", "-", "-", "4"));
  EXPECT_THAT(table[4], ElementsAre("59", "-", "-", "-", "2(8)", "-", "-", "5"));
}

// [TSO] rule 10 example, couples 18-68: 28 and 38 tie on 15 for 2nd (28
// has three "2nd or better", 38 two); 48 and 58 tie on 21 for 4th (three
// against two).
TEST(SkatingMultiDanceTest, TsoRule10ExampleCountBeforeSum) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(OneJudgePerDance({
      {3, 1, 1, 1, 1},  // 18
      {2, 2, 3, 2, 6},  // 28
      {1, 4, 2, 5, 3},  // 38
      {4, 5, 6, 4, 2},  // 48
      {5, 3, 5, 3, 5},  // 58
      {6, 6, 4, 6, 4},  // 68
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(7, 15, 15, 21, 21, 26));
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(9, 10, 10, 10, 10, 9));
}

// [TSO] rule 10 example "the others tied are reconsidered for the next
// place", couples 20-70: four couples tie on 17 for 2nd. 30 has three "2nd
// or better" and takes 2nd. For 3rd the three others start again: 40 and 60
// have three "3rd or better" each, 40 the lower sum (5 against 8). For 4th,
// 50 has five "4th or better" against 60's four.
TEST(SkatingMultiDanceTest, TsoRule10ExampleOthersReconsideredForNextPlace) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(OneJudgePerDance({
      {2, 1, 5, 3, 2},  // 20
      {1, 2, 2, 6, 6},  // 30
      {6, 6, 1, 1, 3},  // 40
      {4, 4, 4, 4, 1},  // 50
      {5, 3, 3, 2, 4},  // 60
      {3, 5, 6, 5, 5},  // 70
  }));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(13, 17, 17, 17, 17, 24));
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(9, 10, 10, 10, 10, 9));
  const TextTable table =
      RenderBreakdown(result->rule10, result->place, {"20", "30", "40", "50", "60", "70"});
  ASSERT_EQ(table.size(), 5u);
  EXPECT_THAT(table[1], ElementsAre("30", "-", "3", "-", "-", "-", "-", "2"));
  EXPECT_THAT(table[2], ElementsAre("40", "-", "2", "3(5)", "-", "-", "-", "3"));
  EXPECT_THAT(table[3], ElementsAre("50", "-", "1", "1", "5", "-", "-", "4"));
  EXPECT_THAT(table[4], ElementsAre("60", "-", "1", "3(8)", "4", "-", "-", "5"));
}

// The rule 11 examples of [TSO] (its notes 11a-d). Marks per couple, items
// side by side: W A-E | T A-E | V A-E | S A-E | Q A-E. Five judges and five
// dances make 25 marks, so the majority under rule 11 is 13.

// [TSO] rule 11 example, couples 25-75: 25 and 35 tie on 7.5 for 1st with two
// 1sts each (sum 2). All their marks: 7 firsts each, then 16 and 17 of "1-2",
// so 35 is 1st. 65 and 75 tie on 27.5 for 5th with two "5th or better" each
// (sum 10); all marks give both 17 of "1-5", and the lower sum (66 against
// 68) places 75 5th.
TEST(SkatingMultiDanceTest, TsoRule11ExampleCouples25To75) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(SplitDances(
      {
          {1, 1, 2, 5, 3, 1, 2, 2, 3, 4, 1, 1, 2, 2, 3, 2, 2, 5, 1, 5, 2, 6, 2, 6, 1},  // 25
          {2, 2, 5, 2, 5, 5, 3, 1, 2, 2, 3, 2, 1, 1, 2, 1, 1, 2, 5, 2, 1, 5, 1, 5, 2},  // 35
          {4, 5, 3, 1, 1, 3, 1, 3, 1, 3, 5, 3, 3, 6, 1, 5, 6, 3, 2, 3, 3, 2, 4, 2, 4},  // 45
          {3, 3, 6, 3, 6, 4, 4, 4, 4, 1, 2, 6, 6, 3, 4, 3, 3, 1, 3, 6, 5, 1, 5, 1, 3},  // 55
          {6, 6, 1, 4, 4, 2, 5, 5, 5, 5, 4, 4, 5, 5, 6, 6, 4, 6, 6, 4, 4, 4, 6, 3, 6},  // 65
          {5, 4, 4, 6, 2, 6, 6, 6, 6, 6, 6, 5, 4, 4, 5, 4, 5, 4, 4, 1, 6, 3, 3, 4, 5},  // 75
      },
      5));
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->rule11_majority, 13);
  // The Viennese waltz is itself a tie: 25 and 35 share 1st, 65 and 75 5th.
  EXPECT_THAT(result->dances[2].place, ElementsAre(1.5, 1.5, 3, 4, 5.5, 5.5));
  EXPECT_THAT(result->place_sum, ElementsAre(7.5, 7.5, 17, 18, 27.5, 27.5));
  EXPECT_THAT(result->place, ElementsAre(2, 1, 3, 4, 6, 5));
  EXPECT_THAT(result->rule, ElementsAre(11, 11, 9, 9, 11, 11));
  const std::vector<std::string> labels = {"25", "35", "45", "55", "65", "75"};
  EXPECT_THAT(RenderBreakdown(result->rule10, result->place, labels),
              ElementsAre(ElementsAre("", "1", "1-2", "1-3", "1-4", "1-5", "1-6", "place"),
                          ElementsAre("25", "2(2)", "-", "-", "-", "-", "-", "2"),
                          ElementsAre("35", "2(2)", "-", "-", "-", "-", "-", "1"),
                          ElementsAre("65", "-", "-", "-", "-", "2(10)", "-", "6"),
                          ElementsAre("75", "-", "-", "-", "-", "2(10)", "-", "5")));
  EXPECT_THAT(RenderBreakdown(result->rule11, result->place, labels),
              ElementsAre(ElementsAre("", "1", "1-2", "1-3", "1-4", "1-5", "1-6", "place"),
                          ElementsAre("25", "7", "16", "-", "-", "-", "-", "2"),
                          ElementsAre("35", "7", "17", "-", "-", "-", "-", "1"),
                          ElementsAre("65", "-", "-", "-", "-", "17(68)", "-", "6"),
                          ElementsAre("75", "-", "-", "-", "-", "17(66)", "-", "5")));
}

// [TSO] rule 11 example, couples 26-76: 36, 46 and 56 tie on 16 for 2nd.
// Rule 10: 36 and 46 have two "2nd or better" each (sum 4), 56 none, so rule
// 11 is for 36 and 46 only (over all marks 56 would lead "1-3" with 17): 36
// has 15 of "1-3" and the majority, and is 2nd. The two rule 10 left equal
// stay together: 46 takes 3rd, and only then is 56 placed, 4th, although it
// has four "3rd or better" against 46's two. This is the rule book's result
// (TSO Anhang 2); the Landestanzsportverband Berlin confirmed it after its
// Turnierleiterschulung of 12 Jan 2003, with a text by Hendrik Heneke
// answering why one does not go back to rule 10 after rule 11 here
// (ltv-berlin.de/de/aktuell/news/beitrag/imported-1046105558).
TEST(SkatingMultiDanceTest, TsoRule11ExampleCouples26To76) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(SplitDances(
      {
          {1, 1, 2, 5, 3, 1, 2, 2, 3, 4, 1, 1, 1, 1, 1, 1, 1, 2, 5, 2, 1, 5, 1, 5, 2},  // 26
          {2, 2, 5, 2, 5, 5, 3, 1, 2, 2, 2, 3, 4, 5, 6, 5, 6, 3, 2, 3, 3, 2, 4, 2, 4},  // 36
          {3, 3, 6, 3, 6, 4, 4, 4, 4, 1, 3, 4, 5, 6, 2, 2, 2, 5, 1, 5, 2, 6, 2, 6, 1},  // 46
          {4, 5, 3, 1, 1, 3, 1, 3, 1, 3, 4, 5, 6, 2, 3, 3, 3, 1, 3, 6, 5, 1, 5, 1, 3},  // 56
          {6, 6, 1, 4, 4, 2, 5, 5, 5, 5, 5, 2, 2, 3, 4, 4, 5, 4, 4, 1, 6, 3, 3, 4, 5},  // 66
          {5, 4, 4, 6, 2, 6, 6, 6, 6, 6, 6, 6, 3, 4, 5, 6, 4, 6, 6, 4, 4, 4, 6, 3, 6},  // 76
      },
      5));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(5, 16, 16, 16, 22, 30));
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(9, 11, 11, 10, 9, 9));
  const std::vector<std::string> labels = {"26", "36", "46", "56", "66", "76"};
  // 56 is never reconsidered under rule 10: it is alone when its turn comes.
  EXPECT_THAT(RenderBreakdown(result->rule10, result->place, labels),
              ElementsAre(ElementsAre("", "1", "1-2", "1-3", "1-4", "1-5", "1-6", "place"),
                          ElementsAre("36", "-", "2(4)", "-", "-", "-", "-", "2"),
                          ElementsAre("46", "-", "2(4)", "-", "-", "-", "-", "3"),
                          ElementsAre("56", "-", "0", "-", "-", "-", "-", "4")));
  EXPECT_THAT(RenderBreakdown(result->rule11, result->place, labels),
              ElementsAre(ElementsAre("", "1", "1-2", "1-3", "1-4", "1-5", "1-6", "place"),
                          ElementsAre("36", "-", "10", "15", "-", "-", "-", "2"),
                          ElementsAre("46", "-", "8", "12", "-", "-", "-", "3")));
}

// [TSO] rule 11 example, couples 27-77: 37, 47 and 57 tie on 18 for 2nd with
// one 1st each (sum 1), so rule 10 leaves all three equal. All their marks:
// nobody has 13 of "1-2" (7, 8, 6); in "1-3" 37 alone has a majority (15) and
// is 2nd. For 3rd, the rest of that group, 47 and 57, start again at rule
// 10: two "3rd or better" against one. (Rule 11 again would have given 3rd
// to 57: 12 of "1-3" against 10, then 18 of "1-4" against 15. Rule 11
// decides one place only.)
TEST(SkatingMultiDanceTest, TsoRule11ExampleCouples27To77) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance(SplitDances(
      {
          {2, 2, 5, 2, 5, 1, 2, 2, 3, 4, 1, 1, 1, 1, 1, 3, 3, 1, 3, 6, 2, 6, 2, 6, 1},  // 27
          {3, 3, 6, 3, 6, 3, 1, 3, 1, 3, 2, 3, 4, 5, 6, 1, 1, 2, 5, 2, 4, 4, 6, 3, 6},  // 37
          {4, 5, 3, 1, 1, 2, 5, 5, 5, 5, 3, 4, 5, 6, 2, 4, 5, 4, 4, 1, 1, 5, 1, 5, 2},  // 47
          {1, 1, 2, 5, 3, 4, 4, 4, 4, 1, 4, 5, 6, 2, 3, 5, 6, 3, 2, 3, 6, 3, 3, 4, 5},  // 57
          {6, 6, 1, 4, 4, 6, 6, 6, 6, 6, 5, 2, 2, 3, 4, 2, 2, 5, 1, 5, 5, 1, 5, 1, 4},  // 67
          {5, 4, 4, 6, 2, 5, 3, 1, 2, 2, 6, 6, 3, 4, 5, 6, 4, 6, 6, 4, 3, 2, 4, 2, 3},  // 77
      },
      5));
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(9, 18, 18, 18, 19, 23));
  EXPECT_THAT(result->place, ElementsAreArray(Iota(6)));
  EXPECT_THAT(result->rule, ElementsAre(9, 11, 10, 10, 9, 9));
  const std::vector<std::string> labels = {"27", "37", "47", "57", "67", "77"};
  EXPECT_THAT(RenderBreakdown(result->rule11, result->place, labels),
              ElementsAre(ElementsAre("", "1", "1-2", "1-3", "1-4", "1-5", "1-6", "place"),
                          ElementsAre("37", "-", "7", "15", "-", "-", "-", "2"),
                          ElementsAre("47", "-", "8", "10", "-", "-", "-", "3"),
                          ElementsAre("57", "-", "6", "12", "-", "-", "-", "4")));
}

// Hand-checked: three of four contestants tied on the place sum are equal
// under rule 10, and rule 11 is needed twice among them before the fourth,
// whom rule 10 had put behind them, is placed. Six items, three judges; the
// item places (equal rows unless a judge is named):
//        1  2  3  4  5  6  sum
//   A    1  1  4  2  3  4   15
//   B    3  4  1  1  4  2   15
//   C    4  2  3  4  1  1   15
//   D    2  3  2  3  2  3   15
// Item 1: judge C swaps B (4) and C (3); B keeps 3rd with two 3rds. Item 5:
// judge C swaps A (2) and D (3); D keeps 2nd with two 2nds.
// 1st, rule 10: A, B and C have two 1sts each (sum 2), D none: D waits.
// Rule 11 for A, B, C (18 marks each, majority 10): "1" 6, 6, 6; "1-2" A 10
// (six 1s, three 2s in item 4, one in item 5), B 9, C 9: A alone has a
// majority and is 1st.
// 2nd: B and C stay together. Rule 10: three "2nd or better" each, sum 4
// each. Rule 11 from "1-2": 9 and 9, no majority; "1-3": B 11 (its 3 in
// item 1 lost), C 13 (one gained): both have one, the larger is C's, so C is
// 2nd and B 3rd. Only now D: 4th. (Sent back to rule 10 with D for 3rd, B
// would have lost it: D has six "3rd or better" against four. Over all marks
// D would even lead "1-3" with 18, but rule 11 never counts it here.)
TEST(SkatingMultiDanceTest, Rule11PlacesTheGroupRule10LeftEqualFirst) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance({
      Rows({{1, 1, 1}, {3, 3, 4}, {4, 4, 3}, {2, 2, 2}}),
      Rows({{1, 1, 1}, {4, 4, 4}, {2, 2, 2}, {3, 3, 3}}),
      Rows({{4, 4, 4}, {1, 1, 1}, {3, 3, 3}, {2, 2, 2}}),
      Rows({{2, 2, 2}, {1, 1, 1}, {4, 4, 4}, {3, 3, 3}}),
      Rows({{3, 3, 2}, {4, 4, 4}, {1, 1, 1}, {2, 2, 3}}),
      Rows({{4, 4, 4}, {2, 2, 2}, {1, 1, 1}, {3, 3, 3}}),
  });
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->dances[0].place, std::vector<double>({1, 3, 4, 2}));
  EXPECT_EQ(result->dances[4].place, std::vector<double>({3, 4, 1, 2}));
  EXPECT_THAT(result->place_sum, ElementsAre(15, 15, 15, 15));
  EXPECT_EQ(result->rule11_majority, 10);
  EXPECT_THAT(result->place, ElementsAre(1, 3, 2, 4));
  EXPECT_THAT(result->rule, ElementsAre(11, 11, 11, 10));
  const std::vector<std::string> labels = {"A", "B", "C", "D"};
  EXPECT_THAT(RenderBreakdown(result->rule10, result->place, labels),
              ElementsAre(ElementsAre("", "1", "1-2", "1-3", "1-4", "place"),
                          ElementsAre("A", "2(2)", "-", "-", "-", "1"),
                          ElementsAre("B", "2(2)", "3(4)", "-", "-", "3"),
                          ElementsAre("C", "2(2)", "3(4)", "-", "-", "2"),
                          ElementsAre("D", "0", "-", "-", "-", "4")));
  EXPECT_THAT(RenderBreakdown(result->rule11, result->place, labels),
              ElementsAre(ElementsAre("", "1", "1-2", "1-3", "1-4", "place"),
                          ElementsAre("A", "6", "10", "-", "-", "1"),
                          ElementsAre("B", "6", "9", "11", "-", "3"),
                          ElementsAre("C", "6", "9", "13", "-", "2")));
}

// Hand-checked rule 11: two contestants, two items, three judges. Each wins
// one item, so the place sums tie (3), and rule 10 ties too (one 1st each,
// sum 1). All six marks as one item (majority 4): A has 4 firsts, B 2.
TEST(SkatingMultiDanceTest, Rule11CountsAllMarksOfTheTied) {
  const StatusOr<MultiDanceResult> result = SkateMultiDance({
      Rows({{1, 1, 2}, {2, 2, 1}}),  // A wins 2 of 3
      Rows({{1, 1, 2}, {2, 2, 1}}),  // and again
  });
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place, ElementsAre(1, 2));
  EXPECT_THAT(result->rule, ElementsAre(9, 9));  // no tie: 2 against 4

  const StatusOr<MultiDanceResult> tied = SkateMultiDance({
      Rows({{1, 1, 2}, {2, 2, 1}}),  // A wins 2-1
      Rows({{1, 2, 2}, {2, 1, 1}}),  // B wins 2-1
      Rows({{1, 1, 1}, {2, 2, 2}}),  // A wins 3-0
      Rows({{2, 2, 2}, {1, 1, 1}}),  // B wins 3-0
  });
  ASSERT_THAT(tied, IsOk());
  // Sums 6 and 6; two 1sts each, summing 2 and 2. All twelve marks
  // (majority 7): A has 2+1+3+0 = 6 firsts, B 1+2+0+3 = 6, no majority; in
  // "1-2" both have all 12 with equal sums, so they share 1st and 2nd.
  EXPECT_THAT(tied->place, ElementsAre(1.5, 1.5));
  EXPECT_THAT(tied->rule, ElementsAre(11, 11));
  EXPECT_EQ(tied->rule11_majority, 7);

  const StatusOr<MultiDanceResult> decided = SkateMultiDance({
      Rows({{1, 1, 1}, {2, 2, 2}}),  // A wins 3-0
      Rows({{2, 2, 1}, {1, 1, 2}}),  // B wins 2-1
  });
  ASSERT_THAT(decided, IsOk());
  // Sums 3 and 3; one 1st each, sum 1 each; all six marks (majority 4): A
  // has 3+1 = 4 firsts, B 2.
  EXPECT_THAT(decided->place, ElementsAre(1, 2));
  EXPECT_THAT(decided->rule, ElementsAre(11, 11));
  const TextTable table = RenderBreakdown(decided->rule11, decided->place, {"A", "B"});
  EXPECT_THAT(table, ElementsAre(ElementsAre("", "1", "1-2", "place"),
                                 ElementsAre("A", "4", "-", "1"), ElementsAre("B", "2", "-", "2")));
}

TEST(SkatingMultiDanceTest, SharedItemPlacesAddUp) {
  // Item 1 is a complete tie (1.5 each); item 2 is won by B.
  const StatusOr<MultiDanceResult> result = SkateMultiDance({
      Rows({{1, 2}, {2, 1}}),
      Rows({{2, 2}, {1, 1}}),
  });
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->place_sum, ElementsAre(3.5, 2.5));
  EXPECT_THAT(result->place, ElementsAre(2, 1));
  const TextTable summary = RenderSummary(*result, {"W", "T"}, {"A", "B"});
  EXPECT_THAT(summary, ElementsAre(ElementsAre("", "W", "T", "total", "place", "rule"),
                                   ElementsAre("A", "1.5", "2", "3.5", "2", "9"),
                                   ElementsAre("B", "1.5", "1", "2.5", "1", "9")));
}

TEST(SkatingMultiDanceTest, RejectsBadInput) {
  EXPECT_THAT(SkateMultiDance({}),
              StatusIs(StatusCode::kInvalidArgument, "no dances: need at least 1"));
  EXPECT_THAT(SkateMultiDance({PlacingMatrix(0, 3)}),
              StatusIs(StatusCode::kInvalidArgument, "dance 1: no contestants"));
  EXPECT_THAT(SkateMultiDance({Rows({{1, 1}, {2, 2}}), Rows({{1, 1, 1}, {2, 2, 2}})}),
              StatusIs(StatusCode::kInvalidArgument,
                       "dance 2: 2 contestants x 3 judges, but dance 1 has 2 x 2"));
  EXPECT_THAT(SkateMultiDance({Rows({{1, 1, 1}, {2, 2, 2}}), Rows({{1, 1, 2}, {2, 2, 2}})}),
              StatusIs(StatusCode::kInvalidArgument,
                       "dance 2 judge 3: placings are not 1..2 each once (2 appears twice)"));
}

// ---------------------------------------------------------------------------
// Properties.

// A random valid item: every judge's column a shuffle of 1..n.
PlacingMatrix RandomPlacings(int contestants, int judges, std::mt19937& rng) {
  PlacingMatrix placings(contestants, judges);
  std::vector<int> column(contestants);
  for (int j = 0; j < judges; ++j) {
    std::iota(column.begin(), column.end(), 1);
    std::shuffle(column.begin(), column.end(), rng);
    for (int r = 0; r < contestants; ++r) placings(r, j) = column[r];
  }
  return placings;
}

std::vector<int> Shuffled(int n, std::mt19937& rng) {
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  return order;
}

// Nobody's place depends on the order the judges or the contestants are
// listed in. Few judges and small fields make ties (rules 7, 10, 11) common.
TEST(SkatingPropertyTest, PlacesIgnoreJudgeAndContestantOrder) {
  constexpr unsigned kSeed = 20240611;
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  std::mt19937 rng(kSeed);
  int rule11_seen = 0;
  for (int trial = 0; trial < 400; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const int contestants = 1 + static_cast<int>(rng() % 7);
    const int judges = 1 + static_cast<int>(rng() % 5);
    const int items = 1 + static_cast<int>(rng() % 4);
    std::vector<PlacingMatrix> dances;
    for (int d = 0; d < items; ++d) dances.push_back(RandomPlacings(contestants, judges, rng));
    const StatusOr<MultiDanceResult> base = SkateMultiDance(dances);
    ASSERT_THAT(base, IsOk());
    for (int r : base->rule) rule11_seen += r == 11;

    // Judges reordered, differently in every item.
    std::vector<PlacingMatrix> by_judge = dances;
    for (PlacingMatrix& dance : by_judge) {
      const std::vector<int> order = Shuffled(judges, rng);
      PlacingMatrix permuted(contestants, judges);
      for (int j = 0; j < judges; ++j) permuted.col(j) = dance.col(order[j]);
      dance = permuted;
    }
    const StatusOr<MultiDanceResult> judges_moved = SkateMultiDance(by_judge);
    ASSERT_THAT(judges_moved, IsOk());
    EXPECT_EQ(judges_moved->place, base->place);
    EXPECT_EQ(judges_moved->rule, base->rule);
    for (int d = 0; d < items; ++d) {
      EXPECT_EQ(judges_moved->dances[d].place, base->dances[d].place);
    }

    // Contestants reordered, the same way in every item.
    const std::vector<int> order = Shuffled(contestants, rng);
    std::vector<PlacingMatrix> by_contestant = dances;
    for (int d = 0; d < items; ++d) {
      for (int r = 0; r < contestants; ++r) by_contestant[d].row(r) = dances[d].row(order[r]);
    }
    const StatusOr<MultiDanceResult> contestants_moved = SkateMultiDance(by_contestant);
    ASSERT_THAT(contestants_moved, IsOk());
    for (int r = 0; r < contestants; ++r) {
      EXPECT_EQ(contestants_moved->place[r], base->place[order[r]]);
      EXPECT_EQ(contestants_moved->rule[r], base->rule[order[r]]);
      for (int d = 0; d < items; ++d) {
        EXPECT_EQ(contestants_moved->dances[d].place[r], base->dances[d].place[order[r]]);
      }
    }

    // The places are a valid ranking: they add up to 1 + 2 + ... + n.
    const double total = std::accumulate(base->place.begin(), base->place.end(), 0.0);
    EXPECT_EQ(total, contestants * (contestants + 1) / 2.0);
  }
  EXPECT_GT(rule11_seen, 0) << "the trials should reach rule 11";
}

// ---------------------------------------------------------------------------
// Rule 1: recalls.

// [DancePartner] rule 1 example: 10 couples, judges A-G each recalled 6.
RecallMatrix DancePartnerRule1Crosses() {
  const std::vector<std::string> rows = {
      // ABCDEFG
      " XXX X ",  // 10
      "X XXXXX",  // 11
      "XX X  X",  // 12
      "  X  XX",  // 13
      "XX  XX ",  // 14
      " XXXXXX",  // 15
      "       ",  // 16
      "XXXXX X",  // 17
      "XXXXXXX",  // 18
      "X   X  ",  // 19
  };
  RecallMatrix crosses(static_cast<Eigen::Index>(rows.size()), 7);
  for (size_t r = 0; r < rows.size(); ++r) {
    for (int j = 0; j < 7; ++j) crosses(static_cast<Eigen::Index>(r), j) = rows[r][j] == 'X';
  }
  return crosses;
}

TEST(SkatingRecallTest, DancePartnerRule1Example) {
  // The printed totals: 4 6 4 3 4 6 0 6 7 2.
  const StatusOr<RecallResult> six = CountRecalls({DancePartnerRule1Crosses()}, 6, 6);
  ASSERT_THAT(six, IsOk());
  EXPECT_THAT(six->crosses, ElementsAre(4, 6, 4, 3, 4, 6, 0, 6, 7, 2));
  // 18, 11, 15, 17 are clear; 10, 12 and 14 tie on 4 for the last two
  // places, so seven are recalled and the chairman decides.
  EXPECT_EQ(six->cutoff, 4);
  EXPECT_EQ(six->recalled_count, 7);
  EXPECT_TRUE(six->tie_exceeds_advance);
  EXPECT_THAT(six->recalled,
              ElementsAre(true, true, true, false, true, true, false, true, true, false));

  const StatusOr<RecallResult> four = CountRecalls({DancePartnerRule1Crosses()}, 6, 4);
  ASSERT_THAT(four, IsOk());
  EXPECT_EQ(four->recalled_count, 4);
  EXPECT_FALSE(four->tie_exceeds_advance);
  EXPECT_EQ(four->cutoff, 6);
}

TEST(SkatingRecallTest, CrossesAddUpOverDances) {
  RecallMatrix waltz(3, 2);
  waltz << true, true, true, false, false, true;
  RecallMatrix tango(3, 2);
  tango << false, true, true, false, true, true;
  const StatusOr<RecallResult> result = CountRecalls({waltz, tango}, 2, 1);
  ASSERT_THAT(result, IsOk());
  EXPECT_THAT(result->crosses, ElementsAre(3, 2, 3));
  EXPECT_THAT(result->recalled, ElementsAre(true, false, true));
  EXPECT_TRUE(result->tie_exceeds_advance);
}

TEST(SkatingRecallTest, RejectsWrongNumberOfCrosses) {
  RecallMatrix crosses = DancePartnerRule1Crosses();
  crosses(16 - 10, 2) = true;  // judge C also marks couple 16: 7 crosses
  EXPECT_THAT(CountRecalls({DancePartnerRule1Crosses(), crosses}, 6, 6),
              StatusIs(StatusCode::kInvalidArgument, "dance 2 judge 3: 7 crosses, asked for 6"));
  EXPECT_THAT(CountRecalls({DancePartnerRule1Crosses()}, 6, 0),
              StatusIs(StatusCode::kInvalidArgument, "advance 0: need at least 1"));
  EXPECT_THAT(CountRecalls({}, 6, 6), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(CountRecalls({RecallMatrix(2, 0)}, 0, 1),
              StatusIs(StatusCode::kInvalidArgument, "dance 1: no judges: need at least 1"));
}

TEST(SkatingFormatTest, PlacesPrintAsTheRuleBooksDo) {
  EXPECT_EQ(FormatPlace(3.0), "3");
  EXPECT_EQ(FormatPlace(2.5), "2.5");
  EXPECT_EQ(FormatPlace(14.0), "14");
}

}  // namespace
}  // namespace podium::engine
