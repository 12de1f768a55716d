#include "server/definition/writer.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
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
#include "server/definition/loader.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {

// Lets GoogleTest print problems as people read them.
void PrintTo(const Problem& problem, std::ostream* os) { *os << problem.ToString(); }

}  // namespace podium::engine

namespace podium::definition {
namespace {

namespace fs = std::filesystem;

using ::podium::engine::Problem;
using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

fs::path DataDir() {
  if (const char* dir = std::getenv("PODIUM_DATA_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return fs::path(__FILE__).parent_path().parent_path().parent_path() / "data";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A fresh temporary directory, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    std::replace(name.begin(), name.end(), '/', '_');
    path_ = fs::temp_directory_path() / ("podium_writer_test_" + name + "_" +
                                         std::to_string(::getpid()) + "_" +
                                         std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

struct Scored {
  LoadedCompetition loaded;
  std::unique_ptr<engine::ScoringEngine> engine;
};

// Loads `dir` (with `scores_file`, if given), applies every mark and recomputes.
Scored LoadAndScore(const fs::path& dir, const std::string& scores_file = "") {
  Scored scored;
  std::vector<Problem> problems;
  LoadOptions options;
  options.scores_file = scores_file;
  StatusOr<LoadedCompetition> loaded = LoadCompetition(dir, options, &problems);
  EXPECT_THAT(loaded, IsOk()) << dir;
  EXPECT_THAT(problems, IsEmpty());
  if (!loaded.ok()) return scored;
  scored.loaded = std::move(*loaded);
  scored.engine = std::make_unique<engine::ScoringEngine>(scored.loaded.competition);
  EXPECT_EQ(ApplyRecordedEvents(scored.loaded.events, *scored.engine, &problems), 0);
  EXPECT_THAT(problems, IsEmpty());
  scored.engine->Recompute();
  return scored;
}

// Expects the two snapshots to publish exactly the same results: every trade's leaderboard
// row by row (bib, rank, total, event scores, award, status, stage, completeness, flag),
// team standings, cross-trade teams, the medal tally and the nomination lists.
void ExpectSameStandings(const engine::Standings& a, const engine::Standings& b) {
  const engine::Competition& ca = *a.competition;
  const engine::Competition& cb = *b.competition;
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (size_t t = 0; t < a.trades.size(); ++t) {
    const engine::TradeStandings& ta = a.trades[t];
    const engine::TradeStandings& tb = b.trades[t];
    SCOPED_TRACE("trade " + ca.trade(static_cast<int>(t)).spec->id);
    EXPECT_EQ(ca.trade(static_cast<int>(t)).spec->id, cb.trade(static_cast<int>(t)).spec->id);
    ASSERT_EQ(ta.size(), tb.size());
    ASSERT_EQ(ta.num_events, tb.num_events);
    for (int p = 0; p < ta.size(); ++p) {
      const engine::StandingRow ra = ta.at_position(p);
      const engine::StandingRow rb = tb.at_position(p);
      const std::string& bib = ca.contestant(ra.contestant).bib;
      SCOPED_TRACE("position " + std::to_string(p) + " bib " + bib);
      EXPECT_EQ(bib, cb.contestant(rb.contestant).bib);
      EXPECT_EQ(ra.rank, rb.rank);
      EXPECT_EQ(ra.total, rb.total);
      EXPECT_EQ(a.award_id(ra), b.award_id(rb));
      EXPECT_EQ(ra.status, rb.status);
      EXPECT_EQ(ra.stage, rb.stage);
      EXPECT_EQ(ra.complete, rb.complete);
      EXPECT_EQ(ra.flagged, rb.flagged);
      for (int e = 0; e < ta.num_events; ++e) {
        EXPECT_EQ(ta.event_score(ta.row_at(p), e), tb.event_score(tb.row_at(p), e)) << "event " << e;
      }
    }
    ASSERT_EQ(ta.num_teams(), tb.num_teams());
    for (int p = 0; p < ta.num_teams(); ++p) {
      const engine::TeamRow ra = ta.team_at_position(p);
      const engine::TeamRow rb = tb.team_at_position(p);
      EXPECT_EQ(ca.trade(static_cast<int>(t)).teams[ra.team],
                cb.trade(static_cast<int>(t)).teams[rb.team]);
      EXPECT_EQ(ra.rank, rb.rank);
      EXPECT_EQ(ra.total, rb.total);
      EXPECT_EQ(ra.members, rb.members);
    }
  }
  ASSERT_EQ(a.competition_teams.size(), b.competition_teams.size());
  for (size_t p = 0; p < a.competition_teams.size(); ++p) {
    const engine::TeamRow& ra = a.competition_teams[p];
    const engine::TeamRow& rb = b.competition_teams[p];
    EXPECT_EQ(ca.competition_teams()[ra.team], cb.competition_teams()[rb.team]);
    EXPECT_EQ(ra.rank, rb.rank);
    EXPECT_EQ(ra.total, rb.total);
    EXPECT_EQ(ra.members, rb.members);
  }
  ASSERT_EQ(a.medal_tally.size(), b.medal_tally.size());
  for (size_t p = 0; p < a.medal_tally.size(); ++p) {
    const engine::MedalRow& ra = a.medal_tally[p];
    const engine::MedalRow& rb = b.medal_tally[p];
    EXPECT_EQ(ca.tally_groups()[ra.group], cb.tally_groups()[rb.group]);
    EXPECT_EQ(ra.rank, rb.rank);
    EXPECT_EQ(ra.medals, rb.medals);
    EXPECT_EQ(ra.awarded, rb.awarded);
  }
  const std::vector<engine::NominationList> na = a.Nominations();
  const std::vector<engine::NominationList> nb = b.Nominations();
  ASSERT_EQ(na.size(), nb.size());
  for (size_t n = 0; n < na.size(); ++n) {
    EXPECT_EQ(ca.nominations()[na[n].nomination].id, cb.nominations()[nb[n].nomination].id);
    std::vector<std::string> bibs_a, bibs_b;
    for (const int c : na[n].contestants) bibs_a.push_back(ca.contestant(c).bib);
    for (const int c : nb[n].contestants) bibs_b.push_back(cb.contestant(c).bib);
    EXPECT_EQ(bibs_a, bibs_b) << "nomination " << ca.nominations()[na[n].nomination].id;
  }
}

class WriterSampleTest : public ::testing::TestWithParam<std::string> {};

// Load a sample, write its spec and rosters, copy its marks, load again: the standings
// must be the same to the last bit.
TEST_P(WriterSampleTest, RoundTripGivesTheSameStandings) {
  const fs::path source = DataDir() / GetParam();
  const TempDir copy;
  const Scored original = LoadAndScore(source);
  ASSERT_NE(original.engine, nullptr);
  const engine::Competition& c = *original.loaded.competition;
  ASSERT_THAT(WriteDefinition(copy.path(), c.spec(), c.roster()), IsOk());
  for (const char* marks : {"scores.csv", "scores-live.csv", "penalties.csv"}) {
    if (fs::exists(source / marks)) fs::copy_file(source / marks, copy.path() / marks);
  }
  const Scored reloaded = LoadAndScore(copy.path());
  ASSERT_NE(reloaded.engine, nullptr);
  EXPECT_EQ(reloaded.loaded.events.size(), original.loaded.events.size());
  ExpectSameStandings(*original.engine->standings(), *reloaded.engine->standings());

  // The live view too.
  const Scored live = LoadAndScore(source, "scores-live.csv");
  const Scored live_reloaded = LoadAndScore(copy.path(), "scores-live.csv");
  ASSERT_NE(live.engine, nullptr);
  ASSERT_NE(live_reloaded.engine, nullptr);
  ExpectSameStandings(*live.engine->standings(), *live_reloaded.engine->standings());
}

// Writing what was read back gives the same files: nothing is lost or changed on the way.
TEST_P(WriterSampleTest, WrittenFilesAreAFixedPoint) {
  const fs::path source = DataDir() / GetParam();
  const TempDir copy;
  std::vector<Problem> problems;
  LoadOptions options;
  options.load_marks = false;
  StatusOr<LoadedCompetition> first = LoadCompetition(source, options, &problems);
  ASSERT_THAT(first, IsOk());
  const engine::Competition& c = *first->competition;
  ASSERT_THAT(WriteDefinition(copy.path(), c.spec(), c.roster()), IsOk());
  EXPECT_EQ(ReadFile(copy.path() / "competition.yaml"), CompetitionYaml(c.spec()));
  EXPECT_EQ(ReadFile(copy.path() / "contestants.csv"), ContestantsCsv(c.roster()));
  EXPECT_EQ(ReadFile(copy.path() / "judges.csv"), JudgesCsv(c.roster()));

  StatusOr<LoadedCompetition> second = LoadCompetition(copy.path(), options, &problems);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(problems, IsEmpty());
  const engine::Competition& d = *second->competition;
  EXPECT_EQ(CompetitionYaml(d.spec()), CompetitionYaml(c.spec()));
  EXPECT_EQ(ContestantsCsv(d.roster()), ContestantsCsv(c.roster()));
  EXPECT_EQ(JudgesCsv(d.roster()), JudgesCsv(c.roster()));
  EXPECT_EQ(d.num_items(), c.num_items());
  EXPECT_EQ(d.roster().field_names, c.roster().field_names);
}

INSTANTIATE_TEST_SUITE_P(Samples, WriterSampleTest,
                         ::testing::Values("mine-rescue-2026", "provincial-2026", "dance-2026"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

struct SyntheticCase {
  std::string name;
  engine::SyntheticOptions options;
};

class WriterSyntheticTest : public ::testing::TestWithParam<SyntheticCase> {};

// A synthetic definition written, loaded and fed the same marks scores like the original.
TEST_P(WriterSyntheticTest, RoundTripGivesTheSameStandings) {
  const engine::SyntheticOptions& options = GetParam().options;
  const engine::SyntheticDefinition definition = engine::MakeSyntheticDefinition(options);
  std::vector<Problem> problems;
  auto original = engine::Competition::Create(definition.spec, definition.roster, &problems);
  ASSERT_THAT(original, IsOk());
  const TempDir dir;
  ASSERT_THAT(WriteDefinition(dir.path(), definition.spec, definition.roster), IsOk());
  StatusOr<LoadedCompetition> loaded = LoadCompetition(dir.path(), LoadOptions{}, &problems);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_THAT(loaded->events, IsEmpty());
  const engine::Competition& a = **original;
  const engine::Competition& b = *loaded->competition;
  ASSERT_EQ(b.num_contestants(), a.num_contestants());
  ASSERT_EQ(b.num_judges(), a.num_judges());
  ASSERT_EQ(b.num_items(), a.num_items());
  EXPECT_EQ(CompetitionYaml(b.spec()), CompetitionYaml(definition.spec));
  EXPECT_EQ(ContestantsCsv(b.roster()), ContestantsCsv(definition.roster));
  EXPECT_EQ(JudgesCsv(b.roster()), JudgesCsv(definition.roster));

  engine::ScoringEngine engine_a(*original);
  engine::ScoringEngine engine_b(loaded->competition);
  int marks = 0;
  engine::GenerateSyntheticMarks(a, options, [&](const engine::MarkEvent& m) {
    ASSERT_THAT(engine_a.Apply(m), IsOk());
    // The same mark, addressed by what people type.
    auto contestant = b.FindContestant(a.contestant(m.contestant).bib);
    auto judge = b.FindJudge(a.judge(m.judge).id);
    ASSERT_THAT(contestant, IsOk());
    ASSERT_THAT(judge, IsOk());
    auto item = b.FindItem(b.trade_of(*contestant), a.item(m.item).ref);
    ASSERT_THAT(item, IsOk());
    engine::MarkEvent copy = m;
    copy.contestant = *contestant;
    copy.judge = *judge;
    copy.item = *item;
    ASSERT_THAT(engine_b.Apply(copy), IsOk());
    ++marks;
  });
  EXPECT_GT(marks, 0);
  engine_a.Recompute();
  engine_b.Recompute();
  ExpectSameStandings(*engine_a.standings(), *engine_b.standings());
}

engine::SyntheticOptions Options(int contestants, int trades, int items, int judges,
                                 int team_size, engine::Normalization normalization,
                                 double fill) {
  engine::SyntheticOptions o;
  o.contestants = contestants;
  o.trades = trades;
  o.items = items;
  o.judges = judges;
  o.team_size = team_size;
  o.normalization = normalization;
  o.fill = fill;
  o.seed = 20260101;
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    Synthetic, WriterSyntheticTest,
    ::testing::Values(
        SyntheticCase{"ZScoreTeams", Options(300, 2, 7, 5, 5, engine::Normalization::kJudgeZScore, 1)},
        SyntheticCase{"NoNormalizationNoTeams",
                      Options(120, 3, 4, 3, 0, engine::Normalization::kNone, 1)},
        SyntheticCase{"MeanPanelPartlyMarked",
                      Options(90, 1, 1, 2, 3, engine::Normalization::kNone, 0.7)}),
    [](const ::testing::TestParamInfo<SyntheticCase>& info) { return info.param.name; });

// --- The individual writers -------------------------------------------------

TEST(WriterTest, ContestantsCsvWritesEveryColumnAndEscapes) {
  engine::Roster roster;
  roster.field_names = {"eligible"};
  roster.contestants.push_back({.bib = "A01",
                                .name = "张三",
                                .trade = "welder",
                                .team = "一队",
                                .organization = "甲厂, 分厂",
                                .status = engine::ContestantStatus::kWithdrawn,
                                .fields = {"是"}});
  EXPECT_EQ(ContestantsCsv(roster),
            "bib,name,trade,team,organization,status,eligible\r\n"
            "A01,张三,welder,一队,\"甲厂, 分厂\",withdrawn,是\r\n");
}

TEST(WriterTest, JudgesCsvWritesRolesAndAssignmentsInTheirShortForms) {
  engine::Roster roster;
  roster.judges.push_back({.id = "CJ", .name = "Chief", .role = engine::JudgeRole::kChief});
  roster.judges.push_back(
      {.id = "J1",
       .name = "One",
       .assignments = {{.trade = "welder"},
                       {.trade = "welder", .item = "plate", .bib_from = "A01", .bib_to = "A22"},
                       {.trade = "welder", .event = "practical"},
                       {.trade = "welder", .event = "practical", .item = "plate",
                        .bib_from = "A05", .bib_to = "A05"}}});
  EXPECT_EQ(JudgesCsv(roster),
            "id,name,role,assignments\r\n"
            "CJ,Chief,chief,\r\n"
            "J1,One,judge,welder:*;welder:plate@A01-A22;welder:practical.*;"
            "welder:practical.plate@A05\r\n");
}

TEST(WriterTest, WriteDefinitionFailsNamingWhatItCouldNotWrite) {
  const TempDir dir;
  // A regular file where the directory should be.
  const fs::path blocked = dir.path() / "blocked";
  std::ofstream(blocked) << "x";
  const engine::SyntheticDefinition definition =
      engine::MakeSyntheticDefinition(engine::SyntheticOptions{.contestants = 10});
  EXPECT_THAT(WriteDefinition(blocked / "out", definition.spec, definition.roster),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("blocked")));
  // A directory where competition.yaml should be.
  fs::create_directories(dir.path() / "taken" / "competition.yaml");
  EXPECT_THAT(WriteDefinition(dir.path() / "taken", definition.spec, definition.roster),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("competition.yaml")));
}

TEST(WriterTest, CompetitionYamlStartsWithTheCompetition) {
  const engine::SyntheticDefinition definition =
      engine::MakeSyntheticDefinition(engine::SyntheticOptions{.contestants = 10});
  const std::string yaml = CompetitionYaml(definition.spec);
  EXPECT_THAT(yaml, StartsWith("competition:\n  id: synthetic\n"));
  EXPECT_THAT(yaml, HasSubstr("name: 合成竞赛"));
  EXPECT_EQ(yaml.back(), '\n');
}

}  // namespace
}  // namespace podium::definition
