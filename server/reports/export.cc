#include "server/reports/export.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "server/ledger/ledger.h"
#include "server/reports/results.h"
#include "server/reports/xlsx.h"

namespace podium::reports {

namespace fs = std::filesystem;

namespace {

constexpr char kCsvType[] = "text/csv; charset=utf-8";
constexpr char kXlsxType[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// A directory of its own under the system's temporary directory, removed
// when it goes out of scope.
class ScratchDir final {
 public:
  static StatusOr<ScratchDir> Create() {
    std::string pattern = (fs::temp_directory_path() / "podium-export-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return UnavailableError("cannot create a temporary directory in " +
                              fs::temp_directory_path().string());
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  explicit ScratchDir(fs::path path) : path_(std::move(path)) {}
  fs::path path_;
};

StatusOr<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return UnavailableError("cannot read " + file.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

StatusOr<std::string> XlsxBytes(const Workbook& book) {
  PODIUM_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
  const fs::path file = scratch.path() / "book.xlsx";
  PODIUM_RETURN_IF_ERROR(WriteXlsx(book, file));
  return ReadFile(file);
}

StatusOr<Workbook> AuditWorkbook(const Workbook& results, const ExportSource& source) {
  PODIUM_ASSIGN_OR_RETURN(std::unique_ptr<server::Ledger> ledger,
                          server::Ledger::OpenReadOnly(source.ledger_file));
  std::vector<server::LedgerRecord> records;
  PODIUM_RETURN_IF_ERROR(ledger->Replay([&](const server::LedgerRecord& r) {
    records.push_back(r);
    return OkStatus();
  }));
  Workbook book = results;
  book.sheets = {AuditSheet(records)};
  return book;
}

// Runs Chromium headless to print `html` to PDF; gives up after a minute.
StatusOr<std::string> PrintToPdf(const std::string& html, const fs::path& chromium) {
  if (access(chromium.c_str(), X_OK) != 0) {
    return FailedPreconditionError("notice.pdf needs Chromium, and there is none at " +
                                   chromium.string() +
                                   " (apt-get install chromium); notice.html prints the same");
  }
  PODIUM_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
  const fs::path page = scratch.path() / "notice.html", pdf = scratch.path() / "notice.pdf";
  {
    std::ofstream out(page, std::ios::binary);
    out << html;
    if (!out) return UnavailableError("cannot write " + page.string());
  }
  std::vector<std::string> args = {
      chromium.string(),        "--headless",
      "--no-sandbox",           "--disable-gpu",
      "--no-first-run",         "--user-data-dir=" + (scratch.path() / "profile").string(),
      "--no-pdf-header-footer", "--print-to-pdf=" + pdf.string(),
      "file://" + page.string()};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t child = fork();
  if (child < 0) return UnavailableError("cannot start Chromium");
  if (child == 0) {
    const int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      return UnavailableError("Chromium did not print notice.pdf within 60 s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!fs::exists(pdf)) {
    return UnavailableError("Chromium did not print notice.pdf (exit status " +
                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")");
  }
  return ReadFile(pdf);
}

}  // namespace

std::vector<engine::JudgeItemStats> AllJudgeAnalytics(const engine::ScoringEngine& engine) {
  std::vector<engine::JudgeItemStats> all;
  for (int t = 0; t < engine.competition().num_trades(); ++t) {
    const std::vector<engine::JudgeItemStats> trade = engine.JudgeAnalytics(t);
    all.insert(all.end(), trade.begin(), trade.end());
  }
  return all;
}

std::vector<Sheet> EngineSheets(const engine::ScoringEngine& engine) {
  const engine::Competition& c = engine.competition();
  std::vector<Sheet> sheets = {JudgeAnalyticsSheet(c, AllJudgeAnalytics(engine))};
  for (int t = 0; t < c.num_trades(); ++t) {
    for (Sheet& sheet : SkatingSheets(c, t, engine.SkatingStages(t))) {
      sheets.push_back(std::move(sheet));
    }
  }
  return sheets;
}

StatusOr<Workbook> ResultsForExport(const ExportSource& source, bool provisional) {
  const std::string phase(server::PhaseName(source.lifecycle.phase));
  if (source.lifecycle.phase != server::Phase::kFinal && !provisional) {
    return FailedPreconditionError(
        "the results are not final (the competition is " + phase +
        "): the chief judge or organizer sets it final first, or export them as provisional "
        "(--provisional), which every page then says");
  }
  Workbook book = ResultsWorkbook(*source.standings);
  book.sheets.insert(book.sheets.end(), source.engine_sheets.begin(), source.engine_sheets.end());
  book.phase = phase;
  book.provisional = source.lifecycle.phase != server::Phase::kFinal;
  return book;
}

StatusOr<std::vector<std::string>> ExportFileNames(const Workbook& book,
                                                   const std::vector<std::string>& formats) {
  std::vector<std::string> names;
  for (const std::string& format : formats) {
    if (format == "xlsx") {
      names.insert(names.end(), {"results.xlsx", "audit.xlsx"});
    } else if (format == "csv") {
      for (const Sheet& sheet : book.sheets) names.push_back(sheet.id + ".csv");
      names.push_back("audit.csv");
    } else if (format == "json") {
      names.push_back("results.json");
    } else if (format == "html") {
      names.push_back("notice.html");
    } else if (format == "pdf") {
      names.push_back("notice.pdf");
    } else {
      return InvalidArgumentError("unknown export format '" + format +
                                  "' (use xlsx, csv, json, html or pdf)");
    }
  }
  return names;
}

StatusOr<ExportedFile> ExportFile(const std::string& name, const Workbook& book,
                                  const ExportSource& source, const ExportOptions& options) {
  if (name == "results.xlsx") {
    PODIUM_ASSIGN_OR_RETURN(std::string bytes, XlsxBytes(book));
    return ExportedFile{std::move(bytes), kXlsxType};
  }
  if (name == "audit.xlsx" || name == "audit.csv") {
    PODIUM_ASSIGN_OR_RETURN(Workbook audit, AuditWorkbook(book, source));
    if (name == "audit.csv") return ExportedFile{SheetCsv(audit.sheets[0], audit), kCsvType};
    PODIUM_ASSIGN_OR_RETURN(std::string bytes, XlsxBytes(audit));
    return ExportedFile{std::move(bytes), kXlsxType};
  }
  if (name == "results.json") {
    return ExportedFile{WorkbookJson(book), "application/json; charset=utf-8"};
  }
  if (name == "notice.html") {
    return ExportedFile{ResultsNoticeHtml(book, options.notice), "text/html; charset=utf-8"};
  }
  if (name == "notice.pdf") {
    PODIUM_ASSIGN_OR_RETURN(std::string bytes,
                            PrintToPdf(ResultsNoticeHtml(book, options.notice), options.chromium));
    return ExportedFile{std::move(bytes), "application/pdf"};
  }
  for (const Sheet& sheet : book.sheets) {
    if (name == sheet.id + ".csv") return ExportedFile{SheetCsv(sheet, book), kCsvType};
  }
  return NotFoundError("no export named '" + name + "'");
}

}  // namespace podium::reports
