// Properties of the scoring engine over large random workloads: the order in
// which independent marks arrive does not matter, replays are bit-identical,
// incremental recomputes equal full ones, and every published snapshot and
// delta is self-consistent. Every workload comes from a fixed, printed seed.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/competition.h"
#include "podium/engine/events.h"
#include "podium/engine/model.h"
#include "podium/engine/scoring_engine.h"
#include "podium/engine/standings.h"
#include "podium/engine/synthetic.h"
#include "podium/status.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {
namespace {

using ::podium::test::IsOk;

std::string Describe(const StandingRow& row) {
  std::ostringstream os;
  os.precision(17);
  os << "{contestant " << row.contestant << " rank " << row.rank << " total " << row.total
     << " award " << row.award << " status " << ContestantStatusName(row.status) << " stage "
     << static_cast<int>(row.stage) << (row.complete ? " complete" : " incomplete")
     << (row.flagged ? " flagged" : "") << "}";
  return os.str();
}

std::string Describe(const TeamRow& row) {
  std::ostringstream os;
  os.precision(17);
  os << "{team " << row.team << " rank " << row.rank << " total " << row.total << " members "
     << row.members << "}";
  return os.str();
}

std::string Describe(const MedalRow& row) {
  std::ostringstream os;
  os << "{group " << row.group << " rank " << row.rank << " medals";
  for (const std::int32_t m : row.medals) os << " " << m;
  os << " awarded " << row.awarded << "}";
  return os.str();
}

// --- Comparing snapshots ----------------------------------------------------

// "" if the two snapshots publish the same values bit for bit (every row with
// ==, every event score, order, rank, team and tally), else the first
// difference and how many rows differ.
std::string Difference(const Standings& a, const Standings& b) {
  std::ostringstream out;
  out.precision(17);
  if (a.trades.size() != b.trades.size()) return "number of trades differs";
  for (size_t t = 0; t < a.trades.size(); ++t) {
    const TradeStandings& x = a.trades[t];
    const TradeStandings& y = b.trades[t];
    if (x.size() != y.size() || x.num_events != y.num_events || x.num_teams() != y.num_teams()) {
      return "trade " + std::to_string(t) + ": sizes differ";
    }
    int differing = 0;
    std::string first;
    for (int r = 0; r < x.size(); ++r) {
      bool same = x.row(r) == y.row(r);
      for (int e = 0; e < x.num_events; ++e)
        same = same && x.event_score(r, e) == y.event_score(r, e);
      if (same) continue;
      if (differing++ == 0) {
        std::ostringstream d;
        d.precision(17);
        d << "trade " << t << " row " << r << ": " << Describe(x.row(r)) << " vs "
          << Describe(y.row(r)) << "; events";
        for (int e = 0; e < x.num_events; ++e) {
          d << " " << x.event_score(r, e) << "/" << y.event_score(r, e);
        }
        first = d.str();
      }
    }
    if (differing > 0) {
      out << first << " (" << differing << " rows differ)";
      return out.str();
    }
    for (int p = 0; p < x.size(); ++p) {
      if (x.row_at(p) != y.row_at(p) || x.rank_at(p) != y.rank_at(p)) {
        out << "trade " << t << " position " << p << ": row " << x.row_at(p) << " rank "
            << x.rank_at(p) << " vs row " << y.row_at(p) << " rank " << y.rank_at(p);
        return out.str();
      }
    }
    for (int k = 0; k < x.num_teams(); ++k) {
      if (!(x.team(k) == y.team(k))) {
        return "trade " + std::to_string(t) + " team " + std::to_string(k) + ": " +
               Describe(x.team(k)) + " vs " + Describe(y.team(k));
      }
      if (x.team_at_position(k).team != y.team_at_position(k).team) {
        return "trade " + std::to_string(t) + " team position " + std::to_string(k) + " differs";
      }
    }
  }
  if (a.competition_teams.size() != b.competition_teams.size()) return "competition teams differ";
  for (size_t k = 0; k < a.competition_teams.size(); ++k) {
    if (!(a.competition_teams[k] == b.competition_teams[k])) {
      return "competition team position " + std::to_string(k) + ": " +
             Describe(a.competition_teams[k]) + " vs " + Describe(b.competition_teams[k]);
    }
  }
  if (a.medal_tally.size() != b.medal_tally.size()) return "medal tallies differ";
  for (size_t k = 0; k < a.medal_tally.size(); ++k) {
    if (!(a.medal_tally[k] == b.medal_tally[k])) {
      return "medal tally position " + std::to_string(k) + ": " + Describe(a.medal_tally[k]) +
             " vs " + Describe(b.medal_tally[k]);
    }
  }
  return "";
}

// --- One snapshot on its own -------------------------------------------------

std::int64_t Key(double published, int precision) {
  return std::llround(published * std::pow(10.0, precision));
}

// Checks that each trade's order is a permutation consistent with positions,
// and that ranks are standard competition ranks over the published keys
// (group, total, event tie-break keys). Keys the snapshot does not publish
// (item, time, penalties) may only separate entries with equal published keys.
void ExpectSnapshotConsistent(const Standings& s) {
  const Competition& c = *s.competition;
  const int precision = c.spec().precision;
  const bool last = c.spec().status_placement == StatusPlacement::kLast;
  for (size_t t = 0; t < s.trades.size(); ++t) {
    SCOPED_TRACE("trade " + std::to_string(t));
    const TradeStandings& trade = s.trades[t];
    const TradeIndex& index = c.trade(static_cast<int>(t));
    const int n = trade.size();
    ASSERT_EQ(n, static_cast<int>(index.contestants.size()));
    std::vector<char> seen(n, 0);
    bool all_keys_published = true;
    for (const ResolvedKey& key : index.tie_break) {
      all_keys_published = all_keys_published && key.kind == KeyKind::kEvent;
    }
    auto keys_of = [&](int r) {
      const StandingRow row = trade.row(r);
      std::vector<std::int64_t> keys;
      if (row.status == ContestantStatus::kPresent) {
        keys.push_back(2 + row.stage);
      } else {
        keys.push_back(last ? 1 : 0);
      }
      keys.push_back(Key(row.total, precision));
      for (const ResolvedKey& key : index.tie_break) {
        if (key.kind != KeyKind::kEvent) break;
        const std::int64_t k = Key(trade.event_score(r, key.index), precision);
        keys.push_back(key.order == Order::kHigher ? k : -k);
      }
      return keys;
    };
    std::vector<std::int64_t> previous;
    for (int p = 0; p < n; ++p) {
      const int r = trade.row_at(p);
      ASSERT_GE(r, 0);
      ASSERT_LT(r, n);
      ASSERT_FALSE(seen[r]) << "row " << r << " appears twice in the order";
      seen[r] = 1;
      ASSERT_EQ(trade.position_of(r), p);
      const StandingRow row = trade.row(r);
      ASSERT_EQ(row.rank, trade.rank_at(p));
      ASSERT_EQ(row.contestant, index.contestants[r]);
      const std::vector<std::int64_t> keys = keys_of(r);
      if (keys[0] == 0) {
        ASSERT_EQ(row.rank, 0) << "position " << p << " " << Describe(row);
      } else {
        ASSERT_GT(row.rank, 0) << "position " << p << " " << Describe(row);
      }
      if (p > 0) {
        ASSERT_GE(previous, keys) << "position " << p << " is ordered before a better entry";
        if (keys[0] != 0) {
          const int previous_rank = trade.rank_at(p - 1);
          if (previous != keys) {
            ASSERT_EQ(row.rank, p + 1) << "position " << p << " " << Describe(row);
          } else if (all_keys_published) {
            ASSERT_EQ(row.rank, previous_rank) << "position " << p << " " << Describe(row);
          } else {
            ASSERT_TRUE(row.rank == previous_rank || row.rank == p + 1)
                << "position " << p << " " << Describe(row);
          }
        }
      } else if (keys[0] != 0) {
        ASSERT_EQ(row.rank, 1);
      }
      previous = keys;
    }
    // Teams: a permutation, ranks non-decreasing and 1-based in order.
    std::vector<char> team_seen(trade.num_teams(), 0);
    for (int p = 0; p < trade.num_teams(); ++p) {
      const TeamRow team = trade.team_at_position(p);
      ASSERT_FALSE(team_seen[team.team]);
      team_seen[team.team] = 1;
      if (team.rank == 0) continue;
      ASSERT_TRUE(team.rank == p + 1 || (p > 0 && team.rank == trade.team_at_position(p - 1).rank))
          << "team position " << p << " " << Describe(team);
      if (p > 0 && trade.team_at_position(p - 1).rank > 0) {
        ASSERT_GE(Key(trade.team_at_position(p - 1).total, precision), Key(team.total, precision))
            << "team position " << p;
      }
    }
  }
}

// --- Deltas ------------------------------------------------------------------

// What a client knows of a snapshot, updated only from deltas: rows and teams
// (rank apart) from the delta's rows, order and ranks re-read from the new
// snapshot at the delta's positions only.
struct Mirror {
  struct Trade {
    std::vector<StandingRow> rows;  // rank zeroed: ranks live by position
    std::vector<double> events;
    std::vector<int> order, rank_at;
    std::vector<TeamRow> teams;  // rank zeroed
    std::vector<int> team_order, team_rank_at;
    bool operator==(const Trade&) const = default;
  };
  std::uint64_t version = 0;
  std::vector<Trade> trades;
  std::vector<TeamRow> competition_teams;
  std::vector<MedalRow> medal_tally;
  std::vector<char> in_last_delta;  // per trade: did the last delta have an entry for it?

