#include "podium/engine/panel.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <numeric>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace podium::engine {

namespace {

// Rows per block: the block's accumulators stay in L1 while every judge
// column streams through once.
constexpr int kBlock = 256;
// Raw spreads are compared with this much slack against decimal steps.
constexpr double kSpreadTolerance = 1e-9;
constexpr double kInf = std::numeric_limits<double>::infinity();

using Block = Eigen::Array<double, Eigen::Dynamic, 1, Eigen::ColMajor, kBlock, 1>;

// The present adjusted marks of `row`, with their columns, sorted by value
// then column: the order in which trimming drops from each end.
struct RowMarks {
  std::vector<double> values;
  std::vector<int> columns;
};

double AdjustedMark(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                    const PanelParams& params, int row, int column) {
  const double raw = marks.quanta(row, column) * marks.step();
  return std::min(std::max(raw * adjustment.scale(column) + adjustment.offset(column), 0.0),
                  params.mark_max);
}

RowMarks SortedRow(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                   const PanelParams& params, int row) {
  RowMarks sorted;
  for (int c = 0; c < marks.columns(); ++c) {
    if (!marks.present(row, c)) continue;
    sorted.values.push_back(AdjustedMark(marks, adjustment, params, row, c));
    sorted.columns.push_back(c);
  }
  std::vector<int> by_value(sorted.values.size());
  std::iota(by_value.begin(), by_value.end(), 0);
  std::stable_sort(by_value.begin(), by_value.end(),
                   [&](int a, int b) { return sorted.values[a] < sorted.values[b]; });
  RowMarks out;
  for (const int i : by_value) {
    out.values.push_back(sorted.values[i]);
    out.columns.push_back(sorted.columns[i]);
  }
  return out;
}

// How many marks the rule drops from each end of `n` sorted marks.
int DroppedPerEnd(const PanelParams& params, int n) {
  switch (params.rule) {
    case PanelRule::kTrimmed:
      return std::min(params.trim, (n - 1) / 2);
    case PanelRule::kMedian:
      return (n - 1) / 2;
    case PanelRule::kMean:
    case PanelRule::kJudgement03:
      return 0;
  }
  return 0;
}

// The slow path: sort one row and average the marks that are kept.
double AggregateSortedRow(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                          const PanelParams& params, int row) {
  const RowMarks sorted = SortedRow(marks, adjustment, params, row);
  const int n = static_cast<int>(sorted.values.size());
  if (n == 0) return 0;
  const int drop = DroppedPerEnd(params, n);
  double sum = 0;
  for (int i = drop; i < n - drop; ++i) sum += sorted.values[i];
  return sum / (n - 2 * drop);
}

}  // namespace

PanelParams PanelParams::For(const ItemSpec& item) {
  PanelParams params;
  params.rule = item.marking == Marking::kMeasurement ? PanelRule::kMean : item.rule;
  params.trim = item.trim;
  params.mark_max = item.max;
  params.tolerance = item.tolerance;
  if (params.rule == PanelRule::kJudgement03) {
    params.mark_max = 3;
    params.score_scale = item.max / 3;
    params.tolerance = 1;
  }
  return params;
}

