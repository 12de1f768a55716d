#include "server/definition/loader.h"

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
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/competition.h"
#include "podium/engine/events.h"
#include "podium/engine/scoring_engine.h"
#include "podium/engine/standings.h"
#include "podium/status.h"
#include "server/definition/encoding.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {

// Lets GoogleTest print problems as people read them.
void PrintTo(const Problem& problem, std::ostream* os) { *os << problem.ToString(); }

}  // namespace podium::engine

namespace podium::definition {

// Prints a recorded event as where it came from.
void PrintTo(const RecordedEvent& event, std::ostream* os) {
  *os << event.file << " line " << event.line;
}

namespace {

using ::podium::test::DataDir;

namespace fs = std::filesystem;

using ::podium::engine::Problem;
using ::podium::test::IsOk;
using ::podium::test::IsOkAndHolds;
using ::podium::test::StatusIs;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::SizeIs;
using ::testing::StartsWith;

// A problem at FILE line LINE whose message matches `message`.
Matcher<const Problem&> ProblemAt(const std::string& file, int line,
                                  Matcher<const std::string&> message) {
  return AllOf(Field("file", &Problem::file, file), Field("line", &Problem::line, line),
               Field("message", &Problem::message, message));
}

std::vector<fs::path> SampleDirs() {
  std::vector<fs::path> dirs;
  for (const fs::directory_entry& entry : fs::directory_iterator(DataDir())) {
    if (entry.is_directory() && fs::exists(entry.path() / "competition.yaml")) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

// Data records of a CSV file: non-empty lines after the header.
int CountDataRows(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::string line;
  int rows = -1;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) ++rows;
  }
  return rows < 0 ? 0 : rows;
}

// `text` with the only occurrence of `from` replaced by `to`.
std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << "no '" << from << "' in the text";
  if (at == std::string::npos) return text;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << "'" << from << "' occurs twice";
  return text.replace(at, from.size(), to);
}

// A small competition. Line numbers matter: the tests below point at them.
constexpr std::string_view kCompetitionYaml =
    "competition:\n"                                             //  1
    "  id: mini\n"                                               //  2
    "  name: 小型竞赛\n"                                         //  3
    "  precision: 2\n"                                           //  4
    "trades:\n"                                                  //  5
    "  - id: welder\n"                                           //  6
    "    name: 焊工\n"                                           //  7
    "    events:\n"                                              //  8
    "      - id: theory\n"                                       //  9
    "        name: 理论考试\n"                                   // 10
    "        weight: 30\n"                                       // 11
    "        items:\n"                                           // 12
    "          - id: exam\n"                                     // 13
    "            name: 理论试卷\n"                               // 14
    "            max: 100\n"                                     // 15
    "            step: 0.5\n"                                    // 16
    "            marking: measurement\n"                         // 17
    "      - id: practical\n"                                    // 18
    "        name: 操作技能\n"                                   // 19
    "        weight: 70\n"                                       // 20
    "        items:\n"                                           // 21
    "          - id: plate\n"                                    // 22
    "            name: 板对接焊\n"                               // 23
    "            max: 40\n"                                      // 24
    "            step: 0.5\n"                                    // 25
    "            marking: judgement\n"                           // 26
    "            panel: {size: 3, rule: mean}\n"                 // 27
    "            penalties:\n"                                   // 28
    "              - {id: unsafe, name: 违规操作, points: 2}\n"  // 29
    "    awards:\n"                                              // 30
    "      - {id: first, name: 一等奖, by: count, count: 1}\n";  // 31

constexpr std::string_view kContestantsCsv =
    "bib,name,organization,status\n"  // 1
    "A01,张三,甲厂,present\n"         // 2
    "A02,李四,乙厂,\n"                // 3
    "A03,王五,甲厂,absent\n";         // 4

// ASCII only, so that it reads the same in every encoding.
constexpr std::string_view kJudgesCsv =
    "id,name,role,assignments\n"                     // 1
    "CJ01,Chief Li,chief,\n"                         // 2
    "M01,Marker Wang,judge,welder:exam\n"            // 3
    "J01,Judge Zhao,judge,welder:plate\n"            // 4
    "J02,Judge Qian,judge,welder:practical.*\n"      // 5
    "J03,Judge Sun,judge,welder:practical.plate\n";  // 6

constexpr std::string_view kScoresCsv =
    "judge,contestant,item,value,time,note\n"      //  1
    "M01,A01,exam,88,,\n"                          //  2
    "M01,A02,exam,75.5,,\n"                        //  3
    "J01,A01,plate,30,14:05,\n"                    //  4
    "J02,A01,practical.plate,32,,\n"               //  5
    "J03,A01,welder:practical.plate,34,,\n"        //  6
    "J01,A02,plate,20,,\n"                         //  7
    "J02,A02,plate,21,,\n"                         //  8
    "J03,A02,plate,22.5,,\"first try, redone\"\n"  //  9
    "M01,A01,exam,90,,corrected\n";                // 10

constexpr std::string_view kPenaltiesCsv =
    "judge,contestant,item,penalty,count,note\n"  // 1
    "J01,A01,plate,unsafe,1,no goggles\n";        // 2

// The contestants in GBK, as Excel saves "CSV (逗号分隔)" on a Chinese Windows, with the
// Chinese header aliases: 参赛编号,姓名,单位 / A01,张三,甲厂 / A02,李四,乙厂 / A03,王五,甲厂.
constexpr std::string_view kContestantsGbk =
    "\xB2\xCE\xC8\xFC\xB1\xE0\xBA\xC5,\xD0\xD5\xC3\xFB,\xB5\xA5\xCE\xBB\r\n"
    "A01,\xD5\xC5\xC8\xFD,\xBC\xD7\xB3\xA7\r\n"
    "A02,\xC0\xEE\xCB\xC4,\xD2\xD2\xB3\xA7\r\n"
    "A03,\xCD\xF5\xCE\xE5,\xBC\xD7\xB3\xA7\r\n";
// The same text in UTF-8.
constexpr std::string_view kContestantsChineseUtf8 =
    "参赛编号,姓名,单位\r\n"
    "A01,张三,甲厂\r\n"
    "A02,李四,乙厂\r\n"
    "A03,王五,甲厂\r\n";

// A fresh directory per test, removed afterwards, holding the competition above.
class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static int counter = 0;
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        fs::temp_directory_path() / ("podium_loader_test_" + std::string(info->name()) + "_" +
                                     std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(dir_);
    ASSERT_TRUE(fs::create_directories(dir_)) << dir_;
    Write("competition.yaml", kCompetitionYaml);
    Write("contestants.csv", kContestantsCsv);
    Write("judges.csv", kJudgesCsv);
    Write("scores.csv", kScoresCsv);
    Write("penalties.csv", kPenaltiesCsv);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    fs::remove_all(dir_.string() + "_cwd", ignored);
  }