  static Mirror Of(const Standings& s) {
    Mirror m;
    m.version = s.version;
    for (const TradeStandings& t : s.trades) {
      Trade x;
      for (int r = 0; r < t.size(); ++r) {
        StandingRow row = t.row(r);
        row.rank = 0;
        x.rows.push_back(row);
        for (int e = 0; e < t.num_events; ++e) x.events.push_back(t.event_score(r, e));
        x.order.push_back(t.row_at(r));
        x.rank_at.push_back(t.rank_at(r));
      }
      for (int k = 0; k < t.num_teams(); ++k) {
        TeamRow team = t.team(k);
        team.rank = 0;
        x.teams.push_back(team);
        x.team_order.push_back(t.team_at_position(k).team);
        x.team_rank_at.push_back(t.team_at_position(k).rank);
      }
      m.trades.push_back(std::move(x));
    }
    m.competition_teams = s.competition_teams;
    m.medal_tally = s.medal_tally;
    m.in_last_delta.assign(s.trades.size(), 0);
    return m;
  }

  void Apply(const StandingsDelta& delta, const Standings& now) {
    EXPECT_EQ(delta.from_version, version);
    EXPECT_EQ(delta.to_version, now.version);
    version = delta.to_version;
    const Competition& c = *now.competition;
    std::fill(in_last_delta.begin(), in_last_delta.end(), 0);
    for (const TradeDelta& d : delta.trades) {
      in_last_delta[d.trade] = 1;
      Trade& x = trades[d.trade];
      const TradeStandings& t = now.trades[d.trade];
      ASSERT_EQ(d.event_scores.size(), d.rows.size() * d.num_events);
      for (size_t i = 0; i < d.rows.size(); ++i) {
        const int r = c.row_of(d.rows[i].contestant);
        EXPECT_EQ(d.rows[i].rank, t.row(r).rank) << "delta row with a stale rank";
        StandingRow row = d.rows[i];
        row.rank = 0;
        x.rows[r] = row;
        for (int e = 0; e < d.num_events; ++e) {
          x.events[static_cast<size_t>(r) * d.num_events + e] =
              d.event_scores[i * d.num_events + e];
        }
      }
      for (const PositionSpan& span : d.positions) {
        for (int p = span.first; p <= span.last; ++p) {
          x.order[p] = t.row_at(p);
          x.rank_at[p] = t.rank_at(p);
        }
      }
      for (const TeamRow& team : d.teams) {
        EXPECT_EQ(team.rank, t.team(team.team).rank) << "delta team with a stale rank";
        TeamRow copy = team;
        copy.rank = 0;
        x.teams[team.team] = copy;
      }
      for (const PositionSpan& span : d.team_positions) {
        for (int p = span.first; p <= span.last; ++p) {
          x.team_order[p] = t.team_at_position(p).team;
          x.team_rank_at[p] = t.team_at_position(p).rank;
        }
      }
    }
    if (delta.competition_teams_changed) competition_teams = now.competition_teams;
    if (delta.medal_tally_changed) medal_tally = now.medal_tally;
  }
};

// "" if `mirror` equals what `now` publishes, else the first difference.
std::string MirrorDifference(const Mirror& mirror, const Standings& now) {
  const Mirror truth = Mirror::Of(now);
  for (size_t t = 0; t < truth.trades.size(); ++t) {
    const Mirror::Trade& x = mirror.trades[t];
    const Mirror::Trade& y = truth.trades[t];
    for (size_t r = 0; r < y.rows.size(); ++r) {
      if (!(x.rows[r] == y.rows[r])) {
        return "trade " + std::to_string(t) + " row " + std::to_string(r) +
               " not in the delta: " + Describe(x.rows[r]) + " published as " + Describe(y.rows[r]);
      }
    }
    if (x.events != y.events) return "trade " + std::to_string(t) + ": event scores missing";
    for (size_t p = 0; p < y.order.size(); ++p) {
      if (x.order[p] != y.order[p] || x.rank_at[p] != y.rank_at[p]) {
        return "trade " + std::to_string(t) + " position " + std::to_string(p) +
               " changed outside the delta's positions" +
               (mirror.in_last_delta[t] ? "" : " (the delta has no entry for the trade)");
      }
    }
    for (size_t k = 0; k < y.teams.size(); ++k) {
      if (!(x.teams[k] == y.teams[k])) {
        return "trade " + std::to_string(t) + " team " + std::to_string(k) +
               " not in the delta: " + Describe(x.teams[k]) + " published as " +
               Describe(y.teams[k]);
      }
    }
    if (x.team_order != y.team_order || x.team_rank_at != y.team_rank_at) {
      return "trade " + std::to_string(t) + ": team positions changed outside the delta";
    }
  }
  if (mirror.competition_teams != truth.competition_teams) {
    return "competition teams changed without competition_teams_changed";
  }
  if (mirror.medal_tally != truth.medal_tally)
    return "medal tally changed without medal_tally_changed";
  return "";
}

// --- Workloads -----------------------------------------------------------------

struct Workload {
  std::shared_ptr<const Competition> competition;
  std::vector<MarkEvent> marks;  // one per cell, in generation order
};

std::shared_ptr<const Competition> Create(CompetitionSpec spec, Roster roster) {
  std::vector<Problem> problems;
  StatusOr<std::shared_ptr<const Competition>> c =
      Competition::Create(std::move(spec), std::move(roster), &problems);
  for (const Problem& p : problems) ADD_FAILURE() << p.ToString();
  return c.ok() ? *c : nullptr;
}

// Does seat `seat` of item `item` mark contestant `c`?
bool Covers(const Competition& competition, int item, int seat, int c) {
  const std::string& bib = competition.contestant(c).bib;
  for (const PanelSeat::BibRange& range : competition.item(item).panel[seat].bibs) {
    if (range.from.empty() || (bib >= range.from && bib <= range.to)) return true;
  }
  return false;
}

double MaxMark(const ItemSpec& item) {
  return item.marking == Marking::kJudgement && item.rule == PanelRule::kJudgement03 ? 3 : item.max;
}
double StepOf(const ItemSpec& item) {
  return item.marking == Marking::kJudgement && item.rule == PanelRule::kJudgement03 ? 1
                                                                                     : item.step;
}

// A random valid mark value for `item`, centred at 65% of max.
double RandomValue(const ItemSpec& item, std::mt19937_64& rng) {
  const double max = MaxMark(item), step = StepOf(item);
  std::normal_distribution<double> normal(0.65 * max, 0.2 * max);
  const double steps = std::clamp(std::round(normal(rng) / step), 0.0, std::round(max / step));
  return steps * step;
}

// Marks for every cell of any competition (a `fill` share of them); measurement
// items get one mark with a time used.
std::vector<MarkEvent> RandomMarks(const Competition& c, double fill, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<MarkEvent> marks;
  for (int contestant = 0; contestant < c.num_contestants(); ++contestant) {
    for (const int item : c.trade(c.trade_of(contestant)).items) {
      const ItemIndex& index = c.item(item);
      const bool measurement = index.spec->marking == Marking::kMeasurement;
      for (int seat = 0; seat < static_cast<int>(index.panel.size()); ++seat) {
        if (!Covers(c, item, seat, contestant)) continue;
        if (uniform(rng) < fill) {
          MarkEvent mark{.contestant = contestant,
                         .item = item,
                         .judge = index.panel[seat].judge,
                         .value = RandomValue(*index.spec, rng)};
          if (measurement) mark.time_used = std::round(30 + 570 * uniform(rng));
          marks.push_back(mark);
        }
        if (measurement) break;  // one cell
      }
    }
  }
  return marks;
}

// A random stream of valid events over a competition whose state it tracks:
// new marks and overwrites, corrections, voids, penalties and revocations,
// status changes, marks with a time used.
class EventStream {
 public:
  EventStream(const Competition& c, std::uint64_t seed) : c_(c), rng_(seed) {
    for (int g = 0; g < c.num_items(); ++g) {
      if (!c.item(g).spec->penalties.empty()) penalty_items_.push_back(g);
    }
  }

