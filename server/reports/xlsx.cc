#include "server/reports/xlsx.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <string>
#include <vector>

#include "server/cli/table.h"

namespace podium::reports {

namespace {

// Excel measures columns in widths of "0"; a CJK character takes two.
constexpr double kMinWidth = 6, kMaxWidth = 60, kPadding = 2;

double ColumnWidth(const Sheet& sheet, size_t column, int precision) {
  int widest = cli::DisplayWidth(sheet.columns[column].header);
  for (const std::vector<Cell>& row : sheet.rows) {
    widest = std::max(widest, cli::DisplayWidth(CellText(row[column], precision)));
  }
  return std::clamp(widest + kPadding, kMinWidth, kMaxWidth);
}

// The sheet's number format: "0.00" for precision 2, "0" for 0.
std::string ScoreFormat(int precision) {
  return precision > 0 ? "0." + std::string(precision, '0') : "0";
}

struct Formats {
  lxw_format* title;
  lxw_format* notice;
  lxw_format* header;
  lxw_format* text;
  lxw_format* score;
  lxw_format* integer;
};

Formats AddFormats(lxw_workbook* workbook, const std::string& score_format) {
  Formats f{};
  f.title = workbook_add_format(workbook);
  format_set_bold(f.title);
  format_set_font_size(f.title, 14);
  f.notice = workbook_add_format(workbook);
  format_set_bold(f.notice);
  format_set_font_color(f.notice, LXW_COLOR_RED);
  f.header = workbook_add_format(workbook);
  format_set_bold(f.header);
  format_set_bg_color(f.header, 0xDDEBF7);
  format_set_border(f.header, LXW_BORDER_THIN);
  format_set_text_wrap(f.header);
  format_set_align(f.header, LXW_ALIGN_CENTER);
  format_set_align(f.header, LXW_ALIGN_VERTICAL_CENTER);
  f.text = workbook_add_format(workbook);
  format_set_border(f.text, LXW_BORDER_THIN);
  f.score = workbook_add_format(workbook);
  format_set_border(f.score, LXW_BORDER_THIN);
  format_set_num_format(f.score, score_format.c_str());
  f.integer = workbook_add_format(workbook);
  format_set_border(f.integer, LXW_BORDER_THIN);
  format_set_num_format(f.integer, "0");
  return f;
}

void WriteSheet(lxw_workbook* workbook, const Sheet& sheet, const Workbook& book,
                const Formats& f) {
  lxw_worksheet* ws = workbook_add_worksheet(workbook, sheet.name.c_str());
  // Row 0: competition and title; row 1: the provisional notice (or empty); row 2: headers.
  lxw_row_t row = 0;
  const std::string title = book.competition_name + "  " + sheet.title;
  worksheet_write_string(ws, row++, 0, title.c_str(), f.title);
  if (book.provisional) worksheet_write_string(ws, row, 0, kProvisionalNotice, f.notice);
  ++row;
  const lxw_row_t header_row = row;
  for (size_t c = 0; c < sheet.columns.size(); ++c) {
    worksheet_write_string(ws, header_row, static_cast<lxw_col_t>(c),
                           sheet.columns[c].header.c_str(), f.header);
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                         ColumnWidth(sheet, c, book.precision), nullptr);
  }
  for (const std::vector<Cell>& cells : sheet.rows) {
    ++row;
    for (size_t c = 0; c < cells.size(); ++c) {
      const auto col = static_cast<lxw_col_t>(c);
      const Cell& cell = cells[c];
      if (const auto* text = std::get_if<std::string>(&cell)) {
        worksheet_write_string(ws, row, col, text->c_str(), f.text);
      } else if (std::holds_alternative<double>(cell)) {
        // The published value, so a cell reads the same as the CSV and JSON.
        worksheet_write_number(ws, row, col, std::stod(CellText(cell, book.precision)), f.score);
      } else if (const auto* count = std::get_if<std::int64_t>(&cell)) {
        worksheet_write_number(ws, row, col, static_cast<double>(*count), f.integer);
      } else {
        worksheet_write_blank(ws, row, col, f.text);
      }
    }
  }
  worksheet_freeze_panes(ws, header_row + 1, 0);
  // Printing: landscape, fit to the page width, headers repeated, and the
  // provisional notice in every page's header.
  worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_fit_to_pages(ws, 1, 0);
  worksheet_repeat_rows(ws, header_row, header_row);
  if (book.provisional) {
    const std::string header = std::string("&C&\"-,Bold\"") + kProvisionalNotice;
    worksheet_set_header(ws, header.c_str());
  }
  worksheet_set_footer(ws, "&C&P / &N");
}

}  // namespace

Status WriteXlsx(const Workbook& book, const std::filesystem::path& file) {
  lxw_workbook* workbook = workbook_new(file.c_str());
  if (workbook == nullptr) return UnavailableError("cannot write " + file.string());
  // libxlsxwriter takes the strings as char* and copies them.
  std::string title = book.competition_name, company = "Podium";
  lxw_doc_properties properties{};
  properties.title = title.data();
  properties.company = company.data();
  workbook_set_properties(workbook, &properties);
  const Formats formats = AddFormats(workbook, ScoreFormat(book.precision));
  for (const Sheet& sheet : book.sheets) WriteSheet(workbook, sheet, book, formats);
  const lxw_error error = workbook_close(workbook);
  if (error != LXW_NO_ERROR) {
    return UnavailableError("cannot write " + file.string() + ": " + lxw_strerror(error));
  }
  return OkStatus();
}

}  // namespace podium::reports
