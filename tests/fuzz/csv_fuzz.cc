// libFuzzer: roster and mark CSV files as Excel writes them (any bytes, any
// encoding). Property: what ParseCsv accepts, CsvLine writes back, and
// ParseCsv reads back to exactly the same cells.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "podium/check.h"
#include "server/definition/csv.h"
#include "server/definition/encoding.h"

namespace definition = podium::definition;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto text = definition::DecodeToUtf8(bytes, definition::Encoding::kAuto, "fuzz.csv");
  if (!text.ok()) return 0;
  auto table = definition::ParseCsv(*text, "fuzz.csv");
  if (!table.ok()) return 0;
  auto columns = definition::CsvColumns::Bind(
      *table, {{"bib", {"编号", "contestant"}, false}, {"value", {"分数"}, false}});
  if (columns.ok()) {
    for (const definition::CsvRow& row : table->rows) {
      (void)columns->Get(row, "bib");
      (void)columns->Get(row, "value");
    }
  }
  std::string written = definition::CsvLine(table->header);
  for (const definition::CsvRow& row : table->rows) written += definition::CsvLine(row.cells);
  auto again = definition::ParseCsv(written, "again.csv");
  PODIUM_CHECK(again.ok());
  PODIUM_CHECK(again->header == table->header);
  PODIUM_CHECK(again->rows.size() == table->rows.size());
  for (std::size_t i = 0; i < table->rows.size(); ++i) {
    PODIUM_CHECK(again->rows[i].cells == table->rows[i].cells);
  }
  return 0;
}
