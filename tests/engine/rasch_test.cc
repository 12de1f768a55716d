#include "podium/engine/rasch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "tests/testing/status_matchers.h"

namespace podium::engine {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::HasSubstr;

constexpr double kLogitTolerance = 1e-3;

// Ratings drawn from the model itself with known measures.
struct Simulated {
  RaschObservations observations;
  std::vector<double> ability, difficulty, severity;
  std::vector<double> thresholds;
};

int Draw(double logit, const std::vector<double>& thresholds, std::mt19937_64& rng) {
  std::vector<double> weight(thresholds.size() + 1);
  double psi = 0;
  weight[0] = 1;
  for (std::size_t k = 1; k < weight.size(); ++k) {
    psi += logit - thresholds[k - 1];
    weight[k] = std::exp(psi);
  }
  std::discrete_distribution<int> category(weight.begin(), weight.end());
  return category(rng);
}

// Every contestant rated on every item by a panel of `panel` judges drawn in
// rotation from `judges` (so the plan is connected but not complete).
Simulated Simulate(int contestants, int items, int judges, int panel, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0, 1);
  Simulated sim;
  sim.thresholds = {-1.5, -0.3, 0.4, 1.4};
  for (int c = 0; c < contestants; ++c) sim.ability.push_back(normal(rng));
  for (int i = 0; i < items; ++i) sim.difficulty.push_back(0.5 * normal(rng));
  for (int j = 0; j < judges; ++j) sim.severity.push_back(0.7 * normal(rng));
  RaschObservations& obs = sim.observations;
  obs.num_contestants = contestants;
  obs.num_items = items;
  obs.num_judges = judges;
  obs.max_category = static_cast<int>(sim.thresholds.size());
  for (int c = 0; c < contestants; ++c) {
    for (int i = 0; i < items; ++i) {
      for (int s = 0; s < panel; ++s) {
        const int j = (c + s) % judges;
        obs.Add(c, i, j,
                Draw(sim.ability[c] - sim.difficulty[i] - sim.severity[j], sim.thresholds, rng));
      }
    }
  }
  return sim;
}

double Correlation(const Eigen::VectorXd& a, const std::vector<double>& b) {
  const Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(b.data(), b.size());
  const Eigen::VectorXd x0 = a.array() - a.mean();
  const Eigen::VectorXd y0 = y.array() - y.mean();
  return x0.dot(y0) / std::sqrt(x0.squaredNorm() * y0.squaredNorm());
}

// Two dichotomous items, every contestant with one right: JMLE has the closed
// form D2 - D1 = 2 ln(n10 / n01) (twice the conditional estimate: the
// well-known JMLE bias with two items).
TEST(RaschTest, TwoDichotomousItemsMatchTheClosedForm) {
  RaschObservations obs;
  obs.num_contestants = 40;
  obs.num_items = 2;
  obs.num_judges = 1;
  obs.max_category = 1;
  for (int c = 0; c < 40; ++c) {
    const bool first_right = c < 30;
    obs.Add(c, 0, 0, first_right ? 1 : 0);
    obs.Add(c, 1, 0, first_right ? 0 : 1);
  }
  const auto estimate = EstimateRasch(obs);
  ASSERT_THAT(estimate, IsOk());
  EXPECT_TRUE(estimate->converged);
  EXPECT_NEAR(estimate->items.measure[0], -std::log(3.0), kLogitTolerance);
  EXPECT_NEAR(estimate->items.measure[1], std::log(3.0), kLogitTolerance);
  EXPECT_NEAR(estimate->contestants.measure[0], 0, kLogitTolerance);
  EXPECT_NEAR(estimate->judges.measure[0], 0, kLogitTolerance);
}

TEST(RaschTest, RecoversSimulatedMeasures) {
  constexpr std::uint64_t kSeed = 20261122;
  SCOPED_TRACE("seed " + std::to_string(kSeed));
  const Simulated sim = Simulate(400, 5, 10, 4, kSeed);
  const auto estimate = EstimateRasch(sim.observations);
  ASSERT_THAT(estimate, IsOk());
  EXPECT_TRUE(estimate->converged);
  EXPECT_GT(Correlation(estimate->contestants.measure, sim.ability), 0.9);
  EXPECT_GT(Correlation(estimate->judges.measure, sim.severity), 0.97);
  EXPECT_GT(Correlation(estimate->items.measure, sim.difficulty), 0.97);
  for (int k = 0; k < 4; ++k) {
    EXPECT_NEAR(estimate->thresholds[k], sim.thresholds[k] - 0.0, 0.3) << "threshold " << k + 1;
  }
  // Fit mean squares of data that follow the model are near 1.
  for (int j = 0; j < 10; ++j) {
    EXPECT_NEAR(estimate->judges.infit[j], 1.0, 0.2) << "judge " << j;
    EXPECT_NEAR(estimate->judges.outfit[j], 1.0, 0.25) << "judge " << j;
  }
}

