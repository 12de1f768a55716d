// Reads an Excel workbook (.xlsx, Office Open XML) as a table, so that rosters and marks
// kept in a spreadsheet load like the CSV files in csv.h. Only cell values are read:
// no formulas (their cached results are used), styles, dates or merged ranges.
#ifndef PODIUM_SERVER_DEFINITION_XLSX_H_
#define PODIUM_SERVER_DEFINITION_XLSX_H_

#include <filesystem>

#include "podium/status.h"
#include "server/definition/csv.h"

namespace podium::definition {

// Reads the first worksheet of an .xlsx file as a table: the first non-empty row is the
// header, the rest are rows (CsvRow::line and CsvTable::header_line are spreadsheet row
// numbers, 1-based). The table has the shape ParseCsv gives: cells trimmed of spaces and
// tabs, trailing empty header cells dropped, rows padded to the header width, rows whose
// cells are all empty skipped. Missing cells are empty.
// Cell values as text: strings as they are; numbers as the shortest text that reads back as
// the same double ("12.5", "77", "0.1"); booleans "TRUE" or "FALSE". A date is a number to
// Excel and reads as its serial number.
// Messages name the file by `path.filename()`.
// Errors:
//   kNotFound naming the path if it does not exist;
//   kFailedPrecondition if it is not a regular file or cannot be read;
//   kInvalidArgument "FILE: not an XLSX workbook (...)" if it is not a zip archive, is
//     damaged, or lacks the workbook, its relationships or the worksheet;
//   kInvalidArgument "FILE: PART ..." if a part is malformed XML, has a DTD, or is larger
//     than 256 MB uncompressed (a guard against zip bombs);
//   kInvalidArgument "FILE row N: ..." or "FILE row N cell B7: ..." for a malformed cell or
//     row reference, a cell holding an Excel error (#DIV/0!, #N/A, ...), a non-empty cell
//     beyond the header, the header errors of ParseCsv (an unnamed column before named ones,
//     two columns with the same name), or a table of more than 10 million cells;
//   kInvalidArgument "FILE: the first worksheet is empty; ..." if no row has a value.
// Cost: one pass over the worksheet's XML; memory for the table and the shared strings.
StatusOr<CsvTable> ReadXlsxFile(const std::filesystem::path& path);

}  // namespace podium::definition

#endif  // PODIUM_SERVER_DEFINITION_XLSX_H_
