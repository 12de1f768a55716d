#include "server/definition/xlsx.h"

#include <expat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "podium/check.h"
#include "podium/status.h"
#include "server/definition/csv.h"

namespace podium::definition {
namespace {

namespace fs = std::filesystem;

// A zip bomb inflates a few kilobytes into gigabytes; no roster comes near this.
constexpr zip_uint64_t kMaxPartBytes = zip_uint64_t{256} << 20;
// The padded table (rows x header columns): a sparse hostile sheet (one cell in column XFD,
// then a million short rows) would otherwise cost 16384 strings per row.
constexpr size_t kMaxTableCells = 10'000'000;
// Excel's limits: rows 1 to 1048576, columns A to XFD.
constexpr int kMaxRows = 1'048'576;
constexpr int kMaxColumns = 16'384;

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

// "A" for 0, "Z" for 25, "AA" for 26.
std::string ColumnName(int column) {
  std::string name;
  for (int n = column + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

std::string CellName(int column, int row) { return ColumnName(column) + std::to_string(row); }

// "FILE row N: ".
std::string RowAt(std::string_view file, int row) {
  return std::string(file) + " row " + std::to_string(row) + ": ";
}

std::optional<int> ParseRowNumber(std::string_view text) {
  int row = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), row);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || row < 1 ||
      row > kMaxRows) {
    return std::nullopt;
  }
  return row;
}

struct CellRef {
  int column = 0;  // 0-based
  int row = 0;     // 1-based
};

// Parses an A1-style reference such as "B3" or "XFD1048576".
std::optional<CellRef> ParseCellRef(std::string_view text) {
  int column = 0;
  size_t i = 0;
  for (; i < text.size() && i < 3; ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    column = column * 26 + (c - 'A' + 1);
  }
  if (i == 0 || column > kMaxColumns) return std::nullopt;
  const std::optional<int> row = ParseRowNumber(text.substr(i));
  if (!row) return std::nullopt;
  return CellRef{.column = column - 1, .row = *row};
}

void AppendUtf8(char32_t code, std::string& out) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// The UTF-16 code unit of an "_xHHHH_" escape at `text[pos]`, if there is one.
std::optional<char16_t> EscapeAt(std::string_view text, size_t pos) {
  if (text.size() - pos < 7 || text.compare(pos, 2, "_x") != 0 || text[pos + 6] != '_') {
    return std::nullopt;
  }
  unsigned unit = 0;
  const char* first = text.data() + pos + 2;
  const auto [end, error] = std::from_chars(first, first + 4, unit, 16);
  if (error != std::errc() || end != first + 4) return std::nullopt;
  return static_cast<char16_t>(unit);
}

// Excel writes characters that XML cannot hold (a carriage return, control characters) as
// "_xHHHH_", the UTF-16 code unit in hex, and a literal "_x" as "_x005F_x".
std::string DecodeEscapes(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    const std::optional<char16_t> unit = EscapeAt(text, pos);
    if (!unit) {
      out += text[pos++];
      continue;
    }
    pos += 7;
    char32_t code = *unit;
    if (code >= 0xD800 && code <= 0xDBFF) {
      const std::optional<char16_t> low = EscapeAt(text, pos);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        code = 0x10000 + ((code - 0xD800) << 10) + (*low - 0xDC00);
        pos += 7;
      }
    }
    if (code >= 0xD800 && code <= 0xDFFF) code = 0xFFFD;  // an unpaired surrogate
    AppendUtf8(code, out);
  }
  return out;
}

// ParseCsv turns every line break inside a cell into "\n"; so does this.
std::string NormalizeLineBreaks(std::string text) {
  if (text.find('\r') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out += text[i];
    } else if (i + 1 == text.size() || text[i + 1] != '\n') {
      out += '\n';
    }
  }
  return out;
}

