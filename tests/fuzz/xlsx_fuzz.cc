// libFuzzer: .xlsx mark and roster files (zip + XML from anywhere). The
// reader must refuse anything malformed with a Status, never crash, hang or
// allocate without bound.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "server/definition/xlsx.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The reader takes a path, as importers do: one scratch file per process.
  static const std::filesystem::path file =
      std::filesystem::temp_directory_path() /
      ("podium-xlsx-fuzz-" + std::to_string(getpid()) + ".xlsx");
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto table = podium::definition::ReadXlsxFile(file);
  if (table.ok()) {
    for (const auto& row : table->rows) {
      if (row.cells.size() != table->header.size()) __builtin_trap();
    }
  }
  return 0;
}
