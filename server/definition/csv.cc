#include "server/definition/csv.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "podium/check.h"
#include "podium/status.h"
#include "server/definition/encoding.h"

namespace podium::definition {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

// The form in which header names are compared: trimmed, ASCII letters lower-cased.
std::string NormalizeName(std::string_view name) {
  std::string normalized(TrimBlanks(name));
  for (char& c : normalized) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return normalized;
}

std::string At(std::string_view file, int line) {
  return std::string(file) + " line " + std::to_string(line) + ": ";
}

bool AllEmpty(const std::vector<std::string>& cells) {
  for (const std::string& cell : cells) {
    if (!cell.empty()) return false;
  }
  return true;
}

// Splits CSV text into records of raw cells, skipping records whose cells are all empty.
// Cells are not yet checked against the header. Single use.
class RecordSplitter {
 public:
  RecordSplitter(std::string_view text, std::string_view file) : text_(text), file_(file) {}

  StatusOr<std::vector<CsvRow>> Split() {
    std::vector<CsvRow> records;
    while (pos_ < text_.size()) {
      CsvRow record{.line = line_, .cells = {}};
      while (true) {  // one cell per iteration
        const size_t column = record.cells.size() + 1;
        const size_t start = pos_;
        SkipBlanks();
        PODIUM_ASSIGN_OR_RETURN(
            std::string cell, Peek('"') ? ReadQuotedCell(column) : ReadUnquotedCell(start, column));
        record.cells.push_back(std::move(cell));
        if (Peek(',')) {
          ++pos_;
          continue;
        }
        if (AtLineBreak()) ConsumeLineBreak();
        break;
      }
      if (!AllEmpty(record.cells)) records.push_back(std::move(record));
    }
    return records;
  }

 private:
  bool Peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
  bool AtLineBreak() const { return Peek('\n') || Peek('\r'); }
  bool AtCellEnd() const { return pos_ == text_.size() || Peek(',') || AtLineBreak(); }

