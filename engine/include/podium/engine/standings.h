// Standings: an immutable, versioned snapshot of every trade's leaderboard,
// team standings and the medal tally; and the delta between two versions.
#ifndef PODIUM_ENGINE_STANDINGS_H_
#define PODIUM_ENGINE_STANDINGS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "podium/engine/chunked_array.h"
#include "podium/engine/competition.h"
#include "podium/engine/model.h"

namespace podium::engine {

// One contestant's published standing.
struct StandingRow {
  std::int32_t contestant = 0;  // competition contestant index
  std::int32_t rank = 0;        // 1-based; 0 = not ranked (excluded status)
  double total = 0;             // published total (rounded to the competition's precision)
  std::int16_t award = -1;      // index into the trade's award tiers, -1 = none
  ContestantStatus status = ContestantStatus::kPresent;
  std::int8_t stage = 0;  // furthest stage reached
  bool complete = false;  // every expected mark up to that stage is in
  bool flagged = false;   // a panel's spread exceeds its tolerance
  bool marked = false;    // has any mark up to that stage (else no award, no nomination)

  bool operator==(const StandingRow&) const = default;
};

struct TeamRow {
  std::int32_t team = 0;  // index into the trade's (or competition's) teams
  std::int32_t rank = 0;  // 0 = no ranked member
  double total = 0;
  std::int32_t members = 0;  // members counted (present)

  bool operator==(const TeamRow&) const = default;
};

struct MedalRow {
  std::int32_t group = 0;  // index into Competition::tally_groups()
  std::int32_t rank = 0;
  std::vector<std::int32_t> medals;  // per medal tier, in MedalTallySpec::medals order
  std::int32_t awarded = 0;          // contestants with any award

  bool operator==(const MedalRow&) const = default;
};

// A range of leaderboard positions, inclusive.
struct PositionSpan {
  std::int32_t first = 0;
  std::int32_t last = -1;
};

// One trade's leaderboard. Immutable; safe to share across threads. Values
// are stored in chunks shared with neighbouring versions, and ranks are kept
// by leaderboard position, so a mark that moves one contestant past many
// others costs a new version only the chunks of the positions it crossed.
class TradeStandings final {
 public:
  int trade = 0;
  int num_events = 0;

  int size() const { return static_cast<int>(rows_.size()); }
  // The standing of trade row `row` (roster order), rank included.
  StandingRow row(int row) const {
    StandingRow out = rows_[row];
    out.rank = rank_at_[position_of_[row]];
    return out;
  }
  // The standing at leaderboard position `position` (0 = first).
  StandingRow at_position(int position) const { return row(order_[position]); }
  int row_at(int position) const { return order_[position]; }
  int rank_at(int position) const { return rank_at_[position]; }
  int position_of(int row) const { return position_of_[row]; }
  double event_score(int row, int event) const {
    return event_scores_[static_cast<std::size_t>(row) * num_events + event];
  }

  int num_teams() const { return static_cast<int>(teams_.size()); }
  TeamRow team(int team) const {
    TeamRow out = teams_[team];
    out.rank = team_rank_at_[team_position_of_[team]];
    return out;
  }
  TeamRow team_at_position(int position) const { return team(team_order_[position]); }
  int team_position_of(int team) const { return team_position_of_[team]; }

 private:
  friend class TradeScores;
  ChunkedArray<StandingRow> rows_;          // by trade row; rank is kept by position
  ChunkedArray<double> event_scores_;       // row * num_events + event
  ChunkedArray<std::int32_t> order_;        // position -> trade row
  ChunkedArray<std::int32_t> rank_at_;      // position -> rank (0 = unranked)
  ChunkedArray<std::int32_t> position_of_;  // trade row -> position
  ChunkedArray<TeamRow> teams_;             // by team index; rank kept by position
  ChunkedArray<std::int32_t> team_order_;
  ChunkedArray<std::int32_t> team_rank_at_;
  ChunkedArray<std::int32_t> team_position_of_;
};

struct NominationList {
  int nomination = 0;            // index into Competition::nominations()
  std::vector<int> contestants;  // by trade, then leaderboard order
};

class Standings final {
 public:
  std::uint64_t version = 0;  // the number of events folded in
  std::shared_ptr<const Competition> competition;
  std::vector<TradeStandings> trades;
  std::vector<TeamRow> competition_teams;  // leaderboard order
  std::vector<MedalRow> medal_tally;       // leaderboard order

  // The standing of a competition contestant index, rank included.
  StandingRow row_of(int contestant) const;
  // Award id of a row ("" for none).
  const std::string& award_id(const StandingRow& row) const;
  const std::string& award_name(const StandingRow& row) const;
  // Evaluates every nomination rule over this snapshot. O(contestants).
  std::vector<NominationList> Nominations() const;
};

// What changed in one trade between two versions: the rows whose own
// published values (total, events, award, status, ...) differ, and the
// leaderboard positions whose occupant or rank may differ. A client that keeps
// the whole leaderboard re-reads those positions from the new snapshot; a
// screen showing the top 20 only cares whether a span starts below 20.
struct TradeDelta {
  int trade = 0;
  int num_events = 0;
  std::vector<StandingRow> rows;     // with their new rank
  std::vector<double> event_scores;  // rows[i]'s events at [i * num_events, (i + 1) * num_events)
  std::vector<PositionSpan> positions;
  std::vector<TeamRow> teams;  // with their new rank
  std::vector<PositionSpan> team_positions;

  bool empty() const {
    return rows.empty() && positions.empty() && teams.empty() && team_positions.empty();
  }
};

struct StandingsDelta {
  std::uint64_t from_version = 0;
  std::uint64_t to_version = 0;
  std::vector<TradeDelta> trades;  // only trades with changes
  bool competition_teams_changed = false;
  bool medal_tally_changed = false;

  bool empty() const {
    return trades.empty() && !competition_teams_changed && !medal_tally_changed;
  }
  std::size_t changed_rows() const {
    std::size_t n = 0;
    for (const TradeDelta& t : trades) n += t.rows.size();
    return n;
  }
  std::size_t changed_positions() const {
    std::size_t n = 0;
    for (const TradeDelta& t : trades) {
      for (const PositionSpan& s : t.positions) n += static_cast<std::size_t>(s.last - s.first + 1);
    }
    return n;
  }
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_STANDINGS_H_
