#include "judges-client/commands.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "judges-client/config.h"
#include "judges-client/judge_client.h"
#include "judges-client/mark_file.h"
#include "judges-client/outbox.h"
#include "judges-client/sender.h"
#include "server/cli/args.h"
#include "server/cli/table.h"
#include "server/definition/csv.h"
#include "server/definition/xlsx.h"

namespace podium::judge {

namespace {

namespace fs = std::filesystem;
using cli::Args;

constexpr char kUsage[] = R"(usage: podium-judge <command> [options]

  login --server HOST:PORT --token TOKEN [--ca FILE]
      check the token with the server and keep it (readable by you alone)
  logout
      forget the token (marks still waiting stay in the outbox)
  sheet [--item ITEM] [--judge ID]
      your assignments and what you have entered; with --item, every bib
  enter [--item ITEM]
      enter marks at the terminal: bib, mark, confirm; checked before sending
  import FILE.csv|FILE.xlsx [--item ITEM] [--report REPORT.csv] [--transcribed]
      marks from a spreadsheet (columns bib, item, value, time, judge, note);
      every row is checked first and nothing is sent if one is wrong; safe to re-run;
      --report writes what became of each row (sent, duplicate, refused, waiting)
  correct --bib BIB --item ITEM --value MARK --reason TEXT [--judge ID]
      replace a mark you entered (the reason is kept with it)
  status
      what is waiting to be sent, and what the server refused and why
  sync [--wait SECONDS]
      send what is waiting now; with --wait keep trying until it is all sent
  watch [--trade ID] [--limit N] [--updates N]
      live standings in the terminal (chief judges), redrawn in place

  Marks go to a local outbox first and are sent with the same idempotency key until
  the server answers, so a mark entered offline is sent later, and counted once.
  Files: $PODIUM_JUDGE_HOME, else ~/.config/podium-judge and ~/.local/state/podium-judge.
)";

constexpr auto kCallDeadline = std::chrono::seconds(10);

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Device() {
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  return std::string("podium-judge@") + host;
}

std::string RandomKey() {
  std::random_device device;
  std::mt19937_64 bits((static_cast<std::uint64_t>(device()) << 32) ^ device() ^ NowMs());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key = "cli-";
  for (int i = 0; i < 32; ++i) key += kHex[bits() & 15];
  return key;
}

// The login, its outbox and a client to the server.
struct Session {
  ClientPaths paths;
  Login login;
  std::unique_ptr<Outbox> outbox;
  std::unique_ptr<JudgeClient> client;
};

StatusOr<Session> OpenSession() {
  Session s;
  s.paths = DefaultPaths();
  PODIUM_ASSIGN_OR_RETURN(s.login, LoadLogin(s.paths.config));
  PODIUM_ASSIGN_OR_RETURN(s.outbox, Outbox::Open(s.paths.outbox));
  PODIUM_ASSIGN_OR_RETURN(s.client, JudgeClient::Connect(s.login, kCallDeadline));
  return s;
}

fs::path SheetCache(const Session& s, const std::string& judge) {
  return s.paths.outbox.parent_path() / ("sheet-" + (judge.empty() ? "self" : judge) + ".pb");
}

// The sheet from the server, kept on disk; the kept one when the server is
// out of reach (said on `err`), so entry and import work offline.
StatusOr<v1::Sheet> FetchSheet(Session& s, const std::string& judge, std::ostream& err) {
  auto sheet = s.client->GetSheet(judge);
  const fs::path cache = SheetCache(s, judge);
  if (sheet.ok()) {
    std::ofstream out(cache, std::ios::binary | std::ios::trunc);
    sheet->SerializeToOstream(&out);
    return sheet;
  }
  if (!IsTransient(sheet.status())) return sheet.status();
  std::ifstream in(cache, std::ios::binary);
  v1::Sheet kept;
  if (!in || !kept.ParseFromIstream(&in)) {
    return UnavailableError("cannot reach " + s.login.server + " (" +
                            std::string(sheet.status().message()) +
                            ") and no sheet is saved on this machine yet");
  }
  err << "离线 offline: cannot reach " << s.login.server
      << "; checking against the sheet saved on this machine\n";
  return kept;
}

void PrintRefusals(const SendReport& report, std::ostream& out) {
  for (const OutboxEntry& e : report.refusals) {
    out << "  被拒绝 refused: " << e.summary << ": " << e.error << "\n";
  }
}

// One line about what a send did; 0 if nothing is left waiting or refused now.
int Summarize(const SendReport& report, const std::string& server, std::ostream& out) {
  PrintRefusals(report, out);
  out << "已发送 sent " << report.sent;
  if (report.duplicates > 0) out << " (" << report.duplicates << " already on the server)";
  out << " · 被拒绝 refused " << report.refused << " · 等待 waiting " << report.waiting << "\n";
  if (!report.unreachable.empty()) {
    out << "cannot reach " << server << " (" << report.unreachable
        << "); the waiting marks are kept and sent by the next podium-judge command "
           "(or podium-judge sync --wait 600)\n";
  }
  return report.refused > 0 || report.waiting > 0 ? 1 : 0;
}

// A progress bar on a terminal; nothing when `err` is not one.
std::function<void(int, int)> ProgressBar(std::ostream& err) {
  if (!isatty(STDERR_FILENO)) return nullptr;
  return [&err](int done, int total) {
    constexpr int kWidth = 30;
    const int filled = total > 0 ? done * kWidth / total : kWidth;
    err << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, ' ') << "] " << done
        << "/" << total << (done == total ? "\n" : "") << std::flush;
  };
}

