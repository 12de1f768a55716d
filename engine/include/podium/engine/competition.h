// Competition: the validated, indexed form of a CompetitionSpec and its Roster.
// Everything downstream (events, scoring, standings) refers to contestants,
// judges, items and events by the dense indices assigned here.
#ifndef PODIUM_ENGINE_COMPETITION_H_
#define PODIUM_ENGINE_COMPETITION_H_

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "podium/engine/model.h"
#include "podium/engine/nomination.h"
#include "podium/status.h"

namespace podium::engine {

// Ranking keys after the total, per trade (and per team ranking).
inline constexpr int kMaxTieBreakKeys = 8;

// One problem found while validating, located for the person who must fix it.
struct Problem {
  std::string file;
  int line = 0;  // 0: the file as a whole
  std::string message;

  std::string ToString() const;  // "judges.csv line 7: ..."
};

// A judge seat on an item's panel: the judge and which bibs they mark.
struct PanelSeat {
  int judge = 0;
  struct BibRange {
    std::string from, to;  // inclusive; empty range strings mean every bib
  };
  std::vector<BibRange> bibs;
};

enum class KeyKind { kTotal, kEvent, kItem, kTime, kPenalties, kBestMember };

struct ResolvedKey {
  KeyKind kind = KeyKind::kTotal;
  int index = 0;  // event index within the trade (kEvent) or trade item index (kItem)
  Order order = Order::kHigher;
};

struct ItemIndex {
  const ItemSpec* spec = nullptr;
  int trade = 0;
  int event = 0;       // event index within the trade
  int trade_item = 0;  // item index within the trade (events' items in order)
  Normalization normalization = Normalization::kNone;
  std::vector<PanelSeat> panel;  // judgement: one column per seat; measurement: its markers
  int columns() const;           // matrix columns: panel size, or 1 for a measurement
  std::string ref;               // "trade:event.item", for messages
};

struct EventIndex {
  const EventSpec* spec = nullptr;
  int stage = 0;
  std::vector<int> items;  // global item indices
};

struct TradeIndex {
  const TradeSpec* spec = nullptr;
  std::vector<int> contestants;  // global contestant indices; row r of the trade
  std::vector<EventIndex> events;
  std::vector<int> items;  // global item indices, trade item order
  std::vector<ResolvedKey> tie_break;
  std::vector<ResolvedKey> team_tie_break;
  std::vector<std::string> teams;  // team names, first appearance order
  std::vector<int> team_of_row;    // per trade row: team index or -1
};

// Immutable after Create(); safe to share between threads.
class Competition final {
 public:
  // Validates `spec` and `roster` completely. On failure returns
  // kInvalidArgument naming the first problem and the count of the rest, and
  // appends every problem to `problems` (if given).
  static StatusOr<std::shared_ptr<const Competition>> Create(
      CompetitionSpec spec, Roster roster, std::vector<Problem>* problems = nullptr);

  const CompetitionSpec& spec() const { return spec_; }
  const Roster& roster() const { return roster_; }

  int num_trades() const { return static_cast<int>(trades_.size()); }
  int num_items() const { return static_cast<int>(items_.size()); }
  int num_contestants() const { return static_cast<int>(roster_.contestants.size()); }
  int num_judges() const { return static_cast<int>(roster_.judges.size()); }

  const TradeIndex& trade(int t) const { return trades_[t]; }
  const ItemIndex& item(int i) const { return items_[i]; }
  const Contestant& contestant(int c) const { return roster_.contestants[c]; }
  const Judge& judge(int j) const { return roster_.judges[j]; }
  int trade_of(int contestant) const { return contestant_trade_[contestant]; }
  int row_of(int contestant) const { return contestant_row_[contestant]; }
  const std::vector<Nomination>& nominations() const { return nominations_; }
  // Cross-trade teams: team names and, per contestant, its team or -1.
  const std::vector<std::string>& competition_teams() const { return competition_teams_; }
  int competition_team_of(int contestant) const { return competition_team_of_[contestant]; }
  const std::vector<ResolvedKey>& competition_team_tie_break() const {
    return competition_team_tie_break_;
  }
  // Medal tally groups (e.g. delegations), and per contestant its group or -1.
  const std::vector<std::string>& tally_groups() const { return tally_groups_; }
  int tally_group_of(int contestant) const { return tally_group_of_[contestant]; }
  int field_index(std::string_view name) const;  // -1 if no such roster column

  // Look-ups by the ids people type. kNotFound names what was looked for.
  StatusOr<int> FindTrade(std::string_view id) const;
  StatusOr<int> FindContestant(std::string_view bib) const;
  StatusOr<int> FindJudge(std::string_view id) const;
  // `ref` is "item", "event.item" or "trade:event.item" within `trade`.
  StatusOr<int> FindItem(int trade, std::string_view ref) const;
  // Index of penalty `id` on item `item`.
  StatusOr<int> FindPenalty(int item, std::string_view id) const;

  // The matrix column of `judge` on `item`, or kPermissionDenied if the judge
  // is not assigned to that item for that contestant.
  StatusOr<int> SeatOf(int judge, int item, int contestant) const;

 private:
  Competition() = default;
  void Index(std::vector<Problem>& problems);

  CompetitionSpec spec_;
  Roster roster_;
  std::vector<TradeIndex> trades_;
  std::vector<ItemIndex> items_;
  std::vector<int> contestant_trade_;
  std::vector<int> contestant_row_;
  std::vector<Nomination> nominations_;
  std::vector<std::string> competition_teams_;
  std::vector<int> competition_team_of_;
  std::vector<ResolvedKey> competition_team_tie_break_;
  std::vector<std::string> tally_groups_;
  std::vector<int> tally_group_of_;
  IdMap<int> trade_by_id_;
  IdMap<int> contestant_by_bib_;
  IdMap<int> judge_by_id_;
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_COMPETITION_H_
