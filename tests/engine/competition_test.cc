#include "podium/engine/competition.h"

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/model.h"
#include "podium/status.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {

// Lets GoogleTest print problems as people read them.
void PrintTo(const Problem& problem, std::ostream* os) { *os << problem.ToString(); }
void PrintTo(const Competition& c, std::ostream* os) {
  *os << "competition '" << c.spec().id << "' (" << c.num_trades() << " trades, " << c.num_items()
      << " items, " << c.num_contestants() << " contestants)";
}

namespace {

using ::podium::test::IsOk;
using ::podium::test::IsOkAndHolds;
using ::podium::test::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::Not;
using ::testing::SizeIs;

// Source lines of the hand-built competition.yaml below.
constexpr int kCompetitionLine = 1;
constexpr int kTradeLine = 10;
constexpr int kStageLine = 12;
constexpr int kTheoryLine = 20;
constexpr int kExamLine = 22;
constexpr int kPracticalLine = 30;
constexpr int kCprLine = 32;
constexpr int kPracticalSafetyLine = 40;
constexpr int kDrillLine = 50;
constexpr int kDrillSafetyLine = 52;
constexpr int kTieBreakLine = 60;
constexpr int kTeamsLine = 70;
constexpr int kAwardLine = 80;
constexpr int kMedalTallyLine = 90;
constexpr int kNominationLine = 100;

ItemSpec Item(std::string id, int line, Marking marking = Marking::kJudgement) {
  ItemSpec item;
  item.id = std::move(id);
  item.name = item.id;
  item.max = 20;
  item.step = 0.5;
  item.marking = marking;
  item.rule = PanelRule::kMean;
  item.panel_size = marking == Marking::kJudgement ? 3 : 1;
  item.source = {line};
  return item;
}

EventSpec Event(std::string id, double weight, int line, std::vector<ItemSpec> items) {
  EventSpec event;
  event.id = std::move(id);
  event.name = event.id;
  event.weight = weight;
  event.items = std::move(items);
  event.source = {line};
  return event;
}

// One trade `welding`, single stage `final`:
//   theory (30):    exam (measurement, max 100)
//   practical (50): cpr (trimmed, panel 3, trim 1), safety (mean, panel 3)
//   drill (20):     safety (mean, panel 3, split between judges by bib range)
CompetitionSpec ValidSpec() {
  CompetitionSpec spec;
  spec.id = "test-cup";
  spec.name = "Test cup";
  spec.source = {kCompetitionLine};
  TradeSpec trade;
  trade.id = "welding";
  trade.name = "焊工";
  trade.source = {kTradeLine};
  trade.stages.push_back({.id = "final", .name = "决赛", .source = {kStageLine}});
  ItemSpec exam = Item("exam", kExamLine, Marking::kMeasurement);
  exam.max = 100;
  ItemSpec cpr = Item("cpr", kCprLine);
  cpr.rule = PanelRule::kTrimmed;
  cpr.trim = 1;
  trade.events.push_back(Event("theory", 30, kTheoryLine, {exam}));
  trade.events.push_back(
      Event("practical", 50, kPracticalLine, {cpr, Item("safety", kPracticalSafetyLine)}));
  trade.events.push_back(Event("drill", 20, kDrillLine, {Item("safety", kDrillSafetyLine)}));
  spec.trades.push_back(std::move(trade));
  return spec;
}

Contestant Person(std::string bib, int line, std::string trade = "welding") {
  Contestant c;
  c.bib = bib;
  c.name = "Name " + bib;
  c.trade = std::move(trade);
  c.organization = "org";
  c.source = {line};
  return c;
}

Assignment Assign(std::string event, std::string item, std::string from = "", std::string to = "") {
  return {.trade = "welding",
          .event = std::move(event),
          .item = std::move(item),
          .bib_from = std::move(from),
          .bib_to = std::move(to)};
}

Judge MakeJudge(std::string id, int line, std::vector<Assignment> assignments) {
  Judge judge;
  judge.id = std::move(id);
  judge.name = "Judge " + judge.id;
  judge.assignments = std::move(assignments);
  judge.source = {line};
  return judge;
}

// Contestants A01-A04 (contestants.csv lines 2-5). Judges (judges.csv lines 2-7):
//   J01 welding:theory.exam
//   J02, J03 welding:practical.* and welding:drill.*
//   J04 welding:practical.*
//   J05 welding:drill.safety@A01-A02, J06 welding:drill.safety@A03-A04
Roster ValidRoster() {
  Roster roster;
  for (int i = 1; i <= 4; ++i)
    roster.contestants.push_back(Person("A0" + std::to_string(i), i + 1));
  roster.judges.push_back(MakeJudge("J01", 2, {Assign("theory", "exam")}));
  roster.judges.push_back(MakeJudge("J02", 3, {Assign("practical", ""), Assign("drill", "")}));
  roster.judges.push_back(MakeJudge("J03", 4, {Assign("practical", ""), Assign("drill", "")}));
  roster.judges.push_back(MakeJudge("J04", 5, {Assign("practical", "")}));
  roster.judges.push_back(MakeJudge("J05", 6, {Assign("drill", "safety", "A01", "A02")}));
  roster.judges.push_back(MakeJudge("J06", 7, {Assign("drill", "safety", "A03", "A04")}));
  return roster;
}

std::shared_ptr<const Competition> CreateValid(CompetitionSpec spec = ValidSpec(),
                                               Roster roster = ValidRoster()) {
  std::vector<Problem> problems;
  auto created = Competition::Create(std::move(spec), std::move(roster), &problems);
  EXPECT_THAT(created, IsOk());
  EXPECT_THAT(problems, IsEmpty());
  return created.ok() ? *created : nullptr;
}

Matcher<const Problem&> ProblemAt(const std::string& file, int line, const std::string& message) {
  return AllOf(Field("file", &Problem::file, file), Field("line", &Problem::line, line),
               Field("message", &Problem::message, HasSubstr(message)));
}

// Creates a competition that the test expects to be rejected; returns the problems.
std::vector<Problem> Problems(CompetitionSpec spec, Roster roster) {
  std::vector<Problem> problems;
  const auto created = Competition::Create(std::move(spec), std::move(roster), &problems);
  EXPECT_THAT(created, StatusIs(StatusCode::kInvalidArgument));
  if (!created.ok()) {
    EXPECT_THAT(problems, Not(IsEmpty()));
    if (!problems.empty()) {
      EXPECT_THAT(created.status().message(), HasSubstr(problems.front().ToString()));
    }
  }
  return problems;
}

int ItemNamed(const Competition& c, const std::string& ref) {
  const StatusOr<int> item = c.FindItem(0, ref);
  EXPECT_THAT(item, IsOk()) << ref;
  return item.ok() ? *item : -1;
}

// ---------------------------------------------------------------------------
// A valid competition and its indices.

TEST(CompetitionTest, ValidCompetitionIndexesTradesEventsAndItems) {
  const auto c = CreateValid();
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->num_trades(), 1);
  EXPECT_EQ(c->num_items(), 4);
  EXPECT_EQ(c->num_contestants(), 4);
  EXPECT_EQ(c->num_judges(), 6);
  EXPECT_THAT(c->FindTrade("welding"), IsOkAndHolds(0));
  EXPECT_THAT(c->FindTrade("plumbing"), StatusIs(StatusCode::kNotFound, HasSubstr("'plumbing'")));

