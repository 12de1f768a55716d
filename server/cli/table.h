// Plain-text tables for the terminal whose columns stay aligned when cells hold Chinese,
// Japanese or Korean text, which terminals draw two columns wide.
#ifndef PODIUM_SERVER_CLI_TABLE_H_
#define PODIUM_SERVER_CLI_TABLE_H_

#include <string>
#include <string_view>
#include <vector>

namespace podium::cli {

// The number of terminal columns `utf8` occupies: 2 for East Asian Wide and Fullwidth
// characters (CJK ideographs, CJK punctuation, fullwidth forms, Hangul, kana, ...), 0 for
// combining marks, zero-width and control characters, 1 for everything else, including
// each byte of an invalid UTF-8 sequence.
int DisplayWidth(std::string_view utf8);

// A table of text cells rendered as
//   header
//   ------
//   rows
// with columns separated by two spaces, padded to the widest cell by display width, left-
// aligned unless set otherwise, and no trailing spaces. Line breaks and tabs inside cells are
// shown as spaces so that each row stays on one line. Not thread-safe.
class TextTable final {
 public:
  // Precondition (CHECKed): `header` is not empty.
  explicit TextTable(std::vector<std::string> header);

  // Right-aligns `column` (0-based), header included; meant for numbers.
  // Precondition (CHECKed): 0 <= column < the number of header cells.
  void SetAlignRight(int column);

  // Appends a row; missing trailing cells are empty.
  // Precondition (CHECKed): no more cells than the header.
  void AddRow(std::vector<std::string> cells);

  // The table, each line ended by '\n'.
  std::string Render() const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> align_right_;               // per column
  std::vector<std::vector<std::string>> rows_;  // each as wide as the header
};

}  // namespace podium::cli

#endif  // PODIUM_SERVER_CLI_TABLE_H_