  // Records an applied mark (a cell now holds a mark).
  void NoteMark(const MarkEvent& mark) {
    const int column = Column(mark.item, mark.judge);
    const std::int64_t key = CellKey(mark.contestant, mark.item, column);
    value_[key] = mark.value;
    if (cell_index_.count(key) == 0) {
      cell_index_[key] = cells_.size();
      cells_.push_back({mark.contestant, mark.item, column, mark.judge});
    }
  }

  Event Next() {
    const int kind = Pick(100);
    if (kind < 10 && !cells_.empty()) {  // correction
      const Cell cell = cells_[Pick(static_cast<int>(cells_.size()))];
      const MarkEvent mark = MarkFor(cell.contestant, cell.item, cell.judge);
      value_[CellKey(cell.contestant, cell.item, cell.column)] = mark.value;
      return CorrectionEvent{.mark = mark, .reason = "复核更正"};
    }
    if (kind < 15 && !cells_.empty()) {  // a correction to 0 or max (often trimmed away)
      const Cell cell = cells_[Pick(static_cast<int>(cells_.size()))];
      MarkEvent mark = MarkFor(cell.contestant, cell.item, cell.judge);
      mark.value = Pick(2) == 0 ? 0 : MaxMark(*c_.item(cell.item).spec);
      value_[CellKey(cell.contestant, cell.item, cell.column)] = mark.value;
      return CorrectionEvent{.mark = mark, .reason = "复核更正"};
    }
    if (kind < 21 && !cells_.empty()) {  // void
      const size_t i = static_cast<size_t>(Pick(static_cast<int>(cells_.size())));
      const Cell cell = cells_[i];
      cell_index_.erase(CellKey(cell.contestant, cell.item, cell.column));
      if (i + 1 != cells_.size()) {
        cells_[i] = cells_.back();
        cell_index_[CellKey(cells_[i].contestant, cells_[i].item, cells_[i].column)] = i;
      }
      cells_.pop_back();
      return VoidMarkEvent{.contestant = cell.contestant,
                           .item = cell.item,
                           .judge = cell.judge,
                           .reason = "录入错误"};
    }
    if (kind < 29 && !penalty_items_.empty()) {  // penalty or revocation
      const int item = penalty_items_[Pick(static_cast<int>(penalty_items_.size()))];
      const TradeIndex& trade = c_.trade(c_.item(item).trade);
      const int contestant = trade.contestants[Pick(static_cast<int>(trade.contestants.size()))];
      const int penalty = Pick(static_cast<int>(c_.item(item).spec->penalties.size()));
      int& count = penalties_[CellKey(contestant, item, penalty)];
      const int delta = count > 0 && Pick(3) == 0 ? -std::min(count, 1 + Pick(2)) : 1 + Pick(2);
      count += delta;
      return PenaltyEvent{.contestant = contestant,
                          .item = item,
                          .penalty = penalty,
                          .judge = JudgeCovering(item, contestant),
                          .count = delta};
    }
    if (kind < 40 && !cells_.empty()) {  // the same mark again, with a new time used
      const Cell cell = cells_[Pick(static_cast<int>(cells_.size()))];
      return MarkEvent{.contestant = cell.contestant,
                       .item = cell.item,
                       .judge = cell.judge,
                       .value = value_[CellKey(cell.contestant, cell.item, cell.column)],
                       .time_used = 30 + Pick(600)};
    }
    if (kind < 46) {  // status
      static constexpr ContestantStatus kStatuses[] = {
          ContestantStatus::kPresent, ContestantStatus::kPresent, ContestantStatus::kAbsent,
          ContestantStatus::kWithdrawn, ContestantStatus::kDisqualified};
      return StatusEvent{.contestant = Pick(c_.num_contestants()), .status = kStatuses[Pick(5)]};
    }
    // A new mark or an overwrite.
    const int contestant = Pick(c_.num_contestants());
    const std::vector<int>& items = c_.trade(c_.trade_of(contestant)).items;
    const int item = items[Pick(static_cast<int>(items.size()))];
    MarkEvent mark = MarkFor(contestant, item, JudgeCovering(item, contestant));
    if (kind >= 95) mark.time_used = 30 + Pick(600);
    NoteMark(mark);
    return mark;
  }

