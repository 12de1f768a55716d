#include "podium/engine/scoring_engine.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/competition.h"
#include "podium/engine/events.h"
#include "podium/engine/explain.h"
#include "podium/engine/model.h"
#include "podium/engine/standings.h"
#include "podium/status.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {

// Readable failure messages for published rows (found by ADL).
void PrintTo(const StandingRow& row, std::ostream* os) {
  *os << "{contestant " << row.contestant << " rank " << row.rank << " total " << row.total
      << " award " << row.award << " status " << ContestantStatusName(row.status) << " stage "
      << static_cast<int>(row.stage) << (row.complete ? " complete" : " incomplete")
      << (row.flagged ? " flagged" : "") << "}";
}
void PrintTo(const TeamRow& row, std::ostream* os) {
  *os << "{team " << row.team << " rank " << row.rank << " total " << row.total << " members "
      << row.members << "}";
}

namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Hand-computed scores are compared with this tolerance.
constexpr double kTolerance = 1e-9;

// A score as published with `precision` decimals.
double Rounded(double score, int precision = 2) {
  const double scale = std::pow(10.0, precision);
  return std::round(score * scale) / scale;
}

// --- Rules ------------------------------------------------------------------

ItemSpec Measurement(std::string id, double max = 100, double step = 0.5, double weight = 1) {
  ItemSpec item;
  item.id = id;
  item.name = id;
  item.max = max;
  item.step = step;
  item.weight = weight;
  item.marking = Marking::kMeasurement;
  return item;
}

ItemSpec Judged(std::string id, int panel_size, PanelRule rule = PanelRule::kMean,
                double max = 10) {
  ItemSpec item;
  item.id = id;
  item.name = id;
  item.max = max;
  item.step = 0.5;
  item.marking = Marking::kJudgement;
  item.rule = rule;
  item.panel_size = panel_size;
  return item;
}

ItemSpec WithPenalty(ItemSpec item, std::string id, double points) {
  PenaltySpec penalty;
  penalty.id = id;
  penalty.name = id;
  penalty.points = points;
  item.penalties.push_back(penalty);
  return item;
}

EventSpec EventDef(std::string id, double weight, std::vector<ItemSpec> items,
                   std::string stage = "") {
  EventSpec event;
  event.id = id;
  event.name = id;
  event.weight = weight;
  event.stage = std::move(stage);
  event.items = std::move(items);
  return event;
}

// A single-stage trade.
TradeSpec Trade(std::string id, std::vector<EventSpec> events) {
  TradeSpec trade;
  trade.id = id;
  trade.name = id;
  StageSpec stage;
  stage.id = "final";
  stage.name = "决赛";
  trade.stages.push_back(stage);
  trade.events = std::move(events);
  return trade;
}

// A trade with one event (weight 100) holding one measurement `score` (max 100).
TradeSpec ScoreTrade(std::string id = "t", double step = 0.5) {
  return Trade(std::move(id), {EventDef("main", 100, {Measurement("score", 100, step)})});
}

TieBreakKey Key(std::string ref, Order order = Order::kHigher) {
  TieBreakKey key;
  key.ref = std::move(ref);
  key.order = order;
  return key;
}

AwardTier ByCount(std::string id, int count) {
  AwardTier tier;
  tier.id = id;
  tier.name = id;
  tier.by = AwardBy::kCount;
  tier.count = count;
  return tier;
}

AwardTier ByShare(std::string id, double share, ShareRounding rounding = ShareRounding::kFloor) {
  AwardTier tier;
  tier.id = id;
  tier.name = id;
  tier.by = AwardBy::kShare;
  tier.share = share;
  tier.rounding = rounding;
  return tier;
}

AwardTier ByThreshold(std::string id, double threshold) {
  AwardTier tier;
  tier.id = id;
  tier.name = id;
  tier.by = AwardBy::kThreshold;
  tier.threshold = threshold;
  return tier;
}

TeamSpec Teams(TeamRule rule, int k = 0, std::vector<TieBreakKey> tie_break = {}) {
  TeamSpec teams;
  teams.enabled = true;
  teams.rule = rule;
  teams.k = k;
  teams.tie_break = std::move(tie_break);
  return teams;
}

// "A01", "A02", ... for numbered contestants.
std::string Numbered(char prefix, int number) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%c%02d", prefix, number);
  return buffer;
}

// A competition under construction: the rules and the rosters, validated by Build().
class ContestBuilder {
 public:
  explicit ContestBuilder(std::vector<TradeSpec> trades) {
    spec_.id = "test-contest";
    spec_.name = "测试竞赛";
    spec_.trades = std::move(trades);
  }

  CompetitionSpec& spec() { return spec_; }
  TradeSpec& trade(int t = 0) { return spec_.trades[t]; }
  Roster& roster() { return roster_; }

  // Adds a contestant (to the first trade if `trade` is empty). The reference
  // is valid until the next Add().
  Contestant& Add(std::string bib, std::string trade = "", std::string team = "",
                  std::string organization = "",
                  ContestantStatus status = ContestantStatus::kPresent) {
    Contestant who;
    who.bib = bib;
    who.name = "选手" + bib;
    who.trade = trade.empty() ? spec_.trades[0].id : std::move(trade);
    who.team = std::move(team);
    who.organization = std::move(organization);
    who.status = status;
    roster_.contestants.push_back(std::move(who));
    return roster_.contestants.back();
  }

  // Assigns judge `id` to trade:event.item (empty event/item: all of them),
  // optionally only for bibs in [bib_from, bib_to]. Creates the judge if new.
  ContestBuilder& Assign(const std::string& id, std::string trade, std::string event = "",
                         std::string item = "", std::string bib_from = "",
                         std::string bib_to = "") {
    Judge* judge = nullptr;
    for (Judge& j : roster_.judges) {
      if (j.id == id) judge = &j;
    }
    if (judge == nullptr) {
      roster_.judges.push_back(Judge{.id = id, .name = "裁判" + id});
      judge = &roster_.judges.back();
    }
    judge->assignments.push_back(Assignment{.trade = std::move(trade),
                                            .event = std::move(event),
                                            .item = std::move(item),
                                            .bib_from = std::move(bib_from),
                                            .bib_to = std::move(bib_to)});
    return *this;
  }

  // Judge "M" may mark every item of every trade (for measurements).
  ContestBuilder& Marker() {
    for (const TradeSpec& trade : spec_.trades) Assign("M", trade.id);
    return *this;
  }

  std::shared_ptr<const Competition> Build() const {
    std::vector<Problem> problems;
    StatusOr<std::shared_ptr<const Competition>> competition =
        Competition::Create(spec_, roster_, &problems);
    for (const Problem& problem : problems) ADD_FAILURE() << problem.ToString();
    return competition.ok() ? *competition : nullptr;
  }

 private:
  CompetitionSpec spec_;
  Roster roster_;
};

// An engine over a built competition, addressed by bibs, judge ids and
// "trade:event.item" references, as people type them.
class Scoring {
 public:
  explicit Scoring(std::shared_ptr<const Competition> competition)
      : competition_(std::move(competition)) {
    if (competition_ != nullptr) engine_ = std::make_unique<ScoringEngine>(competition_);
  }

  bool ready() const { return engine_ != nullptr; }
  ScoringEngine& engine() { return *engine_; }
  const Competition& competition() const { return *competition_; }

  int Bib(std::string_view bib) const {
    StatusOr<int> c = competition_->FindContestant(bib);
    EXPECT_THAT(c, IsOk());
    return c.ok() ? *c : 0;
  }
  int Judge(std::string_view id) const {
    StatusOr<int> j = competition_->FindJudge(id);
    EXPECT_THAT(j, IsOk());
    return j.ok() ? *j : 0;
  }
  // `ref` is "trade:event.item".
  int Item(std::string_view ref) const {
    const std::string_view trade_id = ref.substr(0, ref.find(':'));
    StatusOr<int> trade = competition_->FindTrade(trade_id);
    EXPECT_THAT(trade, IsOk());
    if (!trade.ok()) return 0;
    StatusOr<int> item = competition_->FindItem(*trade, ref);
    EXPECT_THAT(item, IsOk());
    return item.ok() ? *item : 0;
  }

  MarkEvent MakeMark(std::string_view bib, std::string_view item, double value,
                     std::string_view judge = "M",
                     std::optional<double> time_used = std::nullopt) const {
    return MarkEvent{.contestant = Bib(bib),
                     .item = Item(item),
                     .judge = Judge(judge),
                     .value = value,
                     .time_used = time_used};
  }

  Status Mark(std::string_view bib, std::string_view item, double value,
              std::string_view judge = "M", std::optional<double> time_used = std::nullopt) {
    return engine_->Apply(MakeMark(bib, item, value, judge, time_used));
  }
  // A mark the test expects to be accepted.
  void MustMark(std::string_view bib, std::string_view item, double value,
                std::string_view judge = "M", std::optional<double> time_used = std::nullopt) {
    EXPECT_THAT(Mark(bib, item, value, judge, time_used), IsOk())
        << bib << " " << item << " " << judge << " " << value;
  }
  Status Correct(std::string_view bib, std::string_view item, double value,
                 std::string_view judge = "M", std::string reason = "复核更正") {
    return engine_->Apply(
        CorrectionEvent{.mark = MakeMark(bib, item, value, judge), .reason = std::move(reason)});
  }
  Status Void(std::string_view bib, std::string_view item, std::string_view judge = "M") {
    return engine_->Apply(VoidMarkEvent{
        .contestant = Bib(bib), .item = Item(item), .judge = Judge(judge), .reason = "录入错误"});
  }
  Status Penalize(std::string_view bib, std::string_view item, std::string_view penalty,
                  int count = 1, std::string_view judge = "M") {
    const int item_index = Item(item);
    StatusOr<int> p = competition_->FindPenalty(item_index, penalty);
    EXPECT_THAT(p, IsOk());
    return engine_->Apply(PenaltyEvent{.contestant = Bib(bib),
                                       .item = item_index,
                                       .penalty = p.ok() ? *p : 0,
                                       .judge = Judge(judge),
                                       .count = count});
  }
  Status SetStatus(std::string_view bib, ContestantStatus status) {
    return engine_->Apply(StatusEvent{.contestant = Bib(bib), .status = status});
  }

  const Standings& Recompute() {
    last_ = engine_->Recompute();
    return *last_.standings;
  }
  const ScoringEngine::Update& last_update() const { return last_; }

  const Standings& standings() const { return *engine_->standings(); }
  StandingRow Row(std::string_view bib) const { return standings().row_of(Bib(bib)); }
  int Rank(std::string_view bib) const { return Row(bib).rank; }
  double Total(std::string_view bib) const { return Row(bib).total; }
  std::string Award(std::string_view bib) const { return standings().award_id(Row(bib)); }
  double EventScore(std::string_view bib, int event) const {
    const int c = Bib(bib);
    return standings().trades[competition_->trade_of(c)].event_score(competition_->row_of(c),
                                                                     event);
  }
  std::vector<int> Ranks(const std::vector<std::string>& bibs) const {
    std::vector<int> ranks;
    for (const std::string& bib : bibs) ranks.push_back(Rank(bib));
    return ranks;
  }
  std::vector<std::string> Awards(const std::vector<std::string>& bibs) const {
    std::vector<std::string> awards;
    for (const std::string& bib : bibs) awards.push_back(Award(bib));
    return awards;
  }
  // Bibs in leaderboard order.
  std::vector<std::string> Leaderboard(int trade = 0) const {
    const TradeStandings& t = standings().trades[trade];
    std::vector<std::string> bibs;
    for (int p = 0; p < t.size(); ++p) {
      bibs.push_back(competition_->contestant(t.at_position(p).contestant).bib);
    }
    return bibs;
  }
  // The in-trade team row of team `name`.
  TeamRow Team(std::string_view name, int trade = 0) const {
    const std::vector<std::string>& names = competition_->trade(trade).teams;
    const auto it = std::find(names.begin(), names.end(), name);
    EXPECT_NE(it, names.end()) << name;
    return standings().trades[trade].team(it == names.end() ? 0
                                                            : static_cast<int>(it - names.begin()));
  }
  std::vector<std::string> TeamLeaderboard(int trade = 0) const {
    const TradeStandings& t = standings().trades[trade];
    std::vector<std::string> names;
    for (int p = 0; p < t.num_teams(); ++p) {
      names.push_back(competition_->trade(trade).teams[t.team_at_position(p).team]);
    }
    return names;
  }

 private:
  std::shared_ptr<const Competition> competition_;
  std::unique_ptr<ScoringEngine> engine_;
  ScoringEngine::Update last_;
};

// The rows of every trade, by trade row: what a snapshot publishes.
std::vector<StandingRow> RowsOf(const Standings& standings) {
  std::vector<StandingRow> rows;
  for (const TradeStandings& trade : standings.trades) {
    for (int r = 0; r < trade.size(); ++r) rows.push_back(trade.row(r));
  }
  return rows;
}

std::vector<double> EventScoresOf(const Standings& standings) {
  std::vector<double> scores;
  for (const TradeStandings& trade : standings.trades) {
    for (int r = 0; r < trade.size(); ++r) {
      for (int e = 0; e < trade.num_events; ++e) scores.push_back(trade.event_score(r, e));
    }
  }
  return scores;
}

std::vector<int> OrderOf(const TradeStandings& trade) {
  std::vector<int> order;
  for (int p = 0; p < trade.size(); ++p) order.push_back(trade.row_at(p));
  return order;
}

// --- Event scores and totals --------------------------------------------------

// theory (30%): exam; practical (70%): cpr (weight 2, max 20) and gas (max 10,
// penalty `unsafe` of 2 points).
ContestBuilder TheoryPractical() {
  ContestBuilder b({Trade("t", {EventDef("theory", 30, {Measurement("exam")}),
                                EventDef("practical", 70,
                                         {Measurement("cpr", 20, 0.5, 2),
                                          WithPenalty(Measurement("gas", 10), "unsafe", 2)})})});
  b.Marker();
  return b;
}

