#include "server/ledger/ledger.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

namespace podium::server {

namespace {

// Schema 2 links each record to the previous one about the same bib and
// item (`previous`) instead of indexing (bib, item); schema 1 ledgers are
// migrated when opened for writing.
constexpr int kSchemaVersion = 2;

constexpr char kSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY,
  at_ms INTEGER NOT NULL,
  actor TEXT NOT NULL,
  role INTEGER NOT NULL,
  device TEXT NOT NULL,
  key TEXT NOT NULL UNIQUE,
  fingerprint INTEGER NOT NULL,
  kind TEXT NOT NULL,
  bib TEXT NOT NULL,
  item TEXT NOT NULL,
  judge TEXT NOT NULL,
  penalty TEXT NOT NULL,
  status TEXT NOT NULL,
  value REAL NOT NULL,
  time_used REAL,
  count INTEGER NOT NULL,
  reason TEXT NOT NULL,
  note TEXT NOT NULL,
  previous INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens(
  hash BLOB PRIMARY KEY,
  role INTEGER NOT NULL,
  subject TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0);
)sql";

// Every column but `previous`, which schema 1 lacks.
constexpr char kColumns[] =
    "seq, at_ms, actor, role, device, key, fingerprint, kind, bib, item, judge, penalty, status, "
    "value, time_used, count, reason, note";

constexpr char kMigrateFromSchema1[] = R"sql(
ALTER TABLE events ADD COLUMN previous INTEGER NOT NULL DEFAULT 0;
UPDATE events SET previous = linked.previous
  FROM (SELECT seq, LAG(seq, 1, 0) OVER (PARTITION BY bib, item ORDER BY seq) AS previous
          FROM events WHERE bib <> '' AND item <> '') AS linked
  WHERE events.seq = linked.seq;
DROP INDEX IF EXISTS events_by_mark;
UPDATE meta SET value = '2' WHERE key = 'schema';
)sql";

// FNV-1a over the fields, with a separator so ("ab","c") != ("a","bc").
class Fingerprint final {
 public:
  void Add(std::string_view s) {
    for (const char c : s) Mix(static_cast<unsigned char>(c));
    Mix(0xFF);
  }
  void Add(double x) {
    unsigned char bytes[sizeof x];
    std::memcpy(bytes, &x, sizeof x);
    for (const unsigned char b : bytes) Mix(b);
  }
  std::uint64_t value() const { return hash_; }