 private:
  struct Cell {
    int contestant, item, column, judge;
  };

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  static std::int64_t CellKey(int contestant, int item, int column) {
    return (static_cast<std::int64_t>(contestant) << 32) | (item << 8) | column;
  }
  int Column(int item, int judge) const {
    if (c_.item(item).spec->marking == Marking::kMeasurement) return 0;
    const auto& panel = c_.item(item).panel;
    for (size_t s = 0; s < panel.size(); ++s) {
      if (panel[s].judge == judge) return static_cast<int>(s);
    }
    return 0;
  }
  int JudgeCovering(int item, int contestant) {
    std::vector<int> judges;
    const auto& panel = c_.item(item).panel;
    for (size_t s = 0; s < panel.size(); ++s) {
      if (Covers(c_, item, static_cast<int>(s), contestant)) judges.push_back(panel[s].judge);
    }
    return judges[Pick(static_cast<int>(judges.size()))];
  }
  MarkEvent MarkFor(int contestant, int item, int judge) {
    return MarkEvent{.contestant = contestant,
                     .item = item,
                     .judge = judge,
                     .value = RandomValue(*c_.item(item).spec, rng_)};
  }

  const Competition& c_;
  std::mt19937_64 rng_;
  std::vector<Cell> cells_;
  std::unordered_map<std::int64_t, size_t> cell_index_;
  std::unordered_map<std::int64_t, double> value_;  // each cell's current mark
  std::vector<int> penalty_items_;
  std::unordered_map<std::int64_t, int> penalties_;
};

// --- Scenarios -----------------------------------------------------------------

struct Scenario {
  std::string name;
  std::function<Workload(std::uint64_t seed)> make;
};

void PrintTo(const Scenario& scenario, std::ostream* os) { *os << scenario.name; }

// The synthetic competition (MakeSyntheticDefinition), optionally with
// penalties, time and penalty tie-breaks, and a status placement.
Scenario Synthetic(std::string name, SyntheticOptions options, bool extras,
                   StatusPlacement placement = StatusPlacement::kLast) {
  return {std::move(name), [=](std::uint64_t seed) {
            SyntheticOptions o = options;
            o.seed = seed;
            SyntheticDefinition def = MakeSyntheticDefinition(o);
            def.spec.status_placement = placement;
            if (extras) {
              for (TradeSpec& trade : def.spec.trades) {
                trade.events.back().items.front().penalties.push_back(
                    PenaltySpec{.id = "unsafe", .name = "违规", .points = 1.5});
                trade.ranking.tie_break.push_back({.ref = "time", .order = Order::kLower});
                trade.ranking.tie_break.push_back({.ref = "penalties", .order = Order::kLower});
              }
            }
            Workload w;
            w.competition = Create(std::move(def.spec), std::move(def.roster));
            if (w.competition) {
              GenerateSyntheticMarks(*w.competition, o,
                                     [&](const MarkEvent& m) { w.marks.push_back(m); });
            }
            return w;
          }};
}

ItemSpec Item(std::string id, Marking marking, double max, double step = 0.5) {
  ItemSpec item;
  item.id = id;
  item.name = id;
  item.max = max;
  item.step = step;
  item.marking = marking;
  return item;
}

ItemSpec Panel(std::string id, int size, PanelRule rule, double max,
               Normalization normalization = Normalization::kNone) {
  ItemSpec item = Item(std::move(id), Marking::kJudgement, max);
  item.panel_size = size;
  item.rule = rule;
  item.trim = 1;
  item.tolerance = max / 4;
  item.normalization = normalization;
  if (rule == PanelRule::kJudgement03) item.step = 1;
  return item;
}

EventSpec EventDef(std::string id, std::string stage, double weight, std::vector<ItemSpec> items) {
  EventSpec event;
  event.id = id;
  event.name = id;
  event.stage = std::move(stage);
  event.weight = weight;
  event.items = std::move(items);
  return event;
}

AwardTier Tier(std::string id, AwardBy by, double amount) {
  AwardTier tier{.id = id, .name = id, .by = by};
  if (by == AwardBy::kCount) tier.count = static_cast<int>(amount);
  if (by == AwardBy::kShare) tier.share = amount;
  if (by == AwardBy::kThreshold) tier.threshold = amount;
  return tier;
}

// Contestants C0001.. in teams of 4 and 12 organizations, every 17th absent;
// each item's panel judged by its own judges.
Roster HandRoster(const CompetitionSpec& spec, int contestants_per_trade) {
  Roster roster;
  int number = 0;
  for (const TradeSpec& trade : spec.trades) {
    for (int i = 0; i < contestants_per_trade; ++i, ++number) {
      char bib[16];
      std::snprintf(bib, sizeof bib, "C%04d", number + 1);
      Contestant who{.bib = bib, .name = std::string("选手") + bib, .trade = trade.id};
      who.team = trade.id + "-T" + std::to_string(i / 4);
      who.organization = "单位" + std::to_string(number % 12);
      if (number % 17 == 16) who.status = ContestantStatus::kAbsent;
      roster.contestants.push_back(std::move(who));
    }
    for (const EventSpec& event : trade.events) {
      for (const ItemSpec& item : event.items) {
        const int seats = item.marking == Marking::kJudgement ? item.panel_size : 1;
        for (int s = 0; s < seats; ++s) {
          Judge judge;
          judge.id = trade.id + "-" + event.id + "-" + item.id + "-" + std::to_string(s);
          judge.name = judge.id;
          judge.assignments.push_back({.trade = trade.id, .event = event.id, .item = item.id});
          roster.judges.push_back(std::move(judge));
        }
      }
    }
  }
  return roster;
}

// Three stages (advance a quarter, then a third of those), standardized
// events and stage totals, judge normalization, penalties, time, teams.
Scenario Staged(int contestants, double fill) {
  return {"Staged" + std::to_string(contestants), [=](std::uint64_t seed) {
            CompetitionSpec spec;
            spec.id = "staged";
            spec.name = "分阶段";
            TradeSpec trade;
            trade.id = "dance";
            trade.name = "舞蹈";
            trade.stages = {
                StageSpec{.id = "prelim", .name = "初赛", .advance = contestants / 4},
                StageSpec{.id = "semi", .name = "复赛", .advance = contestants / 12, .carry = 20},
                StageSpec{.id = "final", .name = "决赛", .carry = 40}};
            ItemSpec b = Panel("b", 3, PanelRule::kMean, 10);
            b.penalties.push_back({.id = "fall", .name = "摔倒", .points = 1.5});
            EventSpec skill =
                EventDef("skill", "prelim", 60,
                         {Panel("a", 3, PanelRule::kMedian, 20, Normalization::kJudgeZScore), b});
            skill.standardize = {.enabled = true, .centre = 50, .spread = 10};
            trade.events = {
                EventDef("theory", "prelim", 40, {Item("exam", Marking::kMeasurement, 100)}), skill,
                EventDef("routine", "semi", 80,
                         {Panel("c", 3, PanelRule::kTrimmed, 20, Normalization::kJudgeRobust)}),
                EventDef("show", "final", 60,
                         {Item("time", Marking::kMeasurement, 100),
                          Panel("e", 3, PanelRule::kJudgement03, 30)})};
            trade.total_standardize = {
                .enabled = true, .centre = 500, .spread = 100, .estimator = Estimator::kMad};
            trade.ranking.tie_break = {{.ref = "event:skill"},
                                       {.ref = "time", .order = Order::kLower},
                                       {.ref = "penalties", .order = Order::kLower}};
            trade.teams = {.enabled = true,
                           .rule = TeamRule::kBestK,
                           .k = 2,
                           .tie_break = {{.ref = "best-member"}, {.ref = "event:skill"}}};
            trade.awards = {Tier("gold", AwardBy::kCount, 2), Tier("silver", AwardBy::kShare, 5),
                            Tier("bronze", AwardBy::kThreshold, 450)};
            trade.awards[2].min_total = 300;
            spec.trades.push_back(std::move(trade));
            Roster roster = HandRoster(spec, contestants);
            Workload w;
            w.competition = Create(std::move(spec), std::move(roster));
            if (w.competition) w.marks = RandomMarks(*w.competition, fill, seed);
            return w;
          }};
}

// Two single-stage trades with event standardization, judge normalization,
// every panel rule, penalties, time, teams, cross-trade teams, a medal tally.
Scenario Standardized(int contestants_per_trade, double fill) {
  return {
      "Standardized" + std::to_string(contestants_per_trade), [=](std::uint64_t seed) {
        CompetitionSpec spec;
        spec.id = "standardized";
        spec.name = "标准化";
        spec.precision = 3;
        for (const char* id : {"weld", "lathe"}) {
          TradeSpec trade;
          trade.id = id;
          trade.name = id;
          trade.stages = {StageSpec{.id = "final", .name = "决赛"}};
          EventSpec theory = EventDef("theory", "", 30, {Item("exam", Marking::kMeasurement, 100)});
          theory.standardize = {.enabled = true, .centre = 70, .spread = 10};
          ItemSpec p1 = Panel("p1", 5, PanelRule::kTrimmed, 20, Normalization::kJudgeZScore);
          p1.penalties = {{.id = "unsafe", .name = "违规", .points = 2},
                          {.id = "late", .name = "超时", .points = 0.5}};
          EventSpec practical = EventDef(
              "practical", "", 70,
              {p1, Panel("p2", 4, PanelRule::kMedian, 10, Normalization::kJudgeRobust),
               Item("speed", Marking::kMeasurement, 50), Panel("p4", 2, PanelRule::kMean, 10)});
          practical.items[2].weight = 0.5;
          trade.events = {theory, practical};
          trade.ranking.tie_break = {{.ref = "event:practical"},
                                     {.ref = "item:practical.p1"},
                                     {.ref = "time", .order = Order::kLower},
                                     {.ref = "penalties", .order = Order::kLower}};
          trade.teams = {
              .enabled = true, .rule = TeamRule::kMean, .tie_break = {{.ref = "best-member"}}};
          trade.awards = {Tier("first", AwardBy::kCount, 3), Tier("second", AwardBy::kCount, 9),
                          Tier("third", AwardBy::kShare, 40)};
          trade.awards[1].min_total = 40;
          spec.trades.push_back(std::move(trade));
        }
        spec.teams = {.enabled = true,
                      .group_by = "organization",
                      .rule = TeamRule::kBestK,
                      .k = 3,
                      .tie_break = {{.ref = "best-member"}}};
        spec.medal_tally = {
            .enabled = true, .group_by = "organization", .medals = {"first", "second", "third"}};
        Roster roster = HandRoster(spec, contestants_per_trade);
        Workload w;
        w.competition = Create(std::move(spec), std::move(roster));
        if (w.competition) w.marks = RandomMarks(*w.competition, fill, seed);
        return w;
      }};
}

// Many small trades (where any change re-derives the whole trade) with median
// and trimmed panels, whose score often stays put while their spread and
// completeness change; awards by count and share; teams and a medal tally.
// With `normalization` on the panels, the first tie-break is a normalized
// item's score, which rows may carry lagging (TradeScores' slack).
Scenario SmallPanels(int trades, int per_trade, double fill,
                     Normalization normalization = Normalization::kNone) {
  return {"SmallPanels" + std::to_string(trades) + "x" + std::to_string(per_trade) +
              (normalization == Normalization::kNone ? "" : "Normalized"),
          [=](std::uint64_t seed) {
            CompetitionSpec spec;
            spec.id = "small";
            spec.name = "小工种";
            for (int t = 0; t < trades; ++t) {
              TradeSpec trade;
              trade.id = "s" + std::to_string(t);
              trade.name = trade.id;
              trade.stages = {StageSpec{.id = "final", .name = "决赛"}};
              ItemSpec m = Panel("m", 3, PanelRule::kMedian, 10, normalization);
              m.tolerance = 4;
              ItemSpec n = Panel("n", 4, PanelRule::kTrimmed, 10, normalization);
              n.tolerance = 4;
              n.penalties = {{.id = "late", .name = "超时", .points = 0.5}};
              ItemSpec k = Item("k", Marking::kMeasurement, 20);
              k.weight = 0.5;
              trade.events = {EventDef("main", "", 100, {m, n, k})};
              trade.ranking.tie_break = {{.ref = "item:main.m"},
                                         {.ref = "time", .order = Order::kLower}};
              trade.teams = {
                  .enabled = true, .rule = TeamRule::kSum, .tie_break = {{.ref = "best-member"}}};
              trade.awards = {Tier("first", AwardBy::kCount, 2), Tier("second", AwardBy::kCount, 4),
                              Tier("third", AwardBy::kShare, 50)};
              spec.trades.push_back(std::move(trade));
            }
            spec.teams = {.enabled = true, .group_by = "organization", .rule = TeamRule::kSum};
            spec.medal_tally = {.enabled = true,
                                .group_by = "organization",
                                .medals = {"first", "second", "third"}};
            Roster roster = HandRoster(spec, per_trade);
            Workload w;
            w.competition = Create(std::move(spec), std::move(roster));
            if (w.competition) w.marks = RandomMarks(*w.competition, fill, seed);
            return w;
          }};
}

SyntheticOptions Options(int contestants, int trades, Normalization normalization, double fill) {
  SyntheticOptions o;
  o.contestants = contestants;
  o.trades = trades;
  o.items = 5;
  o.judges = 5;
  o.team_size = 5;
  o.normalization = normalization;
  o.fill = fill;
  return o;
}

std::vector<Scenario> Scenarios() {
  return {
      Synthetic("Synthetic2000Plain", Options(2000, 1, Normalization::kNone, 0.85), false),
      Synthetic("Synthetic1500ZScoreTwoTrades", Options(1500, 2, Normalization::kJudgeZScore, 0.8),
                false),
      Synthetic("Synthetic600ZScoreComplete", Options(600, 1, Normalization::kJudgeZScore, 1.0),
                false),
      Synthetic("Synthetic1200PlainExtrasExcluded", Options(1200, 3, Normalization::kNone, 0.7),
                true, StatusPlacement::kExcluded),
      Synthetic("Synthetic400RobustExtras", Options(400, 1, Normalization::kJudgeRobust, 0.9),
                true),
      Staged(240, 0.9),
      Standardized(300, 0.85),
      SmallPanels(12, 20, 0.8),
      SmallPanels(2, 160, 0.8, Normalization::kJudgeZScore),
  };
}

class ScoringPropertyTest : public ::testing::TestWithParam<Scenario> {
 protected:
  // A fixed seed per scenario, printed so that a failure can be replayed.
  std::uint64_t Seed() const {
    std::uint64_t seed = 20261122;
    for (const char ch : GetParam().name) seed = seed * 131 + static_cast<unsigned char>(ch);
    std::printf("[ SEED     ] %s: %llu\n", GetParam().name.c_str(),
                static_cast<unsigned long long>(seed));
    return seed;
  }
};

// Applies `events` in order; every event must be accepted.
void ApplyAll(ScoringEngine& engine, const std::vector<Event>& events) {
  for (const Event& e : events) {
    const Status status = engine.Apply(e);
    ASSERT_THAT(status, IsOk());
  }
}

std::vector<Event> AsEvents(const std::vector<MarkEvent>& marks) {
  return std::vector<Event>(marks.begin(), marks.end());
}

// Where two explanations' numbers differ (exactly; both come from the same
// marks), or "".
std::string ExplanationDifference(const Explanation& a, const Explanation& b) {
  std::ostringstream out;
  out.precision(17);
  if (a.events.size() != b.events.size() || a.stages.size() != b.stages.size()) {
    return "different shapes";
  }
  for (std::size_t e = 0; e < a.events.size(); ++e) {
    if (a.events[e].score != b.events[e].score || a.events[e].raw_score != b.events[e].raw_score) {
      out << "event " << e << ": " << a.events[e].score << " vs " << b.events[e].score << "; ";
    }
    for (std::size_t i = 0; i < a.events[e].items.size() && i < b.events[e].items.size(); ++i) {
      if (a.events[e].items[i].score != b.events[e].items[i].score) {
        out << "event " << e << " item " << i << ": " << a.events[e].items[i].score << " vs "
            << b.events[e].items[i].score << "; ";
      }
    }
  }
  for (std::size_t s = 0; s < a.stages.size(); ++s) {
    if (a.stages[s].total != b.stages[s].total) {
      out << "stage " << s << ": " << a.stages[s].total << " vs " << b.stages[s].total << "; ";
    }
  }
  return out.str();
}

TEST_P(ScoringPropertyTest, ShuffledIndependentMarksGiveBitIdenticalStandings) {
  const std::uint64_t seed = Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Workload w = GetParam().make(seed);
  ASSERT_NE(w.competition, nullptr);
  ASSERT_GT(w.marks.size(), 1000u);

  ScoringEngine in_order(w.competition);
  ApplyAll(in_order, AsEvents(w.marks));
  const std::shared_ptr<const Standings> reference = in_order.Recompute().standings;
  ExpectSnapshotConsistent(*reference);

  for (std::uint64_t shuffle = 1; shuffle <= 2; ++shuffle) {
    SCOPED_TRACE("shuffle seed " + std::to_string(seed + shuffle));
    std::vector<MarkEvent> shuffled = w.marks;
    std::mt19937_64 rng(seed + shuffle);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    ScoringEngine engine(w.competition);
    if (shuffle == 1) {
      ApplyAll(engine, AsEvents(shuffled));
      engine.Recompute();
    } else {
      // Published as the marks arrive, in uneven batches.
      size_t i = 0;
      for (size_t batch = 1; i < shuffled.size(); batch = batch * 3 + 7) {
        const size_t end = std::min(shuffled.size(), i + batch);
        for (; i < end; ++i) ASSERT_THAT(engine.Apply(shuffled[i]), IsOk());
        engine.Recompute();
      }
    }
    EXPECT_EQ(Difference(*engine.standings(), *reference), "");
  }
}

TEST_P(ScoringPropertyTest, ReplayIntoAFreshEngineIsBitIdentical) {
  const std::uint64_t seed = Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Workload w = GetParam().make(seed);
  ASSERT_NE(w.competition, nullptr);
  // The marks, then a mixed stream of corrections, voids, penalties, statuses.
  std::vector<Event> events = AsEvents(w.marks);
  EventStream stream(*w.competition, seed ^ 0x5eed);
  for (const MarkEvent& m : w.marks) stream.NoteMark(m);
  for (int i = 0; i < 1500; ++i) events.push_back(stream.Next());

  // Live: published every 97 events.
  ScoringEngine live(w.competition);
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_THAT(live.Apply(events[i]), IsOk()) << "event " << i;
    if (i % 97 == 96) live.Recompute();
  }
  live.Recompute();
  // Replayed twice from the log, published once.
  for (int replay = 0; replay < 2; ++replay) {
    ScoringEngine fresh(w.competition);
    ApplyAll(fresh, events);
    fresh.Recompute();
    EXPECT_EQ(fresh.standings()->version, live.standings()->version);
    EXPECT_EQ(Difference(*fresh.standings(), *live.standings()), "") << "replay " << replay;
  }
}

