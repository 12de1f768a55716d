#include "server/cli/serve_commands.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "server/cli/qr.h"
#include "server/cli/table.h"
#include "server/core/auth.h"
#include "server/core/contest_state.h"
#include "server/core/live_competition.h"
#include "server/core/scoring_writer.h"
#include "server/definition/loader.h"
#include "server/gateway/gateway.h"
#include "server/gateway/metrics_endpoint.h"
#include "server/gateway/tls_context.h"
#include "server/ledger/ledger.h"
#include "server/reports/export.h"
#include "server/reports/notice.h"
#include "server/reports/results.h"
#include "server/rpc/rpc_server.h"

namespace podium::cli {

namespace {

using server::LiveCompetition;
namespace fs = std::filesystem;

// The competition definition alone (marks live in the ledger).
StatusOr<definition::LoadedCompetition> LoadDefinition(const Args& args, std::ostream& err) {
  definition::LoadOptions options;
  options.load_marks = false;
  if (const auto encoding = args.Get("encoding")) {
    PODIUM_ASSIGN_OR_RETURN(options.encoding, definition::ParseEncoding(*encoding));
  }
  std::vector<engine::Problem> problems;
  auto loaded = definition::LoadCompetition(args.positional[0], options, &problems);
  if (!loaded.ok()) PrintProblems(problems, err);
  return loaded;
}

// The page a token's holder works on.
std::string_view PageOf(server::Role role) {
  switch (role) {
    case server::Role::kJudge:
      return "/judge";
    case server::Role::kDisplay:
      return "/screen";
    case server::Role::kChiefJudge:
    case server::Role::kOrganizer:
      return "/chief";
  }
  return "/";
}

// A printable page with one card per token: who, the link and its QR code,
// to cut out and hand to each judge (A4, eight cards a page).
std::string TokenSheet(const engine::Competition& competition,
                       const std::vector<server::IssuedToken>& tokens,
                       const std::vector<std::string>& links) {
  std::string html =
      "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>" +
      reports::HtmlEscaped(competition.spec().name) +
      " · 登录卡 Login cards</title><style>"
      "body{font-family:'Noto Sans CJK SC',sans-serif;margin:0}"
      ".cards{display:grid;grid-template-columns:1fr 1fr;gap:6mm;padding:8mm}"
      ".card{border:1px dashed #888;padding:4mm;break-inside:avoid;display:flex;gap:4mm}"
      ".card svg{width:42mm;height:42mm;flex:none}.who{font-size:14pt;font-weight:700}"
      ".link{font:8pt monospace;word-break:break-all;color:#444}"
      "</style><div class=\"cards\">";
  for (size_t i = 0; i < tokens.size(); ++i) {
    const server::IssuedToken& t = tokens[i];
    auto qr = EncodeQr(links[i]);
    html += "<div class=\"card\">" + (qr.ok() ? QrSvg(*qr, 4) : std::string()) +
            "<div><div class=\"who\">" + reports::HtmlEscaped(t.name) + "</div><div>" +
            reports::HtmlEscaped(std::string(server::RoleName(t.role))) + " · " +
            reports::HtmlEscaped(t.subject) + "</div><p>" +
            reports::HtmlEscaped(competition.spec().name) +
            "</p><p>扫码登录 Scan to log in</p><div class=\"link\">" +
            reports::HtmlEscaped(links[i]) + "</div></div></div>";
  }
  return html + "</div></html>\n";
}

// Each holder's login link ("BASE/judge#token=..."); none without a base.
std::vector<std::string> LoginLinks(const std::vector<server::IssuedToken>& tokens,
                                    const std::optional<std::string>& base) {
  std::vector<std::string> links;
  if (!base) return links;
  std::string root = *base;
  while (!root.empty() && root.back() == '/') root.pop_back();
  for (const server::IssuedToken& t : tokens) {
    links.push_back(root + std::string(PageOf(t.role)) + "#token=" + t.token);
  }
  return links;
}

// For scripts (and the browser tests): every holder with token and link.
void PrintTokensJson(const std::vector<server::IssuedToken>& tokens,
                     const std::vector<std::string>& links, std::ostream& out) {
  nlohmann::ordered_json holders = nlohmann::ordered_json::array();
  for (size_t i = 0; i < tokens.size(); ++i) {
    const server::IssuedToken& t = tokens[i];
    holders.push_back({{"role", server::RoleName(t.role)},
                       {"id", t.subject},
                       {"name", t.name},
                       {"token", t.token},
                       {"link", links.empty() ? "" : links[i]}});
  }
  out << holders.dump(2) << "\n";
}

// The table, and with `with_qr` a QR code per holder to scan off the screen.
void PrintTokensTable(const std::vector<server::IssuedToken>& tokens,
                      const std::vector<std::string>& links, bool with_qr, std::ostream& out) {
  const bool linked = !links.empty();
  TextTable table({"角色 Role", "编号 Id", "姓名 Name", linked ? "链接 Link" : "令牌 Token"});
  for (size_t i = 0; i < tokens.size(); ++i) {
    const server::IssuedToken& t = tokens[i];
    table.AddRow(
        {std::string(server::RoleName(t.role)), t.subject, t.name, linked ? links[i] : t.token});
  }
  out << table.Render();
  if (!with_qr) return;
  for (size_t i = 0; i < tokens.size(); ++i) {
    // A link is ~80 bytes: far inside what a QR code holds.
    const auto qr = EncodeQr(links[i]);
    if (!qr.ok()) continue;
    out << "\n"
        << tokens[i].name << " (" << server::RoleName(tokens[i].role) << ")\n"
        << QrForTerminal(*qr);
  }
}

bool NeedsDirAndDb(const Args& args, std::ostream& err) {
  if (args.positional.size() != 1 || !args.Get("db")) {
    err << kUsage;
    return false;
  }
  return true;
}

}  // namespace

int Serve(const Args& args, std::ostream& out, std::ostream& err) {
  if (!NeedsDirAndDb(args, err)) return 2;
  const auto threads = IntOption(args, "threads", 1, 64, 2);
  if (!threads.ok()) {
    err << "podium serve: " << threads.status().message() << "\n";
    return 2;
  }
  server::LiveOptions options;
  options.threads = static_cast<int>(*threads);
  if (const auto encoding = args.Get("encoding")) {
    auto parsed = definition::ParseEncoding(*encoding);
    if (!parsed.ok()) {
      err << "podium serve: --encoding: " << parsed.status().message() << "\n";
      return 2;
    }
    options.load.encoding = *parsed;
  }
  // TLS, for both ports: the certificate and key are checked here, before
  // anything opens or listens, so a bad file stops everything with a message
  // naming it (gRPC alone would only say it cannot listen).
  const std::string tls_cert = args.Get("tls-cert").value_or("");
  const std::string tls_key = args.Get("tls-key").value_or("");
  const bool tls = !tls_cert.empty() || !tls_key.empty();
  if (tls) {
    if (const auto checked = server::MakeServerTlsContext(tls_cert, tls_key); !checked.ok()) {
      err << "podium serve: " << checked.status().ToString() << "\n";
      return 1;
    }
  }
  // The gateway's log lines come from its threads; one line at a time.
  std::mutex log_mutex;
  // Signals are waited for on this thread: block them before any thread starts.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const auto start = std::chrono::steady_clock::now();
  std::vector<engine::Problem> problems;
  auto live = LiveCompetition::Open(args.positional[0], *args.Get("db"), options, &problems);
  if (!live.ok()) {
    PrintProblems(problems, err);
    err << "podium serve: " << live.status().ToString() << "\n";
    return 1;
  }
  const auto replayed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - start)
                               .count();
  server::RpcServerOptions rpc;
  rpc.address = args.Get("address").value_or("127.0.0.1:50051");
  rpc.tls_cert_file = tls_cert;
  rpc.tls_key_file = tls_key;
  server::Api api(**live);
  auto server = server::RpcServer::Start(api, rpc);
  if (!server.ok()) {
    err << "podium serve: " << server.status().ToString() << "\n";
    return 1;
  }
  std::unique_ptr<server::MetricsEndpoint> metrics;
  if (const auto address = args.Get("metrics")) {
    server::LiveCompetition* running = live->get();
    auto started = server::MetricsEndpoint::Start(
        *address, [running, &api] { return server::MetricsText(*running, api.watchers()); });
    if (!started.ok()) {
      err << "podium serve: --metrics: " << started.status().ToString() << "\n";
      return 1;
    }
    metrics = std::move(*started);
  }
  std::unique_ptr<server::Gateway> gateway;
  const std::string http_address = args.Get("http").value_or("127.0.0.1:8080");
  if (http_address != "off") {
    server::GatewayOptions http;
    http.address = http_address;
    if (const auto web = args.Get("web")) http.web_dir = *web;
    http.tls_cert_file = tls_cert;
    http.tls_key_file = tls_key;
    http.log = [&err, &log_mutex](const std::string& line) {
      const std::lock_guard<std::mutex> lock(log_mutex);
      err << "podium serve: http: " << line << std::endl;
    };
    auto started = server::Gateway::Start(api, http);
    if (!started.ok()) {
      err << "podium serve: --http: " << started.status().ToString() << "\n";
      return 1;
    }
    gateway = std::move(*started);
  }
  const engine::Competition& c = (*live)->competition();
  const auto standings = (*live)->hub().latest().standings;
  out << "podium serve: competition=" << c.spec().id << " name=\"" << c.spec().name
      << "\" contestants=" << c.num_contestants() << " ledger=" << *args.Get("db")
      << " events=" << standings->version << " startup_ms=" << replayed_ms << "\n";
  const std::string host = rpc.address.substr(0, rpc.address.rfind(':'));
  out << "podium serve: listening on " << host << ":" << (*server)->port() << " (gRPC podium.v1"
      << (tls ? ", TLS" : "") << ", health checking, reflection)" << std::endl;
  if (metrics != nullptr) {
    const std::string address = *args.Get("metrics");
    out << "podium serve: metrics on http://" << address.substr(0, address.rfind(':')) << ":"
        << metrics->port() << "/metrics" << std::endl;
  }