  void Write(const fs::path& name, std::string_view bytes) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
    out << bytes;
    ASSERT_TRUE(out.good()) << name;
  }

  StatusOr<LoadedCompetition> Load(const LoadOptions& options = {}) {
    problems_.clear();
    return LoadCompetition(dir_, options, &problems_);
  }

  // Loads with the given contestants.csv and returns the contestants' (name, organization).
  std::vector<std::pair<std::string, std::string>> NamesWith(std::string_view contestants,
                                                             Encoding encoding) {
    Write("contestants.csv", contestants);
    LoadOptions options;
    options.encoding = encoding;
    StatusOr<LoadedCompetition> loaded = Load(options);
    EXPECT_THAT(loaded, IsOk());
    EXPECT_THAT(problems_, IsEmpty());
    std::vector<std::pair<std::string, std::string>> names;
    if (!loaded.ok()) return names;
    for (const engine::Contestant& c : loaded->competition->roster().contestants) {
      names.emplace_back(c.bib + " " + c.name, c.organization);
    }
    return names;
  }

  fs::path dir_;
  std::vector<Problem> problems_;
};

// --- A valid competition ----------------------------------------------------

TEST_F(LoaderTest, ValidMinimalCompetitionLoads) {
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  EXPECT_THAT(problems_, IsEmpty());
  const engine::Competition& c = *loaded->competition;
  EXPECT_EQ(c.spec().id, "mini");
  EXPECT_EQ(c.spec().name, "小型竞赛");
  EXPECT_EQ(c.num_trades(), 1);
  EXPECT_EQ(c.num_items(), 2);
  EXPECT_EQ(c.num_contestants(), 3);
  EXPECT_EQ(c.num_judges(), 5);
  ASSERT_EQ(c.trade(0).spec->stages.size(), 1u);
  EXPECT_EQ(c.trade(0).spec->stages[0].id, "final");
  EXPECT_EQ(c.contestant(1).bib, "A02");
  EXPECT_EQ(c.contestant(1).name, "李四");
  EXPECT_EQ(c.contestant(1).organization, "乙厂");
  EXPECT_EQ(c.contestant(1).trade, "welder");  // the only trade
  EXPECT_EQ(c.contestant(2).status, engine::ContestantStatus::kAbsent);
  EXPECT_EQ(c.judge(0).role, engine::JudgeRole::kChief);
  EXPECT_EQ(c.judge(2).role, engine::JudgeRole::kJudge);

  // 9 marks in file order, then the penalty, each with where it came from.
  ASSERT_THAT(loaded->events, SizeIs(10));
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(loaded->events[i].file, "scores.csv");
    EXPECT_EQ(loaded->events[i].line, i + 2);
  }
  EXPECT_EQ(loaded->events[7].note, "first try, redone");
  EXPECT_EQ(loaded->events[8].note, "corrected");
  const auto* timed = std::get_if<engine::MarkEvent>(&loaded->events[2].event);
  ASSERT_NE(timed, nullptr);
  EXPECT_EQ(timed->contestant, 0);
  EXPECT_EQ(timed->item, *c.FindItem(0, "practical.plate"));
  EXPECT_EQ(timed->judge, 2);
  EXPECT_EQ(timed->value, 30);
  ASSERT_TRUE(timed->time_used.has_value());
  EXPECT_EQ(*timed->time_used, 845);
  const auto* half = std::get_if<engine::MarkEvent>(&loaded->events[1].event);
  ASSERT_NE(half, nullptr);
  EXPECT_EQ(half->value, 75.5);
  EXPECT_FALSE(half->time_used.has_value());
  EXPECT_EQ(loaded->events[9].file, "penalties.csv");
  EXPECT_EQ(loaded->events[9].line, 2);
  EXPECT_EQ(loaded->events[9].note, "no goggles");
  const auto* penalty = std::get_if<engine::PenaltyEvent>(&loaded->events[9].event);
  ASSERT_NE(penalty, nullptr);
  EXPECT_EQ(penalty->contestant, 0);
  EXPECT_EQ(penalty->penalty, 0);
  EXPECT_EQ(penalty->judge, 2);
  EXPECT_EQ(penalty->count, 1);

  // Scored: A01 = 30% * 90 (corrected) + 70% * (mean(30, 32, 34) - 2) = 48;
  //         A02 = 30% * 75.5 + 70% * mean(20, 21, 22.5) = 37.4667.
  engine::ScoringEngine engine(loaded->competition);
  EXPECT_EQ(ApplyRecordedEvents(loaded->events, engine, &problems_), 0);
  EXPECT_THAT(problems_, IsEmpty());
  engine.Recompute();
  const engine::TradeStandings& ts = engine.standings()->trades[0];
  ASSERT_EQ(ts.size(), 3);
  EXPECT_EQ(ts.at_position(0).contestant, 0);
  EXPECT_EQ(ts.at_position(0).rank, 1);
  EXPECT_DOUBLE_EQ(ts.at_position(0).total, 48.00);
  EXPECT_EQ(engine.standings()->award_id(ts.at_position(0)), "first");
  EXPECT_EQ(ts.at_position(1).contestant, 1);
  EXPECT_EQ(ts.at_position(1).rank, 2);
  EXPECT_DOUBLE_EQ(ts.at_position(1).total, 37.47);
  EXPECT_EQ(engine.standings()->award_id(ts.at_position(1)), "");
  EXPECT_EQ(ts.at_position(2).contestant, 2);
  EXPECT_EQ(ts.at_position(2).status, engine::ContestantStatus::kAbsent);
}