TEST(RaschTest, HarshJudgeIsMoreSevereAndFairScoresUndoIt) {
  // Judges 0 and 1 agree; judge 2 gives one category less to everyone it rates.
  RaschObservations obs;
  obs.num_contestants = 6;
  obs.num_items = 1;
  obs.num_judges = 3;
  obs.max_category = 4;
  const int level[6] = {1, 2, 2, 3, 3, 4};
  for (int c = 0; c < 6; ++c) {
    obs.Add(c, 0, 0, level[c]);
    obs.Add(c, 0, 1, level[c]);
    obs.Add(c, 0, 2, level[c] - 1);
  }
  const auto estimate = EstimateRasch(obs);
  ASSERT_THAT(estimate, IsOk());
  EXPECT_GT(estimate->judges.measure[2], estimate->judges.measure[0] + 0.5);
  EXPECT_NEAR(estimate->judges.measure[0], estimate->judges.measure[1], kLogitTolerance);
  // Same ratings, same measure; more, higher.
  EXPECT_EQ(estimate->contestants.measure[1], estimate->contestants.measure[2]);
  EXPECT_LT(estimate->contestants.measure[0], estimate->contestants.measure[1]);
  EXPECT_LT(estimate->contestants.measure[4], estimate->contestants.measure[5]);
  EXPECT_LT(estimate->FairCategory(0, 0), estimate->FairCategory(5, 0));
}

TEST(RaschTest, ExtremeScoresGetFiniteMeasuresBeyondTheOthers) {
  RaschObservations obs;
  obs.num_contestants = 4;
  obs.num_items = 2;
  obs.num_judges = 2;
  obs.max_category = 2;
  const int ratings[4][4] = {{0, 0, 0, 0}, {0, 1, 1, 2}, {1, 1, 2, 1}, {2, 2, 2, 2}};
  for (int c = 0; c < 4; ++c) {
    for (int r = 0; r < 4; ++r) obs.Add(c, r / 2, r % 2, ratings[c][r]);
  }
  const auto estimate = EstimateRasch(obs);
  ASSERT_THAT(estimate, IsOk());
  EXPECT_TRUE(estimate->contestants.extreme[0]);
  EXPECT_TRUE(estimate->contestants.extreme[3]);
  EXPECT_FALSE(estimate->contestants.extreme[1]);
  EXPECT_TRUE(std::isfinite(estimate->contestants.measure[0]));
  EXPECT_LT(estimate->contestants.measure[0], estimate->contestants.measure[1]);
  EXPECT_GT(estimate->contestants.measure[3], estimate->contestants.measure[2]);
}

TEST(RaschTest, WarmStartConvergesFasterToTheSameEstimate) {
  Simulated sim = Simulate(300, 4, 8, 3, 7);
  const auto cold = EstimateRasch(sim.observations);
  ASSERT_THAT(cold, IsOk());
  // One rating changes, as when a judge corrects a mark live.
  sim.observations.category[17] = sim.observations.category[17] == 0 ? 1 : 0;
  const auto fresh = EstimateRasch(sim.observations);
  const auto warm = EstimateRasch(sim.observations, {}, &*cold);
  ASSERT_THAT(fresh, IsOk());
  ASSERT_THAT(warm, IsOk());
  EXPECT_TRUE(warm->converged);
  EXPECT_LT(warm->iterations, fresh->iterations);
  EXPECT_LE(warm->iterations, 4);
  for (int c = 0; c < 300; ++c) {
    EXPECT_NEAR(warm->contestants.measure[c], fresh->contestants.measure[c], 1e-4);
  }
}

TEST(RaschTest, SameRatingsGiveBitIdenticalEstimates) {
  const Simulated sim = Simulate(100, 3, 6, 3, 99);
  const auto a = EstimateRasch(sim.observations);
  const auto b = EstimateRasch(sim.observations);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(a->contestants.measure, b->contestants.measure);
  EXPECT_EQ(a->judges.measure, b->judges.measure);
  EXPECT_EQ(a->thresholds, b->thresholds);
}

TEST(RaschTest, DisconnectedJudgingPlanIsReportedNotEstimated) {
  // Judges 0-1 rate contestants 0-2, judges 2-3 rate contestants 3-5.
  RaschObservations obs;
  obs.num_contestants = 6;
  obs.num_items = 1;
  obs.num_judges = 4;
  obs.max_category = 2;
  for (int c = 0; c < 6; ++c) {
    const int first = c < 3 ? 0 : 2;
    obs.Add(c, 0, first, c % 3);
    obs.Add(c, 0, first + 1, (c + 1) % 3);
  }
  const RaschSubsets subsets = FindRaschSubsets(obs);
  EXPECT_EQ(subsets.count, 2);
  EXPECT_FALSE(subsets.connected());
  EXPECT_EQ(subsets.judge_subset, (std::vector<int>{0, 0, 1, 1}));
  EXPECT_EQ(subsets.contestant_subset, (std::vector<int>{0, 0, 0, 1, 1, 1}));
  EXPECT_THAT(EstimateRasch(obs),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("subset 1: 2 judge(s), 3 contestant(s); subset 2: 2 judge(s), "
                                 "3 contestant(s)")));
}

