#include "judges-client/outbox.h"

#include <sqlite3.h>

namespace podium::judge {

namespace {

// A prepared statement, finalized on scope exit.
class Statement final {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_; }
  void Bind(int i, const std::string& text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void BindBlob(int i, const std::string& bytes) {
    sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }
  void Bind(int i, std::int64_t value) { sqlite3_bind_int64(stmt_, i, value); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

std::string Text(sqlite3_stmt* stmt, int column) {
  const auto* text = sqlite3_column_text(stmt, column);
  return text == nullptr
             ? ""
             : std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt, column));
}

constexpr char kColumns[] =
    "key, method, request, summary, state, attempts, error, sequence, duplicate, created_ms";

OutboxEntry ReadEntry(sqlite3_stmt* stmt) {
  OutboxEntry e;
  e.key = Text(stmt, 0);
  e.method = Text(stmt, 1);
  e.request.assign(static_cast<const char*>(sqlite3_column_blob(stmt, 2)),
                   sqlite3_column_bytes(stmt, 2));
  e.summary = Text(stmt, 3);
  e.state = Text(stmt, 4);
  e.attempts = sqlite3_column_int(stmt, 5);
  e.error = Text(stmt, 6);
  e.sequence = static_cast<std::uint64_t>(sqlite3_column_int64(stmt, 7));
  e.duplicate = sqlite3_column_int(stmt, 8) != 0;
  e.created_ms = sqlite3_column_int64(stmt, 9);
  return e;
}

}  // namespace

StatusOr<std::unique_ptr<Outbox>> Outbox::Open(const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::unique_ptr<Outbox> outbox(new Outbox());
  outbox->file_ = file;
  if (sqlite3_open_v2(file.c_str(), &outbox->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    return outbox->Error("cannot open the outbox");
  }
  sqlite3_busy_timeout(outbox->db_, 5000);  // two podium-judge commands at once
  PODIUM_RETURN_IF_ERROR(outbox->Exec("PRAGMA journal_mode=WAL"));
  // A mark is on disk before it is sent: the whole point of the outbox.
  PODIUM_RETURN_IF_ERROR(outbox->Exec("PRAGMA synchronous=FULL"));
  PODIUM_RETURN_IF_ERROR(
      outbox->Exec("CREATE TABLE IF NOT EXISTS outbox ("
                   " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                   " key TEXT NOT NULL UNIQUE,"
                   " method TEXT NOT NULL,"
                   " request BLOB NOT NULL,"
                   " summary TEXT NOT NULL,"
                   " state TEXT NOT NULL DEFAULT 'waiting',"
                   " attempts INTEGER NOT NULL DEFAULT 0,"
                   " error TEXT NOT NULL DEFAULT '',"
                   " sequence INTEGER NOT NULL DEFAULT 0,"
                   " duplicate INTEGER NOT NULL DEFAULT 0,"
                   " created_ms INTEGER NOT NULL)"));
  return outbox;
}

Outbox::~Outbox() { sqlite3_close_v2(db_); }

Status Outbox::Exec(const char* sql) const {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Error(sql);
  return OkStatus();
}

Status Outbox::Error(const std::string& what) const {
  return UnavailableError(file_.string() + ": " + what + ": " +
                          (db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory"));
}

StatusOr<int> Outbox::Enqueue(const std::vector<OutboxEntry>& entries, std::int64_t now_ms) {
  PODIUM_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement insert(db_,
                   "INSERT OR IGNORE INTO outbox (key, method, request, summary, created_ms)"
                   " VALUES (?, ?, ?, ?, ?)");
  int added = 0;
  for (const OutboxEntry& e : entries) {
    insert.Bind(1, e.key);
    insert.Bind(2, e.method);
    insert.BindBlob(3, e.request);
    insert.Bind(4, e.summary);
    insert.Bind(5, now_ms);
    if (!insert.ok() || sqlite3_step(insert.get()) != SQLITE_DONE) {
      const Status error = Error("cannot queue " + e.key);
      (void)Exec("ROLLBACK");  // the error above is the one to report
      return error;
    }
    added += sqlite3_changes(db_);
    sqlite3_reset(insert.get());
  }
  PODIUM_RETURN_IF_ERROR(Exec("COMMIT"));
  return added;
}

StatusOr<std::vector<OutboxEntry>> Outbox::Waiting() const {
  Statement select(
      db_, (std::string("SELECT ") + kColumns + " FROM outbox WHERE state = 'waiting' ORDER BY id")
               .c_str());
  if (!select.ok()) return Error("cannot read the outbox");
  std::vector<OutboxEntry> out;
  while (sqlite3_step(select.get()) == SQLITE_ROW) out.push_back(ReadEntry(select.get()));
  return out;
}

StatusOr<std::optional<OutboxEntry>> Outbox::Find(const std::string& key) const {
  Statement select(db_, (std::string("SELECT ") + kColumns + " FROM outbox WHERE key = ?").c_str());
  if (!select.ok()) return Error("cannot read the outbox");
  select.Bind(1, key);
  if (sqlite3_step(select.get()) != SQLITE_ROW) return std::optional<OutboxEntry>();
  return std::optional<OutboxEntry>(ReadEntry(select.get()));
}

StatusOr<std::vector<OutboxEntry>> Outbox::Recent(const std::string& state, int limit) const {
  Statement select(db_, (std::string("SELECT ") + kColumns +
                         " FROM outbox WHERE state = ? ORDER BY id DESC LIMIT ?")
                            .c_str());
  if (!select.ok()) return Error("cannot read the outbox");
  select.Bind(1, state);
  select.Bind(2, std::int64_t{limit});
  std::vector<OutboxEntry> out;
  while (sqlite3_step(select.get()) == SQLITE_ROW) out.push_back(ReadEntry(select.get()));
  return out;
}

StatusOr<OutboxCounts> Outbox::Counts() const {
  Statement select(db_, "SELECT state, COUNT(*) FROM outbox GROUP BY state");
  if (!select.ok()) return Error("cannot read the outbox");
  OutboxCounts counts;
  while (sqlite3_step(select.get()) == SQLITE_ROW) {
    const std::string state = Text(select.get(), 0);
    const int n = sqlite3_column_int(select.get(), 1);
    if (state == "waiting") counts.waiting = n;
    if (state == "sent") counts.sent = n;
    if (state == "refused") counts.refused = n;
  }
  return counts;
}

Status Outbox::Record(const std::vector<Answer>& answers) {
  PODIUM_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
  Statement update(db_,
                   "UPDATE outbox SET state = ?, attempts = attempts + 1, error = ?,"
                   " sequence = ?, duplicate = ? WHERE key = ?");
  for (const Answer& a : answers) {
    update.Bind(1, std::string(a.kind == Answer::Kind::kSent      ? "sent"
                               : a.kind == Answer::Kind::kRefused ? "refused"
                                                                  : "waiting"));
    update.Bind(2, a.why);
    update.Bind(3, static_cast<std::int64_t>(a.sequence));
    update.Bind(4, std::int64_t{a.duplicate ? 1 : 0});
    update.Bind(5, a.key);
    if (!update.ok() || sqlite3_step(update.get()) != SQLITE_DONE) {
      const Status error = Error("cannot record the answer for " + a.key);
      (void)Exec("ROLLBACK");  // the error above is the one to report
      return error;
    }
    sqlite3_reset(update.get());
  }
  return Exec("COMMIT");
}

}  // namespace podium::judge
