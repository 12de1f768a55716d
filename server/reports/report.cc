#include "server/reports/report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "podium/engine/rounding.h"
#include "server/definition/csv.h"

namespace podium::reports {

std::string CellText(const Cell& cell, int precision) {
  if (const auto* text = std::get_if<std::string>(&cell)) return *text;
  if (const auto* count = std::get_if<std::int64_t>(&cell)) return std::to_string(*count);
  if (const auto* score = std::get_if<double>(&cell)) {
    char buffer[64];
    // + 0.0 turns a rounded -0 into 0.
    std::snprintf(buffer, sizeof buffer, "%.*f", precision,
                  engine::RoundScore(*score, precision) + 0.0);
    return buffer;
  }
  return "";
}

std::string SheetCsv(const Sheet& sheet, const Workbook& book) {
  std::string out = "\xEF\xBB\xBF";
  if (book.provisional) out += definition::CsvLine({kProvisionalNotice});
  std::vector<std::string> cells;
  for (const Column& column : sheet.columns) cells.push_back(column.header);
  out += definition::CsvLine(cells);
  for (const std::vector<Cell>& row : sheet.rows) {
    cells.clear();
    for (const Cell& cell : row) cells.push_back(CellText(cell, book.precision));
    out += definition::CsvLine(cells);
  }
  return out;
}

std::string WorkbookJson(const Workbook& book) {
  using nlohmann::ordered_json;
  ordered_json root;
  root["competition"] = {{"id", book.competition_id}, {"name", book.competition_name}};
  root["phase"] = book.phase;
  root["version"] = book.version;
  root["provisional"] = book.provisional;
  ordered_json sheets = ordered_json::array();
  for (const Sheet& sheet : book.sheets) {
    ordered_json columns = ordered_json::array();
    for (const Column& column : sheet.columns) {
      columns.push_back({{"id", column.id}, {"header", column.header}});
    }
    ordered_json rows = ordered_json::array();
    for (const std::vector<Cell>& row : sheet.rows) {
      ordered_json object = ordered_json::object();
      for (size_t c = 0; c < row.size(); ++c) {
        const Cell& cell = row[c];
        ordered_json& value = object[sheet.columns[c].id];
        if (const auto* text = std::get_if<std::string>(&cell)) {
          value = *text;
        } else if (const auto* count = std::get_if<std::int64_t>(&cell)) {
          value = *count;
        } else if (const auto* score = std::get_if<double>(&cell)) {
          value = engine::RoundScore(*score, book.precision) + 0.0;
        }  // empty: null
      }
      rows.push_back(std::move(object));
    }
    sheets.push_back({{"id", sheet.id},
                      {"name", sheet.name},
                      {"title", sheet.title},
                      {"columns", columns},
                      {"rows", rows}});
  }
  root["sheets"] = sheets;
  return root.dump(2) + "\n";
}

}  // namespace podium::reports
