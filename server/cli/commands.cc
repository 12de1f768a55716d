#include "server/cli/commands.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "podium/engine/scoring_engine.h"
#include "podium/engine/synthetic.h"
#include "server/cli/args.h"
#include "server/cli/serve_commands.h"
#include "server/cli/standings_output.h"
#include "server/definition/csv.h"
#include "server/definition/loader.h"
#include "server/definition/writer.h"
#include "server/reports/export.h"
#include "server/reports/results.h"

namespace podium::cli {

namespace {

namespace fs = std::filesystem;

}  // namespace

const char kUsage[] = R"(usage: podium <command> [options]

  validate DIR [--encoding E] [--scores FILE]
      check the competition in DIR; list every problem with file and line
  score DIR [--format table|json|csv] [--trade ID] [--scores FILE] [--encoding E]
      standings, teams, medal tally and nominations from the marks in DIR
  explain DIR BIB [--scores FILE] [--encoding E]
      how BIB's total was computed, mark by mark (Rasch measures where used)
  judges DIR [--format table|json|csv] [--trade ID] [--scores FILE] [--encoding E]
      judge analytics: each judge's mean deviation from the panel, marks dropped by
      trimming, spread outliers, and Rasch severity and fit where Rasch is on
  generate --out DIR [--contestants N] [--trades T] [--items I] [--judges J]
           [--team-size K] [--fill F] [--seed S] [--normalization none|judge-zscore]
      write a synthetic competition (definition, rosters and scores.csv)

