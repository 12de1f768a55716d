// The judge's outbox: every mark is written here (SQLite, synchronous) before
// it is sent, and stays until the server has answered it, so marks entered
// while the network is down survive the client exiting, the machine
// rebooting, and are sent later with the same idempotency key — counted once.
#ifndef PODIUM_JUDGES_CLIENT_OUTBOX_H_
#define PODIUM_JUDGES_CLIENT_OUTBOX_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "podium/status.h"

struct sqlite3;

namespace podium::judge {

struct OutboxEntry {
  std::string key;      // the write's idempotency key
  std::string method;   // SubmitMark | CorrectMark
  std::string request;  // the serialized podium.v1 request
  std::string summary;  // what people read: "K001 心肺复苏 12.5"
  std::string state;    // waiting | sent | refused
  int attempts = 0;
  std::string error;           // the last failure, or why it was refused
  std::uint64_t sequence = 0;  // the server's ledger sequence, once sent
  bool duplicate = false;      // the server had it already (a retry)
  std::int64_t created_ms = 0;
};

struct OutboxCounts {
  int waiting = 0;
  int sent = 0;
  int refused = 0;
};

class Outbox final {
 public:
  // Opens (creating) the outbox file. Errors: kUnavailable naming the file.
  static StatusOr<std::unique_ptr<Outbox>> Open(const std::filesystem::path& file);
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // Adds the entries that are not there yet (by key), all in one durable
  // transaction; returns how many were new. A key already queued or sent is
  // left as it is: re-running an import queues nothing twice.
  StatusOr<int> Enqueue(const std::vector<OutboxEntry>& entries, std::int64_t now_ms);

  // Waiting entries, oldest first.
  StatusOr<std::vector<OutboxEntry>> Waiting() const;
  StatusOr<std::optional<OutboxEntry>> Find(const std::string& key) const;
  // The newest `limit` entries in `state`, newest first.
  StatusOr<std::vector<OutboxEntry>> Recent(const std::string& state, int limit) const;
  StatusOr<OutboxCounts> Counts() const;

  // What became of one try of an entry.
  struct Answer {
    enum class Kind { kSent, kRefused, kNotReached };  // not reached: it keeps waiting
    std::string key;
    Kind kind = Kind::kSent;
    std::uint64_t sequence = 0;
    bool duplicate = false;
    std::string why;  // refused or not reached: the message
  };
  // Records answers in one transaction (one sync for a whole batch).
  Status Record(const std::vector<Answer>& answers);

 private:
  Outbox() = default;
  Status Exec(const char* sql) const;
  Status Error(const std::string& what) const;

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

}  // namespace podium::judge

#endif  // PODIUM_JUDGES_CLIENT_OUTBOX_H_
