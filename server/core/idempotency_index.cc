#include "server/core/idempotency_index.h"

#include <bit>

#include "podium/check.h"

namespace podium::server {
namespace {

constexpr int kProbes = 7;
constexpr int kBitsPerProbe = 9;  // a bit of a 512-bit block

// Two independent 64-bit hashes of the key (FNV-1a and a multiply-xorshift
// mix of it): the first picks the block, the second the bits in it.
std::pair<std::uint64_t, std::uint64_t> Hashes(std::string_view key) {
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

}  // namespace

IdempotencyIndex::IdempotencyIndex(std::size_t recent_keys, std::size_t filter_bits)
    : capacity_(recent_keys),
      filter_(std::max<std::size_t>(filter_bits / (8 * sizeof(FilterBlock)), 1)) {
  PODIUM_CHECK(recent_keys > 0);
}

bool IdempotencyIndex::MaybeAdded(std::string_view key) const {
  const auto [block_hash, bits] = Hashes(key);
  const FilterBlock& block = filter_[BlockOf(block_hash)];
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = (bits >> (kBitsPerProbe * i)) & 511;
    if ((block.words[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

void IdempotencyIndex::Add(std::string_view key, const Entry& entry) {
  const auto [block_hash, bits] = Hashes(key);
  FilterBlock& block = filter_[BlockOf(block_hash)];
  for (int i = 0; i < kProbes; ++i) {
    const std::uint64_t bit = (bits >> (kBitsPerProbe * i)) & 511;
    block.words[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
  const auto [it, added] = recent_.try_emplace(std::string(key), entry);
  if (!added) {
    it->second = entry;
    return;
  }
  order_.push_back(it->first);  // the map's own copy: nodes never move
  // Evict the oldest only when the ledger can answer for it.
  while (lookup_ && order_.size() > capacity_) {
    recent_.erase(recent_.find(order_.front()));
    order_.pop_front();
  }
}

StatusOr<std::optional<IdempotencyIndex::Entry>> IdempotencyIndex::Find(
    std::string_view key) const {
  if (const auto it = recent_.find(key); it != recent_.end()) return {it->second};
  if (!lookup_ || !MaybeAdded(key)) return {std::nullopt};
  ++lookups_;
  return lookup_(key);
}

}  // namespace podium::server