  const TradeIndex& trade = c->trade(0);
  EXPECT_EQ(trade.spec->id, "welding");
  EXPECT_THAT(trade.contestants, ElementsAre(0, 1, 2, 3));
  EXPECT_THAT(trade.items, ElementsAre(0, 1, 2, 3));
  ASSERT_THAT(trade.events, SizeIs(3));
  EXPECT_THAT(trade.events[0].items, ElementsAre(0));
  EXPECT_THAT(trade.events[1].items, ElementsAre(1, 2));
  EXPECT_THAT(trade.events[2].items, ElementsAre(3));
  EXPECT_EQ(trade.events[2].stage, 0);

  const ItemIndex& cpr = c->item(1);
  EXPECT_EQ(cpr.ref, "welding:practical.cpr");
  EXPECT_EQ(cpr.trade, 0);
  EXPECT_EQ(cpr.event, 1);
  EXPECT_EQ(cpr.trade_item, 1);
  EXPECT_EQ(cpr.columns(), 3);
  std::vector<int> panel;
  for (const PanelSeat& seat : cpr.panel) panel.push_back(seat.judge);
  EXPECT_THAT(panel, ElementsAre(1, 2, 3));  // J02, J03, J04 in file order

  const ItemIndex& drill_safety = c->item(3);
  panel.clear();
  for (const PanelSeat& seat : drill_safety.panel) panel.push_back(seat.judge);
  EXPECT_THAT(panel, ElementsAre(1, 2, 4, 5));
  EXPECT_EQ(c->item(0).columns(), 1);  // a measurement has one column

  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(c->trade_of(i), 0);
    EXPECT_EQ(c->row_of(i), i);
  }
  EXPECT_THAT(c->FindContestant("A03"), IsOkAndHolds(2));
  EXPECT_THAT(c->FindContestant("A99"), StatusIs(StatusCode::kNotFound, HasSubstr("'A99'")));
  EXPECT_THAT(c->FindJudge("J05"), IsOkAndHolds(4));
  EXPECT_THAT(c->FindJudge("J99"), StatusIs(StatusCode::kNotFound, HasSubstr("'J99'")));
}

TEST(CompetitionTest, ContestantWithoutTradeJoinsTheOnlyTrade) {
  Roster roster = ValidRoster();
  roster.contestants[1].trade.clear();
  const auto c = CreateValid(ValidSpec(), std::move(roster));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->trade_of(1), 0);
  EXPECT_EQ(c->contestant(1).trade, "welding");
}

TEST(CompetitionTest, FindItemAcceptsItemEventItemAndTradeEventItem) {
  const auto c = CreateValid();
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(c->FindItem(0, "exam"), IsOkAndHolds(0));
  EXPECT_THAT(c->FindItem(0, "theory.exam"), IsOkAndHolds(0));
  EXPECT_THAT(c->FindItem(0, "welding:theory.exam"), IsOkAndHolds(0));
  EXPECT_THAT(c->FindItem(0, "cpr"), IsOkAndHolds(1));
  EXPECT_THAT(c->FindItem(0, "practical.cpr"), IsOkAndHolds(1));
  EXPECT_THAT(c->FindItem(0, "welding:practical.cpr"), IsOkAndHolds(1));
  EXPECT_THAT(c->FindItem(0, "practical.safety"), IsOkAndHolds(2));
  EXPECT_THAT(c->FindItem(0, "welding:drill.safety"), IsOkAndHolds(3));
}

TEST(CompetitionTest, FindItemRejectsAnAmbiguousItem) {
  const auto c = CreateValid();
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(
      c->FindItem(0, "safety"),
      StatusIs(StatusCode::kInvalidArgument,
               AllOf(HasSubstr("'safety'"), HasSubstr("ambiguous"), HasSubstr("EVENT.ITEM"))));
}

