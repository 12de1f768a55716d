#include "server/cli/table.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "podium/check.h"

namespace podium::cli {
namespace {

struct CodePointRange {
  char32_t first;
  char32_t last;
};

// Drawn zero columns wide: controls, combining marks, zero-width characters and variation
// selectors. Sorted, disjoint.
constexpr CodePointRange kZeroWidth[] = {
    {0x0000, 0x001F},    // C0 controls
    {0x007F, 0x009F},    // DEL, C1 controls
    {0x0300, 0x036F},    // combining diacritical marks
    {0x0483, 0x0489},    // Cyrillic combining marks
    {0x1AB0, 0x1AFF},    // combining diacritical marks extended
    {0x1DC0, 0x1DFF},    // combining diacritical marks supplement
    {0x200B, 0x200F},    // zero width space, joiners, direction marks
    {0x202A, 0x202E},    // bidi embeddings and overrides
    {0x2060, 0x2064},    // word joiner, invisible operators
    {0x20D0, 0x20FF},    // combining marks for symbols
    {0x3099, 0x309A},    // combining kana voiced sound marks
    {0xFE00, 0xFE0F},    // variation selectors
    {0xFE20, 0xFE2F},    // combining half marks
    {0xFEFF, 0xFEFF},    // zero width no-break space (BOM)
    {0xE0100, 0xE01EF},  // variation selectors supplement
};

// East Asian Wide (W) and Fullwidth (F) blocks, after Markus Kuhn's wcwidth(). Sorted,
// disjoint.
constexpr CodePointRange kWide[] = {
    {0x1100, 0x115F},    // Hangul Jamo initial consonants
    {0x2E80, 0x303E},    // CJK radicals, Kangxi radicals, CJK symbols and punctuation
                         // (U+303F, the half fill space, is narrow)
    {0x3041, 0x33FF},    // Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, CJK
                         // strokes, enclosed CJK letters, CJK compatibility
    {0x3400, 0x4DBF},    // CJK unified ideographs extension A
    {0x4E00, 0x9FFF},    // CJK unified ideographs
    {0xA000, 0xA4CF},    // Yi
    {0xA960, 0xA97F},    // Hangul Jamo extended A
    {0xAC00, 0xD7A3},    // Hangul syllables
    {0xF900, 0xFAFF},    // CJK compatibility ideographs
    {0xFE10, 0xFE19},    // vertical forms
    {0xFE30, 0xFE6F},    // CJK compatibility forms, small form variants
    {0xFF00, 0xFF60},    // fullwidth ASCII variants
    {0xFFE0, 0xFFE6},    // fullwidth signs
    {0x1F300, 0x1F64F},  // pictographs, emoticons
    {0x1F900, 0x1F9FF},  // supplemental symbols and pictographs
    {0x20000, 0x2FFFD},  // CJK unified ideographs extensions B-F, compatibility supplement
    {0x30000, 0x3FFFD},  // CJK unified ideographs extensions G-H
};

bool InRanges(char32_t code_point, std::span<const CodePointRange> ranges) {
  // The last range starting at or before `code_point` is the only one that can hold it.
  const auto after = std::upper_bound(
      ranges.begin(), ranges.end(), code_point,
      [](char32_t value, const CodePointRange& range) { return value < range.first; });
  return after != ranges.begin() && code_point <= std::prev(after)->last;
}

int CodePointWidth(char32_t code_point) {
  if (InRanges(code_point, kZeroWidth)) return 0;
  if (InRanges(code_point, kWide)) return 2;
  return 1;
}

// Decodes the code point at text[pos] and advances `pos` past it. An invalid or truncated
// sequence yields U+FFFD and advances by one byte, so each bad byte counts as one column.
char32_t NextCodePoint(std::string_view text, size_t& pos) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  size_t length = 1;
  char32_t code_point = lead;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
  } else if (lead >= 0x80) {
    ++pos;
    return U'\uFFFD';
  }
  if (pos + length > text.size()) {
    ++pos;
    return U'\uFFFD';
  }
  for (size_t i = 1; i < length; ++i) {
    const auto next = static_cast<unsigned char>(text[pos + i]);
    if ((next & 0xC0) != 0x80) {
      ++pos;
      return U'\uFFFD';
    }
    code_point = (code_point << 6) | (next & 0x3F);
  }
  pos += length;
  return code_point;
}

// Line breaks and tabs would break the grid; everything else is shown as given.
std::string FlattenCell(std::string cell) {
  std::replace_if(
      cell.begin(), cell.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return cell;
}

std::vector<std::string> FlattenCells(std::vector<std::string> cells) {
  for (std::string& cell : cells) cell = FlattenCell(std::move(cell));
  return cells;
}

void AppendLine(std::string line, std::string& out) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out += line;
  out += '\n';
}

}  // namespace

int DisplayWidth(std::string_view utf8) {
  int width = 0;
  for (size_t pos = 0; pos < utf8.size();) width += CodePointWidth(NextCodePoint(utf8, pos));
  return width;
}

TextTable::TextTable(std::vector<std::string> header)
    : header_(FlattenCells(std::move(header))), align_right_(header_.size(), false) {
  PODIUM_CHECK(!header_.empty());
}

void TextTable::SetAlignRight(int column) {
  PODIUM_CHECK(column >= 0 && static_cast<size_t>(column) < header_.size());
  align_right_[column] = true;
}

void TextTable::AddRow(std::vector<std::string> cells) {
  PODIUM_CHECK(cells.size() <= header_.size());
  cells.resize(header_.size());
  rows_.push_back(FlattenCells(std::move(cells)));
}

std::string TextTable::Render() const {
  std::vector<int> widths(header_.size(), 0);
  const auto widen = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i)
      widths[i] = std::max(widths[i], DisplayWidth(cells[i]));
  };
  widen(header_);
  for (const std::vector<std::string>& row : rows_) widen(row);

  std::string out;
  const auto append_cells = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += "  ";
      const std::string padding(widths[i] - DisplayWidth(cells[i]), ' ');
      line += align_right_[i] ? padding + cells[i] : cells[i] + padding;
    }
    AppendLine(std::move(line), out);
  };
  append_cells(header_);
  std::string separator;
  for (size_t i = 0; i < widths.size(); ++i) {
    if (i > 0) separator += "  ";
    separator.append(widths[i], '-');
  }
  AppendLine(std::move(separator), out);
  for (const std::vector<std::string>& row : rows_) append_cells(row);
  return out;
}

}  // namespace podium::cli