// The shortest text that reads back as `value`, in plain notation for the magnitudes people
// type, as JavaScript prints numbers: "77" (not "77.0" or "7.7e+01"), "12.5", "0.1", "1e+21".
std::string FormatNumber(double value) {
  if (value == 0) return "0";  // also for -0
  char buffer[64];
  const double magnitude = std::fabs(value);
  const std::to_chars_result result =
      magnitude >= 1e-6 && magnitude < 1e21
          ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
          : std::to_chars(buffer, buffer + sizeof buffer, value);
  PODIUM_CHECK(result.ec == std::errc());  // 64 bytes hold any shortest double in these forms
  return std::string(buffer, result.ptr);
}

std::optional<double> ParseNumber(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Element and attribute names without their prefix: writers differ in prefixes ("x:row" or
// "row"), never in local names.
std::string_view LocalName(std::string_view name) {
  const size_t colon = name.rfind(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

// The value of the attribute whose local name is `local_name`, if present.
std::optional<std::string_view> Attribute(const XML_Char** attributes,
                                          std::string_view local_name) {
  for (; *attributes != nullptr; attributes += 2) {
    const std::string_view name = attributes[0];
    if (name == "xmlns" || name.starts_with("xmlns:")) continue;  // "xmlns:r" is no "r"
    if (LocalName(name) == local_name) return attributes[1];
  }
  return std::nullopt;
}

// Receives the events of one XML part. A Status other than OK stops the parse and becomes
// its result.
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual Status Start(std::string_view name, const XML_Char** attributes) = 0;
  virtual Status End(std::string_view name) { return OkStatus(); }
  // Character data, possibly in several pieces.
  virtual void Text(std::string_view text) {}
};

// The expat callbacks' shared state for one parse.
struct ParseState {
  XML_Parser parser = nullptr;
  XmlHandler* handler = nullptr;
  std::string_view where;  // "FILE: PART"
  Status status;           // the first failure
};

void Fail(ParseState& state, Status status) {
  if (state.status.ok()) state.status = std::move(status);
  XML_StopParser(state.parser, XML_FALSE);
}

void XMLCALL OnStart(void* data, const XML_Char* name, const XML_Char** attributes) {
  ParseState& state = *static_cast<ParseState*>(data);
  if (!state.status.ok()) return;  // expat may still deliver events after XML_StopParser
  Status status = state.handler->Start(LocalName(name), attributes);
  if (!status.ok()) Fail(state, std::move(status));
}

void XMLCALL OnEnd(void* data, const XML_Char* name) {
  ParseState& state = *static_cast<ParseState*>(data);
  if (!state.status.ok()) return;
  Status status = state.handler->End(LocalName(name));
  if (!status.ok()) Fail(state, std::move(status));
}

void XMLCALL OnText(void* data, const XML_Char* text, int length) {
  ParseState& state = *static_cast<ParseState*>(data);
  if (state.status.ok()) state.handler->Text(std::string_view(text, length));
}

// Parts never have a DTD; refusing one rules out entity expansion attacks altogether.
void XMLCALL OnDoctype(void* data, const XML_Char* /*name*/, const XML_Char* /*system_id*/,
                       const XML_Char* /*public_id*/, int /*has_internal_subset*/) {
  ParseState& state = *static_cast<ParseState*>(data);
  Fail(state, InvalidArgumentError(std::string(state.where) +
                                   " has a DTD (<!DOCTYPE>), which workbook parts never have"));
}

struct ZipDiscarder {
  void operator()(zip_t* zip) const { zip_discard(zip); }  // read-only: nothing to write back
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
struct XmlParserFreer {
  void operator()(XML_Parser parser) const { XML_ParserFree(parser); }
};

std::string ZipErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

// An .xlsx file opened for reading: a zip archive of XML parts. Owns the archive; movable,
// not copyable; not thread-safe.
class Package final {
 public:
  // Errors: as ReadXlsxFile's for a missing, unreadable or non-zip file.
  static StatusOr<Package> Open(const fs::path& path, std::string file) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (status.type() == fs::file_type::not_found) {
      return NotFoundError(path.string() + ": no such file");
    }
    if (error) return FailedPreconditionError(path.string() + ": " + error.message());
    if (!fs::is_regular_file(status)) {
      return FailedPreconditionError(path.string() + ": not a regular file");
    }
    int code = ZIP_ER_OK;
    zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (zip == nullptr) {
      if (code == ZIP_ER_OPEN || code == ZIP_ER_READ) {
        return FailedPreconditionError(path.string() + ": cannot read: " + ZipErrorText(code));
      }
      if (code == ZIP_ER_NOZIP) {
        // An .xls workbook, and an encrypted .xlsx, are OLE compound files, not zip archives.
        return InvalidArgumentError(file +
                                    ": not an XLSX workbook (not a zip archive; .xls and "
                                    "password-protected workbooks cannot be read)");
      }
      return InvalidArgumentError(
          file + ": not an XLSX workbook (a damaged zip archive: " + ZipErrorText(code) + ")");
    }
    return Package(std::unique_ptr<zip_t, ZipDiscarder>(zip), std::move(file));
  }

  // Whether the archive holds `part` (compared ignoring case, as part names are).
  bool Has(const std::string& part) const { return Locate(part).has_value(); }

  // Streams `part` through `handler`.
  // Errors: kInvalidArgument "FILE: not an XLSX workbook (no PART)" if it is missing, or for
  // a damaged entry; kInvalidArgument if it is larger than kMaxPartBytes, is not well-formed
  // XML or has a DTD; whatever `handler` returns.
  Status Parse(const std::string& part, XmlHandler& handler) const {
    const std::optional<zip_uint64_t> index = Locate(part);
    if (!index) return NotWorkbook("no " + part);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(zip_.get(), *index, 0, &stat) != 0) {
      return NotWorkbook("cannot read " + part + ": " + zip_strerror(zip_.get()));
    }
    if ((stat.valid & ZIP_STAT_SIZE) != 0 && stat.size > kMaxPartBytes) return TooLarge(part);
    const std::unique_ptr<zip_file_t, ZipFileCloser> entry(zip_fopen_index(zip_.get(), *index, 0));
    if (entry == nullptr) {
      return NotWorkbook("cannot read " + part + ": " + zip_strerror(zip_.get()));
    }

    const std::unique_ptr<XML_ParserStruct, XmlParserFreer> parser(XML_ParserCreate(nullptr));
    PODIUM_CHECK(parser != nullptr);  // fails only when out of memory
    const std::string where = file_ + ": " + part;
    ParseState state{.parser = parser.get(), .handler = &handler, .where = where, .status = {}};
    XML_SetUserData(parser.get(), &state);
    XML_SetElementHandler(parser.get(), OnStart, OnEnd);
    XML_SetCharacterDataHandler(parser.get(), OnText);
    XML_SetStartDoctypeDeclHandler(parser.get(), OnDoctype);

    char buffer[1 << 16];
    zip_uint64_t total = 0;
    while (true) {
      const zip_int64_t count = zip_fread(entry.get(), buffer, sizeof buffer);
      if (count < 0) {
        return NotWorkbook("cannot read " + part + ": " +
                           zip_error_strerror(zip_file_get_error(entry.get())));
      }
      // The stated size may lie; count what actually inflates.
      total += static_cast<zip_uint64_t>(count);
      if (total > kMaxPartBytes) return TooLarge(part);
      const bool last = count == 0;
      if (XML_Parse(parser.get(), buffer, static_cast<int>(count), last) != XML_STATUS_OK) {
        if (!state.status.ok()) return state.status;
        return InvalidArgumentError(
            where + " line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) +
            ": malformed XML: " + XML_ErrorString(XML_GetErrorCode(parser.get())));
      }
      if (last) return state.status;
    }
  }

  // "FILE: not an XLSX workbook (WHY)".
  Status NotWorkbook(const std::string& why) const {
    return InvalidArgumentError(file_ + ": not an XLSX workbook (" + why + ")");
  }

 private:
  Package(std::unique_ptr<zip_t, ZipDiscarder> zip, std::string file)
      : zip_(std::move(zip)), file_(std::move(file)) {}

  std::optional<zip_uint64_t> Locate(const std::string& part) const {
    const zip_int64_t index = zip_name_locate(zip_.get(), part.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return std::nullopt;
    return static_cast<zip_uint64_t>(index);
  }

  Status TooLarge(const std::string& part) const {
    return InvalidArgumentError(file_ + ": " + part + " is larger than " +
                                std::to_string(kMaxPartBytes >> 20) +
                                " MB uncompressed; refusing to read it");
  }

  std::unique_ptr<zip_t, ZipDiscarder> zip_;
  std::string file_;  // for messages
};

struct Relationship {
  std::string id;
  std::string type;  // a URI; its last segment says what the target is, e.g. ".../worksheet"
  std::string target;
};

// Collects the <Relationship> elements of a .rels part.
class RelationshipsHandler final : public XmlHandler {
 public:
  Status Start(std::string_view name, const XML_Char** attributes) override {
    if (name != "Relationship") return OkStatus();
    if (Attribute(attributes, "TargetMode").value_or("Internal") != "Internal") return OkStatus();
    relationships_.push_back({.id = std::string(Attribute(attributes, "Id").value_or("")),
                              .type = std::string(Attribute(attributes, "Type").value_or("")),
                              .target = std::string(Attribute(attributes, "Target").value_or(""))});
    return OkStatus();
  }

  const std::vector<Relationship>& relationships() const { return relationships_; }

  // The first relationship whose type ends in "/`kind`" (transitional and strict OOXML
  // differ only in the type's prefix).
  const Relationship* FindType(std::string_view kind) const {
    for (const Relationship& relationship : relationships_) {
      const std::string_view type = relationship.type;
      if (type.size() > kind.size() && type.ends_with(kind) &&
          type[type.size() - kind.size() - 1] == '/') {
        return &relationship;
      }
    }
    return nullptr;
  }

 private:
  std::vector<Relationship> relationships_;
};

// The folder of a part name, with its trailing '/': "xl/" for "xl/workbook.xml".
std::string_view Folder(std::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : part.substr(0, slash + 1);
}

// The relationships part of `part`: "xl/_rels/workbook.xml.rels"; "_rels/.rels" for the
// package ("").
std::string RelationshipsOf(std::string_view part) {
  const std::string_view folder = Folder(part);
  return std::string(folder) + "_rels/" + std::string(part.substr(folder.size())) + ".rels";
}

// The part a relationship of `source` points to: `target` is relative to the source's folder
// unless it starts with '/'. Nullopt if ".." leaves the package or no part is named.
std::optional<std::string> ResolveTarget(std::string_view source, std::string_view target) {
  std::string joined;
  if (target.starts_with('/')) {
    joined = target.substr(1);
  } else {
    joined = std::string(Folder(source)) + std::string(target);
  }
  std::vector<std::string_view> segments;
  std::string_view rest = joined;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (segments.empty()) return std::nullopt;
      segments.pop_back();
      continue;
    }
    segments.push_back(segment);
  }
  if (segments.empty()) return std::nullopt;
  std::string resolved;
  for (const std::string_view segment : segments) {
    if (!resolved.empty()) resolved += '/';
    resolved += segment;
  }
  return resolved;
}

// Collects the <sheet> elements of the workbook part, in tab order.
class WorkbookHandler final : public XmlHandler {
 public:
  struct Sheet {
    std::string name;
    std::string relationship_id;
  };

  Status Start(std::string_view name, const XML_Char** attributes) override {
    if (name == "sheet") {
      sheets_.push_back({.name = std::string(Attribute(attributes, "name").value_or("")),
                         .relationship_id = std::string(Attribute(attributes, "id").value_or(""))});
    }
    return OkStatus();
  }

  const std::vector<Sheet>& sheets() const { return sheets_; }

 private:
  std::vector<Sheet> sheets_;
};

// The text of one <si> (shared string) or <is> (inline string): the concatenation of its
// <t> elements, rich-text runs (<r><t>) included and phonetic runs (<rPh><t>) left out.
class RichText final {
 public:
  void Start(std::string_view name) {
    if (name == "rPh") {
      ++phonetic_depth_;
    } else if (name == "t" && phonetic_depth_ == 0) {
      in_text_ = true;
      run_.clear();
    }
  }
  void End(std::string_view name) {
    if (name == "rPh" && phonetic_depth_ > 0) {
      --phonetic_depth_;
    } else if (name == "t" && in_text_) {
      text_ += DecodeEscapes(run_);
      in_text_ = false;
    }
  }
  void Text(std::string_view text) {
    if (in_text_) run_ += text;
  }

  void Clear() { *this = RichText(); }

  // Returns the text and starts over.
  std::string Take() {
    std::string text = std::move(text_);
    Clear();
    return text;
  }

 private:
  int phonetic_depth_ = 0;
  bool in_text_ = false;
  std::string run_;   // the current <t>, undecoded
  std::string text_;  // the finished runs
};

// The workbook's shared string table, packed into one buffer because a hostile part can
// hold tens of millions of tiny strings.
class SharedStrings final {
 public:
  size_t size() const { return ends_.size(); }
  std::string_view operator[](size_t index) const {
    PODIUM_CHECK(index < ends_.size());
    const size_t begin = index == 0 ? 0 : ends_[index - 1];
    return std::string_view(text_).substr(begin, ends_[index] - begin);
  }
  void Add(std::string_view text) {
    text_ += text;
    ends_.push_back(static_cast<uint32_t>(text_.size()));
  }

 private:
  // The decoded text is at most 1.5 times the part (UTF-16 to UTF-8), so offsets fit.
  static_assert(kMaxPartBytes * 3 / 2 < UINT32_MAX);
  std::string text_;
  std::vector<uint32_t> ends_;  // where each string ends in text_
};

class SharedStringsHandler final : public XmlHandler {
 public:
  explicit SharedStringsHandler(SharedStrings& strings) : strings_(strings) {}

  Status Start(std::string_view name, const XML_Char** /*attributes*/) override {
    if (name == "si") {
      in_item_ = true;
      text_.Clear();
    } else if (in_item_) {
      text_.Start(name);
    }
    return OkStatus();
  }
  Status End(std::string_view name) override {
    if (name == "si" && in_item_) {
      strings_.Add(text_.Take());
      in_item_ = false;
    } else if (in_item_) {
      text_.End(name);
    }
    return OkStatus();
  }
  void Text(std::string_view text) override { text_.Text(text); }

 private:
  SharedStrings& strings_;
  bool in_item_ = false;
  RichText text_;
};

// Turns the worksheet's rows, as they are read, into the CsvTable ParseCsv would give.
class TableBuilder final {
 public:
  explicit TableBuilder(std::string file) { table_.file = std::move(file); }

  bool empty() const { return !has_header_; }

  // Adds spreadsheet row `number` given its non-empty cells as (0-based column, text).
  // Rows must come in increasing order.
  Status AddRow(int number, std::vector<std::pair<int, std::string>> cells) {
    if (cells.empty()) return OkStatus();  // like a blank CSV line
    std::ranges::sort(cells, {}, &std::pair<int, std::string>::first);
    for (size_t i = 1; i < cells.size(); ++i) {
      if (cells[i].first == cells[i - 1].first) {
        return InvalidArgumentError(RowAt(table_.file, number) + "cell " +
                                    CellName(cells[i].first, number) + " appears twice");
      }
    }
    if (!has_header_) {
      has_header_ = true;
      table_.header_line = number;
      // Sized by the last non-empty cell, so trailing empty header cells are already dropped.
      table_.header.resize(cells.back().first + 1);
      for (auto& [column, text] : cells) table_.header[column] = std::move(text);
      return CheckHeader();
    }
    const size_t width = table_.header.size();
    if (static_cast<size_t>(cells.back().first) >= width) {
      const auto beyond = std::ranges::find_if(
          cells, [&](const auto& cell) { return static_cast<size_t>(cell.first) >= width; });
      return InvalidArgumentError(
          RowAt(table_.file, number) + "cell " + CellName(beyond->first, number) +
          " has a value but the header (row " + std::to_string(table_.header_line) + ") has " +
          std::to_string(width) + " columns, A to " + ColumnName(static_cast<int>(width) - 1));
    }
    if ((table_.rows.size() + 1) * width > kMaxTableCells) {
      return InvalidArgumentError(RowAt(table_.file, number) + "the table has more than " +
                                  std::to_string(kMaxTableCells) +
                                  " cells (rows times header columns)");
    }
    CsvRow row{.line = number, .cells = std::vector<std::string>(width)};
    for (auto& [column, text] : cells) row.cells[column] = std::move(text);
    table_.rows.push_back(std::move(row));
    return OkStatus();
  }

  // Precondition (CHECKed): !empty().
  CsvTable Finish() && {
    PODIUM_CHECK(has_header_);
    return std::move(table_);
  }

 private:
  // As ParseCsv: header names must be non-empty and distinct ignoring ASCII case.
  Status CheckHeader() const {
    std::unordered_map<std::string, size_t> first_column;  // lower-cased name -> index
    for (size_t i = 0; i < table_.header.size(); ++i) {
      std::string name = table_.header[i];
      if (name.empty()) {
        return InvalidArgumentError(RowAt(table_.file, table_.header_line) + "column " +
                                    ColumnName(static_cast<int>(i)) + " has no name in the header");
      }
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      const auto [it, inserted] = first_column.emplace(std::move(name), i);
      if (!inserted) {
        return InvalidArgumentError(RowAt(table_.file, table_.header_line) + "columns " +
                                    ColumnName(static_cast<int>(it->second)) + " and " +
                                    ColumnName(static_cast<int>(i)) + " are both named '" +
                                    table_.header[i] + "'");
      }
    }
    return OkStatus();
  }

  CsvTable table_;
  bool has_header_ = false;
};

// Reads a worksheet part's <sheetData> row by row into a TableBuilder. Cell positions come
// from their references; a row or cell without one follows the previous.
class SheetHandler final : public XmlHandler {
 public:
  SheetHandler(std::string_view file, const SharedStrings& strings, TableBuilder& table)
      : file_(file), strings_(strings), table_(table) {}

  Status Start(std::string_view name, const XML_Char** attributes) override {
    if (name == "sheetData") {
      in_sheet_data_ = true;
      return OkStatus();
    }
    if (!in_sheet_data_) return OkStatus();  // nothing outside <sheetData> holds values
    if (name == "row") {
      return StartRow(attributes);
    } else if (name == "c") {
      return StartCell(attributes);
    } else if (in_cell_ && name == "v") {
      in_value_ = true;
    } else if (in_cell_ && name == "is") {
      in_inline_ = true;
    } else if (in_inline_) {
      inline_.Start(name);
    }
    return OkStatus();
  }

  Status End(std::string_view name) override {
    if (name == "sheetData") {
      in_sheet_data_ = false;
      return OkStatus();
    }
    if (!in_sheet_data_) return OkStatus();
    if (name == "row" && in_row_) {
      in_row_ = false;
      return table_.AddRow(row_, std::exchange(cells_, {}));
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      return EndCell();
    } else if (name == "v") {
      in_value_ = false;
    } else if (name == "is") {
      in_inline_ = false;
    } else if (in_inline_) {
      inline_.End(name);
    }
    return OkStatus();
  }

  void Text(std::string_view text) override {
    if (in_value_) {
      value_ += text;
    } else if (in_inline_) {
      inline_.Text(text);
    }
  }

 private:
  Status StartRow(const XML_Char** attributes) {
    if (in_row_) {
      return InvalidArgumentError(RowAt(file_, row_) + "a row inside another row");
    }
    if (const std::optional<std::string_view> r = Attribute(attributes, "r")) {
      const std::optional<int> number = ParseRowNumber(*r);
      if (!number) {
        return InvalidArgumentError(std::string(file_) + ": row number '" + std::string(*r) +
                                    "' after row " + std::to_string(row_) +
                                    " is not a number from 1 to " + std::to_string(kMaxRows));
      }
      if (*number <= row_) {
        return InvalidArgumentError(RowAt(file_, *number) + "comes after row " +
                                    std::to_string(row_) + "; rows must be in order");
      }
      row_ = *number;
    } else {
      if (row_ == kMaxRows) {
        return InvalidArgumentError(std::string(file_) + ": a row after the last row, " +
                                    std::to_string(kMaxRows));
      }
      ++row_;
    }
    in_row_ = true;
    column_ = -1;
    return OkStatus();
  }

  Status StartCell(const XML_Char** attributes) {
    if (!in_row_) {
      return InvalidArgumentError(
          std::string(file_) + ": a cell outside any row (" +
          (row_ == 0 ? std::string("before the first row") : "after row " + std::to_string(row_)) +
          ")");
    }
    if (const std::optional<std::string_view> r = Attribute(attributes, "r")) {
      const std::optional<CellRef> ref = ParseCellRef(*r);
      if (!ref) {
        return InvalidArgumentError(RowAt(file_, row_) + "cell reference '" + std::string(*r) +
                                    "' is not a cell from A1 to " +
                                    CellName(kMaxColumns - 1, kMaxRows));
      }
      if (ref->row != row_) {
        return InvalidArgumentError(RowAt(file_, row_) + "cell " + std::string(*r) +
                                    " is inside row " + std::to_string(row_));
      }
      column_ = ref->column;
    } else {
      if (column_ + 1 == kMaxColumns) {
        return InvalidArgumentError(RowAt(file_, row_) + "a cell after the last column, " +
                                    ColumnName(kMaxColumns - 1));
      }
      ++column_;
    }
    type_ = Attribute(attributes, "t").value_or("n");
    value_.clear();
    inline_.Clear();
    in_cell_ = true;
    return OkStatus();
  }

  Status EndCell() {
    const std::string where = std::string(file_) + " row " + std::to_string(row_) + " cell " +
                              CellName(column_, row_) + ": ";
    const std::string_view value = TrimBlanks(value_);
    std::string text;
    if (type_ == "s") {
      if (!value.empty()) {
        size_t index = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), index);
        if (error != std::errc() || end != value.data() + value.size() ||
            index >= strings_.size()) {
          return InvalidArgumentError(where + "shared string " + std::string(value) +
                                      " is not one of the workbook's " +
                                      std::to_string(strings_.size()) + " shared strings");
        }
        text = strings_[index];
      }
    } else if (type_ == "inlineStr") {
      text = inline_.Take();
      if (text.empty()) text = DecodeEscapes(value_);
    } else if (type_ == "str") {  // a formula's text result
      text = DecodeEscapes(value_);
    } else if (type_ == "d") {  // an ISO 8601 date, rare: Excel stores dates as numbers
      text = value;
    } else if (type_ == "n") {
      if (!value.empty()) {
        const std::optional<double> number = ParseNumber(value);
        if (!number) {
          return InvalidArgumentError(where + "'" + std::string(value) + "' is not a number");
        }
        text = FormatNumber(*number);
      }
    } else if (type_ == "b") {
      if (value == "1") {
        text = "TRUE";
      } else if (value == "0") {
        text = "FALSE";
      } else if (!value.empty()) {
        return InvalidArgumentError(where + "boolean cell holds '" + std::string(value) +
                                    "', not 0 or 1");
      }
    } else if (type_ == "e") {
      return InvalidArgumentError(where + "the cell holds an Excel error" +
                                  (value.empty() ? "" : " " + std::string(value)));
    } else {
      return InvalidArgumentError(where + "unknown cell type '" + type_ + "'");
    }
    text = std::string(TrimBlanks(NormalizeLineBreaks(std::move(text))));
    if (!text.empty()) cells_.emplace_back(column_, std::move(text));
    return OkStatus();
  }

  std::string_view file_;
  const SharedStrings& strings_;
  TableBuilder& table_;

  bool in_sheet_data_ = false;
  bool in_row_ = false;
  bool in_cell_ = false;
  bool in_value_ = false;
  bool in_inline_ = false;
  int row_ = 0;      // the current (or last) row number; 0 before the first
  int column_ = -1;  // the current (or last) cell's column in the row; -1 before the first
  std::string type_;
  std::string value_;                               // the current cell's <v>
  RichText inline_;                                 // the current cell's <is>
  std::vector<std::pair<int, std::string>> cells_;  // the current row's non-empty cells
};