TEST(CompetitionTest, FindItemListsTheItemsWhenNotFound) {
  const auto c = CreateValid();
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(c->FindItem(0, "knots"),
              StatusIs(StatusCode::kNotFound,
                       AllOf(HasSubstr("'knots'"),
                             HasSubstr("theory.exam, practical.cpr, practical.safety, "
                                       "drill.safety"))));
  EXPECT_THAT(c->FindItem(0, "drill.cpr"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(c->FindItem(0, "plumbing:practical.cpr"),
              StatusIs(StatusCode::kNotFound, HasSubstr("not in trade 'welding'")));
}

TEST(CompetitionTest, SeatOfGivesThePanelColumn) {
  const auto c = CreateValid();
  ASSERT_NE(c, nullptr);
  const int cpr = ItemNamed(*c, "practical.cpr");
  const int a01 = 0;
  EXPECT_THAT(c->SeatOf(1, cpr, a01), IsOkAndHolds(0));
  EXPECT_THAT(c->SeatOf(2, cpr, a01), IsOkAndHolds(1));
  EXPECT_THAT(c->SeatOf(3, cpr, a01), IsOkAndHolds(2));
  EXPECT_THAT(c->SeatOf(0, ItemNamed(*c, "exam"), 3), IsOkAndHolds(0));
}

TEST(CompetitionTest, SeatOfDeniesAJudgeNotAssignedToTheItem) {
  const auto c = CreateValid();
  ASSERT_NE(c, nullptr);
  EXPECT_THAT(
      c->SeatOf(0, ItemNamed(*c, "practical.cpr"), 0),
      StatusIs(StatusCode::kPermissionDenied, AllOf(HasSubstr("'J01'"), HasSubstr("not assigned"),
                                                    HasSubstr("'welding:practical.cpr'"))));
  // J04 marks practical but not drill.
  EXPECT_THAT(c->SeatOf(3, ItemNamed(*c, "drill.safety"), 0),
              StatusIs(StatusCode::kPermissionDenied));
}

TEST(CompetitionTest, SeatOfRespectsBibRanges) {
  const auto c = CreateValid();
  ASSERT_NE(c, nullptr);
  const int drill = ItemNamed(*c, "drill.safety");
  // Seats on drill.safety: J02 0, J03 1, J05 2 (A01-A02), J06 3 (A03-A04).
  EXPECT_THAT(c->SeatOf(4, drill, 0), IsOkAndHolds(2));
  EXPECT_THAT(c->SeatOf(4, drill, 1), IsOkAndHolds(2));
  EXPECT_THAT(c->SeatOf(4, drill, 2),
              StatusIs(StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("'J05'"), HasSubstr("not to bib 'A03'"))));
  EXPECT_THAT(c->SeatOf(5, drill, 2), IsOkAndHolds(3));
  EXPECT_THAT(c->SeatOf(5, drill, 3), IsOkAndHolds(3));
  EXPECT_THAT(c->SeatOf(5, drill, 0), StatusIs(StatusCode::kPermissionDenied));
  EXPECT_THAT(c->SeatOf(1, drill, 3), IsOkAndHolds(0));
}

TEST(CompetitionTest, StagesWithCarrySumToHundred) {
  CompetitionSpec spec = ValidSpec();
  TradeSpec& trade = spec.trades[0];
  trade.stages = {{.id = "preliminary", .advance = 2, .source = {11}},
                  {.id = "final", .carry = 30, .source = {kStageLine}}};
  trade.events[0].stage = "preliminary";
  trade.events[0].weight = 100;
  trade.events[1].stage = "final";
  trade.events[1].weight = 50;
  trade.events[2].stage = "final";
  trade.events[2].weight = 20;
  const auto c = CreateValid(std::move(spec));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->trade(0).events[0].stage, 0);
  EXPECT_EQ(c->trade(0).events[1].stage, 1);
  EXPECT_EQ(c->trade(0).events[2].stage, 1);
}

TEST(CompetitionTest, ResolvesTieBreakKeys) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].ranking.tie_break = {{.ref = "event:practical", .order = Order::kHigher},
                                      {.ref = "item:drill.safety", .order = Order::kHigher},
                                      {.ref = "time", .order = Order::kLower},
                                      {.ref = "penalties", .order = Order::kLower}};
  const auto c = CreateValid(std::move(spec));
  ASSERT_NE(c, nullptr);
  const std::vector<ResolvedKey>& keys = c->trade(0).tie_break;
  ASSERT_THAT(keys, SizeIs(4));
  EXPECT_EQ(keys[0].kind, KeyKind::kEvent);
  EXPECT_EQ(keys[0].index, 1);
  EXPECT_EQ(keys[1].kind, KeyKind::kItem);
  EXPECT_EQ(keys[1].index, 3);
  EXPECT_EQ(keys[2].kind, KeyKind::kTime);
  EXPECT_EQ(keys[2].order, Order::kLower);
  EXPECT_EQ(keys[3].kind, KeyKind::kPenalties);
}

TEST(CompetitionTest, ProblemToStringNamesFileAndLine) {
  EXPECT_EQ((Problem{"judges.csv", 7, "judge id is empty"}).ToString(),
            "judges.csv line 7: judge id is empty");
  EXPECT_EQ((Problem{"contestants.csv", 0, "no contestants"}).ToString(),
            "contestants.csv: no contestants");
}

TEST(CompetitionTest, CreateWithoutProblemsVectorStillFails) {
  CompetitionSpec spec = ValidSpec();
  spec.id = "Bad Id";
  EXPECT_THAT(Competition::Create(std::move(spec), ValidRoster()),
              StatusIs(StatusCode::kInvalidArgument,
                       HasSubstr("competition.yaml line 1: competition id 'Bad Id'")));
}

// ---------------------------------------------------------------------------
// One test per validation problem.

