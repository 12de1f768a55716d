#include "server/definition/xlsx.h"

#include <xlsxwriter.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/status.h"
#include "server/definition/csv.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::definition {
namespace {

namespace fs = std::filesystem;

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::podium::test::TempDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

using Cells = std::vector<std::string>;
// Zip entries: name and bytes.
using Entries = std::vector<std::pair<std::string, std::string>>;

// Writes a zip archive of `entries` with libzip, deflated as Excel does.
void WriteZip(const fs::path& path, const Entries& entries) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(zip, nullptr) << "zip_open error " << error;
  for (const auto& [name, bytes] : entries) {
    // libzip reads the buffers at zip_close(); `entries` outlives it.
    zip_source_t* source = zip_source_buffer(zip, bytes.data(), bytes.size(), 0);
    ASSERT_NE(source, nullptr) << zip_strerror(zip);
    if (zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
      zip_source_free(source);
      FAIL() << name << ": " << zip_strerror(zip);
    }
  }
  ASSERT_EQ(zip_close(zip), 0) << zip_strerror(zip);
}

constexpr std::string_view kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>)";

constexpr std::string_view kPackageRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>)";

constexpr std::string_view kWorkbook =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="名单" sheetId="1" r:id="rId1"/><sheet name="Other" sheetId="2" r:id="rId2"/></sheets>
</workbook>)";

constexpr std::string_view kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>)";

std::string Worksheet(std::string_view sheet_data) {
  return R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:D9"/><sheetData>)" +
         std::string(sheet_data) + "</sheetData></worksheet>";
}

// `items` are the bodies of the <si> elements, e.g. "<t>bib</t>".
std::string SharedStrings(const std::vector<std::string>& items) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count=")" +
                    std::to_string(items.size()) + R"(">)";
  for (const std::string& item : items) xml += "<si>" + item + "</si>";
  return xml + "</sst>";
}

// The parts of a workbook, as Excel lays them out, whose first worksheet holds `sheet_data`
// (the content of <sheetData>). A second worksheet holds a decoy that must not be read.
Entries WorkbookEntries(std::string_view sheet_data,
                        const std::vector<std::string>& shared_strings = {}) {
  return {{"[Content_Types].xml", std::string(kContentTypes)},
          {"_rels/.rels", std::string(kPackageRels)},
          {"xl/workbook.xml", std::string(kWorkbook)},
          {"xl/_rels/workbook.xml.rels", std::string(kWorkbookRels)},
          {"xl/sharedStrings.xml", SharedStrings(shared_strings)},
          {"xl/worksheets/sheet1.xml", Worksheet(sheet_data)},
          {"xl/worksheets/sheet2.xml",
           Worksheet(R"(<row r="1"><c r="A1" t="inlineStr"><is><t>decoy</t></is></c></row>)")}};
}

// An inline-string cell.
std::string Text(std::string_view ref, std::string_view text) {
  return "<c r=\"" + std::string(ref) + "\" t=\"inlineStr\"><is><t>" + std::string(text) +
         "</t></is></c>";
}

// A number cell; `value` as it appears in the XML.
std::string Number(std::string_view ref, std::string_view value) {
  return "<c r=\"" + std::string(ref) + "\"><v>" + std::string(value) + "</v></c>";
}