// --- commands ----------------------------------------------------------------

int LogIn(const Args& args, std::ostream& out, std::ostream& err) {
  const auto server = args.Get("server"), token = args.Get("token");
  if (!server || !token || !args.positional.empty()) {
    err << kUsage;
    return 2;
  }
  const ClientPaths paths = DefaultPaths();
  Login login{*server, *token, args.Get("ca").value_or(""), "", ""};
  auto client = JudgeClient::Connect(login, kCallDeadline);
  if (!client.ok()) {
    err << "podium-judge login: " << client.status().message() << "\n";
    return 1;
  }
  auto sheet = (*client)->GetSheet("");
  if (!sheet.ok() &&
      (IsTransient(sheet.status()) || sheet.status().code() == StatusCode::kUnauthenticated)) {
    err << "podium-judge login: " << *server << ": " << sheet.status().message() << "\n";
    return 1;  // nothing saved: a login is a token the server accepted
  }
  if (sheet.ok()) {
    login.judge = sheet->judge();
    login.judge_name = sheet->judge_name();
  }
  if (const Status saved = SaveLogin(paths.config, login); !saved.ok()) {
    err << "podium-judge login: " << saved.message() << "\n";
    return 1;
  }
  out << "已登录 logged in to " << *server;
  if (sheet.ok()) {
    out << " as " << login.judge_name << " (" << login.judge << "), " << sheet->items_size()
        << " item(s) assigned";
  }
  out << "; token kept in " << paths.config.string() << " (mode 0600)\n";
  return 0;
}

int LogOut(const Args&, std::ostream& out, std::ostream& err) {
  const ClientPaths paths = DefaultPaths();
  std::error_code ec;
  if (!fs::remove(paths.config, ec)) {
    err << "podium-judge logout: not logged in\n";
    return 1;
  }
  out << "已退出 logged out; marks still waiting stay in " << paths.outbox.string() << "\n";
  return 0;
}

int ShowSheet(Session& s, const Args& args, std::ostream& out, std::ostream& err) {
  auto sheet = FetchSheet(s, args.Get("judge").value_or(""), err);
  if (!sheet.ok()) {
    err << "podium-judge sheet: " << sheet.status().message() << "\n";
    return 1;
  }
  out << sheet->judge_name() << " (" << sheet->judge() << ")\n";
  if (const auto ref = args.Get("item")) {
    auto item = FindItem(*sheet, *ref);
    if (!item.ok()) {
      err << "podium-judge sheet: " << item.status().message() << "\n";
      return 1;
    }
    out << (*item)->name() << " " << (*item)->item() << " (满分 max " << ValueText((*item)->max())
        << ", 步长 step " << ValueText((*item)->step()) << ")"
        << ((*item)->locked() ? " 已锁定 locked" : "") << "\n";
    cli::TextTable table({"编号 Bib", "姓名 Name", "分数 Mark"});
    for (const v1::SheetEntry& e : (*item)->entries()) {
      table.AddRow({e.bib(), e.name(), e.has_mark() ? ValueText(e.value()) : "—"});
    }
    out << table.Render();
    return 0;
  }
  cli::TextTable table({"项目 Item", "名称 Name", "满分 Max", "步长 Step", "已评 Entered", "状态"});
  table.SetAlignRight(2);
  table.SetAlignRight(3);
  table.SetAlignRight(4);
  for (const v1::SheetItem& item : sheet->items()) {
    int entered = 0;
    for (const v1::SheetEntry& e : item.entries()) entered += e.has_mark();
    table.AddRow({item.item(), item.name(), ValueText(item.max()), ValueText(item.step()),
                  std::to_string(entered) + "/" + std::to_string(item.entries_size()),
                  item.locked() ? "已锁定 locked" : ""});
  }
  out << table.Render();
  return 0;
}

