// ScoringEngine: the competition's scores as a deterministic fold over events.
// Apply() validates and records an event; Recompute() brings every derived
// number up to date (incrementally: only what the new events can affect) and
// publishes a new immutable Standings version with the delta from the last.
#ifndef PODIUM_ENGINE_SCORING_ENGINE_H_
#define PODIUM_ENGINE_SCORING_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "podium/engine/competition.h"
#include "podium/engine/events.h"
#include "podium/engine/explain.h"
#include "podium/engine/judge_analytics.h"
#include "podium/engine/standings.h"
#include "podium/engine/task_runner.h"
#include "podium/status.h"

namespace podium::engine {

class TradeScores;

// Not thread-safe: one writer applies events and recomputes. The Standings it
// publishes are immutable and may be read from any thread.
class ScoringEngine final {
 public:
  explicit ScoringEngine(std::shared_ptr<const Competition> competition);
  ~ScoringEngine();
  ScoringEngine(const ScoringEngine&) = delete;
  ScoringEngine& operator=(const ScoringEngine&) = delete;

  // Checks an event against the rules and the current state without applying it.
  // Errors: kInvalidArgument (index out of range, mark outside [0, max] or off
  // its step, empty correction reason), kPermissionDenied (judge not assigned),
  // kFailedPrecondition (correcting or voiding a mark that does not exist,
  // revoking more penalties than recorded).
  Status Validate(const Event& event) const;
  // Validate(), then records the event. A refused event changes nothing.
  Status Apply(const Event& event);

  struct Update {
    std::shared_ptr<const Standings> standings;
    StandingsDelta delta;
  };
  // Re-derives what the events since the last call can affect and publishes
  // a new version (or the same one, with an empty delta, if nothing changed).
  Update Recompute();
  // Re-derives every score, rank and award from the stored marks, as after a
  // replay. (Judges' moments are exact integers kept by Apply, not re-derived.)
  // Used to check that incremental and full recomputes agree.
  Update RecomputeAll();

  // Lends the engine threads for whole-trade recomputes (not owned; must
  // outlive the engine or be replaced). Results do not depend on it.
  void set_task_runner(TaskRunner* runner);

  std::shared_ptr<const Standings> standings() const { return standings_; }
  std::uint64_t events_applied() const { return events_applied_; }
  const Competition& competition() const { return *competition_; }

  // How the contestant's current total is made up. Requires a Recompute()
  // since the last Apply() (CHECKed).
  Explanation Explain(int contestant) const;

  // The judge's current mark on an item for a contestant, if any.
  // Precondition (CHECKed): valid indices.
  std::optional<double> MarkOf(int contestant, int item, int judge) const;
  // Panels whose raw spread exceeds the item's tolerance, as (contestant,
  // item) in trade, row, item order. Requires a Recompute() since the last Apply().
  std::vector<std::pair<int, int>> FlaggedPanels(int trade) const;
  // Every mark on a contestant's item, as (judge, mark) in panel order.
  std::vector<std::pair<int, double>> PanelMarks(int contestant, int item) const;

  // Per judge and judged item of `trade`, how the judge marks compared with
  // the panel (judge_analytics.h), in item then panel seat order. Requires a
  // Recompute() since the last Apply() (CHECKed). O(marks of the trade).
  std::vector<JudgeItemStats> JudgeAnalytics(int trade) const;

  // The skating stages of `trade` (placings and the scrutineer's tables), in
  // stage order; empty if it has none. Requires a Recompute() since the last
  // Apply() (CHECKed).
  std::vector<ExplainedSkating> SkatingStages(int trade) const;

  // Bytes held by the scoring state (marks, scores, rankings), excluding the
  // published snapshots. For capacity planning and benchmarks.
  std::size_t StateBytes() const;

 private:
  Update Publish(bool full);
  void RecomputeCompetitionTeams(StandingsDelta& delta);
  void RecomputeMedalTally(StandingsDelta& delta);
  void RecountMedalTally();  // adds up every trade's award counts

  std::shared_ptr<const Competition> competition_;
  std::vector<std::unique_ptr<TradeScores>> trades_;
  std::shared_ptr<const Standings> standings_;
  std::uint64_t events_applied_ = 0;
  std::uint64_t published_version_ = 0;
  bool pending_ = true;  // events since the last Recompute (the first one is always full)
  std::vector<TeamRow> competition_teams_;
  std::vector<MedalRow> medal_tally_;
  std::vector<MedalRow> published_tally_;
  std::vector<std::vector<int>> medal_of_tier_;  // per trade, per award tier: medal or -1
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_SCORING_ENGINE_H_