TEST(ScoringEngineTest, EventScoreIsWeightedItemsMinusPenaltiesAndTotalIsWeightedEvents) {
  ContestBuilder b = TheoryPractical();
  for (const char* bib : {"A01", "A02", "A03"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:theory.exam", 80);
  s.MustMark("A01", "t:practical.cpr", 15);
  s.MustMark("A01", "t:practical.gas", 8);
  ASSERT_THAT(s.Penalize("A01", "t:practical.gas", "unsafe"), IsOk());
  s.MustMark("A02", "t:theory.exam", 90);
  s.MustMark("A02", "t:practical.cpr", 10);
  s.MustMark("A02", "t:practical.gas", 10);
  s.MustMark("A03", "t:theory.exam", 70);
  s.MustMark("A03", "t:practical.cpr", 20);
  s.MustMark("A03", "t:practical.gas", 9.5);
  ASSERT_THAT(s.Penalize("A03", "t:practical.gas", "unsafe", 2), IsOk());
  s.Recompute();

  // practical = 2 * cpr + gas - 2 * penalties; total = 0.3 * theory + 0.7 * practical.
  EXPECT_NEAR(s.EventScore("A01", 0), 80, kTolerance);
  EXPECT_NEAR(s.EventScore("A01", 1), 2 * 15 + 8 - 2, kTolerance);
  EXPECT_NEAR(s.Total("A01"), 24 + 25.2, kTolerance);
  EXPECT_NEAR(s.EventScore("A02", 1), 30, kTolerance);
  EXPECT_NEAR(s.Total("A02"), 27 + 21, kTolerance);
  EXPECT_NEAR(s.EventScore("A03", 1), 40 + 9.5 - 4, kTolerance);
  EXPECT_NEAR(s.Total("A03"), 21 + 31.85, kTolerance);
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A03", "A01", "A02"));
  EXPECT_THAT(s.Ranks({"A01", "A02", "A03"}), ElementsAre(2, 3, 1));
  EXPECT_TRUE(s.Row("A02").complete);
}

TEST(ScoringEngineTest, TotalWeighsThreeEvents25_55_20) {
  ContestBuilder b(
      {Trade("t", {EventDef("a", 25, {Measurement("x")}), EventDef("b", 55, {Measurement("x")}),
                   EventDef("c", 20, {Measurement("x")})})});
  b.Marker();
  b.Add("A01");
  b.Add("A02");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:a.x", 80);
  s.MustMark("A01", "t:b.x", 60);
  s.MustMark("A01", "t:c.x", 100);
  s.MustMark("A02", "t:a.x", 100);
  s.MustMark("A02", "t:b.x", 50);
  s.MustMark("A02", "t:c.x", 70);
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 20 + 33 + 20, kTolerance);
  EXPECT_NEAR(s.Total("A02"), 25 + 27.5 + 14, kTolerance);
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A01", "A02"));
}

TEST(ScoringEngineTest, IncompleteContestantHasPartialTotal) {
  ContestBuilder b = TheoryPractical();
  b.Add("A01");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:theory.exam", 50);
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 15, kTolerance);
  EXPECT_FALSE(s.Row("A01").complete);
  EXPECT_EQ(s.Rank("A01"), 1);
}

// --- Ranking -------------------------------------------------------------------

TEST(ScoringEngineTest, TiedTotalsShareRankAndSkipNext) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  for (const char* bib : {"A01", "A02", "A03", "A04"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.score", 70);
  s.MustMark("A02", "t:main.score", 80);
  s.MustMark("A03", "t:main.score", 90);
  s.MustMark("A04", "t:main.score", 80);
  s.Recompute();
  EXPECT_THAT(s.Ranks({"A03", "A02", "A04", "A01"}), ElementsAre(1, 2, 2, 4));
  // Tied contestants keep roster order.
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A03", "A02", "A04", "A01"));
}

// Six contestants with the same total (32), separated by the keys in turn.
TEST(ScoringEngineTest, TieBreakKeysBreakTiesInOrder) {
  ContestBuilder b({Trade("t", {EventDef("theory", 30, {Measurement("exam")}),
                                EventDef("practical", 70,
                                         {Measurement("cpr", 20),
                                          WithPenalty(Measurement("gas", 20), "unsafe", 2)})})});
  b.Marker();
  b.trade().ranking.tie_break = {Key("event:practical"), Key("item:practical.cpr"),
                                 Key("time", Order::kLower), Key("penalties", Order::kLower)};
  // Roster order is the reverse of the expected order, so that keeping the
  // roster order cannot pass for tie-breaking.
  for (const char* bib : {"E", "D", "C", "B", "A", "F"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  // A: highest practical (23; 0.3 * 53 + 0.7 * 23 = 32).
  s.MustMark("A", "t:theory.exam", 53);
  s.MustMark("A", "t:practical.cpr", 12);
  s.MustMark("A", "t:practical.gas", 11);
  // B..F: practical 20, theory 60 (0.3 * 60 + 0.7 * 20 = 32).
  for (const char* bib : {"B", "C", "D", "E", "F"}) s.MustMark(bib, "t:theory.exam", 60);
  s.MustMark("B", "t:practical.cpr", 12);  // best cpr
  s.MustMark("B", "t:practical.gas", 8);
  s.MustMark("C", "t:practical.cpr", 10, "M", 100);  // fastest of the rest
  s.MustMark("C", "t:practical.gas", 10);
  s.MustMark("D", "t:practical.cpr", 10, "M", 200);
  s.MustMark("D", "t:practical.gas", 10);
  s.MustMark("F", "t:practical.cpr", 10, "M", 200);  // same as D in every key
  s.MustMark("F", "t:practical.gas", 10);
  s.MustMark("E", "t:practical.cpr", 10, "M", 200);
  s.MustMark("E", "t:practical.gas", 12);  // 12 - 2 penalty points
  ASSERT_THAT(s.Penalize("E", "t:practical.gas", "unsafe"), IsOk());
  s.Recompute();

  for (const char* bib : {"A", "B", "C", "D", "E", "F"}) {
    EXPECT_NEAR(s.Total(bib), 32, 1e-9) << bib;
  }
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A", "B", "C", "D", "F", "E"));
  EXPECT_THAT(s.Ranks({"A", "B", "C", "D", "F", "E"}), ElementsAre(1, 2, 3, 4, 4, 6));
}

TEST(ScoringEngineTest, WithoutTieBreakKeysEqualTotalsShareRank) {
  ContestBuilder b({Trade("t", {EventDef("theory", 30, {Measurement("exam")}),
                                EventDef("practical", 70, {Measurement("cpr", 20)})})});
  b.Marker();
  for (const char* bib : {"A01", "A02"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:theory.exam", 53);
  s.MustMark("A01", "t:practical.cpr", 20);
  s.MustMark("A02", "t:theory.exam", 60);
  s.MustMark("A02", "t:practical.cpr", 17);
  s.Recompute();
  EXPECT_THAT(s.Ranks({"A01", "A02"}), ElementsAre(1, 1));  // 32 and 32
}

// X is faster, Y has fewer penalty points: the first configured key decides.
class TieBreakOrderTest : public ::testing::TestWithParam<bool> {};

TEST_P(TieBreakOrderTest, FirstConfiguredKeyDecides) {
  const bool time_first = GetParam();
  ContestBuilder b({Trade("t", {EventDef("practical", 100,
                                         {Measurement("cpr", 20),
                                          WithPenalty(Measurement("gas", 20), "unsafe", 2)})})});
  b.Marker();
  const TieBreakKey time = Key("time", Order::kLower);
  const TieBreakKey penalties = Key("penalties", Order::kLower);
  b.trade().ranking.tie_break =
      time_first ? std::vector{time, penalties} : std::vector{penalties, time};
  b.Add("X");
  b.Add("Y");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("X", "t:practical.cpr", 10, "M", 100);
  s.MustMark("X", "t:practical.gas", 12);
  ASSERT_THAT(s.Penalize("X", "t:practical.gas", "unsafe"), IsOk());
  s.MustMark("Y", "t:practical.cpr", 10, "M", 200);
  s.MustMark("Y", "t:practical.gas", 10);
  s.Recompute();
  EXPECT_NEAR(s.Total("X"), 20, kTolerance);
  EXPECT_NEAR(s.Total("Y"), 20, kTolerance);
  if (time_first) {
    EXPECT_THAT(s.Leaderboard(), ElementsAre("X", "Y"));
  } else {
    EXPECT_THAT(s.Leaderboard(), ElementsAre("Y", "X"));
  }
  EXPECT_THAT(s.Ranks({"X", "Y"}), time_first ? ElementsAre(1, 2) : ElementsAre(2, 1));
}

INSTANTIATE_TEST_SUITE_P(Keys, TieBreakOrderTest, ::testing::Bool(),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("TimeThenPenalties")
                                             : std::string("PenaltiesThenTime");
                         });

TEST(ScoringEngineTest, TiesAreJudgedOnTotalsRoundedToPrecision) {
  for (const int precision : {2, 3}) {
    SCOPED_TRACE("precision " + std::to_string(precision));
    ContestBuilder b({ScoreTrade("t", 0.001)});
    b.Marker();
    b.spec().precision = precision;
    for (const char* bib : {"A01", "A02", "A03"}) b.Add(bib);
    Scoring s(b.Build());
    ASSERT_TRUE(s.ready());
    s.MustMark("A01", "t:main.score", 85.001);
    s.MustMark("A02", "t:main.score", 85.004);
    s.MustMark("A03", "t:main.score", 84.99);
    s.Recompute();
    // Published totals are rounded to the precision, and so is the comparison.
    EXPECT_NEAR(s.Total("A02"), precision == 2 ? 85.00 : 85.004, kTolerance);
    EXPECT_NEAR(s.Total("A01"), precision == 2 ? 85.00 : 85.001, kTolerance);
    EXPECT_NEAR(s.Total("A03"), 84.99, kTolerance);
    if (precision == 2) {
      EXPECT_THAT(s.Ranks({"A01", "A02", "A03"}), ElementsAre(1, 1, 3));
      EXPECT_THAT(s.Leaderboard(), ElementsAre("A01", "A02", "A03"));
    } else {
      EXPECT_THAT(s.Ranks({"A01", "A02", "A03"}), ElementsAre(2, 1, 3));
      EXPECT_THAT(s.Leaderboard(), ElementsAre("A02", "A01", "A03"));
    }
  }
}

// --- Status ----------------------------------------------------------------------

// A01 (absent, 95), A02 (80), A03 (90), A04 (withdrawn, 50), A05 (disqualified, no marks).
ContestBuilder StatusContest(StatusPlacement placement) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.spec().status_placement = placement;
  b.trade().awards = {ByCount("first", 1), ByCount("second", 1)};
  b.Add("A01", "", "", "", ContestantStatus::kAbsent);
  b.Add("A02");
  b.Add("A03");
  b.Add("A04", "", "", "", ContestantStatus::kWithdrawn);
  b.Add("A05", "", "", "", ContestantStatus::kDisqualified);
  return b;
}

void MarkStatusContest(Scoring& s) {
  s.MustMark("A01", "t:main.score", 95);
  s.MustMark("A02", "t:main.score", 80);
  s.MustMark("A03", "t:main.score", 90);
  s.MustMark("A04", "t:main.score", 50);
}

TEST(ScoringEngineTest, StatusPlacementLastRanksAfterEveryone) {
  Scoring s(StatusContest(StatusPlacement::kLast).Build());
  ASSERT_TRUE(s.ready());
  MarkStatusContest(s);
  s.Recompute();
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A03", "A02", "A01", "A04", "A05"));
  EXPECT_THAT(s.Ranks({"A03", "A02", "A01", "A04", "A05"}), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_EQ(s.Row("A01").status, ContestantStatus::kAbsent);
  EXPECT_EQ(s.Row("A05").status, ContestantStatus::kDisqualified);
  // Awards skip contestants with a status.
  EXPECT_THAT(s.Awards({"A03", "A02", "A01"}), ElementsAre("first", "second", ""));
}

TEST(ScoringEngineTest, StatusPlacementExcludedGivesRankZero) {
  Scoring s(StatusContest(StatusPlacement::kExcluded).Build());
  ASSERT_TRUE(s.ready());
  MarkStatusContest(s);
  s.Recompute();
  EXPECT_THAT(s.Ranks({"A03", "A02", "A01", "A04", "A05"}), ElementsAre(1, 2, 0, 0, 0));
  const std::vector<std::string> board = s.Leaderboard();
  ASSERT_EQ(board.size(), 5u);
  EXPECT_THAT(std::vector(board.begin(), board.begin() + 2), ElementsAre("A03", "A02"));
  EXPECT_THAT(std::vector(board.begin() + 2, board.end()),
              UnorderedElementsAre("A01", "A04", "A05"));
  EXPECT_THAT(s.Awards({"A01", "A04", "A05"}), ElementsAre("", "", ""));
}

TEST(ScoringEngineTest, StatusEventChangesPlacementLive) {
  for (const StatusPlacement placement : {StatusPlacement::kLast, StatusPlacement::kExcluded}) {
    SCOPED_TRACE(placement == StatusPlacement::kLast ? "last" : "excluded");
    Scoring s(StatusContest(placement).Build());
    ASSERT_TRUE(s.ready());
    MarkStatusContest(s);
    s.Recompute();
    ASSERT_EQ(s.Award("A03"), "first");

    ASSERT_THAT(s.SetStatus("A03", ContestantStatus::kWithdrawn), IsOk());
    s.Recompute();
    EXPECT_EQ(s.Rank("A02"), 1);
    EXPECT_EQ(s.Award("A02"), "first");
    EXPECT_EQ(s.Award("A03"), "");
    EXPECT_EQ(s.Row("A03").status, ContestantStatus::kWithdrawn);
    if (placement == StatusPlacement::kLast) {
      // Behind A02; among the statuses by total: A01 95, A03 90, A04 50, A05 0.
      EXPECT_THAT(s.Leaderboard(), ElementsAre("A02", "A01", "A03", "A04", "A05"));
      EXPECT_EQ(s.Rank("A03"), 3);
    } else {
      EXPECT_EQ(s.Rank("A03"), 0);
      EXPECT_EQ(s.Leaderboard().front(), "A02");
    }

    // An absent contestant who turns up is ranked again.
    ASSERT_THAT(s.SetStatus("A03", ContestantStatus::kPresent), IsOk());
    ASSERT_THAT(s.SetStatus("A01", ContestantStatus::kPresent), IsOk());
    s.Recompute();
    EXPECT_THAT(s.Ranks({"A01", "A03", "A02"}), ElementsAre(1, 2, 3));
    EXPECT_THAT(s.Awards({"A01", "A03", "A02"}), ElementsAre("first", "second", ""));
  }
}

// --- Awards ------------------------------------------------------------------------

// `scores[i]` is contestant A{i+1}'s total in a single-score trade.
Scoring ScoredContest(ContestBuilder& b, const std::vector<double>& scores) {
  for (size_t i = 0; i < scores.size(); ++i) b.Add(Numbered('A', static_cast<int>(i) + 1));
  Scoring s(b.Build());
  if (!s.ready()) return s;
  for (size_t i = 0; i < scores.size(); ++i) {
    s.MustMark(Numbered('A', static_cast<int>(i) + 1), "t:main.score", scores[i]);
  }
  s.Recompute();
  return s;
}

std::vector<std::string> AllBibs(int n) {
  std::vector<std::string> bibs;
  for (int i = 1; i <= n; ++i) bibs.push_back(Numbered('A', i));
  return bibs;
}

// Expected award ids: `first` ids of `a`, then `second` of `b`, ...
std::vector<std::string> Expected(std::vector<std::pair<std::string, int>> runs) {
  std::vector<std::string> out;
  for (const auto& [id, n] : runs) out.insert(out.end(), n, id);
  return out;
}

TEST(ScoringEngineTest, AwardsByCountAreCumulative) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("first", 3), ByCount("second", 9), ByCount("third", 15)};
  std::vector<double> scores;
  for (int i = 0; i < 30; ++i) scores.push_back(100 - i);
  Scoring s = ScoredContest(b, scores);
  ASSERT_TRUE(s.ready());
  // Ranks 1-3 first, 4-12 second, 13-27 third, 28-30 nothing.
  EXPECT_THAT(s.Awards(AllBibs(30)),
              ElementsAreArray(Expected({{"first", 3}, {"second", 9}, {"third", 15}, {"", 3}})));
  EXPECT_EQ(s.standings().award_name(s.Row("A01")), "first");
}

TEST(ScoringEngineTest, NoAwardBeforeAContestantsFirstMark) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("first", 1), ByCount("second", 2)};
  for (int i = 1; i <= 4; ++i) b.Add(Numbered('A', i));
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.Recompute();
  // Everyone ties at rank 1 before any mark; no one is champion yet.
  EXPECT_THAT(s.Ranks(AllBibs(4)), ElementsAre(1, 1, 1, 1));
  EXPECT_THAT(s.Awards(AllBibs(4)), ElementsAre("", "", "", ""));

  s.MustMark("A03", "t:main.score", 0);  // a zero is a mark: A03 has competed
  s.Recompute();
  EXPECT_THAT(s.Awards(AllBibs(4)), ElementsAre("", "", "first", ""));
  s.MustMark("A02", "t:main.score", 40);
  s.Recompute();
  EXPECT_THAT(s.Awards(AllBibs(4)), ElementsAre("", "first", "second", ""));
  EXPECT_EQ(s.Rank("A01"), 2);  // unmarked contestants still rank, without an award

  ASSERT_THAT(s.Void("A02", "t:main.score"), IsOk());
  s.Recompute();
  EXPECT_THAT(s.Awards(AllBibs(4)), ElementsAre("", "", "first", ""));
}

