// The textbook version of the benchmark pipeline (judge z-scores, trimmed
// means, 30/70 events, ranking with one tie-break, team sums), written
// plainly with per-row vectors and std::stable_sort. The baseline that
// engine_benchmark's ratios are measured against.
#ifndef PODIUM_BENCH_NAIVE_PIPELINE_H_
#define PODIUM_BENCH_NAIVE_PIPELINE_H_

#include <vector>

namespace podium::bench {

struct NaiveInput {
  int contestants = 0;
  int items = 0;
  int judges = 0;
  std::vector<double> marks;    // [contestant][item][judge]
  std::vector<char> present;    // same shape
  std::vector<int> item_event;  // 0 = theory, 1 = practical
  std::vector<int> team_of;     // per contestant
  int teams = 0;
  bool zscore = true;
};

struct NaiveResult {
  std::vector<double> totals;
  std::vector<int> ranks;
  std::vector<double> team_totals;
  std::vector<int> team_ranks;
};

NaiveResult RunNaivePipeline(const NaiveInput& input);

}  // namespace podium::bench

#endif  // PODIUM_BENCH_NAIVE_PIPELINE_H_