TEST(CompetitionValidationTest, IdsWithBadCharacters) {
  CompetitionSpec spec = ValidSpec();
  spec.id = "Test Cup";
  spec.trades[0].events[1].id = "Practical";
  spec.trades[0].events[0].items[0].id = "exam!";
  // Keep the judges' assignments valid for the renamed event and item.
  Roster roster = ValidRoster();
  for (Judge& judge : roster.judges) {
    for (Assignment& a : judge.assignments) {
      if (a.event == "practical") a.event = "Practical";
      if (a.item == "exam") a.item = "exam!";
    }
  }
  const std::vector<Problem> problems = Problems(std::move(spec), std::move(roster));
  EXPECT_THAT(problems, Contains(ProblemAt("competition.yaml", kCompetitionLine,
                                           "competition id 'Test Cup' must be non-empty and "
                                           "use only a-z 0-9 - _ .")));
  EXPECT_THAT(problems, Contains(ProblemAt("competition.yaml", kPracticalLine,
                                           "event 'Practical': id must be unique and use only "
                                           "a-z 0-9 - _ .")));
  EXPECT_THAT(problems, Contains(ProblemAt("competition.yaml", kExamLine,
                                           "item 'theory.exam!': id must be unique")));
  EXPECT_THAT(problems, SizeIs(3));
}

TEST(CompetitionValidationTest, TradeIdWithBadCharacters) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].id = "焊工";
  Roster roster = ValidRoster();
  for (Contestant& c : roster.contestants) c.trade = "焊工";
  for (Judge& judge : roster.judges) {
    for (Assignment& a : judge.assignments) a.trade = "焊工";
  }
  EXPECT_THAT(Problems(std::move(spec), std::move(roster)),
              ElementsAre(ProblemAt("competition.yaml", kTradeLine,
                                    "trade '焊工': id must be non-empty and use only")));
}

TEST(CompetitionValidationTest, DuplicateTradeId) {
  CompetitionSpec spec = ValidSpec();
  TradeSpec copy = spec.trades[0];
  copy.source = {200};
  spec.trades.push_back(copy);
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              Contains(ProblemAt("competition.yaml", 200, "trade 'welding' is defined twice")));
}

TEST(CompetitionValidationTest, DuplicateEventId) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].events[2].id = "practical";
  Roster roster = ValidRoster();
  EXPECT_THAT(Problems(std::move(spec), std::move(roster)),
              Contains(ProblemAt("competition.yaml", kDrillLine,
                                 "trade 'welding' event 'practical': id must be unique")));
}

TEST(CompetitionValidationTest, DuplicateItemIdInAnEvent) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].events[1].items[1].id = "cpr";
  spec.trades[0].events[1].items[1].source = {45};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", 45,
                                    "trade 'welding' item 'practical.cpr': id must be unique "
                                    "in its event")));
}

TEST(CompetitionValidationTest, EventWeightsMustSumToHundred) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].events[0].weight = 40;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kTradeLine,
                                    "trade 'welding': event weights sum to 110")));
}

TEST(CompetitionValidationTest, EventWeightsPlusCarryMustSumToHundred) {
  CompetitionSpec spec = ValidSpec();
  TradeSpec& trade = spec.trades[0];
  trade.stages = {{.id = "preliminary", .advance = 2, .source = {11}},
                  {.id = "final", .carry = 30, .source = {kStageLine}}};
  trade.events[0].stage = "preliminary";
  trade.events[0].weight = 100;
  trade.events[1].stage = "final";
  trade.events[1].weight = 40;  // 40 + 20 + carry 30 = 90
  trade.events[2].stage = "final";
  trade.events[2].weight = 20;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kStageLine,
                                    "trade 'welding' stage 'final': event weights + carry sum "
                                    "to 90")));
}

TEST(CompetitionValidationTest, LastStageCannotAdvance) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].stages[0].advance = 8;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kStageLine,
                                    "stage 'final': the last stage cannot advance anyone")));
}

TEST(CompetitionValidationTest, EarlierStageMustAdvance) {
  CompetitionSpec spec = ValidSpec();
  TradeSpec& trade = spec.trades[0];
  trade.stages = {{.id = "preliminary", .source = {11}}, {.id = "final", .source = {kStageLine}}};
  trade.events[0].stage = "preliminary";
  trade.events[0].weight = 100;
  trade.events[1].stage = "final";
  trade.events[1].weight = 80;
  trade.events[2].stage = "final";
  trade.events[2].weight = 20;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", 11,
                                    "trade 'welding' stage 'preliminary': advance must be a "
                                    "positive number of contestants")));
}

TEST(CompetitionValidationTest, EventWithoutStageWhenTheTradeHasStages) {
  CompetitionSpec spec = ValidSpec();
  TradeSpec& trade = spec.trades[0];
  trade.stages = {{.id = "preliminary", .advance = 3, .source = {11}},
                  {.id = "final", .source = {kStageLine}}};
  trade.events[0].stage = "preliminary";
  trade.events[0].weight = 100;
  trade.events[1].stage = "";  // counts towards the last stage, but must be named
  trade.events[1].weight = 80;
  trade.events[2].stage = "semi";
  trade.events[2].weight = 20;
  const std::vector<Problem> problems = Problems(std::move(spec), ValidRoster());
  EXPECT_THAT(problems, Contains(ProblemAt("competition.yaml", kPracticalLine,
                                           "event 'practical': name its stage")));
  EXPECT_THAT(problems, Contains(ProblemAt("competition.yaml", kDrillLine,
                                           "event 'drill': no stage 'semi'")));
}

TEST(CompetitionValidationTest, TrimmedPanelTooSmallForTrim) {
  CompetitionSpec spec = ValidSpec();
  ItemSpec& cpr = spec.trades[0].events[1].items[0];
  cpr.panel_size = 2;
  cpr.trim = 1;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kCprLine,
                                    "item 'practical.cpr': trimmed panel of 2 cannot drop 1 at "
                                    "each end")));
}

