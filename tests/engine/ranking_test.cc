#include "podium/engine/ranking.h"

#include <cstdint>
#include <functional>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/eigen_types.h"
#include "podium/engine/task_runner.h"

namespace podium::engine {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

void SetKeys(Ranking& ranking, int entry, const std::vector<std::int64_t>& keys) {
  ASSERT_EQ(static_cast<int>(keys.size()), ranking.num_keys());
  std::int64_t* k = ranking.mutable_keys(entry);
  for (size_t i = 0; i < keys.size(); ++i) k[i] = keys[i];
}

// Builds a ranking whose entry e has keys rows[e] (group key first) and sorts it.
Ranking Sorted(const std::vector<std::vector<std::int64_t>>& rows) {
  Ranking ranking;
  const int num_keys = rows.empty() ? 1 : static_cast<int>(rows[0].size());
  ranking.Reset(static_cast<int>(rows.size()), num_keys);
  for (int e = 0; e < static_cast<int>(rows.size()); ++e) SetKeys(ranking, e, rows[e]);
  ranking.SortAll();
  return ranking;
}

std::vector<int> Ranks(const Ranking& ranking) {
  std::vector<int> ranks;
  for (int e = 0; e < ranking.size(); ++e) ranks.push_back(ranking.rank(e));
  return ranks;
}

std::vector<int> Order(const Ranking& ranking) {
  return {ranking.order().begin(), ranking.order().end()};
}

KeyMatrix KeysOf(const Ranking& ranking) {
  KeyMatrix keys(ranking.size(), ranking.num_keys());
  for (int e = 0; e < ranking.size(); ++e) {
    for (int k = 0; k < ranking.num_keys(); ++k) keys(e, k) = ranking.keys(e)[k];
  }
  return keys;
}

// Standard competition rank computed independently of the ranking's order:
// 1 + the number of entries with strictly better keys; 0 in group 0.
std::vector<int> ExpectedRanks(const KeyMatrix& keys) {
  const auto better = [&](int a, int b) {
    for (Eigen::Index k = 0; k < keys.cols(); ++k) {
      if (keys(a, k) != keys(b, k)) return keys(a, k) > keys(b, k);
    }
    return false;
  };
  std::vector<int> ranks(keys.rows());
  for (int e = 0; e < keys.rows(); ++e) {
    if (keys(e, 0) == 0) continue;
    int ahead = 0;
    for (int o = 0; o < keys.rows(); ++o) ahead += better(o, e) ? 1 : 0;
    ranks[e] = ahead + 1;
  }
  return ranks;
}

// ---------------------------------------------------------------------------
// ToKey

TEST(ToKeyTest, RoundsToPrecisionHalfAwayFromZero) {
  EXPECT_EQ(ToKey(85.124, 2, true), 8512);
  EXPECT_EQ(ToKey(85.126, 2, true), 8513);
  EXPECT_EQ(ToKey(85.125, 2, true), 8513);  // exactly representable half
  EXPECT_EQ(ToKey(7.5, 0, true), 8);
  EXPECT_EQ(ToKey(-7.5, 0, true), -8);
  EXPECT_EQ(ToKey(12.3456, 3, true), 12346);
  EXPECT_EQ(ToKey(0.1234564, 6, true), 123456);
  EXPECT_EQ(ToKey(1.5, 6, true), 1'500'000);
  EXPECT_EQ(ToKey(0, 2, true), 0);
}

TEST(ToKeyTest, DecimalHalvesRoundUpAsOnACalculator) {
  // 87.325 and 1.005 are stored just below the half; published they round up.
  EXPECT_EQ(ToKey(87.325, 2, true), 8733);
  EXPECT_EQ(ToKey(1.005, 2, true), 101);
  EXPECT_EQ(ToKey(-87.325, 2, true), -8733);
  EXPECT_EQ(ToKey(87.325, 2, false), -8733);
  EXPECT_EQ(ToKey(2.675, 2, true), 268);
}

TEST(ToKeyTest, ScoresThatPublishAlikeGetTheSameKey) {
  EXPECT_EQ(ToKey(90.004, 2, true), ToKey(89.996, 2, true));
  EXPECT_EQ(ToKey(90.004, 2, true), 9000);
  EXPECT_NE(ToKey(90.004, 3, true), ToKey(89.996, 3, true));
  // 0.1 + 0.2 is 0.30000000000000004 but publishes as 0.30.
  EXPECT_EQ(ToKey(0.1 + 0.2, 2, true), ToKey(0.3, 2, true));
}

TEST(ToKeyTest, LowerIsBetterNegatesTheKey) {
  EXPECT_EQ(ToKey(61.25, 1, false), -613);
  EXPECT_EQ(ToKey(-2, 0, false), 2);
  // 59.8 s beats 61.2 s.
  EXPECT_GT(ToKey(59.8, 1, false), ToKey(61.2, 1, false));
  EXPECT_LT(ToKey(59.8, 1, true), ToKey(61.2, 1, true));
}

TEST(ToKeyDeathTest, PrecisionOutsideZeroToSixIsABug) {
  EXPECT_DEATH(ToKey(1, 7, true), "PODIUM_CHECK failed");
  EXPECT_DEATH(ToKey(1, -1, true), "PODIUM_CHECK failed");
}

// ---------------------------------------------------------------------------
// SortAll

TEST(RankingTest, TiedTotalsShareRankAndSkipNext) {
  // Totals 90, 85, 85, 70 in group 1.
  const Ranking ranking = Sorted({{1, 85}, {1, 70}, {1, 90}, {1, 85}});
  EXPECT_THAT(Order(ranking), ElementsAre(2, 0, 3, 1));
  EXPECT_THAT(Ranks(ranking), ElementsAre(2, 4, 1, 2));
  EXPECT_EQ(ranking.position(2), 0);
  EXPECT_EQ(ranking.position(0), 1);
  EXPECT_EQ(ranking.position(3), 2);
  EXPECT_EQ(ranking.position(1), 3);
  EXPECT_EQ(ranking.at(0), 2);
}

TEST(RankingTest, ThreeWayTieThenNextRankIsFour) {
  const Ranking ranking = Sorted({{1, 50}, {1, 50}, {1, 50}, {1, 40}, {1, 40}, {1, 30}});
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 1, 1, 4, 4, 6));
  EXPECT_THAT(Order(ranking), ElementsAre(0, 1, 2, 3, 4, 5));
}