// Queues `entries` and sends what is waiting; prints the outcome of each.
int QueueAndSend(Session& s, const std::vector<OutboxEntry>& entries, std::ostream& out,
                 std::ostream& err) {
  auto added = s.outbox->Enqueue(entries, NowMs());
  if (!added.ok()) {
    err << "podium-judge: " << added.status().message() << "\n";
    return 1;
  }
  auto report = SendWaiting(*s.outbox, *s.client, ProgressBar(err));
  if (!report.ok()) {
    err << "podium-judge: " << report.status().message() << "\n";
    return 1;
  }
  return Summarize(*report, s.login.server, out);
}

std::string Prompt(std::istream& in, std::ostream& out, const std::string& prompt, bool* eof) {
  out << prompt << std::flush;
  std::string line;
  if (!std::getline(in, line)) {
    *eof = true;
    return "";
  }
  const auto first = line.find_first_not_of(" \t\r");
  const auto last = line.find_last_not_of(" \t\r");
  return first == std::string::npos ? "" : line.substr(first, last - first + 1);
}

int Enter(Session& s, const Args& args, std::istream& in, std::ostream& out, std::ostream& err) {
  auto sheet = FetchSheet(s, "", err);
  if (!sheet.ok()) {
    err << "podium-judge enter: " << sheet.status().message() << "\n";
    return 1;
  }
  if (sheet->items_size() == 0) {
    err << "podium-judge enter: nothing is assigned to " << sheet->judge() << "\n";
    return 1;
  }
  bool eof = false;
  const v1::SheetItem* item = nullptr;
  std::string ref = args.Get("item").value_or("");
  while (item == nullptr && !eof) {
    if (ref.empty()) {
      for (int i = 0; i < sheet->items_size(); ++i) {
        const v1::SheetItem& it = sheet->items(i);
        out << "  " << i + 1 << ") " << it.name() << "  " << it.item() << "  (满分 max "
            << ValueText(it.max()) << ", 步长 step " << ValueText(it.step()) << ")"
            << (it.locked() ? " 已锁定 locked" : "") << "\n";
      }
      ref = Prompt(in, out, "项目 Item [1-" + std::to_string(sheet->items_size()) + "]: ", &eof);
      int number = 0;
      if (std::from_chars(ref.data(), ref.data() + ref.size(), number).ptr ==
              ref.data() + ref.size() &&
          number >= 1 && number <= sheet->items_size()) {
        ref = sheet->items(number - 1).item();
      }
    }
    if (eof) break;
    auto found = FindItem(*sheet, ref);
    if (found.ok()) {
      item = *found;
    } else {
      out << "  " << found.status().message() << "\n";
      ref.clear();
    }
  }
  if (item == nullptr) return 1;
  out << item->name() << " (" << item->item() << "): 编号、分数、确认；空行结束 "
      << "bib, mark, confirm; an empty bib ends\n";
  int failures = 0;
  while (true) {
    const std::string bib = Prompt(in, out, "编号 Bib: ", &eof);
    if (eof || bib.empty()) break;
    const v1::SheetEntry* entry = nullptr;
    for (const v1::SheetEntry& e : item->entries()) {
      if (e.bib() == bib) entry = &e;
    }
    if (entry == nullptr) {
      out << "  " << bib << " 不在您的名单 is not on your list for " << item->item() << "\n";
      continue;
    }
    if (entry->has_mark()) {
      out << "  " << bib << " 已评 already marked " << ValueText(entry->value())
          << "; 修改请用 to change it: podium-judge correct --bib " << bib << " --item "
          << item->item() << " --value MARK --reason TEXT\n";
      continue;
    }
    const std::string text = Prompt(
        in, out,
        "分数 Mark (0–" + ValueText(item->max()) + ", 步长 step " + ValueText(item->step()) + "): ",
        &eof);
    if (eof) break;
    auto value = CheckValue(text, *item);
    if (!value.ok()) {
      out << "  " << value.status().message() << "\n";
      continue;
    }
    const std::string summary = bib + " " + item->name() + " " + ValueText(*value);
    const std::string yes = Prompt(in, out, "确认 Confirm " + summary + " [y/N]: ", &eof);
    if (eof) break;
    if (yes != "y" && yes != "Y" && yes != "是") {
      out << "  未发送 not sent\n";
      continue;
    }
    v1::SubmitMarkRequest request;
    request.set_idempotency_key(RandomKey());
    request.set_bib(bib);
    request.set_item(item->item());
    request.set_value(*value);
    request.set_device(Device());
    OutboxEntry e{request.idempotency_key(), "SubmitMark", request.SerializeAsString(), summary};
    failures += QueueAndSend(s, {e}, out, err) != 0;
  }
  return failures > 0 ? 1 : 0;
}