TEST(ScoringEngineTest, AwardByCountGoesToEveryoneTiedAtTheBoundary) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("first", 3), ByCount("second", 9), ByCount("third", 15)};
  std::vector<double> scores;
  for (int i = 0; i < 30; ++i) scores.push_back(100 - i);
  scores[3] = scores[2];    // A03 and A04 share rank 3
  scores[12] = scores[11];  // A12 and A13 share rank 12
  Scoring s = ScoredContest(b, scores);
  ASSERT_TRUE(s.ready());
  EXPECT_EQ(s.Rank("A04"), 3);
  EXPECT_EQ(s.Rank("A05"), 5);
  EXPECT_EQ(s.Rank("A13"), 12);
  EXPECT_EQ(s.Rank("A27"), 27);
  // 4 first (ranks 1, 2, 3, 3), 9 second (ranks 5..12, 12), 14 third (ranks 14..27).
  EXPECT_THAT(s.Awards(AllBibs(30)),
              ElementsAreArray(Expected({{"first", 4}, {"second", 9}, {"third", 14}, {"", 3}})));
}

TEST(ScoringEngineTest, AwardsByShareRoundDownAndIncludeTiesAtTheBoundary) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByShare("first", 10), ByShare("second", 20), ByShare("third", 30)};
  std::vector<double> scores;
  for (int i = 0; i < 25; ++i) scores.push_back(100 - i);
  {
    // 25 ranked: each tier's share rounded down on its own, floor(2.5) = 2,
    // floor(5) = 5, floor(7.5) = 7 places, so the cutoffs are ranks 2, 7 and 14.
    ContestBuilder copy = b;
    Scoring s = ScoredContest(copy, scores);
    ASSERT_TRUE(s.ready());
    EXPECT_THAT(s.Awards(AllBibs(25)),
                ElementsAreArray(Expected({{"first", 2}, {"second", 5}, {"third", 7}, {"", 11}})));
  }
  scores[2] = scores[1];  // A02 and A03 share rank 2: both first
  scores[7] = scores[6];  // A07 and A08 share rank 7: both second
  Scoring s = ScoredContest(b, scores);
  ASSERT_TRUE(s.ready());
  EXPECT_EQ(s.Rank("A03"), 2);
  EXPECT_EQ(s.Rank("A08"), 7);
  // first: ranks 1, 2, 2; second: ranks 4..7, 7; third: ranks 9..14.
  EXPECT_THAT(s.Awards(AllBibs(25)),
              ElementsAreArray(Expected({{"first", 3}, {"second", 5}, {"third", 6}, {"", 11}})));
}

TEST(ScoringEngineTest, AwardsByShareRoundOrCeil) {
  for (const ShareRounding rounding : {ShareRounding::kRound, ShareRounding::kCeil}) {
    ContestBuilder b({ScoreTrade()});
    b.Marker();
    b.trade().awards = {ByShare("first", 10, rounding), ByShare("second", 20, rounding),
                        ByShare("third", 30, rounding)};
    std::vector<double> scores;
    for (int i = 0; i < 25; ++i) scores.push_back(100 - i);
    Scoring s = ScoredContest(b, scores);
    ASSERT_TRUE(s.ready());
    // Each tier on its own: 2.5 -> 3, 5 -> 5, 7.5 -> 8 places either way.
    EXPECT_THAT(s.Awards(AllBibs(25)),
                ElementsAreArray(Expected({{"first", 3}, {"second", 5}, {"third", 8}, {"", 9}})));
  }
}

// competition-format.md: a share tier is "cumulative with earlier count/share
// tiers". After 2 first prizes, 20% of 10 more places are second prizes.
TEST(ScoringEngineTest, ShareTierAfterCountTierIsCumulative) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("first", 2), ByShare("second", 20)};
  std::vector<double> scores;
  for (int i = 0; i < 10; ++i) scores.push_back(100 - i);
  Scoring s = ScoredContest(b, scores);
  ASSERT_TRUE(s.ready());
  EXPECT_THAT(s.Awards(AllBibs(10)),
              ElementsAreArray(Expected({{"first", 2}, {"second", 2}, {"", 6}})));
}

TEST(ScoringEngineTest, AwardsByThresholdUseTheTotal) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByThreshold("gold", 90), ByThreshold("silver", 75),
                      ByThreshold("bronze", 60)};
  Scoring s = ScoredContest(b, {95, 90, 89.5, 75, 74.5, 60, 59.5});
  ASSERT_TRUE(s.ready());
  EXPECT_THAT(s.Awards(AllBibs(7)),
              ElementsAre("gold", "gold", "silver", "silver", "bronze", "bronze", ""));
}

TEST(ScoringEngineTest, MinTotalBlocksATier) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("first", 1), ByCount("second", 3)};
  b.trade().awards[0].min_total = 90;
  b.trade().awards[1].min_total = 80;
  Scoring s = ScoredContest(b, {85, 82, 79, 70});
  ASSERT_TRUE(s.ready());
  // Rank 1 misses first (85 < 90) and gets second; rank 3 misses second (79 < 80).
  EXPECT_THAT(s.Awards(AllBibs(4)), ElementsAre("second", "second", "", ""));
}

TEST(ScoringEngineTest, AwardTiersArePerTrade) {
  ContestBuilder b({ScoreTrade("solo"), ScoreTrade("group")});
  b.Marker();
  b.trade(0).awards = {ByCount("gold", 2), ByCount("silver", 4), ByCount("bronze", 6)};
  b.trade(1).awards = {ByCount("gold", 1), ByCount("silver", 1), ByCount("bronze", 1)};
  for (int i = 1; i <= 14; ++i) b.Add(Numbered('S', i), "solo");
  for (int i = 1; i <= 13; ++i) b.Add(Numbered('G', i), "group");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  for (int i = 1; i <= 14; ++i) s.MustMark(Numbered('S', i), "solo:main.score", 100 - i);
  for (int i = 1; i <= 13; ++i) s.MustMark(Numbered('G', i), "group:main.score", 100 - i);
  s.Recompute();
  std::vector<std::string> solo, group;
  for (int i = 1; i <= 14; ++i) solo.push_back(s.Award(Numbered('S', i)));
  for (int i = 1; i <= 13; ++i) group.push_back(s.Award(Numbered('G', i)));
  EXPECT_THAT(solo,
              ElementsAreArray(Expected({{"gold", 2}, {"silver", 4}, {"bronze", 6}, {"", 2}})));
  EXPECT_THAT(group,
              ElementsAreArray(Expected({{"gold", 1}, {"silver", 1}, {"bronze", 1}, {"", 10}})));
}

// --- Teams -------------------------------------------------------------------------

// Team X: A01 90, A02 80, A03 70. Team Y: A04 85, A05 85, A06 60.
// Team Z: A07 50, A08 (absent) 100.
Scoring TeamContest(TeamSpec teams) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().teams = std::move(teams);
  const std::vector<std::pair<std::string, std::string>> members = {
      {"A01", "X"}, {"A02", "X"}, {"A03", "X"}, {"A04", "Y"},
      {"A05", "Y"}, {"A06", "Y"}, {"A07", "Z"}, {"A08", "Z"}};
  for (const auto& [bib, team] : members) {
    b.Add(bib, "", team, "", bib == "A08" ? ContestantStatus::kAbsent : ContestantStatus::kPresent);
  }
  Scoring s(b.Build());
  if (!s.ready()) return s;
  const std::vector<double> scores = {90, 80, 70, 85, 85, 60, 50, 100};
  for (size_t i = 0; i < scores.size(); ++i) {
    s.MustMark(members[i].first, "t:main.score", scores[i]);
  }
  s.Recompute();
  return s;
}

TEST(ScoringEngineTest, TeamSumCountsPresentMembers) {
  Scoring s = TeamContest(Teams(TeamRule::kSum));
  ASSERT_TRUE(s.ready());
  EXPECT_NEAR(s.Team("X").total, 240, kTolerance);
  EXPECT_NEAR(s.Team("Y").total, 230, kTolerance);
  EXPECT_NEAR(s.Team("Z").total, 50, kTolerance);  // A08 is absent
  EXPECT_EQ(s.Team("X").members, 3);
  EXPECT_EQ(s.Team("Z").members, 1);
  EXPECT_THAT(s.TeamLeaderboard(), ElementsAre("X", "Y", "Z"));
  EXPECT_THAT((std::vector{s.Team("X").rank, s.Team("Y").rank, s.Team("Z").rank}),
              ElementsAre(1, 2, 3));

  // A member who withdraws no longer counts.
  ASSERT_THAT(s.SetStatus("A01", ContestantStatus::kWithdrawn), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.Team("X").total, 150, kTolerance);
  EXPECT_EQ(s.Team("X").members, 2);
  EXPECT_THAT(s.TeamLeaderboard(), ElementsAre("Y", "X", "Z"));
}

TEST(ScoringEngineTest, TeamMeanAveragesPresentMembers) {
  Scoring s = TeamContest(Teams(TeamRule::kMean));
  ASSERT_TRUE(s.ready());
  EXPECT_NEAR(s.Team("X").total, 80, kTolerance);
  EXPECT_NEAR(s.Team("Y").total, 76.67, kTolerance);  // 230 / 3, published to 2 decimals
  EXPECT_NEAR(s.Team("Z").total, 50, kTolerance);
  EXPECT_THAT(s.TeamLeaderboard(), ElementsAre("X", "Y", "Z"));
}

TEST(ScoringEngineTest, TeamBestKTiesShareRankWithoutTieBreak) {
  Scoring s = TeamContest(Teams(TeamRule::kBestK, 2));
  ASSERT_TRUE(s.ready());
  EXPECT_NEAR(s.Team("X").total, 170, kTolerance);  // 90 + 80
  EXPECT_NEAR(s.Team("Y").total, 170, kTolerance);  // 85 + 85
  EXPECT_NEAR(s.Team("Z").total, 50, kTolerance);
  EXPECT_THAT((std::vector{s.Team("X").rank, s.Team("Y").rank, s.Team("Z").rank}),
              ElementsAre(1, 1, 3));
}

TEST(ScoringEngineTest, TeamBestKTieBrokenByBestMember) {
  Scoring s = TeamContest(Teams(TeamRule::kBestK, 2, {Key("best-member")}));
  ASSERT_TRUE(s.ready());
  // X's best member (90) beats Y's (85). Z's absent 100 does not count.
  EXPECT_THAT((std::vector{s.Team("X").rank, s.Team("Y").rank, s.Team("Z").rank}),
              ElementsAre(1, 2, 3));
  EXPECT_THAT(s.TeamLeaderboard(), ElementsAre("X", "Y", "Z"));

  // With A01 absent, X's best two are 80 + 70.
  ASSERT_THAT(s.SetStatus("A01", ContestantStatus::kAbsent), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.Team("X").total, 150, kTolerance);
  EXPECT_THAT(s.TeamLeaderboard(), ElementsAre("Y", "X", "Z"));
}

TEST(ScoringEngineTest, TeamWithNoPresentMemberIsNotRanked) {
  Scoring s = TeamContest(Teams(TeamRule::kSum));
  ASSERT_TRUE(s.ready());
  ASSERT_THAT(s.SetStatus("A07", ContestantStatus::kDisqualified), IsOk());
  s.Recompute();
  EXPECT_EQ(s.Team("Z").rank, 0);
  EXPECT_EQ(s.Team("Z").members, 0);
  EXPECT_EQ(s.TeamLeaderboard().back(), "Z");
}

// Two trades; organizations 甲 乙 丙 丁. Awards gold/silver/bronze by count 1.
//   t1: A01 甲 90, A02 乙 80, A03 丙 70, A04 丁 10
//   t2: B01 甲 60, B02 乙 70, B03 丙 80, B04 丙 (absent) 100
ContestBuilder TwoTradeContest() {
  ContestBuilder b({ScoreTrade("t1"), ScoreTrade("t2")});
  b.Marker();
  for (int t = 0; t < 2; ++t) {
    b.trade(t).awards = {ByCount("gold", 1), ByCount("silver", 1), ByCount("bronze", 1)};
  }
  b.Add("A01", "t1", "", "甲");
  b.Add("A02", "t1", "", "乙");
  b.Add("A03", "t1", "", "丙");
  b.Add("A04", "t1", "", "丁");
  b.Add("B01", "t2", "", "甲");
  b.Add("B02", "t2", "", "乙");
  b.Add("B03", "t2", "", "丙");
  b.Add("B04", "t2", "", "丙", ContestantStatus::kAbsent);
  return b;
}

void MarkTwoTradeContest(Scoring& s) {
  s.MustMark("A01", "t1:main.score", 90);
  s.MustMark("A02", "t1:main.score", 80);
  s.MustMark("A03", "t1:main.score", 70);
  s.MustMark("A04", "t1:main.score", 10);
  s.MustMark("B01", "t2:main.score", 60);
  s.MustMark("B02", "t2:main.score", 70);
  s.MustMark("B03", "t2:main.score", 80);
  s.MustMark("B04", "t2:main.score", 100);
}

