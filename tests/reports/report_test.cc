// The organizer's reports: the sheet model and its CSV/JSON forms, the
// result sheets built from real sample standings, and the export rules
// (final or provisional, file names, refusals). XLSX and the notice are
// opened by independent readers in tests/e2e/export_test.py.
#include <nlohmann/json.hpp>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/scoring_engine.h"
#include "server/definition/loader.h"
#include "server/reports/export.h"
#include "server/reports/notice.h"
#include "server/reports/results.h"
#include "server/reports/xlsx.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::reports {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
using Kind = Column::Kind;

Workbook SmallBook(bool provisional) {
  Workbook book;
  book.competition_id = "c";
  book.competition_name = "测试竞赛";
  book.provisional = provisional;
  book.precision = 2;
  Sheet sheet{"results-t", "成绩 t", "t 成绩 Results", {}, {}};
  sheet.columns = {{"rank", "名次 Rank", Kind::kInteger},
                   {"name", "姓名 Name", Kind::kText},
                   {"total", "总分 Total", Kind::kScore}};
  sheet.rows = {{std::int64_t{1}, std::string("王, \"小\"明"), 95.375},
                {Cell{}, std::string("李四"), 0.0}};
  book.sheets.push_back(sheet);
  return book;
}

TEST(ReportTest, CsvHasABomCrlfQuotedCellsAndTheCompetitionsDecimals) {
  const Workbook book = SmallBook(false);
  EXPECT_EQ(SheetCsv(book.sheets[0], book),
            "\xEF\xBB\xBF名次 Rank,姓名 Name,总分 Total\r\n"
            "1,\"王, \"\"小\"\"明\",95.38\r\n"
            ",李四,0.00\r\n");
}

TEST(ReportTest, ProvisionalCsvSaysSoOnItsFirstLine) {
  const Workbook book = SmallBook(true);
  const std::string csv = SheetCsv(book.sheets[0], book);
  EXPECT_THAT(csv, StartsWith(std::string("\xEF\xBB\xBF\"") + kProvisionalNotice + "\"\r\n"));
}

TEST(ReportTest, JsonRowsAreObjectsWithNumbersAndNulls) {
  const Workbook book = SmallBook(true);
  const auto json = nlohmann::json::parse(WorkbookJson(book));
  EXPECT_EQ(json["provisional"], true);
  const auto& rows = json["sheets"][0]["rows"];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["rank"], 1);
  EXPECT_EQ(rows[0]["total"], 95.38);
  EXPECT_TRUE(rows[1]["rank"].is_null());
  EXPECT_EQ(rows[1]["name"], "李四");
  EXPECT_EQ(json["sheets"][0]["columns"][2]["header"], "总分 Total");
}

// The mine-rescue sample scored offline, as `podium score` does.
class SampleReportTest : public ::testing::Test {
 protected:
  void Load(const std::string& competition, const std::string& scores = "") {
    definition::LoadOptions options;
    options.scores_file = scores;
    auto loaded = definition::LoadCompetition(test::DataDir() / competition, options, nullptr);
    ASSERT_THAT(loaded, IsOk());
    engine_ = std::make_unique<engine::ScoringEngine>(loaded->competition);
    ASSERT_EQ(definition::ApplyRecordedEvents(loaded->events, *engine_, nullptr), 0);
    engine_->Recompute();
  }
  const engine::Standings& standings() const { return *engine_->standings(); }
  ExportSource Source(server::Phase phase) const {
    ExportSource source;
    source.standings = engine_->standings();
    source.lifecycle.phase = phase;
    return source;
  }
  static const Sheet& Find(const Workbook& book, const std::string& id) {
    for (const Sheet& sheet : book.sheets) {
      if (sheet.id == id) return sheet;
    }
    ADD_FAILURE() << "no sheet " << id;
    return book.sheets.front();
  }

  std::unique_ptr<engine::ScoringEngine> engine_;
};

TEST_F(SampleReportTest, ResultSheetsComeInAFixedOrderWithValidTabNames) {
  ASSERT_NO_FATAL_FAILURE(Load("provincial-2026"));
  const Workbook book = ResultsWorkbook(standings());
  std::vector<std::string> ids;
  std::set<std::string> tabs;
  for (const Sheet& sheet : book.sheets) {
    ids.push_back(sheet.id);
    tabs.insert(sheet.name);
    int characters = 0;
    for (const unsigned char c : sheet.name) characters += (c & 0xC0) != 0x80;
    EXPECT_LE(characters, 31) << sheet.name;
    EXPECT_EQ(sheet.name.find_first_of("[]:*?/\\"), std::string::npos) << sheet.name;
    for (const auto& row : sheet.rows) EXPECT_EQ(row.size(), sheet.columns.size()) << sheet.id;
  }
  EXPECT_EQ(tabs.size(), book.sheets.size()) << "tab names must be unique";
  EXPECT_EQ(ids.front(), "results-" + standings().competition->trade(0).spec->id);
  EXPECT_THAT(ids, testing::Contains("medal-tally"));
  EXPECT_THAT(ids, testing::Contains("awards"));
}

