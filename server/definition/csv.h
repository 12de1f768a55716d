// CSV (RFC 4180) reading and writing for roster files, and header binding by column name.
// Parsing is lenient where spreadsheets differ harmlessly (CRLF or LF, blank lines, spaces
// around cells, trailing empty cells) and strict where a cell's value would be in doubt.
#ifndef PODIUM_SERVER_DEFINITION_CSV_H_
#define PODIUM_SERVER_DEFINITION_CSV_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "podium/status.h"
#include "server/definition/encoding.h"

namespace podium::definition {

// One record of a CSV file.
struct CsvRow {
  int line = 0;                    // 1-based physical line on which the record starts
  std::vector<std::string> cells;  // exactly one per header column
};

// A parsed CSV file: the first non-empty record is the header, the rest are rows.
struct CsvTable {
  std::string file;  // the name used in messages, e.g. "contestants.csv"
  std::vector<std::string> header;
  std::vector<CsvRow> rows;
  int header_line = 1;  // physical line of the header (blank lines may precede it)
};

// Parses UTF-8 CSV text (a leading BOM is ignored).
// - Cells may be quoted; inside quotes, commas and line breaks are data and "" is a quote.
//   A line break inside quotes is kept as "\n" whatever the file uses.
// - Records end with CRLF, LF or CR. Records whose cells are all empty (blank lines, or ",,,"
//   rows that spreadsheets write) are skipped.
// - Spaces and tabs around a cell are trimmed unless they are inside quotes.
// - Trailing empty header cells are dropped. Rows with fewer cells than the header are padded
//   with ""; extra cells are allowed only when empty, and dropped.
// Errors: kInvalidArgument, the message starting with "FILE line N: ", for an unterminated
// quote (N = where it opened), a quote inside an unquoted cell, text after a closing quote,
// a row with more non-empty cells than the header, no header (empty file), an empty header
// name followed by named columns, or two header names equal ignoring ASCII case and
// surrounding spaces.
StatusOr<CsvTable> ParseCsv(std::string_view utf8_text, std::string file_name);

// Reads, decodes (see DecodeToUtf8) and parses the CSV file at `path`. Messages about its
// content name the file by `path.filename()`.
// Errors: kNotFound naming the path if it does not exist; kFailedPrecondition if it is not
// a regular file or cannot be read; the errors of DecodeToUtf8 and ParseCsv.
StatusOr<CsvTable> ReadCsvFile(const std::filesystem::path& path, Encoding encoding);

// A column the caller understands: its canonical name and the other header names that mean
// the same (e.g. Chinese ones).
struct ColumnSpec {
  std::string name;
  std::vector<std::string> aliases;
  bool required = false;
};

// Where each known column sits in one CSV file's header. Header names match a spec's name or
// aliases ignoring ASCII case and surrounding whitespace. Immutable; keeps no reference to
// the table it was bound against.
class CsvColumns final {
 public:
  // Binds `specs` against `table.header`.
  // Errors: kInvalidArgument "FILE line N: missing column 'bib' (also accepted: 参赛编号, 编号)"
  // for every missing required column (joined by "; "), or if two header cells name the same
  // column. Precondition (CHECKed): no name or alias appears in two specs.
  static StatusOr<CsvColumns> Bind(const CsvTable& table, std::vector<ColumnSpec> specs);

  // The header index of the column `canonical`, or nullopt if the header lacks it.
  // Precondition (CHECKed): `canonical` is the name of one of the bound specs.
  std::optional<int> index(std::string_view canonical) const;

  // The cell of `row` in column `canonical` (a view into `row`); "" if the header lacks the
  // column. Same precondition as index().
  std::string_view Get(const CsvRow& row, std::string_view canonical) const;

  // Header cells that match no spec, trimmed, with their index, in header order.
  std::vector<std::pair<std::string, int>> extra_columns() const { return extra_columns_; }

 private:
  struct BoundColumn {
    std::string name;
    std::optional<int> index;
  };

  CsvColumns(std::vector<BoundColumn> columns,
             std::vector<std::pair<std::string, int>> extra_columns)
      : columns_(std::move(columns)), extra_columns_(std::move(extra_columns)) {}

  std::vector<BoundColumn> columns_;  // one per spec, in spec order
  std::vector<std::pair<std::string, int>> extra_columns_;
};

// `cell` as a CSV field: quoted (inner quotes doubled) if it contains a comma, quote or line
// break, or starts or ends with a space or tab (which ParseCsv would otherwise trim).
std::string CsvEscape(std::string_view cell);

// One CSV record: the escaped cells joined by ',' and ended by "\r\n", as Excel expects.
std::string CsvLine(const std::vector<std::string>& cells);

}  // namespace podium::definition

#endif  // PODIUM_SERVER_DEFINITION_CSV_H_