TEST(ScoringEngineTest, CompetitionTeamsGroupByOrganization) {
  ContestBuilder b = TwoTradeContest();
  b.spec().teams = Teams(TeamRule::kSum, 0, {Key("best-member")});
  b.spec().teams.group_by = "organization";
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  MarkTwoTradeContest(s);
  const Standings& standings = s.Recompute();
  const std::vector<std::string>& names = s.competition().competition_teams();
  ASSERT_THAT(names, ElementsAre("甲", "乙", "丙", "丁"));
  std::vector<std::string> order;
  std::vector<int> ranks, members;
  std::vector<double> totals;
  for (const TeamRow& row : standings.competition_teams) {
    order.push_back(names[row.team]);
    ranks.push_back(row.rank);
    members.push_back(row.members);
    totals.push_back(row.total);
  }
  // 甲 90 + 60, 乙 80 + 70, 丙 70 + 80 (B04 absent): all 150; best members 90, 80, 80.
  EXPECT_THAT(order, ElementsAre("甲", "乙", "丙", "丁"));
  EXPECT_THAT(ranks, ElementsAre(1, 2, 2, 4));
  EXPECT_THAT(members, ElementsAre(2, 2, 2, 1));
  EXPECT_NEAR(totals[0], 150, kTolerance);
  EXPECT_NEAR(totals[2], 150, kTolerance);
  EXPECT_NEAR(totals[3], 10, kTolerance);

  // B03 improves: 丙 leads.
  s.MustMark("B03", "t2:main.score", 85);
  s.Recompute();
  EXPECT_TRUE(s.last_update().delta.competition_teams_changed);
  EXPECT_EQ(names[s.standings().competition_teams.front().team], "丙");
  EXPECT_NEAR(s.standings().competition_teams.front().total, 155, kTolerance);
}

TEST(ScoringEngineTest, MedalTallyCountsMedalsAndSharesRankOnEqualCounts) {
  ContestBuilder b = TwoTradeContest();
  b.spec().medal_tally.enabled = true;
  b.spec().medal_tally.group_by = "organization";
  b.spec().medal_tally.medals = {"gold", "silver", "bronze"};
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  MarkTwoTradeContest(s);
  const Standings& standings = s.Recompute();
  const std::vector<std::string>& groups = s.competition().tally_groups();
  std::vector<std::string> order;
  std::vector<int> ranks, awarded;
  std::vector<std::vector<std::int32_t>> medals;
  for (const MedalRow& row : standings.medal_tally) {
    order.push_back(groups[row.group]);
    ranks.push_back(row.rank);
    medals.push_back(row.medals);
    awarded.push_back(row.awarded);
  }
  // 甲: gold (A01) + bronze (B01); 乙: silver + silver; 丙: bronze (A03) + gold (B03); 丁: none.
  EXPECT_THAT(order, ElementsAre("甲", "丙", "乙", "丁"));
  EXPECT_THAT(ranks, ElementsAre(1, 1, 3, 4));
  EXPECT_THAT(medals, ElementsAre(ElementsAre(1, 0, 1), ElementsAre(1, 0, 1), ElementsAre(0, 2, 0),
                                  ElementsAre(0, 0, 0)));
  EXPECT_THAT(awarded, ElementsAre(2, 2, 2, 0));

  // B02 overtakes B03: 乙 gets gold, 丙 drops to silver.
  s.MustMark("B02", "t2:main.score", 90);
  s.Recompute();
  EXPECT_TRUE(s.last_update().delta.medal_tally_changed);
  order.clear();
  medals.clear();
  for (const MedalRow& row : s.standings().medal_tally) {
    order.push_back(groups[row.group]);
    medals.push_back(row.medals);
  }
  // 乙 (1, 1, 0) > 甲 (1, 0, 1) > 丙 (0, 1, 1) > 丁.
  EXPECT_THAT(order, ElementsAre("乙", "甲", "丙", "丁"));
  EXPECT_THAT(medals, ElementsAre(ElementsAre(1, 1, 0), ElementsAre(1, 0, 1), ElementsAre(0, 1, 1),
                                  ElementsAre(0, 0, 0)));
}

// A delta lists what changed. Gold and silver changing hands within 甲 leaves
// the tally as it was.
TEST(ScoringEngineTest, MedalTallyIsMarkedChangedOnlyWhenItChanges) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("gold", 1), ByCount("silver", 1)};
  b.spec().medal_tally.enabled = true;
  b.spec().medal_tally.medals = {"gold", "silver"};
  b.Add("A01", "", "", "甲");
  b.Add("A02", "", "", "甲");
  b.Add("A03", "", "", "乙");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.score", 90);
  s.MustMark("A02", "t:main.score", 80);
  s.MustMark("A03", "t:main.score", 70);
  s.Recompute();
  const std::vector<MedalRow> before = s.standings().medal_tally;
  s.MustMark("A02", "t:main.score", 95);
  s.Recompute();
  ASSERT_EQ(s.Award("A02"), "gold");
  EXPECT_EQ(s.standings().medal_tally, before);
  EXPECT_FALSE(s.last_update().delta.medal_tally_changed);
}

// --- Stages ---------------------------------------------------------------------------

// preliminary (advance 2) -> final (carry 30%, event 70%).
ContestBuilder StagedContest() {
  TradeSpec trade = Trade("t", {EventDef("prelim", 100, {Measurement("p")}, "preliminary"),
                                EventDef("finale", 70, {Measurement("f")}, "final")});
  StageSpec preliminary;
  preliminary.id = "preliminary";
  preliminary.name = "初赛";
  preliminary.advance = 2;
  StageSpec final_stage;
  final_stage.id = "final";
  final_stage.name = "决赛";
  final_stage.carry = 30;
  trade.stages = {preliminary, final_stage};
  ContestBuilder b({trade});
  b.Marker();
  return b;
}

TEST(ScoringEngineTest, StagesAdvanceTopNWithTiesAndCarryWeight) {
  ContestBuilder b = StagedContest();
  for (int i = 1; i <= 6; ++i) b.Add(Numbered('A', i));
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  const std::vector<double> prelim = {90, 80, 80, 70, 60, 70};
  for (int i = 0; i < 6; ++i) s.MustMark(Numbered('A', i + 1), "t:prelim.p", prelim[i]);
  s.Recompute();
  // A02 and A03 tie for the 2nd place: both advance. Finalists rank first
  // (0.3 * 90 = 27, 0.3 * 80 = 24), then the eliminated by their stage rank.
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A01", "A02", "A03", "A04", "A06", "A05"));
  EXPECT_THAT(s.Ranks({"A01", "A02", "A03", "A04", "A06", "A05"}), ElementsAre(1, 2, 2, 4, 4, 6));
  EXPECT_EQ(s.Row("A03").stage, 1);
  EXPECT_EQ(s.Row("A04").stage, 0);
  EXPECT_NEAR(s.Total("A01"), 27, kTolerance);
  EXPECT_NEAR(s.Total("A04"), 70, kTolerance);
  EXPECT_FALSE(s.Row("A01").complete);  // the final is not marked yet
  EXPECT_TRUE(s.Row("A04").complete);   // everything up to its stage is in

  s.MustMark("A01", "t:finale.f", 70);
  s.MustMark("A02", "t:finale.f", 80);
  s.MustMark("A03", "t:finale.f", 75);
  s.Recompute();
  // 0.7 * final + 0.3 * preliminary: A01 49 + 27, A02 56 + 24, A03 52.5 + 24.
  EXPECT_NEAR(s.Total("A01"), 76, kTolerance);
  EXPECT_NEAR(s.Total("A02"), 80, kTolerance);
  EXPECT_NEAR(s.Total("A03"), 76.5, kTolerance);
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A02", "A03", "A01", "A04", "A06", "A05"));
  EXPECT_THAT(s.Ranks({"A02", "A03", "A01", "A04", "A06", "A05"}), ElementsAre(1, 2, 3, 4, 4, 6));
  EXPECT_TRUE(s.Row("A01").complete);

  const Explanation finalist = s.engine().Explain(s.Bib("A01"));
  ASSERT_EQ(finalist.stages.size(), 2u);
  EXPECT_EQ(finalist.stages[0].stage_rank, 1);
  EXPECT_TRUE(finalist.stages[0].advanced);
  EXPECT_NEAR(finalist.stages[0].total, 90, kTolerance);
  EXPECT_NEAR(finalist.stages[1].carried, 27, kTolerance);
  EXPECT_NEAR(finalist.stages[1].total, 76, kTolerance);
  EXPECT_EQ(finalist.stages[1].stage_rank, 3);
  EXPECT_FALSE(finalist.stages[1].advanced);
  EXPECT_EQ(Rounded(finalist.stages.back().total), finalist.standing.total);

  const Explanation eliminated = s.engine().Explain(s.Bib("A06"));
  ASSERT_EQ(eliminated.stages.size(), 1u);
  EXPECT_EQ(eliminated.stages[0].stage_rank, 4);
  EXPECT_FALSE(eliminated.stages[0].advanced);
}

TEST(ScoringEngineTest, AbsentContestantDoesNotTakeAnAdvancementPlace) {
  ContestBuilder b = StagedContest();
  for (int i = 1; i <= 4; ++i) b.Add(Numbered('A', i));
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  const std::vector<double> prelim = {90, 80, 70, 60};
  for (int i = 0; i < 4; ++i) s.MustMark(Numbered('A', i + 1), "t:prelim.p", prelim[i]);
  ASSERT_THAT(s.SetStatus("A01", ContestantStatus::kWithdrawn), IsOk());
  s.Recompute();
  EXPECT_EQ(s.Row("A02").stage, 1);
  EXPECT_EQ(s.Row("A03").stage, 1);
  EXPECT_EQ(s.Row("A04").stage, 0);
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A02", "A03", "A04", "A01"));
}

// --- Normalization -----------------------------------------------------------------------

// One judged item `form` (max 10), a panel of J1 and J2, mean rule.
ContestBuilder PanelContest(Normalization normalization) {
  ItemSpec form = Judged("form", 2);
  form.normalization = normalization;
  ContestBuilder b({Trade("t", {EventDef("main", 100, {form})})});
  b.Assign("J1", "t", "main", "form").Assign("J2", "t", "main", "form");
  for (const char* bib : {"A01", "A02", "A03"}) b.Add(bib);
  return b;
}

TEST(ScoringEngineTest, JudgeZScoreMapsEachJudgeToThePooledMeanAndSd) {
  Scoring s(PanelContest(Normalization::kJudgeZScore).Build());
  ASSERT_TRUE(s.ready());
  // J1: 6, 7, 8 (mean 7, SD sqrt(2/3)); J2: 4, 5, 9 (mean 6, SD sqrt(14/3)).
  const std::vector<double> j1 = {6, 7, 8}, j2 = {4, 5, 9};
  for (int i = 0; i < 3; ++i) {
    s.MustMark(Numbered('A', i + 1), "t:main.form", j1[i], "J1");
    s.MustMark(Numbered('A', i + 1), "t:main.form", j2[i], "J2");
  }
  s.Recompute();
  // Pooled: mean 39/6 = 6.5, variance 271/6 - 6.5^2 = 35/12.
  const double pooled_mean = 6.5, pooled_sd = std::sqrt(35.0 / 12);
  const double sd1 = std::sqrt(2.0 / 3), sd2 = std::sqrt(14.0 / 3);
  auto z1 = [&](double x) { return (x - 7) / sd1 * pooled_sd + pooled_mean; };
  auto z2 = [&](double x) { return (x - 6) / sd2 * pooled_sd + pooled_mean; };
  for (int i = 0; i < 3; ++i) {
    const std::string bib = Numbered('A', i + 1);
    const double item = (z1(j1[i]) + z2(j2[i])) / 2;
    const Explanation x = s.engine().Explain(s.Bib(bib));
    ASSERT_EQ(x.events.size(), 1u);
    ASSERT_EQ(x.events[0].items.size(), 1u);
    EXPECT_NEAR(x.events[0].items[0].score, item, kTolerance) << bib;
    EXPECT_NEAR(x.stages.back().total, item, kTolerance) << bib;
    EXPECT_EQ(s.Total(bib), Rounded(item)) << bib;
  }
  // By hand: A01 (4.408350 + 4.918861) / 2 = 4.6636056, published 4.66.
  EXPECT_NEAR(s.engine().Explain(s.Bib("A01")).stages[0].total, 4.6636056, 1e-6);
  EXPECT_NEAR(s.engine().Explain(s.Bib("A03")).stages[0].total, 8.7316792, 1e-6);
  EXPECT_NEAR(s.Total("A01"), 4.66, kTolerance);
  EXPECT_NEAR(s.Total("A02"), 6.10, kTolerance);
  EXPECT_NEAR(s.Total("A03"), 8.73, kTolerance);

  const Explanation x = s.engine().Explain(s.Bib("A01"));
  const std::vector<ExplainedMark>& marks = x.events[0].items[0].marks;
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[0].judge, s.Judge("J1"));
  EXPECT_EQ(marks[0].raw, 6);
  EXPECT_NEAR(marks[0].adjusted, z1(6), kTolerance);
  EXPECT_NEAR(marks[0].judge_scale, pooled_sd / sd1, kTolerance);
  EXPECT_NEAR(marks[0].judge_offset, pooled_mean - 7 * pooled_sd / sd1, kTolerance);
  EXPECT_NEAR(marks[1].adjusted, z2(4), kTolerance);
}

TEST(ScoringEngineTest, WithoutNormalizationItemIsTheMeanOfRawMarks) {
  Scoring s(PanelContest(Normalization::kNone).Build());
  ASSERT_TRUE(s.ready());
  const std::vector<double> j1 = {6, 7, 8}, j2 = {4, 5, 9};
  for (int i = 0; i < 3; ++i) {
    s.MustMark(Numbered('A', i + 1), "t:main.form", j1[i], "J1");
    s.MustMark(Numbered('A', i + 1), "t:main.form", j2[i], "J2");
  }
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 5, kTolerance);
  EXPECT_NEAR(s.Total("A02"), 6, kTolerance);
  EXPECT_NEAR(s.Total("A03"), 8.5, kTolerance);
}

TEST(ScoringEngineTest, JudgeZScoreShiftsAJudgeWithEqualMarksToThePooledMean) {
  Scoring s(PanelContest(Normalization::kJudgeZScore).Build());
  ASSERT_TRUE(s.ready());
  // J1: 5, 5, 5; J2: 4, 6, 8. Pooled mean 5.5, variance 191/6 - 5.5^2 = 19/12.
  const std::vector<double> j2 = {4, 6, 8};
  for (int i = 0; i < 3; ++i) {
    s.MustMark(Numbered('A', i + 1), "t:main.form", 5, "J1");
    s.MustMark(Numbered('A', i + 1), "t:main.form", j2[i], "J2");
  }
  s.Recompute();
  const double pooled_sd = std::sqrt(19.0 / 12), sd2 = std::sqrt(8.0 / 3);
  for (int i = 0; i < 3; ++i) {
    const double adjusted2 = (j2[i] - 6) / sd2 * pooled_sd + 5.5;
    const Explanation x = s.engine().Explain(s.Bib(Numbered('A', i + 1)));
    ASSERT_EQ(x.events[0].items[0].marks.size(), 2u);
    EXPECT_NEAR(x.events[0].items[0].marks[0].adjusted, 5.5, kTolerance) << i;
    EXPECT_NEAR(x.events[0].items[0].marks[1].adjusted, adjusted2, kTolerance) << i;
    EXPECT_NEAR(x.events[0].items[0].score, (5.5 + adjusted2) / 2, kTolerance) << i;
  }
  // J2's 4 and 8 map to 5.5 -+ sqrt(19/12) * sqrt(3/2) = 5.5 -+ 1.5411035.
  EXPECT_NEAR(s.Total("A01"), 4.73, kTolerance);  // (5.5 + 3.9588965) / 2
  EXPECT_NEAR(s.Total("A02"), 5.5, kTolerance);
  EXPECT_NEAR(s.Total("A03"), 6.27, kTolerance);  // (5.5 + 7.0411035) / 2
}