TEST_F(LoaderTest, WithoutScoresFilesTheDefinitionLoadsWithNoEvents) {
  fs::remove(dir_ / "scores.csv");
  fs::remove(dir_ / "penalties.csv");
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  EXPECT_THAT(loaded->events, IsEmpty());
  EXPECT_THAT(problems_, IsEmpty());
}

TEST_F(LoaderTest, LoadMarksFalseIgnoresTheMarksFiles) {
  Write("scores.csv", "judge,contestant,item,value\nM01,Z99,exam,88\n");
  LoadOptions options;
  options.load_marks = false;
  StatusOr<LoadedCompetition> loaded = Load(options);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_THAT(loaded->events, IsEmpty());
  EXPECT_THAT(problems_, IsEmpty());
}

TEST_F(LoaderTest, MissingDirectoryOrSpecIsNotFound) {
  EXPECT_THAT(LoadCompetition(dir_ / "nope", {}, &problems_),
              StatusIs(StatusCode::kNotFound, HasSubstr("nope")));
  fs::remove(dir_ / "competition.yaml");
  EXPECT_THAT(Load(), StatusIs(StatusCode::kNotFound, HasSubstr("competition.yaml")));
}

// --- The samples ----------------------------------------------------------

TEST(LoaderSampleTest, EverySampleLoadsAndItsMarksApplyWithZeroRefusals) {
  const std::vector<fs::path> samples = SampleDirs();
  ASSERT_THAT(samples, SizeIs(::testing::Ge(3u))) << DataDir();
  for (const fs::path& dir : samples) {
    for (const std::string scores : {"scores.csv", "scores-live.csv"}) {
      SCOPED_TRACE(dir.filename().string() + " " + scores);
      std::vector<Problem> problems;
      LoadOptions options;
      options.scores_file = scores;
      StatusOr<LoadedCompetition> loaded = LoadCompetition(dir, options, &problems);
      ASSERT_THAT(loaded, IsOk());
      EXPECT_THAT(problems, IsEmpty());
      const int penalties =
          fs::exists(dir / "penalties.csv") ? CountDataRows(dir / "penalties.csv") : 0;
      EXPECT_EQ(loaded->events.size(),
                static_cast<size_t>(CountDataRows(dir / scores) + penalties));
      engine::ScoringEngine engine(loaded->competition);
      EXPECT_EQ(ApplyRecordedEvents(loaded->events, engine, &problems), 0);
      EXPECT_THAT(problems, IsEmpty());
    }
  }
}

struct SampleShape {
  std::string dir;
  int trades;
  int contestants;
};

class LoaderSampleShapeTest : public ::testing::TestWithParam<SampleShape> {};

// The shapes stated in data/README.md.
TEST_P(LoaderSampleShapeTest, HasTheShapeTheDataReadmeStates) {
  std::vector<Problem> problems;
  StatusOr<LoadedCompetition> loaded =
      LoadCompetition(DataDir() / GetParam().dir, LoadOptions{}, &problems);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->competition->num_trades(), GetParam().trades);
  EXPECT_EQ(loaded->competition->num_contestants(), GetParam().contestants);
}

INSTANTIATE_TEST_SUITE_P(Samples, LoaderSampleShapeTest,
                         ::testing::Values(SampleShape{"mine-rescue-2026", 1, 88},
                                           SampleShape{"provincial-2026", 6, 170},
                                           SampleShape{"dance-2026", 2, 80}),
                         [](const ::testing::TestParamInfo<SampleShape>& info) {
                           std::string name = info.param.dir;
                           for (char& ch : name) {
                             if (ch == '-') ch = '_';
                           }
                           return name;
                         });

TEST(LoaderSampleTest, MineRescueCorrectionIsAppliedInFileOrder) {
  // data/README.md: one theory mark is corrected by a later row that has a note.
  std::vector<Problem> problems;
  StatusOr<LoadedCompetition> loaded =
      LoadCompetition(DataDir() / "mine-rescue-2026", LoadOptions{}, &problems);
  ASSERT_THAT(loaded, IsOk());
  int noted_exam_marks = 0;
  for (const RecordedEvent& e : loaded->events) {
    const auto* mark = std::get_if<engine::MarkEvent>(&e.event);
    if (mark != nullptr && !e.note.empty() &&
        loaded->competition->item(mark->item).spec->id == "exam") {
      ++noted_exam_marks;
      EXPECT_EQ(e.file, "scores.csv");
      EXPECT_GT(e.line, 2);
    }
  }
  EXPECT_EQ(noted_exam_marks, 1);
}

// --- Encodings ------------------------------------------------------------

TEST_F(LoaderTest, Utf8WithBomRosterLoads) {
  const auto plain = NamesWith(kContestantsChineseUtf8, Encoding::kAuto);
  const auto with_bom =
      NamesWith("\xEF\xBB\xBF" + std::string(kContestantsChineseUtf8), Encoding::kAuto);
  EXPECT_THAT(with_bom, ElementsAre(std::pair<std::string, std::string>("A01 张三", "甲厂"),
                                    std::pair<std::string, std::string>("A02 李四", "乙厂"),
                                    std::pair<std::string, std::string>("A03 王五", "甲厂")));
  EXPECT_EQ(with_bom, plain);
  const auto forced =
      NamesWith("\xEF\xBB\xBF" + std::string(kContestantsChineseUtf8), Encoding::kUtf8);
  EXPECT_EQ(forced, plain);
}

TEST_F(LoaderTest, GbkRosterIsDetectedAutomatically) {
  const auto utf8 = NamesWith(kContestantsChineseUtf8, Encoding::kAuto);
  ASSERT_THAT(utf8, SizeIs(3));
  EXPECT_EQ(utf8[0].first, "A01 张三");
  const auto gbk = NamesWith(kContestantsGbk, Encoding::kAuto);
  EXPECT_EQ(gbk, utf8);
}

