#include "server/core/idempotency_index.h"

#include <algorithm>
#include <bit>

#include "podium/check.h"

namespace podium::server {
namespace {

constexpr int kProbes = 7;
constexpr int kBitsPerProbe = 9;  // a bit of a 512-bit block

}  // namespace

// Two independent 64-bit hashes of the key (FNV-1a and a multiply-xorshift
// mix of it).
IdempotencyIndex::Hashes IdempotencyIndex::HashesOf(std::string_view key) {
  std::uint64_t h = 14695981039346656037ull;
  for (const unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::uint64_t g = h ^ (h >> 33);
  g *= 0xff51afd7ed558ccdull;
  g ^= g >> 33;
  g *= 0xc4ceb9fe1a85ec53ull;
  g ^= g >> 33;
  return {h, g};
}

IdempotencyIndex::IdempotencyIndex(std::size_t recent_keys, std::size_t filter_bits)
    : capacity_(recent_keys),
      slots_(std::bit_ceil(std::max<std::size_t>(2 * recent_keys, 16))),
      filter_(std::max<std::size_t>(filter_bits / (8 * sizeof(FilterBlock)), 1)) {
  PODIUM_CHECK(recent_keys > 0);
}

bool IdempotencyIndex::MaybeAdded(const Hashes& hashes) const {
  const FilterBlock& block = filter_[hashes.block % filter_.size()];
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = (hashes.mixed >> (kBitsPerProbe * i)) & 511;
    if ((block.words[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

std::size_t IdempotencyIndex::Probe(std::string_view key, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.serial == kEmpty || (slot.hash == hash && RecentOf(slot).key == key)) return i;
  }
}

void IdempotencyIndex::Add(std::string_view key, const Entry& entry) {
  const Hashes hashes = HashesOf(key);
  FilterBlock& block = filter_[hashes.block % filter_.size()];
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = (hashes.mixed >> (kBitsPerProbe * i)) & 511;
    block.words[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
  if (const Slot& slot = slots_[Probe(key, hashes.mixed)]; slot.serial != kEmpty) {
    recent_[slot.serial - first_serial_].entry = entry;
    return;
  }
  if (2 * (recent_.size() + 1) > slots_.size()) Grow();
  slots_[Probe(key, hashes.mixed)] = {hashes.mixed, first_serial_ + recent_.size()};
  recent_.push_back({std::string(key), hashes.mixed, entry});
  // Evict the oldest only when the ledger can answer for it.
  while (lookup_ && recent_.size() > capacity_) EvictOldest();
}

void IdempotencyIndex::EvictOldest() {
  const std::size_t mask = slots_.size() - 1;
  std::size_t hole = recent_.front().hash & mask;
  while (slots_[hole].serial != first_serial_) hole = (hole + 1) & mask;
  // Backward-shift deletion: move later entries of the probe run into the
  // hole when their home slot allows, so every run stays unbroken.
  for (std::size_t next = (hole + 1) & mask; slots_[next].serial != kEmpty;
       next = (next + 1) & mask) {
    const std::size_t home = slots_[next].hash & mask;
    const bool movable =
        hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
    if (movable) {
      slots_[hole] = slots_[next];
      hole = next;
    }
  }
  slots_[hole] = Slot{};
  recent_.pop_front();
  ++first_serial_;
}

void IdempotencyIndex::Grow() {
  std::vector<Slot> old(2 * slots_.size());
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t r = 0; r < recent_.size(); ++r) {
    std::size_t i = recent_[r].hash & mask;
    while (slots_[i].serial != kEmpty) i = (i + 1) & mask;
    slots_[i] = {recent_[r].hash, first_serial_ + r};
  }
}

void IdempotencyIndex::Prefetch(std::string_view key, std::size_t evictions_ahead) const {
  const Hashes hashes = HashesOf(key);
  __builtin_prefetch(&slots_[hashes.mixed & (slots_.size() - 1)]);
  if (lookup_) __builtin_prefetch(&filter_[hashes.block % filter_.size()]);
  // Eviction reads the oldest keys' records, then their slots: the record
  // twice as far ahead, the slot of one already loaded.
  if (!lookup_ || recent_.size() + evictions_ahead < capacity_) return;
  const std::size_t evicted = recent_.size() + evictions_ahead - capacity_;
  if (2 * evicted < recent_.size()) __builtin_prefetch(&recent_[2 * evicted]);
  if (evicted < recent_.size()) {
    __builtin_prefetch(&slots_[recent_[evicted].hash & (slots_.size() - 1)]);
  }
}

StatusOr<std::optional<IdempotencyIndex::Entry>> IdempotencyIndex::Find(
    std::string_view key) const {
  const Hashes hashes = HashesOf(key);
  if (const Slot& slot = slots_[Probe(key, hashes.mixed)]; slot.serial != kEmpty) {
    return {RecentOf(slot).entry};
  }
  if (!lookup_ || !MaybeAdded(hashes)) return {std::nullopt};
  ++lookups_;
  return lookup_(key);
}

}  // namespace podium::server
