// The organizer's reports as plain tables: a Workbook of Sheets with typed
// columns, built once from the standings or the ledger and written by every
// format (CSV, JSON, XLSX) from the same cells, so the formats never disagree.
#ifndef PODIUM_SERVER_REPORTS_REPORT_H_
#define PODIUM_SERVER_REPORTS_REPORT_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace podium::reports {

// Empty, text, a score (written with the column's decimals) or a count/rank.
using Cell = std::variant<std::monostate, std::string, double, std::int64_t>;

struct Column {
  enum class Kind { kText, kScore, kInteger };
  std::string id;      // stable ASCII key: JSON field, e.g. "rank", "event:theory"
  std::string header;  // what people read: "名次 Rank"
  Kind kind = Kind::kText;
};

struct Sheet {
  std::string id;    // ASCII file stem: "results-mine-rescue", "awards"
  std::string name;  // the spreadsheet tab: "成绩 矿山救护工" (at most 31 characters)
  std::string title;  // what the table is, under the competition's name: "矿山救护工 成绩 Results"
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each as long as `columns`
};

struct Workbook {
  std::string competition_id;
  std::string competition_name;
  std::string phase;          // open | frozen | final
  std::uint64_t version = 0;  // the standings version the reports show
  bool provisional = false;   // results not final: every sheet says so
  int precision = 2;          // decimals of scores
  std::vector<Sheet> sheets;
};

// What every page of provisional results carries.
inline constexpr char kProvisionalNotice[] = "暂定成绩，非最终结果 Provisional results, not final";

// A score as text with `precision` decimals ("95.40"); other cells as text.
std::string CellText(const Cell& cell, int precision);

// UTF-8 with a BOM (Excel then reads Chinese correctly) and CRLF line ends;
// a provisional sheet starts with a line saying so. Deterministic.
std::string SheetCsv(const Sheet& sheet, const Workbook& book);

// Every sheet, rows as objects keyed by column id; scores as numbers with
// the workbook's precision. Deterministic.
std::string WorkbookJson(const Workbook& book);

}  // namespace podium::reports

#endif  // PODIUM_SERVER_REPORTS_REPORT_H_