TEST_F(LoaderTest, GbkRosterWithEncodingForcedToGb18030) {
  const auto utf8 = NamesWith(kContestantsChineseUtf8, Encoding::kAuto);
  const auto gbk = NamesWith(kContestantsGbk, Encoding::kGb18030);
  EXPECT_EQ(gbk, utf8);
  ASSERT_THAT(gbk, SizeIs(3));
  EXPECT_EQ(gbk[2].first, "A03 王五");
  EXPECT_EQ(gbk[2].second, "甲厂");
}

TEST_F(LoaderTest, GbkRosterWithRostersEncodingInTheYaml) {
  const auto utf8 = NamesWith(kContestantsChineseUtf8, Encoding::kAuto);
  Write("competition.yaml", std::string(kCompetitionYaml) + "rosters:\n  encoding: gb18030\n");
  const auto gbk = NamesWith(kContestantsGbk, Encoding::kAuto);
  EXPECT_EQ(gbk, utf8);
}

TEST_F(LoaderTest, InvalidUtf8WithEncodingForcedToUtf8NamesFileAndLine) {
  // Line 3 holds 李四 in GBK, which is not UTF-8.
  Write("contestants.csv",
        "bib,name,organization\r\n"
        "A01,Zhang San,Factory\r\n"
        "A02,\xC0\xEE\xCB\xC4,Factory\r\n");
  LoadOptions options;
  options.encoding = Encoding::kUtf8;
  EXPECT_THAT(Load(options), StatusIs(StatusCode::kInvalidArgument,
                                      HasSubstr("contestants.csv line 3: not valid UTF-8")));
  ASSERT_THAT(problems_, SizeIs(1));
  EXPECT_EQ(problems_[0].file, "contestants.csv");
  EXPECT_THAT(problems_[0].ToString(), HasSubstr("contestants.csv line 3: not valid UTF-8"));
  EXPECT_THAT(problems_[0].ToString(), HasSubstr("gb18030"));
  // The same file is fine when its encoding is detected.
  EXPECT_THAT(Load(), IsOk());
}

// --- competition.yaml problems ---------------------------------------------

TEST_F(LoaderTest, YamlSyntaxErrorIsReportedAtItsLine) {
  Write("competition.yaml",
        Replace(std::string(kCompetitionYaml), "  name: 小型竞赛\n", "  name: 小型竞赛: 第二届\n"));
  EXPECT_THAT(Load(),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("competition.yaml line 3: ")));
  EXPECT_THAT(problems_,
              ElementsAre(ProblemAt("competition.yaml", 3, HasSubstr("illegal map value"))));
}

TEST_F(LoaderTest, EventRankingAndRaschNormalizationAreRead) {
  Write("competition.yaml",
        Replace(std::string(kCompetitionYaml), "        weight: 30\n",
                "        weight: 30\n        ranking: recalls\n        normalization: rasch\n"));
  // Read, then refused by the rules (the theory items are not crosses).
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_FALSE(problems_.empty());
  EXPECT_THAT(problems_[0].message, HasSubstr("a recalls event's items are crosses"));
}

TEST_F(LoaderTest, UnknownEventRankingNamesTheChoices) {
  Write("competition.yaml", Replace(std::string(kCompetitionYaml), "        weight: 30\n",
                                    "        weight: 30\n        ranking: placings\n"));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  ASSERT_FALSE(problems_.empty());
  EXPECT_THAT(problems_[0].message, HasSubstr("placings"));
  EXPECT_THAT(problems_[0].message, HasSubstr("scores, recalls, skating"));
}

TEST_F(LoaderTest, UnknownKeyNamesTheAllowedKeys) {
  Write("competition.yaml",
        Replace(std::string(kCompetitionYaml), "        weight: 30\n", "        wieght: 30\n"));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      problems_,
      ElementsAre(
          ProblemAt("competition.yaml", 11,
                    "trade 'welder' event: unknown key 'wieght' (allowed: id, name, "
                    "name_en, stage, weight, normalization, ranking, standardize, items)"),
          ProblemAt("competition.yaml", 9, "trade 'welder' event 'theory': missing 'weight'")));
}

TEST_F(LoaderTest, WrongTypesAreReportedAtTheirLines) {
  std::string yaml = Replace(std::string(kCompetitionYaml), "  precision: 2\n",
                             "  precision: 2.5\n  blind_numbers: maybe\n");
  yaml = Replace(yaml, "            max: 40\n", "            max: forty\n");
  Write("competition.yaml", yaml);
  EXPECT_THAT(Load(),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("competition.yaml line 4: ")));
  EXPECT_THAT(
      problems_,
      ElementsAre(
          ProblemAt("competition.yaml", 4, "competition: 'precision' must be a whole number"),
          ProblemAt("competition.yaml", 5, "competition: 'blind_numbers' must be true or false"),
          ProblemAt("competition.yaml", 25,
                    "trade 'welder' event 'practical' item 'plate': 'max' must be a number, "
                    "not 'forty'")));
}

TEST_F(LoaderTest, ListWhereAMappingBelongsIsATypeError) {
  Write("competition.yaml",
        Replace(std::string(kCompetitionYaml), "            panel: {size: 3, rule: mean}\n",
                "            panel: [3, mean]\n"));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_,
              ElementsAre(ProblemAt("competition.yaml", 27,
                                    "trade 'welder' event 'practical' item 'plate' panel must be a "
                                    "mapping (key: value)")));
}

TEST_F(LoaderTest, MissingRequiredKeyIsReportedAtItsMapping) {
  Write("competition.yaml", Replace(std::string(kCompetitionYaml), "            max: 40\n", ""));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_, ElementsAre(ProblemAt(
                             "competition.yaml", 22,
                             "trade 'welder' event 'practical' item 'plate': missing 'max'")));
}