 private:
  void Mix(unsigned char byte) {
    hash_ ^= byte;
    hash_ *= 0x100000001b3ULL;
  }
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string ColumnText(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text == nullptr
             ? std::string()
             : std::string(reinterpret_cast<const char*>(text),
                           static_cast<size_t>(sqlite3_column_bytes(statement, column)));
}

LedgerRecord ReadRecord(sqlite3_stmt* s) {
  LedgerRecord r;
  r.sequence = static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
  r.recorded_at_ms = sqlite3_column_int64(s, 1);
  r.actor = ColumnText(s, 2);
  r.role = sqlite3_column_int(s, 3);
  r.device = ColumnText(s, 4);
  r.idempotency_key = ColumnText(s, 5);
  r.fingerprint = static_cast<std::uint64_t>(sqlite3_column_int64(s, 6));
  r.kind = ColumnText(s, 7);
  r.bib = ColumnText(s, 8);
  r.item = ColumnText(s, 9);
  r.judge = ColumnText(s, 10);
  r.penalty = ColumnText(s, 11);
  r.status = ColumnText(s, 12);
  r.value = sqlite3_column_double(s, 13);
  if (sqlite3_column_type(s, 14) != SQLITE_NULL) r.time_used = sqlite3_column_double(s, 14);
  r.count = sqlite3_column_int(s, 15);
  r.reason = ColumnText(s, 16);
  r.note = ColumnText(s, 17);
  r.previous = static_cast<std::uint64_t>(sqlite3_column_int64(s, 18));
  return r;
}

// Finalizes a statement when it goes out of scope.
class Statement final {
 public:
  Statement(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Statement() { sqlite3_finalize(s_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  sqlite3_stmt* get() const { return s_; }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_ = SQLITE_OK;
};

void BindText(sqlite3_stmt* s, int index, const std::string& text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

}  // namespace

std::uint64_t LedgerRecord::ComputeFingerprint() const {
  Fingerprint f;
  for (const std::string* s :
       {&actor, &kind, &bib, &item, &judge, &penalty, &status, &reason, &note}) {
    f.Add(*s);
  }
  f.Add(static_cast<double>(role));
  f.Add(value);
  f.Add(time_used ? *time_used : -1.0);
  f.Add(static_cast<double>(count));
  return f.value();
}

Status Ledger::Error(std::string_view what) const {
  const int code = db_ == nullptr ? SQLITE_CANTOPEN : sqlite3_extended_errcode(db_);
  const std::string message = std::string(what) + " in " + file_.string() + ": " +
                              (db_ == nullptr ? "cannot open" : sqlite3_errmsg(db_));
  switch (code & 0xFF) {
    case SQLITE_FULL:
      return Status(StatusCode::kResourceExhausted, message + " (disk full)");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(message);
    case SQLITE_CONSTRAINT:
      return AlreadyExistsError(message);
    case SQLITE_CANTOPEN:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(message);
    default:
      return DataLossError(message);
  }
}

StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::filesystem::path& file,
                                               std::string_view competition_id) {
  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->file_ = file;
  const int rc =
      sqlite3_open_v2(file.c_str(), &ledger->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return ledger->Error("cannot open the ledger");
  PODIUM_RETURN_IF_ERROR(ledger->Init(false, competition_id));
  return ledger;
}

StatusOr<std::unique_ptr<Ledger>> Ledger::OpenReadOnly(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) return NotFoundError("no ledger " + file.string());
  std::unique_ptr<Ledger> ledger(new Ledger());
  ledger->file_ = file;
  const int rc = sqlite3_open_v2(file.c_str(), &ledger->db_,
                                 SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) return ledger->Error("cannot open the ledger");
  PODIUM_RETURN_IF_ERROR(ledger->Init(true, ""));
  return ledger;
}

Ledger::~Ledger() {
  sqlite3_finalize(insert_);
  sqlite3_close(db_);
}

Status Ledger::Init(bool read_only, std::string_view competition_id) {
  sqlite3_busy_timeout(db_, 5000);
  if (!read_only) {
    // WAL: readers never block the writer; FULL: a commit is durable when it returns.
    // A 64 MB page cache keeps the index pages of a large contest in memory.
    if (sqlite3_exec(db_,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;",
                     nullptr, nullptr, nullptr) != SQLITE_OK ||
        sqlite3_exec(db_, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Error("not a Podium ledger (cannot set it up)");
    }
  }
  // The meta table says whose ledger this is.
  Statement meta(db_, "SELECT key, value FROM meta");
  if (!meta.ok()) return Error("not a Podium ledger");
  std::string schema, competition;
  int rc;
  while ((rc = sqlite3_step(meta.get())) == SQLITE_ROW) {
    const std::string key = ColumnText(meta.get(), 0);
    if (key == "schema") schema = ColumnText(meta.get(), 1);
    if (key == "competition") competition = ColumnText(meta.get(), 1);
  }
  if (rc != SQLITE_DONE) return Error("cannot read the ledger's header");
  if (schema.empty() && !read_only) {
    Statement put(db_, "INSERT INTO meta(key, value) VALUES ('schema', ?1), ('competition', ?2)");
    const std::string version = std::to_string(kSchemaVersion);
    const std::string id(competition_id);
    BindText(put.get(), 1, version);
    BindText(put.get(), 2, id);
    if (sqlite3_step(put.get()) != SQLITE_DONE) return Error("cannot write the ledger's header");
    schema = version;
    competition = id;
  }
  if (schema != std::to_string(kSchemaVersion) && schema != "1") {
    return DataLossError(file_.string() + " is not a Podium ledger of schema version 1 or " +
                         std::to_string(kSchemaVersion));
  }
  if (!read_only && competition != competition_id) {
    return FailedPreconditionError(file_.string() + " is the ledger of competition '" +
                                   competition + "', not '" + std::string(competition_id) + "'");
  }
  if (schema == "1" && !read_only) {
    PODIUM_RETURN_IF_ERROR(MigrateFromSchema1());
    schema = std::to_string(kSchemaVersion);
  }
  select_columns_ = std::string(kColumns) + (schema == "1" ? ", 0" : ", previous");
  competition_id_ = competition;
  Statement last(db_, "SELECT COALESCE(MAX(seq), 0) FROM events");
  if (!last.ok() || sqlite3_step(last.get()) != SQLITE_ROW) return Error("cannot read the ledger");
  last_sequence_ = static_cast<std::uint64_t>(sqlite3_column_int64(last.get(), 0));
  if (!read_only) {
    const std::string sql =
        std::string("INSERT INTO events(") + kColumns +
        ", previous) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15, ?16, ?17, ?18, ?19)";
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &insert_, nullptr) != SQLITE_OK) {
      return Error("cannot prepare the ledger");
    }
  }
  return OkStatus();
}

Status Ledger::MigrateFromSchema1() {
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error("cannot begin upgrading the ledger from schema 1");
  }
  if (sqlite3_exec(db_, kMigrateFromSchema1, nullptr, nullptr, nullptr) != SQLITE_OK) {
    const Status error = Error("cannot upgrade the ledger from schema 1");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const Status error = Error("cannot commit the ledger's upgrade from schema 1");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  return OkStatus();
}

Status Ledger::Append(std::vector<LedgerRecord>& records) {
  if (records.empty()) return OkStatus();
  if (insert_ == nullptr) return FailedPreconditionError(file_.string() + " is open read-only");
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Error("cannot begin a transaction");
  }
  std::uint64_t sequence = last_sequence_;
  for (LedgerRecord& r : records) {
    sqlite3_stmt* s = insert_;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    sqlite3_bind_int64(s, 1, static_cast<sqlite3_int64>(sequence + 1));
    sqlite3_bind_int64(s, 2, r.recorded_at_ms);
    BindText(s, 3, r.actor);
    sqlite3_bind_int(s, 4, r.role);
    BindText(s, 5, r.device);
    BindText(s, 6, r.idempotency_key);
    sqlite3_bind_int64(s, 7, static_cast<sqlite3_int64>(r.fingerprint));
    BindText(s, 8, r.kind);
    BindText(s, 9, r.bib);
    BindText(s, 10, r.item);
    BindText(s, 11, r.judge);
    BindText(s, 12, r.penalty);
    BindText(s, 13, r.status);
    sqlite3_bind_double(s, 14, r.value);
    if (r.time_used) {
      sqlite3_bind_double(s, 15, *r.time_used);
    } else {
      sqlite3_bind_null(s, 15);
    }
    sqlite3_bind_int(s, 16, r.count);
    BindText(s, 17, r.reason);
    BindText(s, 18, r.note);
    sqlite3_bind_int64(s, 19, static_cast<sqlite3_int64>(r.previous));
    if (sqlite3_step(s) != SQLITE_DONE) {
      const Status error = Error("cannot append to the ledger");
      sqlite3_reset(s);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return error;
    }
    ++sequence;
  }
  sqlite3_reset(insert_);
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
    const Status error = Error("cannot commit to the ledger");
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return error;
  }
  for (LedgerRecord& r : records) r.sequence = ++last_sequence_;
  return OkStatus();
}