TEST_F(SampleReportTest, EngineSheetsAddJudgeAnalyticsToTheExport) {
  ASSERT_NO_FATAL_FAILURE(Load("provincial-2026"));
  ExportSource source = Source(server::Phase::kFinal);
  source.engine_sheets = EngineSheets(*engine_);
  auto book = ResultsForExport(source, false);
  ASSERT_THAT(book, IsOk());
  const Sheet& judges = Find(*book, "judges");
  EXPECT_EQ(judges.name, "裁判分析");
  // Every judged item of every trade, one row per panel seat.
  std::size_t seats = 0;
  const engine::Competition& c = *standings().competition;
  for (int i = 0; i < c.num_items(); ++i) {
    if (c.item(i).spec->marking == engine::Marking::kJudgement) seats += c.item(i).panel.size();
  }
  EXPECT_EQ(judges.rows.size(), seats);
  int with_severity = 0;
  const std::size_t severity = 10;
  ASSERT_EQ(judges.columns[severity].id, "severity");
  for (const auto& row : judges.rows) {
    ASSERT_EQ(row.size(), judges.columns.size());
    with_severity += std::holds_alternative<double>(row[severity]);
  }
  EXPECT_EQ(with_severity, 5);  // the five judges of elder care's Rasch item
  auto csv = ExportFileNames(*book, {"csv"});
  ASSERT_THAT(csv, IsOk());
  EXPECT_THAT(*csv, testing::Contains("judges.csv"));
  auto file = ExportFile("judges.csv", *book, source, {});
  ASSERT_THAT(file, IsOk());
  EXPECT_THAT(file->bytes, HasSubstr("严厉度 Severity (logits)"));
}

TEST_F(SampleReportTest, ASkatingFinalExportsTheScrutineersTables) {
  definition::LoadOptions options;
  auto loaded = definition::LoadCompetition(
      test::DataDir().parent_path() / "tests" / "fixtures" / "skating-final", options, nullptr);
  ASSERT_THAT(loaded, IsOk());
  engine_ = std::make_unique<engine::ScoringEngine>(loaded->competition);
  ASSERT_EQ(definition::ApplyRecordedEvents(loaded->events, *engine_, nullptr), 0);
  engine_->Recompute();
  const std::vector<Sheet> sheets = EngineSheets(*engine_);
  ASSERT_EQ(sheets.size(), 2u);  // judges, skating-std
  const Sheet& skating = sheets[1];
  EXPECT_EQ(skating.id, "skating-std");
  std::vector<std::string> titles;
  for (const auto& row : skating.rows) {
    ASSERT_EQ(row.size(), skating.columns.size());
    if (std::holds_alternative<std::string>(row[0]) &&
        std::holds_alternative<std::monostate>(row[1])) {
      titles.push_back(std::get<std::string>(row[0]));
    }
  }
  EXPECT_THAT(titles, ElementsAre("华尔兹 (rules 5-8)", "探戈 (rules 5-8)",
                                  "总表 Summary (rules 9-11)", "规则10 Rule 10", "规则11 Rule 11"));
  ExportSource source = Source(server::Phase::kFinal);
  source.engine_sheets = sheets;
  auto book = ResultsForExport(source, false);
  ASSERT_THAT(book, IsOk());
  auto file = ExportFile("skating-std.csv", *book, source, {});
  ASSERT_THAT(file, IsOk());
  EXPECT_THAT(file->bytes, HasSubstr("D01,3,6(9),6(9),6(9),1.5"));
}

TEST_F(SampleReportTest, TheAwardListHasEveryAwardHolderAndNoOneElse) {
  ASSERT_NO_FATAL_FAILURE(Load("mine-rescue-2026"));
  const Workbook book = ResultsWorkbook(standings());
  const Sheet& awards = Find(book, "awards");
  const engine::TradeStandings& trade = standings().trades[0];
  int holders = 0;
  for (int p = 0; p < trade.size(); ++p) holders += trade.row(trade.row_at(p)).award >= 0;
  ASSERT_GT(holders, 0);
  EXPECT_EQ(static_cast<int>(awards.rows.size()), holders);
  // The champion first, with the roster's own columns (eligible) at the end.
  EXPECT_EQ(std::get<std::string>(awards.rows[0][7]), "冠军");
  EXPECT_EQ(awards.columns.back().id, "field:eligible");
}

TEST_F(SampleReportTest, NominationListsLeaveOutContestantsWithoutMarks) {
  // The live file: part-way through, many contestants have nothing yet.
  ASSERT_NO_FATAL_FAILURE(Load("mine-rescue-2026", "scores-live.csv"));
  const Workbook book = ResultsWorkbook(standings());
  const Sheet& experts = Find(book, "nomination-technical-expert");  // rank <= 10
  EXPECT_LE(experts.rows.size(), 11u);
  for (const auto& row : experts.rows) {
    const int contestant = *standings().competition->FindContestant(std::get<std::string>(row[2]));
    EXPECT_TRUE(standings().row_of(contestant).marked);
  }
}

