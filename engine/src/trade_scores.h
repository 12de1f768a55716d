// TradeScores: the scoring state of one trade and its recompute pipeline
// (panel aggregation, normalization, event and stage totals, ranking,
// advancement, awards and teams). Private to the engine.
#ifndef PODIUM_ENGINE_SRC_TRADE_SCORES_H_
#define PODIUM_ENGINE_SRC_TRADE_SCORES_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <tuple>
#include <vector>

#include "podium/engine/competition.h"
#include "podium/engine/eigen_types.h"
#include "podium/engine/explain.h"
#include "podium/engine/judge_analytics.h"
#include "podium/engine/normalize.h"
#include "podium/engine/panel.h"
#include "podium/engine/ranking.h"
#include "podium/engine/score_matrix.h"
#include "podium/engine/skating.h"
#include "podium/engine/standings.h"
#include "podium/engine/task_runner.h"
#include "trade_rasch.h"

namespace podium::engine {

// Not thread-safe; owned by ScoringEngine.
class TradeScores final {
 public:
  TradeScores(const Competition& competition, int trade);

  // Where whole-trade recomputes run their row tasks. Not owned.
  void set_task_runner(TaskRunner* runner) {
    runner_ = runner;
    ranking_.set_task_runner(runner);
    team_ranking_.set_task_runner(runner);
  }

  int rows() const { return n_; }

  // State queries used to validate events.
  bool HasMark(int row, int trade_item, int column) const {
    return marks_[trade_item].present(row, column);
  }
  int PenaltyCount(int row, int trade_item, int penalty) const;
  std::optional<double> MarkAt(int row, int trade_item, int column) const {
    if (!marks_[trade_item].present(row, column)) return std::nullopt;
    return marks_[trade_item].value(row, column);
  }
  // (contestant, item) of every flagged panel, by row then item.
  std::vector<std::pair<int, int>> FlaggedPanels() const;
  ContestantStatus status(int row) const { return status_[row]; }

  // Mutations; the caller has validated the event.
  void SetMark(int row, int trade_item, int column, std::int32_t quanta,
               std::optional<double> time_used);
  void ClearMark(int row, int trade_item, int column);
  void SetStatus(int row, ContestantStatus status);
  void AddPenalty(int row, int trade_item, int penalty, int count);

  bool dirty() const { return dirty_; }
  // Re-derives scores. `full` ignores what is known to be unchanged.
  // Appends the rows and teams whose published values changed to `delta`.
  void Recompute(bool full, TradeDelta& delta);
  // Builds the trade's part of a snapshot, sharing unchanged chunks with
  // `previous` (nullptr: build everything).
  TradeStandings Publish(const TradeStandings* previous);

  // Whether the last Recompute() changed anyone's published award.
  bool awards_changed() const { return awards_changed_; }
  // Published values of a row (rank excluded: see rank()).
  const StandingRow& published(int row) const { return published_[row]; }
  // Published awards by medal tally group: [group * award tiers + tier].
  const std::vector<int>& award_counts() const { return award_counts_; }
  int rank(int row) const { return ranking_.rank(row); }

  Explanation Explain(int row) const;
  std::vector<JudgeItemStats> JudgeAnalytics() const;
  // The trade's skating stages, in stage order.
  std::vector<ExplainedSkating> SkatingStages() const;
  std::size_t StateBytes() const;