TEST(RaschTest, BadObservationsAreRefusedByName) {
  RaschObservations obs;
  obs.num_contestants = 2;
  obs.num_items = 2;
  obs.num_judges = 1;
  obs.max_category = 2;
  obs.Add(0, 0, 0, 0);
  obs.Add(0, 1, 0, 2);
  obs.Add(1, 0, 0, 2);
  obs.Add(1, 1, 0, 0);
  EXPECT_THAT(EstimateRasch(obs), StatusIs(StatusCode::kFailedPrecondition,
                                           HasSubstr("rating category 1 is not used")));
  obs.Add(1, 0, 0, 3);
  EXPECT_THAT(EstimateRasch(obs), StatusIs(StatusCode::kInvalidArgument,
                                           HasSubstr("observation 5: category 3 outside [0, 2]")));
  obs.category.back() = 1;
  obs.judge.back() = 5;
  EXPECT_THAT(EstimateRasch(obs),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("observation 5: contestant")));
  RaschObservations one_category;
  one_category.num_contestants = 1;
  one_category.num_items = 1;
  one_category.num_judges = 1;
  one_category.max_category = 0;
  one_category.Add(0, 0, 0, 0);
  EXPECT_THAT(EstimateRasch(one_category), StatusIs(StatusCode::kFailedPrecondition));
}

// --- Published example -----------------------------------------------------------

// Splits a CSV line without quoting (the reference files have none).
std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

std::vector<std::vector<std::string>> ReadCsv(const std::string& name) {
  std::ifstream in(std::string(PODIUM_RASCH_DATA) + "/" + name);
  EXPECT_TRUE(in.good()) << "cannot read " << name;
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(Fields(line));
  }
  return rows;
}

// Liking for Science (Wright & Masters 1982, Rating Scale Analysis, p. 18):
// 75 children x 25 activities rated 0-2, the Winsteps manual's Example 0.
// Winsteps (JMLE, items centred, the one perfect score left out, no bias
// correction) prints item measures, model S.E. and fit to 2 decimals, and
// Andrich thresholds -0.86 / +0.86. Sources and transcription checks:
// tests/engine/rasch_data/README.md. Winsteps stops at its default
// convergence limits, so agreement is to about 0.015 logits, not 0.005.
TEST(RaschTest, ReproducesTheWinstepsLikingForScienceEstimates) {
  RaschObservations obs;
  obs.num_contestants = 75;
  obs.num_items = 25;
  obs.num_judges = 1;
  obs.max_category = 2;
  for (const auto& row : ReadCsv("liking_for_science.csv")) {
    ASSERT_EQ(row.size(), 4u);
    obs.Add(std::stoi(row[0]) - 1, std::stoi(row[1]) - 1, 0, std::stoi(row[3]));
  }
  ASSERT_EQ(obs.size(), 75 * 25);
  const auto estimate = EstimateRasch(obs);
  ASSERT_THAT(estimate, IsOk());
  EXPECT_TRUE(estimate->converged);
  // The perfect score (child 2) is extreme: left out, then measured alone.
  EXPECT_TRUE(estimate->contestants.extreme[1]);
  EXPECT_EQ(estimate->contestants.extreme.count(), 1);
  int items = 0;
  int thresholds = 0;
  for (const auto& row : ReadCsv("liking_for_science_published.csv")) {
    const int element = std::stoi(row[1]);
    const double measure = std::stod(row[5]);
    const double se = std::stod(row[6]);
    if (row[0] == "item") {
      const int i = element - 1;
      SCOPED_TRACE("item " + row[1] + " " + row[2]);
      EXPECT_NEAR(estimate->items.measure[i], measure, 0.015);
      EXPECT_NEAR(estimate->items.standard_error[i], se, 0.01);
      // Our fit statistics count the extreme child too (75 ratings, not 74).
      EXPECT_NEAR(estimate->items.infit[i], std::stod(row[7]), 0.02);
      EXPECT_NEAR(estimate->items.outfit[i], std::stod(row[9]), 0.05);
      ++items;
    } else if (row[0] == "threshold") {
      EXPECT_NEAR(estimate->thresholds[element - 1], measure, 0.01) << "threshold " << element;
      ++thresholds;
    }
  }
  EXPECT_EQ(items, 25);
  EXPECT_EQ(thresholds, 2);
}

}  // namespace
}  // namespace podium::engine