// One line per row of an import: what became of it (UTF-8 CSV with BOM).
Status WriteImportReport(const Outbox& outbox, const std::vector<PlannedMark>& plan,
                         const fs::path& file) {
  std::string csv = "\xEF\xBB\xBF" + definition::CsvLine({"line", "bib", "item", "value", "outcome",
                                                          "sequence", "message"});
  for (const PlannedMark& mark : plan) {
    PODIUM_ASSIGN_OR_RETURN(const std::optional<OutboxEntry> entry,
                            outbox.Find(mark.request.idempotency_key()));
    std::string outcome = entry ? entry->state : "waiting";
    if (entry && entry->state == "sent" && entry->duplicate) outcome = "duplicate";
    csv += definition::CsvLine({std::to_string(mark.line), mark.request.bib(), mark.request.item(),
                                ValueText(mark.request.value()), outcome,
                                entry && entry->sequence > 0 ? std::to_string(entry->sequence) : "",
                                entry ? entry->error : ""});
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << csv;
  if (!out.flush()) return UnavailableError("cannot write the report " + file.string());
  return OkStatus();
}

int Import(Session& s, const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) {
    err << kUsage;
    return 2;
  }
  const fs::path file = args.positional[0];
  const std::string ext = file.extension().string();
  auto table = ext == ".xlsx" ? definition::ReadXlsxFile(file)
                              : definition::ReadCsvFile(file, definition::Encoding::kAuto);
  if (!table.ok()) {
    err << "podium-judge import: " << table.status().message() << "\n";
    return 1;
  }
  auto self = FetchSheet(s, "", err);
  if (!self.ok()) {
    err << "podium-judge import: " << self.status().message() << "\n";
    return 1;
  }
  std::map<std::string, v1::Sheet> sheets = {{self->judge(), *self}};
  for (const std::string& judge : JudgesNamed(*table, self->judge())) {
    auto sheet = FetchSheet(s, judge, err);
    if (sheet.ok()) sheets[judge] = *sheet;  // else: the rows naming them are refused
  }
  ImportOptions options{self->judge(), args.Get("item").value_or(""), Device(),
                        args.Get("transcribed").has_value()};
  auto plan = PlanImport(*table, sheets, options);
  if (!plan.ok()) {
    err << "podium-judge import: " << plan.status().message() << "\n";
    return 1;
  }
  int bad = 0;
  for (const PlannedMark& mark : *plan) {
    if (mark.error.empty()) continue;
    ++bad;
    out << file.filename().string() << " line " << mark.line << ": " << mark.summary << ": "
        << mark.error << "\n";
  }
  if (bad > 0) {
    out << bad << " of " << plan->size()
        << " row(s) cannot be sent; nothing was sent. Fix them and import again.\n";
    return 1;
  }
  std::vector<OutboxEntry> entries;
  for (const PlannedMark& mark : *plan) {
    entries.push_back({mark.request.idempotency_key(), "SubmitMark",
                       mark.request.SerializeAsString(),
                       "line " + std::to_string(mark.line) + ": " + mark.summary});
  }
  out << plan->size() << " mark(s) checked; sending\n";
  const int code = QueueAndSend(s, entries, out, err);
  if (const auto report = args.Get("report")) {
    if (const Status written = WriteImportReport(*s.outbox, *plan, *report); !written.ok()) {
      err << "podium-judge import: " << written.message() << "\n";
      return 1;
    }
    out << "report: " << *report << "\n";
  }
  return code;
}