Status Ledger::Replay(const std::function<Status(const LedgerRecord&)>& fn) const {
  const std::string sql = "SELECT " + select_columns_ + " FROM events ORDER BY seq";
  Statement select(db_, sql.c_str());
  if (!select.ok()) return Error("cannot read the ledger");
  int rc;
  std::uint64_t expected = 1;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    const LedgerRecord record = ReadRecord(select.get());
    if (record.sequence != expected) {
      return DataLossError(file_.string() + ": ledger sequence " + std::to_string(expected) +
                           " is missing (next is " + std::to_string(record.sequence) + ")");
    }
    ++expected;
    PODIUM_RETURN_IF_ERROR(fn(record));
  }
  if (rc != SQLITE_DONE) return Error("cannot read the ledger");
  return OkStatus();
}

StatusOr<std::optional<LedgerRecord>> Ledger::FindKey(std::string_view key) const {
  const std::string sql = "SELECT " + select_columns_ + " FROM events WHERE key = ?1";
  Statement select(db_, sql.c_str());
  if (!select.ok()) return Error("cannot read the ledger");
  const std::string k(key);
  BindText(select.get(), 1, k);
  const int rc = sqlite3_step(select.get());
  if (rc == SQLITE_ROW) return {ReadRecord(select.get())};
  if (rc != SQLITE_DONE) return Error("cannot read the ledger");
  return {std::nullopt};
}