  if (gateway != nullptr) {
    const std::string base = (tls ? "https://" : "http://") +
                             http_address.substr(0, http_address.rfind(':')) + ":" +
                             std::to_string(gateway->port());
    out << "podium serve: pages on " << base << "/ ("
        << (tls ? "TLS only: JSON API and wss:// WebSocket" : "HTTP/JSON API and WebSocket")
        << " standings too)\n"
        << "podium serve:   judge tablets  " << base << "/judge\n"
        << "podium serve:   chief judge    " << base << "/chief\n"
        << "podium serve:   big screen     " << base << "/screen\n"
        << "podium serve: log in with the links `podium tokens --url " << base
        << "` prints (QR codes too)" << std::endl;
  }

  int signal = 0;
  sigwait(&stop_signals, &signal);
  out << "podium serve: stopping on signal " << signal << std::endl;
  gateway = nullptr;
  metrics = nullptr;
  (*server)->Shutdown();
  return 0;
}

int Tokens(const Args& args, std::ostream& out, std::ostream& err) {
  if (!NeedsDirAndDb(args, err)) return 2;
  if (const auto url = args.Get("url");
      url && url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
    err << "podium tokens: --url must be the gateway's address, like http://192.168.1.10:8080\n";
    return 2;
  }
  const std::string format = args.Get("format").value_or("table");
  if (format != "table" && format != "json") {
    err << "podium tokens: --format must be table or json, not '" << format << "'\n";
    return 2;
  }
  if (args.Get("sheet") && !args.Get("url")) {
    err << "podium tokens: --sheet needs --url (the address tablets open)\n";
    return 2;
  }
  const auto displays = IntOption(args, "displays", 0, 100, 1);
  const auto organizers = IntOption(args, "organizers", 0, 100, 1);
  if (!displays.ok() || !organizers.ok()) {
    err << "podium tokens: " << (!displays.ok() ? displays.status() : organizers.status()).message()
        << "\n";
    return 2;
  }
  auto loaded = LoadDefinition(args, err);
  if (!loaded.ok()) {
    err << "podium tokens: " << loaded.status().message() << "\n";
    return 1;
  }
  // Opened before the tokens are issued (which revokes the old ones): a sheet
  // that cannot be written must not leave anyone without a working token.
  std::ofstream sheet;
  if (const auto path = args.Get("sheet")) {
    sheet.open(*path, std::ios::binary | std::ios::trunc);
    if (!sheet.is_open()) {
      err << "podium tokens: cannot write " << *path << "\n";
      return 1;
    }
  }
  auto ledger = server::Ledger::Open(*args.Get("db"), loaded->competition->spec().id);
  if (!ledger.ok()) {
    err << "podium tokens: " << ledger.status().ToString() << "\n";
    return 1;
  }
  auto issued = server::IssueTokens(**ledger, *loaded->competition, static_cast<int>(*displays),
                                    static_cast<int>(*organizers), server::SystemNowMs());
  if (!issued.ok()) {
    err << "podium tokens: " << issued.status().ToString() << "\n";
    return 1;
  }
  const std::vector<std::string> links = LoginLinks(*issued, args.Get("url"));
  if (sheet.is_open()) {
    sheet << TokenSheet(*loaded->competition, *issued, links);
    if (!sheet.flush()) {
      err << "podium tokens: cannot write " << *args.Get("sheet") << "\n";
      return 1;
    }
    err << "podium tokens: login cards with QR codes written to " << *args.Get("sheet") << "\n";
  }
  if (format == "json") {
    PrintTokensJson(*issued, links, out);
  } else {
    PrintTokensTable(*issued, links, /*with_qr=*/!links.empty() && !sheet.is_open(), out);
  }
  err << "podium tokens: " << issued->size()
      << " tokens issued; they are shown only now (the ledger keeps hashes). Earlier tokens of "
         "the same holders are revoked.\n";
  return 0;
}

