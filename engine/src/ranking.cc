#include "podium/engine/ranking.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>

#include "podium/check.h"
#include "podium/engine/task_runner.h"

namespace podium::engine {

namespace {

// Digits of at most this many bits keep the histogram and the scatter
// targets cache-friendly.
constexpr int kMaxDigitBits = 11;

// Splits [0, n) into `parts` contiguous ranges.
std::pair<int, int> Part(int n, int parts, int part) {
  const auto first = static_cast<int>(static_cast<std::int64_t>(n) * part / parts);
  const auto last = static_cast<int>(static_cast<std::int64_t>(n) * (part + 1) / parts);
  return {first, last};
}

// Stable LSD radix sort of (word, entry) pairs by word, ascending, looking
// only at the low `bits` bits of the words. `words_out`/`entries_out` are
// scratch of the same size (kept by the caller to avoid page faults). With
// several parts, each part counts and scatters its own range; bucket offsets
// put part 0's entries of a bucket before part 1's, which keeps it stable.
void RadixSortPairs(std::vector<std::uint64_t>& words, std::vector<std::int32_t>& entries,
                    std::vector<std::uint64_t>& words_out, std::vector<std::int32_t>& entries_out,
                    int bits, TaskRunner& runner, int parts) {
  if (bits == 0) return;
  const int n = static_cast<int>(words.size());
  const int passes = (bits + kMaxDigitBits - 1) / kMaxDigitBits;
  const int digit_bits = (bits + passes - 1) / passes;
  const std::uint64_t mask = (std::uint64_t{1} << digit_bits) - 1;
  const std::size_t buckets = std::size_t{1} << digit_bits;
  std::vector<std::vector<std::uint32_t>> count(parts, std::vector<std::uint32_t>(buckets));
  for (int pass = 0; pass < passes; ++pass) {
    const int shift = pass * digit_bits;
    runner.Run(parts, [&](int part) {
      std::vector<std::uint32_t>& c = count[part];
      std::fill(c.begin(), c.end(), 0);
      const auto [first, last] = Part(n, parts, part);
      for (int i = first; i < last; ++i) ++c[(words[i] >> shift) & mask];
    });
    std::uint32_t sum = 0;
    for (std::size_t b = 0; b < buckets; ++b) {
      for (int part = 0; part < parts; ++part) {
        const std::uint32_t here = count[part][b];
        count[part][b] = sum;
        sum += here;
      }
    }
    runner.Run(parts, [&](int part) {
      std::vector<std::uint32_t>& c = count[part];
      const auto [first, last] = Part(n, parts, part);
      for (int i = first; i < last; ++i) {
        const std::uint32_t slot = c[(words[i] >> shift) & mask]++;
        words_out[slot] = words[i];
        entries_out[slot] = entries[i];
      }
    });
    words.swap(words_out);
    entries.swap(entries_out);
  }
}

}  // namespace

void Ranking::Reset(int num_entries, int num_keys) {
  PODIUM_CHECK(num_entries >= 0 && num_keys >= 1);
  keys_.setZero(num_entries, num_keys);
  order_.resize(num_entries);
  std::iota(order_.begin(), order_.end(), 0);
  position_ = order_;
  rank_at_.assign(num_entries, 0);
}

bool Ranking::SameKeys(int a, int b) const {
  const std::int64_t* ka = keys_.row(a).data();
  const std::int64_t* kb = keys_.row(b).data();
  for (Eigen::Index k = 0; k < keys_.cols(); ++k) {
    if (ka[k] != kb[k]) return false;
  }
  return true;
}

bool Ranking::Before(int a, int b) const {
  const std::int64_t* ka = keys_.row(a).data();
  const std::int64_t* kb = keys_.row(b).data();
  for (Eigen::Index k = 0; k < keys_.cols(); ++k) {
    if (ka[k] != kb[k]) return ka[k] > kb[k];
  }
  return a < b;
}

RankSpan Ranking::SortAllAndCompare() {
  const int n = size();
  const std::vector<std::int32_t> old_order = order_;
  const std::vector<std::int32_t> old_rank = rank_at_;
  SortAll();
  RankSpan span;
  int p = 0;
  while (p < n && order_[p] == old_order[p] && rank_at_[p] == old_rank[p]) ++p;
  if (p == n) return span;
  int q = n - 1;
  while (order_[q] == old_order[q] && rank_at_[q] == old_rank[q]) --q;
  return {p, q};
}

void Ranking::SortAll() {
  const int n = size();
  const int num_keys = static_cast<int>(keys_.cols());
  std::iota(order_.begin(), order_.end(), 0);
  if (n <= 1) {
    for (int p = 0; p < n; ++p) position_[order_[p]] = p;
    AssignRanks(0, n - 1);
    return;
  }
  TaskRunner& runner = *runner_;
  // Parallel parts only pay off on large rankings.
  constexpr int kMinPart = 1 << 16;
  const int parts = std::max(1, std::min(runner.concurrency(), n / kMinPart));

  // Per key: its range, so each key takes only the bits it needs. Groups are
  // >= 0, so excluded entries (group 0) all sort last.
  struct Range {
    std::vector<std::int64_t> lo, hi;
    int excluded = 0;
  };
  std::vector<Range> ranges(parts, Range{std::vector<std::int64_t>(num_keys, INT64_MAX),
                                         std::vector<std::int64_t>(num_keys, INT64_MIN)});
  runner.Run(parts, [&](int part) {
    Range& range = ranges[part];
    const auto [first, last] = Part(n, parts, part);
    // Column by column over the row-major keys: each pass keeps its bounds in
    // registers.
    int excluded_here = 0;
    for (int e = first; e < last; ++e) excluded_here += keys_(e, 0) == 0 ? 1 : 0;
    range.excluded = excluded_here;
    for (int c = 0; c < num_keys; ++c) {
      std::int64_t lo_c = INT64_MAX, hi_c = INT64_MIN;
      const std::int64_t* k = keys_.data() + c;
      for (int e = first; e < last; ++e) {
        const std::int64_t v = k[static_cast<std::ptrdiff_t>(e) * num_keys];
        lo_c = v < lo_c ? v : lo_c;
        hi_c = v > hi_c ? v : hi_c;
      }
      range.lo[c] = lo_c;
      range.hi[c] = hi_c;
    }
  });
  std::vector<std::int64_t> lo = ranges[0].lo, hi = ranges[0].hi;
  int excluded = 0;
  for (const Range& range : ranges) {
    excluded += range.excluded;
    for (int c = 0; c < num_keys; ++c) {
      lo[c] = std::min(lo[c], range.lo[c]);
      hi[c] = std::max(hi[c], range.hi[c]);
    }
  }
  // Pack keys, most significant first, into as few 64-bit words as fit.
  struct Word {
    std::vector<int> columns;
    int bits = 0;
  };
  std::vector<Word> words(1);
  std::vector<int> column_bits(num_keys);
  for (int c = 0; c < num_keys; ++c) {
    const auto range = static_cast<std::uint64_t>(hi[c]) - static_cast<std::uint64_t>(lo[c]);
    column_bits[c] = std::bit_width(range);
    if (column_bits[c] == 0) continue;
    if (words.back().bits + column_bits[c] > 64) words.emplace_back();
    words.back().columns.push_back(c);
    words.back().bits += column_bits[c];
  }
  scratch_words_.resize(n);
  scratch_words_out_.resize(n);
  scratch_entries_.resize(n);
  std::vector<std::uint64_t>& packed = scratch_words_;
  // Least significant word first; each pass is stable, so earlier words win.
  for (auto word = words.rbegin(); word != words.rend(); ++word) {
    runner.Run(parts, [&](int part) {
      const auto [first, last] = Part(n, parts, part);
      for (int p = first; p < last; ++p) {
        const std::int64_t* k = keys_.row(order_[p]).data();
        std::uint64_t value = 0;
        for (const int c : word->columns) {
          // hi - key: ascending order of this value is descending order of keys.
          const std::uint64_t part =
              static_cast<std::uint64_t>(hi[c]) - static_cast<std::uint64_t>(k[c]);
          // A key spanning all 64 bits has a word to itself (a shift by 64 is undefined).
          value = column_bits[c] == 64 ? part : (value << column_bits[c]) | part;
        }
        packed[p] = value;
      }
    });
    RadixSortPairs(packed, order_, scratch_words_out_, scratch_entries_, word->bits, runner, parts);
  }
  const bool one_word = words.size() == 1;
  runner.Run(parts, [&](int part) {
    const auto [first, last] = Part(n, parts, part);
    for (int p = first; p < last; ++p) position_[order_[p]] = p;
    if (!one_word) return;
    // One word holds every key: equal words are equal keys, read in order.
    // A part's first tie group may have started in the part before.
    int start = first;
    while (start > 0 && packed[start - 1] == packed[first]) --start;
    for (int p = first; p < last; ++p) {
      if (p > first && packed[p] != packed[p - 1]) start = p;
      rank_at_[p] = p >= n - excluded ? 0 : start + 1;
    }
  });
  if (!one_word) AssignRanks(0, n - 1);
}

void Ranking::AssignRanks(int first, int last) {
  for (int p = first; p <= last; ++p) {
    const int e = order_[p];
    if (keys_(e, 0) == 0) {
      rank_at_[p] = 0;
    } else if (p > 0 && SameKeys(order_[p - 1], e)) {
      rank_at_[p] = rank_at_[p - 1];
    } else {
      rank_at_[p] = p + 1;
    }
  }
}

RankSpan Ranking::Update(int entry) {
  const int n = size();
  const int p = position_[entry];
  int q = p;
  if (p > 0 && Before(entry, order_[p - 1])) {
    // Moves up: the first position in [0, p) whose occupant it now precedes.
    int lo = 0, hi = p - 1;
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (Before(entry, order_[mid])) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    q = lo;
    // The ranks move with the entries they belong to, as their old ranks.
    std::memmove(&order_[q + 1], &order_[q], sizeof(std::int32_t) * (p - q));
    std::memmove(&rank_at_[q + 1], &rank_at_[q], sizeof(std::int32_t) * (p - q));
    for (int x = q + 1; x <= p; ++x) position_[order_[x]] = x;
  } else if (p + 1 < n && Before(order_[p + 1], entry)) {
    // Moves down: the last position in (p, n) whose occupant precedes it.
    int lo = p + 1, hi = n - 1;
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (Before(order_[mid], entry)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    q = lo;
    std::memmove(&order_[p], &order_[p + 1], sizeof(std::int32_t) * (q - p));
    std::memmove(&rank_at_[p], &rank_at_[p + 1], sizeof(std::int32_t) * (q - p));
    for (int x = p; x < q; ++x) position_[order_[x]] = x;
  }
  order_[q] = entry;
  position_[entry] = q;
  RankSpan span{std::min(p, q), std::max(p, q)};
  // A tie group that runs past the moved range, now or before the move, may
  // have a new first position. (Ranks past the range are still the old ones.)
  while (span.last + 1 < n) {
    const int next = order_[span.last + 1];
    const bool tied_now = SameKeys(order_[span.last], next);
    const int next_rank = rank_at_[span.last + 1];  // not yet reassigned
    const bool tied_before = next_rank != 0 && next_rank - 1 <= span.last;
    if (!tied_now && !tied_before) break;
    ++span.last;
  }
  RerankAfterMove(span, q);
  return span;
}

void Ranking::RerankAfterMove(RankSpan span, int moved_to) {
  // Every other entry kept its keys, and its neighbours are its old ones or
  // the old ones on either side of the moved entry: two such entries have
  // the same keys exactly if they had the same rank (which sorted order makes
  // a tie group, a run of equal keys). Only pairs with the moved entry need
  // their keys compared, which saves a cache miss per position on a long move.
  int previous_old = span.first > 0 ? rank_at_[span.first - 1] : 0;
  int previous_new = previous_old;
  for (int x = span.first; x <= span.last; ++x) {
    const int entry = order_[x];
    const bool moved = x == moved_to;
    const int old = rank_at_[x];  // for the moved entry: meaningless
    int rank = x + 1;
    if (moved ? keys_(entry, 0) == 0 : old == 0) {
      rank = 0;  // excluded (and other entries' exclusion did not change)
    } else if (x > 0) {
      const bool tied =
          moved || x - 1 == moved_to ? SameKeys(order_[x - 1], entry) : old == previous_old;
      if (tied) rank = previous_new;
    }
    previous_old = moved ? -1 : old;
    previous_new = rank;
    rank_at_[x] = rank;
  }
}

std::vector<std::int32_t> SortByKeysNaive(const KeyMatrix& keys) {
  std::vector<std::int32_t> order(keys.rows());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
    for (Eigen::Index k = 0; k < keys.cols(); ++k) {
      if (keys(a, k) != keys(b, k)) return keys(a, k) > keys(b, k);
    }
    return false;
  });
  return order;
}

}  // namespace podium::engine