TEST(CompetitionValidationTest, TrimmedPanelOfThreeCannotDropTwo) {
  CompetitionSpec spec = ValidSpec();
  ItemSpec& cpr = spec.trades[0].events[1].items[0];
  cpr.panel_size = 3;
  cpr.trim = 2;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kCprLine,
                                    "trimmed panel of 3 cannot drop 2 at each end")));
}

TEST(CompetitionValidationTest, StepMustDivideMax) {
  CompetitionSpec spec = ValidSpec();
  ItemSpec& cpr = spec.trades[0].events[1].items[0];
  cpr.max = 10;
  cpr.step = 0.3;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kCprLine,
                                    "item 'practical.cpr': max 10.000000 is not a multiple of "
                                    "step 0.300000")));
}

TEST(CompetitionValidationTest, DecimalStepThatDividesMaxIsAccepted) {
  CompetitionSpec spec = ValidSpec();
  ItemSpec& cpr = spec.trades[0].events[1].items[0];
  cpr.max = 0.9;
  cpr.step = 0.3;  // 0.9 / 0.3 is 3.0000000000000004 in doubles
  ItemSpec& exam = spec.trades[0].events[0].items[0];
  exam.max = 10;
  exam.step = 0.1;
  EXPECT_NE(CreateValid(std::move(spec)), nullptr);
}

TEST(CompetitionValidationTest, PrecisionOutOfRange) {
  CompetitionSpec spec = ValidSpec();
  spec.precision = 7;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kCompetitionLine,
                                    "precision 7 must be between 0 and 6")));
}

TEST(CompetitionValidationTest, Judgement03NeedsWholeSteps) {
  CompetitionSpec spec = ValidSpec();
  ItemSpec& safety = spec.trades[0].events[1].items[1];
  safety.rule = PanelRule::kJudgement03;
  safety.step = 0.5;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kPracticalSafetyLine,
                                    "item 'practical.safety': judgement-0-3 marks are whole "
                                    "numbers 0..3 (set step: 1)")));
}

TEST(CompetitionValidationTest, MeasurementCannotBeJudgeNormalized) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].events[0].normalization = Normalization::kJudgeZScore;
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kExamLine,
                                    "item 'theory.exam': a measurement has one value per "
                                    "contestant; judge normalization needs a judgement panel")));
}

TEST(CompetitionValidationTest, ItemNormalizationOverridesTheEventDefault) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].events[1].normalization = Normalization::kJudgeRobust;
  spec.trades[0].events[1].items[1].normalization = Normalization::kNone;
  const auto c = CreateValid(std::move(spec));
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->item(1).normalization, Normalization::kJudgeRobust);
  EXPECT_EQ(c->item(2).normalization, Normalization::kNone);
  EXPECT_EQ(c->item(3).normalization, Normalization::kNone);
}

TEST(CompetitionValidationTest, UnknownTieBreakRef) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].ranking.tie_break = {{.ref = "speed", .source = {kTieBreakLine}},
                                      {.ref = "item:cpr", .source = {kTieBreakLine + 1}}};
  const std::vector<Problem> problems = Problems(std::move(spec), ValidRoster());
  EXPECT_THAT(problems,
              ElementsAre(ProblemAt("competition.yaml", kTieBreakLine,
                                    "trade 'welding' ranking: tie-break must be event:ID, "
                                    "item:EVENT.ITEM, time or penalties, not 'speed'"),
                          ProblemAt("competition.yaml", kTieBreakLine + 1,
                                    "no item 'cpr' (write EVENT.ITEM) in trade 'welding'")));
}

TEST(CompetitionValidationTest, UnknownEventInTieBreak) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].ranking.tie_break = {{.ref = "event:rescue", .source = {kTieBreakLine}}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kTieBreakLine,
                                    "trade 'welding' ranking: no event 'rescue' in trade "
                                    "'welding'")));
}

TEST(CompetitionValidationTest, AtMostEightRankingTieBreakKeys) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].ranking.source = {kTieBreakLine};
  for (int k = 0; k < kMaxTieBreakKeys; ++k) {
    spec.trades[0].ranking.tie_break.push_back(
        {.ref = "penalties", .source = {kTieBreakLine + 1 + k}});
  }
  EXPECT_NE(CreateValid(spec), nullptr) << "exactly " << kMaxTieBreakKeys << " keys are fine";
  spec.trades[0].ranking.tie_break.push_back({.ref = "time", .source = {kTieBreakLine + 9}});
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kTieBreakLine,
                                    "trade 'welding' ranking: at most 8 tie-break keys")));
}

TEST(CompetitionValidationTest, AtMostEightTeamTieBreakKeysPointsAtTheTeams) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].ranking.source = {kTieBreakLine};
  spec.trades[0].teams = {.enabled = true, .rule = TeamRule::kSum, .source = {kTeamsLine}};
  for (int k = 0; k <= kMaxTieBreakKeys; ++k) {
    spec.trades[0].teams.tie_break.push_back(
        {.ref = "best-member", .source = {kTeamsLine + 1 + k}});
  }
  // The problem is in the teams block, so it should point there, not at the ranking.
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kTeamsLine, "at most 8 tie-break keys")));
}

TEST(CompetitionValidationTest, TeamTieBreakMustBeBestMemberOrEvent) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].teams = {.enabled = true,
                          .rule = TeamRule::kSum,
                          .tie_break = {{.ref = "time", .source = {kTeamsLine + 1}}},
                          .source = {kTeamsLine}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kTeamsLine + 1,
                                    "team tie-break must be best-member or event:ID, not "
                                    "'time'")));
}

TEST(CompetitionValidationTest, BestKWithoutK) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].teams = {.enabled = true, .rule = TeamRule::kBestK, .source = {kTeamsLine}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kTeamsLine,
                                    "trade 'welding' teams: best-k needs k >= 1")));
}