// --- Rasch (many-facet) normalization ------------------------------------------

// J1 marks everyone; J2 marks A01-A04 as J1 does; J3 marks A05-A08 two points
// below J1. A03 and A07 are equally good by the judge who saw both.
ContestBuilder HarshPanelContest(Normalization normalization) {
  ItemSpec form = Judged("form", 2);
  form.step = 1;
  form.normalization = normalization;
  ContestBuilder b({Trade("t", {EventDef("main", 100, {form})})});
  b.Assign("J1", "t", "main", "form")
      .Assign("J2", "t", "main", "form", "A01", "A04")
      .Assign("J3", "t", "main", "form", "A05", "A08");
  for (int i = 1; i <= 8; ++i) b.Add(Numbered('A', i));
  return b;
}

void MarkHarshPanel(Scoring& s, bool recompute_after_each = false) {
  const int j1[8] = {6, 7, 8, 5, 6, 7, 8, 5};
  for (int i = 0; i < 8; ++i) {
    const std::string bib = Numbered('A', i + 1);
    s.MustMark(bib, "t:main.form", j1[i], "J1");
    if (recompute_after_each) s.Recompute();
    s.MustMark(bib, "t:main.form", i < 4 ? j1[i] : j1[i] - 2, i < 4 ? "J2" : "J3");
    if (recompute_after_each) s.Recompute();
  }
}

TEST(ScoringEngineTest, RaschFairMarksUndoAHarshJudge) {
  Scoring plain(HarshPanelContest(Normalization::kNone).Build());
  ASSERT_TRUE(plain.ready());
  MarkHarshPanel(plain);
  plain.Recompute();
  EXPECT_NEAR(plain.Total("A03") - plain.Total("A07"), 1.0, kTolerance);
  EXPECT_LT(plain.Rank("A03"), plain.Rank("A07"));

  Scoring s(HarshPanelContest(Normalization::kRasch).Build());
  ASSERT_TRUE(s.ready());
  MarkHarshPanel(s);
  s.Recompute();
  // Equal by J1, and J3's marks are read against J3's severity: the 1-point
  // gap nearly closes (not fully: 16 marks say little, and the prior keeps
  // J3's perfectly consistent severity finite).
  EXPECT_NEAR(s.Total("A03"), s.Total("A07"), 0.2);
  EXPECT_NEAR(s.Total("A01"), s.Total("A05"), 0.2);
  const Explanation x = s.engine().Explain(s.Bib("A07"));
  const ExplainedItem& item = x.events[0].items[0];
  ASSERT_TRUE(item.rasch.has_value());
  EXPECT_TRUE(item.rasch->applied) << item.rasch->note;
  EXPECT_NEAR(item.score, item.rasch->fair_mark, kTolerance);
  ASSERT_EQ(item.marks.size(), 2u);
  ASSERT_TRUE(item.marks[0].judge_severity && item.marks[1].judge_severity);
  const double j1 = *item.marks[0].judge_severity, j3 = *item.marks[1].judge_severity;
  EXPECT_GT(j3, j1 + 1.0) << "J3 should be estimated as the harsher judge";
  EXPECT_GT(item.rasch->standard_error, 0);
  // The ranking follows the fair marks: A03 and A07 above A02 and A06.
  EXPECT_LT(s.Rank("A07"), s.Rank("A02"));
  EXPECT_LT(s.Rank("A07"), s.Rank("A06"));
}

TEST(ScoringEngineTest, RaschWithTooFewMarksKeepsThePanelMeanAndSaysWhy) {
  Scoring s(HarshPanelContest(Normalization::kRasch).Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.form", 6, "J1");
  s.MustMark("A01", "t:main.form", 6, "J2");
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 6, kTolerance);
  const Explanation x = s.engine().Explain(s.Bib("A01"));
  ASSERT_TRUE(x.events[0].items[0].rasch.has_value());
  EXPECT_FALSE(x.events[0].items[0].rasch->applied);
  EXPECT_THAT(x.events[0].items[0].rasch->note, HasSubstr("fewer than two different marks"));
}

TEST(ScoringEngineTest, RaschRefusesADisconnectedPlanNamingTheJudgeGroups) {
  // J1 + J2 mark A01-A04, J3 + J4 mark A05-A08: no judge links the halves.
  ItemSpec form = Judged("form", 2);
  form.step = 1;
  form.normalization = Normalization::kRasch;
  ContestBuilder b({Trade("t", {EventDef("main", 100, {form})})});
  b.Assign("J1", "t", "main", "form", "A01", "A04")
      .Assign("J2", "t", "main", "form", "A01", "A04")
      .Assign("J3", "t", "main", "form", "A05", "A08")
      .Assign("J4", "t", "main", "form", "A05", "A08");
  for (int i = 1; i <= 8; ++i) b.Add(Numbered('A', i));
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  for (int i = 1; i <= 8; ++i) {
    const std::string bib = Numbered('A', i);
    const bool first = i <= 4;
    s.MustMark(bib, "t:main.form", 4 + i % 4, first ? "J1" : "J3");
    s.MustMark(bib, "t:main.form", 3 + i % 4, first ? "J2" : "J4");
  }
  s.Recompute();
  const Explanation x = s.engine().Explain(s.Bib("A06"));
  ASSERT_TRUE(x.events[0].items[0].rasch.has_value());
  EXPECT_FALSE(x.events[0].items[0].rasch->applied);
  EXPECT_THAT(x.events[0].items[0].rasch->note,
              HasSubstr("judging plan is not connected: the judges {J1, J2} and {J3, J4} never "
                        "rated a common contestant"));
  // The plain panel mean stands: (6 + 5) / 2.
  EXPECT_NEAR(s.Total("A06"), 5.5, kTolerance);
  for (const JudgeItemStats& judge : s.engine().JudgeAnalytics(0)) {
    EXPECT_FALSE(judge.rasch.has_value());
  }
}

TEST(ScoringEngineTest, RaschLiveUpdatesAgreeWithOneRecomputeOfTheSameMarks) {
  Scoring live(HarshPanelContest(Normalization::kRasch).Build());
  Scoring replay(HarshPanelContest(Normalization::kRasch).Build());
  ASSERT_TRUE(live.ready() && replay.ready());
  MarkHarshPanel(live, /*recompute_after_each=*/true);
  ASSERT_THAT(live.Correct("A06", "t:main.form", 6, "J3"), IsOk());
  live.Recompute();
  MarkHarshPanel(replay);
  ASSERT_THAT(replay.Correct("A06", "t:main.form", 6, "J3"), IsOk());
  replay.Recompute();
  EXPECT_EQ(RowsOf(live.standings()), RowsOf(replay.standings()));
  EXPECT_EQ(EventScoresOf(live.standings()), EventScoresOf(replay.standings()));
  for (int i = 1; i <= 8; ++i) {
    const std::string bib = Numbered('A', i);
    EXPECT_NEAR(live.engine().Explain(live.Bib(bib)).stages[0].total,
                replay.engine().Explain(replay.Bib(bib)).stages[0].total, 1e-9)
        << bib;
  }
}

// --- Judge analytics ------------------------------------------------------------

