// QR codes for access links, so a tablet logs in by scanning instead of
// typing a 40-character token (libqrencode does the encoding).
#ifndef PODIUM_SERVER_CLI_QR_H_
#define PODIUM_SERVER_CLI_QR_H_

#include <string>
#include <string_view>
#include <vector>

#include "podium/status.h"

namespace podium::cli {

// A QR code's modules, row-major, true for dark; no quiet zone.
struct QrCode {
  int size = 0;
  std::vector<bool> dark;

  bool at(int row, int column) const { return dark[static_cast<size_t>(row) * size + column]; }
};

// Byte mode, error correction level M (a scratched print still scans).
// Errors: kInvalidArgument if the text is too long for any QR version.
StatusOr<QrCode> EncodeQr(std::string_view text);

// For a terminal: two module rows per line with half blocks, black on white
// forced by ANSI colours (dark terminals would invert it), 2-module quiet zone.
std::string QrForTerminal(const QrCode& code);

// An SVG image, `module_px` pixels a module, with a 4-module quiet zone.
std::string QrSvg(const QrCode& code, int module_px);

}  // namespace podium::cli

#endif  // PODIUM_SERVER_CLI_QR_H_