int Correct(Session& s, const Args& args, std::ostream& out, std::ostream& err) {
  const auto bib = args.Get("bib"), ref = args.Get("item"), value = args.Get("value"),
             reason = args.Get("reason");
  if (!bib || !ref || !value || !reason) {
    err << kUsage;
    return 2;
  }
  if (reason->empty()) {
    err << "podium-judge correct: a correction needs a reason (--reason)\n";
    return 2;
  }
  const std::string judge = args.Get("judge").value_or("");
  auto sheet = FetchSheet(s, judge, err);
  if (!sheet.ok()) {
    err << "podium-judge correct: " << sheet.status().message() << "\n";
    return 1;
  }
  auto item = FindItem(*sheet, *ref);
  auto checked = item.ok() ? CheckValue(*value, **item) : StatusOr<double>(item.status());
  if (!checked.ok()) {
    err << "podium-judge correct: " << checked.status().message() << "\n";
    return 1;
  }
  v1::CorrectMarkRequest request;
  request.set_idempotency_key(RandomKey());
  request.set_bib(*bib);
  request.set_item((*item)->item());
  request.set_judge(judge);
  request.set_value(*checked);
  request.set_reason(*reason);
  request.set_device(Device());
  const std::string summary = "更正 correct " + *bib + " " + (*item)->name() + " → " +
                              ValueText(*checked) + " (" + *reason + ")";
  return QueueAndSend(
      s, {{request.idempotency_key(), "CorrectMark", request.SerializeAsString(), summary}}, out,
      err);
}

int ShowStatus(Session& s, std::ostream& out, std::ostream& err) {
  auto counts = s.outbox->Counts();
  auto waiting = s.outbox->Waiting();
  auto refused = s.outbox->Recent("refused", 50);
  if (!counts.ok() || !waiting.ok() || !refused.ok()) {
    err << "podium-judge status: cannot read " << s.paths.outbox.string() << "\n";
    return 1;
  }
  out << s.login.judge_name << " (" << s.login.judge << ") @ " << s.login.server << "\n";
  out << "已发送 sent " << counts->sent << " · 等待 waiting " << counts->waiting
      << " · 被拒绝 refused " << counts->refused << "\n";
  for (const OutboxEntry& e : *waiting) {
    out << "  等待 waiting: " << e.summary << " (tries " << e.attempts
        << (e.error.empty() ? "" : "; last: " + e.error) << ")\n";
  }
  for (const OutboxEntry& e : *refused)
    out << "  被拒绝 refused: " << e.summary << ": " << e.error << "\n";
  return counts->waiting > 0 ? 1 : 0;
}

int Sync(Session& s, const Args& args, std::ostream& out, std::ostream& err) {
  auto wait = cli::IntOption(args, "wait", 0, 24 * 3600, 0);
  if (!wait.ok()) {
    err << "podium-judge sync: " << wait.status().message() << "\n";
    return 2;
  }
  auto report =
      SendUntilEmpty(*s.outbox, *s.client, std::chrono::seconds(*wait), [&](const SendReport& r) {
        if (r.waiting > 0 && !r.unreachable.empty()) {
          err << "cannot reach " << s.login.server << ": " << r.unreachable << "; " << r.waiting
              << " waiting, trying again\n";
        }
      });
  if (!report.ok()) {
    err << "podium-judge sync: " << report.status().message() << "\n";
    return 1;
  }
  return Summarize(*report, s.login.server, out);
}

// The leaderboards a watch keeps, by trade, each row at its position.
struct WatchedStandings {
  std::uint64_t version = 0;
  bool frozen = false;
  std::map<std::string, std::pair<std::string, std::vector<v1::StandingRow>>> trades;

  void Apply(const v1::StandingsUpdate& update) {
    if (update.has_snapshot()) {
      trades.clear();
      version = update.snapshot().version();
      frozen = update.snapshot().frozen();
      for (const v1::TradeStandings& t : update.snapshot().trades()) {
        trades[t.trade()] = {t.name(), {t.rows().begin(), t.rows().end()}};
      }
      return;
    }
    version = update.delta().to_version();
    for (const v1::TradeDelta& t : update.delta().trades()) {
      auto& rows = trades[t.trade()].second;
      for (const v1::StandingRow& row : t.rows()) {
        if (row.position() >= static_cast<int>(rows.size())) rows.resize(row.position() + 1);
        rows[row.position()] = row;
      }
    }
  }

