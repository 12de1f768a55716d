#include "trade_scores.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

#include "podium/check.h"

namespace podium::engine {

namespace {

// Above this share of changed rows, one full sort beats moving rows one by one.
constexpr int kIncrementalRowsDivisor = 32;
// A chunk's rows go through every step of a whole-trade pass this many at a
// time, so what one step writes (item scores, events, totals) the next reads
// from the core's cache instead of memory.
constexpr int kCacheRows = 1024;
// Group keys: 0 = excluded (no rank), 1 = ranked after everyone (absent,
// withdrawn, disqualified with status_placement: last), 2 + stage = present.
constexpr std::int64_t kGroupExcluded = 0;
constexpr std::int64_t kGroupLast = 1;
constexpr std::int64_t kGroupPresent = 2;
constexpr int kMaxKeys = 2 + kMaxTieBreakKeys;  // group, total, tie-breaks
// The key of a value a contestant does not have (no time recorded): worse
// than any real value, whichever way the key is ordered.
constexpr std::int64_t kMissingKey = -(std::int64_t{1} << 52);

void SortUnique(std::vector<int>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

TradeScores::TradeScores(const Competition& competition, int trade)
    : competition_(competition),
      index_(competition.trade(trade)),
      rasch_(competition, competition.trade(trade)),
      trade_(trade) {
  const TradeSpec& spec = *index_.spec;
  n_ = static_cast<int>(index_.contestants.size());
  num_items_ = static_cast<int>(index_.items.size());
  num_events_ = static_cast<int>(index_.events.size());
  num_stages_ = static_cast<int>(spec.stages.size());
  precision_ = competition.spec().precision;
  // Half a published unit, less a margin for the snapping to millionths.
  safe_half_unit_ = 0.5 / static_cast<double>(kPowersOfTen[precision_]) - 2e-6;

  for (const EventIndex& event : index_.events) event_weight_.push_back(event.spec->weight / 100);
  for (const int g : index_.items) {
    const ItemIndex& item = competition.item(g);
    const PanelParams params = PanelParams::For(*item.spec);
    const double step =
        item.spec->rule == PanelRule::kJudgement03 && item.spec->marking == Marking::kJudgement
            ? 1.0
            : item.spec->step;
    marks_.emplace_back(n_, item.columns(), step);
    params_.push_back(params);
    adjustment_.push_back(JudgeAdjustment::Identity(item.columns()));
    item_event_.push_back(item.event);
    item_stage_.push_back(index_.events[item.event].stage);
    item_expected_.push_back(item.spec->marking == Marking::kJudgement ? item.spec->panel_size : 1);
  }
  item_score_.setZero(n_, num_items_);
  mark_count_.setZero(n_, num_items_);
  flagged_.setConstant(n_, num_items_, false);
  penalty_points_.setZero(n_, num_events_);
  event_penalized_.assign(num_events_, 0);
  time_total_.setZero(n_);
  has_time_.assign(n_, 0);
  event_raw_.setZero(n_, num_events_);
  event_score_.setZero(n_, num_events_);
  stage_raw_.setZero(n_, num_stages_);
  stage_total_.setZero(n_, num_stages_);
  // Stages, and events that place contestants against each other (skating),
  // re-derive the whole trade on every change.
  stage_skating_event_.assign(num_stages_, -1);
  for (int e = 0; e < num_events_; ++e) {
    if (index_.events[e].spec->ranking == EventRanking::kSkating) {
      stage_skating_event_[index_.events[e].stage] = e;
    }
  }
  skating_.resize(num_stages_);
  for (const AwardTier& tier : index_.spec->awards) {
    award_min_key_.push_back(tier.min_total ? ToKey(*tier.min_total, precision_, true) : INT64_MIN);
    award_threshold_key_.push_back(ToKey(tier.threshold, precision_, true));
  }
  whole_trade_ =
      num_stages_ > 1 || std::any_of(stage_skating_event_.begin(), stage_skating_event_.end(),
                                     [](int e) { return e >= 0; });
  stage_rank_.setZero(whole_trade_ ? n_ : 0, num_stages_);
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
  published_total_.assign(n_, 0.0);
  for (int r = 0; r < n_; ++r) published_[r].contestant = index_.contestants[r];
  published_events_.setZero(n_, num_events_);
  published_teams_ = team_rows_;
  award_counts_.assign(competition.tally_groups().size() * index_.spec->awards.size(), 0);
}

double TradeScores::Published(double value) const { return RoundScore(value, precision_); }

std::vector<std::pair<int, int>> TradeScores::FlaggedPanels() const {
  std::vector<std::pair<int, int>> panels;
  for (int r = 0; r < n_; ++r) {
    for (int i = 0; i < num_items_; ++i) {
      if (flagged_(r, i)) panels.emplace_back(index_.contestants[r], index_.items[i]);
    }
  }
  return panels;
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
    penalty_points_(row, item_event_[item]) +=
        it->second * spec.penalties[std::get<2>(it->first)].points;
    event_penalized_[item_event_[item]] = 1;
  }
  dirty_rows_.push_back(row);
  dirty_ = true;
}

void TradeScores::AggregateItem(int trade_item, int first, int count) {
  AggregatePanel(marks_[trade_item], adjustment_[trade_item], params_[trade_item], first, count,
                 PanelOutput{item_score_.col(trade_item), mark_count_.col(trade_item),
                             flagged_.col(trade_item)});
  if (rasch_.ModelOf(trade_item).first < 0) return;
  // Rasch: the fair mark (from a judge of average severity) replaces the
  // panel's aggregate for every contestant with a mark on the item.
  for (int r = first; r < first + count; ++r) {
    if (mark_count_(r, trade_item) == 0) continue;
    if (const auto fair = rasch_.FairMark(trade_item, r)) {
      item_score_(r, trade_item) = params_[trade_item].score_scale * *fair;
    }
  }
}

std::vector<std::pair<int, int>> TradeScores::RowChunks() const {
  // Chunks big enough to amortize a task, small enough to balance.
  constexpr int kMinChunk = 16384;
  const int workers = runner_->concurrency();
  const int chunk = std::max(kMinChunk, (n_ + 4 * workers - 1) / (4 * workers));
  std::vector<std::pair<int, int>> chunks;
  for (int first = 0; first < n_; first += chunk)
    chunks.emplace_back(first, std::min(n_, first + chunk));
  return chunks;
}

void TradeScores::RunTasks(int count, const std::function<void(int)>& task) const {
  if (count == 1) {
    task(0);
  } else if (count > 1) {
    runner_->Run(count, task);
  }
}

void TradeScores::RunSideBySide(std::span<const std::function<void()>> jobs) const {
  // Side by side only where the trade is large enough to pay for the tasks.
  if (n_ >= kCacheRows * 64) {
    RunTasks(static_cast<int>(jobs.size()), [&](int i) { jobs[i](); });
  } else {
    for (const auto& job : jobs) job();
  }
}

void TradeScores::ForEachRowChunk(const std::function<void(int, int)>& fn) const {
  const auto chunks = RowChunks();
  RunTasks(static_cast<int>(chunks.size()), [&](int c) { fn(chunks[c].first, chunks[c].second); });
}

void TradeScores::ComputeEvents(int event, int first, int last) {
  // Item by item over the rows, so the loop vectorizes; each row still sums
  // 0 + w1 x1 + w2 x2 + ... - penalties in item order, alone or in a chunk.
  double* __restrict__ score = event_score_.col(event).data();
  for (int r = first; r < last; ++r) score[r] = 0;
  const EventRanking ranking = index_.events[event].spec->ranking;
  if (ranking == EventRanking::kSkating) {
    // The places come from ComputeStagesAll(), which knows the finalists.
    for (int r = first; r < last; ++r) event_raw_(r, event) = 0;
    return;
  }
  for (const int g : index_.events[event].items) {
    const ItemIndex& item = competition_.item(g);
    const double weight = item.spec->weight;
    const double* __restrict__ x = item_score_.col(item.trade_item).data();
    if (ranking == EventRanking::kRecalls) {
      // Crosses: the mean of the 0/1 marks times their count.
      for (int r = first; r < last; ++r) score[r] += x[r] * mark_count_(r, item.trade_item);
      continue;
    }
    for (int r = first; r < last; ++r) score[r] += weight * x[r];
  }
  // Subtracting 0 changes no value, so an event without penalties skips it
  // (one column less to read on every whole-event pass).
  if (event_penalized_[event]) {
    const double* __restrict__ penalty = penalty_points_.col(event).data();
    for (int r = first; r < last; ++r) score[r] -= penalty[r];
  }
  if (KeepsRawEvent(event)) {
    event_raw_.col(event).segment(first, last - first) =
        event_score_.col(event).segment(first, last - first);
  }
}

bool TradeScores::KeepsRawEvent(int event) const {
  const EventSpec& spec = *index_.events[event].spec;
  return spec.standardize.enabled || spec.ranking == EventRanking::kSkating;
}

double TradeScores::RawEventScore(int row, int event) const {
  return KeepsRawEvent(event) ? event_raw_(row, event) : event_score_(row, event);
}

double TradeScores::RawStageTotal(int row, int stage) const {
  return whole_trade_ || index_.spec->total_standardize.enabled ? stage_raw_(row, stage)
                                                                : stage_total_(row, stage);
}

void TradeScores::StandardizeEvent(int event) {
  const EventIndex& e = index_.events[event];
  if (!e.spec->standardize.enabled) return;
  // Contestants "have" an event score once any of its marks is in.
  Eigen::Array<bool, Eigen::Dynamic, 1> include(n_);
  for (int r = 0; r < n_; ++r) {
    bool any = false;
    for (const int g : e.items) any = any || mark_count_(r, competition_.item(g).trade_item) > 0;
    include(r) = any && status_[r] == ContestantStatus::kPresent;
  }
  Standardize(e.spec->standardize, include, event_score_.col(event));
}

void TradeScores::ComputeTotals(int first, int last) {
  // Single-stage trades only: stage 0 is the total. Event by event over the
  // rows (vectorizes); each row sums 0 + w1 e1 + w2 e2 + ... in event order.
  double* __restrict__ total = stage_total_.col(0).data();
  for (int r = first; r < last; ++r) total[r] = 0;
  for (int e = 0; e < num_events_; ++e) {
    const double weight = event_weight_[e];
    const double* __restrict__ score = event_score_.col(e).data();
    for (int r = first; r < last; ++r) total[r] += weight * score[r];
  }
  if (index_.spec->total_standardize.enabled) {
    stage_raw_.col(0).segment(first, last - first) =
        stage_total_.col(0).segment(first, last - first);
  }
}

void TradeScores::ComputeTotalsAll() {
  if (whole_trade_) {
    ComputeStagesAll();
    return;
  }
  ForEachRowChunk([&](int first, int last) { ComputeTotals(first, last); });
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
    if (stage_skating_event_[s] >= 0) {
      SkateStage(s, participant);
    } else if (spec.total_standardize.enabled) {
      Standardize(spec.total_standardize, participant, stage_total_.col(s));
    }
    // Rank the stage's participants to find who advances (everyone tied with
    // the Nth goes on).
    stage_ranking.Reset(n_, 2 + tie_keys);
    for (int r = 0; r < n_; ++r) {
      std::int64_t* keys = stage_ranking.mutable_keys(r);
      keys[0] = participant(r) ? 1 : kGroupExcluded;
      keys[1] = StageKey(r, s);
      for (int k = 0; k < tie_keys; ++k) keys[2 + k] = TieBreakKey(index_.tie_break[k], r);
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
    case KeyKind::kEvent:
      return event_score_(row, key.index);
    case KeyKind::kItem:
      return item_score_(row, key.index);
    case KeyKind::kTime:
      return time_total_(row);
    case KeyKind::kPenalties:
      return penalty_points_.row(row).sum();
    case KeyKind::kTotal:
      return stage_total_(row, stage_reached_[row]);
    case KeyKind::kBestMember:
      break;
  }
  return 0;
}

void TradeScores::ComputeKeys(int row, std::int64_t* keys) const {
  const bool present = status_[row] == ContestantStatus::kPresent;
  if (present) {
    keys[0] = kGroupPresent + stage_reached_[row];
  } else {
    keys[0] = competition_.spec().status_placement == StatusPlacement::kLast ? kGroupLast
                                                                             : kGroupExcluded;
  }
  keys[1] = StageKey(row, stage_reached_[row]);
  for (size_t k = 0; k < index_.tie_break.size(); ++k)
    keys[2 + k] = TieBreakKey(index_.tie_break[k], row);
}

std::int64_t TradeScores::StageKey(int row, int stage) const {
  if (stage_skating_event_[stage] < 0) return ToKey(stage_total_(row, stage), precision_, true);
  // A skating stage ranks by place, lower first; finalists not placed yet
  // (the judges' placings are incomplete) after those placed.
  const double place = stage_total_(row, stage);
  return place > 0 ? ToKey(place, precision_, false) : kMissingKey;
}

void TradeScores::SkateStage(int stage, const Eigen::Array<bool, Eigen::Dynamic, 1>& finalist) {
  const int event = stage_skating_event_[stage];
  SkatingStage& skating = skating_[stage];
  skating = SkatingStage{};
  for (int r = 0; r < n_; ++r) {
    if (finalist(r)) skating.rows.push_back(r);
    stage_raw_(r, stage) = 0;
    stage_total_(r, stage) = 0;
    event_raw_(r, event) = 0;
    event_score_(r, event) = 0;
  }
  const int finalists = static_cast<int>(skating.rows.size());
  if (finalists == 0) {
    skating.note = "no finalists yet";
    return;
  }
  // Every judge of every dance places every finalist 1..n; until then the
  // places wait (a scrutineer tabulates complete sheets only).
  for (const int g : index_.events[event].items) {
    const ItemIndex& item = competition_.item(g);
    const ItemMarks& marks = marks_[item.trade_item];
    PlacingMatrix& placings = skating.placings.emplace_back(finalists, marks.columns());
    for (int f = 0; f < finalists; ++f) {
      for (int c = 0; c < marks.columns(); ++c) {
        if (!marks.present(skating.rows[f], c)) {
          skating.note = "waiting for placings: judge " +
                         competition_.judge(item.panel[c].judge).id + " has not placed " +
                         competition_.contestant(index_.contestants[skating.rows[f]]).bib + " in " +
                         item.spec->name;
          return;
        }
        placings(f, c) = marks.quanta(skating.rows[f], c);  // step 1: quanta are places
      }
    }
  }
  StatusOr<MultiDanceResult> result = SkateMultiDance(skating.placings);
  if (!result.ok()) {
    skating.note = result.status().message();
    return;
  }
  for (int f = 0; f < finalists; ++f) {
    const int r = skating.rows[f];
    stage_raw_(r, stage) = stage_total_(r, stage) = result->place[f];
    event_raw_(r, event) = event_score_(r, event) = result->place[f];
  }
  skating.result = std::move(*result);
}

std::int64_t TradeScores::TieBreakKey(const ResolvedKey& key, int row) const {
  if (key.kind == KeyKind::kTime && !has_time_[row]) return kMissingKey;
  return ToKey(RowKeyValue(key, row), precision_, key.order == Order::kHigher);
}

void TradeScores::ComputeAwardCutoffs() {
  // Present contestants are exactly the ranked ones eligible for awards
  // (other statuses rank last or not at all).
  ranked_present_ =
      static_cast<int>(std::count(status_.begin(), status_.end(), ContestantStatus::kPresent));
  const std::vector<AwardTier>& tiers = index_.spec->awards;
  award_cutoff_.assign(tiers.size(), 0);
  // Places are cumulative: each tier's places (a count, or a share of the
  // ranked contestants rounded on its own) follow the tiers before it.
  std::int64_t cumulative = 0;
  for (size_t t = 0; t < tiers.size(); ++t) {
    const AwardTier& tier = tiers[t];
    if (tier.by == AwardBy::kCount) {
      cumulative += tier.count;
    } else if (tier.by == AwardBy::kShare) {
      const double places = tier.share * ranked_present_ / 100;
      double rounded = 0;
      switch (tier.rounding) {
        // Snap float noise first: 10% of 40 is 4 places, not 3.9999.
        case ShareRounding::kFloor:
          rounded = std::floor(places + 1e-9);
          break;
        case ShareRounding::kRound:
          rounded = std::round(places);
          break;
        case ShareRounding::kCeil:
          rounded = std::ceil(places - 1e-9);
          break;
      }
      cumulative += static_cast<std::int64_t>(rounded);
    } else {
      continue;
    }
    award_cutoff_[t] = cumulative;
  }
}

void TradeScores::ComputeAwardPositions() {
  // Ranks never decrease along the leaderboard (0 only at its unranked tail),
  // so "rank <= cutoff" is a prefix of positions: find where it ends.
  award_last_position_.assign(award_cutoff_.size(), -1);
  int ranked = n_;
  while (ranked > 0 && ranking_.rank_at(ranked - 1) == 0) --ranked;
  for (size_t t = 0; t < award_cutoff_.size(); ++t) {
    int lo = 0, hi = ranked;  // first position ranked above the cutoff
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (ranking_.rank_at(mid) <= award_cutoff_[t]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    award_last_position_[t] = lo - 1;
  }
}

int TradeScores::AwardOf(int row, bool marked, std::int64_t total) const {
  if (status_[row] != ContestantStatus::kPresent) return -1;
  // Before their first mark everyone ties at the top; no one has earned a
  // place there yet, so a big screen at the start shows no champions.
  if (!marked) return -1;
  // Finalists of a skating stage are unplaced until every placing is in:
  // they share the top of the board, but no one has won anything yet.
  const int stage = stage_reached_[row];
  if (stage_skating_event_[stage] >= 0 && !(stage_total_(row, stage) > 0)) return -1;
  const int position = ranking_.position(row);
  const std::vector<AwardTier>& tiers = index_.spec->awards;
  for (size_t t = 0; t < tiers.size(); ++t) {
    if (total < award_min_key_[t]) continue;
    const bool reached = tiers[t].by == AwardBy::kThreshold ? total >= award_threshold_key_[t]
                                                            : position <= award_last_position_[t];
    if (reached) return static_cast<int>(t);
  }
  return -1;
}

void TradeScores::RowsNearCutoffs(const RankSpan& span, int moves, std::vector<int>& rows) const {
  // A rank is 1 + the number of entries strictly better, so each moved entry
  // changes any other entry's rank by at most one: after `moves` moves only
  // entries now ranked within `moves` of a cutoff can have crossed it.
  for (const std::int64_t cutoff : award_cutoff_) {
    if (cutoff <= 0) continue;
    const std::int64_t low = cutoff - moves, high = cutoff + moves + 1;
    int lo = span.first, hi = span.last + 1;  // first position ranked >= low
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      const int rank = ranking_.rank(ranking_.at(mid));
      if (rank != 0 && rank < low) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    for (int p = lo; p <= span.last; ++p) {
      const int rank = ranking_.rank(ranking_.at(p));
      if (rank == 0 || rank > high) break;
      rows.push_back(ranking_.at(p));
    }
  }
}

StandingRow TradeScores::BuildRow(int row) const {
  StandingRow out;
  out.contestant = index_.contestants[row];
  out.stage = stage_reached_[row];
  const std::int64_t total_key = ScaledRound(stage_total_(row, out.stage), precision_);
  out.total = static_cast<double>(total_key) / static_cast<double>(kPowersOfTen[precision_]);
  out.status = status_[row];
  bool complete = true;
  bool flagged = false;
  bool marked = false;
  for (int i = 0; i < num_items_; ++i) {
    if (item_stage_[i] > out.stage) continue;
    const int count = mark_count_(row, i);
    complete = complete && count >= item_expected_[i];
    marked = marked || count > 0;
    flagged = flagged || flagged_(row, i);
  }
  out.complete = complete;
  out.flagged = flagged;
  out.marked = marked;
  out.award = static_cast<std::int16_t>(AwardOf(row, marked, total_key));
  return out;
}

bool TradeScores::RefreshRow(int row, int* old_award) {
  const StandingRow fresh = BuildRow(row);
  bool events_changed = false;
  for (int e = 0; e < num_events_; ++e) {
    const double published = Published(event_score_(row, e));
    events_changed = events_changed || published != published_events_(row, e);
    published_events_(row, e) = published;
  }
  if (fresh == published_[row] && !events_changed) return false;
  *old_award = published_[row].award;
  published_[row] = fresh;
  published_total_[row] = fresh.total;
  return true;
}

void TradeScores::RecordChange(int row, int old_award, TradeDelta& delta) {
  const int award = published_[row].award;
  if (old_award != award) {
    awards_changed_ = true;
    const int group = competition_.tally_group_of(index_.contestants[row]);
    const auto tiers = static_cast<int>(index_.spec->awards.size());
    if (group >= 0 && old_award >= 0) --award_counts_[group * tiers + old_award];
    if (group >= 0 && award >= 0) ++award_counts_[group * tiers + award];
  }
  changed_rows_.push_back(row);
  StandingRow ranked = published_[row];
  ranked.rank = ranking_.rank(row);
  delta.rows.push_back(ranked);
  for (int e = 0; e < num_events_; ++e) delta.event_scores.push_back(published_events_(row, e));
}

void TradeScores::PublishRow(int row, TradeDelta& delta) {
  int old_award = -1;
  if (RefreshRow(row, &old_award)) RecordChange(row, old_award, delta);
}

void TradeScores::PublishAllRows(TradeDelta& delta) {
  const auto chunks = RowChunks();
  std::vector<std::vector<std::pair<int, int>>> changed(chunks.size());
  RunTasks(static_cast<int>(chunks.size()), [&](int c) {
    for (int r = chunks[c].first; r < chunks[c].second; ++r) {
      int old_award = -1;
      if (RefreshRow(r, &old_award)) changed[c].emplace_back(r, old_award);
    }
  });
  for (const auto& list : changed) {
    for (const auto& [row, old_award] : list) RecordChange(row, old_award, delta);
  }
}

void TradeScores::CollectChanges(int row, const std::vector<char>* events, RowChanges& out) const {
  if (events != nullptr) {
    // Only the total and the re-derived events can have changed for this row,
    // and a value still within (almost) half a unit of what was published
    // publishes and ranks the same. Most rows stop here, having read only a
    // few compact arrays.
    bool maybe = !(std::abs(stage_total_(row, stage_reached_[row]) - published_total_[row]) <
                   safe_half_unit_);
    for (int e = 0; e < num_events_ && !maybe; ++e) {
      maybe = (*events)[e] &&
              !(std::abs(event_score_(row, e) - published_events_(row, e)) < safe_half_unit_);
    }
    if (!maybe && !ItemKeyMoved(row, *events)) return;
  }
  const int num_keys = ranking_.num_keys();
  std::int64_t keys[kMaxKeys];
  ComputeKeys(row, keys);
  const std::span<const std::int64_t> old = ranking_.keys(row);
  bool same = true;
  for (int k = 0; k < num_keys; ++k) same = same && keys[k] == old[k];
  if (!same) {
    out.moved.push_back(row);
    out.keys.insert(out.keys.end(), keys, keys + num_keys);
  }
  for (int e = 0; e < num_events_; ++e) {
    if (Published(event_score_(row, e)) != published_events_(row, e)) {
      out.events_changed.push_back(row);
      break;
    }
  }
}

void TradeScores::WriteKeys(int first, int last) {
  for (int r = first; r < last; ++r) ComputeKeys(r, ranking_.mutable_keys(r));
}

void TradeScores::CollectChunk(int first, int last, const std::vector<int>& rows,
                               const std::vector<char>& events, RowChanges& out) const {
  // The common case, a whole-trade recompute after one normalized mark: a
  // tight pass that flags the few rows whose published values may change.
  std::vector<int> changed_events;
  for (int e = 0; e < num_events_; ++e) {
    if (events[e]) changed_events.push_back(e);
  }
  const double* total = stage_total_.col(0).data();
  const double* published_total = published_total_.data();
  const double* published_events = published_events_.data();  // row-major
  // Tie-breaks on re-derived items are checked key by key.
  bool item_keys = false;
  for (const ResolvedKey& key : index_.tie_break) {
    item_keys = item_keys || (key.kind == KeyKind::kItem && events[item_event_[key.index]]);
  }
  auto dirty = std::lower_bound(rows.begin(), rows.end(), first);
  // Per block of rows: first whether each moved at least the safe half unit
  // away from what was published (branch-free, written so it vectorizes:
  // 1 if it did, NaN included), then a scan of those flags, almost all 0.
  std::array<double, kCacheRows> far;
  for (int block = first; block < last; block += kCacheRows) {
    const int len = std::min(kCacheRows, last - block);
    for (int i = 0; i < len; ++i) {
      const double moved = std::abs(total[block + i] - published_total[block + i]);
      far[i] = moved < safe_half_unit_ ? 0.0 : 1.0;
    }
    for (const int e : changed_events) {
      const double* score = event_score_.col(e).data() + block;
      const double* published =
          published_events + static_cast<std::size_t>(block) * num_events_ + e;
      for (int i = 0; i < len; ++i) {
        const double moved =
            std::abs(score[i] - published[static_cast<std::size_t>(i) * num_events_]);
        far[i] = moved < safe_half_unit_ ? far[i] : 1.0;
      }
    }
    for (int i = 0; i < len; ++i) {
      const int r = block + i;
      const bool dirty_row = dirty != rows.end() && *dirty == r;
      if (dirty_row) ++dirty;
      if (dirty_row || far[i] != 0 || (item_keys && ItemKeyMoved(r, events))) {
        CollectChanges(r, dirty_row ? nullptr : &events, out);
      }
    }
  }
}

bool TradeScores::ItemKeyMoved(int row, const std::vector<char>& events) const {
  // An item's score is not published, so unlike the total and the events it
  // has no published value to stay near: compare its ranking key itself.
  const std::span<const std::int64_t> keys = ranking_.keys(row);
  for (std::size_t k = 0; k < index_.tie_break.size(); ++k) {
    const ResolvedKey& key = index_.tie_break[k];
    if (key.kind == KeyKind::kItem && events[item_event_[key.index]] &&
        TieBreakKey(key, row) != keys[2 + k]) {
      return true;
    }
  }
  return false;
}

void TradeScores::Rerank(const std::vector<int>& rows, RowChanges& changes, TradeDelta& delta) {
  const int num_keys = ranking_.num_keys();
  const std::vector<int>& moved = changes.moved;
  const bool resort = structure_dirty_ || republish_all_ || whole_trade_ ||
                      moved.size() * kIncrementalRowsDivisor > static_cast<size_t>(n_);
  if (resort) {
    for (size_t m = 0; m < moved.size(); ++m) {
      std::copy_n(&changes.keys[m * num_keys], num_keys, ranking_.mutable_keys(moved[m]));
    }
    const RankSpan changed = ranking_.SortAllAndCompare();
    ComputeAwardCutoffs();
    ComputeAwardPositions();
    republish_all_ = true;  // the next snapshot is built afresh
    PublishAllRows(delta);
    if (!changed.empty()) delta.positions.push_back({changed.first, changed.last});
    return;
  }
  std::vector<RankSpan> spans;
  for (size_t m = 0; m < moved.size(); ++m) {
    // Keys change one entry at a time, each followed by its move, so every
    // Update() sees all other entries in place.
    std::copy_n(&changes.keys[m * num_keys], num_keys, ranking_.mutable_keys(moved[m]));
    spans.push_back(ranking_.Update(moved[m]));
  }
  if (!moved.empty()) ComputeAwardPositions();
  // Rows to publish: those recomputed, those that moved, those whose
  // published event scores changed, and those that may have crossed an award
  // cutoff.
  std::vector<int> publish = rows;
  publish.insert(publish.end(), moved.begin(), moved.end());
  publish.insert(publish.end(), changes.events_changed.begin(), changes.events_changed.end());
  const int moves = static_cast<int>(moved.size());
  for (const RankSpan& span : spans) RowsNearCutoffs(span, moves, publish);
  SortUnique(publish);
  for (const int r : publish) PublishRow(r, delta);
  for (const RankSpan& span : spans) {
    order_spans_.push_back(span);
    delta.positions.push_back({span.first, span.last});
  }
}

void TradeScores::Recompute(bool full, TradeDelta& delta) {
  delta.trade = trade_;
  delta.num_events = num_events_;
  awards_changed_ = false;
  if (!full && !dirty_) return;
  if (full) structure_dirty_ = true;  // re-rank from scratch too

  // 1. Items. A normalized item depends on every mark of every judge on it,
  // so any change re-derives the whole item; otherwise only changed rows.
  std::vector<char> event_all(num_events_, full ? 1 : 0);
  std::vector<int> whole_items;
  std::vector<int> rows = dirty_rows_;
  // A Rasch model's measures depend on every mark of all its items: a
  // change to one re-estimates the model and re-derives all of its items.
  std::vector<char> model_dirty(rasch_.num_models(), 0);
  for (int i = 0; i < num_items_; ++i) {
    const int m = rasch_.ModelOf(i).first;
    if (m >= 0 && (full || !dirty_item_rows_[i].empty())) model_dirty[m] = 1;
  }
  for (int m = 0; m < rasch_.num_models(); ++m) {
    if (model_dirty[m]) rasch_.Estimate(m, marks_);
  }
  for (int i = 0; i < num_items_; ++i) {
    std::vector<int>& dirty = dirty_item_rows_[i];
    SortUnique(dirty);
    const ItemIndex& item = competition_.item(index_.items[i]);
    const int model = rasch_.ModelOf(i).first;
    if (full || (item.normalization != Normalization::kNone && !dirty.empty()) ||
        (model >= 0 && model_dirty[model])) {
      adjustment_[i] = ComputeAdjustment(item.normalization, marks_[i]);
      whole_items.push_back(i);
      event_all[item_event_[i]] = 1;
    } else {
      for (const int r : dirty) AggregateItem(i, r, 1);
    }
    rows.insert(rows.end(), dirty.begin(), dirty.end());
    dirty.clear();
  }
  dirty_rows_.clear();
  SortUnique(rows);

  // 2. Events. Standardization couples every row of the event.
  bool all_rows =
      full || structure_dirty_ || whole_trade_ || index_.spec->total_standardize.enabled;
  bool standardized = whole_trade_ || index_.spec->total_standardize.enabled;
  for (int e = 0; e < num_events_; ++e) {
    if (index_.events[e].spec->standardize.enabled && !rows.empty()) event_all[e] = 1;
    all_rows = all_rows || event_all[e];
    standardized = standardized || (event_all[e] && index_.events[e].spec->standardize.enabled);
  }
  if (!all_rows && rows.size() * kIncrementalRowsDivisor > static_cast<size_t>(n_)) {
    all_rows = true;
  }
  // Events not re-derived whole: only the changed rows. Time used likewise.
  for (int e = 0; e < num_events_; ++e) {
    if (!event_all[e]) {
      for (const int r : rows) ComputeEvents(e, r, r + 1);
    }
  }
  for (const int r : rows) {
    double seconds = 0;
    for (auto it = item_time_.lower_bound({r, 0}); it != item_time_.end() && it->first.first == r;
         ++it) {
      seconds += it->second;
    }
    time_total_(r) = seconds;
    has_time_[r] = item_time_.lower_bound({r, 0}) != item_time_.end() &&
                   item_time_.lower_bound({r, 0})->first.first == r;
  }

  // 3. Totals, keys and what changed. Without standardization or stages,
  // every step is row by row, so one pass over row chunks does them all
  // (in parallel when the task runner allows).
  RowChanges changes;
  if (!all_rows) {
    for (const int r : rows) ComputeTotals(r, r + 1);
    for (const int r : rows) CollectChanges(r, nullptr, changes);
  } else {
    const auto chunks = RowChunks();
    std::vector<RowChanges> chunk_changes(chunks.size());
    auto derive = [&](int first, int last) {
      for (const int i : whole_items) AggregateItem(i, first, last - first);
      for (int e = 0; e < num_events_; ++e) {
        if (event_all[e]) {
          ComputeEvents(e, first, last);
        }
      }
    };
    // Rows outside `rows` kept their marks, penalties, time and status: for
    // them only the re-derived events (and the total) can have moved. Whole
    // recomputes (full, status, stages) re-sort everyone, so every row's keys
    // go straight into the ranking instead.
    const bool everything = full || structure_dirty_ || whole_trade_;
    auto collect = [&](int first, int last, RowChanges& out) {
      if (everything) {
        WriteKeys(first, last);
      } else {
        CollectChunk(first, last, rows, event_all, out);
      }
    };
    if (!standardized) {
      RunTasks(static_cast<int>(chunks.size()), [&](int c) {
        for (int first = chunks[c].first; first < chunks[c].second; first += kCacheRows) {
          const int last = std::min(chunks[c].second, first + kCacheRows);
          derive(first, last);
          ComputeTotals(first, last);
          collect(first, last, chunk_changes[c]);
        }
      });
    } else {
      RunTasks(static_cast<int>(chunks.size()),
               [&](int c) { derive(chunks[c].first, chunks[c].second); });
      for (int e = 0; e < num_events_; ++e) {
        if (event_all[e]) StandardizeEvent(e);
      }
      ComputeTotalsAll();
      RunTasks(static_cast<int>(chunks.size()),
               [&](int c) { collect(chunks[c].first, chunks[c].second, chunk_changes[c]); });
    }
    for (RowChanges& c : chunk_changes) {
      changes.moved.insert(changes.moved.end(), c.moved.begin(), c.moved.end());
      changes.keys.insert(changes.keys.end(), c.keys.begin(), c.keys.end());
      changes.events_changed.insert(changes.events_changed.end(), c.events_changed.begin(),
                                    c.events_changed.end());
    }
  }
  Rerank(rows, changes, delta);
  structure_dirty_ = false;
  dirty_ = false;

  // 4. Teams add up published totals, so they follow the rows whose
  // published values changed.
  std::vector<int> published_rows;
  published_rows.reserve(delta.rows.size());
  for (const StandingRow& row : delta.rows)
    published_rows.push_back(competition_.row_of(row.contestant));
  RecomputeTeams(full, published_rows, delta);
}

void TradeScores::ComputeTeam(int team, std::vector<int>& members, std::int64_t* keys) {
  const TeamSpec& spec = index_.spec->teams;
  members.clear();
  for (int m = team_first_[team]; m < team_first_[team + 1]; ++m) {
    const int r = team_members_[m];
    if (status_[r] == ContestantStatus::kPresent) members.push_back(r);
  }
  // Teams add up members' published totals, as anyone checking by hand would.
  auto total_of = [&](int r) { return Published(stage_total_(r, stage_reached_[r])); };
  if (spec.rule == TeamRule::kBestK) {
    std::stable_sort(members.begin(), members.end(),
                     [&](int a, int b) { return total_of(a) > total_of(b); });
    if (static_cast<int>(members.size()) > spec.k) members.resize(spec.k);
    std::sort(members.begin(), members.end());  // sum in roster order
  }
  auto aggregate = [&](auto value_of) {
    double sum = 0;
    for (const int r : members) sum += value_of(r);
    if (spec.rule == TeamRule::kMean && !members.empty())
      sum /= static_cast<double>(members.size());
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
      value = aggregate([&](int r) { return Published(event_score_(r, key.index)); });
    }
    team_values_(team, 1 + static_cast<Eigen::Index>(k)) = value;
  }
  keys[0] = row.members > 0 ? 1 : 0;
  keys[1] = ToKey(row.total, precision_, true);
  for (size_t k = 0; k < index_.team_tie_break.size(); ++k) {
    keys[2 + k] = ToKey(team_values_(team, 1 + static_cast<Eigen::Index>(k)), precision_,
                        index_.team_tie_break[k].order == Order::kHigher);
  }
}

void TradeScores::PublishTeam(int team, TradeDelta& delta) {
  TeamRow fresh = team_rows_[team];
  fresh.total = Published(fresh.total);
  if (fresh == published_teams_[team]) return;
  published_teams_[team] = fresh;
  changed_teams_.push_back(team);
  fresh.rank = team_ranking_.rank(team);
  delta.teams.push_back(fresh);
}

void TradeScores::RecomputeTeams(bool all, const std::vector<int>& changed_rows,
                                 TradeDelta& delta) {
  const int num_teams = static_cast<int>(team_rows_.size());
  if (num_teams == 0) return;
  std::vector<int> teams;
  if (all) {
    teams.resize(num_teams);
    std::iota(teams.begin(), teams.end(), 0);
  } else {
    for (const int r : changed_rows) {
      if (index_.team_of_row[r] >= 0) teams.push_back(index_.team_of_row[r]);
    }
    SortUnique(teams);
  }
  const int num_keys = team_ranking_.num_keys();
  // Teams are independent: computed in parallel chunks, each with its own
  // scratch, then compared with their old keys in team order.
  std::vector<std::int64_t> keys(teams.size() * num_keys);
  constexpr int kTeamsPerTask = 8192;
  const int tasks = static_cast<int>((teams.size() + kTeamsPerTask - 1) / kTeamsPerTask);
  RunTasks(tasks, [&](int task) {
    std::vector<int> members;
    const std::size_t first = static_cast<std::size_t>(task) * kTeamsPerTask;
    const std::size_t last = std::min(teams.size(), first + kTeamsPerTask);
    for (std::size_t i = first; i < last; ++i) ComputeTeam(teams[i], members, &keys[i * num_keys]);
  });
  std::vector<int> moved;
  std::vector<std::int64_t> moved_keys;
  for (std::size_t i = 0; i < teams.size(); ++i) {
    const std::span<const std::int64_t> old = team_ranking_.keys(teams[i]);
    const std::int64_t* fresh = &keys[i * num_keys];
    if (std::equal(fresh, fresh + num_keys, old.begin())) continue;
    moved.push_back(teams[i]);
    moved_keys.insert(moved_keys.end(), fresh, fresh + num_keys);
  }
  if (republish_all_ || moved.size() * kIncrementalRowsDivisor > static_cast<size_t>(num_teams)) {
    for (size_t m = 0; m < moved.size(); ++m) {
      std::copy_n(&moved_keys[m * num_keys], num_keys, team_ranking_.mutable_keys(moved[m]));
    }
    const RankSpan changed = team_ranking_.SortAllAndCompare();
    for (int t = 0; t < num_teams; ++t) PublishTeam(t, delta);
    team_order_spans_.push_back({0, num_teams - 1});
    if (!changed.empty()) delta.team_positions.push_back({changed.first, changed.last});
    return;
  }
  for (size_t m = 0; m < moved.size(); ++m) {
    std::copy_n(&moved_keys[m * num_keys], num_keys, team_ranking_.mutable_keys(moved[m]));
    const RankSpan span = team_ranking_.Update(moved[m]);
    team_order_spans_.push_back(span);
    delta.team_positions.push_back({span.first, span.last});
  }
  for (const int t : teams) PublishTeam(t, delta);
}

TradeStandings TradeScores::Publish(const TradeStandings* previous) {
  TradeStandings out;
  out.trade = trade_;
  out.num_events = num_events_;
  const auto ne = static_cast<std::size_t>(num_events_);
  const auto n = static_cast<std::size_t>(n_);
  const auto num_teams = team_rows_.size();
  if (previous == nullptr || republish_all_) {
    // Everything afresh: straight copies of the published arrays, side by side.
    using Ints = ChunkedArray<std::int32_t>;
    const std::function<void()> copies[] = {
        [&] { out.rows_ = ChunkedArray<StandingRow>::FromData(published_.data(), n); },
        [&] {
          out.event_scores_ = ChunkedArray<double>::FromData(published_events_.data(), n * ne);
        },
        [&] { out.order_ = Ints::FromData(ranking_.order().data(), n); },
        [&] { out.rank_at_ = Ints::FromData(ranking_.ranks_by_position().data(), n); },
        [&] { out.position_of_ = Ints::FromData(ranking_.positions().data(), n); },
        [&] {
          out.teams_ = ChunkedArray<TeamRow>::FromData(published_teams_.data(), num_teams);
          out.team_order_ = Ints::FromData(team_ranking_.order().data(), num_teams);
          out.team_rank_at_ = Ints::FromData(team_ranking_.ranks_by_position().data(), num_teams);
          out.team_position_of_ = Ints::FromData(team_ranking_.positions().data(), num_teams);
        }};
    RunSideBySide(copies);
  } else {
    // Only what changed: rows by row, ranks by leaderboard position.
    const std::function<void()> builds[] = {
        [&] {
          ChunkedArray<StandingRow>::Builder rows(previous->rows_);
          for (const int r : changed_rows_) rows.Set(r, published_[r]);
          out.rows_ = std::move(rows).Build();
        },
        [&] {
          ChunkedArray<double>::Builder events(previous->event_scores_);
          for (const int r : changed_rows_) {
            for (std::size_t e = 0; e < ne; ++e) events.Set(r * ne + e, published_events_(r, e));
          }
          out.event_scores_ = std::move(events).Build();
        },
        [&] {
          PublishOrder(ranking_, order_spans_, *previous, false, OrderPart::kByPosition, out);
        },
        [&] { PublishOrder(ranking_, order_spans_, *previous, false, OrderPart::kByEntry, out); },
        [&] {
          ChunkedArray<TeamRow>::Builder teams(previous->teams_);
          for (const int t : changed_teams_) teams.Set(t, published_teams_[t]);
          out.teams_ = std::move(teams).Build();
          PublishOrder(team_ranking_, team_order_spans_, *previous, true, OrderPart::kByPosition,
                       out);
          PublishOrder(team_ranking_, team_order_spans_, *previous, true, OrderPart::kByEntry, out);
        }};
    RunSideBySide(builds);
  }
  changed_rows_.clear();
  order_spans_.clear();
  changed_teams_.clear();
  team_order_spans_.clear();
  republish_all_ = false;
  return out;
}

void TradeScores::PublishOrder(const Ranking& ranking, const std::vector<RankSpan>& spans,
                               const TradeStandings& previous, bool teams, OrderPart part,
                               TradeStandings& out) {
  using Ints = ChunkedArray<std::int32_t>;
  if (part == OrderPart::kByPosition) {
    Ints::Builder order(teams ? previous.team_order_ : previous.order_);
    Ints::Builder rank(teams ? previous.team_rank_at_ : previous.rank_at_);
    for (const RankSpan& span : spans) {
      for (int p = span.first; p <= span.last; ++p) {
        order.Set(p, ranking.at(p));
        rank.Set(p, ranking.rank_at(p));
      }
    }
    (teams ? out.team_order_ : out.order_) = std::move(order).Build();
    (teams ? out.team_rank_at_ : out.rank_at_) = std::move(rank).Build();
    return;
  }
  Ints::Builder position(teams ? previous.team_position_of_ : previous.position_of_);
  for (const RankSpan& span : spans) {
    for (int p = span.first; p <= span.last; ++p) position.Set(ranking.at(p), p);
  }
  (teams ? out.team_position_of_ : out.position_of_) = std::move(position).Build();
}

std::vector<JudgeItemStats> TradeScores::JudgeAnalytics() const {
  std::vector<JudgeItemStats> out;
  for (int i = 0; i < num_items_; ++i) {
    const ItemIndex& item = competition_.item(index_.items[i]);
    if (item.spec->marking != Marking::kJudgement) continue;
    const ItemMarks& marks = marks_[i];
    const std::size_t first = out.size();
    for (const PanelSeat& seat : item.panel) {
      out.push_back({.judge = seat.judge, .item = index_.items[i]});
    }
    std::vector<double> values;
    for (int r = 0; r < n_; ++r) {
      if (mark_count_(r, i) == 0) continue;
      const std::vector<SeatMark> seats = ExplainPanel(marks, adjustment_[i], params_[i], r);
      double sum = 0;
      values.clear();
      for (const SeatMark& seat : seats) {
        sum += seat.raw;
        values.push_back(seat.raw);
      }
      // The judge furthest from the panel median, on a flagged panel.
      int outlier = -1;
      if (flagged_(r, i) && seats.size() >= 3) {
        std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
        const double median = values[values.size() / 2];
        double furthest = -1;
        for (const SeatMark& seat : seats) {
          if (std::abs(seat.raw - median) > furthest) {
            furthest = std::abs(seat.raw - median);
            outlier = seat.column;
          }
        }
      }
      for (const SeatMark& seat : seats) {
        JudgeItemStats& stats = out[first + seat.column];
        ++stats.marks;
        if (seat.dropped) ++stats.dropped;
        if (seat.column == outlier) ++stats.spread_outliers;
        if (seats.size() < 2) continue;
        const double others = (sum - seat.raw) / static_cast<double>(seats.size() - 1);
        ++stats.compared;
        stats.mean_deviation += seat.raw - others;
        stats.mean_absolute_deviation += std::abs(seat.raw - others);
      }
    }
    const auto [m, k] = rasch_.ModelOf(i);
    for (std::size_t s = first; s < out.size(); ++s) {
      JudgeItemStats& stats = out[s];
      if (stats.compared > 0) {
        stats.mean_deviation /= stats.compared;
        stats.mean_absolute_deviation /= stats.compared;
      }
      if (m < 0 || !rasch_.model(m).estimate) continue;
      const TradeRasch::Model& model = rasch_.model(m);
      const int j = model.seat[k][static_cast<int>(s - first)];
      const RaschFacet& judges = model.estimate->judges;
      if (judges.count[j] == 0) continue;
      stats.rasch = JudgeRaschMeasure{.severity = judges.measure[j],
                                      .standard_error = judges.standard_error[j],
                                      .infit = judges.infit[j],
                                      .outfit = judges.outfit[j]};
    }
  }
  return out;
}

Explanation TradeScores::Explain(int row) const {
  Explanation out;
  out.contestant = index_.contestants[row];
  out.trade = trade_;
  out.standing = published_[row];
  out.standing.rank = ranking_.rank(row);
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
      const std::vector<SeatMark> seats = ExplainPanel(marks_[i], adjustment_[i], params_[i], row);
      for (const SeatMark& seat : seats) {
        xi.marks.push_back({.judge = item.panel[seat.column].judge,
                            .raw = seat.raw,
                            .adjusted = seat.adjusted,
                            .dropped = seat.dropped,
                            .judge_scale = adjustment_[i].scale(seat.column),
                            .judge_offset = adjustment_[i].offset(seat.column)});
      }
      if (const auto [m, k] = rasch_.ModelOf(i); m >= 0) {
        const TradeRasch::Model& model = rasch_.model(m);
        ExplainedRasch rasch;
        const auto fair = rasch_.FairMark(i, row);
        if (!model.estimate) {
          rasch.note = model.status.message();
        } else if (!fair || xi.marks.empty()) {
          rasch.note = "no marks for this contestant yet";
        } else {
          const RaschEstimate& estimate = *model.estimate;
          rasch.applied = true;
          rasch.measure = estimate.contestants.measure[row];
          rasch.standard_error = estimate.contestants.standard_error[row];
          rasch.item_difficulty = estimate.items.measure[k];
          rasch.fair_mark = *fair;
          for (std::size_t s = 0; s < xi.marks.size(); ++s) {
            xi.marks[s].judge_severity = estimate.judges.measure[model.seat[k][seats[s].column]];
          }
        }
        xi.rasch = std::move(rasch);
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
    ex.raw_score = RawEventScore(row, e);
    ex.score = event_score_(row, e);
    out.events.push_back(std::move(ex));
  }
  for (int s = 0; s <= stage_reached_[row]; ++s) {
    ExplainedStage stage{
        .stage = s, .raw_total = RawStageTotal(row, s), .total = stage_total_(row, s)};
    if (s > 0) stage.carried = index_.spec->stages[s].carry / 100 * stage_total_(row, s - 1);
    stage.stage_rank = whole_trade_ ? stage_rank_(row, s) : ranking_.rank(row);
    stage.advanced = s < stage_reached_[row];
    if (stage_skating_event_[s] >= 0) stage.skating = SkatingOf(s);
    out.stages.push_back(std::move(stage));
  }
  return out;
}

std::vector<ExplainedSkating> TradeScores::SkatingStages() const {
  std::vector<ExplainedSkating> out;
  for (int s = 0; s < num_stages_; ++s) {
    if (stage_skating_event_[s] >= 0) out.push_back(SkatingOf(s));
  }
  return out;
}

ExplainedSkating TradeScores::SkatingOf(int stage) const {
  const SkatingStage& skating = skating_[stage];
  ExplainedSkating out{.stage = stage,
                       .event = stage_skating_event_[stage],
                       .placings = skating.placings,
                       .result = skating.result,
                       .note = skating.note};
  for (const int r : skating.rows) out.contestants.push_back(index_.contestants[r]);
  for (const int g : index_.events[out.event].items) {
    out.dances.push_back(g);
    std::vector<int>& judges = out.judges.emplace_back();
    for (const PanelSeat& seat : competition_.item(g).panel) judges.push_back(seat.judge);
  }
  if (!out.result) out.placings.clear();
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