TEST(ScoringEngineTest, JudgeAnalyticsShowALenientJudgeDroppedAndFlagged) {
  // Five judges, drop 1 + 1, tolerance 3: J5 marks 4 above the others.
  ItemSpec form = Judged("form", 5, PanelRule::kTrimmed);
  form.tolerance = 3;
  ContestBuilder b({Trade("t", {EventDef("main", 100, {form})})});
  for (const char* judge : {"J1", "J2", "J3", "J4", "J5"}) b.Assign(judge, "t", "main", "form");
  for (const char* bib : {"A01", "A02", "A03", "A04"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  const double base[4] = {5, 6, 4, 5};
  for (int i = 0; i < 4; ++i) {
    const std::string bib = Numbered('A', i + 1);
    s.MustMark(bib, "t:main.form", base[i], "J1");
    s.MustMark(bib, "t:main.form", base[i] + 0.5, "J2");
    s.MustMark(bib, "t:main.form", base[i], "J3");
    s.MustMark(bib, "t:main.form", base[i] - 0.5, "J4");
    if (i < 3) s.MustMark(bib, "t:main.form", base[i] + 4, "J5");  // A04 not yet
  }
  s.Recompute();
  const std::vector<JudgeItemStats> stats = s.engine().JudgeAnalytics(0);
  ASSERT_EQ(stats.size(), 5u);
  const JudgeItemStats& j5 = stats[4];
  EXPECT_EQ(j5.judge, s.Judge("J5"));
  EXPECT_EQ(j5.item, s.Item("t:main.form"));
  EXPECT_EQ(j5.marks, 3);
  EXPECT_EQ(j5.compared, 3);
  // Others average base (5 + 5.5 + 5 + 4.5) / 4 = base: J5 is 4 above.
  EXPECT_NEAR(j5.mean_deviation, 4, kTolerance);
  EXPECT_NEAR(j5.mean_absolute_deviation, 4, kTolerance);
  EXPECT_EQ(j5.dropped, 3);  // always the top mark
  EXPECT_NEAR(j5.dropped_share(), 1, kTolerance);
  EXPECT_EQ(j5.spread_outliers, 3);  // spread 4.5 > 3 on every full panel
  EXPECT_FALSE(j5.rasch.has_value());
  const JudgeItemStats& j1 = stats[0];
  EXPECT_EQ(j1.marks, 4);
  EXPECT_EQ(j1.spread_outliers, 0);
  // J1 against the others: A01-A03 (5.5 + 5 + 4.5 + 9) / 4 = base + 1;
  // A04 (5.5 + 5 + 4.5) / 3 = base.  Mean deviation -3/4.
  EXPECT_NEAR(j1.mean_deviation, -0.75, kTolerance);
  EXPECT_EQ(stats[3].dropped, 4);  // J4 is always the lowest
}

TEST(ScoringEngineTest, JudgeAnalyticsCarryRaschSeverityAndFit) {
  Scoring s(HarshPanelContest(Normalization::kRasch).Build());
  ASSERT_TRUE(s.ready());
  MarkHarshPanel(s);
  s.Recompute();
  const std::vector<JudgeItemStats> stats = s.engine().JudgeAnalytics(0);
  ASSERT_EQ(stats.size(), 3u);
  for (const JudgeItemStats& judge : stats) {
    ASSERT_TRUE(judge.rasch.has_value()) << judge.judge;
    EXPECT_GT(judge.rasch->standard_error, 0);
    EXPECT_GT(judge.rasch->infit, 0);
  }
  EXPECT_EQ(stats[2].judge, s.Judge("J3"));
  EXPECT_GT(stats[2].rasch->severity, stats[0].rasch->severity + 1);
  EXPECT_NEAR(stats[2].mean_deviation, -2, kTolerance);
}

// --- Skating system and recalls ---------------------------------------------------

ItemSpec Dance(std::string id, int judges, int most_finalists) {
  ItemSpec dance = Judged(std::move(id), judges, PanelRule::kMean, most_finalists);
  dance.step = 1;
  return dance;
}

// Preliminary by crosses (advance 4), then a final of two dances placed by
// three judges under the skating system.
ContestBuilder DanceSportContest() {
  ItemSpec cross = Judged("cross", 3, PanelRule::kMean, 1);
  cross.step = 1;
  EventSpec preliminary = EventDef("round1", 100, {cross}, "preliminary");
  preliminary.ranking = EventRanking::kRecalls;
  EventSpec final_event =
      EventDef("final", 100, {Dance("waltz", 3, 6), Dance("tango", 3, 6)}, "final");
  final_event.ranking = EventRanking::kSkating;
  TradeSpec trade = Trade("std", {preliminary, final_event});
  trade.stages[0].id = "final";
  StageSpec round1;
  round1.id = "preliminary";
  round1.name = "预赛";
  round1.advance = 4;
  trade.stages.insert(trade.stages.begin(), round1);
  trade.awards = {ByCount("gold", 1), ByCount("silver", 1)};
  ContestBuilder b({trade});
  for (const char* judge : {"J1", "J2", "J3"}) b.Assign(judge, "std");
  for (const char* bib : {"D01", "D02", "D03", "D04", "D05"}) b.Add(bib);
  return b;
}

void MarkRecalls(Scoring& s) {
  // Crosses: D01 3, D02 3, D03 2, D04 2, D05 0 -> D01-D04 go on.
  const int crosses[5][3] = {{1, 1, 1}, {1, 1, 1}, {1, 1, 0}, {0, 1, 1}, {0, 0, 0}};
  for (int c = 0; c < 5; ++c) {
    for (int j = 0; j < 3; ++j) {
      s.MustMark(Numbered('D', c + 1), "std:round1.cross", crosses[c][j],
                 "J" + std::to_string(j + 1));
    }
  }
}

// placings[dance][judge][contestant D01..D04].
void MarkPlacings(Scoring& s, const int placings[2][3][4]) {
  const char* dances[2] = {"std:final.waltz", "std:final.tango"};
  for (int d = 0; d < 2; ++d) {
    for (int j = 0; j < 3; ++j) {
      for (int c = 0; c < 4; ++c) {
        s.MustMark(Numbered('D', c + 1), dances[d], placings[d][j][c], "J" + std::to_string(j + 1));
      }
    }
  }
}

TEST(ScoringEngineTest, RecallsCountCrossesAndAdvanceTheTopN) {
  Scoring s(DanceSportContest().Build());
  ASSERT_TRUE(s.ready());
  MarkRecalls(s);
  s.Recompute();
  EXPECT_EQ(s.EventScore("D01", 0), 3);
  EXPECT_EQ(s.EventScore("D03", 0), 2);
  EXPECT_EQ(s.EventScore("D05", 0), 0);
  const Explanation x = s.engine().Explain(s.Bib("D04"));
  ASSERT_EQ(x.stages.size(), 2u);
  EXPECT_TRUE(x.stages[0].advanced);
  EXPECT_EQ(x.stages[0].stage_rank, 3);  // tied with D03 on 2 crosses
  EXPECT_EQ(s.engine().Explain(s.Bib("D05")).stages.size(), 1u);
  // The final has no placings yet: the finalists wait, unplaced, and no one
  // has an award.
  EXPECT_EQ(s.Awards({"D01", "D02", "D03", "D04"}), (std::vector<std::string>{"", "", "", ""}));
  // The final has no placings yet: the finalists wait, unplaced.
  ASSERT_TRUE(x.stages[1].skating.has_value());
  EXPECT_FALSE(x.stages[1].skating->result.has_value());
  EXPECT_THAT(x.stages[1].skating->note, HasSubstr("waiting for placings: judge J1"));
}

TEST(ScoringEngineTest, SkatingFinalRanksByPlacesAndSharesAnUnbreakableTie) {
  Scoring s(DanceSportContest().Build());
  ASSERT_TRUE(s.ready());
  MarkRecalls(s);
  // Waltz: D01 1st (two firsts), D02 2nd, D03 3rd, D04 4th. Tango: D02 1st,
  // D01 2nd, D03 3rd (two 3rd-or-better), D04 4th. Rule 9: D01 and D02 both
  // sum 3. Rule 10: each won 1st once, sums 1 and 1. Rule 11 (6 marks each,
  // majority 4): 1st places 3 and 3; 1st-2nd 6 and 6 with sums 9 and 9; no
  // column separates them, so they share 1st and 2nd: place 1.5 each.
  const int placings[2][3][4] = {{{1, 2, 3, 4}, {1, 2, 3, 4}, {2, 1, 3, 4}},
                                 {{2, 1, 3, 4}, {2, 1, 4, 3}, {1, 2, 3, 4}}};
  MarkPlacings(s, placings);
  s.Recompute();
  EXPECT_EQ(s.Total("D01"), 1.5);
  EXPECT_EQ(s.Total("D02"), 1.5);
  EXPECT_EQ(s.Total("D03"), 3);
  EXPECT_EQ(s.Total("D04"), 4);
  EXPECT_EQ(s.Ranks({"D01", "D02", "D03", "D04", "D05"}), (std::vector<int>{1, 1, 3, 4, 5}));
  EXPECT_EQ(s.Awards({"D01", "D02", "D03"}), (std::vector<std::string>{"gold", "gold", ""}));
  const Explanation x = s.engine().Explain(s.Bib("D01"));
  ASSERT_TRUE(x.stages[1].skating.has_value());
  const ExplainedSkating& skating = *x.stages[1].skating;
  ASSERT_TRUE(skating.result.has_value()) << skating.note;
  EXPECT_EQ(skating.contestants.size(), 4u);
  EXPECT_EQ(skating.result->rule[0], 11);
  EXPECT_EQ(skating.result->dances[0].place, (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(skating.result->dances[1].place, (std::vector<double>{2, 1, 3, 4}));
  EXPECT_EQ(s.engine().SkatingStages(0).size(), 1u);

  // J1 corrects the waltz, swapping D01 and D02: D02 now has two firsts in
  // the waltz too, wins both dances and sums 2.
  ASSERT_THAT(s.Correct("D02", "std:final.waltz", 1, "J1"), IsOk());
  ASSERT_THAT(s.Correct("D01", "std:final.waltz", 2, "J1"), IsOk());
  s.Recompute();
  EXPECT_EQ(s.Leaderboard(), (std::vector<std::string>{"D02", "D01", "D03", "D04", "D05"}));
  EXPECT_EQ(s.Total("D02"), 1);
}

TEST(ScoringEngineTest, SkatingWithADuplicatePlacingWaitsAndSaysWhy) {
  Scoring s(DanceSportContest().Build());
  ASSERT_TRUE(s.ready());
  MarkRecalls(s);
  // J2 places D03 and D04 both 3rd in the tango.
  const int placings[2][3][4] = {{{1, 2, 3, 4}, {1, 2, 3, 4}, {2, 1, 3, 4}},
                                 {{2, 1, 3, 4}, {2, 1, 3, 3}, {1, 2, 3, 4}}};
  MarkPlacings(s, placings);
  s.Recompute();
  EXPECT_EQ(s.Total("D01"), 0);
  const Explanation x = s.engine().Explain(s.Bib("D01"));
  ASSERT_TRUE(x.stages[1].skating.has_value());
  EXPECT_FALSE(x.stages[1].skating->result.has_value());
  EXPECT_THAT(x.stages[1].skating->note, HasSubstr("judge 2"));
  EXPECT_THAT(x.stages[1].skating->note, HasSubstr("3 appears twice"));
}

TEST(ScoringEngineTest, SkatingEventsMustBeAloneInTheirStageWithPlacingItems) {
  ContestBuilder b = DanceSportContest();
  b.trade().events[1].items[0].step = 0.5;
  b.trade().events.push_back(EventDef("extra", 10, {Judged("style", 3)}, "final"));
  std::vector<Problem> problems;
  EXPECT_THAT(Competition::Create(b.spec(), b.roster(), &problems),
              StatusIs(StatusCode::kInvalidArgument));
  std::string all;
  for (const Problem& p : problems) all += p.message + "\n";
  EXPECT_THAT(all, HasSubstr("a skating event's items are dances judged by placings"));
  EXPECT_THAT(all, HasSubstr("a skating event decides its stage alone"));
}

// An event with `score` (max 100) standardized to centre 100, spread 10.
ContestBuilder StandardizedContest(Estimator estimator) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  Standardization& standardize = b.trade().events[0].standardize;
  standardize.enabled = true;
  standardize.centre = 100;
  standardize.spread = 10;
  standardize.estimator = estimator;
  return b;
}

TEST(ScoringEngineTest, EventStandardizationBySd) {
  ContestBuilder b = StandardizedContest(Estimator::kSd);
  for (const char* bib : {"A01", "A02", "A03", "A04"}) b.Add(bib);
  b.Add("A05", "", "", "", ContestantStatus::kAbsent);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.score", 10);
  s.MustMark("A02", "t:main.score", 20);
  s.MustMark("A03", "t:main.score", 30);
  s.MustMark("A05", "t:main.score", 50);  // absent: not part of the scale
  s.Recompute();                          // A04 has no mark: not part of the scale
  // Mean 20, SD sqrt(200/3) = 8.1649658: 100 -+ 12.2474487.
  const double sd = std::sqrt(200.0 / 3);
  const ExplainedEvent a01 = s.engine().Explain(s.Bib("A01")).events[0];
  EXPECT_NEAR(a01.raw_score, 10, kTolerance);
  EXPECT_NEAR(a01.score, 100 - 10 * 10 / sd, kTolerance);
  EXPECT_NEAR(s.EventScore("A01", 0), 87.75, kTolerance);
  EXPECT_NEAR(s.EventScore("A02", 0), 100, kTolerance);
  EXPECT_NEAR(s.EventScore("A03", 0), 112.25, kTolerance);
  EXPECT_NEAR(s.Total("A03"), 112.25, kTolerance);
  EXPECT_NEAR(s.EventScore("A04", 0), 0, kTolerance);
  EXPECT_NEAR(s.EventScore("A05", 0), 50, kTolerance);
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A03", "A02", "A01", "A04", "A05"));
}

TEST(ScoringEngineTest, EventStandardizationByMedianAndMad) {
  ContestBuilder b = StandardizedContest(Estimator::kMad);
  for (const char* bib : {"A01", "A02", "A03", "A04"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  const std::vector<double> scores = {10, 20, 30, 60};
  for (int i = 0; i < 4; ++i) s.MustMark(Numbered('A', i + 1), "t:main.score", scores[i]);
  s.Recompute();
  // Median 25; absolute deviations 15, 5, 5, 35 -> MAD 10 * 1.4826.
  const double mad = 10 * 1.4826;
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(s.engine().Explain(s.Bib(Numbered('A', i + 1))).events[0].score,
                100 + 10 * (scores[i] - 25) / mad, kTolerance);
  }
  EXPECT_NEAR(s.EventScore("A01", 0), 89.88, kTolerance);
  EXPECT_NEAR(s.EventScore("A02", 0), 96.63, kTolerance);
  EXPECT_NEAR(s.EventScore("A03", 0), 103.37, kTolerance);
  EXPECT_NEAR(s.EventScore("A04", 0), 123.61, kTolerance);
}

TEST(ScoringEngineTest, TotalStandardizationRescalesTheTotal) {
  ContestBuilder b({Trade("t", {EventDef("theory", 30, {Measurement("exam")}),
                                EventDef("practical", 70, {Measurement("skill")})})});
  b.Marker();
  b.trade().total_standardize = {.enabled = true, .centre = 700, .spread = 30};
  for (const char* bib : {"A01", "A02"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:theory.exam", 80);
  s.MustMark("A01", "t:practical.skill", 60);  // 66
  s.MustMark("A02", "t:theory.exam", 60);
  s.MustMark("A02", "t:practical.skill", 90);  // 81
  s.Recompute();
  // Two values: mean 73.5, SD 7.5 -> 700 -+ 30.
  EXPECT_NEAR(s.Total("A01"), 670, kTolerance);
  EXPECT_NEAR(s.Total("A02"), 730, kTolerance);
  // Event scores are not standardized.
  EXPECT_NEAR(s.EventScore("A01", 1), 60, kTolerance);
  // The explanation keeps the total before standardization.
  const Explanation a01 = s.engine().Explain(s.Bib("A01"));
  ASSERT_EQ(a01.stages.size(), 1u);
  EXPECT_NEAR(a01.stages[0].raw_total, 66, kTolerance);
  EXPECT_NEAR(a01.stages[0].total, 670, kTolerance);
  EXPECT_NEAR(a01.events[1].raw_score, 60, kTolerance);
}

TEST(ScoringEngineTest, UnstandardizedScoresExplainTheirRawValuesAsThemselves) {
  ContestBuilder b({Trade("t", {EventDef("theory", 30, {Measurement("exam")}),
                                EventDef("practical", 70, {Measurement("skill")})})});
  b.Marker();
  b.Add("A01");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:theory.exam", 80);
  s.MustMark("A01", "t:practical.skill", 60);
  s.Recompute();
  const Explanation a01 = s.engine().Explain(s.Bib("A01"));
  ASSERT_EQ(a01.stages.size(), 1u);
  EXPECT_NEAR(a01.stages[0].raw_total, 66, kTolerance);
  EXPECT_EQ(a01.stages[0].raw_total, a01.stages[0].total);
  ASSERT_EQ(a01.events.size(), 2u);
  EXPECT_NEAR(a01.events[0].raw_score, 80, kTolerance);
  EXPECT_EQ(a01.events[1].raw_score, a01.events[1].score);
}

// --- Corrections and refused events ---------------------------------------------------------

TEST(ScoringEngineTest, CorrectionReplacesAndVoidRemovesAMark) {
  Scoring s(PanelContest(Normalization::kNone).Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.form", 6, "J1");
  s.MustMark("A01", "t:main.form", 8, "J2");
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 7, kTolerance);
  EXPECT_TRUE(s.Row("A01").complete);

  ASSERT_THAT(s.Correct("A01", "t:main.form", 9, "J1"), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 8.5, kTolerance);

  ASSERT_THAT(s.Void("A01", "t:main.form", "J2"), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 9, kTolerance);
  EXPECT_FALSE(s.Row("A01").complete);

  // A voided mark cannot be corrected or voided again; it can be entered anew.
  EXPECT_THAT(s.engine().Validate(CorrectionEvent{.mark = s.MakeMark("A01", "t:main.form", 5, "J2"),
                                                  .reason = "x"}),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(s.Void("A01", "t:main.form", "J2"), StatusIs(StatusCode::kFailedPrecondition));
  s.MustMark("A01", "t:main.form", 5, "J2");
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 7, kTolerance);
}

TEST(ScoringEngineTest, LaterMarkBySameJudgeReplacesTheEarlierOne) {
  Scoring s(PanelContest(Normalization::kNone).Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.form", 6, "J1");
  s.MustMark("A01", "t:main.form", 10, "J1");
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 10, kTolerance);
  EXPECT_EQ(s.engine().Explain(s.Bib("A01")).events[0].items[0].marks.size(), 1u);
}

TEST(ScoringEngineTest, PenaltiesCanBeRevoked) {
  ContestBuilder b = TheoryPractical();
  b.Add("A01");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:practical.gas", 10);
  ASSERT_THAT(s.Penalize("A01", "t:practical.gas", "unsafe", 3), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.EventScore("A01", 1), 4, kTolerance);
  ASSERT_THAT(s.Penalize("A01", "t:practical.gas", "unsafe", -2), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.EventScore("A01", 1), 8, kTolerance);
  EXPECT_NEAR(s.Total("A01"), 5.6, kTolerance);
}

// Every refused event leaves the engine as it was: same counts, same snapshot.
class RefusedEventTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ItemSpec form = WithPenalty(Judged("form", 2), "unsafe", 1);
    ContestBuilder b(
        {Trade("t", {EventDef("main", 60, {form}), EventDef("extra", 40, {Judged("style", 1)})}),
         ScoreTrade("other")});
    b.Assign("J1", "t", "main", "form").Assign("J2", "t", "main", "form");
    // J3 marks `style` for bibs A01-A02 only, J4 for A03.
    b.Assign("J3", "t", "extra", "style", "A01", "A02");
    b.Assign("J4", "t", "extra", "style", "A03", "A03");
    b.Assign("M", "other");
    for (const char* bib : {"A01", "A02", "A03"}) b.Add(bib, "t");
    b.Add("B01", "other");
    s_ = std::make_unique<Scoring>(b.Build());
    ASSERT_TRUE(s_->ready());
    s_->MustMark("A01", "t:main.form", 6, "J1");
    s_->MustMark("A01", "t:main.form", 7, "J2");
    s_->MustMark("A02", "t:main.form", 9, "J1");
    ASSERT_THAT(s_->Penalize("A01", "t:main.form", "unsafe", 1, "J1"), IsOk());
    before_ = s_->engine().Recompute().standings;
    events_before_ = s_->engine().events_applied();
  }

  // Expects `event` to be refused with `code` and a message matching `message`,
  // by Validate and by Apply, leaving everything unchanged.
  template <typename Matcher>
  void ExpectRefused(const Event& event, StatusCode code, Matcher message) {
    EXPECT_THAT(s_->engine().Validate(event), StatusIs(code, message));
    EXPECT_THAT(s_->engine().Apply(event), StatusIs(code, message));
    EXPECT_EQ(s_->engine().events_applied(), events_before_);
    const ScoringEngine::Update update = s_->engine().Recompute();
    EXPECT_EQ(update.standings, before_) << "a refused event published a new snapshot";
    EXPECT_TRUE(update.delta.empty());
    EXPECT_EQ(RowsOf(*update.standings), RowsOf(*before_));
    // A full recompute of the stored state agrees with the snapshot before.
    const ScoringEngine::Update full = s_->engine().RecomputeAll();
    EXPECT_EQ(RowsOf(*full.standings), RowsOf(*before_));
    EXPECT_EQ(EventScoresOf(*full.standings), EventScoresOf(*before_));
    EXPECT_TRUE(full.delta.trades.empty());
    before_ = full.standings;
  }

  std::unique_ptr<Scoring> s_;
  std::shared_ptr<const Standings> before_;
  std::uint64_t events_before_ = 0;
};

TEST_F(RefusedEventTest, MarkOutsideRange) {
  ExpectRefused(s_->MakeMark("A01", "t:main.form", 10.5, "J1"), StatusCode::kInvalidArgument,
                AllOf(HasSubstr("'t:main.form'"), HasSubstr("'J1'"), HasSubstr("'A01'"),
                      HasSubstr("10.5 outside [0, 10]")));
  ExpectRefused(s_->MakeMark("A02", "t:main.form", -0.5, "J2"), StatusCode::kInvalidArgument,
                AllOf(HasSubstr("'A02'"), HasSubstr("outside [0, 10]")));
  ExpectRefused(s_->MakeMark("A02", "t:main.form", std::nan(""), "J2"),
                StatusCode::kInvalidArgument, HasSubstr("outside"));
}

TEST_F(RefusedEventTest, MarkOffStep) {
  ExpectRefused(s_->MakeMark("A02", "t:main.form", 7.3, "J2"), StatusCode::kInvalidArgument,
                AllOf(HasSubstr("'t:main.form'"), HasSubstr("'J2'"), HasSubstr("'A02'"),
                      HasSubstr("7.3 is not a multiple of step 0.5")));
}

TEST_F(RefusedEventTest, NegativeTimeUsed) {
  ExpectRefused(s_->MakeMark("A02", "t:main.form", 7, "J2", -1), StatusCode::kInvalidArgument,
                AllOf(HasSubstr("'A02'"), HasSubstr("time used")));
}

TEST_F(RefusedEventTest, JudgeNotAssignedToTheItem) {
  ExpectRefused(s_->MakeMark("A01", "t:main.form", 5, "J3"), StatusCode::kPermissionDenied,
                AllOf(HasSubstr("'J3'"), HasSubstr("'t:main.form'")));
  ExpectRefused(s_->MakeMark("A01", "t:extra.style", 5, "J1"), StatusCode::kPermissionDenied,
                AllOf(HasSubstr("'J1'"), HasSubstr("'t:extra.style'")));
}

TEST_F(RefusedEventTest, JudgeNotAssignedToTheBib) {
  ExpectRefused(s_->MakeMark("A03", "t:extra.style", 5, "J3"), StatusCode::kPermissionDenied,
                AllOf(HasSubstr("'J3'"), HasSubstr("'A03'"), HasSubstr("'t:extra.style'")));
}

TEST_F(RefusedEventTest, ContestantInAnotherTrade) {
  ExpectRefused(s_->MakeMark("B01", "t:main.form", 5, "J1"), StatusCode::kInvalidArgument,
                AllOf(HasSubstr("'B01'"), HasSubstr("'t:main.form'")));
}

TEST_F(RefusedEventTest, IndicesOutOfRange) {
  MarkEvent mark = s_->MakeMark("A01", "t:main.form", 5, "J1");
  mark.contestant = 99;
  ExpectRefused(mark, StatusCode::kInvalidArgument, HasSubstr("contestant index 99"));
  mark = s_->MakeMark("A01", "t:main.form", 5, "J1");
  mark.item = -1;
  ExpectRefused(mark, StatusCode::kInvalidArgument, HasSubstr("item index -1"));
  mark = s_->MakeMark("A01", "t:main.form", 5, "J1");
  mark.judge = 42;
  ExpectRefused(mark, StatusCode::kInvalidArgument, HasSubstr("judge index 42"));
  ExpectRefused(StatusEvent{.contestant = -1}, StatusCode::kInvalidArgument,
                HasSubstr("contestant index -1"));
}

TEST_F(RefusedEventTest, CorrectionOfAMissingMark) {
  ExpectRefused(
      CorrectionEvent{.mark = s_->MakeMark("A03", "t:main.form", 5, "J1"), .reason = "复核"},
      StatusCode::kFailedPrecondition,
      AllOf(HasSubstr("'t:main.form'"), HasSubstr("'J1'"), HasSubstr("'A03'"),
            HasSubstr("no mark to correct")));
  // A02 has J1's mark but not J2's.
  ExpectRefused(
      CorrectionEvent{.mark = s_->MakeMark("A02", "t:main.form", 5, "J2"), .reason = "复核"},
      StatusCode::kFailedPrecondition, HasSubstr("'J2'"));
}

TEST_F(RefusedEventTest, CorrectionWithoutReason) {
  ExpectRefused(CorrectionEvent{.mark = s_->MakeMark("A01", "t:main.form", 5, "J1")},
                StatusCode::kInvalidArgument,
                AllOf(HasSubstr("'A01'"), HasSubstr("'J1'"), HasSubstr("reason")));
}

TEST_F(RefusedEventTest, CorrectionOutOfRange) {
  ExpectRefused(
      CorrectionEvent{.mark = s_->MakeMark("A01", "t:main.form", 11, "J1"), .reason = "复核"},
      StatusCode::kInvalidArgument, HasSubstr("outside [0, 10]"));
}

TEST_F(RefusedEventTest, VoidOfAMissingMark) {
  ExpectRefused(VoidMarkEvent{.contestant = s_->Bib("A03"),
                              .item = s_->Item("t:main.form"),
                              .judge = s_->Judge("J2"),
                              .reason = "x"},
                StatusCode::kFailedPrecondition,
                AllOf(HasSubstr("'A03'"), HasSubstr("'J2'"), HasSubstr("no mark to void")));
}

TEST_F(RefusedEventTest, PenaltyRevokedBelowZero) {
  const PenaltyEvent revoke{.contestant = s_->Bib("A01"),
                            .item = s_->Item("t:main.form"),
                            .penalty = 0,
                            .judge = s_->Judge("J1"),
                            .count = -2};
  ExpectRefused(revoke, StatusCode::kFailedPrecondition,
                AllOf(HasSubstr("'A01'"), HasSubstr("'unsafe'"), HasSubstr("cannot revoke 2"),
                      HasSubstr("only 1 recorded")));
  PenaltyEvent none = revoke;
  none.contestant = s_->Bib("A02");
  none.count = -1;
  ExpectRefused(none, StatusCode::kFailedPrecondition, HasSubstr("only 0 recorded"));
}

TEST_F(RefusedEventTest, PenaltyNotDefinedOrZeroCount) {
  PenaltyEvent penalty{.contestant = s_->Bib("A01"),
                       .item = s_->Item("t:main.form"),
                       .penalty = 1,
                       .judge = s_->Judge("J1"),
                       .count = 1};
  ExpectRefused(penalty, StatusCode::kInvalidArgument,
                AllOf(HasSubstr("'t:main.form'"), HasSubstr("no penalty number 1")));
  penalty.penalty = 0;
  penalty.count = 0;
  ExpectRefused(penalty, StatusCode::kInvalidArgument, HasSubstr("must not be 0"));
  penalty.count = 1;
  penalty.judge = s_->Judge("J3");
  ExpectRefused(penalty, StatusCode::kPermissionDenied, HasSubstr("'J3'"));
}

TEST_F(RefusedEventTest, AcceptedEventAfterRefusalsCountsOnce) {
  ExpectRefused(s_->MakeMark("A01", "t:main.form", 10.5, "J1"), StatusCode::kInvalidArgument,
                HasSubstr("outside"));
  s_->MustMark("A03", "t:main.form", 8, "J1");
  const ScoringEngine::Update update = s_->engine().Recompute();
  EXPECT_EQ(update.delta.from_version, events_before_);
  EXPECT_EQ(update.delta.to_version, events_before_ + 1);
  EXPECT_EQ(update.standings->version, events_before_ + 1);
}

// --- Deltas and snapshots ------------------------------------------------------------------

std::vector<std::string> DeltaBibs(const Scoring& s, const StandingsDelta& delta) {
  std::vector<std::string> bibs;
  for (const TradeDelta& trade : delta.trades) {
    for (const StandingRow& row : trade.rows) {
      bibs.push_back(s.competition().contestant(row.contestant).bib);
    }
  }
  return bibs;
}

// The leaderboard positions a trade delta says may have a new occupant or rank.
std::vector<int> DeltaPositions(const TradeDelta& trade) {
  std::vector<int> positions;
  for (const PositionSpan& span : trade.positions) {
    for (int p = span.first; p <= span.last; ++p) positions.push_back(p);
  }
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

// Positions whose occupant or rank differ between two versions of a trade.
std::vector<int> MovedPositions(const TradeStandings& before, const TradeStandings& after) {
  std::vector<int> positions;
  for (int p = 0; p < after.size(); ++p) {
    if (before.row_at(p) != after.row_at(p) || before.rank_at(p) != after.rank_at(p)) {
      positions.push_back(p);
    }
  }
  return positions;
}

// Each delta row is the new snapshot's row (rank included), with its events.
void ExpectDeltaRowsMatch(const Scoring& s, const StandingsDelta& delta, const Standings& now) {
  for (const TradeDelta& trade : delta.trades) {
    ASSERT_EQ(trade.event_scores.size(), trade.rows.size() * trade.num_events);
    for (size_t i = 0; i < trade.rows.size(); ++i) {
      const StandingRow& row = trade.rows[i];
      EXPECT_EQ(row, now.row_of(row.contestant));
      for (int e = 0; e < trade.num_events; ++e) {
        EXPECT_EQ(trade.event_scores[i * trade.num_events + e],
                  now.trades[trade.trade].event_score(s.competition().row_of(row.contestant), e));
      }
    }
  }
}

TEST(ScoringEngineTest, DeltaHasTheChangedRowAndThePositionsThatMoved) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  for (int i = 1; i <= 6; ++i) b.Add(Numbered('A', i));
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  const std::vector<double> scores = {60, 70, 80, 90, 95, 50};
  for (int i = 0; i < 6; ++i) s.MustMark(Numbered('A', i + 1), "t:main.score", scores[i]);
  const std::shared_ptr<const Standings> first = s.engine().Recompute().standings;
  EXPECT_EQ(first->version, 6u);

  // A01 60 -> 85: from 5th to 3rd; A03 and A02 move down one place each.
  ASSERT_THAT(s.Correct("A01", "t:main.score", 85), IsOk());
  const Standings& second = s.Recompute();
  const StandingsDelta& delta = s.last_update().delta;
  EXPECT_EQ(delta.from_version, 6u);
  EXPECT_EQ(delta.to_version, 7u);
  EXPECT_EQ(second.version, 7u);
  // Only A01's own values changed; the others only moved.
  EXPECT_THAT(DeltaBibs(s, delta), ElementsAre("A01"));
  ExpectDeltaRowsMatch(s, delta, second);
  ASSERT_EQ(delta.trades.size(), 1u);
  const std::vector<int> moved = MovedPositions(first->trades[0], second.trades[0]);
  EXPECT_THAT(moved, ElementsAre(2, 3, 4));
  for (const int p : moved) {
    EXPECT_THAT(DeltaPositions(delta.trades[0]), ::testing::Contains(p));
  }
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A05", "A04", "A01", "A03", "A02", "A06"));
  EXPECT_THAT(s.Ranks({"A05", "A04", "A01", "A03", "A02", "A06"}), ElementsAre(1, 2, 3, 4, 5, 6));
}

// 100 contestants: a single new mark is handled incrementally.
TEST(ScoringEngineTest, DeltaInALargeTradeHasOnlyTheMovedRange) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("first", 10)};
  for (int i = 1; i <= 99; ++i) b.Add(Numbered('A', i));
  b.Add("Z");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  // A01 99.5, A02 99, ..., A09 95.5, A10 95, ..., A99 50.5; Z has no mark yet.
  for (int i = 1; i <= 99; ++i) s.MustMark(Numbered('A', i), "t:main.score", 100 - 0.5 * i);
  std::shared_ptr<const Standings> before = s.engine().Recompute().standings;
  EXPECT_EQ(s.Rank("Z"), 100);

  // A50 75 -> 75.5 ties A49 (rank 49): only A50's row and position change.
  ASSERT_THAT(s.Correct("A50", "t:main.score", 75.5), IsOk());
  const Standings& tied = s.Recompute();
  EXPECT_THAT(DeltaBibs(s, s.last_update().delta), ElementsAre("A50"));
  ExpectDeltaRowsMatch(s, s.last_update().delta, tied);
  EXPECT_EQ(s.Rank("A50"), 49);
  EXPECT_EQ(s.Rank("A51"), 51);
  EXPECT_THAT(MovedPositions(before->trades[0], tied.trades[0]), ElementsAre(49));
  ASSERT_EQ(s.last_update().delta.trades.size(), 1u);
  EXPECT_THAT(DeltaPositions(s.last_update().delta.trades[0]), ElementsAre(49));
  before = s.engine().standings();

  // Z 95.5 ties A09 at rank 9; A10..A99 move down one rank; A10 (now 11th)
  // loses the first prize (ranks <= 10).
  s.MustMark("Z", "t:main.score", 95.5);
  const Standings& after = s.Recompute();
  const StandingsDelta& delta = s.last_update().delta;
  EXPECT_EQ(s.Rank("Z"), 9);
  EXPECT_EQ(s.Rank("A09"), 9);
  EXPECT_EQ(s.Rank("A10"), 11);
  EXPECT_EQ(s.Rank("A50"), 50);
  EXPECT_EQ(s.Rank("A99"), 100);
  EXPECT_EQ(s.Award("Z"), "first");
  EXPECT_EQ(s.Award("A09"), "first");
  EXPECT_EQ(s.Award("A10"), "");
  // Rows: Z (new total, award) and A10 (lost its award); positions 9..99.
  EXPECT_THAT(DeltaBibs(s, delta), UnorderedElementsAre("Z", "A10"));
  ExpectDeltaRowsMatch(s, delta, after);
  std::vector<int> expected_positions;
  for (int p = 9; p <= 99; ++p) expected_positions.push_back(p);
  EXPECT_EQ(MovedPositions(before->trades[0], after.trades[0]), expected_positions);
  ASSERT_EQ(delta.trades.size(), 1u);
  EXPECT_EQ(DeltaPositions(delta.trades[0]), expected_positions);
  const TradeStandings& t = after.trades[0];
  EXPECT_EQ(t.at_position(9).contestant, s.Bib("Z"));
  for (int p = 1; p < t.size(); ++p) {
    EXPECT_LE(t.rank_at(p - 1), t.rank_at(p)) << p;
  }
}

// Three contestants overtake the leaders in one recompute: everyone pushed
// below the cutoff loses the prize, not only those next to it.
TEST(ScoringEngineTest, SeveralOvertakesInOneRecomputeMoveEveryAwardPastTheCutoff) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().awards = {ByCount("first", 5), ByCount("second", 5)};
  for (int i = 1; i <= 100; ++i) b.Add(Numbered('A', i));
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  // A01..A99: 99.5 .. 50.5; A100 (bib "A100") has none yet.
  for (int i = 1; i <= 97; ++i) s.MustMark(Numbered('A', i), "t:main.score", 100 - 0.5 * i);
  s.Recompute();
  EXPECT_THAT(s.Awards({"A05", "A06", "A10", "A11"}), ElementsAre("first", "second", "second", ""));

  // A98..A100 score 100 in one batch: A03..A05 drop to 6..8, A08..A10 to 11..13.
  for (const char* bib : {"A98", "A99", "A100"}) s.MustMark(bib, "t:main.score", 100);
  s.Recompute();
  EXPECT_THAT(s.Ranks({"A98", "A99", "A100", "A01", "A02", "A03", "A07", "A08", "A10"}),
              ElementsAre(1, 1, 1, 4, 5, 6, 10, 11, 13));
  EXPECT_THAT(s.Awards({"A98", "A99", "A100", "A01", "A02"}),
              ElementsAre("first", "first", "first", "first", "first"));
  EXPECT_THAT(s.Awards({"A03", "A04", "A05", "A06", "A07"}),
              ElementsAre("second", "second", "second", "second", "second"));
  EXPECT_THAT(s.Awards({"A08", "A09", "A10"}), ElementsAre("", "", ""));
  // The full recompute agrees.
  const std::vector<StandingRow> incremental = RowsOf(s.standings());
  EXPECT_EQ(RowsOf(*s.engine().RecomputeAll().standings), incremental);
}

// A reorder by a key the rows do not publish (here the time used) changes no
// row's own values; the delta must still carry the positions that moved.
TEST(ScoringEngineTest, DeltaReportsAReorderByAnUnpublishedTieBreakKey) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.trade().ranking.tie_break = {Key("time", Order::kLower)};
  for (const char* bib : {"A01", "A02", "A03"}) b.Add(bib);
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.score", 80, "M", 100);
  s.MustMark("A02", "t:main.score", 80, "M", 100);
  s.MustMark("A03", "t:main.score", 70, "M", 100);
  const std::shared_ptr<const Standings> before = s.engine().Recompute().standings;
  EXPECT_THAT(s.Ranks({"A01", "A02", "A03"}), ElementsAre(1, 1, 3));

  // A01's mark is entered again with a longer time: A02 now leads alone.
  s.MustMark("A01", "t:main.score", 80, "M", 130);
  const Standings& after = s.Recompute();
  EXPECT_THAT(s.Leaderboard(), ElementsAre("A02", "A01", "A03"));
  EXPECT_THAT(s.Ranks({"A02", "A01", "A03"}), ElementsAre(1, 2, 3));
  const StandingsDelta& delta = s.last_update().delta;
  EXPECT_FALSE(delta.empty()) << "the leaderboard changed but the delta is empty";
  ASSERT_EQ(delta.trades.size(), 1u);
  const std::vector<int> moved = MovedPositions(before->trades[0], after.trades[0]);
  EXPECT_THAT(moved, ElementsAre(0, 1));
  for (const int p : moved) {
    EXPECT_THAT(DeltaPositions(delta.trades[0]), ::testing::Contains(p));
  }
}