  serve DIR --db FILE [--address HOST:PORT] [--http HOST:PORT|off] [--web DIR]
        [--metrics HOST:PORT] [--threads N] [--tls-cert F --tls-key F]
      run the competition live: the gRPC API on ADDRESS (default 127.0.0.1:50051),
      the pages, JSON API and WebSocket standings on HTTP (default 127.0.0.1:8080),
      every accepted command durable in the SQLite ledger FILE (created if missing),
      Prometheus metrics at http://HOST:PORT/metrics if asked
  tokens DIR --db FILE [--displays N] [--organizers N] [--url BASE [--sheet FILE]]
         [--format table|json]
      issue access tokens: one per judge and chief judge, N displays (1), N organizers (1);
      with --url (the gateway, e.g. http://192.168.1.10:8080) a login link and QR code
      for each; --sheet writes printable login cards (HTML) instead of terminal QR codes
  audit DIR --db FILE [--bib B --item I [--judge J]]
      the history of a mark (or of the whole competition) from the ledger
  export DIR --db FILE --out OUTDIR [--format xlsx,csv,json,html,pdf] [--provisional]
         [--publish-from DATE --publish-to DATE] [--issuer NAME]
      results, teams, medal tally, award and nomination lists, the results notice
      (成绩公示) and the audit trail from the ledger; refused until the competition is
      final unless --provisional (then every page says so). Default formats:
      xlsx,csv,json,html; pdf prints the notice with Chromium

  E is auto (default), utf-8 or gb18030. FILE is relative to DIR unless absolute.
)";

namespace {

// Loads DIR and folds its marks into an engine. Prints problems; nullopt on any.
struct Scored {
  std::shared_ptr<const engine::Competition> competition;
  std::unique_ptr<engine::ScoringEngine> engine;
  size_t events = 0;
};

// The exit code when LoadAndScore fails: 2 for a bad option, 1 for bad input.
struct LoadFailure {
  int code = 1;
};

std::optional<Scored> LoadAndScore(const std::string& dir, const Args& args, std::ostream& err,
                                   LoadFailure* failure) {
  definition::LoadOptions options;
  if (const auto encoding = args.Get("encoding")) {
    auto parsed = definition::ParseEncoding(*encoding);
    if (!parsed.ok()) {
      err << "podium: --encoding: " << parsed.status().message() << "\n";
      failure->code = 2;
      return std::nullopt;
    }
    options.encoding = *parsed;
  }
  options.scores_file = args.Get("scores").value_or("");
  std::vector<engine::Problem> problems;
  auto loaded = definition::LoadCompetition(dir, options, &problems);
  if (!loaded.ok()) {
    if (problems.empty()) {
      err << "podium: " << loaded.status().message() << "\n";
    } else {
      PrintProblems(problems, err);
      err << problems.size() << " problem(s) in " << dir << "\n";
    }
    return std::nullopt;
  }
  Scored scored{.competition = loaded->competition,
                .engine = std::make_unique<engine::ScoringEngine>(loaded->competition),
                .events = loaded->events.size()};
  if (definition::ApplyRecordedEvents(loaded->events, *scored.engine, &problems) > 0) {
    PrintProblems(problems, err);
    err << problems.size() << " problem(s) in " << dir << "\n";
    return std::nullopt;
  }
  scored.engine->Recompute();
  return scored;
}

int Validate(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 1) {
    err << kUsage;
    return 2;
  }
  LoadFailure failure;
  auto scored = LoadAndScore(args.positional[0], args, err, &failure);
  if (!scored) return failure.code;
  const engine::Competition& c = *scored->competition;
  out << "OK " << c.spec().id << ": " << c.num_trades() << " trade(s), " << c.num_contestants()
      << " contestants, " << c.num_judges() << " judges, " << c.num_items() << " items, "
      << scored->events << " marks and penalties\n";
  return 0;
}

// What `score` and `judges` share: DIR (the one argument) scored, the
// --format (table, json or csv) and the trade chosen with --trade (-1: all).
struct Report {
  Scored scored;
  std::string format;
  int trade = -1;
};

// The Report, or nullopt once the reason is printed (`*code`: the exit code).
std::optional<Report> LoadReport(const Args& args, std::ostream& err, int* code) {
  *code = 2;
  if (args.positional.size() != 1) {
    err << kUsage;
    return std::nullopt;
  }
  const std::string format = args.Get("format").value_or("table");
  if (format != "table" && format != "json" && format != "csv") {
    err << "podium: --format must be table, json or csv, not '" << format << "'\n";
    return std::nullopt;
  }
  LoadFailure failure;
  auto scored = LoadAndScore(args.positional[0], args, err, &failure);
  if (!scored) {
    *code = failure.code;
    return std::nullopt;
  }
  int trade = -1;
  if (const auto id = args.Get("trade")) {
    auto found = scored->competition->FindTrade(*id);
    if (!found.ok()) {
      err << "podium: " << found.status().message() << "\n";
      *code = 1;
      return std::nullopt;
    }
    trade = *found;
  }
  return Report{std::move(*scored), format, trade};
}

int Score(const Args& args, std::ostream& out, std::ostream& err) {
  int code = 0;
  const auto report = LoadReport(args, err, &code);
  if (!report) return code;
  const auto standings = report->scored.engine->standings();
  if (report->format == "json") {
    out << StandingsJson(*standings, report->trade);
  } else if (report->format == "csv") {
    out << StandingsCsv(*standings, report->trade);
  } else {
    out << StandingsTable(*standings, report->trade);
  }
  return 0;
}

int Explain(const Args& args, std::ostream& out, std::ostream& err) {
  if (args.positional.size() != 2) {
    err << kUsage;
    return 2;
  }
  LoadFailure failure;
  auto scored = LoadAndScore(args.positional[0], args, err, &failure);
  if (!scored) return failure.code;
  auto contestant = scored->competition->FindContestant(args.positional[1]);
  if (!contestant.ok()) {
    err << "podium: " << contestant.status().message() << "\n";
    return 1;
  }
  out << ExplanationText(*scored->engine->standings(), scored->engine->Explain(*contestant));
  return 0;
}

int Judges(const Args& args, std::ostream& out, std::ostream& err) {
  int code = 0;
  const auto report = LoadReport(args, err, &code);
  if (!report) return code;
  const engine::Competition& c = *report->scored.competition;
  const std::vector<engine::JudgeItemStats> stats =
      report->trade >= 0 ? report->scored.engine->JudgeAnalytics(report->trade)
                         : reports::AllJudgeAnalytics(*report->scored.engine);
  reports::Workbook book{.competition_id = c.spec().id,
                         .competition_name = c.spec().name,
                         .precision = c.spec().precision,
                         .sheets = {reports::JudgeAnalyticsSheet(c, stats)}};
  const reports::Sheet& sheet = book.sheets[0];
  if (report->format == "json") {
    out << reports::WorkbookJson(book);
  } else if (report->format == "csv") {
    out << reports::SheetCsv(sheet, book);
  } else {
    out << SheetTable(sheet, book.precision);
  }
  return 0;
}

std::optional<long long> ParseInteger(const std::string& text) {
  long long value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

int Generate(const Args& args, std::ostream& out, std::ostream& err) {
  const auto dir = args.Get("out");
  if (!dir || !args.positional.empty()) {
    err << kUsage;
    return 2;
  }
  engine::SyntheticOptions options;
  struct IntOption {
    const char* name;
    int* field;
    long long min, max;
  };
  const IntOption ints[] = {{"contestants", &options.contestants, 1, 10'000'000},
                            {"trades", &options.trades, 1, 1000},
                            {"items", &options.items, 1, 100},
                            {"judges", &options.judges, 1, 50},
                            {"team-size", &options.team_size, 0, 1000}};
  for (const IntOption& o : ints) {
    const auto text = args.Get(o.name);
    if (!text) continue;
    const auto value = ParseInteger(*text);
    if (!value || *value < o.min || *value > o.max) {
      err << "podium: --" << o.name << " must be a whole number in [" << o.min << ", " << o.max
          << "]\n";
      return 2;
    }
    *o.field = static_cast<int>(*value);
  }
  if (const auto seed = args.Get("seed")) {
    const auto value = ParseInteger(*seed);
    if (!value || *value < 0) {
      err << "podium: --seed must be a non-negative whole number\n";
      return 2;
    }
    options.seed = static_cast<std::uint64_t>(*value);
  }
  if (const auto fill = args.Get("fill")) {
    char* end = nullptr;
    options.fill = std::strtod(fill->c_str(), &end);
    if (end == fill->c_str() || *end != '\0' || !(options.fill > 0 && options.fill <= 1)) {
      err << "podium: --fill must be a share in (0, 1]\n";
      return 2;
    }
  }
  if (const auto normalization = args.Get("normalization")) {
    if (*normalization == "none") {
      options.normalization = engine::Normalization::kNone;
    } else if (*normalization != "judge-zscore") {
      err << "podium: --normalization must be none or judge-zscore\n";
      return 2;
    }
  }
  engine::SyntheticDefinition definition = engine::MakeSyntheticDefinition(options);
  if (Status s = definition::WriteDefinition(*dir, definition.spec, definition.roster); !s.ok()) {
    err << "podium: " << s.message() << "\n";
    return 1;
  }
  auto competition = engine::Competition::Create(definition.spec, definition.roster);
  if (!competition.ok()) {
    err << "podium: " << competition.status().message() << "\n";
    return 1;
  }
  const engine::Competition& c = **competition;
  std::ofstream scores(fs::path(*dir) / "scores.csv", std::ios::binary);
  scores << definition::CsvLine({"judge", "contestant", "item", "value"});
  size_t marks = 0;
  engine::GenerateSyntheticMarks(c, options, [&](const engine::MarkEvent& m) {
    const engine::ItemIndex& item = c.item(m.item);
    char value[32];
    std::snprintf(value, sizeof value, "%g", m.value);
    scores << c.judge(m.judge).id << ',' << c.contestant(m.contestant).bib << ','
           << c.trade(item.trade).events[item.event].spec->id << '.' << item.spec->id << ','
           << value << "\r\n";
    ++marks;
  });
  scores.close();
  if (!scores) {
    err << "podium: cannot write " << (fs::path(*dir) / "scores.csv").string() << "\n";
    return 1;
  }
  out << "wrote " << *dir << ": " << c.num_contestants() << " contestants, " << c.num_judges()
      << " judges, " << marks << " marks\n";
  return 0;
}

}  // namespace

int Run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? err : out) << kUsage;
    return args.empty() ? 2 : 0;
  }
  const std::string& command = args[0];
  using Handler = int (*)(const Args&, std::ostream&, std::ostream&);
  struct Command {
    const char* name;
    Handler handler;
    std::initializer_list<std::string_view> options;
    std::initializer_list<std::string_view> flags = {};
  };
  static const Command kCommands[] = {
      {"validate", Validate, {"encoding", "scores"}},
      {"score", Score, {"encoding", "scores", "format", "trade"}},
      {"explain", Explain, {"encoding", "scores"}},
      {"judges", Judges, {"encoding", "scores", "format", "trade"}},
      {"generate",
       Generate,
       {"out", "contestants", "trades", "items", "judges", "team-size", "fill", "seed",
        "normalization"}},
      {"serve",
       Serve,
       {"db", "address", "http", "web", "metrics", "threads", "tls-cert", "tls-key", "encoding"}},
      {"tokens", Tokens, {"db", "displays", "organizers", "url", "sheet", "format", "encoding"}},
      {"audit", Audit, {"db", "bib", "item", "judge", "encoding"}},
      {"export",
       Export,
       {"db", "out", "format", "publish-from", "publish-to", "issuer", "encoding"},
       {"provisional"}},
  };
  for (const Command& c : kCommands) {
    if (command != c.name) continue;
    auto parsed = ParseArgs(args, 1, c.options, c.flags);
    if (!parsed.ok()) {
      err << "podium " << command << ": " << parsed.status().message() << "\n" << kUsage;
      return 2;
    }
    return c.handler(*parsed, out, err);
  }
  err << "podium: unknown command '" << command << "'\n" << kUsage;
  return 2;
}

}  // namespace podium::cli
