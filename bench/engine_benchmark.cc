// The scoring pipeline at 10k / 100k / 1M contestants x 7 items x 5 judges:
// judge z-scores, trimmed means, 30/70 events, ranking with a tie-break and
// team totals. Full recompute vs the naive baseline, and one new mark.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>

#include "naive_pipeline.h"
#include "podium/check.h"
#include "podium/engine/scoring_engine.h"
#include "podium/engine/synthetic.h"
#include "server/core/thread_pool.h"

namespace podium::engine {
namespace {

struct Prepared {
  SyntheticOptions options;
  std::shared_ptr<const Competition> competition;
  std::unique_ptr<ScoringEngine> engine;
  bench::NaiveInput naive;
};

// Built once per size and normalization: a finished contest, every mark in.
Prepared& Get(int contestants, Normalization normalization) {
  static std::map<std::pair<int, int>, std::unique_ptr<Prepared>> cache;
  auto& slot = cache[{contestants, static_cast<int>(normalization)}];
  if (slot) return *slot;
  slot = std::make_unique<Prepared>();
  Prepared& p = *slot;
  p.options.contestants = contestants;
  p.options.normalization = normalization;
  SyntheticDefinition definition = MakeSyntheticDefinition(p.options);
  auto competition = Competition::Create(std::move(definition.spec), std::move(definition.roster));
  PODIUM_CHECK(competition.ok());
  p.competition = *competition;
  p.engine = std::make_unique<ScoringEngine>(p.competition);
  const Competition& c = *p.competition;
  bench::NaiveInput& naive = p.naive;
  naive.contestants = contestants;
  naive.items = p.options.items;
  naive.judges = p.options.judges;
  naive.zscore = normalization == Normalization::kJudgeZScore;
  naive.marks.assign(static_cast<size_t>(contestants) * naive.items * naive.judges, 0);
  naive.present.assign(naive.marks.size(), 0);
  for (int i = 0; i < naive.items; ++i) naive.item_event.push_back(c.item(i).event);
  naive.teams = static_cast<int>(c.trade(0).teams.size());
  naive.team_of = c.trade(0).team_of_row;
  GenerateSyntheticMarks(c, p.options, [&](const MarkEvent& m) {
    PODIUM_CHECK(p.engine->Apply(m).ok());
    const int seat = *c.SeatOf(m.judge, m.item, m.contestant);
    const size_t at =
        (static_cast<size_t>(m.contestant) * naive.items + c.item(m.item).trade_item) *
            naive.judges +
        seat;
    naive.marks[at] = m.value;
    naive.present[at] = 1;
  });
  p.engine->Recompute();
  return p;
}

// The engine borrows this many threads for whole-trade work (1 = serial).
TaskRunner& Runner(int threads) {
  static server::ThreadPool pool(2);
  if (threads > 1) return pool;
  return SerialTaskRunner::Default();
}

void BM_FullRecompute(benchmark::State& state) {
  const auto normalization = static_cast<Normalization>(state.range(1));
  Prepared& p = Get(static_cast<int>(state.range(0)), normalization);
  p.engine->set_task_runner(&Runner(static_cast<int>(state.range(2))));
  for (auto _ : state) {
    const auto update = p.engine->RecomputeAll();
    benchmark::DoNotOptimize(update.standings.get());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["state_bytes_per_contestant"] =
      static_cast<double>(p.engine->StateBytes()) / static_cast<double>(state.range(0));
}
BENCHMARK(BM_FullRecompute)
    ->ArgsProduct({{10'000, 100'000, 1'000'000},
                   {static_cast<int>(Normalization::kJudgeZScore),
                    static_cast<int>(Normalization::kNone)},
                   {1, 2}})
    ->ArgNames({"contestants", "normalization", "threads"})
    ->Unit(benchmark::kMillisecond);

void BM_FullRecompute_Naive(benchmark::State& state) {
  Prepared& p = Get(static_cast<int>(state.range(0)), Normalization::kJudgeZScore);
  for (auto _ : state) {
    const bench::NaiveResult result = bench::RunNaivePipeline(p.naive);
    benchmark::DoNotOptimize(result.ranks.data());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_FullRecompute_Naive)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->ArgNames({"contestants"})
    ->Unit(benchmark::kMillisecond);

// One judge enters (or changes) one mark, then the standings are updated:
// Apply + incremental Recompute + the new snapshot and delta.
void BM_NewMark(benchmark::State& state) {
  const auto normalization = static_cast<Normalization>(state.range(1));
  Prepared& p = Get(static_cast<int>(state.range(0)), normalization);
  p.engine->set_task_runner(&Runner(static_cast<int>(state.range(2))));
  const Competition& c = *p.competition;
  // One stream across repetitions, so a repetition enters new marks rather
  // than the same marks again (which would change nothing).
  static std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> contestant(0, c.num_contestants() - 1);
  std::uniform_int_distribution<int> item(0, c.num_items() - 1);
  std::uniform_int_distribution<int> half_points(0, 40);
  size_t changed_rows = 0;
  for (auto _ : state) {
    const int who = contestant(rng);
    const int what = item(rng);
    const ItemIndex& index = c.item(what);
    const int judge = index.panel[who % index.panel.size()].judge;
    const Status applied = p.engine->Apply(MarkEvent{
        .contestant = who, .item = what, .judge = judge, .value = half_points(rng) * 0.5});
    PODIUM_CHECK(applied.ok());
    const auto update = p.engine->Recompute();
    changed_rows += update.delta.changed_rows();
    benchmark::DoNotOptimize(update.standings.get());
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["changed_rows_per_mark"] =
      static_cast<double>(changed_rows) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_NewMark)
    ->ArgsProduct({{10'000, 100'000, 1'000'000},
                   {static_cast<int>(Normalization::kNone),
                    static_cast<int>(Normalization::kJudgeZScore)},
                   {1, 2}})
    ->ArgNames({"contestants", "normalization", "threads"})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace podium::engine

BENCHMARK_MAIN();