TEST_F(LoaderTest, BadEnumValueListsTheAllowedValues) {
  std::string yaml =
      Replace(std::string(kCompetitionYaml), "  precision: 2\n", "  status_placement: first\n");
  yaml = Replace(yaml, "panel: {size: 3, rule: mean}", "panel: {size: 3, rule: average}");
  Write("competition.yaml", yaml);
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_,
              ElementsAre(ProblemAt("competition.yaml", 4,
                                    "competition: 'status_placement' must be one of last, "
                                    "excluded, not 'first'"),
                          ProblemAt("competition.yaml", 27,
                                    "trade 'welder' event 'practical' item 'plate' panel: 'rule' "
                                    "must be one of mean, trimmed, median, judgement-0-3, not "
                                    "'average'")));
}

TEST_F(LoaderTest, WholeModelProblemsFromTheEnginePointAtTheYaml) {
  // Weights 30 + 60 do not make 100: reported on the trade (line 6) by Competition::Create.
  Write("competition.yaml",
        Replace(std::string(kCompetitionYaml), "        weight: 70\n", "        weight: 60\n"));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_, ElementsAre(ProblemAt("competition.yaml", 6, HasSubstr("must be 100"))));
}

// The same competition written as JSON, in competition.json.
constexpr std::string_view kCompetitionJson =
    "{\"competition\": {\"id\": \"mini\", \"name\": \"小型竞赛\"},\n"                        // 1
    " \"trades\": [{\"id\": \"welder\", \"name\": \"焊工\",\n"                               // 2
    "   \"events\": [\n"                                                                     // 3
    "     {\"id\": \"theory\", \"weight\": 30,\n"                                            // 4
    "      \"items\": [{\"id\": \"exam\", \"max\": 100, \"marking\": \"measurement\"}]},\n"  // 5
    "     {\"id\": \"practical\", \"weight\": 70,\n"                                         // 6
    "      \"items\": [{\"id\": \"plate\", \"max\": 40, \"panel\": {\"size\": 3, \"rule\": "
    "\"mean\"},\n"                                                                     // 7
    "                 \"penalties\": [{\"id\": \"unsafe\", \"points\": 2}]}]}]}]}\n";  // 8

TEST_F(LoaderTest, CompetitionJsonLoads) {
  fs::remove(dir_ / "competition.yaml");
  Write("competition.json", kCompetitionJson);
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->competition->num_items(), 2);
  EXPECT_THAT(loaded->events, SizeIs(10));
}

TEST_F(LoaderTest, ProblemsInCompetitionJsonNameThatFile) {
  fs::remove(dir_ / "competition.yaml");
  // A problem the loader finds, and one only the whole model shows (weights 30 + 60).
  Write("competition.json",
        Replace(std::string(kCompetitionJson), "\"max\": 100,", "\"max\": \"many\","));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_, ElementsAre(ProblemAt("competition.json", 5, HasSubstr("'many'"))));
  Write("competition.json",
        Replace(std::string(kCompetitionJson), "\"weight\": 70,", "\"weight\": 60,"));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_, ElementsAre(ProblemAt("competition.json", 2, HasSubstr("must be 100"))));
}

// --- Roster problems ------------------------------------------------------

TEST_F(LoaderTest, ContestantsWithoutBibColumnIsReportedAtTheHeaderLine) {
  Write("contestants.csv",
        "number,name,organization,status\n"
        "A01,张三,甲厂,\n");
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  // Printed by `podium validate` as "FILE line N: what is wrong".
  ASSERT_THAT(problems_, SizeIs(1));
  EXPECT_EQ(problems_[0].ToString(),
            "contestants.csv line 1: missing column 'bib' (also accepted: 参赛编号, 编号, 参赛号)");
  EXPECT_THAT(problems_, ElementsAre(ProblemAt(
                             "contestants.csv", 1,
                             "missing column 'bib' (also accepted: 参赛编号, 编号, 参赛号)")));
}

TEST_F(LoaderTest, DuplicateBibIsReportedAtTheSecondRow) {
  Write("contestants.csv", std::string(kContestantsCsv) + "A02,赵六,丙厂,\n");
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument,
                               "contestants.csv line 5: bib 'A02' is used twice (line 3)"));
  EXPECT_THAT(problems_,
              ElementsAre(ProblemAt("contestants.csv", 5, "bib 'A02' is used twice (line 3)")));
}

TEST_F(LoaderTest, UnknownTradeIsReportedWithTheKnownTrades) {
  Write("contestants.csv",
        "bib,name,trade,organization\n"
        "A01,张三,welder,甲厂\n"
        "A02,李四,welding,乙厂\n"
        "A03,王五,welder,甲厂\n");
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_,
              ElementsAre(ProblemAt("contestants.csv", 3,
                                    "bib 'A02': trade 'welding' is not defined (trades: welder)")));
}

TEST_F(LoaderTest, BadStatusIsReportedWithTheAllowedValues) {
  Write("contestants.csv",
        "bib,name,organization,状态\n"
        "A01,张三,甲厂,缺考\n"
        "A02,李四,乙厂,sick\n"
        "A03,王五,甲厂,弃赛\n");
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_, ElementsAre(ProblemAt(
                             "contestants.csv", 3,
                             "bib 'A02': status 'sick' must be present, absent (缺考), withdrawn "
                             "(弃赛) or disqualified (取消资格)")));
}

TEST_F(LoaderTest, ChineseStatusNamesAreAccepted) {
  Write("contestants.csv",
        "bib,name,organization,状态\n"
        "A01,张三,甲厂,正常\n"
        "A02,李四,乙厂,缺考\n"
        "A03,王五,甲厂,取消资格\n");
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  const auto& roster = loaded->competition->roster().contestants;
  EXPECT_EQ(roster[0].status, engine::ContestantStatus::kPresent);
  EXPECT_EQ(roster[1].status, engine::ContestantStatus::kAbsent);
  EXPECT_EQ(roster[2].status, engine::ContestantStatus::kDisqualified);
}