namespace {

// What the kernel may skip for one column, decided once per call.
struct ColumnPlan {
  bool all_present = false;  // no mask needed
  bool clamp = true;         // the adjustment can leave [0, mark_max]
  bool identity = false;     // adjusted == raw
};

// Per-block accumulators over a row block.
struct Accumulators {
  Block sum, n, lo, hi;
  // The raw spread is tracked in quanta: their order is the marks' order.
  Eigen::Array<std::int32_t, Eigen::Dynamic, 1, Eigen::ColMajor, kBlock, 1> quanta_lo, quanta_hi;
  void Reset(int len, double present_columns) {
    sum = Block::Zero(len);
    n = Block::Constant(len, present_columns);
    lo = Block::Constant(len, kInf);
    hi = Block::Constant(len, -kInf);
    quanta_lo.setConstant(len, INT32_MAX);
    quanta_hi.setConstant(len, INT32_MIN);
  }
};

// Adds one column's marks for rows [b, b + len) in one fused loop (one pass
// over the column, accumulators in L1). The same scalar operations run on a
// single row or a block, so results are bit-identical either way.
template <bool kMasked, bool kIdentity, bool kClamp>
void AccumulateColumn(const std::int32_t* quanta, const bool* present, double step, double scale,
                      double offset, double mark_max, int len, Accumulators& acc) {
  // Distinct arrays: telling the compiler lets it vectorize the loop.
  double* __restrict__ sum = acc.sum.data();
  double* __restrict__ n = acc.n.data();
  double* __restrict__ lo = acc.lo.data();
  double* __restrict__ hi = acc.hi.data();
  std::int32_t* __restrict__ quanta_lo = acc.quanta_lo.data();
  std::int32_t* __restrict__ quanta_hi = acc.quanta_hi.data();
  for (int i = 0; i < len; ++i) {
    const double raw = quanta[i] * step;
    double v = kIdentity ? raw : raw * scale + offset;
    if constexpr (kClamp) {
      v = v > 0.0 ? v : 0.0;
      v = v < mark_max ? v : mark_max;
    }
    if constexpr (kMasked) {
      if (!present[i]) continue;
      n[i] += 1.0;
    }
    sum[i] += v;
    lo[i] = v < lo[i] ? v : lo[i];
    hi[i] = v > hi[i] ? v : hi[i];
    quanta_lo[i] = quanta[i] < quanta_lo[i] ? quanta[i] : quanta_lo[i];
    quanta_hi[i] = quanta[i] > quanta_hi[i] ? quanta[i] : quanta_hi[i];
  }
}

using AccumulateFn = void (*)(const std::int32_t*, const bool*, double, double, double, double, int,
                              Accumulators&);

// Picks the specialization for one column's plan.
AccumulateFn AccumulatorFor(const ColumnPlan& plan) {
  if (plan.all_present) {
    if (plan.identity) return &AccumulateColumn<false, true, false>;
    return plan.clamp ? &AccumulateColumn<false, false, true>
                      : &AccumulateColumn<false, false, false>;
  }
  if (plan.identity) return &AccumulateColumn<true, true, false>;
  return plan.clamp ? &AccumulateColumn<true, false, true> : &AccumulateColumn<true, false, false>;
}

// The common case, fully present panels of a usual size: every column's mark
// is loaded once and the row's whole aggregate is kept in registers. Same
// scalar operations, in the same order, as the general path (clamping an
// in-range mark, or scaling by exactly 1 and adding 0, changes nothing), so
// both give bit-identical scores.
template <int kColumns, bool kTrimmed>
void AggregateDenseBlock(const std::int32_t* const* quanta, const double* scale,
                         const double* offset, double step, const PanelParams& params, int len,
                         double* __restrict__ score, std::uint8_t* __restrict__ marks,
                         bool* __restrict__ flagged) {
  const double mark_max = params.mark_max;
  const double tolerance = params.tolerance + kSpreadTolerance;
  const double score_scale = params.score_scale;
  std::array<const std::int32_t*, kColumns> column;
  std::array<double, kColumns> column_scale;
  std::array<double, kColumns> column_offset;
  for (int c = 0; c < kColumns; ++c) {
    column[c] = quanta[c];
    column_scale[c] = scale[c];
    column_offset[c] = offset[c];
  }
  int i = 0;
#if defined(__SSE2__)
  // Two rows per instruction. Each lane does the scalar loop's operations in
  // its order; min/max keep its semantics (the second operand on ties), so
  // scores are bit-identical to the scalar path on every machine.
  const __m128d zero = _mm_setzero_pd();
  const __m128d step2 = _mm_set1_pd(step);
  const __m128d max2 = _mm_set1_pd(mark_max);
  for (; i + 2 <= len; i += 2) {
    __m128d sum = zero;
    __m128d lo = _mm_set1_pd(kInf);
    __m128d hi = _mm_set1_pd(-kInf);
    for (int c = 0; c < kColumns; ++c) {
      std::int64_t pair;
      std::memcpy(&pair, column[c] + i, sizeof pair);
      const __m128d raw = _mm_mul_pd(_mm_cvtepi32_pd(_mm_cvtsi64_si128(pair)), step2);
      __m128d v =
          _mm_add_pd(_mm_mul_pd(raw, _mm_set1_pd(column_scale[c])), _mm_set1_pd(column_offset[c]));
      v = _mm_max_pd(v, zero);  // v > 0 ? v : 0
      v = _mm_min_pd(v, max2);  // v < mark_max ? v : mark_max
      sum = _mm_add_pd(sum, v);
      lo = _mm_min_pd(v, lo);
      hi = _mm_max_pd(v, hi);
    }
    const __m128d result =
        kTrimmed ? _mm_div_pd(_mm_sub_pd(_mm_sub_pd(sum, lo), hi), _mm_set1_pd(kColumns - 2.0))
                 : _mm_div_pd(sum, _mm_set1_pd(kColumns));
    _mm_storeu_pd(score + i, _mm_mul_pd(result, _mm_set1_pd(score_scale)));
  }
#endif
  for (; i < len; ++i) {
    double sum = 0;
    double lo = kInf;
    double hi = -kInf;
    for (int c = 0; c < kColumns; ++c) {
      double v = (column[c][i] * step) * column_scale[c] + column_offset[c];
      v = v > 0.0 ? v : 0.0;
      v = v < mark_max ? v : mark_max;
      sum += v;
      lo = v < lo ? v : lo;
      hi = v > hi ? v : hi;
    }
    const double result = kTrimmed ? (sum - lo - hi) / (kColumns - 2.0) : sum / kColumns;
    score[i] = result * score_scale;
  }
  // The panel's raw spread, in a loop of its own over integers.
  for (int i = 0; i < len; ++i) {
    std::int32_t quanta_lo = INT32_MAX;
    std::int32_t quanta_hi = INT32_MIN;
    for (int c = 0; c < kColumns; ++c) {
      const std::int32_t q = column[c][i];
      quanta_lo = q < quanta_lo ? q : quanta_lo;
      quanta_hi = q > quanta_hi ? q : quanta_hi;
    }
    flagged[i] =
        kColumns >= 2 &&
        (static_cast<double>(quanta_hi) - static_cast<double>(quanta_lo)) * step > tolerance;
  }
  std::fill_n(marks, len, static_cast<std::uint8_t>(kColumns));
}

using DenseFn = void (*)(const std::int32_t* const*, const double*, const double*, double,
                         const PanelParams&, int, double*, std::uint8_t*, bool*);

// The dense kernel for this panel, or nullptr if it has no fast path.
DenseFn DenseKernelFor(int columns, bool trimmed) {
  switch (columns) {
    case 1:
      return &AggregateDenseBlock<1, false>;
    case 3:
      return trimmed ? &AggregateDenseBlock<3, true> : &AggregateDenseBlock<3, false>;
    case 4:
      return trimmed ? &AggregateDenseBlock<4, true> : &AggregateDenseBlock<4, false>;
    case 5:
      return trimmed ? &AggregateDenseBlock<5, true> : &AggregateDenseBlock<5, false>;
    case 7:
      return trimmed ? &AggregateDenseBlock<7, true> : &AggregateDenseBlock<7, false>;
    default:
      return nullptr;
  }
}

}  // namespace

