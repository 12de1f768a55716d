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
  double total = 0;             // total of the furthest stage reached
  std::int16_t award = -1;      // index into the trade's award tiers, -1 = none
  ContestantStatus status = ContestantStatus::kPresent;
  std::int8_t stage = 0;  // furthest stage reached
  bool complete = false;  // every expected mark up to that stage is in
  bool flagged = false;   // a panel's spread exceeds its tolerance

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

// Immutable; safe to share across threads. Rows are stored in chunks shared
// with neighbouring versions, so holding many versions is cheap.
class TradeStandings final {
 public:
  int trade = 0;
  int num_events = 0;
  ChunkedArray<StandingRow> rows;     // by trade row (roster order)
  ChunkedArray<double> event_scores;  // row * num_events + event
  ChunkedArray<std::int32_t> order;   // position -> trade row, leaderboard order
  ChunkedArray<TeamRow> teams;        // by team index
  ChunkedArray<std::int32_t> team_order;  // position -> team index

  int size() const { return static_cast<int>(rows.size()); }
  const StandingRow& at_position(int position) const { return rows[order[position]]; }
  const TeamRow& team_at_position(int position) const { return teams[team_order[position]]; }
  double event_score(int row, int event) const {
    return event_scores[static_cast<std::size_t>(row) * num_events + event];
  }
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

  // The row of a competition contestant index.
  const StandingRow& row_of(int contestant) const;
  // Award id of a row ("" for none).
  const std::string& award_id(const StandingRow& row) const;
  const std::string& award_name(const StandingRow& row) const;
  // Evaluates every nomination rule over this snapshot. O(contestants).
  std::vector<NominationList> Nominations() const;
};

// What changed between two versions: the rows whose published values differ.
struct TradeDelta {
  int trade = 0;
  int num_events = 0;
  std::vector<StandingRow> rows;
  std::vector<double> event_scores;  // rows[i]'s events at [i * num_events, (i + 1) * num_events)
  std::vector<TeamRow> teams;
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
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_STANDINGS_H_