TEST_F(LoaderTest, JudgeWithBadRoleIsReportedAtItsRow) {
  Write("judges.csv",
        Replace(std::string(kJudgesCsv), "M01,Marker Wang,judge,", "M01,Marker Wang,boss,"));
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems_,
              ElementsAre(ProblemAt("judges.csv", 3,
                                    "judge 'M01': role 'boss' must be judge (裁判员) or chief "
                                    "(裁判长)")));
}

TEST_F(LoaderTest, MalformedAssignmentsAreReportedAtTheirRows) {
  std::string judges = Replace(std::string(kJudgesCsv), "J01,Judge Zhao,judge,welder:plate",
                               "J01,Judge Zhao,judge,plate");
  judges = Replace(judges, "J02,Judge Qian,judge,welder:practical.*",
                   "J02,Judge Qian,judge,welder:plate@");
  Write("judges.csv", judges);
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      problems_,
      ElementsAre(ProblemAt("judges.csv", 4,
                            "judge 'J01' assignment 'plate': write trade:item, trade:event.item, "
                            "trade:event.* or trade:*"),
                  ProblemAt("judges.csv", 5,
                            "judge 'J02' assignment 'welder:plate@': empty bib range after '@'")));
}

TEST_F(LoaderTest, AssignmentsParseAllTheirForms) {
  Write("judges.csv",
        "编号,姓名,角色,分工\n"
        "CJ01,Chief Li,裁判长,\n"
        "M01,Marker Wang,裁判员,welder:theory.exam\n"
        "J01,Judge Zhao,,welder:plate@A01-A03\n"
        "J02,Judge Qian,judge,welder:practical.*\n"
        "J03,Judge Sun,judge,welder:*@A01-A02;welder:plate@A03\n");
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  EXPECT_THAT(problems_, IsEmpty());
  const auto& judges = loaded->competition->roster().judges;
  ASSERT_THAT(judges, SizeIs(5));
  EXPECT_EQ(judges[0].role, engine::JudgeRole::kChief);
  EXPECT_EQ(judges[1].role, engine::JudgeRole::kJudge);
  ASSERT_THAT(judges[1].assignments, SizeIs(1));
  EXPECT_EQ(judges[1].assignments[0].event, "theory");
  EXPECT_EQ(judges[1].assignments[0].item, "exam");
  ASSERT_THAT(judges[2].assignments, SizeIs(1));
  EXPECT_EQ(judges[2].assignments[0].item, "plate");
  EXPECT_EQ(judges[2].assignments[0].bib_from, "A01");
  EXPECT_EQ(judges[2].assignments[0].bib_to, "A03");
  ASSERT_THAT(judges[3].assignments, SizeIs(1));
  EXPECT_EQ(judges[3].assignments[0].event, "practical");
  EXPECT_EQ(judges[3].assignments[0].item, "");
  ASSERT_THAT(judges[4].assignments, SizeIs(2));
  EXPECT_EQ(judges[4].assignments[0].event, "");
  EXPECT_EQ(judges[4].assignments[0].item, "");
  EXPECT_EQ(judges[4].assignments[0].bib_to, "A02");
  EXPECT_EQ(judges[4].assignments[1].bib_from, "A03");
  EXPECT_EQ(judges[4].assignments[1].bib_to, "A03");
}

// --- Marks problems -------------------------------------------------------

TEST_F(LoaderTest, ScoresRowsWithUnknownOrUnreadableValuesAreReportedAtTheirLines) {
  Write("scores.csv",
        "judge,contestant,item,value,time,note\n"  // 1
        "M01,A01,exam,88,,\n"                      // 2: fine
        "M01,Z99,exam,88,,\n"                      // 3: unknown bib
        "J09,A01,plate,30,,\n"                     // 4: unknown judge
        "J01,A01,butt,30,,\n"                      // 5: unknown item
        "J01,A01,plate,thirty,,\n"                 // 6: not a number
        "J01,A01,plate,30,14:xx,\n"                // 7: bad time
        "J02,A01,plate,31,,\n");                   // 8: fine
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument,
                               "scores.csv line 3: no contestant with bib 'Z99' (and 4 more "
                               "problems)"));
  EXPECT_THAT(
      problems_,
      ElementsAre(ProblemAt("scores.csv", 3, "no contestant with bib 'Z99'"),
                  ProblemAt("scores.csv", 4, "no judge 'J09'"),
                  ProblemAt("scores.csv", 5,
                            "bib 'A01': no item 'butt' in trade 'welder' (items: theory.exam, "
                            "practical.plate)"),
                  ProblemAt("scores.csv", 6, "value 'thirty' is not a number"),
                  ProblemAt("scores.csv", 7,
                            "time '14:xx' must be seconds (845), mm:ss (14:05) or hh:mm:ss")));
}

TEST_F(LoaderTest, ScoresHeaderAliasesAreAccepted) {
  Write("scores.csv",
        "裁判,参赛编号,项目,分数,用时,备注\n"
        "M01,A01,exam,88,,\n"
        "J01,A01,plate,30,1:02:03,慢\n");
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  ASSERT_THAT(loaded->events, SizeIs(3));
  const auto* mark = std::get_if<engine::MarkEvent>(&loaded->events[1].event);
  ASSERT_NE(mark, nullptr);
  EXPECT_EQ(mark->value, 30);
  ASSERT_TRUE(mark->time_used.has_value());
  EXPECT_EQ(*mark->time_used, 3723);
  EXPECT_EQ(loaded->events[1].note, "慢");
}

TEST_F(LoaderTest, PenaltiesRowsWithUnknownPenaltyOrBadCountAreReportedAtTheirLines) {
  Write("penalties.csv",
        "judge,contestant,item,penalty,count,note\n"  // 1
        "J01,A01,plate,sleepy,1,\n"                   // 2
        "J01,A01,plate,unsafe,0,\n"                   // 3
        "J01,A02,plate,unsafe,2,\n");                 // 4: fine
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(
      problems_,
      ElementsAre(ProblemAt("penalties.csv", 2,
                            "item 'welder:practical.plate' has no penalty 'sleepy' "
                            "(penalties: unsafe)"),
                  ProblemAt("penalties.csv", 3, "count '0' must be a whole number other than 0")));
}