TEST(RankingTest, TieBreakKeysApplyInOrder) {
  // Same total 80; first tie-break separates 0 from the rest, second separates 1 and 2,
  // 3 and 4 stay tied on every key.
  const Ranking ranking = Sorted(
      {{1, 80, 5, 0}, {1, 80, 7, 1}, {1, 80, 7, 3}, {1, 80, 7, 2}, {1, 80, 7, 2}, {1, 81, 0, 0}});
  EXPECT_THAT(Order(ranking), ElementsAre(5, 2, 3, 4, 1, 0));
  EXPECT_THAT(Ranks(ranking), ElementsAre(6, 5, 2, 3, 3, 1));
}

TEST(RankingTest, EarlierKeyDominatesAnyLaterKey) {
  const Ranking ranking = Sorted({{1, 10, kMax}, {1, 11, kMin}});
  EXPECT_THAT(Order(ranking), ElementsAre(1, 0));
  EXPECT_THAT(Ranks(ranking), ElementsAre(2, 1));
}

TEST(RankingTest, GroupZeroIsExcludedAndLast) {
  // Entry 1 has the best total but is excluded; group 2 (reached the final) ranks
  // ahead of group 1 whatever the totals.
  const Ranking ranking = Sorted({{1, 90}, {0, 99}, {2, 60}, {0, 10}, {1, 95}, {2, 50}});
  EXPECT_THAT(Order(ranking), ElementsAre(2, 5, 4, 0, 1, 3));
  EXPECT_THAT(Ranks(ranking), ElementsAre(4, 0, 1, 0, 3, 2));
}

TEST(RankingTest, ExcludedEntriesWithEqualKeysStillRankZero) {
  const Ranking ranking = Sorted({{0, 5}, {0, 5}, {1, 1}});
  EXPECT_THAT(Order(ranking), ElementsAre(2, 0, 1));
  EXPECT_THAT(Ranks(ranking), ElementsAre(0, 0, 1));
}