TEST(CompetitionValidationTest, CrossTradeBestKWithoutK) {
  CompetitionSpec spec = ValidSpec();
  spec.teams = {.enabled = true,
                .group_by = "organization",
                .rule = TeamRule::kBestK,
                .source = {kTeamsLine}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kTeamsLine, "teams: best-k needs k >= 1")));
}

TEST(CompetitionValidationTest, AwardSharesAddUpToMoreThanHundred) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].awards = {
      {.id = "first", .by = AwardBy::kShare, .share = 60, .source = {kAwardLine}},
      {.id = "second", .by = AwardBy::kCount, .count = 2, .source = {kAwardLine + 1}},
      {.id = "third", .by = AwardBy::kShare, .share = 50, .source = {kAwardLine + 2}}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kAwardLine + 2,
                                    "trade 'welding' award 'third': shares must be positive and "
                                    "add up to at most 100")));
}

TEST(CompetitionValidationTest, AwardSharesOfExactlyHundredAreAccepted) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].awards = {
      {.id = "first", .by = AwardBy::kShare, .share = 10, .source = {kAwardLine}},
      {.id = "second", .by = AwardBy::kShare, .share = 30, .source = {kAwardLine + 1}},
      {.id = "third", .by = AwardBy::kShare, .share = 60, .source = {kAwardLine + 2}}};
  EXPECT_NE(CreateValid(std::move(spec)), nullptr);
}

TEST(CompetitionValidationTest, DuplicateBibNamesTheFirstLine) {
  Roster roster = ValidRoster();
  roster.contestants.push_back(Person("A02", 6));
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("contestants.csv", 6, "bib 'A02' is used twice (line 3)")));
}

TEST(CompetitionValidationTest, ProblemsUseTheRosterFileNames) {
  Roster roster = ValidRoster();
  roster.contestants_file = "参赛人员.csv";
  roster.contestants.push_back(Person("A02", 6));
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("参赛人员.csv", 6, "bib 'A02' is used twice")));
}

TEST(CompetitionValidationTest, UnknownTradeInContestants) {
  Roster roster = ValidRoster();
  roster.contestants[2].trade = "plumbing";
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("contestants.csv", 4,
                                    "bib 'A03': trade 'plumbing' is not defined (trades: "
                                    "welding)")));
}

TEST(CompetitionValidationTest, EmptyName) {
  Roster roster = ValidRoster();
  roster.contestants[3].name = "";
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("contestants.csv", 5, "bib 'A04': name is empty")));
}

TEST(CompetitionValidationTest, EmptyBib) {
  Roster roster = ValidRoster();
  roster.contestants.push_back(Person("", 6));
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              Contains(ProblemAt("contestants.csv", 6, "bib is empty")));
}

TEST(CompetitionValidationTest, NoContestants) {
  Roster roster = ValidRoster();
  roster.contestants.clear();
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("contestants.csv", 0, "no contestants")));
}

TEST(CompetitionValidationTest, JudgeAssignmentNamingNoItem) {
  Roster roster = ValidRoster();
  roster.judges[0].assignments.push_back(Assign("theory", "essay"));
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("judges.csv", 2,
                                    "judge 'J01' assignment 'welding:theory.essay': names no "
                                    "item of trade 'welding'")));
}

TEST(CompetitionValidationTest, JudgeAssignmentNamingNoEvent) {
  Roster roster = ValidRoster();
  roster.judges[3].assignments.push_back(Assign("rescue", ""));
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("judges.csv", 5,
                                    "judge 'J04' assignment 'welding:rescue.*': names no item")));
}

TEST(CompetitionValidationTest, JudgeAssignmentNamingNoTrade) {
  Roster roster = ValidRoster();
  Assignment a = Assign("", "");
  a.trade = "plumbing";
  roster.judges[3].assignments.push_back(a);
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("judges.csv", 5, "no trade 'plumbing'")));
}

TEST(CompetitionValidationTest, JudgeAssignmentToAnAmbiguousItem) {
  // `welding:safety` names both practical.safety and drill.safety. FindItem and
  // scores.csv reject such a bare item ("write EVENT.ITEM"); an assignment
  // should too, rather than silently seating the judge on both panels.
  Roster roster = ValidRoster();
  roster.judges[3].assignments.push_back(Assign("", "safety"));
  EXPECT_THAT(
      Problems(ValidSpec(), std::move(roster)),
      ElementsAre(ProblemAt(
          "judges.csv", 5,
          "item 'safety' is in 2 events; write welding:practical.safety or welding:drill.safety")));
}

TEST(CompetitionValidationTest, JudgeBibRangeBackwards) {
  Roster roster = ValidRoster();
  roster.judges[5].assignments = {Assign("drill", "safety", "A04", "A03")};
  const std::vector<Problem> problems = Problems(ValidSpec(), std::move(roster));
  EXPECT_THAT(problems, Contains(ProblemAt("judges.csv", 7, "bib range A04-A03 is empty")));
}

TEST(CompetitionValidationTest, DuplicateJudgeId) {
  Roster roster = ValidRoster();
  roster.judges.push_back(MakeJudge("J02", 8, {}));
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("judges.csv", 8, "judge id 'J02' is used twice")));
}

TEST(CompetitionValidationTest, ItemWithFewerJudgesThanThePanel) {
  Roster roster = ValidRoster();
  roster.judges[3].assignments.clear();  // J04 leaves practical: 2 judges for panels of 3
  const std::vector<Problem> problems = Problems(ValidSpec(), std::move(roster));
  EXPECT_THAT(problems,
              ElementsAre(ProblemAt("competition.yaml", kCprLine,
                                    "item 'welding:practical.cpr' needs 3 assigned judge(s) in "
                                    "judges.csv, has 2"),
                          ProblemAt("competition.yaml", kPracticalSafetyLine,
                                    "item 'welding:practical.safety' needs 3 assigned judge(s) "
                                    "in judges.csv, has 2")));
}