  std::string Render() const {
    std::ostringstream out;
    for (const auto& [id, trade] : trades) {
      out << trade.first << " (" << id << ")" << (frozen ? "  封榜 frozen" : "") << "\n";
      cli::TextTable table(
          {"名次 Rank", "编号 Bib", "姓名 Name", "单位 Organization", "总分 Total", "奖项 Award"});
      table.SetAlignRight(0);
      table.SetAlignRight(4);
      for (const v1::StandingRow& r : trade.second) {
        char total[32];
        std::snprintf(total, sizeof total, "%.2f", r.total());
        table.AddRow({r.rank() > 0 ? std::to_string(r.rank()) : "—", r.bib(), r.name(),
                      r.organization(), total, r.award_name()});
      }
      out << table.Render() << "\n";
    }
    return out.str();
  }
};

int Watch(Session& s, const Args& args, std::ostream& out, std::ostream& err) {
  auto limit = cli::IntOption(args, "limit", 0, 100000, 20);
  auto updates = cli::IntOption(args, "updates", 0, 1000000000, 0);
  if (!limit.ok() || !updates.ok()) {
    err << "podium-judge watch: "
        << (limit.ok() ? updates.status().message() : limit.status().message()) << "\n";
    return 2;
  }
  const bool terminal = isatty(STDOUT_FILENO);
  WatchedStandings standings;
  long long received = 0;
  std::chrono::milliseconds pause(1000);
  while (true) {
    v1::WatchStandingsRequest request;
    request.set_trade(args.Get("trade").value_or(""));
    request.set_limit(static_cast<int>(*limit));
    request.set_after_version(standings.version);
    const Status ended = s.client->Watch(request, [&](const v1::StandingsUpdate& update) {
      standings.Apply(update);
      pause = std::chrono::milliseconds(1000);
      if (terminal) out << "\x1b[H\x1b[2J";  // redraw in place
      out << standings.Render() << "版本 version " << standings.version << "\n" << std::flush;
      return *updates == 0 || ++received < *updates;
    });
    if (*updates > 0 && received >= *updates) return 0;
    if (!ended.ok() && !IsTransient(ended)) {
      err << "podium-judge watch: " << ended.message() << "\n";
      return 1;
    }
    err << "连接中断 connection lost (" << (ended.ok() ? "stream ended" : ended.message())
        << "); reconnecting from version " << standings.version << "\n";
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(30000));
  }
}

}  // namespace

int Run(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
        std::ostream& err) {
  if (args.empty() || args[0] == "help" || args[0] == "--help") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? 2 : 0;
  }
  struct Command {
    const char* name;
    std::initializer_list<std::string_view> options;
    std::initializer_list<std::string_view> flags = {};
  };
  static const Command kCommands[] = {
      {"login", {"server", "token", "ca"}},
      {"logout", {}},
      {"sheet", {"item", "judge"}},
      {"enter", {"item"}},
      {"import", {"item", "report"}, {"transcribed"}},
      {"correct", {"bib", "item", "value", "reason", "judge"}},
      {"status", {}},
      {"sync", {"wait"}},
      {"watch", {"trade", "limit", "updates"}},
  };
  const std::string& command = args[0];
  for (const Command& c : kCommands) {
    if (command != c.name) continue;
    auto parsed = cli::ParseArgs(args, 1, c.options, c.flags);
    if (!parsed.ok()) {
      err << "podium-judge " << command << ": " << parsed.status().message() << "\n" << kUsage;
      return 2;
    }
    if (command == "login") return LogIn(*parsed, out, err);
    if (command == "logout") return LogOut(*parsed, out, err);
    auto session = OpenSession();
    if (!session.ok()) {
      err << "podium-judge " << command << ": " << session.status().message() << "\n";
      return 1;
    }
    if (command == "sheet") return ShowSheet(*session, *parsed, out, err);
    if (command == "enter") return Enter(*session, *parsed, in, out, err);
    if (command == "import") return Import(*session, *parsed, out, err);
    if (command == "correct") return Correct(*session, *parsed, out, err);
    if (command == "status") return ShowStatus(*session, out, err);
    if (command == "sync") return Sync(*session, *parsed, out, err);
    return Watch(*session, *parsed, out, err);
  }
  err << "podium-judge: unknown command '" << command << "'\n" << kUsage;
  return 2;
}

}  // namespace podium::judge
