#include "server/cli/commands.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/status.h"
#include "server/cli/table.h"
#include "server/core/contest_state.h"
#include "server/definition/csv.h"
#include "server/definition/loader.h"
#include "server/ledger/ledger.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::cli {
namespace {

using ::podium::test::DataDir;
using ::podium::test::TempDir;

namespace fs = std::filesystem;
using nlohmann::json;
using ::podium::test::IsOk;
using ::testing::AllOf;
using ::testing::ContainsRegex;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

std::string Sample(const std::string& name) { return (DataDir() / name).string(); }

const std::vector<std::string> kSamples = {"mine-rescue-2026", "provincial-2026", "dance-2026"};

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs `podium args...` in-process.
Result Podium(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Result result;
  result.code = podium::cli::Run(args, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void AppendToFile(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary | std::ios::app) << text;
}

int CountLines(const fs::path& path) {
  const std::string text = ReadFile(path);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// The rows of a CSV file of the samples, parsed.
definition::CsvTable ReadCsv(const fs::path& path) {
  StatusOr<definition::CsvTable> table = definition::ReadCsvFile(path, definition::Encoding::kAuto);
  EXPECT_THAT(table, IsOk());
  return table.ok() ? std::move(*table) : definition::CsvTable();
}

int Column(const definition::CsvTable& table, const std::string& name) {
  const auto it = std::find(table.header.begin(), table.header.end(), name);
  EXPECT_NE(it, table.header.end()) << name;
  return static_cast<int>(it - table.header.begin());
}

// A copy of a sample in a temporary directory.
fs::path CopySample(const TempDir& tmp, const std::string& name) {
  const fs::path copy = tmp.path() / name;
  fs::copy(DataDir() / name, copy, fs::copy_options::recursive);
  return copy;
}

json ScoreJson(const std::vector<std::string>& extra_args, const std::string& sample) {
  std::vector<std::string> args = {"score", Sample(sample), "--format", "json"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const Result r = Podium(args);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  json parsed = json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << r.out.substr(0, 500);
  return parsed;
}

// Expects standard competition ranking (1, 2, 2, 4) over a trade's leaderboard: the first row
// is 1, a row either shares the rank of the row above (same stage, same published total) or
// has rank = its position. Within a stage, totals never increase down the list.
void ExpectStandardCompetitionRanking(const json& standings) {
  ASSERT_TRUE(standings.is_array());
  ASSERT_FALSE(standings.empty());
  for (size_t i = 0; i < standings.size(); ++i) {
    const json& row = standings[i];
    SCOPED_TRACE("position " + std::to_string(i) + " " + row["contestant"].get<std::string>());
    ASSERT_TRUE(row["rank"].is_number_integer()) << row.dump();
    const int rank = row["rank"].get<int>();
    if (i == 0) {
      EXPECT_EQ(rank, 1);
      continue;
    }
    const json& above = standings[i - 1];
    const int above_rank = above["rank"].get<int>();
    if (rank == above_rank) {
      EXPECT_EQ(row["total"].get<double>(), above["total"].get<double>());
      EXPECT_EQ(row["stage"], above["stage"]);
      EXPECT_EQ(row["status"], above["status"]);
    } else {
      EXPECT_EQ(rank, static_cast<int>(i) + 1);
    }
    if (row["stage"] == above["stage"] && row["status"] == "present" &&
        above["status"] == "present") {
      EXPECT_LE(row["total"].get<double>(), above["total"].get<double>());
    }
  }
}

const json* FindNomination(const json& root, const std::string& id) {
  for (const json& n : root["nominations"]) {
    if (n["id"] == id) return &n;
  }
  return nullptr;
}

std::vector<std::string> NominatedBibs(const json& nomination) {
  std::vector<std::string> bibs;
  for (const json& c : nomination["contestants"])
    bibs.push_back(c["contestant"].get<std::string>());
  return bibs;
}

// --- validate -------------------------------------------------------------

TEST(CommandsTest, ValidateEverySampleSucceeds) {
  // Items as defined in each competition.yaml.
  const std::map<std::string, std::pair<std::string, int>> kShape = {
      {"mine-rescue-2026", {"1 trade(s), 88 contestants", 7}},
      {"provincial-2026", {"6 trade(s), 170 contestants", 25}},
      {"dance-2026", {"2 trade(s), 80 contestants", 6}}};
  for (const std::string& name : kSamples) {
    SCOPED_TRACE(name);
    const fs::path dir = DataDir() / name;
    const int judges = CountLines(dir / "judges.csv") - 1;
    const int marks =
        CountLines(dir / "scores.csv") - 1 +
        (fs::exists(dir / "penalties.csv") ? CountLines(dir / "penalties.csv") - 1 : 0);
    const Result r = Podium({"validate", dir.string()});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "OK " + name + ": " + kShape.at(name).first + ", " + std::to_string(judges) +
                         " judges, " + std::to_string(kShape.at(name).second) + " items, " +
                         std::to_string(marks) + " marks and penalties\n");
  }
}

TEST(CommandsTest, ValidateLiveScoresOfEverySampleSucceeds) {
  for (const std::string& name : kSamples) {
    SCOPED_TRACE(name);
    const Result r = Podium({"validate", Sample(name), "--scores", "scores-live.csv"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, StartsWith("OK " + name + ": "));
  }
}

TEST(CommandsTest, ValidateBrokenDefinitionListsEveryProblemWithFileAndLine) {
  const TempDir tmp;
  const fs::path dir = CopySample(tmp, "mine-rescue-2026");
  std::string judges = ReadFile(dir / "judges.csv");
  judges.replace(judges.find("M01,梁红梅,judge,"), std::string("M01,梁红梅,judge,").size(),
                 "M01,梁红梅,boss,");
  judges.replace(judges.find("mine-rescue:exam@K045"), std::string("mine-rescue:exam@K045").size(),
                 "exam@K045");
  std::ofstream(dir / "judges.csv", std::ios::binary | std::ios::trunc) << judges;

  const Result r = Podium({"validate", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "judges.csv line 3: judge 'M01': role 'boss' must be judge (裁判员) or chief (裁判长)\n"
            "judges.csv line 4: judge 'M02' assignment 'exam@K045-K088': write trade:item, "
            "trade:event.item, trade:event.* or trade:*\n"
            "2 problem(s) in " +
                dir.string() + "\n");
}

TEST(CommandsTest, ValidateBrokenMarksListsEveryProblemWithFileAndLine) {
  const TempDir tmp;
  const fs::path dir = CopySample(tmp, "mine-rescue-2026");
  const int first = CountLines(dir / "scores.csv") + 1;
  AppendToFile(dir / "scores.csv",
               "P01,K999,respirator-bench,10,,\r\n"
               "P01,K001,respirator-bench,ten,,\r\n"
               "P01,K001,rescue,10,,\r\n");
  const int penalty_line = CountLines(dir / "penalties.csv") + 1;
  AppendToFile(dir / "penalties.csv", "P21,K007,cpr,slow,1,\r\n");

  const Result r = Podium({"validate", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  const std::vector<std::string> lines = SplitLines(r.err);
  ASSERT_THAT(lines, SizeIs(5)) << r.err;
  for (size_t i = 0; i + 1 < lines.size(); ++i) {
    EXPECT_THAT(lines[i], MatchesRegex("[a-z.-]+\\.csv line [0-9]+: .+"));
  }
  EXPECT_EQ(lines[0],
            "scores.csv line " + std::to_string(first) + ": no contestant with bib 'K999'");
  EXPECT_EQ(lines[1],
            "scores.csv line " + std::to_string(first + 1) + ": value 'ten' is not a number");
  EXPECT_THAT(lines[2], StartsWith("scores.csv line " + std::to_string(first + 2) +
                                   ": bib 'K001': no item 'rescue' in trade 'mine-rescue'"));
  EXPECT_THAT(lines[3], StartsWith("penalties.csv line " + std::to_string(penalty_line) +
                                   ": item 'mine-rescue:practical.cpr' has no penalty 'slow'"));
  EXPECT_EQ(lines[4], "4 problem(s) in " + dir.string());
}

TEST(CommandsTest, ValidateReportsMarksTheEngineRefusesAtTheirLines) {
  const TempDir tmp;
  const fs::path dir = CopySample(tmp, "mine-rescue-2026");
  const int line = CountLines(dir / "scores.csv") + 1;
  AppendToFile(dir / "scores.csv",
               "P01,K001,respirator-bench,15.5,,\r\n"  // above max 15
               "P06,K001,respirator-bench,10,,\r\n");  // P06 judges respirator-wear
  const Result r = Podium({"validate", dir.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "scores.csv line " + std::to_string(line) +
                ": item 'mine-rescue:practical.respirator-bench' judge 'P01' bib 'K001': mark "
                "15.5 outside [0, 15]\n"
                "scores.csv line " +
                std::to_string(line + 1) +
                ": judge 'P06' is not assigned to item 'mine-rescue:practical.respirator-bench'\n"
                "2 problem(s) in " +
                dir.string() + "\n");
}

TEST(CommandsTest, ValidateReportsAMissingColumnAsFileLine) {
  const TempDir tmp;
  const fs::path dir = CopySample(tmp, "mine-rescue-2026");
  std::string contestants = ReadFile(dir / "contestants.csv");
  ASSERT_THAT(contestants, StartsWith("bib,"));
  contestants.replace(0, 3, "number");
  std::ofstream(dir / "contestants.csv", std::ios::binary | std::ios::trunc) << contestants;
  const Result r = Podium({"validate", dir.string()});
  EXPECT_EQ(r.code, 1);
  // README: each problem is printed as `FILE line N: what is wrong`.
  EXPECT_EQ(r.err,
            "contestants.csv line 1: missing column 'bib' (also accepted: 参赛编号, 编号, 参赛号)\n"
            "1 problem(s) in " +
                dir.string() + "\n");
}

TEST(CommandsTest, ValidateMissingDirectoryFails) {
  const TempDir tmp;
  const Result r = Podium({"validate", (tmp.path() / "nothing-here").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(StartsWith("podium: "), HasSubstr("nothing-here")));
}

// --- score --format json ------------------------------------------------------

TEST(CommandsTest, ScoreJsonHasTheDocumentedShape) {
  const json root = ScoreJson({}, "mine-rescue-2026");
  ASSERT_TRUE(root.is_object());
  for (const char* key :
       {"competition", "version", "trades", "teams", "medal_tally", "nominations"}) {
    EXPECT_TRUE(root.contains(key)) << key;
  }
  EXPECT_EQ(root["competition"]["id"], "mine-rescue-2026");
  EXPECT_EQ(root["competition"]["name"], "第二十五届全国煤炭行业矿山救护职业技能竞赛");
  ASSERT_THAT(root["trades"], SizeIs(1));
  const json& trade = root["trades"][0];
  EXPECT_EQ(trade["id"], "mine-rescue");
  EXPECT_EQ(trade["name"], "矿山救护工");
  ASSERT_TRUE(trade["standings"].is_array());
  EXPECT_THAT(trade["standings"], SizeIs(88));
  std::set<std::string> bibs;
  for (const json& row : trade["standings"]) {
    SCOPED_TRACE(row.dump());
    ASSERT_TRUE(row.is_object());
    EXPECT_TRUE(row["contestant"].is_string());
    EXPECT_TRUE(row["name"].is_string());
    EXPECT_TRUE(row["organization"].is_string());
    EXPECT_TRUE(row["team"].is_string());
    EXPECT_TRUE(row["rank"].is_number_integer());
    EXPECT_TRUE(row["total"].is_number());
    ASSERT_TRUE(row["events"].is_object());
    EXPECT_THAT(row["events"], SizeIs(2));
    EXPECT_TRUE(row["events"]["theory"].is_number());
    EXPECT_TRUE(row["events"]["practical"].is_number());
    EXPECT_TRUE(row["award"].is_null() || row["award"].is_string());
    EXPECT_EQ(row["status"], "present");
    EXPECT_EQ(row["stage"], "final");
    EXPECT_EQ(row["complete"], true);
    EXPECT_TRUE(row["flagged"].is_boolean());
    bibs.insert(row["contestant"].get<std::string>());
  }
  EXPECT_THAT(bibs, SizeIs(88));
  // 44 two-person teams.
  ASSERT_THAT(trade["teams"], SizeIs(44));
  for (const json& team : trade["teams"]) {
    EXPECT_TRUE(team["team"].is_string());
    EXPECT_TRUE(team["rank"].is_number_integer());
    EXPECT_TRUE(team["total"].is_number());
    EXPECT_EQ(team["members"], 2);
  }
}

TEST(CommandsTest, ScoreJsonMineRescueChampionAndNominations) {
  const json root = ScoreJson({}, "mine-rescue-2026");
  const json& standings = root["trades"][0]["standings"];
  ASSERT_FALSE(standings.empty());
  const json& champion = standings[0];
  EXPECT_EQ(champion["contestant"], "K071");
  EXPECT_EQ(champion["rank"], 1);
  EXPECT_EQ(champion["total"].get<double>(), 95.37);
  EXPECT_EQ(champion["award"], "first");
  ExpectStandardCompetitionRanking(standings);

  // Awards: 冠军, 亚军, 季军 to ranks 1, 2, 3; 优秀奖 to the next 10.
  for (const json& row : standings) {
    const int rank = row["rank"];
    const json expected = rank == 1    ? json("first")
                          : rank == 2  ? json("second")
                          : rank == 3  ? json("third")
                          : rank <= 13 ? json("excellence")
                                       : json(nullptr);
    EXPECT_EQ(row["award"], expected) << row["contestant"] << " rank " << rank;
  }

  const json* labour = FindNomination(root, "labour-medal");
  ASSERT_NE(labour, nullptr);
  EXPECT_EQ((*labour)["name"], "全国五一劳动奖章推荐人选");
  EXPECT_THAT(NominatedBibs(*labour), ElementsAre("K071"));
  std::vector<std::string> top10, next20;
  for (const json& row : standings) {
    const int rank = row["rank"];
    if (rank <= 10) top10.push_back(row["contestant"].get<std::string>());
    if (rank > 10 && rank <= 30) next20.push_back(row["contestant"].get<std::string>());
  }
  const json* expert = FindNomination(root, "technical-expert");
  const json* senior = FindNomination(root, "senior-worker");
  ASSERT_NE(expert, nullptr);
  ASSERT_NE(senior, nullptr);
  EXPECT_EQ(NominatedBibs(*expert), top10);
  EXPECT_EQ(NominatedBibs(*senior), next20);
}

TEST(CommandsTest, ScoreJsonRanksAreStandardCompetitionRankingInEverySample) {
  for (const std::string& name : kSamples) {
    const json root = ScoreJson({}, name);
    for (const json& trade : root["trades"]) {
      SCOPED_TRACE(name + " " + trade["id"].get<std::string>());
      ExpectStandardCompetitionRanking(trade["standings"]);
    }
  }
}

TEST(CommandsTest, ScoreJsonProvincialMedalTallyMatchesTheAwards) {
  const json root = ScoreJson({}, "provincial-2026");
  ASSERT_THAT(root["trades"], SizeIs(6));
  std::vector<std::string> ids;
  for (const json& trade : root["trades"]) ids.push_back(trade["id"].get<std::string>());
  EXPECT_THAT(ids, ElementsAre("electrician", "welder", "cnc-turner", "auto-repair", "elder-care",
                               "tea-art"));

  // Count the awards per delegation from the standings.
  std::map<std::string, std::map<std::string, int>> counted;
  std::map<std::string, int> awarded;
  std::set<std::string> delegations;
  int participations = 0;
  for (const json& trade : root["trades"]) {
    for (const json& row : trade["standings"]) {
      ++participations;
      const std::string organization = row["organization"];
      delegations.insert(organization);
      if (row["award"].is_null()) continue;
      ++counted[organization][row["award"].get<std::string>()];
      ++awarded[organization];
    }
  }
  EXPECT_EQ(participations, 170);
  EXPECT_THAT(delegations, SizeIs(21));

  const json& tally = root["medal_tally"];
  ASSERT_THAT(tally, SizeIs(delegations.size()));
  int gold = 0;
  for (size_t i = 0; i < tally.size(); ++i) {
    const json& row = tally[i];
    const std::string delegation = row["delegation"];
    SCOPED_TRACE(delegation);
    EXPECT_TRUE(delegations.count(delegation));
    ASSERT_TRUE(row["medals"].is_object());
    EXPECT_THAT(row["medals"], SizeIs(3));
    for (const char* medal : {"first", "second", "third"}) {
      EXPECT_EQ(row["medals"][medal].get<int>(), counted[delegation][medal]) << medal;
    }
    EXPECT_EQ(row["awarded"].get<int>(), awarded[delegation]);
    gold += row["medals"]["first"].get<int>();
    // Ordered by golds, then silvers, then bronzes; equal counts share a rank.
    if (i == 0) {
      EXPECT_EQ(row["rank"], 1);
    } else {
      const json& above = tally[i - 1];
      const std::vector<int> mine = {row["medals"]["first"].get<int>(),
                                     row["medals"]["second"].get<int>(),
                                     row["medals"]["third"].get<int>()};
      const std::vector<int> theirs = {above["medals"]["first"].get<int>(),
                                       above["medals"]["second"].get<int>(),
                                       above["medals"]["third"].get<int>()};
      EXPECT_LE(mine, theirs);
      EXPECT_EQ(row["rank"].get<int>(),
                mine == theirs ? above["rank"].get<int>() : static_cast<int>(i) + 1);
    }
  }
  int first_awards = 0;
  for (const auto& [organization, medals] : counted) {
    const auto it = medals.find("first");
    if (it != medals.end()) first_awards += it->second;
  }
  EXPECT_EQ(gold, first_awards);
}

TEST(CommandsTest, ScoreJsonProvincialAbsentAndWithdrawnRankLast) {
  // The statuses in the roster (data/README.md says 5 absent and 1 withdrawn; the generated
  // roster has 4 absent and 1 withdrawn, so count them from the file).
  const definition::CsvTable contestants =
      ReadCsv(DataDir() / "provincial-2026" / "contestants.csv");
  const int bib = Column(contestants, "bib");
  const int status = Column(contestants, "status");
  std::map<std::string, std::string> roster_status;
  int not_present = 0;
  for (const definition::CsvRow& row : contestants.rows) {
    roster_status[row.cells[bib]] = row.cells[status].empty() ? "present" : row.cells[status];
    not_present += roster_status[row.cells[bib]] != "present";
  }
  EXPECT_EQ(not_present, 5);

  const json root = ScoreJson({}, "provincial-2026");
  int seen = 0;
  for (const json& trade : root["trades"]) {
    bool seen_not_present = false;
    for (const json& row : trade["standings"]) {
      const std::string who = row["contestant"];
      EXPECT_EQ(row["status"], roster_status[who]) << who;
      if (row["status"] == "present") {
        EXPECT_FALSE(seen_not_present) << who << " ranked after a contestant not present";
        continue;
      }
      ++seen;
      seen_not_present = true;
      EXPECT_TRUE(row["award"].is_null()) << who;
      EXPECT_EQ(row["complete"], false) << who;
    }
  }
  EXPECT_EQ(seen, not_present);
}

// Awards by share (docs/competition-format.md, engine/README.md): each tier's places are its
// percentage of the ranked present contestants, floored on their own, and add up; a tier
// goes to everyone whose rank is within the places so far and whose total reaches min_total.
TEST(CommandsTest, ScoreJsonProvincialAwardsFollowTheShares) {
  const json root = ScoreJson({}, "provincial-2026");
  for (const json& trade : root["trades"]) {
    SCOPED_TRACE(trade["id"].get<std::string>());
    int present = 0;
    for (const json& row : trade["standings"]) {
      present += row["status"] == "present" && !row["rank"].is_null();
    }
    const int first = 10 * present / 100;
    const int second = first + 20 * present / 100;
    const int third = second + 30 * present / 100;
    for (const json& row : trade["standings"]) {
      const int rank = row["rank"];
      json expected = nullptr;
      if (row["status"] == "present" && row["total"].get<double>() >= 60) {
        expected = rank <= first    ? json("first")
                   : rank <= second ? json("second")
                   : rank <= third  ? json("third")
                                    : json(nullptr);
      }
      EXPECT_EQ(row["award"], expected)
          << row["contestant"] << " rank " << rank << " total " << row["total"];
    }
  }
}

TEST(CommandsTest, ExcludedStatusesHaveNoRank) {
  const TempDir tmp;
  const fs::path dir = CopySample(tmp, "provincial-2026");
  std::string yaml = ReadFile(dir / "competition.yaml");
  const size_t at = yaml.find("status_placement: last");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, std::string("status_placement: last").size(), "status_placement: excluded");
  std::ofstream(dir / "competition.yaml", std::ios::binary | std::ios::trunc) << yaml;

  std::ostringstream out, err;
  ASSERT_EQ(podium::cli::Run({"score", dir.string(), "--format", "json"}, out, err), 0)
      << err.str();
  const json root = json::parse(out.str(), nullptr, false);
  ASSERT_FALSE(root.is_discarded());
  std::set<std::string> unranked;
  for (const json& trade : root["trades"]) {
    int ranked = 0;
    for (const json& row : trade["standings"]) {
      if (row["status"] == "present") {
        EXPECT_TRUE(row["rank"].is_number_integer()) << row["contestant"];
        ++ranked;
      } else {
        EXPECT_TRUE(row["rank"].is_null()) << row["contestant"];
        unranked.insert(row["contestant"].get<std::string>());
      }
    }
    // The present ones are ranked 1.. among themselves.
    json present = json::array();
    for (const json& row : trade["standings"]) {
      if (!row["rank"].is_null()) present.push_back(row);
    }
    EXPECT_EQ(static_cast<int>(present.size()), ranked);
    ExpectStandardCompetitionRanking(present);
  }
  EXPECT_THAT(unranked, SizeIs(5));

  const Result csv = Podium({"score", dir.string(), "--format", "csv"});
  ASSERT_EQ(csv.code, 0);
  StatusOr<definition::CsvTable> table = definition::ParseCsv(csv.out, "results.csv");
  ASSERT_THAT(table, IsOk());
  for (const definition::CsvRow& row : table->rows) {
    EXPECT_EQ(row.cells[1].empty(), unranked.count(row.cells[2]) == 1) << row.cells[2];
  }
  const Result text = Podium({"score", dir.string(), "--trade", "electrician"});
  ASSERT_EQ(text.code, 0);
  EXPECT_THAT(text.out, ContainsRegex("— +E07 "));
}

TEST(CommandsTest, ExplainShowsStageTotalsRanksAndAdvancement) {
  const json root = ScoreJson({}, "dance-2026");
  for (const json& trade : root["trades"]) {
    const json& standings = trade["standings"];
    // Stage rank: 1 + the number of works that took part in the stage and scored higher in it.
    auto stage_rank = [&](const std::string& event, const std::set<std::string>& stages,
                          double score) {
      int higher = 0;
      for (const json& row : standings) {
        if (stages.count(row["stage"].get<std::string>()) &&
            row["events"][event].get<double>() > score) {
          ++higher;
        }
      }
      return higher + 1;
    };
    for (size_t i = 0; i < 3; ++i) {
      const json& row = standings[i];
      const std::string bib = row["contestant"];
      SCOPED_TRACE(bib);
      const Result r = Podium({"explain", Sample("dance-2026"), bib});
      ASSERT_EQ(r.code, 0) << r.err;
      const json& events = row["events"];
      char expected[256];
      const double prelim = events["prelim-perf"];
      const double semi = events["semi-perf"];
      const double final_score = events["final-perf"];
      std::snprintf(expected, sizeof expected,
                    "初赛 preliminary total = 100%% × %.2f = %.2f · stage rank %d · advanced\n",
                    prelim, prelim,
                    stage_rank("prelim-perf", {"preliminary", "semifinal", "final"}, prelim));
      EXPECT_THAT(r.out, HasSubstr(expected));
      std::snprintf(expected, sizeof expected,
                    "复赛 semifinal total = 100%% × %.2f = %.2f · stage rank %d · advanced\n", semi,
                    semi, stage_rank("semi-perf", {"semifinal", "final"}, semi));
      EXPECT_THAT(r.out, HasSubstr(expected));
      std::snprintf(expected, sizeof expected,
                    "决赛 final total = 100%% × %.2f = %.2f · stage rank %d\n", final_score,
                    final_score, row["rank"].get<int>());
      EXPECT_THAT(r.out, HasSubstr(expected));
    }
  }
}

TEST(CommandsTest, ScoresFileThatDoesNotExistFails) {
  const Result r = Podium({"score", Sample("mine-rescue-2026"), "--scores", "no-such-marks.csv"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("no-such-marks.csv"));
}

TEST(CommandsTest, OptionsMayBeWrittenWithAnEqualsSign) {
  const Result r =
      Podium({"score", Sample("mine-rescue-2026"), "--format=csv", "--trade=mine-rescue"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, StartsWith("\xEF\xBB\xBF"
                                "trade,rank,bib"));
}

TEST(CommandsTest, ScoreJsonDanceFinalsAndMedals) {
  const json root = ScoreJson({}, "dance-2026");
  ASSERT_THAT(root["trades"], SizeIs(2));
  for (const json& trade : root["trades"]) {
    SCOPED_TRACE(trade["id"].get<std::string>());
    const json& standings = trade["standings"];
    EXPECT_THAT(standings, SizeIs(40));
    std::map<std::string, int> stages;
    for (const json& row : standings) ++stages[row["stage"].get<std::string>()];
    EXPECT_EQ(stages["final"], 12);
    EXPECT_EQ(stages["semifinal"], 12);
    EXPECT_EQ(stages["preliminary"], 16);
    // The finalists lead the list.
    for (size_t i = 0; i < standings.size(); ++i) {
      EXPECT_EQ(standings[i]["stage"] == "final", i < 12) << standings[i]["contestant"];
    }
    // Tiers by rank: 2 gold, then up to 6 with silver, then up to 12 with bronze; a tie at
    // a cut would take everyone tied into the better tier.
    std::map<std::string, int> medals;
    for (const json& row : standings) {
      const int rank = row["rank"];
      const json expected = rank <= 2    ? json("gold")
                            : rank <= 6  ? json("silver")
                            : rank <= 12 ? json("bronze")
                                         : json(nullptr);
      EXPECT_EQ(row["award"], expected) << row["contestant"] << " rank " << rank;
      if (!row["award"].is_null()) ++medals[row["award"].get<std::string>()];
    }
    // data/README.md: per track 2 金奖, 4 银奖, 6 铜奖.
    EXPECT_EQ(medals["gold"], 2);
    EXPECT_EQ(medals["silver"], 4);
    EXPECT_EQ(medals["bronze"], 6);
  }
}

TEST(CommandsTest, ScoreJsonWithLiveScoresMarksIncompleteRows) {
  const fs::path dir = DataDir() / "mine-rescue-2026";
  // Every contestant needs 1 exam mark and 5 marks on each of the 6 practical items.
  constexpr int kExpectedMarks = 31;
  const definition::CsvTable live = ReadCsv(dir / "scores-live.csv");
  const int judge = Column(live, "judge");
  const int contestant = Column(live, "contestant");
  const int item = Column(live, "item");
  std::map<std::string, std::set<std::string>> marks;
  for (const definition::CsvRow& row : live.rows) {
    marks[row.cells[contestant]].insert(row.cells[judge] + "/" + row.cells[item]);
  }

  const json root = ScoreJson({"--scores", "scores-live.csv"}, "mine-rescue-2026");
  const json& standings = root["trades"][0]["standings"];
  ASSERT_THAT(standings, SizeIs(88));
  int incomplete = 0;
  for (const json& row : standings) {
    const std::string bib = row["contestant"];
    const bool complete = marks[bib].size() == static_cast<size_t>(kExpectedMarks);
    EXPECT_EQ(row["complete"].get<bool>(), complete)
        << bib << " has " << marks[bib].size() << " marks";
    incomplete += !complete;
  }
  EXPECT_GT(incomplete, 0);
  // The same contest with every mark in is complete.
  const json final = ScoreJson({}, "mine-rescue-2026");
  for (const json& row : final["trades"][0]["standings"]) {
    EXPECT_EQ(row["complete"], true) << row["contestant"];
  }
  EXPECT_NE(root["version"], final["version"]);
}

TEST(CommandsTest, ScoreJsonForOneTrade) {
  const definition::CsvTable contestants =
      ReadCsv(DataDir() / "provincial-2026" / "contestants.csv");
  const int trade = Column(contestants, "trade");
  const auto welders =
      std::count_if(contestants.rows.begin(), contestants.rows.end(),
                    [&](const definition::CsvRow& row) { return row.cells[trade] == "welder"; });
  ASSERT_GT(welders, 0);
  const json root = ScoreJson({"--trade", "welder"}, "provincial-2026");
  ASSERT_THAT(root["trades"], SizeIs(1));
  EXPECT_EQ(root["trades"][0]["id"], "welder");
  EXPECT_EQ(root["trades"][0]["standings"].size(), static_cast<size_t>(welders));
  for (const json& nomination : root["nominations"]) {
    for (const json& who : nomination["contestants"]) {
      EXPECT_EQ(who["trade"], "welder") << nomination["id"];
    }
  }
}

TEST(CommandsTest, ScoreUnknownTradeFailsNamingIt) {
  const Result r = Podium({"score", Sample("provincial-2026"), "--trade", "plumber"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, AllOf(StartsWith("podium: "), HasSubstr("'plumber'")));
}

// --- score --format csv -----------------------------------------------------

TEST(CommandsTest, ScoreCsvIsUtf8WithBomAndOneLinePerContestant) {
  const std::map<std::string, int> kContestants = {
      {"mine-rescue-2026", 88}, {"provincial-2026", 170}, {"dance-2026", 80}};
  for (const std::string& name : kSamples) {
    SCOPED_TRACE(name);
    const Result r = Podium({"score", Sample(name), "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, StartsWith("\xEF\xBB\xBF"
                                  "trade,rank,bib,name,organization,team,event:"));
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), kContestants.at(name) + 1);
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\r'), kContestants.at(name) + 1);
    StatusOr<definition::CsvTable> table = definition::ParseCsv(r.out, "results.csv");
    ASSERT_THAT(table, IsOk());
    EXPECT_THAT(table->rows, SizeIs(kContestants.at(name)));
    EXPECT_EQ(table->header.back(), "stage");
  }
}

TEST(CommandsTest, ScoreCsvMineRescueRows) {
  const Result r = Podium({"score", Sample("mine-rescue-2026"), "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  StatusOr<definition::CsvTable> table = definition::ParseCsv(r.out, "results.csv");
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->header,
              ElementsAre("trade", "rank", "bib", "name", "organization", "team", "event:theory",
                          "event:practical", "total", "award", "status", "stage"));
  ASSERT_THAT(table->rows, SizeIs(88));
  EXPECT_THAT(table->rows[0].cells,
              ElementsAre("mine-rescue", "1", "K071", "刘军伟", "淮河能源集团", "淮河能源集团三队",
                          "97.00", "94.67", "95.37", "first", "present", "final"));
}

// --- score (table) --------------------------------------------------------------

// In every leaderboard of the table output, the right-aligned total column ends at the same
// terminal column on the header and on every data line, Chinese names notwithstanding.
TEST(CommandsTest, ScoreTableAlignsTheTotalColumn) {
  for (const std::string& name : kSamples) {
    SCOPED_TRACE(name);
    const json root = ScoreJson({}, name);
    const Result r = Podium({"score", Sample(name)});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::vector<std::string> lines = SplitLines(r.out);
    size_t at = 0;
    for (const json& trade : root["trades"]) {
      const std::string title =
          "== " + trade["name"].get<std::string>() + " " + trade["id"].get<std::string>() + " ==";
      SCOPED_TRACE(title);
      while (at < lines.size() && lines[at] != title) ++at;
      ASSERT_LT(at + 2, lines.size()) << "no section " << title;
      const std::string& header = lines[at + 1];
      const std::string kTotal = "总分 Total";
      const size_t total_at = header.find(kTotal);
      ASSERT_NE(total_at, std::string::npos) << header;
      const int total_end = DisplayWidth(header.substr(0, total_at + kTotal.size()));
      EXPECT_EQ(lines[at + 2].find_first_not_of("- "), std::string::npos) << lines[at + 2];
      const json& standings = trade["standings"];
      ASSERT_LE(at + 3 + standings.size(), lines.size());
      for (size_t i = 0; i < standings.size(); ++i) {
        const std::string& line = lines[at + 3 + i];
        char total[64];
        std::snprintf(total, sizeof total, "%.2f", standings[i]["total"].get<double>());
        const std::string bib = standings[i]["contestant"];
        ASSERT_THAT(line, HasSubstr("  " + bib + "  ")) << "row " << i;
        const size_t pos = line.rfind(total);
        ASSERT_NE(pos, std::string::npos) << line;
        EXPECT_EQ(DisplayWidth(line.substr(0, pos + std::string(total).size())), total_end) << line;
      }
      // The leaderboard ends after its rows.
      if (at + 3 + standings.size() < lines.size()) {
        EXPECT_EQ(lines[at + 3 + standings.size()], "");
      }
      at += 3 + standings.size();
    }
  }
}

TEST(CommandsTest, ScoreTableShowsNotesTeamsTallyAndNominations) {
  const Result mine = Podium({"score", Sample("mine-rescue-2026")});
  ASSERT_EQ(mine.code, 0);
  EXPECT_THAT(mine.out, StartsWith("第二十五届全国煤炭行业矿山救护职业技能竞赛"));
  EXPECT_THAT(mine.out, HasSubstr("\n团体 Teams\n"));
  EXPECT_THAT(mine.out, HasSubstr("推荐名单 Nomination: 全国五一劳动奖章推荐人选"));
  EXPECT_THAT(mine.out,
              ContainsRegex("K071 +刘军伟 +淮河能源集团 +97\\.00 +94\\.67 +95\\.37 +冠军"));
  const Result live = Podium({"score", Sample("mine-rescue-2026"), "--scores", "scores-live.csv"});
  ASSERT_EQ(live.code, 0);
  EXPECT_THAT(live.out, HasSubstr("未完成 incomplete"));
  const Result provincial = Podium({"score", Sample("provincial-2026")});
  ASSERT_EQ(provincial.code, 0);
  EXPECT_THAT(provincial.out, HasSubstr("\n奖牌榜 Medal tally\n"));
  EXPECT_THAT(provincial.out, HasSubstr("\n团体总分 Team totals\n"));
  EXPECT_THAT(provincial.out, HasSubstr("缺考 absent"));
  EXPECT_THAT(provincial.out, HasSubstr("弃赛 withdrawn"));
}

// --- explain --------------------------------------------------------------------

TEST(CommandsTest, ExplainShowsEveryMarkDropsPenaltyAndTotal) {
  const fs::path dir = DataDir() / "mine-rescue-2026";
  const Result r = Podium({"explain", dir.string(), "K031"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_THAT(r.out, StartsWith("K031 邓万里"));

  // Every mark K031 has, as entered (the last row per judge and item counts).
  const definition::CsvTable scores = ReadCsv(dir / "scores.csv");
  const int judge = Column(scores, "judge");
  const int contestant = Column(scores, "contestant");
  const int item = Column(scores, "item");
  const int value = Column(scores, "value");
  std::map<std::string, std::string> marks;  // "item judge" -> value
  for (const definition::CsvRow& row : scores.rows) {
    if (row.cells[contestant] != "K031") continue;
    marks[row.cells[item] + " " + row.cells[judge]] = row.cells[value];
  }
  ASSERT_THAT(marks, SizeIs(31));
  std::set<std::string> judges_seen;
  for (const auto& [key, mark] : marks) {
    const std::string judge_id = key.substr(key.find(' ') + 1);
    judges_seen.insert(judge_id);
    EXPECT_THAT(r.out, ContainsRegex("(^|\\s)" + judge_id + " " + mark + "(\\s|→)")) << key;
  }
  for (int p = 1; p <= 30; ++p) {
    char id[8];
    std::snprintf(id, sizeof id, "P%02d", p);
    EXPECT_TRUE(judges_seen.count(id)) << id;
  }

  // Each 5-judge trimmed item drops its highest and lowest mark.
  int mark_lines = 0;
  for (const std::string& line : SplitLines(r.out)) {
    if (line.rfind("    P", 0) != 0) continue;
    ++mark_lines;
    size_t dropped = 0;
    for (size_t at = line.find("(dropped)"); at != std::string::npos;
         at = line.find("(dropped)", at + 1)) {
      ++dropped;
    }
    EXPECT_EQ(dropped, 2u) << line;
  }
  EXPECT_EQ(mark_lines, 6);
  EXPECT_THAT(r.out, HasSubstr("penalty 操作程序错误 × 2 = −2\n"));
  EXPECT_THAT(r.out, HasSubstr("总分 total 84.43"));
  EXPECT_THAT(r.out, HasSubstr("total = 30% × 83.50 + 70% × 84.83 = 84.43\n"));
}

TEST(CommandsTest, ExplainUnknownBibFails) {
  const Result r = Podium({"explain", Sample("mine-rescue-2026"), "K999"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("'K999'"));
}

// --- judges -------------------------------------------------------------------------

TEST(CommandsTest, JudgesListsEveryJudgeOfATradeWithRaschMeasuresWhereUsed) {
  const Result r =
      Podium({"judges", Sample("provincial-2026"), "--trade", "elder-care", "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  StatusOr<definition::CsvTable> table = definition::ParseCsv(r.out, "judges.csv");
  ASSERT_THAT(table, IsOk());
  const int item = Column(*table, "项目 Item");
  const int judge = Column(*table, "裁判 Judge");
  const int marks = Column(*table, "评分数 Marks");
  const int severity = Column(*table, "严厉度 Severity (logits)");
  const int infit = Column(*table, "Infit MnSq");
  // Elder care: 4 judged items x 5 judges (J26-J30); only humanistic care is
  // under Rasch (normalization: rasch in competition.yaml).
  ASSERT_THAT(table->rows, SizeIs(20));
  double severity_sum = 0;
  for (const definition::CsvRow& row : table->rows) {
    EXPECT_THAT(row.cells[judge], ::testing::MatchesRegex("J(26|27|28|29|30)"));
    EXPECT_NE(row.cells[marks], "0") << row.cells[judge];
    if (row.cells[item] == "人文关怀与沟通") {
      ASSERT_FALSE(row.cells[severity].empty()) << row.cells[judge];
      EXPECT_FALSE(row.cells[infit].empty());
      severity_sum += std::stod(row.cells[severity]);
    } else {
      EXPECT_EQ(row.cells[severity], "") << row.cells[item];
    }
  }
  // Judge severities are centred on 0 (rounded to 2 decimals each).
  EXPECT_NEAR(severity_sum, 0, 0.03);

  const Result table_out = Podium({"judges", Sample("provincial-2026"), "--trade", "elder-care"});
  ASSERT_EQ(table_out.code, 0) << table_out.err;
  EXPECT_THAT(table_out.out, StartsWith("裁判评分分析 Judge analytics\n"));
  EXPECT_THAT(table_out.out, HasSubstr("人文关怀与沟通"));
}

TEST(CommandsTest, JudgesRefusesAnUnknownTradeOrFormat) {
  const Result trade = Podium({"judges", Sample("provincial-2026"), "--trade", "baker"});
  EXPECT_EQ(trade.code, 1);
  EXPECT_THAT(trade.err, HasSubstr("'baker'"));
  const Result format = Podium({"judges", Sample("provincial-2026"), "--format", "pdf"});
  EXPECT_EQ(format.code, 2);
  EXPECT_THAT(format.err, HasSubstr("--format must be table, json or csv, not 'pdf'"));
}

TEST(CommandsTest, ExplainShowsRaschMeasuresBehindAFairMark) {
  const Result r = Podium({"explain", Sample("provincial-2026"), "Y01"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("judgement-0-3, Rasch fair mark]"));
  EXPECT_THAT(r.out, ContainsRegex("J26 [0-3] \\(severity [-+][0-9]\\.[0-9][0-9]\\)"));
  EXPECT_THAT(r.out, ContainsRegex("Rasch: ability -?[0-9.]+ ± [0-9.]+ logits, item difficulty "
                                   "-?[0-9.]+ → fair mark \\(average-severity judge\\) [0-9.]+"));
}

TEST(CommandsTest, ExplainPrintsTheSkatingSystemTablesOfAFinal) {
  const fs::path dir = DataDir().parent_path() / "tests" / "fixtures" / "skating-final";
  const Result score = Podium({"score", dir.string(), "--format", "csv"});
  ASSERT_EQ(score.code, 0) << score.err;
  const Result r = Podium({"explain", dir.string(), "D01"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("名次 rank 1 · 总分 total 1.50"));
  EXPECT_THAT(r.out, HasSubstr("  crosses = 3\n"));
  EXPECT_THAT(r.out, HasSubstr("决赛 final place = 1.5 (skating system, lower is better)"));
  EXPECT_THAT(r.out, HasSubstr("  华尔兹 (rules 5-8, majority 2)\n"));
  // The summary: place sums 3 and 3, shared by rule 11.
  EXPECT_THAT(r.out, ContainsRegex("D01 +1 +2 +3 +1.5 +11\n"));
  EXPECT_THAT(r.out, ContainsRegex("D03 +3 +3 +6 +3 +9\n"));
  EXPECT_THAT(r.out, HasSubstr("rule 11 (every mark of every dance as one dance, majority 4)"));
  EXPECT_THAT(r.out, ContainsRegex("D01 +3 +6\\(9\\) +6\\(9\\) +6\\(9\\) +1.5\n"));
  // A contestant the semifinal left out has no final.
  const Result out = Podium({"explain", dir.string(), "D05"});
  ASSERT_EQ(out.code, 0) << out.err;
  EXPECT_THAT(out.out, Not(HasSubstr("skating system")));
  EXPECT_THAT(out.out, Not(HasSubstr("决赛 final")));
}

// --- generate -------------------------------------------------------------------

TEST(CommandsTest, GeneratedCompetitionValidatesAndScores) {
  const TempDir tmp;
  const std::string out = (tmp.path() / "big").string();
  const Result generated = Podium({"generate", "--out", out, "--contestants", "500"});
  ASSERT_EQ(generated.code, 0) << generated.err;
  EXPECT_THAT(generated.out, StartsWith("wrote " + out + ": 500 contestants, "));
  for (const char* file : {"competition.yaml", "contestants.csv", "judges.csv", "scores.csv"}) {
    EXPECT_TRUE(fs::exists(fs::path(out) / file)) << file;
  }

  const Result validated = Podium({"validate", out});
  EXPECT_EQ(validated.code, 0) << validated.err;
  EXPECT_THAT(validated.out, StartsWith("OK synthetic: 1 trade(s), 500 contestants, "));

  const Result scored = Podium({"score", out});
  EXPECT_EQ(scored.code, 0) << scored.err;
  EXPECT_EQ(scored.err, "");
  EXPECT_THAT(scored.out, HasSubstr("合成竞赛"));

  std::ostringstream json_out, json_err;
  ASSERT_EQ(podium::cli::Run({"score", out, "--format", "json"}, json_out, json_err), 0)
      << json_err.str();
  const json root = json::parse(json_out.str(), nullptr, false);
  ASSERT_FALSE(root.is_discarded());
  size_t rows = 0;
  for (const json& trade : root["trades"]) {
    rows += trade["standings"].size();
    ExpectStandardCompetitionRanking(trade["standings"]);
    for (const json& row : trade["standings"]) EXPECT_EQ(row["complete"], true);
  }
  EXPECT_EQ(rows, 500u);
}

TEST(CommandsTest, GenerateRejectsBadNumbers) {
  const TempDir tmp;
  const std::string out = (tmp.path() / "g").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"generate", "--out", out, "--contestants", "0"},
        std::vector<std::string>{"generate", "--out", out, "--contestants", "many"},
        std::vector<std::string>{"generate", "--out", out, "--fill", "1.5"},
        std::vector<std::string>{"generate", "--out", out, "--seed", "-1"},
        std::vector<std::string>{"generate", "--out", out, "--normalization", "judge-robust"},
        std::vector<std::string>{"generate", "--contestants", "10"}}) {
    SCOPED_TRACE(::testing::PrintToString(args));
    const Result r = Podium(args);
    EXPECT_EQ(r.code, 2);
    EXPECT_FALSE(r.err.empty());
  }
  EXPECT_FALSE(fs::exists(out));
}

// --- usage ----------------------------------------------------------------------

TEST(CommandsTest, UsageErrorsExitWithTwo) {
  const std::string dir = Sample("mine-rescue-2026");
  const Result none = Podium({});
  EXPECT_EQ(none.code, 2);
  EXPECT_THAT(none.err, StartsWith("usage: podium"));
  EXPECT_EQ(none.out, "");

  const Result unknown = Podium({"frobnicate", dir});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, AllOf(HasSubstr("unknown command 'frobnicate'"), HasSubstr("usage:")));

  const Result option = Podium({"score", dir, "--colour", "red"});
  EXPECT_EQ(option.code, 2);
  EXPECT_THAT(option.err, HasSubstr("unknown option --colour"));
  EXPECT_EQ(option.out, "");

  const Result wrong_command_option = Podium({"validate", dir, "--format", "json"});
  EXPECT_EQ(wrong_command_option.code, 2);
  EXPECT_THAT(wrong_command_option.err, HasSubstr("unknown option --format"));

  const Result missing_value = Podium({"score", dir, "--format"});
  EXPECT_EQ(missing_value.code, 2);
  EXPECT_THAT(missing_value.err, HasSubstr("option --format needs a value"));
  EXPECT_EQ(missing_value.out, "");

  const Result bad_format = Podium({"score", dir, "--format", "xml"});
  EXPECT_EQ(bad_format.code, 2);
  EXPECT_THAT(bad_format.err, HasSubstr("'xml'"));

  const Result no_dir = Podium({"validate"});
  EXPECT_EQ(no_dir.code, 2);
  EXPECT_THAT(no_dir.err, HasSubstr("usage:"));

  const Result two_dirs = Podium({"score", dir, dir});
  EXPECT_EQ(two_dirs.code, 2);

  const Result no_bib = Podium({"explain", dir});
  EXPECT_EQ(no_bib.code, 2);
}

TEST(CommandsTest, HelpPrintsUsageToStdout) {
  const Result r = Podium({"help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("usage: podium"));
  EXPECT_EQ(r.err, "");
}

// A value an option does not take is wrong usage (exit 2), as for --format.
TEST(CommandsTest, BadEncodingOptionIsAUsageError) {
  const Result r = Podium({"validate", Sample("mine-rescue-2026"), "--encoding", "latin-1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("latin-1"));
  const Result ok = Podium({"validate", Sample("mine-rescue-2026"), "--encoding", "utf-8"});
  EXPECT_EQ(ok.code, 0) << ok.err;
}

// --- tokens: login links, QR codes and cards ----------------------------------

// Token holders of a sample: everyone in judges.csv, one display, one organizer.
int HoldersOf(const std::string& sample) {
  const std::string judges = ReadFile(DataDir() / sample / "judges.csv");
  return static_cast<int>(std::count(judges.begin(), judges.end(), '\n')) - 1 + 1 + 1;
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(CommandsTest, TokensWithAUrlPrintEachHoldersLinkAndQrCode) {
  const TempDir tmp;
  const Result r = Podium({"tokens", Sample("mine-rescue-2026"), "--db",
                           (tmp.path() / "l.db").string(), "--url", "http://10.0.0.5:8080/"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(
      r.out,
      ContainsRegex("judge +P01 +[^ ]+ +http://10\\.0\\.0\\.5:8080/judge#token=[a-z2-7]{32}\n"));
  EXPECT_THAT(r.out, ContainsRegex("chief judge +CJ01 .*http://10\\.0\\.0\\.5:8080/chief#token="));
  EXPECT_THAT(r.out,
              ContainsRegex("display +display-1 .*http://10\\.0\\.0\\.5:8080/screen#token="));
  EXPECT_THAT(r.out, ContainsRegex("organizer +organizer-1 .*/chief#token="));
  // One QR code per holder: each starts with its own colour-forced line.
  const int holders = HoldersOf("mine-rescue-2026");
  EXPECT_EQ(Count(r.out, "#token="), holders);
  EXPECT_GE(Count(r.out, "\x1b[30;47m"), holders * 10);
}

TEST(CommandsTest, TokensAsJsonListEveryHolderWithTokenAndLink) {
  const TempDir tmp;
  const Result r =
      Podium({"tokens", Sample("mine-rescue-2026"), "--db", (tmp.path() / "l.db").string(), "--url",
              "http://127.0.0.1:8080", "--format", "json", "--displays", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto holders = nlohmann::json::parse(r.out);
  ASSERT_EQ(static_cast<int>(holders.size()), HoldersOf("mine-rescue-2026") + 1);
  const std::map<std::string, std::string> page = {{"judge", "/judge"},
                                                   {"chief judge", "/chief"},
                                                   {"display", "/screen"},
                                                   {"organizer", "/chief"}};
  std::set<std::string> tokens;
  for (const auto& h : holders) {
    const std::string token = h["token"];
    EXPECT_EQ(token.size(), 32u);
    tokens.insert(token);
    EXPECT_EQ(h["link"], "http://127.0.0.1:8080" + page.at(h["role"]) + "#token=" + token);
  }
  EXPECT_EQ(tokens.size(), holders.size());
}

TEST(CommandsTest, TokensSheetHasACardWithAQrCodePerHolder) {
  const TempDir tmp;
  const fs::path sheet = tmp.path() / "cards.html";
  const Result r =
      Podium({"tokens", Sample("mine-rescue-2026"), "--db", (tmp.path() / "l.db").string(), "--url",
              "http://10.0.0.5:8080", "--sheet", sheet.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("cards.html"));
  EXPECT_EQ(Count(r.out, "\x1b[30;47m"), 0);  // the cards, not the terminal, carry the codes
  const std::string html = ReadFile(sheet);
  EXPECT_EQ(Count(html, "<svg"), HoldersOf("mine-rescue-2026"));
  EXPECT_EQ(Count(html, "class=\"card\""), HoldersOf("mine-rescue-2026"));
  EXPECT_THAT(html, HasSubstr("李继伟"));
  EXPECT_THAT(html, HasSubstr("扫码登录 Scan to log in"));
}

TEST(CommandsTest, TokensRefuseABadUrlOrSheetBeforeIssuingAnything) {
  const TempDir tmp;
  const fs::path db = tmp.path() / "l.db";
  const std::string dir = Sample("mine-rescue-2026");
  Result r = Podium({"tokens", dir, "--db", db.string(), "--url", "10.0.0.5:8080"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--url must be the gateway's address"));
  r = Podium({"tokens", dir, "--db", db.string(), "--sheet", "cards.html"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--sheet needs --url"));
  r = Podium({"tokens", dir, "--db", db.string(), "--format", "xml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("xml"));
  r = Podium({"tokens", dir, "--db", db.string(), "--url", "http://h:1", "--sheet",
              (tmp.path() / "no-such-dir" / "cards.html").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot write"));
  EXPECT_FALSE(fs::exists(db));  // no ledger, so no token was issued or revoked
}

// --- audit ---------------------------------------------------------------------

// `podium audit` on a ledger written as the live server writes it (each
// command checked by ContestState, numbered, appended, folded in).
TEST(CommandsTest, AuditListsAMarksHistoryAndEveryEvent) {
  const TempDir tmp;
  const fs::path db = tmp.path() / "l.db";
  const std::string dir = Sample("mine-rescue-2026");
  auto loaded = podium::definition::LoadCompetition(dir, {.load_marks = false}, nullptr);
  ASSERT_THAT(loaded, IsOk());
  const auto& competition = loaded->competition;
  {
    auto ledger = podium::server::Ledger::Open(db, competition->spec().id);
    ASSERT_THAT(ledger, IsOk());
    podium::server::ContestState state(competition);
    using podium::server::Command;
    using podium::server::CommandKind;
    auto judge = competition->FindJudge("P01");
    ASSERT_THAT(judge, IsOk());
    const podium::server::Principal p01{
        .role = podium::server::Role::kJudge, .actor = "P01", .judge = *judge};
    const std::vector<Command> commands = {
        {.kind = CommandKind::kMark,
         .idempotency_key = "a1",
         .device = "平板-3",
         .bib = "K001",
         .item = "respirator-bench",
         .value = 7.5},
        {.kind = CommandKind::kMark,
         .idempotency_key = "a2",
         .bib = "K002",
         .item = "respirator-bench",
         .value = 6},
        {.kind = CommandKind::kCorrection,
         .idempotency_key = "a3",
         .bib = "K001",
         .item = "respirator-bench",
         .value = 8,
         .reason = "录入错误"},
    };
    std::uint64_t sequence = 0;
    for (const Command& c : commands) {
      auto prepared = state.Prepare(c, p01, 1'763'800'000'000 + 1000 * sequence);
      ASSERT_THAT(prepared, IsOk()) << c.idempotency_key;
      auto& accepted = std::get<podium::server::ContestState::Accepted>(*prepared);
      accepted.record.sequence = ++sequence;
      std::vector<podium::server::LedgerRecord> batch = {accepted.record};
      ASSERT_THAT((*ledger)->Append(batch), IsOk());
      ASSERT_THAT(state.Apply(accepted.record), IsOk());
    }
  }
  // One mark's history: the mark and its correction, with who, device and why.
  Result r =
      Podium({"audit", dir, "--db", db.string(), "--bib", "K001", "--item", "respirator-bench"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, AllOf(HasSubstr("平板-3"), HasSubstr("录入错误"), HasSubstr("P01 (judge)")));
  EXPECT_THAT(r.out, AllOf(HasSubstr("7.5"), HasSubstr("8")));
  EXPECT_THAT(r.out, Not(HasSubstr("K002")));
  // Every event, in ledger order.
  r = Podium({"audit", dir, "--db", db.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("K002"));
  EXPECT_LT(r.out.find("K002"), r.out.find("录入错误"));
  // Bad requests name what is wrong.
  r = Podium({"audit", dir, "--db", db.string(), "--bib", "K001"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--bib needs --item"));
  r = Podium({"audit", dir, "--db", db.string(), "--bib", "K999", "--item", "respirator-bench"});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("K999"));
  r = Podium({"audit", dir, "--db", (tmp.path() / "none.db").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("none.db"));
}

// --- export --------------------------------------------------------------------

TEST(CommandsTest, ExportChecksItsOptionsBeforeReadingTheLedger) {
  const TempDir tmp;
  const std::string db = (tmp.path() / "l.db").string();
  Result r = Podium({"export", Sample("mine-rescue-2026"), "--db", db, "--out",
                     (tmp.path() / "out").string(), "--format", "csv,docx"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown export format 'docx'"));
  r = Podium({"export", Sample("mine-rescue-2026"), "--db", db});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("usage"));
  EXPECT_FALSE(fs::exists(db)) << "a refused export created a ledger";
  // No such ledger: named, exit 1.
  r = Podium(
      {"export", Sample("mine-rescue-2026"), "--db", db, "--out", (tmp.path() / "out").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("l.db"));
  EXPECT_FALSE(fs::exists(db));
  EXPECT_FALSE(fs::exists(tmp.path() / "out"));
}

TEST(CommandsTest, ExportIsRefusedUntilFinalAndProvisionalSaysSo) {
  const TempDir tmp;
  const std::string db = (tmp.path() / "l.db").string();
  ASSERT_EQ(Podium({"tokens", Sample("mine-rescue-2026"), "--db", db}).code, 0);
  const fs::path out = tmp.path() / "out";
  Result r = Podium({"export", Sample("mine-rescue-2026"), "--db", db, "--out", out.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, AllOf(HasSubstr("not final"), HasSubstr("--provisional")));
  EXPECT_FALSE(fs::exists(out)) << "a refused export wrote to OUTDIR";

  r = Podium({"export", Sample("mine-rescue-2026"), "--db", db, "--out", out.string(),
              "--provisional", "--format", "csv,json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("provisional results (the competition is open)"));
  for (const char* file : {"results-mine-rescue.csv", "awards.csv", "audit.csv", "results.json"}) {
    EXPECT_TRUE(fs::exists(out / file)) << file;
    EXPECT_THAT(r.out, HasSubstr(file));
  }
  EXPECT_THAT(ReadFile(out / "results-mine-rescue.csv"), HasSubstr("Provisional results"));
  EXPECT_FALSE(fs::exists(out / "results.xlsx"));
}

}  // namespace
}  // namespace podium::cli