TEST(RankingTest, NegativeKeysOrderLikeIntegers) {
  const Ranking ranking = Sorted({{1, -5}, {1, 3}, {1, -100}, {1, 0}, {1, -5}});
  EXPECT_THAT(Order(ranking), ElementsAre(1, 3, 0, 4, 2));
  EXPECT_THAT(Ranks(ranking), ElementsAre(3, 1, 5, 2, 3));
}

TEST(RankingTest, WideKeysPackIntoSeveralWords) {
  // Three keys spanning about 2^41 each need more than 64 bits together, and the
  // last needs all 64 bits on its own.
  const std::int64_t big = std::int64_t{1} << 40;
  const Ranking ranking = Sorted({
      {1, big, -big, kMin},
      {1, big, -big, kMax},
      {1, -big, big, 0},
      {1, big, big, -1},
      {1, big, -big, kMax},
      {1, -big, big, 1},
      {1, 0, 0, 0},
  });
  EXPECT_THAT(Order(ranking), ElementsAre(3, 1, 4, 0, 6, 5, 2));
  EXPECT_THAT(Ranks(ranking), ElementsAre(4, 2, 7, 1, 2, 6, 5));
  EXPECT_THAT(Order(ranking), ElementsAreArray(SortByKeysNaive(KeysOf(ranking))));
}

TEST(RankingTest, ExtremeValuesInOneKey) {
  const Ranking ranking = Sorted({{1, kMin}, {1, kMax}, {1, 0}, {1, kMax - 1}, {1, kMin + 1}});
  EXPECT_THAT(Order(ranking), ElementsAre(1, 3, 2, 4, 0));
  EXPECT_THAT(Ranks(ranking), ElementsAre(5, 1, 3, 2, 4));
}

TEST(RankingTest, ConstantKeysNeedNoPasses) {
  const Ranking ranking = Sorted({{1, 7, 7}, {1, 7, 7}, {1, 7, 7}});
  EXPECT_THAT(Order(ranking), ElementsAre(0, 1, 2));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 1, 1));
}

TEST(RankingTest, EmptyAndSingleEntry) {
  const Ranking empty = Sorted({});
  EXPECT_EQ(empty.size(), 0);
  const Ranking one = Sorted({{1, 42}});
  EXPECT_THAT(Ranks(one), ElementsAre(1));
  const Ranking one_excluded = Sorted({{0, 42}});
  EXPECT_THAT(Ranks(one_excluded), ElementsAre(0));
}

TEST(RankingTest, BeforeAndSameKeys) {
  const Ranking ranking = Sorted({{1, 5, 2}, {1, 5, 2}, {1, 5, 3}});
  EXPECT_TRUE(ranking.Before(2, 0));
  EXPECT_FALSE(ranking.Before(0, 2));
  EXPECT_TRUE(ranking.Before(0, 1));  // equal keys: index order
  EXPECT_FALSE(ranking.Before(1, 0));
  EXPECT_TRUE(ranking.SameKeys(0, 1));
  EXPECT_FALSE(ranking.SameKeys(0, 2));
}

TEST(RankingTest, SortByKeysNaiveKeepsIndexOrderForTies) {
  KeyMatrix keys(4, 2);
  keys << 1, 3, 1, 5, 1, 3, 0, 9;
  EXPECT_THAT(SortByKeysNaive(keys), ElementsAre(1, 0, 2, 3));
}

// ---------------------------------------------------------------------------
// Update: hand-made moves

TEST(RankingUpdateTest, MovesUp) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 30}, {1, 20}, {1, 10}});
  SetKeys(ranking, 4, {1, 45});
  const RankSpan span = ranking.Update(4);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 4, 1, 2, 3));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 3, 4, 5, 2));
  EXPECT_EQ(span.first, 1);
  EXPECT_EQ(span.last, 4);
}

TEST(RankingUpdateTest, MovesDown) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 30}, {1, 20}, {1, 10}});
  SetKeys(ranking, 0, {1, 25});
  const RankSpan span = ranking.Update(0);
  EXPECT_THAT(Order(ranking), ElementsAre(1, 2, 0, 3, 4));
  EXPECT_THAT(Ranks(ranking), ElementsAre(3, 1, 2, 4, 5));
  EXPECT_EQ(span.first, 0);
  EXPECT_EQ(span.last, 2);
}

TEST(RankingUpdateTest, StaysWhenStillInPlace) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 30}});
  SetKeys(ranking, 1, {1, 45});
  const RankSpan span = ranking.Update(1);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 1, 2));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 2, 3));
  EXPECT_EQ(span.first, 1);
  EXPECT_EQ(span.last, 1);
}