 private:
  void AggregateItem(int trade_item, int first, int count);
  std::vector<std::pair<int, int>> RowChunks() const;  // [first, last) row ranges
  void RunTasks(int count, const std::function<void(int)>& task) const;
  // Runs fn(first, last) over chunks of rows, on the task runner.
  void ForEachRowChunk(const std::function<void(int, int)>& fn) const;
  // Event scores of rows [first, last).
  void ComputeEvents(int event, int first, int last);
  void StandardizeEvent(int event);
  // Whether event_raw_ holds the event's score before standardization or
  // skating places; otherwise the raw score is the event score itself.
  bool KeepsRawEvent(int event) const;
  double RawEventScore(int row, int event) const;
  double RawStageTotal(int row, int stage) const;
  void ComputeTotals(int first, int last);  // single-stage trades
  void ComputeTotalsAll();
  void ComputeStagesAll();  // multi-stage: totals, advancement, stage ranks
  void ComputeKeys(int row, std::int64_t* keys) const;
  // The ranking key of a row's total in `stage` (a place in a skating stage).
  std::int64_t StageKey(int row, int stage) const;
  // Places the finalists of a skating stage from the judges' placings.
  void SkateStage(int stage, const Eigen::Array<bool, Eigen::Dynamic, 1>& finalist);
  ExplainedSkating SkatingOf(int stage) const;
  void ComputeAwardCutoffs();
  void ComputeAwardPositions();  // after every re-rank
  // `marked`: whether any item of the stages `row` reached has a mark for it;
  // `total`: its total as a ranking key.
  int AwardOf(int row, bool marked, std::int64_t total) const;
  // Rows in `span` that may have crossed an award cutoff during `moves` moves.
  void RowsNearCutoffs(const RankSpan& span, int moves, std::vector<int>& rows) const;
  StandingRow BuildRow(int row) const;
  // Brings a row's published values up to date; true (and its award before)
  // if they changed. Touches only that row: safe to run on row chunks.
  bool RefreshRow(int row, int* old_award);
  void RecordChange(int row, int old_award, TradeDelta& delta);
  void PublishRow(int row, TradeDelta& delta);
  void PublishAllRows(TradeDelta& delta);
  // What a recompute changed, found row by row (mergeable across chunks).
  struct RowChanges {
    std::vector<int> moved;           // rows whose ranking keys changed
    std::vector<std::int64_t> keys;   // their new keys, num_keys each
    std::vector<int> events_changed;  // rows whose published event scores changed
  };
  // `events`: which events were re-derived for this row (nullptr: anything
  // about the row may have changed).
  void CollectChanges(int row, const std::vector<char>* events, RowChanges& out) const;
  // Whether a tie-break key on an item of a re-derived event (`events`) changed.
  bool ItemKeyMoved(int row, const std::vector<char>& events) const;
  // CollectChanges over rows [first, last): `rows` (sorted) were recomputed,
  // `events` re-derived for every row.
  void CollectChunk(int first, int last, const std::vector<int>& rows,
                    const std::vector<char>& events, RowChanges& out) const;
  // Every row in [first, last) gets its ranking keys afresh, for a re-sort.
  void WriteKeys(int first, int last);
  // Re-ranks the moved rows and publishes what changed. `rows` were
  // recomputed (marks, penalties, status) and are published in any case.
  void Rerank(const std::vector<int>& rows, RowChanges& changes, TradeDelta& delta);
  void RecomputeTeams(bool full, const std::vector<int>& changed_rows, TradeDelta& delta);
  // Updates team_rows_ and team_values_, writes its keys; `members` is scratch.
  void ComputeTeam(int team, std::vector<int>& members, std::int64_t* keys);
  void PublishTeam(int team, TradeDelta& delta);
  // Copies the re-ranked spans of `ranking` (contestants, or teams) into
  // `out`: the arrays by position (order, rank), or the one by entry
  // (position), which can be built at the same time.
  enum class OrderPart { kByPosition, kByEntry };
  static void PublishOrder(const Ranking& ranking, const std::vector<RankSpan>& spans,
                           const TradeStandings& previous, bool teams, OrderPart part,
                           TradeStandings& out);
  // Runs independent jobs, in parallel on large trades.
  void RunSideBySide(std::span<const std::function<void()>> jobs) const;
  double RowKeyValue(const ResolvedKey& key, int row) const;
  std::int64_t TieBreakKey(const ResolvedKey& key, int row) const;
  double Published(double value) const;  // rounded to the competition's precision

