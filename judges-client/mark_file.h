// Marks from a file (a paper sheet transcribed into a spreadsheet, or a
// machine-marked theory exam): each row checked against the judge's sheet —
// item assigned, bib on the list, value in range and on step — and turned
// into a SubmitMark request whose idempotency key is derived from the row's
// content, so importing the same file again changes nothing.
#ifndef PODIUM_JUDGES_CLIENT_MARK_FILE_H_
#define PODIUM_JUDGES_CLIENT_MARK_FILE_H_

#include <map>
#include <string>
#include <vector>

#include "podium/status.h"
#include "podium/v1/scoring.pb.h"
#include "server/definition/csv.h"

namespace podium::judge {

struct PlannedMark {
  int line = 0;         // the file's line (CSV) or row (XLSX)
  std::string error;    // why the row cannot be sent; empty if it can
  std::string summary;  // "K001 心肺复苏 12.5"
  v1::SubmitMarkRequest request;
};

struct ImportOptions {
  std::string self;          // the logged-in judge's id
  std::string default_item;  // --item: for files without an item column
  std::string device;
  bool transcribed = false;  // chief judges: paper transcriptions (two-person confirmation)
};

// Columns (Chinese names accepted): bib (编号), item (项目), value (分数),
// time (用时, seconds), judge (裁判; chief judges transcribing for a judge),
// note (备注). `sheets` holds the sheet of every judge the file may name,
// by judge id (at least `self`'s). Errors: kInvalidArgument for a file
// whose header lacks bib or value (or item without --item).
StatusOr<std::vector<PlannedMark>> PlanImport(const definition::CsvTable& table,
                                              const std::map<std::string, v1::Sheet>& sheets,
                                              const ImportOptions& options);

// The judges a file names in its judge column (besides `self`).
std::vector<std::string> JudgesNamed(const definition::CsvTable& table, const std::string& self);

// Checks `text` against a sheet item: a number in [0, max] on the item's
// step. Errors: kInvalidArgument saying which rule.
StatusOr<double> CheckValue(std::string_view text, const v1::SheetItem& item);

// The sheet item `ref` names ("cpr", "practical.cpr" or the full ref).
// Errors: kNotFound listing the items of the sheet; kInvalidArgument if ambiguous.
StatusOr<const v1::SheetItem*> FindItem(const v1::Sheet& sheet, std::string_view ref);

// A mark's value as the shortest text that reads back the same ("12.5").
std::string ValueText(double value);

}  // namespace podium::judge

#endif  // PODIUM_JUDGES_CLIENT_MARK_FILE_H_