StatusOr<std::vector<LedgerRecord>> Ledger::History(std::string_view bib, std::string_view item,
                                                    std::string_view judge,
                                                    std::optional<std::uint64_t> last) const {
  const std::string b(bib), i(item), j(judge);
  std::vector<LedgerRecord> records;
  if (!last) {
    const std::string sql = "SELECT " + select_columns_ +
                            " FROM events WHERE bib = ?1 AND item = ?2 AND (?3 = '' OR judge = ?3) "
                            "ORDER BY seq";
    Statement select(db_, sql.c_str());
    if (!select.ok()) return Error("cannot read the ledger");
    BindText(select.get(), 1, b);
    BindText(select.get(), 2, i);
    BindText(select.get(), 3, j);
    int rc;
    while ((rc = sqlite3_step(select.get())) == SQLITE_ROW)
      records.push_back(ReadRecord(select.get()));
    if (rc != SQLITE_DONE) return Error("cannot read the ledger");
    return records;
  }
  const std::string sql = "SELECT " + select_columns_ + " FROM events WHERE seq = ?1";
  Statement select(db_, sql.c_str());
  if (!select.ok()) return Error("cannot read the ledger");
  std::uint64_t linked_from = 0;
  for (std::uint64_t seq = *last; seq != 0;) {
    sqlite3_reset(select.get());
    sqlite3_bind_int64(select.get(), 1, static_cast<sqlite3_int64>(seq));
    const int rc = sqlite3_step(select.get());
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error("cannot read the ledger");
    const std::string from =
        linked_from == 0 ? "" : " (linked from " + std::to_string(linked_from) + ")";
    if (rc == SQLITE_DONE) {
      return DataLossError(file_.string() + ": ledger sequence " + std::to_string(seq) + from +
                           " is missing");
    }
    LedgerRecord record = ReadRecord(select.get());
    if (record.bib != b || record.item != i || record.previous >= seq) {
      return DataLossError(file_.string() + ": ledger sequence " + std::to_string(seq) + from +
                           " is not a record of bib '" + b + "' item '" + i +
                           "' linked to an earlier one");
    }
    linked_from = seq;
    seq = record.previous;
    if (j.empty() || record.judge == j) records.push_back(std::move(record));
  }
  std::reverse(records.begin(), records.end());
  return records;
}

Status Ledger::PutToken(const TokenRecord& token) {
  Statement put(db_,
                "INSERT OR REPLACE INTO tokens(hash, role, subject, created_ms, revoked) VALUES "
                "(?1, ?2, ?3, ?4, ?5)");
  if (!put.ok()) return Error("cannot store a token");
  sqlite3_bind_blob(put.get(), 1, token.hash.data(), static_cast<int>(token.hash.size()),
                    SQLITE_STATIC);
  sqlite3_bind_int(put.get(), 2, token.role);
  BindText(put.get(), 3, token.subject);
  sqlite3_bind_int64(put.get(), 4, token.created_ms);
  sqlite3_bind_int(put.get(), 5, token.revoked ? 1 : 0);
  if (sqlite3_step(put.get()) != SQLITE_DONE) return Error("cannot store a token");
  return OkStatus();
}

StatusOr<std::vector<TokenRecord>> Ledger::Tokens() const {
  Statement select(db_, "SELECT hash, role, subject, created_ms, revoked FROM tokens");
  if (!select.ok()) return Error("cannot read tokens");
  std::vector<TokenRecord> tokens;
  int rc;
  while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
    TokenRecord t;
    const auto* blob = static_cast<const char*>(sqlite3_column_blob(select.get(), 0));
    t.hash.assign(blob, static_cast<size_t>(sqlite3_column_bytes(select.get(), 0)));
    t.role = sqlite3_column_int(select.get(), 1);
    t.subject = ColumnText(select.get(), 2);
    t.created_ms = sqlite3_column_int64(select.get(), 3);
    t.revoked = sqlite3_column_int(select.get(), 4) != 0;
    tokens.push_back(std::move(t));
  }
  if (rc != SQLITE_DONE) return Error("cannot read tokens");
  return tokens;
}

Status Ledger::RevokeToken(std::string_view subject) {
  Statement update(db_, "UPDATE tokens SET revoked = 1 WHERE subject = ?1");
  const std::string s(subject);
  BindText(update.get(), 1, s);
  if (sqlite3_step(update.get()) != SQLITE_DONE) return Error("cannot revoke a token");
  if (sqlite3_changes(db_) == 0) return NotFoundError("no token for '" + s + "'");
  return OkStatus();
}

void Ledger::SetMaxPages(std::int64_t pages) {
  const std::string sql = "PRAGMA max_page_count=" + std::to_string(pages);
  sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
}

}  // namespace podium::server