TEST(CompetitionValidationTest, MeasurementWithoutAnyJudge) {
  Roster roster = ValidRoster();
  roster.judges[0].assignments.clear();
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("competition.yaml", kExamLine,
                                    "item 'welding:theory.exam' needs 1 assigned judge(s) in "
                                    "judges.csv, has 0")));
}

TEST(CompetitionValidationTest, ContestantNotCoveredByAFullSplitPanel) {
  // J06 now covers only A04, so A03 has J02 and J03 on drill.safety: 2 of 3.
  Roster roster = ValidRoster();
  roster.judges[5].assignments = {Assign("drill", "safety", "A04", "A04")};
  EXPECT_THAT(Problems(ValidSpec(), std::move(roster)),
              ElementsAre(ProblemAt("judges.csv", 0,
                                    "item 'welding:drill.safety': bib 'A03' is covered by 2 "
                                    "judge(s), the panel needs 3")));
}

TEST(CompetitionValidationTest, MedalTallyNamingAnUndefinedAward) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].awards = {{.id = "first", .by = AwardBy::kCount, .count = 1},
                           {.id = "second", .by = AwardBy::kCount, .count = 1}};
  spec.medal_tally = {.enabled = true,
                      .group_by = "organization",
                      .medals = {"first", "second", "bronze"},
                      .source = {kMedalTallyLine}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kMedalTallyLine,
                                    "medal_tally: no trade defines award 'bronze'")));
}

TEST(CompetitionValidationTest, MedalTallyGroupedByAnUnknownColumn) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].awards = {{.id = "first", .by = AwardBy::kCount, .count = 1}};
  spec.medal_tally = {
      .enabled = true, .group_by = "province", .medals = {"first"}, .source = {kMedalTallyLine}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kMedalTallyLine,
                                    "medal_tally: group_by 'province' is not a column of "
                                    "contestants.csv")));
}

TEST(CompetitionValidationTest, NominationWithAParseError) {
  CompetitionSpec spec = ValidSpec();
  spec.nominations = {{.id = "top", .rule = "rank <= ", .source = {kNominationLine}}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kNominationLine,
                                    "nomination 'top': rule `rank <= ` at column 9: expected a "
                                    "number, string or field")));
}

TEST(CompetitionValidationTest, NominationWithAnUnknownField) {
  CompetitionSpec spec = ValidSpec();
  spec.nominations = {
      {.id = "labour-medal", .rule = R"(rank == 1 and 资格 == "是")", .source = {kNominationLine}},
      {.id = "best-theory", .rule = "event.theroy >= 90", .source = {kNominationLine + 3}}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kNominationLine,
                                    "nomination 'labour-medal': unknown field '资格'"),
                          ProblemAt("competition.yaml", kNominationLine + 3,
                                    "nomination 'best-theory': unknown field 'event.theroy'")));
}

TEST(CompetitionValidationTest, NominationFieldsFromTheRosterAndEvents) {
  CompetitionSpec spec = ValidSpec();
  spec.nominations = {{.id = "labour-medal",
                       .trades = {"welding"},
                       .rule = R"(rank == 1 and 资格 == "是" and event.theory >= 90 and )"
                               R"(organization != "" and team_rank <= 3)",
                       .source = {kNominationLine}}};
  Roster roster = ValidRoster();
  roster.field_names = {"资格"};
  for (Contestant& c : roster.contestants) c.fields = {"是"};
  const auto c = CreateValid(std::move(spec), std::move(roster));
  ASSERT_NE(c, nullptr);
  ASSERT_THAT(c->nominations(), SizeIs(1));
  EXPECT_EQ(c->nominations()[0].id, "labour-medal");
  EXPECT_THAT(c->nominations()[0].trades, ElementsAre(0));
  EXPECT_EQ(c->field_index("资格"), 0);
  EXPECT_EQ(c->field_index("eligible"), -1);
}

TEST(CompetitionValidationTest, NominationForAnUnknownTrade) {
  CompetitionSpec spec = ValidSpec();
  spec.nominations = {
      {.id = "top", .trades = {"plumbing"}, .rule = "rank == 1", .source = {kNominationLine}}};
  EXPECT_THAT(Problems(std::move(spec), ValidRoster()),
              ElementsAre(ProblemAt("competition.yaml", kNominationLine,
                                    "nomination 'top': no trade 'plumbing'")));
}

TEST(CompetitionValidationTest, NoTrades) {
  CompetitionSpec spec = ValidSpec();
  spec.trades.clear();
  Roster roster = ValidRoster();
  roster.judges.clear();
  const std::vector<Problem> problems = Problems(std::move(spec), std::move(roster));
  EXPECT_THAT(problems, Contains(ProblemAt("competition.yaml", kCompetitionLine,
                                           "the competition defines no trades")));
  EXPECT_THAT(problems, Contains(ProblemAt("contestants.csv", 2,
                                           "bib 'A01': trade 'welding' is not defined")));
}

// Further single problems, one mutation of the valid competition each.
struct ValidationCase {
  std::string name;
  std::function<void(CompetitionSpec&, Roster&)> mutate;
  std::string file;
  int line;
  std::string message;
};

void PrintTo(const ValidationCase& c, std::ostream* os) { *os << c.name; }

class CompetitionProblemTest : public ::testing::TestWithParam<ValidationCase> {};

TEST_P(CompetitionProblemTest, ReportsExactlyThisProblem) {
  const ValidationCase& c = GetParam();
  CompetitionSpec spec = ValidSpec();
  Roster roster = ValidRoster();
  c.mutate(spec, roster);
  EXPECT_THAT(Problems(std::move(spec), std::move(roster)),
              ElementsAre(ProblemAt(c.file, c.line, c.message)));
}

