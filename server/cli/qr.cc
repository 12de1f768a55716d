#include "server/cli/qr.h"

#include <qrencode.h>

#include <memory>

namespace podium::cli {

StatusOr<QrCode> EncodeQr(std::string_view text) {
  const std::string owned(text);
  std::unique_ptr<QRcode, decltype(&QRcode_free)> encoded(
      QRcode_encodeData(static_cast<int>(owned.size()),
                        reinterpret_cast<const unsigned char*>(owned.data()), 0, QR_ECLEVEL_M),
      &QRcode_free);
  if (encoded == nullptr) {
    return InvalidArgumentError("cannot make a QR code of " + std::to_string(text.size()) +
                                " bytes (too long?)");
  }
  QrCode code;
  code.size = encoded->width;
  code.dark.resize(static_cast<size_t>(code.size) * code.size);
  for (size_t i = 0; i < code.dark.size(); ++i) code.dark[i] = (encoded->data[i] & 1) != 0;
  return code;
}

std::string QrForTerminal(const QrCode& code) {
  constexpr int kQuiet = 2;
  const int span = code.size + 2 * kQuiet;
  auto dark = [&](int row, int column) {
    row -= kQuiet;
    column -= kQuiet;
    return row >= 0 && column >= 0 && row < code.size && column < code.size && code.at(row, column);
  };
  std::string out;
  for (int row = 0; row < span; row += 2) {
    out += "\x1b[30;47m";
    for (int column = 0; column < span; ++column) {
      const bool top = dark(row, column);
      const bool bottom = row + 1 < span && dark(row + 1, column);
      out += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    out += "\x1b[0m\n";
  }
  return out;
}

std::string QrSvg(const QrCode& code, int module_px) {
  constexpr int kQuiet = 4;
  const int span = code.size + 2 * kQuiet;
  std::string path;
  for (int row = 0; row < code.size; ++row) {
    for (int column = 0; column < code.size; ++column) {
      if (!code.at(row, column)) continue;
      path +=
          "M" + std::to_string(column + kQuiet) + " " + std::to_string(row + kQuiet) + "h1v1h-1z";
    }
  }
  const std::string px = std::to_string(span * module_px);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px + "\" height=\"" + px +
         "\" viewBox=\"0 0 " + std::to_string(span) + " " + std::to_string(span) +
         "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
         "fill=\"#fff\"/><path fill=\"#000\" d=\"" +
         path + "\"/></svg>";
}

}  // namespace podium::cli