TEST_P(ScoringPropertyTest, IncrementalRecomputeEqualsFullInBatches) {
  const std::uint64_t seed = Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Workload w = GetParam().make(seed);
  ASSERT_NE(w.competition, nullptr);
  std::vector<MarkEvent> marks = w.marks;
  std::mt19937_64 rng(seed + 7);
  std::shuffle(marks.begin(), marks.end(), rng);
  // Most marks first, then small batches of the rest mixed with other events.
  const size_t head = marks.size() * 9 / 10;
  EventStream stream(*w.competition, seed + 11);
  std::vector<std::vector<Event>> batches;
  batches.push_back(std::vector<Event>(marks.begin(), marks.begin() + head));
  for (size_t i = 0; i < head; ++i) stream.NoteMark(marks[i]);
  std::uniform_int_distribution<int> batch_size(1, 12);
  for (size_t i = head; i < marks.size();) {
    std::vector<Event> batch;
    const size_t end = std::min(marks.size(), i + batch_size(rng));
    for (; i < end; ++i) {
      batch.push_back(marks[i]);
      stream.NoteMark(marks[i]);
    }
    if (batches.size() % 3 == 0) batch.push_back(stream.Next());
    batches.push_back(std::move(batch));
    if (batches.size() > 120) break;  // keep the run short
  }

  ScoringEngine incremental(w.competition);
  ScoringEngine full(w.competition);
  Mirror mirror;
  int mismatches = 0;
  for (size_t b = 0; b < batches.size() && mismatches < 3 && !HasFatalFailure(); ++b) {
    SCOPED_TRACE("batch " + std::to_string(b) + " of " + std::to_string(batches.size()));
    ApplyAll(incremental, batches[b]);
    ApplyAll(full, batches[b]);
    const ScoringEngine::Update update = incremental.Recompute();
    full.RecomputeAll();
    const std::string difference = Difference(*update.standings, *full.standings());
    EXPECT_EQ(difference, "");
    mismatches += !difference.empty();
    ExpectSnapshotConsistent(*update.standings);
    if (b == 0) {
      mirror = Mirror::Of(*update.standings);
    } else {
      mirror.Apply(update.delta, *update.standings);
      const std::string missing = MirrorDifference(mirror, *update.standings);
      EXPECT_EQ(missing, "");
      mismatches += !missing.empty();
      if (!missing.empty()) mirror = Mirror::Of(*update.standings);
    }
  }
}

