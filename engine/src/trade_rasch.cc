#include "trade_rasch.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>

namespace podium::engine {
namespace {

// Live data are small and lopsided at first; see RaschOptions::prior_sd.
constexpr double kLivePriorSd = 5;

// Converged this tightly (Newton's quadratic convergence makes it cheap), a
// warm-started live estimate and a cold replay agree to ~1e-12, far below
// any published precision.
RaschOptions LiveOptions() {
  RaschOptions options;
  options.max_residual = 1e-9;
  options.max_change = 1e-10;
  options.prior_sd = kLivePriorSd;
  return options;
}

}  // namespace

Status TradeRasch::DisconnectedPlan(const Model& model, const RaschSubsets& subsets) const {
  // "{J1, J2} and {J3, J4}": the judges of each group, by id.
  std::vector<std::string> groups(subsets.count);
  for (std::size_t j = 0; j < model.judges.size(); ++j) {
    const int s = subsets.judge_subset[j];
    if (s < 0) continue;
    groups[s] += (groups[s].empty() ? "" : ", ") + competition_.judge(model.judges[j]).id;
  }
  std::string text;
  for (int s = 0; s < subsets.count; ++s) {
    text += (s == 0 ? "" : s + 1 == subsets.count ? " and " : ", ") + ("{" + groups[s] + "}");
  }
  return FailedPreconditionError("judging plan is not connected: the judges " + text +
                                 " never rated a common contestant, so their severities cannot "
                                 "be compared; have a judge (or a few contestants) shared "
                                 "between the groups");
}

TradeRasch::TradeRasch(const Competition& competition, const TradeIndex& trade)
    : competition_(competition),
      model_of_(trade.items.size(), {-1, -1}),
      rows_(static_cast<int>(trade.contestants.size())) {
  // (event, max, step) -> model.
  std::map<std::tuple<int, double, double>, int> by_scale;
  for (int i = 0; i < static_cast<int>(trade.items.size()); ++i) {
    const ItemIndex& item = competition.item(trade.items[i]);
    if (item.normalization != Normalization::kRasch || item.spec->marking != Marking::kJudgement) {
      continue;
    }
    const bool zero_to_three = item.spec->rule == PanelRule::kJudgement03;
    const double max = zero_to_three ? 3 : item.spec->max;
    const double step = zero_to_three ? 1 : item.spec->step;
    const auto [it, added] =
        by_scale.try_emplace({item.event, max, step}, static_cast<int>(models_.size()));
    if (added) {
      models_.emplace_back();
      models_.back().step = step;
    }
    Model& model = models_[it->second];
    model_of_[i] = {it->second, static_cast<int>(model.items.size())};
    model.items.push_back(i);
    std::vector<int>& seats = model.seat.emplace_back();
    for (const PanelSeat& seat : item.panel) {
      auto known = std::find(model.judges.begin(), model.judges.end(), seat.judge);
      if (known == model.judges.end()) {
        model.judges.push_back(seat.judge);
        known = model.judges.end() - 1;
      }
      seats.push_back(static_cast<int>(known - model.judges.begin()));
    }
  }
  for (Model& model : models_) {
    model.status = FailedPreconditionError("no marks yet");
  }
}

void TradeRasch::Estimate(int m, const std::vector<ItemMarks>& marks) {
  Model& model = models_[m];
  // The categories are the marks in use, in order (FACETS' "ordinal"
  // recoding): a scale of 0..10 in steps of 0.5 where judges used only
  // 6..9.5 has 8 categories, none of them empty.
  std::vector<std::int32_t> used;
  for (const int i : model.items) {
    const ItemMarks& item = marks[i];
    for (int c = 0; c < item.columns(); ++c) {
      for (int r = 0; r < item.rows(); ++r) {
        if (item.present(r, c)) used.push_back(item.quanta(r, c));
      }
    }
  }
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  if (used.size() < 2 || used.size() > 100) {
    model.estimate.reset();
    model.status = FailedPreconditionError(
        used.size() < 2 ? "fewer than two different marks so far"
                        : "more than 100 different marks: not a rating scale");
    return;
  }
  RaschObservations obs;
  obs.num_contestants = rows_;
  obs.num_items = static_cast<int>(model.items.size());
  obs.num_judges = static_cast<int>(model.judges.size());
  obs.max_category = static_cast<int>(used.size()) - 1;
  for (int k = 0; k < obs.num_items; ++k) {
    const ItemMarks& item = marks[model.items[k]];
    for (int c = 0; c < item.columns(); ++c) {
      for (int r = 0; r < item.rows(); ++r) {
        if (!item.present(r, c)) continue;
        const int category = static_cast<int>(
            std::lower_bound(used.begin(), used.end(), item.quanta(r, c)) - used.begin());
        obs.Add(r, k, model.seat[k][c], category);
      }
    }
  }
  // A previous estimate warm-starts only on the same scale.
  const RaschEstimate* start =
      model.estimate && model.categories == used ? &*model.estimate : nullptr;
  model.categories = std::move(used);
  auto estimate = EstimateRasch(obs, LiveOptions(), start);
  if (!estimate.ok()) {
    model.estimate.reset();
    model.status = estimate.status();
    const RaschSubsets subsets = FindRaschSubsets(obs);
    if (subsets.count > 1) model.status = DisconnectedPlan(model, subsets);
    return;
  }
  model.estimate = std::move(*estimate);
  model.status = OkStatus();
}

std::optional<double> TradeRasch::FairMark(int trade_item, int row) const {
  const auto [m, k] = model_of_[trade_item];
  if (m < 0) return std::nullopt;
  const Model& model = models_[m];
  if (!model.estimate || model.estimate->contestants.count[row] == 0) return std::nullopt;
  const double expected = model.estimate->FairCategory(row, k);
  // Between the marks of the two categories it falls between.
  const int top = static_cast<int>(model.categories.size()) - 1;
  const int low = std::clamp(static_cast<int>(std::floor(expected)), 0, top);
  const int high = std::min(low + 1, top);
  const double fraction = expected - low;
  const double quanta =
      model.categories[low] + fraction * (model.categories[high] - model.categories[low]);
  return quanta * model.step;
}

}  // namespace podium::engine