std::string Row(int number, std::string_view cells) {
  return "<row r=\"" + std::to_string(number) + "\">" + std::string(cells) + "</row>";
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

class XlsxTest : public ::testing::Test {
 protected:
  // Writes a workbook as in WorkbookEntries() to book.xlsx and returns its path.
  fs::path Write(std::string_view sheet_data, const std::vector<std::string>& shared = {}) {
    return WriteEntries(WorkbookEntries(sheet_data, shared));
  }
  fs::path WriteEntries(const Entries& entries, const std::string& name = "book.xlsx") {
    fs::path path = dir_.path() / name;
    WriteZip(path, entries);
    return path;
  }
  // Reads a workbook that the test expects to be valid.
  CsvTable Read(const fs::path& path) {
    StatusOr<CsvTable> table = ReadXlsxFile(path);
    EXPECT_THAT(table, IsOk());
    return table.ok() ? std::move(table).value() : CsvTable();
  }

  TempDir dir_;
};

TEST_F(XlsxTest, ReadsSharedStringsWithChineseTextAndRichTextRuns) {
  // Rich text: two runs; the phonetic run (a reading shown above the text) is not cell text.
  const std::string rich =
      R"(<r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r>)"
      R"(<rPh sb="0" eb="1"><t>zhang</t></rPh><phoneticPr fontId="1"/>)";
  const CsvTable table = Read(
      Write(Row(1, R"(<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>)") +
                Row(2, R"(<c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c>)") +
                Row(3, R"(<c r="A3" t="s"><v>4</v></c><c r="B3" t="s"><v>5</v></c>)"),
            {"<t>参赛编号</t>", "<t>姓名</t>", "<t>A01</t>", rich, "<t>A02</t>", "<t>李四</t>"}));
  EXPECT_EQ(table.file, "book.xlsx");
  EXPECT_EQ(table.header_line, 1);
  EXPECT_THAT(table.header, ElementsAre("参赛编号", "姓名"));
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"A01", "张三"}, Cells{"A02", "李四"}));
  EXPECT_THAT(Lines(table), ElementsAre(2, 3));
}

TEST_F(XlsxTest, ReadsInlineStringsAndFormulaTextResults) {
  const CsvTable table = Read(
      Write(Row(1, Text("A1", "bib") + Text("B1", "note")) +
            Row(2, Text("A2", "A01") +
                       R"(<c r="B2" t="inlineStr"><is><r><t>line one</t></r><r><t>_x000D_
line two</t></r></is></c>)") +
            Row(3, Text("A3", "A02") +
                       R"(<c r="B3" t="str"><f>CONCAT("a","_")</f><v>a_x005F_x0041_</v></c>)")));
  EXPECT_THAT(table.header, ElementsAre("bib", "note"));
  // Excel escapes a carriage return as _x000D_; line breaks become "\n" as in ParseCsv.
  EXPECT_THAT(Cells2d(table),
              ElementsAre(Cells{"A01", "line one\nline two"}, Cells{"A02", "a_x0041_"}));
}

TEST_F(XlsxTest, WritesNumbersAsTheShortestTextThatRoundTrips) {
  const CsvTable table =
      Read(Write(Row(1, Text("A1", "a") + Text("B1", "b") + Text("C1", "c") + Text("D1", "d")) +
                 Row(2, Number("A2", "77") + Number("B2", "12.5") + Number("C2", "0.1") +
                            Number("D2", "12.500000")) +
                 Row(3, Number("A3", "100000") + Number("B3", "-3") + Number("C3", "1E+21") +
                            Number("D3", "0.30000000000000004")) +
                 Row(4, R"(<c r="A4" t="n"><v>1.5E-3</v></c><c r="B4" t="b"><v>1</v></c>)"
                        R"(<c r="C4" t="b"><v>0</v></c><c r="D4"><v>-0</v></c>)")));
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"77", "12.5", "0.1", "12.5"},
                                          Cells{"100000", "-3", "1e+21", "0.30000000000000004"},
                                          Cells{"0.0015", "TRUE", "FALSE", "0"}));
}

TEST_F(XlsxTest, PadsSparseRowsAndSkipsBlankRows) {
  const CsvTable table = Read(
      Write(Row(2, Text("A2", "  ") + R"(<c r="B2" s="3"/>)") +  // formatted but empty
            Row(3, Text("A3", " bib ") + Text("B3", "name") + Text("C3", "team") +
                       Text("D3", "\t") + Text("E3", "")) +
            Row(4, Text("C4", "Red")) +                            // A and B missing
            Row(6, Number("A6", "5")) +                            // row 5 missing
            Row(7, R"(<c r="A7" t="s"/><c r="B7"><v></v></c>)") +  // present but empty
            Row(9, Text("A9", "A09") + Text("B9", "x") + Text("C9", " Blue ") + Text("F9", " "))));
  EXPECT_EQ(table.header_line, 3);
  EXPECT_THAT(table.header, ElementsAre("bib", "name", "team"));
  EXPECT_THAT(Cells2d(table),
              ElementsAre(Cells{"", "", "Red"}, Cells{"5", "", ""}, Cells{"A09", "x", "Blue"}));
  EXPECT_THAT(Lines(table), ElementsAre(4, 6, 9));
}