TEST_F(SampleReportTest, ExportIsRefusedUntilFinalUnlessProvisional) {
  ASSERT_NO_FATAL_FAILURE(Load("mine-rescue-2026"));
  for (const server::Phase phase : {server::Phase::kOpen, server::Phase::kFrozen}) {
    EXPECT_THAT(ResultsForExport(Source(phase), false), StatusIs(StatusCode::kFailedPrecondition));
    auto provisional = ResultsForExport(Source(phase), true);
    ASSERT_THAT(provisional, IsOk());
    EXPECT_TRUE(provisional->provisional);
  }
  const Status refused = ResultsForExport(Source(server::Phase::kOpen), false).status();
  EXPECT_THAT(refused.message(),
              AllOf(HasSubstr("not final"), HasSubstr("open"), HasSubstr("--provisional")));
  // Final results are never marked provisional, even when it was allowed.
  auto final_book = ResultsForExport(Source(server::Phase::kFinal), true);
  ASSERT_THAT(final_book, IsOk());
  EXPECT_FALSE(final_book->provisional);
  EXPECT_EQ(final_book->phase, "final");
}

TEST_F(SampleReportTest, FileNamesFollowTheFormatsAndRefuseUnknownOnes) {
  ASSERT_NO_FATAL_FAILURE(Load("mine-rescue-2026"));
  auto book = ResultsForExport(Source(server::Phase::kFinal), false);
  ASSERT_THAT(book, IsOk());
  EXPECT_THAT(ExportFileNames(*book, {"xlsx", "json", "html", "pdf"}),
              test::IsOkAndHolds(ElementsAre("results.xlsx", "audit.xlsx", "results.json",
                                             "notice.html", "notice.pdf")));
  auto csv = ExportFileNames(*book, {"csv"});
  ASSERT_THAT(csv, IsOk());
  EXPECT_EQ(csv->size(), book->sheets.size() + 1);
  EXPECT_EQ(csv->back(), "audit.csv");
  const Status unknown = ExportFileNames(*book, {"csv", "docx"}).status();
  EXPECT_THAT(unknown, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(unknown.message(), HasSubstr("'docx'"));
}

TEST_F(SampleReportTest, ExportFileRefusesUnknownNamesAndAPdfWithoutChromium) {
  ASSERT_NO_FATAL_FAILURE(Load("mine-rescue-2026"));
  const ExportSource source = Source(server::Phase::kFinal);
  auto book = ResultsForExport(source, false);
  ASSERT_THAT(book, IsOk());
  ExportOptions options;
  EXPECT_THAT(ExportFile("../contest.db", *book, source, options), StatusIs(StatusCode::kNotFound));
  options.chromium = "/nonexistent/chromium";
  const Status pdf = ExportFile("notice.pdf", *book, source, options).status();
  EXPECT_THAT(pdf, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(pdf.message(), HasSubstr("Chromium"));
  // The audit trail needs the ledger: a missing one is named.
  const Status audit = ExportFile("audit.csv", *book, source, options).status();
  EXPECT_THAT(audit, Not(IsOk()));
}

TEST_F(SampleReportTest, TheNoticeHasEveryContestantThePeriodAndSignatureLines) {
  ASSERT_NO_FATAL_FAILURE(Load("mine-rescue-2026"));
  auto book = ResultsForExport(Source(server::Phase::kFinal), false);
  ASSERT_THAT(book, IsOk());
  const std::string html =
      ResultsNoticeHtml(*book, {.publish_from = "2026-11-23", .publish_to = "2026-11-29"});
  EXPECT_THAT(html, AllOf(HasSubstr("成绩公示"), HasSubstr("2026-11-23 至 2026-11-29"),
                          HasSubstr("裁判长（签字）"), HasSubstr("监督员（签字）"),
                          Not(HasSubstr(kProvisionalNotice))));
  const engine::Competition& c = *standings().competition;
  for (int i = 0; i < c.num_contestants(); ++i) {
    EXPECT_THAT(html, HasSubstr(">" + c.contestant(i).bib + "<"));
  }
  // Names are escaped, never markup.
  Workbook hostile = SmallBook(true);
  std::get<std::string>(hostile.sheets[0].rows[1][1]) = "<script>alert(1)</script>";
  const std::string escaped = ResultsNoticeHtml(hostile, {});
  EXPECT_THAT(escaped, Not(HasSubstr("<script>")));
  EXPECT_THAT(escaped, HasSubstr(kProvisionalNotice));
  EXPECT_THAT(escaped, HasSubstr("____年__月__日"));
}

TEST(XlsxTest, AnUnwritablePathIsNamed) {
  const Status status = WriteXlsx(SmallBook(false), "/nonexistent-dir/results.xlsx");
  EXPECT_THAT(status, StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(status.message(), HasSubstr("/nonexistent-dir/results.xlsx"));
}

}  // namespace
}  // namespace podium::reports
