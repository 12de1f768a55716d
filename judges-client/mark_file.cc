#include "judges-client/mark_file.h"

#include <openssl/evp.h>

#include <charconv>
#include <cmath>
#include <set>

namespace podium::judge {

namespace {

using definition::ColumnSpec;
using definition::CsvColumns;

std::vector<ColumnSpec> Columns(bool item_required) {
  return {{"bib", {"contestant", "编号", "参赛编号", "选手编号", "加密编号"}, true},
          {"item", {"项目", "评分项目"}, item_required},
          {"value", {"mark", "score", "分数", "得分", "成绩"}, true},
          {"time", {"time_used", "用时", "用时(秒)"}, false},
          {"judge", {"裁判", "裁判编号"}, false},
          {"note", {"备注"}, false}};
}

// A key from the row's content: the same row imported twice is one write.
std::string ContentKey(const std::vector<std::string>& parts) {
  std::string joined;
  for (const std::string& part : parts) joined += part + '\x1f';
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(joined.data(), joined.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key = "import-";
  for (unsigned int i = 0; i < 16; ++i) {
    key += kHex[digest[i] >> 4];
    key += kHex[digest[i] & 15];
  }
  return key;
}

StatusOr<double> ParseNumber(std::string_view text) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return InvalidArgumentError("'" + std::string(text) + "' is not a number");
  }
  return value;
}

}  // namespace

std::string ValueText(double value) {
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
  return std::string(buffer, end);
}

StatusOr<double> CheckValue(std::string_view text, const v1::SheetItem& item) {
  PODIUM_ASSIGN_OR_RETURN(const double value, ParseNumber(text));
  if (value < 0 || value > item.max()) {
    return InvalidArgumentError("mark " + std::string(text) + " outside [0, " +
                                ValueText(item.max()) + "]");
  }
  const double steps = value / item.step();
  if (std::abs(steps - std::round(steps)) > 1e-9 * std::max(1.0, steps)) {
    return InvalidArgumentError("mark " + std::string(text) + " is not a multiple of the step " +
                                ValueText(item.step()));
  }
  return value;
}

StatusOr<const v1::SheetItem*> FindItem(const v1::Sheet& sheet, std::string_view ref) {
  const v1::SheetItem* found = nullptr;
  std::string listed;
  for (const v1::SheetItem& item : sheet.items()) {
    const std::string& full = item.item();
    listed += (listed.empty() ? "" : ", ") + full;
    const bool matches =
        full == ref ||
        (full.size() > ref.size() && full.compare(full.size() - ref.size(), ref.size(), ref) == 0 &&
         (full[full.size() - ref.size() - 1] == '.' || full[full.size() - ref.size() - 1] == ':'));
    if (!matches) continue;
    if (found != nullptr) {
      return InvalidArgumentError("item '" + std::string(ref) + "' is ambiguous: name it as " +
                                  found->item() + " or " + full);
    }
    found = &item;
  }
  if (found == nullptr) {
    return NotFoundError("item '" + std::string(ref) + "' is not on " + sheet.judge() +
                         "'s sheet (" + (listed.empty() ? "no items" : listed) + ")");
  }
  return found;
}

std::vector<std::string> JudgesNamed(const definition::CsvTable& table, const std::string& self) {
  std::set<std::string> judges;
  auto columns = CsvColumns::Bind(table, Columns(false));
  if (!columns.ok()) return {};
  for (const definition::CsvRow& row : table.rows) {
    const std::string judge(columns->Get(row, "judge"));
    if (!judge.empty() && judge != self) judges.insert(judge);
  }
  return {judges.begin(), judges.end()};
}

StatusOr<std::vector<PlannedMark>> PlanImport(const definition::CsvTable& table,
                                              const std::map<std::string, v1::Sheet>& sheets,
                                              const ImportOptions& options) {
  PODIUM_ASSIGN_OR_RETURN(const CsvColumns columns,
                          CsvColumns::Bind(table, Columns(options.default_item.empty())));
  std::vector<PlannedMark> plan;
  // (judge, bib, item) -> the line that marked it first, and its value.
  std::map<std::tuple<std::string, std::string, std::string>, std::pair<int, double>> seen;
  for (const definition::CsvRow& row : table.rows) {
    PlannedMark mark;
    mark.line = row.line;
    auto fail = [&](const std::string& why) {
      mark.error = why;
      plan.push_back(mark);
    };
    const std::string bib(columns.Get(row, "bib"));
    std::string judge(columns.Get(row, "judge"));
    if (judge.empty()) judge = options.self;
    std::string item_ref(columns.Get(row, "item"));
    if (item_ref.empty()) item_ref = options.default_item;
    const std::string value_text(columns.Get(row, "value"));
    mark.summary = bib + " " + item_ref + " " + value_text;
    if (bib.empty()) {
      fail("no bib");
      continue;
    }
    const auto sheet = sheets.find(judge);
    if (sheet == sheets.end()) {
      fail("judge '" + judge + "' is not one you may enter marks for");
      continue;
    }
    auto item = FindItem(sheet->second, item_ref);
    if (!item.ok()) {
      fail(std::string(item.status().message()));
      continue;
    }
    const v1::SheetItem& sheet_item = **item;
    mark.summary = bib + " " + sheet_item.name() + " " + value_text;
    bool listed = false;
    for (const v1::SheetEntry& entry : sheet_item.entries()) listed = listed || entry.bib() == bib;
    if (!listed) {
      fail(bib + " is not on " + judge + "'s list for " + sheet_item.item());
      continue;
    }
    if (sheet_item.locked()) {
      fail(sheet_item.item() + " is locked by the chief judge");
      continue;
    }
    auto value = CheckValue(value_text, sheet_item);
    if (!value.ok()) {
      fail(std::string(value.status().message()));
      continue;
    }
    const std::string time_text(columns.Get(row, "time"));
    std::optional<double> time_used;
    if (!time_text.empty()) {
      auto time = ParseNumber(time_text);
      if (!time.ok() || *time < 0) {
        fail("time '" + time_text + "' is not a number of seconds >= 0");
        continue;
      }
      time_used = *time;
    }
    const auto cell = std::make_tuple(judge, bib, sheet_item.item());
    if (const auto earlier = seen.find(cell); earlier != seen.end()) {
      fail(earlier->second.second == *value
               ? "the same mark as line " + std::to_string(earlier->second.first)
               : "a second mark for " + bib + " " + sheet_item.item() + " (line " +
                     std::to_string(earlier->second.first) +
                     " has another); correct marks with podium-judge correct");
      continue;
    }
    seen[cell] = {row.line, *value};
    v1::SubmitMarkRequest& r = mark.request;
    r.set_idempotency_key(ContentKey({judge, bib, sheet_item.item(), ValueText(*value),
                                      time_used ? ValueText(*time_used) : ""}));
    r.set_bib(bib);
    r.set_item(sheet_item.item());
    r.set_value(*value);
    if (time_used) r.mutable_time_used_seconds()->set_value(*time_used);
    r.set_note(std::string(columns.Get(row, "note")));
    r.set_device(options.device);
    if (judge != options.self) r.set_judge(judge);
    r.set_transcribed(options.transcribed);
    plan.push_back(std::move(mark));
  }
  return plan;
}

}  // namespace podium::judge
