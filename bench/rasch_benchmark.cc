// Many-facet Rasch estimation: a full estimate from scratch and the live
// update after one rating changes (warm-started from the previous estimate).
// Ratings are drawn from the model with known measures (fixed seed).
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

#include "podium/check.h"
#include "podium/engine/rasch.h"

namespace podium::engine {
namespace {

constexpr double kThresholds[] = {-1.8, -0.6, 0.5, 1.9};  // a 0..4 rating scale

int Draw(double logit, std::mt19937_64& rng) {
  double weight[5] = {1, 0, 0, 0, 0};
  double psi = 0;
  for (int k = 1; k < 5; ++k) {
    psi += logit - kThresholds[k - 1];
    weight[k] = std::exp(psi);
  }
  std::discrete_distribution<int> category(std::begin(weight), std::end(weight));
  return category(rng);
}

// Every contestant rated on every item by `panel` of the `judges` judges,
// panels rotating so that the plan is connected.
RaschObservations Simulate(int contestants, int items, int judges, int panel) {
  std::mt19937_64 rng(2026);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> ability(contestants), difficulty(items), severity(judges);
  for (double& b : ability) b = normal(rng);
  for (double& d : difficulty) d = 0.5 * normal(rng);
  for (double& c : severity) c = 0.6 * normal(rng);
  RaschObservations obs;
  obs.num_contestants = contestants;
  obs.num_items = items;
  obs.num_judges = judges;
  obs.max_category = 4;
  for (int c = 0; c < contestants; ++c) {
    for (int i = 0; i < items; ++i) {
      for (int s = 0; s < panel; ++s) {
        const int j = (c + s) % judges;
        obs.Add(c, i, j, Draw(ability[c] - difficulty[i] - severity[j], rng));
      }
    }
  }
  return obs;
}

// Args: contestants, items, judges, panel size.
void BM_RaschFullEstimate(benchmark::State& state) {
  const RaschObservations obs =
      Simulate(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
               static_cast<int>(state.range(2)), static_cast<int>(state.range(3)));
  int iterations = 0;
  for (auto _ : state) {
    auto estimate = EstimateRasch(obs);
    PODIUM_CHECK(estimate.ok() && estimate->converged);
    iterations = estimate->iterations;
    benchmark::DoNotOptimize(estimate->contestants.measure.data());
  }
  state.counters["ratings"] = obs.size();
  state.counters["newton_iterations"] = iterations;
  state.SetItemsProcessed(state.iterations() * obs.size());
}

void BM_RaschLiveUpdate(benchmark::State& state) {
  RaschObservations obs =
      Simulate(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)),
               static_cast<int>(state.range(2)), static_cast<int>(state.range(3)));
  auto previous = EstimateRasch(obs);
  PODIUM_CHECK(previous.ok());
  int iterations = 0;
  int changed = 0;
  for (auto _ : state) {
    // A judge corrects one mark by one category.
    state.PauseTiming();
    const int o = (changed++ * 7919) % obs.size();
    obs.category[o] = obs.category[o] == 4 ? 3 : obs.category[o] + 1;
    state.ResumeTiming();
    auto estimate = EstimateRasch(obs, {}, &*previous);
    PODIUM_CHECK(estimate.ok() && estimate->converged);
    iterations = estimate->iterations;
    benchmark::DoNotOptimize(estimate->contestants.measure.data());
  }
  state.counters["ratings"] = obs.size();
  state.counters["newton_iterations"] = iterations;
}

BENCHMARK(BM_RaschFullEstimate)
    ->Args({10000, 5, 20, 20})
    ->Args({10000, 5, 20, 5})
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RaschLiveUpdate)
    ->Args({10000, 5, 20, 20})
    ->Args({10000, 5, 20, 5})
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace podium::engine

BENCHMARK_MAIN();