TEST_F(XlsxTest, CellsAndRowsWithoutReferencesFollowThePreviousOnes) {
  const CsvTable table =
      Read(Write("<row><c t=\"inlineStr\"><is><t>a</t></is></c>"
                 "<c t=\"inlineStr\"><is><t>b</t></is></c></row>"
                 "<row><c><v>1</v></c><c r=\"B2\"><v>2</v></c></row>" +
                 Row(5, "<c r=\"B5\"><v>3</v></c>") + "<row><c><v>4</v></c></row>"));
  EXPECT_THAT(table.header, ElementsAre("a", "b"));
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"1", "2"}, Cells{"", "3"}, Cells{"4", ""}));
  EXPECT_THAT(Lines(table), ElementsAre(2, 5, 6));
}

TEST_F(XlsxTest, AcceptsPrefixedElementsAndAbsoluteTargets) {
  Entries entries = WorkbookEntries("");
  entries[3].second =
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="../xl/worksheets/sheet2.xml"/>
</Relationships>)";
  entries[5].second =
      R"(<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>bib</x:t></x:is></x:c></x:row>
<x:row r="2"><x:c r="A2"><x:v>7</x:v></x:c></x:row></x:sheetData></x:worksheet>)";
  const CsvTable table = Read(WriteEntries(entries));
  EXPECT_THAT(table.header, ElementsAre("bib"));
  EXPECT_THAT(Cells2d(table), ElementsAre(Cells{"7"}));
}

TEST_F(XlsxTest, SkipsChartSheetsBeforeTheFirstWorksheet) {
  Entries entries = WorkbookEntries(Row(1, Text("A1", "bib")));
  entries[3].second =
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet" Target="chartsheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>)";
  EXPECT_THAT(Read(WriteEntries(entries)).header, ElementsAre("bib"));
}

// Writes a roster as Excel would: a formatted blank row, then the header, numbers, a
// boolean, a formula with its cached result, an empty row. In constant-memory mode
// libxlsxwriter writes inline strings instead of shared ones.
void WriteWithLibxlsxwriter(const fs::path& path, bool constant_memory) {
  lxw_workbook_options options{};
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  ASSERT_NE(workbook, nullptr);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "参赛名单");
  lxw_worksheet* other = workbook_add_worksheet(workbook, "Other");
  lxw_format* bold = workbook_add_format(workbook);
  format_set_bold(bold);
  lxw_format* score = workbook_add_format(workbook);
  format_set_num_format(score, "0.00");
  // Spreadsheet rows are 1-based; libxlsxwriter's are 0-based.
  worksheet_write_blank(sheet, 0, 0, bold);
  worksheet_write_string(sheet, 1, 0, "参赛编号", bold);
  worksheet_write_string(sheet, 1, 1, "姓名", bold);
  worksheet_write_string(sheet, 1, 2, "得分", bold);
  worksheet_write_string(sheet, 1, 3, "present", bold);
  worksheet_write_string(sheet, 2, 0, "A01", nullptr);
  worksheet_write_string(sheet, 2, 1, "张三", nullptr);
  worksheet_write_number(sheet, 2, 2, 87.5, score);
  worksheet_write_boolean(sheet, 2, 3, 1, nullptr);
  worksheet_write_blank(sheet, 3, 1, score);
  worksheet_write_number(sheet, 4, 0, 102, nullptr);
  worksheet_write_string(sheet, 4, 1, "李四", nullptr);
  worksheet_write_formula_num(sheet, 4, 2, "=40+37", score, 77);
  worksheet_write_string(other, 0, 0, "decoy", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
}

