#include "podium/engine/chunked_array.h"

#include <cstdint>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace podium::engine {
namespace {

template <typename T>
std::vector<T> Contents(const ChunkedArray<T>& array) {
  std::vector<T> out;
  for (std::size_t i = 0; i < array.size(); ++i) out.push_back(array[i]);
  return out;
}

TEST(ChunkedArrayTest, HoldsACopyOfItsDataAtEverySize) {
  using Array = ChunkedArray<std::int32_t>;
  // Empty, inside one chunk, on chunk boundaries, and past them.
  for (const std::size_t size :
       {std::size_t{0}, std::size_t{1}, Array::kChunkSize - 1, Array::kChunkSize,
        Array::kChunkSize + 1, 3 * Array::kChunkSize + 7}) {
    std::vector<std::int32_t> data(size);
    for (std::size_t i = 0; i < size; ++i) data[i] = static_cast<std::int32_t>(i * 7 + 3);
    const Array array = Array::FromData(data.data(), data.size());
    data.assign(size, -1);  // a copy: the source may change afterwards
    ASSERT_EQ(array.size(), size);
    for (std::size_t i = 0; i < size; ++i) {
      ASSERT_EQ(array[i], static_cast<std::int32_t>(i * 7 + 3)) << "size " << size << " at " << i;
    }
  }
}

TEST(ChunkedArrayTest, AFreshBuilderStartsFromDefaultValues) {
  ChunkedArray<double>::Builder builder(ChunkedArray<double>::kChunkSize + 5);
  builder.Set(3, 1.5);
  builder.Set(ChunkedArray<double>::kChunkSize + 4, 2.5);
  const ChunkedArray<double> array = std::move(builder).Build();
  std::vector<double> expected(ChunkedArray<double>::kChunkSize + 5, 0.0);
  expected[3] = 1.5;
  expected.back() = 2.5;
  EXPECT_EQ(Contents(array), expected);
}

// Many versions, each changing a few scattered elements or a run of them, as
// standings versions do: every version reads as a plain vector edited the
// same way, and no version changes once built.
TEST(ChunkedArrayTest, VersionsMatchAModelAndNeverChangeOnceBuilt) {
  using Array = ChunkedArray<std::int64_t>;
  const std::size_t size = 5 * Array::kChunkSize + 123;
  std::mt19937_64 rng(17);
  std::vector<std::int64_t> model(size);
  for (std::size_t i = 0; i < size; ++i) model[i] = static_cast<std::int64_t>(rng());
  std::vector<Array> versions{Array::FromData(model.data(), size)};
  std::vector<std::vector<std::int64_t>> models{model};
  std::uniform_int_distribution<std::size_t> index(0, size - 1);
  for (int v = 0; v < 40; ++v) {
    Array::Builder builder(versions.back());
    const int edits = v % 3 == 0 ? 1 : 50;
    for (int e = 0; e < edits; ++e) {
      const std::size_t i = index(rng);
      const std::int64_t value = static_cast<std::int64_t>(rng());
      builder.Set(i, value);
      model[i] = value;
    }
    if (v % 5 == 0) {  // a run across chunks, written twice
      const std::size_t first = index(rng) % (size - 2 * Array::kChunkSize);
      for (std::size_t i = first; i < first + 2 * Array::kChunkSize; ++i) {
        builder.Mutable(i) += 1;
        builder.Set(i, builder.Mutable(i) + 1);
        model[i] += 2;
      }
    }
    versions.push_back(std::move(builder).Build());
    models.push_back(model);
  }
  for (std::size_t v = 0; v < versions.size(); ++v) {
    ASSERT_EQ(Contents(versions[v]), models[v]) << "version " << v;
  }
}

}  // namespace
}  // namespace podium::engine