TEST(RankingUpdateTest, JoinsTieGroupInIndexOrder) {
  // Entry 3 rises to 40 and ties entry 1; it sorts after 1 (higher index).
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 30}, {1, 20}, {1, 10}});
  SetKeys(ranking, 3, {1, 40});
  ranking.Update(3);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 1, 3, 2, 4));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 2, 4, 2, 5));
}

TEST(RankingUpdateTest, JoinsTieGroupWithoutMovingWhenIndexOrderAllows) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 30}});
  SetKeys(ranking, 1, {1, 50});
  const RankSpan span = ranking.Update(1);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 1, 2));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 1, 3));
  EXPECT_LE(span.first, 1);
  EXPECT_GE(span.last, 1);
}

TEST(RankingUpdateTest, LeavingTheTopOfATieGroupReranksTheRestOfIt) {
  // 40, 40, 40, 40 behind 50: entry 1 rises to 45 without moving; the group
  // behind it now starts one place later.
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 40}, {1, 40}, {1, 40}});
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 2, 2, 2, 2));
  SetKeys(ranking, 1, {1, 45});
  const RankSpan span = ranking.Update(1);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 2, 3, 3, 3));
  EXPECT_EQ(span.first, 1);
  EXPECT_EQ(span.last, 4);
}

TEST(RankingUpdateTest, LeavingATieGroupDownward) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 40}, {1, 40}, {1, 10}});
  SetKeys(ranking, 1, {1, 5});
  ranking.Update(1);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 2, 3, 4, 1));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 5, 2, 2, 4));
}

TEST(RankingUpdateTest, MovingPastATieGroupShiftsItsRank) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 40}, {1, 40}, {1, 10}});
  SetKeys(ranking, 0, {1, 35});
  ranking.Update(0);
  EXPECT_THAT(Order(ranking), ElementsAre(1, 2, 3, 0, 4));
  EXPECT_THAT(Ranks(ranking), ElementsAre(4, 1, 1, 1, 5));
}

TEST(RankingUpdateTest, BecomingExcludedGoesLastWithRankZero) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 30}, {0, 0}});
  SetKeys(ranking, 0, {0, 50});
  ranking.Update(0);
  // Within the excluded group entries still sort by their other keys.
  EXPECT_THAT(Order(ranking), ElementsAre(1, 2, 0, 3));
  EXPECT_THAT(Ranks(ranking), ElementsAre(0, 1, 2, 0));
}

TEST(RankingUpdateTest, LeavingExclusionTakesItsPlace) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {0, 45}, {1, 30}});
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 2, 0, 3));
  SetKeys(ranking, 2, {1, 45});
  ranking.Update(2);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 2, 1, 3));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 3, 2, 4));
}

