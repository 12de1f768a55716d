#include "server/definition/csv.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/status.h"
#include "server/definition/encoding.h"
#include "tests/testing/status_matchers.h"

namespace podium::definition {
namespace {

using ::podium::test::IsOk;
using ::podium::test::IsOkAndHolds;
using ::podium::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::StartsWith;

using Cells = std::vector<std::string>;

// Parses text that the test expects to be valid.
CsvTable Parse(std::string_view text) {
  StatusOr<CsvTable> table = ParseCsv(text, "test.csv");
  EXPECT_THAT(table, IsOk());
  return table.ok() ? std::move(table).value() : CsvTable();
}

std::vector<int> Lines(const CsvTable& table) {
  std::vector<int> lines;
  for (const CsvRow& row : table.rows) lines.push_back(row.line);
  return lines;
}

std::vector<Cells> Cells2d(const CsvTable& table) {
  std::vector<Cells> cells;
  for (const CsvRow& row : table.rows) cells.push_back(row.cells);
  return cells;
}

// A file in the test's temporary directory, removed when the test ends.
class TempFile {
 public:
  TempFile(const std::string& name, std::string_view bytes)
      : path_(std::filesystem::path(::testing::TempDir()) / name) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

TEST(CsvTest, ParsesHeaderAndRowsWithTheirLines) {
  const CsvTable table = Parse("bib,name,trade\nA01,张三,mine-rescue\nA02,李四,mine-rescue\n");
  EXPECT_EQ(table.file, "test.csv");
  EXPECT_EQ(table.header_line, 1);
  EXPECT_THAT(table.header, ElementsAre("bib", "name", "trade"));
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"A01", "张三", "mine-rescue"},
                                          Cells{"A02", "李四", "mine-rescue"}));
  EXPECT_THAT(Lines(table), ElementsAre(2, 3));
}

TEST(CsvTest, QuotedCellsKeepCommasAndDoubledQuotes) {
  const CsvTable table = Parse("name,note\n\"Smith, J.\",\"said \"\"ready\"\"\"\n\"\",\"\"\"\"\n");
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"Smith, J.", "said \"ready\""}, Cells{"", "\""}));
}

TEST(CsvTest, QuotedCellMaySpanLinesAndRowLinesCountPhysicalLines) {
  const CsvTable table = Parse("bib,note\r\nA01,\"first\r\nsecond\nthird\"\r\nA02,x\r\n");
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"A01", "first\nsecond\nthird"}, Cells{"A02", "x"}));
  EXPECT_THAT(Lines(table), ElementsAre(2, 5));
}

TEST(CsvTest, AcceptsCrlfLfAndCrLineEndingsMixed) {
  const CsvTable table = Parse("a,b\r\n1,2\n3,4\r5,6");
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"1", "2"}, Cells{"3", "4"}, Cells{"5", "6"}));
  EXPECT_THAT(Lines(table), ElementsAre(2, 3, 4));
}

TEST(CsvTest, TrimsUnquotedCellsButKeepsSpacesInsideQuotes) {
  const CsvTable table = Parse(" bib \t, name \nA01 ,  \" 张 三 \"  \n");
  EXPECT_THAT(table.header, ElementsAre("bib", "name"));
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"A01", " 张 三 "}));
}

TEST(CsvTest, SkipsEmptyLinesAndRowsOfEmptyCells) {
  const CsvTable table = Parse("\n\r\n  \nbib,name\n\nA01,x\n,,\n \t\nA02,y\n\n");
  EXPECT_EQ(table.header_line, 4);
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"A01", "x"}, Cells{"A02", "y"}));
  EXPECT_THAT(Lines(table), ElementsAre(6, 9));
}

TEST(CsvTest, PadsShortRowsWithEmptyCells) {
  const CsvTable table = Parse("bib,name,team\nA01\nA02,y,\n");
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"A01", "", ""}, Cells{"A02", "y", ""}));
}