TEST_P(ScoringPropertyTest, IncrementalRecomputeEqualsFullOneEventAtATime) {
  const std::uint64_t seed = Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Workload w = GetParam().make(seed);
  ASSERT_NE(w.competition, nullptr);
  ScoringEngine incremental(w.competition);
  ScoringEngine full(w.competition);
  EventStream stream(*w.competition, seed + 13);
  const std::vector<Event> marks = AsEvents(w.marks);
  ApplyAll(incremental, marks);
  ApplyAll(full, marks);
  for (const MarkEvent& m : w.marks) stream.NoteMark(m);
  std::shared_ptr<const Standings> previous = incremental.Recompute().standings;
  Mirror mirror = Mirror::Of(*previous);

  // Small competitions get more steps: each is cheap.
  const bool small = w.competition->num_contestants() <= 1000;
  const int steps = small ? 1200 : 240;
  int mismatches = 0;
  for (int step = 1; step <= steps && mismatches < 3 && !HasFatalFailure(); ++step) {
    const Event event = stream.Next();
    SCOPED_TRACE("step " + std::to_string(step) + " event kind " + std::to_string(event.index()));
    ASSERT_THAT(incremental.Apply(event), IsOk());
    ASSERT_THAT(full.Apply(event), IsOk());
    const ScoringEngine::Update update = incremental.Recompute();
    ExpectSnapshotConsistent(*update.standings);
    mirror.Apply(update.delta, *update.standings);
    const std::string missing = MirrorDifference(mirror, *update.standings);
    EXPECT_EQ(missing, "");
    mismatches += !missing.empty();
    if (!missing.empty()) mirror = Mirror::Of(*update.standings);
    // The previous snapshot is untouched by the new one.
    EXPECT_EQ(previous->version + 1, update.standings->version);
    // Small competitions are checked against a full recompute at every step.
    if (step % 24 == 0 || step == 1 || small) {
      full.RecomputeAll();
      const std::string difference = Difference(*update.standings, *full.standings());
      EXPECT_EQ(difference, "");
      mismatches += !difference.empty();
      // Unpublished values too, as an explanation shows them: bit for bit.
      const int contestant = step * 7919 % w.competition->num_contestants();
      const std::string explained =
          ExplanationDifference(incremental.Explain(contestant), full.Explain(contestant));
      EXPECT_EQ(explained, "") << "contestant " << contestant;
      mismatches += !explained.empty();
    }
    previous = update.standings;
  }
}