TEST_F(LoaderTest, MarksRefusedByTheEngineAreReportedAtTheirFileAndLine) {
  Write("judges.csv", std::string(kJudgesCsv) + "J04,Judge Zhou,judge,welder:plate@A01-A01\n");
  Write("scores.csv",
        "judge,contestant,item,value,time,note\n"  // 1
        "M01,A01,exam,88,,\n"                      // 2: fine
        "J01,A01,plate,45,,\n"                     // 3: above max 40
        "J02,A01,plate,30.3,,\n"                   // 4: not on step 0.5
        "M01,A01,plate,30,,\n"                     // 5: M01 does not judge plate
        "J04,A02,plate,30,,\n"                     // 6: J04 judges A01 only
        "J03,A01,plate,31,,\n");                   // 7: fine
  Write("penalties.csv",
        "judge,contestant,item,penalty,count,note\n"  // 1
        "M01,A01,plate,unsafe,1,\n"                   // 2: M01 does not judge plate
        "J04,A01,plate,unsafe,1,\n");                 // 3: fine
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  ASSERT_THAT(loaded->events, SizeIs(8));
  engine::ScoringEngine engine(loaded->competition);
  EXPECT_EQ(ApplyRecordedEvents(loaded->events, engine, &problems_), 5);
  EXPECT_THAT(
      problems_,
      ElementsAre(
          ProblemAt("scores.csv", 3,
                    "item 'welder:practical.plate' judge 'J01' bib 'A01': mark 45 outside [0, 40]"),
          ProblemAt("scores.csv", 4,
                    "item 'welder:practical.plate' judge 'J02' bib 'A01': mark 30.3 is not a "
                    "multiple of step 0.5"),
          ProblemAt("scores.csv", 5,
                    "judge 'M01' is not assigned to item 'welder:practical.plate'"),
          ProblemAt(
              "scores.csv", 6,
              "judge 'J04' is assigned to item 'welder:practical.plate' but not to bib 'A02'"),
          ProblemAt("penalties.csv", 2,
                    "judge 'M01' is not assigned to item 'welder:practical.plate'")));
  // The accepted events were applied; the refused ones changed nothing.
  EXPECT_EQ(engine.events_applied(), 3u);
}

TEST_F(LoaderTest, ApplyRecordedEventsCountsRefusalsWithoutAProblemList) {
  Write("scores.csv", "judge,contestant,item,value\nJ01,A01,plate,45\nJ01,A01,plate,40\n");
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  engine::ScoringEngine engine(loaded->competition);
  EXPECT_EQ(ApplyRecordedEvents(loaded->events, engine, nullptr), 1);
}

TEST_F(LoaderTest, ManyDefinitionProblemsAreReportedAtOnce) {
  Write("competition.yaml",
        Replace(std::string(kCompetitionYaml), "  precision: 2\n", "  status_placement: first\n"));
  Write("contestants.csv",
        "bib,name,organization,status\n"
        "A01,张三,甲厂,ill\n"
        "A02,李四,乙厂,\n"
        "A03,王五,甲厂,late\n");
  std::string judges =
      Replace(std::string(kJudgesCsv), "M01,Marker Wang,judge,", "M01,Marker Wang,boss,");
  judges = Replace(judges, "J01,Judge Zhao,judge,welder:plate", "J01,Judge Zhao,judge,plate");
  Write("judges.csv", judges);
  EXPECT_THAT(Load(),
              StatusIs(StatusCode::kInvalidArgument, AllOf(StartsWith("competition.yaml line 4: "),
                                                           EndsWith(" (and 4 more problems)"))));
  EXPECT_THAT(problems_,
              ElementsAre(ProblemAt("competition.yaml", 4, HasSubstr("status_placement")),
                          ProblemAt("contestants.csv", 2, HasSubstr("'ill'")),
                          ProblemAt("contestants.csv", 4, HasSubstr("'late'")),
                          ProblemAt("judges.csv", 3, HasSubstr("'boss'")),
                          ProblemAt("judges.csv", 4, HasSubstr("'plate'"))));
}

TEST_F(LoaderTest, ManyMarksProblemsAreReportedAtOnce) {
  Write("scores.csv",
        "judge,contestant,item,value\n"
        "M01,A04,exam,88\n"
        "M01,A01,exam,\n"
        "M01,A02,theory,70\n");
  Write("penalties.csv",
        "judge,contestant,item,penalty\n"
        "J01,A01,plate,late\n"
        "J01,A01,exam,unsafe\n");
  EXPECT_THAT(Load(), StatusIs(StatusCode::kInvalidArgument, EndsWith(" (and 4 more problems)")));
  EXPECT_THAT(problems_, SizeIs(5));
  EXPECT_THAT(problems_, ElementsAre(Field(&Problem::line, 2), Field(&Problem::line, 3),
                                     Field(&Problem::line, 4), Field(&Problem::line, 2),
                                     Field(&Problem::line, 3)));
  EXPECT_THAT(problems_[3].file, "penalties.csv");
}

