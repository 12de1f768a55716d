#include "trade_scores.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "podium/check.h"

namespace podium::engine {

namespace {

// Above this share of changed rows, one full sort beats moving rows one by one.
constexpr int kIncrementalRowsDivisor = 32;
// Group keys: 0 = excluded (no rank), 1 = ranked after everyone (absent,
// withdrawn, disqualified with status_placement: last), 2 + stage = present.
constexpr std::int64_t kGroupExcluded = 0;
constexpr std::int64_t kGroupLast = 1;
constexpr std::int64_t kGroupPresent = 2;

void SortUnique(std::vector<int>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

TradeScores::TradeScores(const Competition& competition, int trade)
    : competition_(competition), index_(competition.trade(trade)), trade_(trade) {
  const TradeSpec& spec = *index_.spec;
  n_ = static_cast<int>(index_.contestants.size());
  num_items_ = static_cast<int>(index_.items.size());
  num_events_ = static_cast<int>(index_.events.size());
  num_stages_ = static_cast<int>(spec.stages.size());
  precision_ = competition.spec().precision;

  for (const int g : index_.items) {
    const ItemIndex& item = competition.item(g);
    const PanelParams params = PanelParams::For(*item.spec);
    const double step = item.spec->rule == PanelRule::kJudgement03 &&
                                item.spec->marking == Marking::kJudgement
                            ? 1.0
                            : item.spec->step;
    marks_.emplace_back(n_, item.columns(), step);
    params_.push_back(params);
    adjustment_.push_back(JudgeAdjustment::Identity(item.columns()));
    item_event_.push_back(item.event);
    item_expected_.push_back(item.spec->marking == Marking::kJudgement ? item.spec->panel_size
                                                                        : 1);
  }
  item_score_.setZero(n_, num_items_);
  mark_count_.setZero(n_, num_items_);
  flagged_.setConstant(n_, num_items_, false);
  penalty_points_.setZero(n_, num_events_);
  time_total_.setZero(n_);
  event_raw_.setZero(n_, num_events_);
  event_score_.setZero(n_, num_events_);
  stage_raw_.setZero(n_, num_stages_);
  stage_total_.setZero(n_, num_stages_);
  stage_rank_.setZero(num_stages_ > 1 ? n_ : 0, num_stages_);
  stage_reached_.assign(n_, 0);
  status_.resize(n_);
  for (int r = 0; r < n_; ++r) status_[r] = competition.contestant(index_.contestants[r]).status;
  ranking_.Reset(n_, 2 + static_cast<int>(index_.tie_break.size()));
  dirty_item_rows_.resize(num_items_);

  // Teams as CSR member lists.
  const int num_teams = static_cast<int>(index_.teams.size());
  team_first_.assign(num_teams + 1, 0);
  for (const int team : index_.team_of_row) {
    if (team >= 0) ++team_first_[team + 1];
  }
  std::partial_sum(team_first_.begin(), team_first_.end(), team_first_.begin());
  team_members_.resize(team_first_.back());
  std::vector<int> fill(team_first_.begin(), team_first_.end() - 1);
  for (int r = 0; r < n_; ++r) {
    const int team = index_.team_of_row[r];
    if (team >= 0) team_members_[fill[team]++] = r;
  }
  team_rows_.resize(num_teams);
  for (int t = 0; t < num_teams; ++t) team_rows_[t].team = t;
  team_values_.setZero(num_teams, 1 + static_cast<int>(index_.team_tie_break.size()));
  team_ranking_.Reset(num_teams, 2 + static_cast<int>(index_.team_tie_break.size()));

  published_.resize(n_);
  for (int r = 0; r < n_; ++r) published_[r].contestant = index_.contestants[r];
  published_events_.setZero(n_, num_events_);
  published_teams_ = team_rows_;
}

int TradeScores::PenaltyCount(int row, int trade_item, int penalty) const {
  const auto it = penalty_count_.find({row, trade_item, penalty});
  return it == penalty_count_.end() ? 0 : it->second;
}

void TradeScores::SetMark(int row, int trade_item, int column, std::int32_t quanta,
                          std::optional<double> time_used) {
  marks_[trade_item].Set(row, column, quanta);
  dirty_item_rows_[trade_item].push_back(row);
  if (time_used) {
    item_time_[{row, trade_item}] = *time_used;
    dirty_rows_.push_back(row);
  }
  dirty_ = true;
}

void TradeScores::ClearMark(int row, int trade_item, int column) {
  marks_[trade_item].Clear(row, column);
  dirty_item_rows_[trade_item].push_back(row);
  dirty_ = true;
}

void TradeScores::SetStatus(int row, ContestantStatus status) {
  if (status_[row] == status) return;
  status_[row] = status;
  dirty_rows_.push_back(row);
  structure_dirty_ = true;
  dirty_ = true;
}

void TradeScores::AddPenalty(int row, int trade_item, int penalty, int count) {
  int& stored = penalty_count_[{row, trade_item, penalty}];
  stored += count;
  PODIUM_CHECK(stored >= 0);
  if (stored == 0) penalty_count_.erase({row, trade_item, penalty});
  // Recompute the row's penalty points per event from the counts, in a fixed
  // order, so the result does not depend on the order penalties arrived in.
  penalty_points_.row(row).setZero();
  for (auto it = penalty_count_.lower_bound({row, 0, 0});
       it != penalty_count_.end() && std::get<0>(it->first) == row; ++it) {
    const int item = std::get<1>(it->first);
    const ItemSpec& spec = *competition_.item(index_.items[item]).spec;
    penalty_points_(row, item_event_[item]) += it->second * spec.penalties[std::get<2>(it->first)].points;
  }
  dirty_rows_.push_back(row);
  dirty_ = true;
}

void TradeScores::AggregateItem(int trade_item, int first, int count) {
  AggregatePanel(marks_[trade_item], adjustment_[trade_item], params_[trade_item], first, count,
                 PanelOutput{item_score_.col(trade_item), mark_count_.col(trade_item),
                             flagged_.col(trade_item)});
}

void TradeScores::ComputeEventRows(int event, const std::vector<int>& rows) {
  const EventIndex& e = index_.events[event];
  for (const int r : rows) {
    double sum = 0;
    for (const int g : e.items) {
      const ItemIndex& item = competition_.item(g);
      sum += item.spec->weight * item_score_(r, item.trade_item);
    }
    event_raw_(r, event) = sum - penalty_points_(r, event);
    event_score_(r, event) = event_raw_(r, event);
  }
}

void TradeScores::ComputeEventAll(int event) {
  const EventIndex& e = index_.events[event];
  // Same per-row arithmetic order as ComputeEventRows, vectorized over rows.
  ScoreVector sum = ScoreVector::Zero(n_);
  for (const int g : e.items) {
    const ItemIndex& item = competition_.item(g);
    sum += item.spec->weight * item_score_.col(item.trade_item);
  }
  event_raw_.col(event) = sum - penalty_points_.col(event);
  event_score_.col(event) = event_raw_.col(event);
  if (e.spec->standardize.enabled) {
    // Contestants "have" an event score once any of its marks is in.
    Eigen::Array<bool, Eigen::Dynamic, 1> include(n_);
    for (int r = 0; r < n_; ++r) {
      bool any = false;
      for (const int g : e.items) any = any || mark_count_(r, competition_.item(g).trade_item) > 0;
      include(r) = any && status_[r] == ContestantStatus::kPresent;
    }
    Standardize(e.spec->standardize, include, event_score_.col(event));
  }
}

void TradeScores::ComputeTotalRow(int row) {
  // Single-stage trades only: stage 0 is the total.
  double total = 0;
  for (int e = 0; e < num_events_; ++e) {
    total += index_.events[e].spec->weight / 100 * event_score_(row, e);
  }
  stage_raw_(row, 0) = total;
  stage_total_(row, 0) = total;
}

void TradeScores::ComputeTotalsAll() {
  if (num_stages_ > 1) {
    ComputeStagesAll();
    return;
  }
  ScoreVector total = ScoreVector::Zero(n_);
  for (int e = 0; e < num_events_; ++e) {
    total += index_.events[e].spec->weight / 100 * event_score_.col(e);
  }
  stage_raw_.col(0) = total;
  stage_total_.col(0) = total;
  const Standardization& standardize = index_.spec->total_standardize;
  if (standardize.enabled) {
    Eigen::Array<bool, Eigen::Dynamic, 1> include(n_);
    for (int r = 0; r < n_; ++r) {
      include(r) = status_[r] == ContestantStatus::kPresent && mark_count_.row(r).sum() > 0;
    }
    Standardize(standardize, include, stage_total_.col(0));
  }
}

void TradeScores::ComputeStagesAll() {
  const TradeSpec& spec = *index_.spec;
  std::fill(stage_reached_.begin(), stage_reached_.end(), 0);
  stage_rank_.setZero();
  Ranking stage_ranking;
  const int tie_keys = static_cast<int>(index_.tie_break.size());
  for (int s = 0; s < num_stages_; ++s) {
    ScoreVector raw = ScoreVector::Zero(n_);
    for (int e = 0; e < num_events_; ++e) {
      if (index_.events[e].stage != s) continue;
      raw += index_.events[e].spec->weight / 100 * event_score_.col(e);
    }
    if (s > 0) raw += spec.stages[s].carry / 100 * stage_total_.col(s - 1);
    stage_raw_.col(s) = raw;
    stage_total_.col(s) = raw;
    Eigen::Array<bool, Eigen::Dynamic, 1> participant(n_);
    for (int r = 0; r < n_; ++r) {
      participant(r) = stage_reached_[r] >= s && status_[r] == ContestantStatus::kPresent;
    }
    if (spec.total_standardize.enabled) {
      Standardize(spec.total_standardize, participant, stage_total_.col(s));
    }
    // Rank the stage's participants to find who advances (everyone tied with
    // the Nth goes on).
    stage_ranking.Reset(n_, 2 + tie_keys);
    for (int r = 0; r < n_; ++r) {
      std::int64_t* keys = stage_ranking.mutable_keys(r);
      keys[0] = participant(r) ? 1 : kGroupExcluded;
      keys[1] = ToKey(stage_total_(r, s), precision_, true);
      for (int k = 0; k < tie_keys; ++k) {
        const ResolvedKey& key = index_.tie_break[k];
        keys[2 + k] = ToKey(RowKeyValue(key, r), precision_, key.order == Order::kHigher);
      }
    }
    stage_ranking.SortAll();
    const int advance = spec.stages[s].advance;
    for (int r = 0; r < n_; ++r) {
      if (!participant(r)) continue;
      stage_rank_(r, s) = stage_ranking.rank(r);
      if (s + 1 < num_stages_ && stage_ranking.rank(r) <= advance) stage_reached_[r] = s + 1;
    }
  }
}

double TradeScores::RowKeyValue(const ResolvedKey& key, int row) const {
  switch (key.kind) {
    case KeyKind::kEvent: return event_score_(row, key.index);
    case KeyKind::kItem: return item_score_(row, key.index);
    case KeyKind::kTime: return time_total_(row);
    case KeyKind::kPenalties: return penalty_points_.row(row).sum();
    case KeyKind::kTotal: return stage_total_(row, stage_reached_[row]);
    case KeyKind::kBestMember: break;
  }
  return 0;
}

void TradeScores::WriteKeys(int row) {
  std::int64_t* keys = ranking_.mutable_keys(row);
  const bool present = status_[row] == ContestantStatus::kPresent;
  if (present) {
    keys[0] = kGroupPresent + stage_reached_[row];
  } else {
    keys[0] = competition_.spec().status_placement == StatusPlacement::kLast ? kGroupLast
                                                                              : kGroupExcluded;
  }
  keys[1] = ToKey(stage_total_(row, stage_reached_[row]), precision_, true);
  for (size_t k = 0; k < index_.tie_break.size(); ++k) {
    const ResolvedKey& key = index_.tie_break[k];
    keys[2 + k] = ToKey(RowKeyValue(key, row), precision_, key.order == Order::kHigher);
  }
}

void TradeScores::ComputeAwardCutoffs() {
  ranked_present_ = 0;
  for (int r = 0; r < n_; ++r) {
    if (status_[r] == ContestantStatus::kPresent && ranking_.rank(r) > 0) ++ranked_present_;
  }
  const std::vector<AwardTier>& tiers = index_.spec->awards;
  award_cutoff_.assign(tiers.size(), 0);
  std::int64_t cumulative_count = 0;
  double cumulative_share = 0;
  for (size_t t = 0; t < tiers.size(); ++t) {
    const AwardTier& tier = tiers[t];
    if (tier.by == AwardBy::kCount) {
      cumulative_count += tier.count;
      award_cutoff_[t] = cumulative_count;
    } else if (tier.by == AwardBy::kShare) {
      cumulative_share += tier.share;
      // Exact for shares such as 10% of 40: compute in percent units first.
      const double places = cumulative_share * ranked_present_ / 100;
      double rounded = 0;
      switch (tier.rounding) {
        case ShareRounding::kFloor: rounded = std::floor(places + 1e-9); break;
        case ShareRounding::kRound: rounded = std::round(places); break;
        case ShareRounding::kCeil: rounded = std::ceil(places - 1e-9); break;
      }
      award_cutoff_[t] = static_cast<std::int64_t>(rounded);
      cumulative_count = award_cutoff_[t];
    }
  }
}

int TradeScores::AwardOf(int row) const {
  const int rank = ranking_.rank(row);
  if (status_[row] != ContestantStatus::kPresent || rank == 0) return -1;
  const std::vector<AwardTier>& tiers = index_.spec->awards;
  const std::int64_t total = ToKey(stage_total_(row, stage_reached_[row]), precision_, true);
  for (size_t t = 0; t < tiers.size(); ++t) {
    const AwardTier& tier = tiers[t];
    if (tier.min_total && total < ToKey(*tier.min_total, precision_, true)) continue;
    const bool reached = tier.by == AwardBy::kThreshold
                             ? total >= ToKey(tier.threshold, precision_, true)
                             : rank <= award_cutoff_[t];
    if (reached) return static_cast<int>(t);
  }
  return -1;
}

StandingRow TradeScores::BuildRow(int row) const {
  StandingRow out;
  out.contestant = index_.contestants[row];
  out.rank = ranking_.rank(row);
  out.stage = stage_reached_[row];
  out.total = stage_total_(row, out.stage);
  out.status = status_[row];
  out.award = static_cast<std::int16_t>(AwardOf(row));
  bool complete = true;
  bool flagged = false;
  for (int i = 0; i < num_items_; ++i) {
    if (index_.events[item_event_[i]].stage > out.stage) continue;
    complete = complete && mark_count_(row, i) >= item_expected_[i];
    flagged = flagged || flagged_(row, i);
  }
  out.complete = complete;
  out.flagged = flagged;
  return out;
}

void TradeScores::PublishRow(int row, TradeDelta& delta) {
  const StandingRow fresh = BuildRow(row);
  const bool events_changed = published_events_.row(row) != event_score_.row(row);
  if (fresh == published_[row] && !events_changed) return;
  if (fresh.award != published_[row].award) {
    award_changes_.emplace_back(row, published_[row].award, fresh.award);
  }
  published_[row] = fresh;
  published_events_.row(row) = event_score_.row(row);
  changed_rows_.push_back(row);
  delta.rows.push_back(fresh);
  for (int e = 0; e < num_events_; ++e) delta.event_scores.push_back(event_score_(row, e));
}

void TradeScores::Recompute(bool full, TradeDelta& delta) {
  delta.trade = trade_;
  delta.num_events = num_events_;
  award_changes_.clear();
  if (!full && !dirty_) return;

  // 1. Items. A normalized item depends on every mark of every judge on it,
  // so any change re-derives the whole item; otherwise only changed rows.
  std::vector<char> event_all(num_events_, full ? 1 : 0);
  std::vector<int> rows = dirty_rows_;
  for (int i = 0; i < num_items_; ++i) {
    std::vector<int>& dirty = dirty_item_rows_[i];
    const bool normalized = competition_.item(index_.items[i]).normalization != Normalization::kNone;
    if (full || (normalized && !dirty.empty())) {
      adjustment_[i] =
          ComputeAdjustment(competition_.item(index_.items[i]).normalization, marks_[i]);
      AggregateItem(i, 0, n_);
      event_all[item_event_[i]] = 1;
    } else {
      SortUnique(dirty);
      for (const int r : dirty) AggregateItem(i, r, 1);
      rows.insert(rows.end(), dirty.begin(), dirty.end());
    }
    dirty.clear();
  }
  dirty_rows_.clear();
  SortUnique(rows);

  // 2. Events. Standardization couples every row of the event.
  bool all_rows = full || structure_dirty_ || num_stages_ > 1 ||
                  index_.spec->total_standardize.enabled;
  for (int e = 0; e < num_events_; ++e) {
    if (event_all[e] || (index_.events[e].spec->standardize.enabled && !rows.empty())) {
      ComputeEventAll(e);
      all_rows = true;
    } else {
      ComputeEventRows(e, rows);
    }
  }
  if (!all_rows && rows.size() * kIncrementalRowsDivisor > static_cast<size_t>(n_)) {
    all_rows = true;
  }
  for (const int r : rows) {
    double seconds = 0;
    for (auto it = item_time_.lower_bound({r, 0}); it != item_time_.end() && it->first.first == r;
         ++it) {
      seconds += it->second;
    }
    time_total_(r) = seconds;
  }

  // 3. Totals and ranking.
  if (all_rows) {
    ComputeTotalsAll();
    for (int r = 0; r < n_; ++r) WriteKeys(r);
    ranking_.SortAll();
    ComputeAwardCutoffs();
    republish_all_ = true;
    for (int r = 0; r < n_; ++r) PublishRow(r, delta);
  } else {
    std::vector<RankSpan> spans;
    for (const int r : rows) {
      ComputeTotalRow(r);
      WriteKeys(r);
      spans.push_back(ranking_.Update(r));
    }
    for (const int r : rows) PublishRow(r, delta);
    for (const RankSpan& span : spans) {
      for (int p = span.first; p <= span.last; ++p) PublishRow(ranking_.at(p), delta);
    }
    order_spans_.insert(order_spans_.end(), spans.begin(), spans.end());
  }
  structure_dirty_ = false;
  dirty_ = false;

  // 4. Teams.
  std::vector<int> changed;
  changed.reserve(delta.rows.size());
  for (const StandingRow& row : delta.rows) changed.push_back(competition_.row_of(row.contestant));
  RecomputeTeams(all_rows, changed, delta);
}

void TradeScores::ComputeTeam(int team) {
  const TeamSpec& spec = index_.spec->teams;
  std::vector<int>& members = team_scratch_;  // reused: no allocation per team
  members.clear();
  for (int m = team_first_[team]; m < team_first_[team + 1]; ++m) {
    const int r = team_members_[m];
    if (status_[r] == ContestantStatus::kPresent) members.push_back(r);
  }
  auto total_of = [&](int r) { return stage_total_(r, stage_reached_[r]); };
  if (spec.rule == TeamRule::kBestK) {
    std::stable_sort(members.begin(), members.end(),
                     [&](int a, int b) { return total_of(a) > total_of(b); });
    if (static_cast<int>(members.size()) > spec.k) members.resize(spec.k);
    std::sort(members.begin(), members.end());  // sum in roster order
  }
  auto aggregate = [&](auto value_of) {
    double sum = 0;
    for (const int r : members) sum += value_of(r);
    if (spec.rule == TeamRule::kMean && !members.empty()) sum /= static_cast<double>(members.size());
    return sum;
  };
  TeamRow& row = team_rows_[team];
  row.members = static_cast<int>(members.size());
  row.total = aggregate(total_of);
  team_values_(team, 0) = row.total;
  for (size_t k = 0; k < index_.team_tie_break.size(); ++k) {
    const ResolvedKey& key = index_.team_tie_break[k];
    double value = 0;
    if (key.kind == KeyKind::kBestMember) {
      for (int m = team_first_[team]; m < team_first_[team + 1]; ++m) {
        const int r = team_members_[m];
        if (status_[r] == ContestantStatus::kPresent) value = std::max(value, total_of(r));
      }
    } else {
      value = aggregate([&](int r) { return event_score_(r, key.index); });
    }
    team_values_(team, 1 + static_cast<Eigen::Index>(k)) = value;
  }
  std::int64_t* keys = team_ranking_.mutable_keys(team);
  keys[0] = row.members > 0 ? 1 : 0;
  keys[1] = ToKey(row.total, precision_, true);
  for (size_t k = 0; k < index_.team_tie_break.size(); ++k) {
    keys[2 + k] = ToKey(team_values_(team, 1 + static_cast<Eigen::Index>(k)), precision_,
                        index_.team_tie_break[k].order == Order::kHigher);
  }
}

void TradeScores::RecomputeTeams(bool full, const std::vector<int>& changed_rows,
                                 TradeDelta& delta) {
  const int num_teams = static_cast<int>(team_rows_.size());
  if (num_teams == 0) return;
  auto publish_team = [&](int team) {
    team_rows_[team].rank = team_ranking_.rank(team);
    if (team_rows_[team] == published_teams_[team]) return;
    published_teams_[team] = team_rows_[team];
    changed_teams_.push_back(team);
    delta.teams.push_back(team_rows_[team]);
  };
  std::vector<int> teams;
  for (const int r : changed_rows) {
    if (index_.team_of_row[r] >= 0) teams.push_back(index_.team_of_row[r]);
  }
  SortUnique(teams);
  if (full || teams.size() * kIncrementalRowsDivisor > static_cast<size_t>(num_teams)) {
    for (int t = 0; t < num_teams; ++t) ComputeTeam(t);
    team_ranking_.SortAll();
    for (int t = 0; t < num_teams; ++t) publish_team(t);
    team_order_spans_.push_back({0, num_teams - 1});
    return;
  }
  std::vector<RankSpan> spans;
  for (const int t : teams) {
    ComputeTeam(t);
    spans.push_back(team_ranking_.Update(t));
  }
  for (const RankSpan& span : spans) {
    for (int p = span.first; p <= span.last; ++p) publish_team(team_ranking_.at(p));
  }
  for (const int t : teams) publish_team(t);
  team_order_spans_.insert(team_order_spans_.end(), spans.begin(), spans.end());
}

TradeStandings TradeScores::Publish(const TradeStandings* previous) {
  TradeStandings out;
  out.trade = trade_;
  out.num_events = num_events_;
  const auto ne = static_cast<std::size_t>(num_events_);
  if (previous == nullptr || republish_all_) {
    ChunkedArray<StandingRow>::Builder rows(static_cast<std::size_t>(n_));
    ChunkedArray<double>::Builder events(static_cast<std::size_t>(n_) * ne);
    ChunkedArray<std::int32_t>::Builder order(static_cast<std::size_t>(n_));
    for (int r = 0; r < n_; ++r) {
      rows.Set(r, published_[r]);
      for (int e = 0; e < num_events_; ++e) events.Set(r * ne + e, published_events_(r, e));
      order.Set(r, ranking_.at(r));
    }
    out.rows = std::move(rows).Build();
    out.event_scores = std::move(events).Build();
    out.order = std::move(order).Build();
  } else {
    ChunkedArray<StandingRow>::Builder rows(previous->rows);
    ChunkedArray<double>::Builder events(previous->event_scores);
    ChunkedArray<std::int32_t>::Builder order(previous->order);
    for (const int r : changed_rows_) {
      rows.Set(r, published_[r]);
      for (int e = 0; e < num_events_; ++e) events.Set(r * ne + e, published_events_(r, e));
    }
    for (const RankSpan& span : order_spans_) {
      for (int p = span.first; p <= span.last; ++p) order.Set(p, ranking_.at(p));
    }
    out.rows = std::move(rows).Build();
    out.event_scores = std::move(events).Build();
    out.order = std::move(order).Build();
  }
  const int num_teams = static_cast<int>(team_rows_.size());
  if (previous == nullptr || republish_all_) {
    ChunkedArray<TeamRow>::Builder teams(static_cast<std::size_t>(num_teams));
    ChunkedArray<std::int32_t>::Builder team_order(static_cast<std::size_t>(num_teams));
    for (int t = 0; t < num_teams; ++t) {
      teams.Set(t, published_teams_[t]);
      team_order.Set(t, team_ranking_.at(t));
    }
    out.teams = std::move(teams).Build();
    out.team_order = std::move(team_order).Build();
  } else {
    ChunkedArray<TeamRow>::Builder teams(previous->teams);
    ChunkedArray<std::int32_t>::Builder team_order(previous->team_order);
    for (const int t : changed_teams_) teams.Set(t, published_teams_[t]);
    for (const RankSpan& span : team_order_spans_) {
      for (int p = span.first; p <= span.last; ++p) team_order.Set(p, team_ranking_.at(p));
    }
    out.teams = std::move(teams).Build();
    out.team_order = std::move(team_order).Build();
  }
  changed_rows_.clear();
  order_spans_.clear();
  changed_teams_.clear();
  team_order_spans_.clear();
  republish_all_ = false;
  return out;
}

Explanation TradeScores::Explain(int row) const {
  Explanation out;
  out.contestant = index_.contestants[row];
  out.trade = trade_;
  out.standing = published_[row];
  out.time_used = time_total_(row);
  out.penalty_points = penalty_points_.row(row).sum();
  for (int e = 0; e < num_events_; ++e) {
    const EventIndex& event = index_.events[e];
    ExplainedEvent ex{.event = e, .weight = event.spec->weight};
    for (const int g : event.items) {
      const ItemIndex& item = competition_.item(g);
      const int i = item.trade_item;
      ExplainedItem xi{.item = g,
                       .expected_marks = item_expected_[i],
                       .score = item_score_(row, i),
                       .weight = item.spec->weight,
                       .flagged = flagged_(row, i)};
      for (const SeatMark& seat : ExplainPanel(marks_[i], adjustment_[i], params_[i], row)) {
        xi.marks.push_back({.judge = item.panel[seat.column].judge,
                            .raw = seat.raw,
                            .adjusted = seat.adjusted,
                            .dropped = seat.dropped,
                            .judge_scale = adjustment_[i].scale(seat.column),
                            .judge_offset = adjustment_[i].offset(seat.column)});
      }
      if (const auto t = item_time_.find({row, i}); t != item_time_.end()) xi.time_used = t->second;
      for (auto it = penalty_count_.lower_bound({row, i, 0});
           it != penalty_count_.end() && std::get<0>(it->first) == row &&
           std::get<1>(it->first) == i;
           ++it) {
        const int p = std::get<2>(it->first);
        xi.penalties.push_back({p, it->second, it->second * item.spec->penalties[p].points});
      }
      ex.weighted_items += item.spec->weight * item_score_(row, i);
      ex.items.push_back(std::move(xi));
    }
    ex.penalty_points = penalty_points_(row, e);
    ex.raw_score = event_raw_(row, e);
    ex.score = event_score_(row, e);
    out.events.push_back(std::move(ex));
  }
  for (int s = 0; s <= stage_reached_[row]; ++s) {
    ExplainedStage stage{.stage = s,
                         .raw_total = stage_raw_(row, s),
                         .total = stage_total_(row, s)};
    if (s > 0) stage.carried = index_.spec->stages[s].carry / 100 * stage_total_(row, s - 1);
    stage.stage_rank = num_stages_ > 1 ? stage_rank_(row, s) : ranking_.rank(row);
    stage.advanced = s < stage_reached_[row];
    out.stages.push_back(stage);
  }
  return out;
}

std::size_t TradeScores::StateBytes() const {
  std::size_t bytes = 0;
  for (const ItemMarks& m : marks_) {
    bytes += static_cast<std::size_t>(m.quanta().size()) * sizeof(std::int32_t) +
             static_cast<std::size_t>(m.presence().size()) * sizeof(bool);
  }
  const auto doubles = static_cast<std::size_t>(
      item_score_.size() + penalty_points_.size() + time_total_.size() + event_raw_.size() +
      event_score_.size() + stage_raw_.size() + stage_total_.size() + published_events_.size() +
      team_values_.size());
  bytes += doubles * sizeof(double);
  bytes += static_cast<std::size_t>(mark_count_.size() + flagged_.size());
  bytes += static_cast<std::size_t>(stage_rank_.size()) * sizeof(int);
  bytes += stage_reached_.size() + status_.size();
  bytes += static_cast<std::size_t>(ranking_.size()) *
           (ranking_.num_keys() * sizeof(std::int64_t) + 3 * sizeof(std::int32_t));
  bytes += published_.size() * sizeof(StandingRow);
  bytes += team_rows_.size() * 2 * sizeof(TeamRow) + team_members_.size() * sizeof(int);
  return bytes;
}

}  // namespace podium::engine
