// Writes a Workbook as an Excel file (Debian's libxlsxwriter): one sheet per
// report, Chinese headers, frozen header rows, column widths that fit CJK
// text, and numbers stored as numbers.
#ifndef PODIUM_SERVER_REPORTS_XLSX_H_
#define PODIUM_SERVER_REPORTS_XLSX_H_

#include <filesystem>

#include "podium/status.h"
#include "server/reports/report.h"

namespace podium::reports {

// Errors: kUnavailable naming the file if it cannot be written.
Status WriteXlsx(const Workbook& book, const std::filesystem::path& file);

}  // namespace podium::reports

#endif  // PODIUM_SERVER_REPORTS_XLSX_H_
