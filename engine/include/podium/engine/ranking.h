// Ranking: orders entries (contestants or teams) by integer keys and assigns
// standard competition ranks (1, 2, 2, 4). Keys are compared lexicographically,
// larger first; entries with equal keys share a rank and keep index order.
//
// Keys are integers because ties are judged on published (rounded) values:
// callers turn scores into keys with ToKey(). Key 0 of every entry is its
// group: entries in group 0 are excluded (rank 0) and placed last.
#ifndef PODIUM_ENGINE_RANKING_H_
#define PODIUM_ENGINE_RANKING_H_

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "podium/engine/eigen_types.h"
#include "podium/engine/rounding.h"
#include "podium/engine/task_runner.h"

namespace podium::engine {

// The integer ranking key of a score published with `precision` decimals,
// oriented so that larger is better.
inline std::int64_t ToKey(double score, int precision, bool higher_is_better) {
  const std::int64_t key = ScaledRound(score, precision);
  return higher_is_better ? key : -key;
}

// The positions whose rank may have changed in an update, inclusive.
struct RankSpan {
  int first = 0;
  int last = -1;
  bool empty() const { return last < first; }
};

// Not thread-safe; owned by the engine's single writer.
class Ranking final {
 public:
  // `num_keys` includes the group key.
  void Reset(int num_entries, int num_keys);

  int size() const { return static_cast<int>(rank_at_.size()); }
  int num_keys() const { return static_cast<int>(keys_.cols()); }
  std::int64_t* mutable_keys(int entry) { return keys_.row(entry).data(); }
  std::span<const std::int64_t> keys(int entry) const {
    return {keys_.row(entry).data(), static_cast<size_t>(keys_.cols())};
  }

  // Orders every entry from scratch (LSD radix sort over the packed keys) and
  // assigns ranks. O(n * passes); passes depend on the keys' value ranges.
  // Large rankings are split into parts run on the task runner.
  void SortAll();
  // SortAll(), returning the positions whose entry or rank changed.
  RankSpan SortAllAndCompare();
  // Where SortAll() runs its parts. Not owned.
  void set_task_runner(TaskRunner* runner) { runner_ = runner; }
  // Moves `entry`, whose keys changed since the last sort, to its place and
  // fixes the ranks it affects. O(log n + distance moved). Returns the
  // positions whose rank may have changed.
  RankSpan Update(int entry);

  int rank(int entry) const { return rank_at_[position_[entry]]; }  // 0 = excluded
  int rank_at(int position) const { return rank_at_[position]; }
  const std::vector<std::int32_t>& ranks_by_position() const { return rank_at_; }
  const std::vector<std::int32_t>& positions() const { return position_; }
  int position(int entry) const { return position_[entry]; }  // 0 = first
  int at(int position) const { return order_[position]; }
  const std::vector<std::int32_t>& order() const { return order_; }

  // True if entry a is ordered before entry b.
  bool Before(int a, int b) const;
  bool SameKeys(int a, int b) const;

 private:
  void AssignRanks(int first, int last);
  // Ranks in `span` after Update() moved an entry to `moved_to`, shifting
  // the old ranks of the entries it passed along with them.
  void RerankAfterMove(RankSpan span, int moved_to);

  TaskRunner* runner_ = &SerialTaskRunner::Default();
  KeyMatrix keys_;
  std::vector<std::int32_t> order_;
  std::vector<std::int32_t> position_;
  std::vector<std::int32_t> rank_at_;  // by position
  // Radix sort scratch, kept between sorts.
  std::vector<std::uint64_t> scratch_words_;
  std::vector<std::uint64_t> scratch_words_out_;
  std::vector<std::int32_t> scratch_entries_;
};

// Reference ordering for tests and benchmarks: std::stable_sort with a
// comparator over the same keys. Returns the order.
std::vector<std::int32_t> SortByKeysNaive(const KeyMatrix& keys);

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_RANKING_H_