// Where the worksheet to read and the shared strings are.
struct WorkbookParts {
  std::string sheet_name;
  std::string worksheet;
  std::optional<std::string> shared_strings;
};

// The workbook part named by the package relationships; "xl/workbook.xml", where Excel puts
// it, if they do not name one.
StatusOr<std::string> FindWorkbook(const Package& package) {
  const std::string root_relationships = RelationshipsOf("");
  if (!package.Has(root_relationships)) return std::string("xl/workbook.xml");
  RelationshipsHandler relationships;
  PODIUM_RETURN_IF_ERROR(package.Parse(root_relationships, relationships));
  const Relationship* document = relationships.FindType("officeDocument");
  if (document == nullptr) return std::string("xl/workbook.xml");
  std::optional<std::string> workbook = ResolveTarget("", document->target);
  if (!workbook) {
    return package.NotWorkbook(root_relationships +
                               " points outside the package: " + document->target);
  }
  return *std::move(workbook);
}

// The first worksheet (chart sheets are skipped) and the shared strings of `workbook`.
StatusOr<WorkbookParts> FindParts(const Package& package, const std::string& workbook) {
  WorkbookHandler sheets;
  PODIUM_RETURN_IF_ERROR(package.Parse(workbook, sheets));
  const std::string relationships_part = RelationshipsOf(workbook);
  RelationshipsHandler relationships;
  PODIUM_RETURN_IF_ERROR(package.Parse(relationships_part, relationships));

  WorkbookParts parts;
  for (const WorkbookHandler::Sheet& sheet : sheets.sheets()) {
    const auto it =
        std::ranges::find(relationships.relationships(), sheet.relationship_id, &Relationship::id);
    if (it == relationships.relationships().end()) {
      return package.NotWorkbook(relationships_part + " has no relationship '" +
                                 sheet.relationship_id + "' for sheet '" + sheet.name + "'");
    }
    const std::string_view type = it->type;
    if (!type.ends_with("/worksheet")) continue;
    std::optional<std::string> worksheet = ResolveTarget(workbook, it->target);
    if (!worksheet) {
      return package.NotWorkbook(relationships_part + " points outside the package: " + it->target);
    }
    parts.sheet_name = sheet.name;
    parts.worksheet = *std::move(worksheet);
    break;
  }
  if (parts.worksheet.empty()) return package.NotWorkbook(workbook + " lists no worksheet");

  if (const Relationship* strings = relationships.FindType("sharedStrings")) {
    parts.shared_strings = ResolveTarget(workbook, strings->target);
    if (!parts.shared_strings) {
      return package.NotWorkbook(relationships_part +
                                 " points outside the package: " + strings->target);
    }
  } else if (const std::string guess = std::string(Folder(workbook)) + "sharedStrings.xml";
             package.Has(guess)) {
    parts.shared_strings = guess;  // not linked, but where every writer puts it
  }
  return parts;
}

}  // namespace

StatusOr<CsvTable> ReadXlsxFile(const std::filesystem::path& path) {
  const std::string file = path.filename().string();
  PODIUM_ASSIGN_OR_RETURN(const Package package, Package::Open(path, file));
  PODIUM_ASSIGN_OR_RETURN(const std::string workbook, FindWorkbook(package));
  PODIUM_ASSIGN_OR_RETURN(const WorkbookParts parts, FindParts(package, workbook));

  SharedStrings strings;
  if (parts.shared_strings) {
    SharedStringsHandler handler(strings);
    PODIUM_RETURN_IF_ERROR(package.Parse(*parts.shared_strings, handler));
  }
  TableBuilder table(file);
  SheetHandler sheet(file, strings, table);
  PODIUM_RETURN_IF_ERROR(package.Parse(parts.worksheet, sheet));
  if (table.empty()) {
    return InvalidArgumentError(file + ": the first worksheet, '" + parts.sheet_name +
                                "', is empty; its first row with a value is the header");
  }
  return std::move(table).Finish();
}

}  // namespace podium::definition
