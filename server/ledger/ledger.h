// Ledger: the append-only event log of a competition, in an embedded SQLite
// file (WAL mode). Every accepted command is one record with a sequence
// number; the scoring state is the fold of the log. Appends are group
// commits: one transaction (one fsync) for a batch of records.
#ifndef PODIUM_SERVER_LEDGER_LEDGER_H_
#define PODIUM_SERVER_LEDGER_LEDGER_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podium/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace podium::server {

// One accepted command, as stored. Fields a kind does not use stay empty.
struct LedgerRecord {
  std::uint64_t sequence = 0;  // assigned on append, from 1
  std::int64_t recorded_at_ms = 0;
  std::string actor;  // judge id, or the label of an organizer/display token
  int role = 0;       // podium.v1.Role number
  std::string device;
  std::string idempotency_key;
  std::uint64_t fingerprint = 0;  // of the content, to tell a retry from a reuse of a key
  std::string
      kind;  // mark | correction | void | status | penalty | lock | unlock | phase | release
  std::string bib;
  std::string item;
  std::string judge;
  std::string penalty;
  std::string status;  // contestant status, or lifecycle phase
  double value = 0;
  std::optional<double> time_used;
  int count = 0;
  std::string reason;
  std::string note;
  // The record before this one about the same contestant's item (same bib
  // and item), 0 if none: the writer links them so a mark's history is found
  // without an index to update on every append. Not part of the fingerprint.
  std::uint64_t previous = 0;

  // A stable 64-bit fingerprint of everything but sequence, time, key and
  // device: the same command retried has the same fingerprint.
  std::uint64_t ComputeFingerprint() const;
};

// A token holder: tokens are stored as SHA-256 hashes, never in the clear.
struct TokenRecord {
  std::string hash;     // 32 raw bytes
  int role = 0;         // podium.v1.Role number
  std::string subject;  // judge id for judges and chief judges; a label otherwise
  std::int64_t created_ms = 0;
  bool revoked = false;
};

// Not thread-safe: one thread (the server's writer) appends; readers open
// their own Ledger (SQLite WAL lets them read while it writes).
class Ledger final {
 public:
  // Opens the ledger file, creating it if missing. A new file is bound to
  // `competition_id`; an existing one must belong to it.
  // Errors: kDataLoss naming the file if it is not a Podium ledger, or is
  // truncated or corrupt; kFailedPrecondition if it belongs to another
  // competition; kUnavailable if it cannot be opened.
  static StatusOr<std::unique_ptr<Ledger>> Open(const std::filesystem::path& file,
                                                std::string_view competition_id);
  // Opens an existing ledger read-only (audit, exports).
  static StatusOr<std::unique_ptr<Ledger>> OpenReadOnly(const std::filesystem::path& file);
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Appends `records` in one transaction, assigning their sequence numbers.
  // All or nothing: on error nothing is stored and sequences are unchanged.
  // Errors: kResourceExhausted if the disk (or the configured page limit) is
  // full; kAlreadyExists if an idempotency key is already stored; kDataLoss or
  // kUnavailable for I/O failures.
  Status Append(std::vector<LedgerRecord>& records);

  // Calls `fn` for every record in sequence order; stops at its first error.
  // Errors: kDataLoss naming the file if a record cannot be read.
  Status Replay(const std::function<Status(const LedgerRecord&)>& fn) const;

  // The record stored under idempotency key `key`, if any (one indexed read).
  // Errors: kDataLoss or kUnavailable naming the file if it cannot be read.
  StatusOr<std::optional<LedgerRecord>> FindKey(std::string_view key) const;

  // Records about one contestant's item (bib and item; and judge, if not
  // empty), in sequence order. `last`: the sequence of the latest of them if
  // the caller knows it (the server's state does; 0: there is none); the
  // records are then read by following their `previous` links, one
  // primary-key read each. Without it the whole log is scanned (podium audit).
  // Errors: kDataLoss naming the file and sequence if a link is broken;
  // kDataLoss or kUnavailable if the file cannot be read.
  StatusOr<std::vector<LedgerRecord>> History(std::string_view bib, std::string_view item,
                                              std::string_view judge,
                                              std::optional<std::uint64_t> last = {}) const;

  std::uint64_t last_sequence() const { return last_sequence_; }
  const std::string& competition_id() const { return competition_id_; }
  const std::filesystem::path& file() const { return file_; }

  // Tokens.
  Status PutToken(const TokenRecord& token);
  StatusOr<std::vector<TokenRecord>> Tokens() const;
  Status RevokeToken(std::string_view subject);

  // Caps the file at `pages` database pages (tests simulate a full disk with it).
  void SetMaxPages(std::int64_t pages);

 private:
  Ledger() = default;
  Status Init(bool read_only, std::string_view competition_id);
  // Brings a schema 1 ledger to schema 2 in one transaction: links each
  // record to the previous one about the same bib and item, and drops the
  // (bib, item) index those links replace.
  Status MigrateFromSchema1();
  Status Error(std::string_view what) const;  // the current SQLite error, classified

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  std::uint64_t last_sequence_ = 0;
  std::string competition_id_;
  // The columns a record is read from ("0" for `previous` in a schema 1
  // ledger opened read-only, which is not migrated).
  std::string select_columns_;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_LEDGER_LEDGER_H_