TEST_F(XlsxTest, ReadsWorkbookWrittenByLibxlsxwriter) {
  for (const bool constant_memory : {false, true}) {
    SCOPED_TRACE(constant_memory ? "inline strings" : "shared strings");
    const fs::path path = dir_.path() / "roster.xlsx";
    ASSERT_NO_FATAL_FAILURE(WriteWithLibxlsxwriter(path, constant_memory));
    const CsvTable table = Read(path);
    EXPECT_EQ(table.file, "roster.xlsx");
    EXPECT_EQ(table.header_line, 2);
    EXPECT_THAT(table.header, ElementsAre("参赛编号", "姓名", "得分", "present"));
    EXPECT_THAT(Cells2d(table),
                ElementsAre(Cells{"A01", "张三", "87.5", "TRUE"}, Cells{"102", "李四", "77", ""}));
    EXPECT_THAT(Lines(table), ElementsAre(3, 5));
  }
}

TEST_F(XlsxTest, MissingFileIsNotFound) {
  const fs::path path = dir_.path() / "absent.xlsx";
  EXPECT_THAT(ReadXlsxFile(path), StatusIs(StatusCode::kNotFound, HasSubstr(path.string())));
}

TEST_F(XlsxTest, RejectsFileThatIsNotAZipArchive) {
  const fs::path path = dir_.path() / "roster.xlsx";
  std::ofstream(path, std::ios::binary) << "bib,name\nA01,张三\n";
  EXPECT_THAT(ReadXlsxFile(path),
              StatusIs(StatusCode::kInvalidArgument,
                       StartsWith("roster.xlsx: not an XLSX workbook (not a zip archive")));
}

TEST_F(XlsxTest, RejectsZipWithoutWorkbookParts) {
  EXPECT_THAT(ReadXlsxFile(WriteEntries({{"notes.txt", "hello"}}, "notes.xlsx")),
              StatusIs(StatusCode::kInvalidArgument,
                       "notes.xlsx: not an XLSX workbook (no xl/workbook.xml)"));

  Entries entries = WorkbookEntries(Row(1, Text("A1", "bib")));
  entries.pop_back();
  entries.pop_back();  // both worksheets
  EXPECT_THAT(ReadXlsxFile(WriteEntries(entries)),
              StatusIs(StatusCode::kInvalidArgument,
                       "book.xlsx: not an XLSX workbook (no xl/worksheets/sheet1.xml)"));

  entries = WorkbookEntries(Row(1, Text("A1", "bib")));
  entries.erase(entries.begin() + 3);  // xl/_rels/workbook.xml.rels
  EXPECT_THAT(ReadXlsxFile(WriteEntries(entries)),
              StatusIs(StatusCode::kInvalidArgument,
                       "book.xlsx: not an XLSX workbook (no xl/_rels/workbook.xml.rels)"));
}

TEST_F(XlsxTest, ErrorCellNamesTheRowAndCell) {
  EXPECT_THAT(ReadXlsxFile(Write(
                  Row(1, Text("A1", "a") + Text("B1", "b") + Text("C1", "c")) +
                  Row(5, Number("A5", "1") + R"(<c r="C5" t="e"><f>1/0</f><v>#DIV/0!</v></c>)"))),
              StatusIs(StatusCode::kInvalidArgument,
                       "book.xlsx row 5 cell C5: the cell holds an Excel error #DIV/0!"));
}

TEST_F(XlsxTest, RejectsValueBeyondTheHeader) {
  EXPECT_THAT(
      ReadXlsxFile(Write(Row(1, Text("A1", "bib") + Text("B1", "name")) +
                         Row(2, Text("A2", "A01") + Text("C2", " ") + Number("D2", "3")))),
      StatusIs(
          StatusCode::kInvalidArgument,
          "book.xlsx row 2: cell D2 has a value but the header (row 1) has 2 columns, A to B"));
}

