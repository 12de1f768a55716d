#include "naive_pipeline.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace podium::bench {

NaiveResult RunNaivePipeline(const NaiveInput& in) {
  const int n = in.contestants, items = in.items, judges = in.judges;
  auto at = [&](int c, int i, int j) { return (static_cast<size_t>(c) * items + i) * judges + j; };
  std::vector<double> item_score(static_cast<size_t>(n) * items);
  for (int i = 0; i < items; ++i) {
    // Judge and pooled mean and SD, two passes.
    std::vector<double> mean(judges, 0), sd(judges, 0);
    std::vector<int> count(judges, 0);
    double pooled_sum = 0, pooled_sq = 0;
    int pooled_n = 0;
    for (int j = 0; j < judges; ++j) {
      for (int c = 0; c < n; ++c) {
        if (!in.present[at(c, i, j)]) continue;
        mean[j] += in.marks[at(c, i, j)];
        ++count[j];
      }
      if (count[j] > 0) mean[j] /= count[j];
      for (int c = 0; c < n; ++c) {
        if (!in.present[at(c, i, j)]) continue;
        const double d = in.marks[at(c, i, j)] - mean[j];
        sd[j] += d * d;
        pooled_sum += in.marks[at(c, i, j)];
        pooled_sq += in.marks[at(c, i, j)] * in.marks[at(c, i, j)];
        ++pooled_n;
      }
      sd[j] = count[j] > 0 ? std::sqrt(sd[j] / count[j]) : 0;
    }
    const double pooled_mean = pooled_n ? pooled_sum / pooled_n : 0;
    const double pooled_sd =
        pooled_n ? std::sqrt(std::max(0.0, pooled_sq / pooled_n - pooled_mean * pooled_mean)) : 0;
    for (int c = 0; c < n; ++c) {
      std::vector<double> row;
      for (int j = 0; j < judges; ++j) {
        if (!in.present[at(c, i, j)]) continue;
        double x = in.marks[at(c, i, j)];
        if (in.zscore && count[j] >= 2 && sd[j] > 0)
          x = (x - mean[j]) / sd[j] * pooled_sd + pooled_mean;
        row.push_back(std::clamp(x, 0.0, 20.0));
      }
      std::sort(row.begin(), row.end());
      const int k = std::min(1, (static_cast<int>(row.size()) - 1) / 2);
      double sum = 0;
      for (int x = k; x < static_cast<int>(row.size()) - k; ++x) sum += row[x];
      item_score[static_cast<size_t>(c) * items + i] = row.empty() ? 0 : sum / (row.size() - 2 * k);
    }
  }
  NaiveResult out;
  out.totals.resize(n);
  std::vector<double> practical(n);
  for (int c = 0; c < n; ++c) {
    double theory = 0, prac = 0;
    for (int i = 0; i < items; ++i)
      (in.item_event[i] == 0 ? theory : prac) += item_score[static_cast<size_t>(c) * items + i];
    practical[c] = prac;
    out.totals[c] = 0.3 * theory + 0.7 * prac;
  }
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  auto key = [](double x) { return std::llround(x * 100); };
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (key(out.totals[a]) != key(out.totals[b])) return key(out.totals[a]) > key(out.totals[b]);
    return key(practical[a]) > key(practical[b]);
  });
  out.ranks.resize(n);
  for (int p = 0; p < n; ++p) {
    const int c = order[p];
    const bool tied = p > 0 && key(out.totals[c]) == key(out.totals[order[p - 1]]) &&
                      key(practical[c]) == key(practical[order[p - 1]]);
    out.ranks[c] = tied ? out.ranks[order[p - 1]] : p + 1;
  }
  out.team_totals.assign(in.teams, 0);
  for (int c = 0; c < n; ++c) {
    if (in.team_of[c] >= 0) out.team_totals[in.team_of[c]] += out.totals[c];
  }
  std::vector<int> team_order(in.teams);
  std::iota(team_order.begin(), team_order.end(), 0);
  std::stable_sort(team_order.begin(), team_order.end(),
                   [&](int a, int b) { return key(out.team_totals[a]) > key(out.team_totals[b]); });
  out.team_ranks.resize(in.teams);
  for (int p = 0; p < in.teams; ++p) {
    const int t = team_order[p];
    const bool tied = p > 0 && key(out.team_totals[t]) == key(out.team_totals[team_order[p - 1]]);
    out.team_ranks[t] = tied ? out.team_ranks[team_order[p - 1]] : p + 1;
  }
  return out;
}

}  // namespace podium::bench