TEST(ScoringEngineTest, RecomputeWithoutEventsReturnsTheSameSnapshotAndEmptyDelta) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.Add("A01");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  EXPECT_EQ(s.engine().standings(), nullptr);
  s.MustMark("A01", "t:main.score", 50);
  const ScoringEngine::Update first = s.engine().Recompute();
  const ScoringEngine::Update again = s.engine().Recompute();
  EXPECT_EQ(again.standings, first.standings);
  EXPECT_TRUE(again.delta.empty());
  EXPECT_EQ(again.delta.changed_rows(), 0u);
  EXPECT_EQ(again.delta.from_version, 1u);
  EXPECT_EQ(again.delta.to_version, 1u);
}

TEST(ScoringEngineTest, RecomputeAllWithoutNewEventsReportsNoChange) {
  ContestBuilder b = TwoTradeContest();
  b.spec().medal_tally.enabled = true;
  b.spec().medal_tally.medals = {"gold", "silver", "bronze"};
  b.spec().teams = Teams(TeamRule::kSum);
  b.spec().teams.group_by = "organization";
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  MarkTwoTradeContest(s);
  const ScoringEngine::Update first = s.engine().Recompute();
  const ScoringEngine::Update full = s.engine().RecomputeAll();
  EXPECT_EQ(RowsOf(*full.standings), RowsOf(*first.standings));
  EXPECT_EQ(full.standings->medal_tally, first.standings->medal_tally);
  EXPECT_EQ(full.standings->competition_teams, first.standings->competition_teams);
  EXPECT_TRUE(full.delta.trades.empty());
  EXPECT_FALSE(full.delta.competition_teams_changed);
  EXPECT_FALSE(full.delta.medal_tally_changed);
}

