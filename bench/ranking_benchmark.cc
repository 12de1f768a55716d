// Ranking: radix sort over packed integer keys vs std::stable_sort with a
// comparator, and the incremental move of one changed contestant.
#include <benchmark/benchmark.h>

#include <random>

#include "podium/engine/ranking.h"

namespace podium::engine {
namespace {

// Totals with 2 decimals in [0, 100] and one tie-break key, as published.
KeyMatrix RandomKeys(int n, int tie_breaks, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> score(75, 8);
  KeyMatrix keys(n, 2 + tie_breaks);
  for (int i = 0; i < n; ++i) {
    keys(i, 0) = 2;
    for (int k = 1; k < keys.cols(); ++k)
      keys(i, k) = ToKey(std::clamp(score(rng), 0.0, 100.0), 2, true);
  }
  return keys;
}

void Load(Ranking& ranking, const KeyMatrix& keys) {
  ranking.Reset(static_cast<int>(keys.rows()), static_cast<int>(keys.cols()));
  for (int i = 0; i < keys.rows(); ++i) {
    std::copy(keys.row(i).data(), keys.row(i).data() + keys.cols(), ranking.mutable_keys(i));
  }
}

void BM_RankContestants(benchmark::State& state) {
  const KeyMatrix keys =
      RandomKeys(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), 1);
  Ranking ranking;
  Load(ranking, keys);
  for (auto _ : state) {
    ranking.SortAll();
    benchmark::DoNotOptimize(ranking.order().data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RankContestants)
    ->ArgsProduct({{88, 1000, 100000, 1000000}, {1, 3}})
    ->Unit(benchmark::kMicrosecond);

void BM_RankContestants_Naive(benchmark::State& state) {
  const KeyMatrix keys =
      RandomKeys(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)), 1);
  for (auto _ : state) {
    const std::vector<std::int32_t> order = SortByKeysNaive(keys);
    benchmark::DoNotOptimize(order.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RankContestants_Naive)
    ->ArgsProduct({{88, 1000, 100000, 1000000}, {1, 3}})
    ->Unit(benchmark::kMicrosecond);

// One contestant's total changes by a few points; ranks are fixed in place.
void BM_UpdateOneContestant(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  KeyMatrix keys = RandomKeys(n, 1, 2);
  Ranking ranking;
  Load(ranking, keys);
  ranking.SortAll();
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int> who(0, n - 1);
  std::uniform_int_distribution<int> change(-300, 300);
  for (auto _ : state) {
    const int entry = who(rng);
    ranking.mutable_keys(entry)[1] += change(rng);
    benchmark::DoNotOptimize(ranking.Update(entry));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_UpdateOneContestant)
    ->Arg(1000)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace podium::engine

BENCHMARK_MAIN();