INSTANTIATE_TEST_SUITE_P(
    SingleProblems, CompetitionProblemTest,
    ::testing::Values(
        ValidationCase{"FirstStageCarry",
                       [](CompetitionSpec& s, Roster&) {
                         s.trades[0].stages[0].carry = 10;
                         s.trades[0].events[0].weight = 20;
                       },
                       "competition.yaml", kStageLine,
                       "stage 'final': the first stage has nothing to carry over"},
        ValidationCase{"NonPositiveEventWeight",
                       [](CompetitionSpec& s, Roster&) {
                         s.trades[0].events[0].weight = 0;
                         s.trades[0].events[1].weight = 80;
                       },
                       "competition.yaml", kTheoryLine, "event 'theory': weight must be positive"},
        ValidationCase{"EventWithoutItems",
                       [](CompetitionSpec& s, Roster& r) {
                         s.trades[0].events[0].items.clear();
                         r.judges[0].assignments = {Assign("practical", "cpr")};
                       },
                       "competition.yaml", kTheoryLine, "event 'theory' has no items"},
        ValidationCase{"NonPositiveMax",
                       [](CompetitionSpec& s, Roster&) { s.trades[0].events[1].items[0].max = 0; },
                       "competition.yaml", kCprLine, "item 'practical.cpr': max must be positive"},
        ValidationCase{"NonPositiveStep",
                       [](CompetitionSpec& s, Roster&) { s.trades[0].events[1].items[0].step = 0; },
                       "competition.yaml", kCprLine, "item 'practical.cpr': step must be positive"},
        ValidationCase{
            "NegativeTolerance",
            [](CompetitionSpec& s, Roster&) { s.trades[0].events[1].items[0].tolerance = -1; },
            "competition.yaml", kCprLine, "item 'practical.cpr': tolerance must be >= 0"},
        ValidationCase{"EventStandardizeSpread",
                       [](CompetitionSpec& s, Roster&) {
                         s.trades[0].events[1].standardize = {
                             .enabled = true, .centre = 100, .spread = 0, .source = {35}};
                       },
                       "competition.yaml", 35,
                       "event 'practical': standardize spread must be positive"},
        ValidationCase{"PenaltyWithoutPoints",
                       [](CompetitionSpec& s, Roster&) {
                         s.trades[0].events[1].items[0].penalties = {
                             {.id = "unsafe", .points = 0, .source = {34}}};
                       },
                       "competition.yaml", 34,
                       "item 'practical.cpr' penalty 'unsafe': points must be positive"},
        ValidationCase{"CountAwardWithoutCount",
                       [](CompetitionSpec& s, Roster&) {
                         s.trades[0].awards = {
                             {.id = "first", .by = AwardBy::kCount, .source = {kAwardLine}}};
                       },
                       "competition.yaml", kAwardLine, "award 'first': count must be at least 1"},
        ValidationCase{"TeamsGroupedByUnknownColumn",
                       [](CompetitionSpec& s, Roster&) {
                         s.teams = {
                             .enabled = true, .group_by = "province", .source = {kTeamsLine}};
                       },
                       "competition.yaml", kTeamsLine,
                       "teams: group_by 'province' is not a column of contestants.csv"},
        ValidationCase{
            "DuplicateNominationId",
            [](CompetitionSpec& s, Roster&) {
              s.nominations = {{.id = "top", .rule = "rank == 1", .source = {kNominationLine}},
                               {.id = "top", .rule = "rank == 2", .source = {kNominationLine + 3}}};
            },
            "competition.yaml", kNominationLine + 3, "nomination 'top': id must be unique"},
        ValidationCase{
            "EmptyJudgeId",
            [](CompetitionSpec&, Roster& r) { r.judges.push_back(MakeJudge("", 8, {})); },
            "judges.csv", 8, "judge id is empty"}),
    [](const ::testing::TestParamInfo<ValidationCase>& info) { return info.param.name; });

TEST(CompetitionValidationTest, MultipleProblemsAreReportedTogether) {
  CompetitionSpec spec = ValidSpec();
  spec.trades[0].events[1].items[0].id = "CPR";  // competition.yaml
  Roster roster = ValidRoster();
  roster.contestants.push_back(Person("A01", 6));                    // contestants.csv
  roster.judges[0].assignments.push_back(Assign("theory", "oral"));  // judges.csv
  std::vector<Problem> problems;
  const auto created = Competition::Create(std::move(spec), std::move(roster), &problems);
  EXPECT_THAT(created, StatusIs(StatusCode::kInvalidArgument,
                                AllOf(HasSubstr("competition.yaml line 32: trade 'welding' item "
                                                "'practical.CPR'"),
                                      HasSubstr("(and 2 more problems)"))));
  EXPECT_THAT(problems,
              ElementsAre(ProblemAt("competition.yaml", kCprLine, "item 'practical.CPR'"),
                          ProblemAt("contestants.csv", 6, "bib 'A01' is used twice (line 2)"),
                          ProblemAt("judges.csv", 2, "assignment 'welding:theory.oral'")));
}

TEST(CompetitionValidationTest, ProblemsAreAppendedToTheCallersVector) {
  CompetitionSpec spec = ValidSpec();
  spec.id = "";
  std::vector<Problem> problems = {{"earlier.csv", 1, "kept"}};
  EXPECT_THAT(Competition::Create(std::move(spec), ValidRoster(), &problems),
              StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems, ElementsAre(ProblemAt("earlier.csv", 1, "kept"),
                                    ProblemAt("competition.yaml", kCompetitionLine,
                                              "competition id '' must be non-empty")));
}

}  // namespace
}  // namespace podium::engine