TEST(CsvTest, DropsTrailingEmptyCellsBeyondTheHeader) {
  const CsvTable table = Parse("bib,name,,\nA01,x,,,,\nA02,y\n");
  EXPECT_THAT(table.header, ElementsAre("bib", "name"));
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"A01", "x"}, Cells{"A02", "y"}));
}

TEST(CsvTest, ParsesLastRecordWithoutLineBreak) {
  EXPECT_THAT(Cells2d(Parse("a,b\n1,")), ElementsAre(Cells{"1", ""}));
  EXPECT_THAT(Cells2d(Parse("a,b\n1,\"2\"")), ElementsAre(Cells{"1", "2"}));
}

TEST(CsvTest, IgnoresLeadingByteOrderMark) {
  EXPECT_THAT(Parse("\xEF\xBB\xBF"
                    "bib\nA01\n")
                  .header,
              ElementsAre("bib"));
}

TEST(CsvTest, AcceptsHeaderWithoutRows) {
  const CsvTable table = Parse("bib,name\n");
  EXPECT_THAT(table.header, ElementsAre("bib", "name"));
  EXPECT_THAT(table.rows, IsEmpty());
}

TEST(CsvTest, RejectsRowWithMoreCellsThanHeader) {
  EXPECT_THAT(
      ParseCsv("bib,name\nA01,x\nA02,Smith, J.\n", "contestants.csv"),
      StatusIs(StatusCode::kInvalidArgument, AllOf(StartsWith("contestants.csv line 3: "),
                                                   HasSubstr("3 cells"), HasSubstr("2 columns"))));
}

TEST(CsvTest, RejectsUnterminatedQuoteAtTheLineWhereItOpened) {
  EXPECT_THAT(
      ParseCsv("bib,note\nA01,ok\nA02,\"never closed\nA03,x\n", "scores.csv"),
      StatusIs(StatusCode::kInvalidArgument, "scores.csv line 3: column 2: unterminated quote"));
}

TEST(CsvTest, RejectsQuoteInsideUnquotedCell) {
  EXPECT_THAT(
      ParseCsv("bib,name\nA01,Li \"Tiger\" Wei\n", "contestants.csv"),
      StatusIs(StatusCode::kInvalidArgument, AllOf(StartsWith("contestants.csv line 2: "),
                                                   HasSubstr("column 2"), HasSubstr("quote"))));
}

TEST(CsvTest, RejectsTextAfterClosingQuote) {
  EXPECT_THAT(
      ParseCsv("bib,name\n\"A01\"x,y\n", "contestants.csv"),
      StatusIs(StatusCode::kInvalidArgument, AllOf(StartsWith("contestants.csv line 2: column 1: "),
                                                   HasSubstr("after the closing quote"))));
}

TEST(CsvTest, ReportsErrorLinesAfterMultilineCells) {
  EXPECT_THAT(ParseCsv("a,b\n1,\"x\ny\"\n2,3,4\n", "t.csv"),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("t.csv line 4: ")));
}

TEST(CsvTest, RejectsEmptyFile) {
  EXPECT_THAT(ParseCsv("", "judges.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("judges.csv line 1: "), HasSubstr("empty"))));
  EXPECT_THAT(ParseCsv("\r\n \n,,\n", "judges.csv"),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("judges.csv line 1: ")));
}

TEST(CsvTest, RejectsHeaderNamesThatDifferOnlyInCaseOrSpaces) {
  EXPECT_THAT(ParseCsv("\nbib,Name,trade,\" name\"\nA01,x,y,z\n", "contestants.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("contestants.csv line 2: "), HasSubstr("columns 2 and 4"),
                             HasSubstr("'name'"))));
}

