// Text encodings of roster files: detection, validation and conversion to UTF-8.
// Excel saves Chinese "CSV (逗号分隔)" as GBK, its "CSV UTF-8" with a BOM, and other
// tools write plain UTF-8; everything past this point works on UTF-8 only.
#ifndef PODIUM_SERVER_DEFINITION_ENCODING_H_
#define PODIUM_SERVER_DEFINITION_ENCODING_H_

#include <string>
#include <string_view>

#include "podium/status.h"

namespace podium::definition {

enum class Encoding {
  kAuto,  // a UTF-8 BOM or valid UTF-8 means UTF-8, anything else GB18030
  kUtf8,
  kGb18030,  // also reads GBK and GB2312, which are subsets
};

// Parses `rosters.encoding` / `--encoding`: "auto", "utf-8" or "utf8", "gb18030", "gbk" or
// "gb2312", in any letter case.
// Errors: kInvalidArgument naming `name` and the allowed values.
StatusOr<Encoding> ParseEncoding(std::string_view name);

// True if `bytes` is well-formed UTF-8: shortest-form sequences only, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF.
bool IsValidUtf8(std::string_view bytes);

// Returns the text of a file's `bytes` as UTF-8, without a leading byte order mark.
// `file_name` is used only in error messages, which start with "FILE line N: ".
// Errors: kInvalidArgument
//   - for kUtf8 (or kAuto with a UTF-8 BOM): the bytes are not valid UTF-8; the message gives
//     the line and byte offset of the first invalid sequence and suggests --encoding gb18030;
//   - for kGb18030: the bytes are not valid GB18030; the message gives the line;
//   - for kAuto without a BOM: the bytes are neither valid UTF-8 nor valid GB18030;
//   - in every mode: the bytes start with a UTF-16 byte order mark.
// kInternal if the C library has no GB18030 converter.
StatusOr<std::string> DecodeToUtf8(std::string_view bytes, Encoding encoding,
                                   std::string_view file_name);

}  // namespace podium::definition

#endif  // PODIUM_SERVER_DEFINITION_ENCODING_H_
