#include "server/cli/serve_commands.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <ctime>
#include <iomanip>
#include <sstream>

#include "server/cli/table.h"
#include "server/core/auth.h"
#include "server/core/contest_state.h"
#include "server/core/live_competition.h"
#include "server/definition/loader.h"
#include "server/gateway/metrics_endpoint.h"
#include "server/ledger/ledger.h"
#include "server/rpc/rpc_server.h"

namespace podium::cli {

namespace {

using server::LiveCompetition;

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

std::string FormatTime(std::int64_t ms) {
  const std::time_t seconds = ms / 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  return buffer;
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
  rpc.tls_cert_file = args.Get("tls-cert").value_or("");
  rpc.tls_key_file = args.Get("tls-key").value_or("");
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
  const engine::Competition& c = (*live)->competition();
  const auto standings = (*live)->hub().latest().standings;
  out << "podium serve: competition=" << c.spec().id << " name=\"" << c.spec().name
      << "\" contestants=" << c.num_contestants() << " ledger=" << *args.Get("db")
      << " events=" << standings->version << " startup_ms=" << replayed_ms << "\n";
  const std::string host = rpc.address.substr(0, rpc.address.rfind(':'));
  out << "podium serve: listening on " << host << ":" << (*server)->port() << " (gRPC podium.v1"
      << (rpc.tls_cert_file.empty() ? "" : ", TLS") << ", health checking, reflection)"
      << std::endl;
  if (metrics != nullptr) {
    const std::string& address = *args.Get("metrics");
    out << "podium serve: metrics on http://" << address.substr(0, address.rfind(':')) << ":"
        << metrics->port() << "/metrics" << std::endl;
  }

  int signal = 0;
  sigwait(&stop_signals, &signal);
  out << "podium serve: stopping on signal " << signal << std::endl;
  metrics = nullptr;
  (*server)->Shutdown();
  return 0;
}

int Tokens(const Args& args, std::ostream& out, std::ostream& err) {
  if (!NeedsDirAndDb(args, err)) return 2;
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
  TextTable table({"角色 Role", "编号 Id", "姓名 Name", "令牌 Token"});
  for (const server::IssuedToken& t : *issued) {
    table.AddRow({std::string(server::RoleName(t.role)), t.subject, t.name, t.token});
  }
  out << table.Render();
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
    std::ostringstream value;
    if (r.kind == "mark" || r.kind == "correction") value << r.value;
    if (r.kind == "penalty") value << r.penalty << " x" << r.count;
    if (r.kind == "status" || r.kind == "phase") value << r.status;
    table.AddRow(
        {std::to_string(r.sequence), FormatTime(r.recorded_at_ms),
         r.actor + " (" + std::string(server::RoleName(static_cast<server::Role>(r.role))) + ")",
         r.device, r.kind, r.bib, r.item, r.judge, value.str(), r.reason, r.note});
  }
  out << table.Render();
  if (records.empty()) out << "(no events)\n";
  return 0;
}

}  // namespace podium::cli