  // Precondition: AtLineBreak(). CRLF is one line break.
  void ConsumeLineBreak() {
    if (Peek('\r') && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  void SkipBlanks() {
    while (pos_ < text_.size() && IsBlank(text_[pos_])) ++pos_;
  }

  Status Error(int line, size_t column, std::string_view what) const {
    return InvalidArgumentError(At(file_, line) + "column " + std::to_string(column) + ": " +
                                std::string(what));
  }

  // Precondition: Peek('"'). Leaves pos_ at the end of the cell.
  StatusOr<std::string> ReadQuotedCell(size_t column) {
    const int opening_line = line_;
    std::string cell;
    ++pos_;
    while (true) {
      if (pos_ == text_.size()) return Error(opening_line, column, "unterminated quote");
      if (Peek('"')) {
        ++pos_;
        if (!Peek('"')) break;
        cell += '"';  // "" is a literal quote
        ++pos_;
      } else if (AtLineBreak()) {
        ConsumeLineBreak();
        cell += '\n';
      } else {
        cell += text_[pos_++];
      }
    }
    SkipBlanks();
    if (!AtCellEnd()) {
      return Error(line_, column, "text after the closing quote; a quoted cell ends at its quote");
    }
    return cell;
  }

  // `start` is where the cell began, before any blanks. Leaves pos_ at the end of the cell.
  StatusOr<std::string> ReadUnquotedCell(size_t start, size_t column) {
    for (; !AtCellEnd(); ++pos_) {
      if (Peek('"')) {
        return Error(line_, column,
                     "quote inside an unquoted cell; quote the whole cell and double the "
                     "quotes inside it");
      }
    }
    return std::string(TrimBlanks(text_.substr(start, pos_ - start)));
  }

  std::string_view text_;
  std::string_view file_;
  size_t pos_ = 0;
  int line_ = 1;  // physical line of pos_
};

// Header names must be usable as keys: non-empty and distinct as CsvColumns compares them.
Status CheckHeader(const CsvTable& table) {
  std::unordered_map<std::string, size_t> first_column;  // normalized name -> index
  for (size_t i = 0; i < table.header.size(); ++i) {
    const std::string name = NormalizeName(table.header[i]);
    if (name.empty()) {
      return InvalidArgumentError(At(table.file, table.header_line) + "column " +
                                  std::to_string(i + 1) + " has no name in the header");
    }
    const auto [it, inserted] = first_column.emplace(name, i);
    if (!inserted) {
      return InvalidArgumentError(At(table.file, table.header_line) + "columns " +
                                  std::to_string(it->second + 1) + " and " + std::to_string(i + 1) +
                                  " are both named '" + std::string(TrimBlanks(table.header[i])) +
                                  "'");
    }
  }
  return OkStatus();
}

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

StatusOr<std::string> ReadBytes(const std::filesystem::path& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (status.type() == std::filesystem::file_type::not_found) {
    return NotFoundError(path.string() + ": no such file");
  }
  if (error) return FailedPreconditionError(path.string() + ": " + error.message());
  if (!std::filesystem::is_regular_file(status)) {
    return FailedPreconditionError(path.string() + ": not a regular file");
  }
  const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (file == nullptr) {
    return FailedPreconditionError(path.string() + ": cannot open: " + std::strerror(errno));
  }
  std::string bytes;
  char buffer[1 << 16];
  size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    bytes.append(buffer, count);
  }
  if (std::ferror(file.get())) {
    return FailedPreconditionError(path.string() + ": cannot read: " + std::strerror(errno));
  }
  return bytes;
}

}  // namespace

StatusOr<CsvTable> ParseCsv(std::string_view utf8_text, std::string file_name) {
  if (utf8_text.starts_with(kUtf8Bom)) utf8_text.remove_prefix(kUtf8Bom.size());
  PODIUM_ASSIGN_OR_RETURN(std::vector<CsvRow> records,
                          RecordSplitter(utf8_text, file_name).Split());
  if (records.empty()) {
    return InvalidArgumentError(At(file_name, 1) + "no header row: the file is empty");
  }
  CsvTable table;
  table.file = std::move(file_name);
  table.header_line = records.front().line;
  table.header = std::move(records.front().cells);
  // Spreadsheets export formatted but empty columns as trailing empty cells.
  // The header record has a non-empty cell, so this stops before the header is empty.
  while (table.header.back().empty()) table.header.pop_back();
  PODIUM_RETURN_IF_ERROR(CheckHeader(table));

  const size_t width = table.header.size();
  table.rows.reserve(records.size() - 1);
  for (size_t r = 1; r < records.size(); ++r) {
    CsvRow& row = records[r];
    while (row.cells.size() > width && row.cells.back().empty()) row.cells.pop_back();
    if (row.cells.size() > width) {
      return InvalidArgumentError(At(table.file, row.line) + std::to_string(row.cells.size()) +
                                  " cells but the header has " + std::to_string(width) +
                                  " columns; quote cells that contain commas");
    }
    row.cells.resize(width);
    table.rows.push_back(std::move(row));
  }
  return table;
}

StatusOr<CsvTable> ReadCsvFile(const std::filesystem::path& path, Encoding encoding) {
  PODIUM_ASSIGN_OR_RETURN(const std::string bytes, ReadBytes(path));
  const std::string file_name = path.filename().string();
  PODIUM_ASSIGN_OR_RETURN(const std::string text, DecodeToUtf8(bytes, encoding, file_name));
  return ParseCsv(text, file_name);
}

StatusOr<CsvColumns> CsvColumns::Bind(const CsvTable& table, std::vector<ColumnSpec> specs) {
  std::unordered_map<std::string, size_t> spec_of;  // normalized name or alias -> spec index
  std::vector<BoundColumn> columns;
  columns.reserve(specs.size());
  for (size_t s = 0; s < specs.size(); ++s) {
    const auto add_name = [&](std::string_view name) {
      const bool unique = spec_of.emplace(NormalizeName(name), s).second;
      PODIUM_CHECK(unique);  // a header cell must not be able to mean two columns
    };
    add_name(specs[s].name);
    for (const std::string& alias : specs[s].aliases) add_name(alias);
    columns.push_back({.name = specs[s].name, .index = std::nullopt});
  }

  std::vector<std::pair<std::string, int>> extra_columns;
  for (size_t i = 0; i < table.header.size(); ++i) {
    const std::string_view cell = TrimBlanks(table.header[i]);
    const auto it = spec_of.find(NormalizeName(cell));
    if (it == spec_of.end()) {
      extra_columns.emplace_back(cell, static_cast<int>(i));
      continue;
    }
    BoundColumn& column = columns[it->second];
    if (column.index) {
      return InvalidArgumentError(At(table.file, table.header_line) + "columns '" +
                                  std::string(TrimBlanks(table.header[*column.index])) + "' and '" +
                                  std::string(cell) + "' both mean '" + column.name +
                                  "'; keep one");
    }
    column.index = static_cast<int>(i);
  }

  std::string missing;
  for (size_t s = 0; s < specs.size(); ++s) {
    if (!specs[s].required || columns[s].index) continue;
    if (!missing.empty()) missing += "; ";
    missing += "missing column '" + specs[s].name + "'";
    for (size_t a = 0; a < specs[s].aliases.size(); ++a) {
      missing += (a == 0 ? " (also accepted: " : ", ") + specs[s].aliases[a];
    }
    if (!specs[s].aliases.empty()) missing += ")";
  }
  if (!missing.empty()) return InvalidArgumentError(At(table.file, table.header_line) + missing);
  return CsvColumns(std::move(columns), std::move(extra_columns));
}

std::optional<int> CsvColumns::index(std::string_view canonical) const {
  const auto it = std::ranges::find(columns_, canonical, &BoundColumn::name);
  PODIUM_CHECK(it != columns_.end());  // `canonical` must name a ColumnSpec given to Bind()
  return it->index;
}

std::string_view CsvColumns::Get(const CsvRow& row, std::string_view canonical) const {
  const std::optional<int> column = index(canonical);
  if (!column || static_cast<size_t>(*column) >= row.cells.size()) return {};
  return row.cells[*column];
}

std::string CsvEscape(std::string_view cell) {
  const bool needs_quotes = cell.find_first_of(",\"\r\n") != std::string_view::npos ||
                            (!cell.empty() && (IsBlank(cell.front()) || IsBlank(cell.back())));
  if (!needs_quotes) return std::string(cell);
  std::string quoted = "\"";
  for (const char c : cell) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvEscape(cells[i]);
  }
  line += "\r\n";
  return line;
}

}  // namespace podium::definition