int Audit(const Args& args, std::ostream& out, std::ostream& err) {
  if (!NeedsDirAndDb(args, err)) return 2;
  auto loaded = LoadDefinition(args, err);
  if (!loaded.ok()) {
    err << "podium audit: " << loaded.status().message() << "\n";
    return 1;
  }
  auto ledger = server::Ledger::OpenReadOnly(*args.Get("db"));
  if (!ledger.ok()) {
    err << "podium audit: " << ledger.status().ToString() << "\n";
    return 1;
  }
  std::vector<server::LedgerRecord> records;
  if (const auto bib = args.Get("bib")) {
    if (!args.Get("item")) {
      err << "podium audit: --bib needs --item\n";
      return 2;
    }
    const server::ContestState state(loaded->competition);
    auto contestant = loaded->competition->FindContestant(*bib);
    auto item = contestant.ok() ? state.ResolveItem(*contestant, *args.Get("item"))
                                : StatusOr<int>(contestant.status());
    if (!item.ok()) {
      err << "podium audit: " << item.status().message() << "\n";
      return 1;
    }
    auto history = (*ledger)->History(*bib, state.ItemRef(*item), args.Get("judge").value_or(""));
    if (!history.ok()) {
      err << "podium audit: " << history.status().ToString() << "\n";
      return 1;
    }
    records = std::move(*history);
  } else {
    const Status replayed = (*ledger)->Replay([&](const server::LedgerRecord& r) {
      records.push_back(r);
      return OkStatus();
    });
    if (!replayed.ok()) {
      err << "podium audit: " << replayed.ToString() << "\n";
      return 1;
    }
  }
  TextTable table({"序号 Seq", "时间 Time", "操作人 Actor", "设备 Device", "类型 Kind", "编号 Bib",
                   "项目 Item", "裁判 Judge", "分数 Value", "原因 Reason", "备注 Note"});
  table.SetAlignRight(0);
  table.SetAlignRight(8);
  for (const server::LedgerRecord& r : records) {
    table.AddRow(
        {std::to_string(r.sequence), reports::FormatLocalTime(r.recorded_at_ms),
         r.actor + " (" + std::string(server::RoleName(static_cast<server::Role>(r.role))) + ")",
         r.device, r.kind, r.bib, r.item, r.judge, reports::RecordValue(r), r.reason, r.note});
  }
  out << table.Render();
  if (records.empty()) out << "(no events)\n";
  return 0;
}

