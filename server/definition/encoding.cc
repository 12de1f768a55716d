#include "server/definition/encoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "podium/status.h"

namespace podium::definition {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// Returns the length of the well-formed UTF-8 sequence starting at bytes[pos], or 0 if there is
// none. The byte ranges are those of the Unicode Standard, table 3-7; they exclude overlong
// forms, surrogates and code points above U+10FFFF.
size_t Utf8SequenceLength(std::string_view bytes, size_t pos) {
  // 0x100 stands for "past the end" and is outside every range below.
  const auto byte_at = [&](size_t i) -> unsigned {
    return pos + i < bytes.size() ? static_cast<unsigned char>(bytes[pos + i]) : 0x100;
  };
  const auto in = [](unsigned b, unsigned lo, unsigned hi) { return lo <= b && b <= hi; };
  const unsigned lead = byte_at(0);
  if (lead < 0x80) return 1;
  size_t length = 0;
  unsigned second_lo = 0x80;
  unsigned second_hi = 0xBF;
  if (in(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (in(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0) second_lo = 0xA0;  // below is overlong
    if (lead == 0xED) second_hi = 0x9F;  // above are surrogates
  } else if (in(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0) second_lo = 0x90;  // below is overlong
    if (lead == 0xF4) second_hi = 0x8F;  // above is past U+10FFFF
  } else {
    return 0;
  }
  if (!in(byte_at(1), second_lo, second_hi)) return 0;
  for (size_t i = 2; i < length; ++i) {
    if (!in(byte_at(i), 0x80, 0xBF)) return 0;
  }
  return length;
}

// Returns the byte offset of the first ill-formed UTF-8 sequence, if any.
std::optional<size_t> FindInvalidUtf8(std::string_view bytes) {
  for (size_t pos = 0; pos < bytes.size();) {
    const size_t length = Utf8SequenceLength(bytes, pos);
    if (length == 0) return pos;
    pos += length;
  }
  return std::nullopt;
}

// 1-based line of `offset`. Valid for UTF-8 and GB18030 alike: in both, byte 0x0A only ever
// encodes a line feed, never part of a multibyte character.
int LineAt(std::string_view bytes, size_t offset) {
  return 1 + static_cast<int>(std::count(bytes.begin(), bytes.begin() + offset, '\n'));
}

std::string Where(std::string_view file_name, std::string_view bytes, size_t offset) {
  return std::string(file_name) + " line " + std::to_string(LineAt(bytes, offset)) + ": ";
}

// "0xD0": names the offending byte so that it can be found in a hex viewer.
std::string HexByte(char byte) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  const auto value = static_cast<unsigned char>(byte);
  return std::string("0x") + kDigits[value >> 4] + kDigits[value & 0xF];
}

// Strict UTF-8: the bytes after any BOM, validated.
StatusOr<std::string> DecodeUtf8(std::string_view bytes, std::string_view file_name) {
  const size_t start = bytes.starts_with(kUtf8Bom) ? kUtf8Bom.size() : 0;
  const std::string_view text = bytes.substr(start);
  if (const std::optional<size_t> invalid = FindInvalidUtf8(text)) {
    const size_t offset = start + *invalid;
    return InvalidArgumentError(Where(file_name, bytes, offset) + "not valid UTF-8 (byte " +
                                HexByte(bytes[offset]) + " at byte offset " +
                                std::to_string(offset) +
                                "); if the file was saved as GBK/GB18030 (Excel \"CSV "
                                "(逗号分隔)\"), use --encoding gb18030");
  }
  return std::string(text);
}

// The result of converting GB18030 bytes: the UTF-8 text, or where conversion stopped.
struct Gb18030Conversion {
  std::string utf8;
  std::optional<size_t> invalid_at;  // offset of the first invalid or truncated sequence
};

StatusOr<Gb18030Conversion> ConvertGb18030(std::string_view bytes) {
  const iconv_t handle = iconv_open("UTF-8", "GB18030");
  // iconv_open(3) reports failure as (iconv_t)-1.
  if (handle == reinterpret_cast<iconv_t>(-1)) {  // NOLINT(performance-no-int-to-ptr)
    return InternalError(std::string("iconv cannot convert GB18030 to UTF-8: ") +
                         std::strerror(errno));
  }
  const std::unique_ptr<void, int (*)(iconv_t)> closer(handle, &iconv_close);

  Gb18030Conversion result;
  std::string& out = result.utf8;
  // A GB18030 sequence of 1, 2 or 4 bytes becomes at most 1, 3 or 4 bytes of UTF-8, so this
  // usually suffices; E2BIG below grows it otherwise.
  out.resize(bytes.size() + bytes.size() / 2 + 16);
  // iconv(3) takes `char**` for the input but never writes through it.
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  size_t out_used = 0;
  while (in_left > 0) {
    char* out_next = out.data() + out_used;
    size_t out_left = out.size() - out_used;
    const size_t converted = iconv(handle, &in, &in_left, &out_next, &out_left);
    out_used = static_cast<size_t>(out_next - out.data());
    if (converted != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    // EILSEQ: an invalid sequence; EINVAL: a sequence cut off by the end of the file.
    result.invalid_at = bytes.size() - in_left;
    return result;
  }
  // GB18030 is stateless, so there is no shift sequence to flush.
  out.resize(out_used);
  // GB18030 encodes a byte order mark as U+FEFF, which iconv passes through.
  if (out.starts_with(kUtf8Bom)) out.erase(0, kUtf8Bom.size());
  return result;
}

StatusOr<std::string> DecodeGb18030(std::string_view bytes, std::string_view file_name) {
  PODIUM_ASSIGN_OR_RETURN(Gb18030Conversion conversion, ConvertGb18030(bytes));
  if (conversion.invalid_at) {
    const size_t offset = *conversion.invalid_at;
    return InvalidArgumentError(Where(file_name, bytes, offset) + "not valid GB18030 (byte " +
                                HexByte(bytes[offset]) + " at byte offset " +
                                std::to_string(offset) + ")");
  }
  return std::move(conversion.utf8);
}

StatusOr<std::string> DecodeAuto(std::string_view bytes, std::string_view file_name) {
  // A BOM is an explicit claim of UTF-8, so it is held to it rather than second-guessed.
  if (bytes.starts_with(kUtf8Bom)) return DecodeUtf8(bytes, file_name);
  const std::optional<size_t> invalid_utf8 = FindInvalidUtf8(bytes);
  if (!invalid_utf8) return std::string(bytes);
  // Not UTF-8, so most likely Excel's GBK. Multibyte GBK text is almost never valid UTF-8 by
  // accident, which makes this order reliable.
  PODIUM_ASSIGN_OR_RETURN(Gb18030Conversion conversion, ConvertGb18030(bytes));
  if (!conversion.invalid_at) return std::move(conversion.utf8);
  // Whichever reading got further is the likelier encoding; lead with its failure.
  const size_t utf8_at = *invalid_utf8;
  const size_t gb18030_at = *conversion.invalid_at;
  const auto describe = [&](size_t offset) {
    return "line " + std::to_string(LineAt(bytes, offset)) + ", byte offset " +
           std::to_string(offset);
  };
  return InvalidArgumentError(Where(file_name, bytes, std::max(utf8_at, gb18030_at)) +
                              "neither valid UTF-8 nor GB18030 (UTF-8 fails at " +
                              describe(utf8_at) + "; GB18030 at " + describe(gb18030_at) + ")");
}

}  // namespace

StatusOr<Encoding> ParseEncoding(std::string_view name) {
  const std::string lower = AsciiLower(name);
  if (lower == "auto") return Encoding::kAuto;
  if (lower == "utf-8" || lower == "utf8") return Encoding::kUtf8;
  if (lower == "gb18030" || lower == "gbk" || lower == "gb2312") return Encoding::kGb18030;
  return InvalidArgumentError("unknown encoding '" + std::string(name) +
                              "'; allowed: auto, utf-8 (utf8), gb18030 (gbk, gb2312)");
}

bool IsValidUtf8(std::string_view bytes) { return !FindInvalidUtf8(bytes).has_value(); }

StatusOr<std::string> DecodeToUtf8(std::string_view bytes, Encoding encoding,
                                   std::string_view file_name) {
  // Excel's "Unicode Text" is UTF-16; fail with its name rather than a confusing byte offset.
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    return InvalidArgumentError(std::string(file_name) +
                                " line 1: UTF-16 text is not supported; save the file as "
                                "\"CSV UTF-8\" or GB18030");
  }
  switch (encoding) {
    case Encoding::kAuto:
      return DecodeAuto(bytes, file_name);
    case Encoding::kUtf8:
      return DecodeUtf8(bytes, file_name);
    case Encoding::kGb18030:
      return DecodeGb18030(bytes, file_name);
  }
  PODIUM_CHECK(false);  // every enumerator is handled above
  return InternalError("unreachable");
}

}  // namespace podium::definition