TEST(ScoringEngineTest, OlderSnapshotsStayUnchanged) {
  ContestBuilder b = TheoryPractical();
  b.trade().teams = Teams(TeamRule::kSum);
  for (int i = 1; i <= 5; ++i) b.Add(Numbered('A', i), "", i <= 3 ? "X" : "Y");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  for (int i = 1; i <= 5; ++i) s.MustMark(Numbered('A', i), "t:theory.exam", 50 + 5 * i);
  const std::shared_ptr<const Standings> old = s.engine().Recompute().standings;
  const std::vector<StandingRow> rows = RowsOf(*old);
  const std::vector<double> events = EventScoresOf(*old);
  const std::vector<int> order = OrderOf(old->trades[0]);
  const TeamRow team0 = old->trades[0].team(0);

  for (int i = 1; i <= 5; ++i) s.MustMark(Numbered('A', i), "t:practical.cpr", 20 - 2 * i);
  ASSERT_THAT(s.SetStatus("A05", ContestantStatus::kAbsent), IsOk());
  const std::shared_ptr<const Standings> now = s.engine().Recompute().standings;
  EXPECT_NE(now, old);
  EXPECT_NE(RowsOf(*now), rows);
  EXPECT_EQ(old->version, 5u);
  EXPECT_EQ(RowsOf(*old), rows);
  EXPECT_EQ(EventScoresOf(*old), events);
  EXPECT_EQ(OrderOf(old->trades[0]), order);
  EXPECT_EQ(old->trades[0].team(0), team0);
}

// --- Explain -----------------------------------------------------------------------------

TEST(ScoringEngineTest, ExplainShowsDroppedMarksPenaltiesAndTotals) {
  ItemSpec form = WithPenalty(Judged("form", 5, PanelRule::kTrimmed), "unsafe", 2);
  form.trim = 1;
  form.tolerance = 2;
  ContestBuilder b({Trade(
      "t", {EventDef("theory", 40, {Measurement("exam")}), EventDef("practical", 60, {form})})});
  for (int j = 1; j <= 5; ++j) b.Assign("J" + std::to_string(j), "t", "practical", "form");
  b.Assign("M", "t", "theory");
  b.Add("A01");
  b.Add("A02");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  // 7, 9, 8, 7, 9: the earlier 7 (J1) and the later 9 (J5) are dropped; mean of 9, 8, 7.
  const std::vector<double> marks = {7, 9, 8, 7, 9};
  for (int j = 0; j < 5; ++j) {
    s.MustMark("A01", "t:practical.form", marks[j], "J" + std::to_string(j + 1),
               j == 0 ? std::optional<double>(125) : std::nullopt);
  }
  s.MustMark("A01", "t:theory.exam", 70);
  ASSERT_THAT(s.Penalize("A01", "t:practical.form", "unsafe", 2, "J3"), IsOk());
  s.MustMark("A02", "t:theory.exam", 10);
  s.Recompute();

  const Explanation x = s.engine().Explain(s.Bib("A01"));
  EXPECT_EQ(x.contestant, s.Bib("A01"));
  EXPECT_EQ(x.trade, 0);
  EXPECT_EQ(x.standing, s.Row("A01"));
  ASSERT_EQ(x.events.size(), 2u);
  EXPECT_NEAR(x.events[0].score, 70, kTolerance);
  EXPECT_EQ(x.events[0].weight, 40);
  const ExplainedEvent& practical = x.events[1];
  ASSERT_EQ(practical.items.size(), 1u);
  const ExplainedItem& item = practical.items[0];
  EXPECT_EQ(item.item, s.Item("t:practical.form"));
  EXPECT_EQ(item.expected_marks, 5);
  EXPECT_NEAR(item.score, 8, kTolerance);
  EXPECT_FALSE(item.flagged);  // spread 2 is within the tolerance
  ASSERT_TRUE(item.time_used.has_value());
  EXPECT_EQ(*item.time_used, 125);
  std::vector<double> raw;
  std::vector<bool> dropped;
  for (const ExplainedMark& m : item.marks) {
    raw.push_back(m.raw);
    dropped.push_back(m.dropped);
    EXPECT_EQ(m.adjusted, m.raw);
  }
  EXPECT_THAT(raw, ElementsAre(7, 9, 8, 7, 9));
  EXPECT_THAT(dropped, ElementsAre(true, false, false, false, true));
  EXPECT_EQ(item.marks[4].judge, s.Judge("J5"));
  ASSERT_EQ(item.penalties.size(), 1u);
  EXPECT_EQ(item.penalties[0].penalty, 0);
  EXPECT_EQ(item.penalties[0].count, 2);
  EXPECT_NEAR(item.penalties[0].points, 4, kTolerance);
  EXPECT_NEAR(practical.weighted_items, 8, kTolerance);
  EXPECT_NEAR(practical.penalty_points, 4, kTolerance);
  EXPECT_NEAR(practical.raw_score, 4, kTolerance);
  EXPECT_NEAR(practical.score, 4, kTolerance);
  EXPECT_NEAR(x.penalty_points, 4, kTolerance);
  EXPECT_NEAR(x.time_used, 125, kTolerance);
  ASSERT_EQ(x.stages.size(), 1u);
  EXPECT_NEAR(x.stages[0].total, 0.4 * 70 + 0.6 * 4, kTolerance);
  EXPECT_EQ(Rounded(x.stages[0].total), x.standing.total);
  EXPECT_EQ(x.stages[0].stage_rank, 1);
  EXPECT_EQ(x.standing.rank, 1);
}

// A mark can change a standing's flag or completeness without changing its
// score (here every new mark is trimmed away).
TEST(ScoringEngineTest, FlagAndCompletenessArePublishedWhenTheScoreStaysTheSame) {
  ItemSpec form = Judged("form", 5, PanelRule::kTrimmed);
  form.tolerance = 2;
  ContestBuilder b({Trade("t", {EventDef("main", 100, {form})})});
  for (int j = 1; j <= 5; ++j) b.Assign("J" + std::to_string(j), "t", "main", "form");
  b.Add("A01");
  b.Add("A02");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  for (int j = 1; j <= 4; ++j) s.MustMark("A01", "t:main.form", 8, "J" + std::to_string(j));
  s.MustMark("A02", "t:main.form", 5, "J1");
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 8, kTolerance);
  EXPECT_FALSE(s.Row("A01").complete);
  EXPECT_FALSE(s.Row("A01").flagged);

  // J5's 10 completes the panel and is dropped: 8, 8, 8, 8, 10 -> 8.
  s.MustMark("A01", "t:main.form", 10, "J5");
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 8, kTolerance);
  EXPECT_TRUE(s.Row("A01").complete) << "completeness not republished";
  EXPECT_FALSE(s.Row("A01").flagged);  // spread 2 is within the tolerance

  // J1 8 -> 5.5: dropped as the lowest, still 8, but the spread (4.5) now
  // exceeds the tolerance.
  ASSERT_THAT(s.Correct("A01", "t:main.form", 5.5, "J1"), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 8, kTolerance);
  EXPECT_TRUE(s.engine().Explain(s.Bib("A01")).events[0].items[0].flagged);
  EXPECT_TRUE(s.Row("A01").flagged) << "flag not republished";
  EXPECT_FALSE(s.Row("A02").flagged);
  EXPECT_EQ(s.Row("A01"), s.engine().Explain(s.Bib("A01")).standing);

  // Voiding J5's 10 leaves 5.5, 8, 8, 8 -> 8, incomplete.
  ASSERT_THAT(s.Void("A01", "t:main.form", "J5"), IsOk());
  s.Recompute();
  EXPECT_NEAR(s.Total("A01"), 8, kTolerance);
  EXPECT_FALSE(s.Row("A01").complete) << "completeness not republished";
  // A full recompute agrees with what was published.
  const std::vector<StandingRow> published = RowsOf(s.standings());
  EXPECT_EQ(RowsOf(*s.engine().RecomputeAll().standings), published);
}

TEST(ScoringEngineDeathTest, ExplainBeforeRecomputeDies) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.Add("A01");
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  s.MustMark("A01", "t:main.score", 50);
  EXPECT_DEATH(s.engine().Explain(0), "PODIUM_CHECK failed");
}

// --- Nominations ---------------------------------------------------------------------------

TEST(ScoringEngineTest, NominationsPickTheEligibleWinner) {
  ContestBuilder b({ScoreTrade("t1"), ScoreTrade("t2")});
  b.Marker();
  b.roster().field_names = {"eligible"};
  b.spec().nominations = {
      NominationSpec{
          .id = "labour-medal", .name = "劳动奖章", .rule = "rank == 1 and eligible == \"是\""},
      NominationSpec{.id = "top2", .name = "前两名", .trades = {"t1"}, .rule = "rank <= 2"},
      NominationSpec{
          .id = "org", .name = "乙单位", .rule = "organization == \"乙\" and event.main >= 80"}};
  struct Entry {
    const char* bib;
    const char* trade;
    const char* organization;
    const char* eligible;
    double score;
  };
  const std::vector<Entry> entries = {{"A01", "t1", "甲", "否", 70},
                                      {"A02", "t1", "乙", "是", 90},
                                      {"A03", "t1", "乙", "是", 80},
                                      {"B01", "t2", "乙", "否", 95},
                                      {"B02", "t2", "甲", "是", 85}};
  for (const Entry& e : entries) b.Add(e.bib, e.trade, "", e.organization).fields = {e.eligible};
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  for (const Entry& e : entries) {
    s.MustMark(e.bib, std::string(e.trade) + ":main.score", e.score);
  }
  const Standings& standings = s.Recompute();
  auto bibs = [&](const NominationList& list) {
    std::vector<std::string> out;
    for (const int c : list.contestants) out.push_back(s.competition().contestant(c).bib);
    return out;
  };
  const std::vector<NominationList> lists = standings.Nominations();
  ASSERT_EQ(lists.size(), 3u);
  EXPECT_EQ(lists[0].nomination, 0);
  // t1's winner A02 is eligible; t2's winner B01 is not (and B02 is not first).
  EXPECT_THAT(bibs(lists[0]), ElementsAre("A02"));
  EXPECT_THAT(bibs(lists[1]), ElementsAre("A02", "A03"));
  EXPECT_THAT(bibs(lists[2]), ElementsAre("A02", "A03", "B01"));
  EXPECT_EQ(s.competition().contestant(s.Bib("A02")).fields, std::vector<std::string>{"是"});

  // The winner withdraws: A03 (eligible) is first now.
  ASSERT_THAT(s.SetStatus("A02", ContestantStatus::kWithdrawn), IsOk());
  EXPECT_THAT(bibs(s.Recompute().Nominations()[0]), ElementsAre("A03"));
}

TEST(ScoringEngineTest, NoNominationBeforeAContestantsFirstMark) {
  ContestBuilder b({ScoreTrade()});
  b.Marker();
  b.spec().nominations = {NominationSpec{.id = "top2", .name = "前两名", .rule = "rank <= 2"}};
  for (int i = 1; i <= 3; ++i) b.Add(Numbered('A', i));
  Scoring s(b.Build());
  ASSERT_TRUE(s.ready());
  // All three tie at rank 1 with nothing marked: no one is nominated.
  EXPECT_THAT(s.Recompute().Nominations()[0].contestants, IsEmpty());
  EXPECT_FALSE(s.Row("A01").marked);
  s.MustMark("A02", "t:main.score", 60);
  const Standings& standings = s.Recompute();
  EXPECT_TRUE(s.Row("A02").marked);
  EXPECT_THAT(standings.Nominations()[0].contestants, ElementsAre(s.Bib("A02")));
}

}  // namespace
}  // namespace podium::engine