  const Competition& competition_;
  const TradeIndex& index_;
  TradeRasch rasch_;
  TaskRunner* runner_ = &SerialTaskRunner::Default();
  int trade_;
  int n_ = 0;
  int num_items_ = 0;
  int num_events_ = 0;
  int num_stages_ = 0;
  int precision_ = 2;
  double safe_half_unit_ = 0;  // values this close to a published one publish the same

  // Marks and their aggregation, per trade item.
  std::vector<ItemMarks> marks_;
  std::vector<PanelParams> params_;
  std::vector<JudgeAdjustment> adjustment_;
  std::vector<int> item_event_;
  std::vector<int> item_stage_;       // the stage of the item's event
  std::vector<double> event_weight_;  // event weight / 100
  std::vector<int> item_expected_;    // marks expected per contestant
  ScoreMatrix item_score_;            // n x items
  Eigen::Array<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic> mark_count_;  // n x items
  Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic> flagged_;             // n x items

  // Penalties and time.
  std::map<std::tuple<int, int, int>, int> penalty_count_;  // (row, item, penalty) -> count
  std::map<std::pair<int, int>, double> item_time_;         // (row, item) -> seconds
  ScoreMatrix penalty_points_;                              // n x events
  std::vector<char> event_penalized_;  // per event: has any row ever had penalty points
  ScoreVector time_total_;
  std::vector<char> has_time_;  // any time recorded for the row

  // Events, stages, totals.
  ScoreMatrix event_raw_;       // n x events, before standardization (see KeepsRawEvent)
  ScoreMatrix event_score_;     // n x events
  ScoreMatrix stage_raw_;       // n x stages, before standardization (see RawStageTotal)
  ScoreMatrix stage_total_;     // n x stages
  Eigen::MatrixXi stage_rank_;  // n x stages (multi-stage trades)
  std::vector<std::int8_t> stage_reached_;
  bool whole_trade_ = false;              // stages or skating: every change re-derives every row
  std::vector<int> stage_skating_event_;  // per stage: its skating event, or -1
  // Per award tier, as ranking keys: the minimum total (INT64_MIN: none) and
  // the threshold of a tier by threshold.
  std::vector<std::int64_t> award_min_key_;
  std::vector<std::int64_t> award_threshold_key_;
  struct SkatingStage {
    std::vector<int> rows;                // the finalists, by row
    std::vector<PlacingMatrix> placings;  // per dance: finalists x judges
    std::optional<MultiDanceResult> result;
    std::string note;  // why there is no result yet
  };
  std::vector<SkatingStage> skating_;  // per stage
  std::vector<ContestantStatus> status_;

  Ranking ranking_;
  std::vector<std::int64_t> award_cutoff_;  // per tier: last rank included (count/share)
  std::vector<int> award_last_position_;    // per tier: last leaderboard position included
  int ranked_present_ = 0;

  // Teams (CSR members per team).
  std::vector<int> team_first_;
  std::vector<int> team_members_;
  std::vector<TeamRow> team_rows_;
  ScoreMatrix team_values_;  // teams x (1 + tie-break keys): total, tie-break values
  Ranking team_ranking_;

  // Published values (rounded; ranks live in the Ranking) and what changed
  // since the last Publish().
  std::vector<StandingRow> published_;
  std::vector<double> published_total_;  // published_[r].total, compact for whole-trade scans
  // Row-major: a row's events are contiguous, as in the snapshot.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> published_events_;
  std::vector<TeamRow> published_teams_;
  std::vector<int> changed_rows_;
  std::vector<RankSpan> order_spans_;
  std::vector<int> changed_teams_;
  std::vector<RankSpan> team_order_spans_;
  bool republish_all_ = true;
  bool awards_changed_ = false;
  std::vector<int> award_counts_;  // kept with every published award change

  // Dirty tracking since the last Recompute().
  bool dirty_ = true;
  bool structure_dirty_ = true;  // status changes: groups and award cutoffs move
  std::vector<std::vector<int>> dirty_item_rows_;
  std::vector<int> dirty_rows_;  // penalty or time changes
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_SRC_TRADE_SCORES_H_