TEST(CsvTest, RejectsUnnamedColumnBeforeNamedOnes) {
  EXPECT_THAT(ParseCsv("bib,,name\n", "contestants.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("contestants.csv line 1: "), HasSubstr("column 2"))));
}

TEST(CsvTest, ReadCsvFileDecodesGbkAndNamesTheFile) {
  const TempFile file("read_gbk_contestants.csv",
                      "bib,\xD0\xD5\xC3\xFB\r\nA01,\xD5\xC5\xC8\xFD\r\n");
  const StatusOr<CsvTable> table = ReadCsvFile(file.path(), Encoding::kAuto);
  ASSERT_THAT(table, IsOk());
  EXPECT_EQ(table->file, "read_gbk_contestants.csv");
  EXPECT_THAT(table->header, ElementsAre("bib", "姓名"));
  EXPECT_THAT(Cells2d(*table), ElementsAre(Cells{"A01", "张三"}));
}

TEST(CsvTest, ReadCsvFileHonoursForcedEncoding) {
  const TempFile file("forced_utf8.csv", "bib,\xD0\xD5\xC3\xFB\r\n");
  EXPECT_THAT(ReadCsvFile(file.path(), Encoding::kUtf8),
              StatusIs(StatusCode::kInvalidArgument, AllOf(StartsWith("forced_utf8.csv line 1: "),
                                                           HasSubstr("--encoding gb18030"))));
}

TEST(CsvTest, ReadCsvFileReportsParseErrorsByFileName) {
  const TempFile file("bad_quote.csv", "bib\n\"A01\n");
  EXPECT_THAT(ReadCsvFile(file.path(), Encoding::kAuto),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("bad_quote.csv line 2: ")));
}

TEST(CsvTest, ReadCsvFileReportsMissingFileAsNotFound) {
  const std::filesystem::path path =
      std::filesystem::path(::testing::TempDir()) / "no-such-dir" / "judges.csv";
  EXPECT_THAT(ReadCsvFile(path, Encoding::kAuto),
              StatusIs(StatusCode::kNotFound, HasSubstr(path.string())));
}

TEST(CsvTest, ReadCsvFileRejectsDirectory) {
  EXPECT_THAT(ReadCsvFile(::testing::TempDir(), Encoding::kAuto),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not a regular file")));
}

TEST(CsvTest, CsvEscapeQuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvEscape("张三"), "张三");
  EXPECT_EQ(CsvEscape(""), "");
  EXPECT_EQ(CsvEscape("Smith, J."), "\"Smith, J.\"");
  EXPECT_EQ(CsvEscape("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvEscape("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvEscape(" padded"), "\" padded\"");
  EXPECT_EQ(CsvEscape("tab\t"), "\"tab\t\"");
}

TEST(CsvTest, CsvLineEndsWithCrlf) {
  EXPECT_EQ(CsvLine({"A01", "Smith, J.", ""}), "A01,\"Smith, J.\",\r\n");
}

TEST(CsvTest, CsvLineRoundTripsThroughParseCsv) {
  const Cells tricky = {"plain", "a,b", "\"quoted\"", "line\nbreak", " spaced ", "", "张三"};
  const std::string text = CsvLine({"1", "2", "3", "4", "5", "6", "7"}) + CsvLine(tricky);
  EXPECT_THAT(Cells2d(Parse(text)), ElementsAre(tricky));
}

// The columns of contestants.csv, as the loader declares them.
std::vector<ColumnSpec> ContestantSpecs() {
  return {
      {.name = "bib", .aliases = {"参赛编号", "编号"}, .required = true},
      {.name = "name", .aliases = {"姓名", "名称"}, .required = true},
      {.name = "team", .aliases = {"队伍", "团队"}, .required = false},
      {.name = "status", .aliases = {"状态"}, .required = false},
  };
}

TEST(CsvColumnsTest, BindsNamesAndAliasesIgnoringCaseAndSpaces) {
  const CsvTable table = Parse("\"  BIB \",姓名,Status\nA01,张三,absent\n");
  const StatusOr<CsvColumns> columns = CsvColumns::Bind(table, ContestantSpecs());
  ASSERT_THAT(columns, IsOk());
  EXPECT_EQ(columns->index("bib"), 0);
  EXPECT_EQ(columns->index("name"), 1);
  EXPECT_EQ(columns->index("status"), 2);
  EXPECT_EQ(columns->index("team"), std::nullopt);
  EXPECT_EQ(columns->Get(table.rows[0], "bib"), "A01");
  EXPECT_EQ(columns->Get(table.rows[0], "name"), "张三");
  EXPECT_EQ(columns->Get(table.rows[0], "team"), "");
}

TEST(CsvColumnsTest, ListsExtraColumnsInHeaderOrder) {
  const CsvTable table = Parse("eligible,bib,name, id_number ,单位\nA01,x,y,z,w\n");
  const StatusOr<CsvColumns> columns = CsvColumns::Bind(table, ContestantSpecs());
  ASSERT_THAT(columns, IsOk());
  EXPECT_THAT(columns->extra_columns(),
              ElementsAre(Pair("eligible", 0), Pair("id_number", 3), Pair("单位", 4)));
}

TEST(CsvColumnsTest, MissingRequiredColumnNamesItsAliases) {
  const CsvTable table = Parse("姓名,team\n张三,A\n");
  EXPECT_THAT(CsvColumns::Bind(table, ContestantSpecs()),
              StatusIs(StatusCode::kInvalidArgument,
                       "test.csv line 1: missing column 'bib' (also accepted: 参赛编号, 编号)"));
}

TEST(CsvColumnsTest, ReportsEveryMissingColumnAtTheHeaderLine) {
  const CsvTable table = Parse("\n\nteam\nA\n");
  EXPECT_THAT(CsvColumns::Bind(table, ContestantSpecs()),
              StatusIs(StatusCode::kInvalidArgument,
                       "test.csv line 3: missing column 'bib' (also accepted: 参赛编号, 编号); "
                       "missing column 'name' (also accepted: 姓名, 名称)"));
  EXPECT_THAT(CsvColumns::Bind(table, {{.name = "id", .aliases = {}, .required = true}}),
              StatusIs(StatusCode::kInvalidArgument, "test.csv line 3: missing column 'id'"));
}

TEST(CsvColumnsTest, RejectsTwoHeaderCellsForTheSameColumn) {
  const CsvTable table = Parse("bib,编号,name\nA01,1,x\n");
  EXPECT_THAT(CsvColumns::Bind(table, ContestantSpecs()),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("test.csv line 1: "), HasSubstr("'bib' and '编号'"))));
}

TEST(CsvColumnsTest, GetReturnsEmptyForCellsMissingFromHandBuiltRow) {
  const CsvTable table = Parse("bib,name\n");
  const StatusOr<CsvColumns> columns = CsvColumns::Bind(table, ContestantSpecs());
  ASSERT_THAT(columns, IsOk());
  EXPECT_EQ(columns->Get(CsvRow{.line = 2, .cells = {"A01"}}, "name"), "");
}

TEST(CsvColumnsDeathTest, UnknownCanonicalNameIsABug) {
  const CsvTable table = Parse("bib,name\n");
  const StatusOr<CsvColumns> columns = CsvColumns::Bind(table, ContestantSpecs());
  ASSERT_THAT(columns, IsOk());
  EXPECT_DEATH((void)columns->index("nmae"), "PODIUM_CHECK failed");
}

TEST(CsvColumnsDeathTest, AliasSharedBySpecsIsABug) {
  const CsvTable table = Parse("bib\n");
  EXPECT_DEATH((void)CsvColumns::Bind(table, {{.name = "bib", .aliases = {"编号"}},
                                              {.name = "id", .aliases = {"编号"}}}),
               "PODIUM_CHECK failed");
}

}  // namespace
}  // namespace podium::definition