// Older snapshots never change while the engine moves on.
TEST_P(ScoringPropertyTest, PublishedSnapshotsAreImmutable) {
  const std::uint64_t seed = Seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  const Workload w = GetParam().make(seed);
  ASSERT_NE(w.competition, nullptr);
  ScoringEngine engine(w.competition);
  ApplyAll(engine, AsEvents(w.marks));
  const std::shared_ptr<const Standings> old = engine.Recompute().standings;
  // A deep copy, made by a second engine with the same events.
  ScoringEngine copy(w.competition);
  ApplyAll(copy, AsEvents(w.marks));
  copy.Recompute();
  EventStream stream(*w.competition, seed + 17);
  for (const MarkEvent& m : w.marks) stream.NoteMark(m);
  for (int i = 0; i < 200; ++i) {
    ASSERT_THAT(engine.Apply(stream.Next()), IsOk());
    if (i % 10 == 9) engine.Recompute();
  }
  EXPECT_NE(engine.standings(), old);
  EXPECT_EQ(Difference(*old, *copy.standings()), "");
}

// Several contestants overtake many others in one recompute, pushing rows
// across award cutoffs by more than one rank: the incremental recompute must
// still give every row the award a full recompute gives it.
TEST(ScoringPropertiesTest, IncrementalEqualsFullWhenSeveralRowsCrossAwardCutoffsAtOnce) {
  const std::uint64_t seed = 77017;
  std::printf("[ SEED     ] bursts: %llu\n", static_cast<unsigned long long>(seed));
  SCOPED_TRACE("seed " + std::to_string(seed));
  CompetitionSpec spec;
  spec.id = "bursts";
  spec.name = "突变";
  TradeSpec trade;
  trade.id = "t";
  trade.name = "t";
  trade.stages = {StageSpec{.id = "final", .name = "决赛"}};
  trade.events = {EventDef("main", "", 100, {Item("score", Marking::kMeasurement, 100)})};
  trade.awards = {Tier("first", AwardBy::kCount, 20), Tier("second", AwardBy::kCount, 40),
                  Tier("third", AwardBy::kShare, 15)};
  spec.trades.push_back(std::move(trade));
  spec.medal_tally = {
      .enabled = true, .group_by = "organization", .medals = {"first", "second", "third"}};
  Roster roster = HandRoster(spec, 1000);
  const std::shared_ptr<const Competition> competition = Create(spec, roster);
  ASSERT_NE(competition, nullptr);
  const int marker = competition->item(0).panel[0].judge;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> middle(60, 160), high(170, 200), who(0, 999), burst(2, 6);
  ScoringEngine incremental(competition);
  ScoringEngine full(competition);
  for (int c = 0; c < 1000; ++c) {
    const MarkEvent mark{.contestant = c, .item = 0, .judge = marker, .value = middle(rng) * 0.5};
    ASSERT_THAT(incremental.Apply(mark), IsOk());
    ASSERT_THAT(full.Apply(mark), IsOk());
  }
  Mirror mirror = Mirror::Of(*incremental.Recompute().standings);
  int mismatches = 0;
  for (int round = 0; round < 60 && mismatches < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    const int n = burst(rng);
    for (int i = 0; i < n; ++i) {
      // Up to the top, or back to the middle.
      const CorrectionEvent correction{
          .mark = {.contestant = who(rng),
                   .item = 0,
                   .judge = marker,
                   .value = (i % 3 == 2 ? middle(rng) : high(rng)) * 0.5},
          .reason = "复核"};
      ASSERT_THAT(incremental.Apply(correction), IsOk());
      ASSERT_THAT(full.Apply(correction), IsOk());
    }
    const ScoringEngine::Update update = incremental.Recompute();
    full.RecomputeAll();
    const std::string difference = Difference(*update.standings, *full.standings());
    EXPECT_EQ(difference, "");
    mismatches += !difference.empty();
    ExpectSnapshotConsistent(*update.standings);
    mirror.Apply(update.delta, *update.standings);
    const std::string missing = MirrorDifference(mirror, *update.standings);
    EXPECT_EQ(missing, "");
    if (!missing.empty()) mirror = Mirror::Of(*update.standings);
  }
}

INSTANTIATE_TEST_SUITE_P(Workloads, ScoringPropertyTest, ::testing::ValuesIn(Scenarios()),
                         [](const ::testing::TestParamInfo<Scenario>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace podium::engine