TEST_F(XlsxTest, RejectsHeaderAsParseCsvDoes) {
  EXPECT_THAT(ReadXlsxFile(Write(Row(2, Text("A2", "bib") + Text("C2", "team")))),
              StatusIs(StatusCode::kInvalidArgument,
                       "book.xlsx row 2: column B has no name in the header"));
  EXPECT_THAT(
      ReadXlsxFile(Write(Row(1, Text("A1", "bib") + Text("B1", "name") + Text("C1", " BIB")))),
      StatusIs(StatusCode::kInvalidArgument,
               "book.xlsx row 1: columns A and C are both named 'BIB'"));
}

TEST_F(XlsxTest, RejectsEmptyWorksheet) {
  EXPECT_THAT(ReadXlsxFile(Write(Row(1, Text("A1", " ")))),
              StatusIs(StatusCode::kInvalidArgument,
                       StartsWith("book.xlsx: the first worksheet, '名单', is empty")));
}

TEST_F(XlsxTest, RejectsMalformedCells) {
  const std::string header = Row(1, Text("A1", "a") + Text("B1", "b"));
  EXPECT_THAT(ReadXlsxFile(Write(header + Row(2, R"(<c r="B2" t="s"><v>7</v></c>)"), {"<t>a</t>"})),
              StatusIs(StatusCode::kInvalidArgument,
                       "book.xlsx row 2 cell B2: shared string 7 is not one of the workbook's 1 "
                       "shared strings"));
  EXPECT_THAT(
      ReadXlsxFile(Write(header + Row(2, Number("A2", "12,5")))),
      StatusIs(StatusCode::kInvalidArgument, "book.xlsx row 2 cell A2: '12,5' is not a number"));
  EXPECT_THAT(ReadXlsxFile(Write(header + Row(2, R"(<c r="B3"><v>1</v></c>)"))),
              StatusIs(StatusCode::kInvalidArgument, "book.xlsx row 2: cell B3 is inside row 2"));
  EXPECT_THAT(ReadXlsxFile(Write(header + Row(2, R"(<c r="XFE2"><v>1</v></c>)"))),
              StatusIs(StatusCode::kInvalidArgument,
                       StartsWith("book.xlsx row 2: cell reference 'XFE2' is not a cell")));
  EXPECT_THAT(ReadXlsxFile(Write(header + Row(3, Number("A3", "1")) + Row(2, Number("A2", "1")))),
              StatusIs(StatusCode::kInvalidArgument,
                       "book.xlsx row 2: comes after row 3; rows must be in order"));
  EXPECT_THAT(ReadXlsxFile(Write(header + Row(2, Number("A2", "1") + Number("A2", "2")))),
              StatusIs(StatusCode::kInvalidArgument, "book.xlsx row 2: cell A2 appears twice"));
}

TEST_F(XlsxTest, RejectsMalformedXml) {
  EXPECT_THAT(ReadXlsxFile(Write(Row(1, "<c r=\"A1\"><v>1</c>"))),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("book.xlsx: xl/worksheets/sheet1.xml line "),
                             HasSubstr("malformed XML"))));
}

TEST_F(XlsxTest, RejectsDtdSoEntitiesCannotExpand) {
  Entries entries = WorkbookEntries("");
  entries[5].second = R"(<?xml version="1.0"?>
<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>)";
  EXPECT_THAT(ReadXlsxFile(WriteEntries(entries)),
              StatusIs(StatusCode::kInvalidArgument,
                       StartsWith("book.xlsx: xl/worksheets/sheet1.xml has a DTD")));
}

TEST_F(XlsxTest, RefusesPartLargerThanTheLimit) {
  // 257 MB of spaces deflate to a few hundred kilobytes: a small zip bomb.
  Entries entries = WorkbookEntries("");
  entries[5].second = Worksheet(std::string(size_t{257} << 20, ' '));
  EXPECT_THAT(ReadXlsxFile(WriteEntries(entries)),
              StatusIs(StatusCode::kInvalidArgument,
                       "book.xlsx: xl/worksheets/sheet1.xml is larger than 256 MB uncompressed; "
                       "refusing to read it"));
}

}  // namespace
}  // namespace podium::definition