TEST(RankingUpdateTest, UnchangedKeysChangeNothing) {
  Ranking ranking = Sorted({{1, 50}, {1, 40}, {1, 40}, {1, 30}});
  const RankSpan span = ranking.Update(2);
  EXPECT_THAT(Order(ranking), ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(Ranks(ranking), ElementsAre(1, 2, 2, 4));
  EXPECT_FALSE(span.empty());
}

// ---------------------------------------------------------------------------
// Properties against the naive reference

constexpr std::uint32_t kRankingSeed = 1234567;

// Random keys with many ties: group 0..2 (group 0 about 10%), a total from a
// small range, a tie-break key that is sometimes negative, and a wide key.
std::vector<std::int64_t> RandomKeys(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> group(0, 19);
  std::uniform_int_distribution<std::int64_t> total(0, 25);
  std::uniform_int_distribution<std::int64_t> tie(-3, 3);
  std::uniform_int_distribution<std::int64_t> wide(std::int64_t{-1} << 50, std::int64_t{1} << 50);
  std::bernoulli_distribution wide_tied(0.7);
  const int g = group(rng);
  return {g < 2 ? 0 : (g < 12 ? 1 : 2), total(rng), tie(rng), wide_tied(rng) ? 0 : wide(rng)};
}

void ExpectMatchesFreshSort(const Ranking& ranking, const std::string& context) {
  Ranking fresh = ranking;
  fresh.SortAll();
  ASSERT_EQ(Order(ranking), Order(fresh)) << context;
  for (int e = 0; e < ranking.size(); ++e) {
    ASSERT_EQ(ranking.position(e), fresh.position(e)) << context << " entry " << e;
    ASSERT_EQ(ranking.rank(e), fresh.rank(e)) << context << " entry " << e;
    ASSERT_EQ(ranking.at(ranking.position(e)), e) << context << " entry " << e;
  }
}

TEST(RankingPropertyTest, SortAllMatchesNaiveSortAndRanks) {
  std::cout << "seed " << kRankingSeed << "\n";
  std::mt19937_64 rng(kRankingSeed);
  for (const int n : {2, 3, 17, 256, 1000}) {
    Ranking ranking;
    ranking.Reset(n, 4);
    for (int e = 0; e < n; ++e) SetKeys(ranking, e, RandomKeys(rng));
    ranking.SortAll();
    const KeyMatrix keys = KeysOf(ranking);
    ASSERT_EQ(Order(ranking), SortByKeysNaive(keys)) << "seed " << kRankingSeed << " n " << n;
    ASSERT_EQ(Ranks(ranking), ExpectedRanks(keys)) << "seed " << kRankingSeed << " n " << n;
    for (int p = 0; p < n; ++p) ASSERT_EQ(ranking.position(ranking.at(p)), p);
  }
}

TEST(RankingPropertyTest, UpdateAfterEachChangeMatchesFreshSort) {
  std::cout << "seed " << kRankingSeed << "\n";
  std::mt19937_64 rng(kRankingSeed + 1);
  constexpr int kEntries = 300;
  constexpr int kChanges = 4000;
  Ranking ranking;
  ranking.Reset(kEntries, 4);
  for (int e = 0; e < kEntries; ++e) SetKeys(ranking, e, RandomKeys(rng));
  ranking.SortAll();

  std::uniform_int_distribution<int> pick(0, kEntries - 1);
  std::uniform_int_distribution<int> kind(0, 6);
  int moved_up = 0, moved_down = 0, stayed = 0, joined_tie = 0, left_tie = 0;
  int became_excluded = 0, left_exclusion = 0;
  for (int change = 0; change < kChanges; ++change) {
    const int entry = pick(rng);
    std::vector<std::int64_t> keys(ranking.keys(entry).begin(), ranking.keys(entry).end());
    const int how = kind(rng);
    switch (how) {
      case 0:
        keys = RandomKeys(rng);
        break;
      case 1: {  // copy another entry's keys: join its tie group
        const int other = pick(rng);
        keys.assign(ranking.keys(other).begin(), ranking.keys(other).end());
        break;
      }
      case 2:
        keys[1] += 1;
        break;
      case 3:
        keys[1] -= 1;
        break;
      case 4:
        keys[0] = keys[0] == 0 ? 1 : 0;
        break;  // in or out of the excluded group
      case 5:
        keys[2] = -keys[2] + 1;
        break;
      case 6:
        break;  // unchanged
    }
    const int old_position = ranking.position(entry);
    const int old_rank = ranking.rank(entry);
    const bool was_tied =
        (old_position > 0 && ranking.SameKeys(entry, ranking.at(old_position - 1))) ||
        (old_position + 1 < kEntries && ranking.SameKeys(entry, ranking.at(old_position + 1)));
    std::vector<int> order_before = Order(ranking);
    std::vector<int> rank_at_before(kEntries);
    for (int p = 0; p < kEntries; ++p) rank_at_before[p] = ranking.rank(ranking.at(p));

    SetKeys(ranking, entry, keys);
    const RankSpan span = ranking.Update(entry);

    const std::string context = "seed " + std::to_string(kRankingSeed + 1) + " change " +
                                std::to_string(change) + " entry " + std::to_string(entry);
    ExpectMatchesFreshSort(ranking, context);
    ASSERT_EQ(Ranks(ranking), ExpectedRanks(KeysOf(ranking))) << context;
    // Outside the returned span neither the occupant nor its rank changed.
    for (int p = 0; p < kEntries; ++p) {
      if (p >= span.first && p <= span.last) continue;
      ASSERT_EQ(ranking.at(p), order_before[p]) << context << " position " << p;
      ASSERT_EQ(ranking.rank(ranking.at(p)), rank_at_before[p]) << context << " position " << p;
    }

    const int new_position = ranking.position(entry);
    const int p = new_position;
    const bool is_tied = (p > 0 && ranking.SameKeys(entry, ranking.at(p - 1))) ||
                         (p + 1 < kEntries && ranking.SameKeys(entry, ranking.at(p + 1)));
    if (new_position < old_position) ++moved_up;
    if (new_position > old_position) ++moved_down;
    if (new_position == old_position) ++stayed;
    if (is_tied && !was_tied) ++joined_tie;
    if (was_tied && !is_tied) ++left_tie;
    if (old_rank != 0 && ranking.rank(entry) == 0) ++became_excluded;
    if (old_rank == 0 && ranking.rank(entry) != 0) ++left_exclusion;
  }
  // The random changes exercised every kind of move.
  EXPECT_GT(moved_up, 100);
  EXPECT_GT(moved_down, 100);
  EXPECT_GT(stayed, 100);
  EXPECT_GT(joined_tie, 50);
  EXPECT_GT(left_tie, 50);
  EXPECT_GT(became_excluded, 50);
  EXPECT_GT(left_exclusion, 50);
}

TEST(RankingPropertyTest, UpdateWithWideKeysMatchesFreshSort) {
  std::cout << "seed " << kRankingSeed << "\n";
  std::mt19937_64 rng(kRankingSeed + 2);
  constexpr int kEntries = 64;
  std::uniform_int_distribution<std::int64_t> any(kMin, kMax);
  std::uniform_int_distribution<int> small(0, 2);
  Ranking ranking;
  ranking.Reset(kEntries, 3);
  for (int e = 0; e < kEntries; ++e) SetKeys(ranking, e, {1 + small(rng), any(rng), small(rng)});
  ranking.SortAll();
  ASSERT_EQ(Order(ranking), SortByKeysNaive(KeysOf(ranking))) << "seed " << kRankingSeed + 2;
  std::uniform_int_distribution<int> pick(0, kEntries - 1);
  for (int change = 0; change < 500; ++change) {
    const int entry = pick(rng);
    SetKeys(ranking, entry, {small(rng), any(rng), small(rng)});
    ranking.Update(entry);
    ExpectMatchesFreshSort(
        ranking, "seed " + std::to_string(kRankingSeed + 2) + " change " + std::to_string(change));
    ASSERT_EQ(Order(ranking), SortByKeysNaive(KeysOf(ranking)));
  }
}

// Runs tasks one at a time, last first, and claims to be parallel, so SortAll
// splits large rankings into parts; a part that depends on running after an
// earlier one shows up as a wrong order or rank.
class ReverseOrderTaskRunner final : public TaskRunner {
 public:
  void Run(int count, const std::function<void(int)>& task) override {
    for (int i = count - 1; i >= 0; --i) task(i);
  }
  int concurrency() const override { return 4; }
};

// Runs every task on its own thread.
class ThreadPerTaskRunner final : public TaskRunner {
 public:
  void Run(int count, const std::function<void(int)>& task) override {
    std::vector<std::thread> threads;
    for (int i = 0; i < count; ++i) threads.emplace_back(task, i);
    for (std::thread& t : threads) t.join();
  }
  int concurrency() const override { return 3; }
};

// Ranks from an order known to be right: the first position of the tie group, + 1.
std::vector<int> RanksFromOrder(const KeyMatrix& keys, const std::vector<std::int32_t>& order) {
  std::vector<int> ranks(keys.rows());
  for (size_t p = 0; p < order.size(); ++p) {
    const int e = order[p];
    if (keys(e, 0) == 0) {
      ranks[e] = 0;
    } else if (p > 0 && keys.row(order[p - 1]) == keys.row(e)) {
      ranks[e] = ranks[order[p - 1]];
    } else {
      ranks[e] = static_cast<int>(p) + 1;
    }
  }
  return ranks;
}

template <typename Runner>
void ExpectLargeSortMatchesNaive(bool wide_keys) {
  // Enough entries for SortAll to split the work into several parts.
  constexpr int kEntries = 200'003;
  std::cout << "seed " << kRankingSeed << "\n";
  std::mt19937_64 rng(kRankingSeed + 3);
  std::uniform_int_distribution<std::int64_t> any(kMin, kMax);
  Runner runner;
  Ranking ranking;
  ranking.set_task_runner(&runner);
  ranking.Reset(kEntries, 4);
  for (int e = 0; e < kEntries; ++e) {
    std::vector<std::int64_t> keys = RandomKeys(rng);
    // Narrow: every key fits one 64-bit word. Wide: the last key alone needs 64 bits.
    if (!wide_keys) keys[3] = 0;
    if (wide_keys && keys[3] != 0) keys[3] = any(rng);
    SetKeys(ranking, e, keys);
  }
  ranking.SortAll();
  const KeyMatrix keys = KeysOf(ranking);
  const std::vector<std::int32_t> expected = SortByKeysNaive(keys);
  ASSERT_EQ(Order(ranking), std::vector<int>(expected.begin(), expected.end()))
      << "seed " << kRankingSeed + 3;
  const std::vector<int> expected_ranks = RanksFromOrder(keys, expected);
  for (int e = 0; e < kEntries; ++e) {
    ASSERT_EQ(ranking.rank(e), expected_ranks[e]) << "seed " << kRankingSeed + 3 << " entry " << e;
    ASSERT_EQ(ranking.at(ranking.position(e)), e);
  }
  // The serial sort agrees.
  Ranking serial = ranking;
  serial.set_task_runner(&SerialTaskRunner::Default());
  serial.SortAll();
  EXPECT_EQ(Order(serial), Order(ranking));
  EXPECT_EQ(Ranks(serial), Ranks(ranking));
}

TEST(RankingPropertyTest, PartitionedSortInOneWordMatchesNaive) {
  ExpectLargeSortMatchesNaive<ReverseOrderTaskRunner>(/*wide_keys=*/false);
}

TEST(RankingPropertyTest, PartitionedSortInSeveralWordsMatchesNaive) {
  ExpectLargeSortMatchesNaive<ReverseOrderTaskRunner>(/*wide_keys=*/true);
}

TEST(RankingPropertyTest, ThreadedSortMatchesNaive) {
  ExpectLargeSortMatchesNaive<ThreadPerTaskRunner>(/*wide_keys=*/false);
  ExpectLargeSortMatchesNaive<ThreadPerTaskRunner>(/*wide_keys=*/true);
}

TEST(RankingPropertyTest, PartitionedSortWithLongTieGroupsAcrossParts) {
  // Four huge tie groups of uneven sizes, so the part boundaries (every 75,000
  // positions) fall inside groups: entries e % 7 in {0, 1, 2} total 20, {3, 4}
  // total 10, {5} total 0, {6} excluded.
  constexpr int kEntries = 300'000;
  ReverseOrderTaskRunner runner;
  Ranking ranking;
  ranking.set_task_runner(&runner);
  ranking.Reset(kEntries, 2);
  const auto total_of = [](int e) { return e % 7 <= 2 ? 20 : e % 7 <= 4 ? 10 : 0; };
  int twenties = 0, tens = 0;
  for (int e = 0; e < kEntries; ++e) {
    SetKeys(ranking, e, {e % 7 == 6 ? 0 : 1, total_of(e)});
    if (e % 7 != 6) {
      twenties += total_of(e) == 20 ? 1 : 0;
      tens += total_of(e) == 10 ? 1 : 0;
    }
  }
  ASSERT_EQ(twenties, 128'572);
  ASSERT_EQ(tens, 85'714);
  ranking.SortAll();
  for (int e = 0; e < kEntries; ++e) {
    const int expected_rank = e % 7 == 6          ? 0
                              : total_of(e) == 20 ? 1
                              : total_of(e) == 10 ? twenties + 1
                                                  : twenties + tens + 1;
    ASSERT_EQ(ranking.rank(e), expected_rank) << "entry " << e;
  }
  EXPECT_EQ(ranking.at(0), 0);
  EXPECT_EQ(ranking.at(twenties), 3);
  EXPECT_EQ(ranking.at(kEntries - 1), 299'998);  // the last e % 7 == 6
}

TEST(RankingDeathTest, ResetNeedsTheGroupKey) {
  Ranking ranking;
  EXPECT_DEATH(ranking.Reset(3, 0), "PODIUM_CHECK failed");
  EXPECT_DEATH(ranking.Reset(-1, 2), "PODIUM_CHECK failed");
}

}  // namespace
}  // namespace podium::engine