TEST_F(LoaderTest, ProblemsAreAppendedToTheCallersList) {
  Write("contestants.csv", std::string(kContestantsCsv) + "A02,赵六,丙厂,\n");
  std::vector<Problem> problems = {{"earlier.csv", 1, "kept"}};
  EXPECT_THAT(LoadCompetition(dir_, {}, &problems), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(problems, ElementsAre(ProblemAt("earlier.csv", 1, "kept"),
                                    ProblemAt("contestants.csv", 5, HasSubstr("twice"))));
  // Callers may pass no list at all.
  EXPECT_THAT(LoadCompetition(dir_, {}, nullptr), StatusIs(StatusCode::kInvalidArgument));
}

// --- --scores -------------------------------------------------------------

TEST_F(LoaderTest, ScoresFileIsResolvedRelativeToTheDirectory) {
  Write("live.csv",
        "judge,contestant,item,value\n"
        "M01,A01,exam,88\n"
        "M01,A02,exam,70\n");
  Write("marks/day2.csv",
        "judge,contestant,item,value\n"
        "J01,A01,plate,30\n");
  LoadOptions options;
  options.scores_file = "live.csv";
  StatusOr<LoadedCompetition> loaded = Load(options);
  ASSERT_THAT(loaded, IsOk());
  ASSERT_THAT(loaded->events, SizeIs(3));  // 2 marks + the penalty
  EXPECT_EQ(loaded->events[0].file, "live.csv");
  EXPECT_EQ(loaded->events[1].line, 3);
  EXPECT_EQ(loaded->events[2].file, "penalties.csv");

  options.scores_file = "marks/day2.csv";
  loaded = Load(options);
  ASSERT_THAT(loaded, IsOk());
  ASSERT_THAT(loaded->events, SizeIs(2));
  EXPECT_EQ(loaded->events[0].file, "day2.csv");

  options.scores_file = (dir_ / "live.csv").string();  // absolute
  loaded = Load(options);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_THAT(loaded->events, SizeIs(3));
}

// Changes the working directory for one scope.
class ScopedWorkingDirectory {
 public:
  explicit ScopedWorkingDirectory(const fs::path& dir) : saved_(fs::current_path()) {
    fs::current_path(dir);
  }
  ~ScopedWorkingDirectory() { fs::current_path(saved_); }

 private:
  fs::path saved_;
};

TEST_F(LoaderTest, ScoresOptionFallsBackToTheWorkingDirectory) {
  const fs::path elsewhere = dir_.string() + "_cwd";
  fs::create_directories(elsewhere);
  std::ofstream(elsewhere / "cwd-marks.csv") << "judge,contestant,item,value\nM01,A01,exam,88\n";
  std::ofstream(elsewhere / "live.csv") << "judge,contestant,item,value\nM01,A01,exam,88\n";
  Write("live.csv", "judge,contestant,item,value\nM01,A01,exam,70\nM01,A02,exam,71\n");
  {
    const ScopedWorkingDirectory cwd(elsewhere);
    LoadOptions options;
    options.scores_file = "cwd-marks.csv";  // only in the working directory
    StatusOr<LoadedCompetition> loaded = Load(options);
    ASSERT_THAT(loaded, IsOk());
    EXPECT_THAT(loaded->events, SizeIs(2));  // 1 mark + the penalty
    options.scores_file = "live.csv";        // in both: the competition directory wins
    loaded = Load(options);
    ASSERT_THAT(loaded, IsOk());
    EXPECT_THAT(loaded->events, SizeIs(3));
  }
}

// The files named in competition.yaml (or their defaults) belong to the competition
// directory: a stray scores.csv where podium happens to run must not be read.
TEST_F(LoaderTest, DefaultMarksFilesAreNotTakenFromTheWorkingDirectory) {
  fs::remove(dir_ / "scores.csv");
  fs::remove(dir_ / "penalties.csv");
  const fs::path elsewhere = dir_.string() + "_cwd";
  fs::create_directories(elsewhere);
  std::ofstream(elsewhere / "scores.csv") << "judge,contestant,item,value\nM01,A01,exam,88\n";
  std::ofstream(elsewhere / "penalties.csv")
      << "judge,contestant,item,penalty\nJ01,A01,plate,unsafe\n";
  {
    const ScopedWorkingDirectory cwd(elsewhere);
    StatusOr<LoadedCompetition> loaded = Load();
    ASSERT_THAT(loaded, IsOk());
    EXPECT_THAT(loaded->events, IsEmpty());
  }
}

TEST_F(LoaderTest, ScoresFilesAlsoComeFromTheRostersSection) {
  Write("final-marks.csv", "judge,contestant,item,value\nM01,A01,exam,88\n");
  Write("competition.yaml",
        std::string(kCompetitionYaml) + "rosters:\n  scores: final-marks.csv\n");
  StatusOr<LoadedCompetition> loaded = Load();
  ASSERT_THAT(loaded, IsOk());
  ASSERT_THAT(loaded->events, SizeIs(2));
  EXPECT_EQ(loaded->events[0].file, "final-marks.csv");
}

TEST_F(LoaderTest, MissingScoresFileGivenExplicitlyIsAProblem) {
  LoadOptions options;
  options.scores_file = "nowhere.csv";
  EXPECT_THAT(Load(options), StatusIs(StatusCode::kInvalidArgument, HasSubstr("nowhere.csv")));
  ASSERT_THAT(problems_, SizeIs(1));
  EXPECT_EQ(problems_[0].file, "nowhere.csv");
  EXPECT_THAT(problems_[0].message, HasSubstr("no such file"));
}

// --- ParseDuration --------------------------------------------------------

TEST(ParseDurationTest, SecondsMinutesAndHours) {
  EXPECT_THAT(ParseDuration("845"), IsOkAndHolds(DoubleEq(845)));
  EXPECT_THAT(ParseDuration("845.5"), IsOkAndHolds(DoubleEq(845.5)));
  EXPECT_THAT(ParseDuration("0"), IsOkAndHolds(DoubleEq(0)));
  EXPECT_THAT(ParseDuration("14:05"), IsOkAndHolds(DoubleEq(845)));
  EXPECT_THAT(ParseDuration("0:59.5"), IsOkAndHolds(DoubleEq(59.5)));
  EXPECT_THAT(ParseDuration("1:02:03"), IsOkAndHolds(DoubleEq(3723)));
  EXPECT_THAT(ParseDuration("00:00:07"), IsOkAndHolds(DoubleEq(7)));
}

TEST(ParseDurationTest, RejectsWhatIsNotATime) {
  for (const std::string_view bad : {"", "abc", "14:", ":05", "14:xx", "1:2:3:4", "-5", "1:-05",
                                     "nan", "inf", "14::05", "1,5"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ParseDuration(bad),
                StatusIs(StatusCode::kInvalidArgument,
                         "time '" + std::string(bad) +
                             "' must be seconds (845), mm:ss (14:05) or hh:mm:ss"));
  }
}

}  // namespace
}  // namespace podium::definition
