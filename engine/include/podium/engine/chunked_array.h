// ChunkedArray: an immutable array stored in shared fixed-size chunks, so a
// new version that differs in a few elements shares every other chunk with
// the previous one. Standings snapshots of a million contestants are built
// this way in time proportional to what changed.
#ifndef PODIUM_ENGINE_CHUNKED_ARRAY_H_
#define PODIUM_ENGINE_CHUNKED_ARRAY_H_

#include <algorithm>
#include <bit>
#include <cstddef>
#include <memory>
#include <vector>

#include "podium/check.h"

namespace podium::engine {

// Immutable once built; safe to read from any thread.
template <typename T>
class ChunkedArray final {
 public:
  // About 16 KB per chunk: a changed entry copies little, and a snapshot of a
  // million entries still shares only a few thousand pointers.
  static constexpr std::size_t kChunkSize =
      std::bit_floor(std::max<std::size_t>(1, 16384 / sizeof(T)));
  static constexpr std::size_t kChunkBits = std::bit_width(kChunkSize) - 1;

  ChunkedArray() = default;

  std::size_t size() const { return size_; }
  const T& operator[](std::size_t i) const {
    return (*chunks_[i >> kChunkBits])[i & (kChunkSize - 1)];
  }

  // An array holding a copy of data[0, size).
  static ChunkedArray FromData(const T* data, std::size_t size) {
    ChunkedArray array;
    array.size_ = size;
    for (std::size_t first = 0; first < size; first += kChunkSize) {
      const std::size_t len = std::min(kChunkSize, size - first);
      array.chunks_.push_back(std::make_shared<std::vector<T>>(data + first, data + first + len));
    }
    return array;
  }

  // Builds a new version. Starts as a copy of `base` (sharing all chunks);
  // the first write to a chunk copies that chunk only.
  class Builder final {
   public:
    explicit Builder(const ChunkedArray& base) : array_(base), owned_(base.chunks_.size(), false) {}
    // A fresh array of `size` default values.
    explicit Builder(std::size_t size) {
      array_.size_ = size;
      const std::size_t chunks = (size + kChunkSize - 1) / kChunkSize;
      array_.chunks_.reserve(chunks);
      for (std::size_t c = 0; c < chunks; ++c) {
        const std::size_t len = std::min(kChunkSize, size - c * kChunkSize);
        array_.chunks_.push_back(std::make_shared<std::vector<T>>(len));
      }
      owned_.assign(chunks, true);
    }

    void Set(std::size_t i, const T& value) { Mutable(i) = value; }
    T& Mutable(std::size_t i) {
      PODIUM_CHECK(i < array_.size_);
      const std::size_t c = i >> kChunkBits;
      if (!owned_[c]) {
        array_.chunks_[c] = std::make_shared<std::vector<T>>(*array_.chunks_[c]);
        owned_[c] = true;
      }
      // Owned chunks were created by this builder, so casting away const is safe.
      return const_cast<std::vector<T>&>(*array_.chunks_[c])[i & (kChunkSize - 1)];
    }
    ChunkedArray Build() && { return std::move(array_); }

   private:
    ChunkedArray array_;
    std::vector<bool> owned_;
  };

 private:
  std::vector<std::shared_ptr<const std::vector<T>>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_CHUNKED_ARRAY_H_
