// IdempotencyIndex: which idempotency keys the ledger already holds, and
// what each one's command became, in memory that stays flat however many
// writes a contest takes.
#ifndef PODIUM_SERVER_CORE_IDEMPOTENCY_INDEX_H_
#define PODIUM_SERVER_CORE_IDEMPOTENCY_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "podium/status.h"
#include "server/core/command.h"

namespace podium::server {

// The most recent keys (far more than a write batch: retries come soon) are
// kept with their result, in a flat hash table over a ring of keys (no
// allocation per key but the key's own text, one hash per call). Older ones are evicted; a
// fixed-size Bloom filter remembers every key ever added, and only when it says "maybe" is the
// ledger asked (`Lookup`). The filter is blocked: all of a key's bits lie in
// one 64-byte block, so a key costs one cache miss, not one per bit. A new
// key — almost every write — costs no ledger read. Without a lookup nothing
// is evicted (offline tools, tests).
// Not thread-safe: used on the writer's thread, like the ledger.
class IdempotencyIndex final {
 public:
  struct Entry {
    std::uint64_t fingerprint = 0;  // of the command's content
    std::uint64_t sequence = 0;     // its ledger sequence
    WriteOutcome outcome = WriteOutcome::kCounted;
    bool operator==(const Entry&) const = default;
  };
  // The ledger's entry for a key, if it holds one.
  using Lookup = std::function<StatusOr<std::optional<Entry>>(std::string_view key)>;

  static constexpr std::size_t kRecentKeys = std::size_t{1} << 18;  // 262,144
  // 16 MiB: about 1.2 % of new keys are "maybe" at 14 million keys.
  static constexpr std::size_t kFilterBits = std::size_t{1} << 27;

  explicit IdempotencyIndex(std::size_t recent_keys = kRecentKeys,
                            std::size_t filter_bits = kFilterBits);

  // From now on keys may be evicted and are looked up with `lookup`.
  void set_lookup(Lookup lookup) { lookup_ = std::move(lookup); }

  // Records `key` (not yet known) as `entry`.
  void Add(std::string_view key, const Entry& entry);

  // The entry of `key`, or nullopt if no command used it.
  // Errors: whatever the lookup returns when the ledger cannot be read.
  StatusOr<std::optional<Entry>> Find(std::string_view key) const;

  // A hint, no effect on results: starts loading what Find() and Add() of
  // `key` will read (its table slot and filter block), and what evicting the
  // recent key `evictions_ahead` places from the oldest will, so a writer
  // that calls this a few commands ahead finds them in cache. Each is
  // otherwise a cache miss, and together they were 8 % of a bulk import.
  void Prefetch(std::string_view key, std::size_t evictions_ahead) const;

  std::size_t recent_size() const { return recent_.size(); }
  // How many Find()s had to ask the ledger (for tests and metrics).
  std::uint64_t lookups() const { return lookups_; }

 private:
  struct alignas(64) FilterBlock {
    std::uint64_t words[8] = {};
  };
  // A key's two hashes: `block` picks the filter block, `mixed` the bits in
  // it and the key's place in the recent-key table.
  struct Hashes {
    std::uint64_t block = 0;
    std::uint64_t mixed = 0;
  };
  static Hashes HashesOf(std::string_view key);
  bool MaybeAdded(const Hashes& hashes) const;

  // A recent key, in arrival order; numbered by `serial` from 0.
  struct Recent {
    std::string key;
    std::uint64_t hash = 0;  // Hashes::mixed
    Entry entry;
  };
  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};
  // A place in the open-addressing table of recent keys (linear probing, at
  // most half full): which Recent holds the key, and its hash.
  struct Slot {
    std::uint64_t hash = 0;
    std::uint64_t serial = kEmpty;
  };
  const Recent& RecentOf(const Slot& slot) const { return recent_[slot.serial - first_serial_]; }
  // The slot holding `key`, or the empty one where it would go.
  std::size_t Probe(std::string_view key, std::uint64_t hash) const;
  void EvictOldest();
  void Grow();  // doubles the table

  std::size_t capacity_;
  std::deque<Recent> recent_;       // oldest first
  std::uint64_t first_serial_ = 0;  // serial of recent_.front()
  std::vector<Slot> slots_;         // a power of two
  std::vector<FilterBlock> filter_;
  Lookup lookup_;
  mutable std::uint64_t lookups_ = 0;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_IDEMPOTENCY_INDEX_H_