int Export(const Args& args, std::ostream& out, std::ostream& err) {
  if (!NeedsDirAndDb(args, err) || !args.Get("out")) {
    if (args.positional.size() == 1 && args.Get("db")) err << kUsage;
    return 2;
  }
  // Everything about the request is checked before the ledger is read.
  std::vector<std::string> formats;
  {
    std::stringstream list(args.Get("format").value_or("xlsx,csv,json,html"));
    for (std::string format; std::getline(list, format, ',');) {
      if (!format.empty()) formats.push_back(format);
    }
  }
  const reports::Workbook no_sheets;
  if (auto names = reports::ExportFileNames(no_sheets, formats); !names.ok() || formats.empty()) {
    err << "podium export: --format: "
        << (names.ok() ? "name at least one format" : names.status().message()) << "\n";
    return 2;
  }
  auto loaded = LoadDefinition(args, err);
  if (!loaded.ok()) {
    err << "podium export: " << loaded.status().message() << "\n";
    return 1;
  }
  auto ledger = server::Ledger::OpenReadOnly(*args.Get("db"));
  if (!ledger.ok()) {
    err << "podium export: " << ledger.status().ToString() << "\n";
    return 1;
  }
  auto state = server::ScoringWriter::Replay(**ledger, loaded->competition, nullptr);
  if (!state.ok()) {
    err << "podium export: " << state.status().ToString() << "\n";
    return 1;
  }
  const reports::ExportSource source{(*state)->engine().standings(), (*state)->lifecycle(),
                                     *args.Get("db"), reports::EngineSheets((*state)->engine())};
  reports::ExportOptions options;
  options.provisional = args.Get("provisional").has_value();
  options.notice.publish_from = args.Get("publish-from").value_or("");
  options.notice.publish_to = args.Get("publish-to").value_or("");
  options.notice.issuer = args.Get("issuer").value_or("");
  auto book = reports::ResultsForExport(source, options.provisional);
  if (!book.ok()) {
    err << "podium export: " << book.status().message() << "\n";
    return 1;
  }
  auto names = reports::ExportFileNames(*book, formats);
  // All files are made before any is written: a failure leaves OUTDIR as it was.
  std::vector<std::pair<std::string, reports::ExportedFile>> files;
  for (const std::string& name : *names) {
    auto file = reports::ExportFile(name, *book, source, options);
    if (!file.ok()) {
      err << "podium export: " << name << ": " << file.status().message() << "\n";
      return 1;
    }
    files.emplace_back(name, std::move(*file));
  }
  const fs::path out_dir = *args.Get("out");
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec || !fs::is_directory(out_dir)) {
    err << "podium export: cannot write to " << out_dir.string() << "\n";
    return 1;
  }
  for (const auto& [name, file] : files) {
    const fs::path path = out_dir / name;
    std::ofstream stream(path, std::ios::binary | std::ios::trunc);
    stream << file.bytes;
    if (!stream.flush()) {
      err << "podium export: cannot write " << path.string() << "\n";
      return 1;
    }
    out << path.string() << "  " << file.bytes.size() << " bytes\n";
  }
  if (book->provisional) {
    out << "podium export: provisional results (the competition is " << book->phase
        << "); every file says so\n";
  }
  return 0;
}

}  // namespace podium::cli
