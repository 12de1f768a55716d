// QR codes of login links: what `podium tokens --url` prints must scan. The
// terminal rendering is read back into modules and scanned by zbarimg (from
// Debian's zbar-tools), the way a tablet's camera would read the screen.
#include "server/cli/qr.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::cli {
namespace {

using ::podium::test::IsOk;
using ::podium::test::TempDir;
using ::testing::HasSubstr;

constexpr char kLink[] = "http://192.168.10.20:8080/judge#token=oc3qub33fzqxawviyz3pmm77tqvqgpvp";

// Reads a terminal QR code back: one text line is two module rows.
std::vector<std::vector<bool>> ModulesOf(const std::string& terminal) {
  std::vector<std::vector<bool>> rows;
  size_t start = 0;
  while (start < terminal.size()) {
    const size_t end = terminal.find('\n', start);
    std::string line = terminal.substr(start, end - start);
    start = end == std::string::npos ? terminal.size() : end + 1;
    // Drop the colour escapes.
    std::string plain;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\x1b') {
        while (i < line.size() && line[i] != 'm') ++i;
        continue;
      }
      plain += line[i];
    }
    std::vector<bool> top, bottom;
    for (size_t i = 0; i < plain.size();) {
      if (plain[i] == ' ') {
        top.push_back(false);
        bottom.push_back(false);
        ++i;
        continue;
      }
      const std::string glyph = plain.substr(i, 3);
      i += 3;
      top.push_back(glyph == "\u2588" || glyph == "\u2580");
      bottom.push_back(glyph == "\u2588" || glyph == "\u2584");
    }
    rows.push_back(top);
    rows.push_back(bottom);
  }
  return rows;
}

// What zbarimg reads in a plain PBM image of the modules (4 px a module,
// with a white border), or "" if nothing.
std::string Scan(const std::vector<std::vector<bool>>& modules, const std::filesystem::path& dir) {
  constexpr int kScale = 4, kBorder = 4;
  const int height = static_cast<int>(modules.size());
  const int width = static_cast<int>(modules.at(0).size());
  const auto file = dir / "code.pbm";
  {
    std::ofstream pbm(file);
    pbm << "P1\n"
        << (width + 2 * kBorder) * kScale << " " << (height + 2 * kBorder) * kScale << "\n";
    for (int y = 0; y < (height + 2 * kBorder) * kScale; ++y) {
      for (int x = 0; x < (width + 2 * kBorder) * kScale; ++x) {
        const int row = y / kScale - kBorder, column = x / kScale - kBorder;
        const bool dark = row >= 0 && column >= 0 && row < height && column < width &&
                          column < static_cast<int>(modules[row].size()) && modules[row][column];
        pbm << (dark ? "1 " : "0 ");
      }
      pbm << "\n";
    }
  }
  const std::string command = "zbarimg --raw -q " + file.string() + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  char buffer[256];
  while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  pclose(pipe);
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

TEST(QrTest, TheTerminalCodeScansBackToTheLink) {
  TempDir tmp;
  const auto code = EncodeQr(kLink);
  ASSERT_THAT(code, IsOk());
  const auto modules = ModulesOf(QrForTerminal(*code));
  // The code plus a 2-module quiet zone each side (rounded up to whole lines).
  EXPECT_EQ(modules.at(0).size(), static_cast<size_t>(code->size + 4));
  EXPECT_EQ(Scan(modules, tmp.path()), kLink);
}

TEST(QrTest, TheTerminalCodeIsTheEncodedCode) {
  const auto code = EncodeQr(kLink);
  ASSERT_THAT(code, IsOk());
  const auto modules = ModulesOf(QrForTerminal(*code));
  for (int row = 0; row < code->size; ++row) {
    for (int column = 0; column < code->size; ++column) {
      ASSERT_EQ(modules[row + 2][column + 2], code->at(row, column)) << row << "," << column;
    }
  }
  // Finder pattern corners: dark at the three corners, light at the fourth.
  EXPECT_TRUE(code->at(0, 0));
  EXPECT_TRUE(code->at(0, code->size - 1));
  EXPECT_TRUE(code->at(code->size - 1, 0));
}

TEST(QrTest, TheSvgHasOneSquarePerDarkModule) {
  const auto code = EncodeQr("podium");
  ASSERT_THAT(code, IsOk());
  const std::string svg = QrSvg(*code, 4);
  size_t dark = 0;
  for (const bool d : code->dark) dark += d;
  size_t squares = 0;
  for (size_t at = svg.find("h1v1h-1z"); at != std::string::npos;
       at = svg.find("h1v1h-1z", at + 1)) {
    ++squares;
  }
  EXPECT_EQ(squares, dark);
  const int px = (code->size + 8) * 4;
  EXPECT_THAT(svg, HasSubstr("width=\"" + std::to_string(px) + "\""));
}

TEST(QrTest, RefusesTextTooLongForAnyCode) {
  const auto code = EncodeQr(std::string(8000, 'x'));
  EXPECT_EQ(code.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(code.status().message(), HasSubstr("8000 bytes"));
}

}  // namespace
}  // namespace podium::cli