void AggregatePanel(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                    const PanelParams& params, int first, int count, PanelOutput out) {
  const int columns = marks.columns();
  std::vector<ColumnPlan> plans(columns);
  double present_columns = 0;
  for (int c = 0; c < columns; ++c) {
    ColumnPlan& plan = plans[c];
    const double scale = adjustment.scale(c);
    const double offset = adjustment.offset(c);
    plan.all_present = marks.count()(c) == marks.rows();
    plan.identity = scale == 1 && offset == 0;
    // Raw marks lie in [0, mark_max]; so does their image if both ends do.
    plan.clamp = !(scale > 0 && offset >= 0 && scale * params.mark_max + offset <= params.mark_max);
    present_columns += plan.all_present ? 1 : 0;
  }
  const bool sum_min_max = params.rule == PanelRule::kMean ||
                           params.rule == PanelRule::kJudgement03 ||
                           (params.rule == PanelRule::kTrimmed && params.trim == 1);
  const bool mean_like = params.rule == PanelRule::kMean || params.rule == PanelRule::kJudgement03;
  const bool trimmed_one = params.rule == PanelRule::kTrimmed && params.trim == 1;
  if (present_columns == columns && (mean_like || (trimmed_one && columns >= 3))) {
    if (const DenseFn dense = DenseKernelFor(columns, trimmed_one)) {
      std::vector<const std::int32_t*> quanta(columns);
      for (int c = 0; c < columns; ++c) quanta[c] = marks.quanta().col(c).data() + first;
      dense(quanta.data(), adjustment.scale.data(), adjustment.offset.data(), marks.step(), params,
            count, out.score.data() + first, out.marks.data() + first, out.flagged.data() + first);
      return;
    }
  }
  std::vector<AccumulateFn> accumulate(columns);
  for (int c = 0; c < columns; ++c) accumulate[c] = AccumulatorFor(plans[c]);
  const double step = marks.step();
  Accumulators acc;
  for (int b = first; b < first + count; b += kBlock) {
    const int len = std::min(kBlock, first + count - b);
    acc.Reset(len, present_columns);
    for (int c = 0; c < columns; ++c) {
      accumulate[c](marks.quanta().col(c).data() + b, marks.presence().col(c).data() + b, step,
                    adjustment.scale(c), adjustment.offset(c), params.mark_max, len, acc);
    }
    Block result;
    if (params.rule == PanelRule::kTrimmed && params.trim == 1) {
      result = (acc.n >= 3)
                   .select((acc.sum - acc.lo - acc.hi) / (acc.n - 2),
                           (acc.n > 0).select(acc.sum / acc.n, 0.0));
    } else if (sum_min_max) {
      result = (acc.n > 0).select(acc.sum / acc.n, 0.0);
    } else {
      result.resize(len);
      for (int i = 0; i < len; ++i)
        result(i) = AggregateSortedRow(marks, adjustment, params, b + i);
    }
    out.score.segment(b, len) = (result * params.score_scale).matrix();
    out.marks.segment(b, len) = acc.n.min(255.0).cast<std::uint8_t>();
    const Block spread = (acc.quanta_hi.cast<double>() - acc.quanta_lo.cast<double>()) * step;
    out.flagged.segment(b, len) = (acc.n >= 2) && (spread > params.tolerance + kSpreadTolerance);
  }
}

std::vector<SeatMark> ExplainPanel(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                                   const PanelParams& params, int row) {
  const RowMarks sorted = SortedRow(marks, adjustment, params, row);
  const int n = static_cast<int>(sorted.values.size());
  const int drop = DroppedPerEnd(params, n);
  std::vector<SeatMark> seats;
  for (int c = 0; c < marks.columns(); ++c) {
    if (!marks.present(row, c)) continue;
    SeatMark seat{.column = c,
                  .raw = marks.value(row, c),
                  .adjusted = AdjustedMark(marks, adjustment, params, row, c)};
    const auto at =
        std::find(sorted.columns.begin(), sorted.columns.end(), c) - sorted.columns.begin();
    seat.dropped = at < drop || at >= n - drop;
    seats.push_back(seat);
  }
  return seats;
}

}  // namespace podium::engine
